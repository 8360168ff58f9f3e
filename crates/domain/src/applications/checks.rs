//! The form's validation: for submission (SPEC §4, every field) and for every draft save
//! (hard limits only).

use super::{ApplicationForm, SRDI_CATEGORIES, limits};
use super::{FundingSources, InstitutionTypes, PartnerCategories, SupportingProjects};
use crate::FieldError;
use crate::organizations::UniversityNature;
use crate::validate::{Email, Phone, checked_text};

/// One problem, at a JSON path of the form (`lead.contact_phone`, `partners[1].category`).
pub type FormErrors = Vec<(String, FieldError)>;

struct Checker {
    errors: FormErrors,
}

impl Checker {
    fn text(&mut self, path: &str, label: &str, value: &str, max: usize) {
        if let Err(e) = checked_text(label, value, max, true) {
            self.errors.push((path.to_owned(), e));
        }
    }
    fn optional_text(&mut self, path: &str, label: &str, value: &str, max: usize) {
        if let Err(e) = checked_text(label, value, max, false) {
            self.errors.push((path.to_owned(), e));
        }
    }
    fn choice(&mut self, path: &str, label: &str, value: &Option<String>, all: &[(&str, &str)]) {
        match value.as_deref() {
            None | Some("") => self.errors.push((
                path.to_owned(),
                FieldError::new("required", format!("请选择{label}")),
            )),
            Some(v) if !all.iter().any(|(c, _)| *c == v) => self.errors.push((
                path.to_owned(),
                FieldError::new("invalid_choice", format!("{label}的选项无效")),
            )),
            _ => {}
        }
    }
    fn multi(
        &mut self,
        path: &str,
        label: &str,
        values: &[String],
        other: &str,
        all: &[(&str, &str)],
    ) {
        if values.is_empty() {
            self.errors.push((
                path.to_owned(),
                FieldError::new("required", format!("请至少选择一项{label}")),
            ));
        }
        if values.iter().any(|v| !all.iter().any(|(c, _)| c == v)) {
            self.errors.push((
                path.to_owned(),
                FieldError::new("invalid_choice", format!("{label}的选项无效")),
            ));
        }
        if values.iter().any(|v| v == "other") && other.trim().is_empty() {
            self.errors.push((
                format!("{path}_other"),
                FieldError::new("required", format!("选择“其他”时请填写具体{label}")),
            ));
        }
    }
    fn phone(&mut self, path: &str, value: &str) {
        if let Err(e) = Phone::parse(value) {
            self.errors.push((path.to_owned(), e));
        }
    }
    fn email(&mut self, path: &str, value: &str) {
        if let Err(e) = Email::parse(value) {
            self.errors.push((path.to_owned(), e));
        }
    }
}

impl ApplicationForm {
    /// Everything that must hold before the form can be submitted: every required field filled
    /// and well-formed, the direction from the call's list, at least one SRDI enterprise among
    /// the partners. Partner confirmation is checked separately (it is not in the form).
    pub fn check_for_submission(&self, directions: &[String]) -> FormErrors {
        let mut c = Checker { errors: Vec::new() };
        let l = &self.lead;
        c.choice(
            "lead.institution_type",
            "院校类型",
            &l.institution_type,
            InstitutionTypes::ALL,
        );
        c.text("lead.name", "单位名称", &l.name, limits::NAME);
        match l.nature.as_deref() {
            Some(n) if UniversityNature::parse(n).is_some() => {}
            Some(n) if !n.is_empty() => c.errors.push((
                "lead.nature".into(),
                FieldError::new("invalid_choice", "单位性质的选项无效"),
            )),
            _ => c.errors.push((
                "lead.nature".into(),
                FieldError::new("required", "请选择单位性质"),
            )),
        }
        c.text(
            "lead.contact_name",
            "联系人姓名",
            &l.contact_name,
            limits::SHORT,
        );
        c.text(
            "lead.contact_title",
            "职务/职称",
            &l.contact_title,
            limits::SHORT,
        );
        c.phone("lead.contact_phone", &l.contact_phone);
        c.email("lead.contact_email", &l.contact_email);
        c.text("lead.profile", "院校简介", &l.profile, limits::PROFILE);
        match l.direction.as_deref() {
            None | Some("") => c.errors.push((
                "lead.direction".into(),
                FieldError::new("required", "请选择申报方向"),
            )),
            Some(d) if !directions.iter().any(|x| x == d) => c.errors.push((
                "lead.direction".into(),
                FieldError::new(
                    "direction_not_in_call",
                    "申报方向须从本批次的方向目录中选择",
                ),
            )),
            _ => {}
        }
        c.multi(
            "lead.supporting_projects",
            "依托项目",
            &l.supporting_projects,
            &l.supporting_projects_other,
            SupportingProjects::ALL,
        );
        c.optional_text(
            "lead.supporting_projects_other",
            "其他依托项目",
            &l.supporting_projects_other,
            limits::NAME,
        );
        c.multi(
            "lead.funding_sources",
            "资金来源",
            &l.funding_sources,
            &l.funding_sources_other,
            FundingSources::ALL,
        );
        c.optional_text(
            "lead.funding_sources_other",
            "其他资金来源",
            &l.funding_sources_other,
            limits::NAME,
        );

        if self.partners.is_empty() {
            c.errors.push((
                "partners".into(),
                FieldError::new("partners_required", "请至少填写一家联合申报单位"),
            ));
        }
        if self.partners.len() > limits::PARTNERS {
            c.errors.push((
                "partners".into(),
                FieldError::new(
                    "too_many",
                    format!("联合申报单位最多{}家", limits::PARTNERS),
                ),
            ));
        }
        for (i, p) in self.partners.iter().enumerate() {
            let at = |f: &str| format!("partners[{i}].{f}");
            c.text(&at("name"), "单位名称", &p.name, limits::NAME);
            c.choice(
                &at("category"),
                "单位类别",
                &p.category,
                PartnerCategories::ALL,
            );
            c.text(&at("contact"), "联系人（职务）", &p.contact, limits::SHORT);
            c.phone(&at("contact_phone"), &p.contact_phone);
            c.email(&at("contact_email"), &p.contact_email);
            c.text(
                &at("profile"),
                "单位简介及产教融合工作基础",
                &p.profile,
                limits::PROFILE,
            );
            if !p.uscc.trim().is_empty()
                && let Err(e) = crate::validate::Uscc::parse(&p.uscc)
            {
                c.errors.push((at("uscc"), e));
            }
        }
        if !self.partners.is_empty()
            && !self.partners.iter().any(|p| {
                p.category
                    .as_deref()
                    .is_some_and(|k| SRDI_CATEGORIES.contains(&k))
            })
        {
            c.errors.push((
                "partners".into(),
                FieldError::new("srdi_partner_required", "联合申报单位须至少包括一家省级以上“专精特新”企业（国家专精特新“小巨人”企业或省级“专精特新”企业）"),
            ));
        }

        let ie = &self.industry_education;
        c.text(
            "industry_education.main_work",
            "主要工作",
            &ie.main_work,
            limits::PROSE,
        );
        c.text(
            "industry_education.results",
            "成效经验",
            &ie.results,
            limits::PROSE,
        );
        c.text(
            "industry_education.innovation",
            "特色创新",
            &ie.innovation,
            limits::PROSE,
        );
        let g = &self.goals;
        c.text("goals.goals", "建设目标", &g.goals, limits::PROSE);
        for (key, heading, value) in g.plan.sections() {
            c.text(
                &format!("goals.plan.{key}"),
                &format!("建设规划·{heading}"),
                value,
                limits::PROSE,
            );
        }
        c.text("goals.innovation", "创新特色", &g.innovation, limits::PROSE);
        let gu = &self.guarantees;
        c.text(
            "guarantees.facilities",
            "设施保障",
            &gu.facilities,
            limits::PROSE,
        );
        c.text(
            "guarantees.organisation",
            "组织保障",
            &gu.organisation,
            limits::PROSE,
        );
        c.text("guarantees.funding", "经费保障", &gu.funding, limits::PROSE);
        c.optional_text("guarantees.other", "其他保障", &gu.other, limits::PROSE);
        let cm = &self.commitment;
        c.text(
            "commitment.responsible_person",
            "单位负责人",
            &cm.responsible_person,
            limits::SHORT,
        );
        if !cm.agreed {
            c.errors.push((
                "commitment.agreed".into(),
                FieldError::new("commitment_required", "请确认承诺意见"),
            ));
        }
        if !cm.office_meeting_approved {
            c.errors.push((
                "commitment.office_meeting_approved".into(),
                FieldError::new("office_meeting_required", "申报须经学校办公会议批准后提交"),
            ));
        }
        c.errors
    }

    /// Text limits that apply to every draft save, so a draft can never grow without bound.
    pub fn check_draft(&self) -> FormErrors {
        let mut c = Checker { errors: Vec::new() };
        let l = &self.lead;
        for (path, label, v, max) in [
            ("lead.name", "单位名称", &l.name, limits::NAME),
            (
                "lead.contact_name",
                "联系人姓名",
                &l.contact_name,
                limits::SHORT,
            ),
            (
                "lead.contact_title",
                "职务/职称",
                &l.contact_title,
                limits::SHORT,
            ),
            (
                "lead.contact_phone",
                "联系电话",
                &l.contact_phone,
                limits::SHORT,
            ),
            (
                "lead.contact_email",
                "电子邮箱",
                &l.contact_email,
                limits::NAME,
            ),
            ("lead.profile", "院校简介", &l.profile, limits::PROFILE),
            (
                "industry_education.main_work",
                "主要工作",
                &self.industry_education.main_work,
                limits::PROSE,
            ),
            (
                "industry_education.results",
                "成效经验",
                &self.industry_education.results,
                limits::PROSE,
            ),
            (
                "industry_education.innovation",
                "特色创新",
                &self.industry_education.innovation,
                limits::PROSE,
            ),
            ("goals.goals", "建设目标", &self.goals.goals, limits::PROSE),
            (
                "goals.innovation",
                "创新特色",
                &self.goals.innovation,
                limits::PROSE,
            ),
            (
                "guarantees.facilities",
                "设施保障",
                &self.guarantees.facilities,
                limits::PROSE,
            ),
            (
                "guarantees.organisation",
                "组织保障",
                &self.guarantees.organisation,
                limits::PROSE,
            ),
            (
                "guarantees.funding",
                "经费保障",
                &self.guarantees.funding,
                limits::PROSE,
            ),
            (
                "guarantees.other",
                "其他保障",
                &self.guarantees.other,
                limits::PROSE,
            ),
        ] {
            c.optional_text(path, label, v, max);
        }
        for (key, heading, value) in self.goals.plan.sections() {
            c.optional_text(&format!("goals.plan.{key}"), heading, value, limits::PROSE);
        }
        if self.partners.len() > limits::PARTNERS {
            c.errors.push((
                "partners".into(),
                FieldError::new(
                    "too_many",
                    format!("联合申报单位最多{}家", limits::PARTNERS),
                ),
            ));
        }
        for (i, p) in self.partners.iter().enumerate() {
            c.optional_text(
                &format!("partners[{i}].name"),
                "单位名称",
                &p.name,
                limits::NAME,
            );
            c.optional_text(
                &format!("partners[{i}].profile"),
                "单位简介",
                &p.profile,
                limits::PROFILE,
            );
        }
        c.errors
    }
}
