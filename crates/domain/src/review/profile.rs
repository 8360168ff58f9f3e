//! An expert's profile (专家档案): the input the office (or the expert themself) sends, and its
//! validation into a [`Profile`] to store.

use serde::Deserialize;

use crate::FieldError;
use crate::provinces::province_by_code;
use crate::review::lists::EXPERTISE;

/// An expert profile as sent (create or change).
#[derive(Debug, Deserialize, Clone)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExpertInput {
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    #[serde(default)]
    pub conflict_org_ids: Vec<i64>,
    #[serde(default)]
    pub conflict_application_ids: Vec<i64>,
}

/// A validated profile: trimmed text, de-duplicated fields, trimmed keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    pub conflict_org_ids: Vec<i64>,
    pub conflict_application_ids: Vec<i64>,
}

/// Validates a profile; every problem is named (field path, error).
pub fn validate_profile(p: &ExpertInput) -> Result<Profile, Vec<(String, FieldError)>> {
    let mut errs: Vec<(String, FieldError)> = Vec::new();
    let mut bad = |field: &str, code: &'static str, msg: &str| {
        errs.push((field.into(), FieldError::new(code, msg)))
    };
    let title = p.title.trim();
    if title.is_empty() || title.chars().count() > 50 {
        bad("title", "required", "请填写职称（不超过 50 字）");
    }
    let aff = p.affiliation_name.trim();
    if aff.is_empty() || aff.chars().count() > 100 {
        bad(
            "affiliation_name",
            "required",
            "请填写工作单位（不超过 100 字）",
        );
    }
    if province_by_code(&p.province_code).is_none() {
        bad("province_code", "invalid", "请选择所在省份");
    }
    if p.fields.is_empty() {
        bad("fields", "required", "请至少选择一个专业领域");
    }
    for (i, f) in p.fields.iter().enumerate() {
        if !EXPERTISE.iter().any(|(c, _)| c == f) {
            bad(&format!("fields[{i}]"), "invalid", "不在专业领域列表中");
        }
    }
    if p.keywords.len() > 20 {
        bad("keywords", "too_many", "关键词最多 20 个");
    }
    for (i, k) in p.keywords.iter().enumerate() {
        let n = k.trim().chars().count();
        if n == 0 || n > 30 {
            bad(&format!("keywords[{i}]"), "invalid", "关键词应为 1–30 字");
        }
    }
    if !(0..=200).contains(&p.max_load) {
        bad("max_load", "range", "最大评审量应在 0–200 之间");
    }
    if p.conflict_org_ids.len() > 50 || p.conflict_application_ids.len() > 50 {
        bad("conflict_org_ids", "too_many", "回避单位或申报最多 50 个");
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut fields = p.fields.clone();
    fields.dedup();
    let keywords: Vec<String> = p.keywords.iter().map(|k| k.trim().to_owned()).collect();
    Ok(Profile {
        title: title.into(),
        affiliation_org_id: p.affiliation_org_id,
        affiliation_name: aff.into(),
        province_code: p.province_code.clone(),
        fields,
        keywords,
        max_load: p.max_load,
        available: p.available,
        conflict_org_ids: p.conflict_org_ids.clone(),
        conflict_application_ids: p.conflict_application_ids.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ExpertInput {
        ExpertInput {
            title: " 教授 ".into(),
            affiliation_org_id: None,
            affiliation_name: " 某大学 ".into(),
            province_code: "110000".into(),
            fields: vec![EXPERTISE[0].0.into(), EXPERTISE[0].0.into()],
            keywords: vec![" 数控 ".into()],
            max_load: 10,
            available: true,
            conflict_org_ids: vec![],
            conflict_application_ids: vec![],
        }
    }

    fn fields_of(e: Vec<(String, FieldError)>) -> Vec<(String, &'static str)> {
        e.into_iter().map(|(f, e)| (f, e.code)).collect()
    }

    #[test]
    fn a_good_profile_is_trimmed_and_deduplicated() {
        let p = validate_profile(&input()).unwrap();
        assert_eq!(p.title, "教授");
        assert_eq!(p.affiliation_name, "某大学");
        assert_eq!(p.fields, vec![EXPERTISE[0].0.to_owned()]);
        assert_eq!(p.keywords, vec!["数控".to_owned()]);
    }

    #[test]
    fn every_problem_is_named() {
        let mut i = input();
        i.title = "  ".into();
        i.affiliation_name = String::new();
        i.province_code = "999999".into();
        i.fields = vec!["nonsense".into()];
        i.keywords = vec![String::new(); 21];
        i.max_load = 201;
        i.conflict_org_ids = vec![1; 51];
        let errs = fields_of(validate_profile(&i).unwrap_err());
        for (field, code) in [
            ("title", "required"),
            ("affiliation_name", "required"),
            ("province_code", "invalid"),
            ("fields[0]", "invalid"),
            ("keywords", "too_many"),
            ("keywords[20]", "invalid"),
            ("max_load", "range"),
            ("conflict_org_ids", "too_many"),
        ] {
            assert!(
                errs.contains(&(field.to_owned(), code)),
                "{field} {code} missing from {errs:?}"
            );
        }
        i.fields.clear();
        let errs = fields_of(validate_profile(&i).unwrap_err());
        assert!(errs.contains(&("fields".to_owned(), "required")));
    }
}
