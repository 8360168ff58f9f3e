//! Organisations (单位): the tenants of the platform, and the rules their records follow.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::provinces::ProvinceCode;
use crate::validate::{Email, Phone, PostalCode, Uscc, bounded_text};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn label_zh(self) -> &'static str { match self { $($name::$v => $zh),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)+ _ => None } }
        }
    };
}

string_enum! {
    /// 单位类别.
    OrgKind {
        Office = "office" / "项目建设办公室（中心）",
        Alliance = "alliance" / "联盟",
        University = "university" / "高校",
        Enterprise = "enterprise" / "企业",
        SmeCenter = "sme_center" / "中小企业中心",
        Association = "association" / "行业协会",
        Park = "park" / "产业园区",
    }
}

string_enum! {
    /// 院校类型.
    UniversityType {
        Undergraduate = "undergraduate" / "本科院校（含本科层次职业院校）",
        HigherVocational = "higher_vocational" / "高等职业院校",
    }
}

string_enum! {
    /// 单位性质.
    UniversityNature {
        Public = "public" / "公办",
        Private = "private" / "民办",
    }
}

string_enum! {
    /// An enterprise's SRDI standing.
    SrdiLevel {
        LittleGiant = "little_giant" / "国家专精特新“小巨人”企业",
        ProvincialSrdi = "provincial_srdi" / "省级“专精特新”企业",
        ChainLeader = "chain_leader" / "龙头企业",
        Other = "other" / "其他",
    }
}

string_enum! {
    /// Industrial fields (领域) the programme runs calls in.
    Field {
        AdvancedSemiconductor = "advanced_semiconductor" / "先进半导体",
    }
}

/// An organisation as a user submits it: raw strings, not yet trusted. The body of create and
/// update: every field of the record (no id, no timestamps).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(as = OrganizationInput)
)]
#[serde(deny_unknown_fields)]
pub struct OrganizationDraft {
    pub kind: String,
    pub name: String,
    /// 统一社会信用代码, 18 characters with its GB 32100-2015 check character.
    pub uscc: String,
    /// GB/T 2260 province code, e.g. 110000.
    pub province_code: String,
    pub city: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub university_type: Option<String>,
    pub university_nature: Option<String>,
    pub srdi_level: Option<String>,
    pub field: Option<String>,
}

/// A validated organisation record, normalised and safe to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Uscc,
    pub province_code: ProvinceCode,
    pub city: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<PostalCode>,
    pub contact_name: String,
    pub contact_phone: Phone,
    pub contact_email: Email,
    pub university_type: Option<UniversityType>,
    pub university_nature: Option<UniversityNature>,
    pub srdi_level: Option<SrdiLevel>,
    pub field: Option<Field>,
}

/// Field-level errors, in form order, keyed by the JSON field name.
pub type FieldErrors = Vec<(&'static str, FieldError)>;

fn optional_text(
    errors: &mut FieldErrors,
    key: &'static str,
    label: &str,
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    match bounded_text(label, v, max, false) {
        Ok(s) if s.is_empty() => None,
        Ok(s) => Some(s),
        Err(e) => {
            errors.push((key, e));
            None
        }
    }
}

fn choice<T: Copy>(
    errors: &mut FieldErrors,
    key: &'static str,
    label: &str,
    value: &Option<String>,
    required: bool,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let v = value.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match (v, required) {
        (None, true) => {
            errors.push((key, FieldError::new("required", format!("请选择{label}"))));
            None
        }
        (None, false) => None,
        (Some(_), false) => {
            errors.push((
                key,
                FieldError::new("not_applicable", format!("该单位类别不填写{label}")),
            ));
            None
        }
        (Some(s), true) => {
            let parsed = parse(s);
            if parsed.is_none() {
                errors.push((
                    key,
                    FieldError::new("invalid_choice", format!("{label}的选项无效")),
                ));
            }
            parsed
        }
    }
}

impl OrganizationDraft {
    /// Validates every field, collecting all problems at once so the form can show them together.
    pub fn validate(&self) -> Result<Organization, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        let kind = match OrgKind::parse(self.kind.trim()) {
            Some(k) => Some(k),
            None => {
                errors.push(("kind", FieldError::new("required", "请选择单位类别")));
                None
            }
        };
        let name = bounded_text("单位名称", &self.name, 100, true)
            .map_err(|e| errors.push(("name", e)))
            .ok();
        let uscc = Uscc::parse(&self.uscc)
            .map_err(|e| errors.push(("uscc", e)))
            .ok();
        let province_code = ProvinceCode::parse(&self.province_code)
            .map_err(|e| errors.push(("province_code", e)))
            .ok();
        let city = optional_text(&mut errors, "city", "城市", &self.city, 50);
        let address = optional_text(&mut errors, "address", "通讯地址", &self.address, 200);
        let postal_code = match self.postal_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => PostalCode::parse(p)
                .map_err(|e| errors.push(("postal_code", e)))
                .ok(),
        };
        let contact_name = bounded_text("联系人", &self.contact_name, 50, true)
            .map_err(|e| errors.push(("contact_name", e)))
            .ok();
        let contact_phone = Phone::parse(&self.contact_phone)
            .map_err(|e| errors.push(("contact_phone", e)))
            .ok();
        let contact_email = Email::parse(&self.contact_email)
            .map_err(|e| errors.push(("contact_email", e)))
            .ok();
        let is = |k: OrgKind| kind == Some(k);
        let university_type = choice(
            &mut errors,
            "university_type",
            "院校类型",
            &self.university_type,
            is(OrgKind::University),
            UniversityType::parse,
        );
        let university_nature = choice(
            &mut errors,
            "university_nature",
            "单位性质",
            &self.university_nature,
            is(OrgKind::University),
            UniversityNature::parse,
        );
        let srdi_level = choice(
            &mut errors,
            "srdi_level",
            "企业类别",
            &self.srdi_level,
            is(OrgKind::Enterprise),
            SrdiLevel::parse,
        );
        let field = choice(
            &mut errors,
            "field",
            "领域",
            &self.field,
            is(OrgKind::Alliance),
            Field::parse,
        );

        match (
            kind,
            name,
            uscc,
            province_code,
            contact_name,
            contact_phone,
            contact_email,
        ) {
            (
                Some(kind),
                Some(name),
                Some(uscc),
                Some(province_code),
                Some(cn),
                Some(cp),
                Some(ce),
            ) if errors.is_empty() => Ok(Organization {
                kind,
                name,
                uscc,
                province_code,
                city,
                address,
                postal_code,
                contact_name: cn,
                contact_phone: cp,
                contact_email: ce,
                university_type,
                university_nature,
                srdi_level,
                field,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn university() -> OrganizationDraft {
        OrganizationDraft {
            kind: "university".into(),
            name: "示例职业技术学院".into(),
            uscc: "12100000400012345X".into(),
            province_code: "320000".into(),
            contact_name: "王老师".into(),
            contact_phone: "13911394320".into(),
            contact_email: "wang@example.edu.cn".into(),
            university_type: Some("higher_vocational".into()),
            university_nature: Some("public".into()),
            ..Default::default()
        }
    }

    fn with_valid_uscc(mut d: OrganizationDraft) -> OrganizationDraft {
        let prefix = &d.uscc[..17];
        let c = crate::validate::uscc_check_char(prefix).expect("charset");
        d.uscc = format!("{prefix}{c}");
        d
    }

    #[test]
    fn a_complete_university_validates() {
        let org = with_valid_uscc(university()).validate().expect("valid");
        assert_eq!(org.kind, OrgKind::University);
        assert_eq!(org.university_type, Some(UniversityType::HigherVocational));
    }

    #[test]
    fn all_problems_are_reported_at_once_with_their_fields() {
        let mut d = university();
        d.uscc = "123".into();
        d.contact_phone = "12345".into();
        d.contact_email = "nope".into();
        d.university_type = None;
        let errs = d.validate().unwrap_err();
        let keys: Vec<_> = errs.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["uscc", "contact_phone", "contact_email", "university_type"]
        );
    }

    #[test]
    fn kind_specific_fields_only_where_they_apply() {
        let mut d = with_valid_uscc(university());
        d.kind = "enterprise".into();
        let errs = d.validate().unwrap_err();
        let keys: Vec<_> = errs.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["university_type", "university_nature", "srdi_level"]);
    }
}
