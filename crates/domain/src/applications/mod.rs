//! The 申报书 (application form) of an SRDI industry college, field by field as the official
//! table (attachment 3 of the seed notice), its validation for submission (SPEC §4), and the
//! application's life cycle (SPEC §2).
//!
//! Drafts may be incomplete: every field has a default, so whatever the user typed can be saved
//! at any time. [`ApplicationForm::check_for_submission`] lists everything still missing or
//! wrong, each with the JSON path of its field.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::organizations::UniversityNature;
use crate::validate::{Email, Phone, checked_text};

/// The version of the form's JSON shape; stored with each application.
pub const FORM_SCHEMA_VERSION: i32 = 1;

/// The fixed commitment sentence of the form (承诺意见).
pub const COMMITMENT_TEXT: &str = "本申报材料真实有效，学校将为建设提供设施、组织、经费等保障。";

macro_rules! choices {
    ($(#[$m:meta])* $name:ident { $($code:literal => $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        pub struct $name;
        impl $name {
            /// (code, 中文) in the form's order.
            pub const ALL: &'static [(&'static str, &'static str)] = &[$(($code, $zh)),+];
            pub fn label(code: &str) -> Option<&'static str> {
                Self::ALL.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
            }
        }
    };
}

choices! {
    /// 院校类型.
    InstitutionTypes {
        "undergraduate" => "本科院校（含本科层次职业院校）",
        "higher_vocational" => "高等职业院校",
    }
}

choices! {
    /// 依托项目 (multi-select; "other" takes free text).
    SupportingProjects {
        "national_high_level" => "国家级高水平院校、专业群，国家双一流、双高院校",
        "provincial_high_level" => "省级高水平院校、专业群",
        "national_training_base" => "国家级实训基地",
        "provincial_training_base" => "省级实训基地",
        "self_funded_project" => "院校自筹项目",
        "other" => "其他",
    }
}

choices! {
    /// 项目建设资金主要来源 (multi-select; "other" takes free text).
    FundingSources {
        "central_subsidised_loan" => "中央贴息贷款",
        "commercial_loan" => "普通商业贷款",
        "central_finance" => "中央财政投入",
        "provincial_finance" => "省级财政投入",
        "self_raised" => "院校自筹经费",
        "other" => "其他",
    }
}

choices! {
    /// 联合申报单位类别, as the form lists them.
    PartnerCategories {
        "little_giant" => "国家专精特新“小巨人”企业",
        "provincial_srdi" => "省级“专精特新”企业",
        "sme_center" => "地方（地市级以上）中小企业中心",
        "association" => "行业协会",
        "park" => "产业园区",
        "other" => "其他",
    }
}

/// The SRDI categories that satisfy "at least one SRDI enterprise at provincial level or above".
pub const SRDI_CATEGORIES: [&str; 2] = ["little_giant", "provincial_srdi"];

/// 牵头申报院校情况.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadInstitution {
    /// 院校类型: undergraduate | higher_vocational.
    pub institution_type: Option<String>,
    /// 单位名称.
    pub name: String,
    /// 单位性质: public | private.
    pub nature: Option<String>,
    /// 联系人 姓名.
    pub contact_name: String,
    /// 职务/职称.
    pub contact_title: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 电子邮箱.
    pub contact_email: String,
    /// 院校简介（办学历史、成绩、校企合作主要成果等内容）.
    pub profile: String,
    /// 申报方向: a code from the call's controlled list.
    pub direction: Option<String>,
    /// 依托项目 codes.
    pub supporting_projects: Vec<String>,
    pub supporting_projects_other: String,
    /// 项目建设资金主要来源 codes.
    pub funding_sources: Vec<String>,
    pub funding_sources_other: String,
}

/// 联合申报单位情况: one block per joint applicant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnerBlock {
    /// The registered organisation, when the partner has an account.
    pub org_id: Option<i64>,
    /// 单位名称.
    pub name: String,
    /// 统一社会信用代码 (optional on the form; used to match or register the organisation).
    pub uscc: String,
    /// 单位类别: a code of [`PartnerCategories`].
    pub category: Option<String>,
    /// 联系人（职务）.
    pub contact: String,
    /// 联系方式: telephone.
    pub contact_phone: String,
    /// 联系方式: e-mail (also where an unregistered partner's invitation goes).
    pub contact_email: String,
    /// 单位简介及产教融合工作基础.
    pub profile: String,
}

/// 牵头申报院校产教融合工作情况.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndustryEducationWork {
    /// 主要工作.
    pub main_work: String,
    /// 成效经验.
    pub results: String,
    /// 特色创新.
    pub innovation: String,
}

/// 建设规划, structured by the guide's "1+3+1" contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConstructionPlan {
    /// 联合管理机构（理事会/管委会、章程、权利义务）.
    pub management_body: String,
    /// 1. 产教融合研究院.
    pub research_institute: String,
    /// 2. 教育教学与资源中心.
    pub teaching_resource_center: String,
    /// 3. 实践与实训中心.
    pub practice_training_center: String,
    /// 4. 创新合作中心.
    pub innovation_cooperation_center: String,
    /// 5. 智慧云平台.
    pub smart_cloud_platform: String,
}

impl ConstructionPlan {
    /// (JSON key, heading) in the guide's order.
    pub const HEADINGS: [(&'static str, &'static str); 6] = [
        ("management_body", "联合管理机构"),
        ("research_institute", "产教融合研究院"),
        ("teaching_resource_center", "教育教学与资源中心"),
        ("practice_training_center", "实践与实训中心"),
        ("innovation_cooperation_center", "创新合作中心"),
        ("smart_cloud_platform", "专精特新产教融合智慧云平台"),
    ];

    pub fn sections(&self) -> [(&'static str, &'static str, &str); 6] {
        let h = Self::HEADINGS;
        [
            (h[0].0, h[0].1, &self.management_body),
            (h[1].0, h[1].1, &self.research_institute),
            (h[2].0, h[2].1, &self.teaching_resource_center),
            (h[3].0, h[3].1, &self.practice_training_center),
            (h[4].0, h[4].1, &self.innovation_cooperation_center),
            (h[5].0, h[5].1, &self.smart_cloud_platform),
        ]
    }
}

/// 建设目标与规划.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoalsAndPlan {
    /// 建设目标.
    pub goals: String,
    /// 建设规划.
    pub plan: ConstructionPlan,
    /// 创新特色.
    pub innovation: String,
}

/// 保障与支持.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Guarantees {
    /// 设施保障.
    pub facilities: String,
    /// 组织保障.
    pub organisation: String,
    /// 经费保障 (must name the funding source).
    pub funding: String,
    /// 其他保障.
    pub other: String,
}

/// 牵头申报单位承诺意见.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Commitment {
    /// 单位负责人.
    pub responsible_person: String,
    /// The applicant affirms the fixed commitment sentence.
    pub agreed: bool,
    /// 经学校办公会议批准.
    pub office_meeting_approved: bool,
    /// Date of that meeting, YYYY-MM-DD.
    pub office_meeting_date: String,
}

/// The whole 申报书.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationForm {
    pub lead: LeadInstitution,
    pub partners: Vec<PartnerBlock>,
    pub industry_education: IndustryEducationWork,
    pub goals: GoalsAndPlan,
    pub guarantees: Guarantees,
    pub commitment: Commitment,
}

/// Limits on the form's text, in characters.
pub mod limits {
    pub const NAME: usize = 100;
    pub const SHORT: usize = 50;
    pub const PROFILE: usize = 3000;
    pub const PROSE: usize = 5000;
    pub const PARTNERS: usize = 20;
}

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
    /// Reads a stored form; an unreadable one reads as empty (the store only holds forms that
    /// were written through [`ApplicationForm`]).
    pub fn from_json(json: &str) -> ApplicationForm {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// Normalises what people paste (full-width digits, stray spaces) in the fields that hold
    /// codes, phones and e-mails, so a draft is saved in its clean form.
    pub fn normalise(&mut self) {
        let fix_phone = |s: &mut String| {
            if let Ok(p) = Phone::parse(s) {
                *s = p.as_str().to_owned();
            }
        };
        let fix_email = |s: &mut String| {
            if let Ok(e) = Email::parse(s) {
                *s = e.as_str().to_owned();
            }
        };
        fix_phone(&mut self.lead.contact_phone);
        fix_email(&mut self.lead.contact_email);
        for p in &mut self.partners {
            fix_phone(&mut p.contact_phone);
            fix_email(&mut p.contact_email);
            if let Ok(u) = crate::validate::Uscc::parse(&p.uscc) {
                p.uscc = u.as_str().to_owned();
            }
        }
    }

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

/// Where an application is in the programme (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    /// 形式审查不通过: back with the applicant for correction.
    Returned,
    AcceptedForReview,
    UnderReview,
    Reviewed,
    Shortlisted,
    NotSelected,
    Initiated,
    UnderConstruction,
    MidTermPassed,
    Rectify,
    Accepted,
    AcceptanceFailed,
    PlaqueAwarded,
    Withdrawn,
}

/// What happened to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Withdraw,
    /// Back to drafting after a withdrawal.
    Reopen,
    AcceptForReview,
    ReturnForCorrection,
    StartReview,
    FinishReview,
    Shortlist,
    Reject,
    Initiate,
    FilePlan,
    PassMidTerm,
    RequireRectification,
    PassAcceptance,
    FailAcceptance,
    AwardPlaque,
}

impl Status {
    pub const ALL: [Status; 16] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::AcceptedForReview,
        Status::UnderReview,
        Status::Reviewed,
        Status::Shortlisted,
        Status::NotSelected,
        Status::Initiated,
        Status::UnderConstruction,
        Status::MidTermPassed,
        Status::Rectify,
        Status::Accepted,
        Status::AcceptanceFailed,
        Status::PlaqueAwarded,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::AcceptedForReview => "accepted_for_review",
            Status::UnderReview => "under_review",
            Status::Reviewed => "reviewed",
            Status::Shortlisted => "shortlisted",
            Status::NotSelected => "not_selected",
            Status::Initiated => "initiated",
            Status::UnderConstruction => "under_construction",
            Status::MidTermPassed => "mid_term_passed",
            Status::Rectify => "rectify",
            Status::Accepted => "accepted",
            Status::AcceptanceFailed => "acceptance_failed",
            Status::PlaqueAwarded => "plaque_awarded",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "已提交",
            Status::Returned => "退回修改",
            Status::AcceptedForReview => "形式审查通过",
            Status::UnderReview => "评审中",
            Status::Reviewed => "评审完成",
            Status::Shortlisted => "入围",
            Status::NotSelected => "未入选",
            Status::Initiated => "已立项",
            Status::UnderConstruction => "建设中",
            Status::MidTermPassed => "中期评审通过",
            Status::Rectify => "整改",
            Status::Accepted => "通过验收",
            Status::AcceptanceFailed => "验收未通过",
            Status::PlaqueAwarded => "已授牌",
            Status::Withdrawn => "已撤回",
        }
    }

    /// Whether the applicant may edit the form in this state.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned | Status::Withdrawn)
    }
}

/// The state machine: the state a transition leads to from `from`, or `None` where the SPEC has
/// no arrow.
pub fn next(from: Status, t: Transition) -> Option<Status> {
    use Status as S;
    use Transition as T;
    Some(match (from, t) {
        (S::Draft | S::Returned | S::Withdrawn, T::Submit) => S::Submitted,
        (S::Submitted, T::Withdraw) => S::Withdrawn,
        (S::Withdrawn, T::Reopen) => S::Draft,
        (S::Submitted, T::AcceptForReview) => S::AcceptedForReview,
        (S::Submitted | S::AcceptedForReview, T::ReturnForCorrection) => S::Returned,
        (S::AcceptedForReview, T::StartReview) => S::UnderReview,
        (S::UnderReview, T::FinishReview) => S::Reviewed,
        (S::Reviewed, T::Shortlist) => S::Shortlisted,
        (S::Reviewed, T::Reject) => S::NotSelected,
        // The selection may be revised until the 立项 letter is issued.
        (S::NotSelected, T::Shortlist) => S::Shortlisted,
        (S::Shortlisted, T::Reject) => S::NotSelected,
        (S::Shortlisted, T::Initiate) => S::Initiated,
        (S::Initiated, T::FilePlan) => S::UnderConstruction,
        (S::UnderConstruction, T::PassMidTerm) => S::MidTermPassed,
        (S::UnderConstruction, T::RequireRectification) => S::Rectify,
        (S::UnderConstruction | S::MidTermPassed | S::Rectify, T::PassAcceptance) => S::Accepted,
        (S::UnderConstruction | S::MidTermPassed | S::Rectify, T::FailAcceptance) => {
            S::AcceptanceFailed
        }
        (S::Accepted, T::AwardPlaque) => S::PlaqueAwarded,
        _ => return None,
    })
}

/// The content hash printed on the 申报书: SHA-256 over the number, version and form.
pub fn content_hash(number: &str, version: i32, form_json: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(number.as_bytes());
    h.update(b"\n");
    h.update(version.to_string().as_bytes());
    h.update(b"\n");
    h.update(form_json.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn complete_form() -> ApplicationForm {
        let text = |s: &str| s.to_owned();
        ApplicationForm {
            lead: LeadInstitution {
                institution_type: Some("higher_vocational".into()),
                name: text("苏州集成电路职业技术学院"),
                nature: Some("public".into()),
                contact_name: text("李娟"),
                contact_title: text("教务处处长/教授"),
                contact_phone: text("13912345678"),
                contact_email: text("lijuan@szicvc.edu.cn"),
                profile: text("学校创建于1958年……"),
                direction: Some("power_devices".into()),
                supporting_projects: vec!["provincial_high_level".into()],
                supporting_projects_other: String::new(),
                funding_sources: vec!["self_raised".into(), "other".into()],
                funding_sources_other: text("地方政府专项资金"),
            },
            partners: vec![PartnerBlock {
                org_id: None,
                name: text("苏州纳芯碳化硅半导体有限公司"),
                uscc: String::new(),
                category: Some("little_giant".into()),
                contact: text("张伟（人力资源总监）"),
                contact_phone: text("0512-68601234"),
                contact_email: text("hr@naxin-sic.cn"),
                profile: text("国家级专精特新“小巨人”企业……"),
            }],
            industry_education: IndustryEducationWork {
                main_work: text("……"),
                results: text("……"),
                innovation: text("……"),
            },
            goals: GoalsAndPlan {
                goals: text("……"),
                plan: ConstructionPlan {
                    management_body: text("成立理事会"),
                    research_institute: text("……"),
                    teaching_resource_center: text("……"),
                    practice_training_center: text("……"),
                    innovation_cooperation_center: text("……"),
                    smart_cloud_platform: text("……"),
                },
                innovation: text("……"),
            },
            guarantees: Guarantees {
                facilities: text("……"),
                organisation: text("……"),
                funding: text("学校自筹800万元"),
                other: String::new(),
            },
            commitment: Commitment {
                responsible_person: text("王校长"),
                agreed: true,
                office_meeting_approved: true,
                office_meeting_date: text("2022-11-20"),
            },
        }
    }

    fn paths(errors: &FormErrors) -> Vec<&str> {
        errors.iter().map(|(p, _)| p.as_str()).collect()
    }

    const DIRECTIONS: &[&str] = &["power_devices", "rf_devices"];

    fn dirs() -> Vec<String> {
        DIRECTIONS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_complete_form_passes() {
        assert_eq!(complete_form().check_for_submission(&dirs()), vec![]);
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let errs = ApplicationForm::default().check_for_submission(&dirs());
        let p = paths(&errs);
        for must in [
            "lead.institution_type",
            "lead.name",
            "lead.nature",
            "lead.contact_phone",
            "lead.direction",
            "partners",
            "goals.plan.research_institute",
            "commitment.agreed",
            "commitment.office_meeting_approved",
        ] {
            assert!(p.contains(&must), "{must} missing from {p:?}");
        }
        assert!(!p.contains(&"guarantees.other"), "其他保障 is optional");
    }

    #[test]
    fn at_least_one_srdi_enterprise_among_partners() {
        let mut f = complete_form();
        f.partners[0].category = Some("association".into());
        let errs = f.check_for_submission(&dirs());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].1.code, "srdi_partner_required");
        f.partners[0].category = Some("provincial_srdi".into());
        assert!(f.check_for_submission(&dirs()).is_empty());
    }

    #[test]
    fn direction_must_be_from_the_call() {
        let mut f = complete_form();
        f.lead.direction = Some("quantum_computing".into());
        assert_eq!(
            f.check_for_submission(&dirs())[0].1.code,
            "direction_not_in_call"
        );
    }

    #[test]
    fn lead_must_be_undergraduate_or_higher_vocational() {
        let mut f = complete_form();
        f.lead.institution_type = Some("secondary_vocational".into());
        let errs = f.check_for_submission(&dirs());
        assert_eq!(
            (errs[0].0.as_str(), errs[0].1.code),
            ("lead.institution_type", "invalid_choice")
        );
    }

    #[test]
    fn other_choices_need_their_text_and_partner_fields_are_validated() {
        let mut f = complete_form();
        f.lead.funding_sources_other.clear();
        f.partners[0].contact_email = "bad".into();
        f.partners[0].uscc = "123".into();
        let errs = f.check_for_submission(&dirs());
        assert_eq!(
            paths(&errs),
            [
                "lead.funding_sources_other",
                "partners[0].contact_email",
                "partners[0].uscc"
            ]
        );
    }

    #[test]
    fn normalise_cleans_pasted_phones() {
        let mut f = complete_form();
        f.lead.contact_phone = "１３９ １２３４ ５６７８".into();
        f.normalise();
        assert_eq!(f.lead.contact_phone, "13912345678");
    }

    #[test]
    fn unknown_fields_are_refused_in_the_form_json() {
        let r: Result<ApplicationForm, _> =
            serde_json::from_str(r#"{"lead":{"status":"initiated"}}"#);
        assert!(r.is_err());
        let partial: ApplicationForm =
            serde_json::from_str(r#"{"lead":{"name":"某大学"}}"#).unwrap();
        assert_eq!(partial.lead.name, "某大学");
    }

    #[test]
    fn transitions_follow_the_spec_arrows_only() {
        use Status as S;
        use Transition as T;
        let allowed = [
            (S::Draft, T::Submit, S::Submitted),
            (S::Returned, T::Submit, S::Submitted),
            (S::Withdrawn, T::Submit, S::Submitted),
            (S::Submitted, T::Withdraw, S::Withdrawn),
            (S::Withdrawn, T::Reopen, S::Draft),
            (S::Submitted, T::AcceptForReview, S::AcceptedForReview),
            (S::Submitted, T::ReturnForCorrection, S::Returned),
            (S::AcceptedForReview, T::ReturnForCorrection, S::Returned),
            (S::AcceptedForReview, T::StartReview, S::UnderReview),
            (S::UnderReview, T::FinishReview, S::Reviewed),
            (S::Reviewed, T::Shortlist, S::Shortlisted),
            (S::Reviewed, T::Reject, S::NotSelected),
            // A selection is revisable until the 立项 letter is issued.
            (S::NotSelected, T::Shortlist, S::Shortlisted),
            (S::Shortlisted, T::Reject, S::NotSelected),
            (S::Shortlisted, T::Initiate, S::Initiated),
            (S::Initiated, T::FilePlan, S::UnderConstruction),
            (S::UnderConstruction, T::PassMidTerm, S::MidTermPassed),
            (S::UnderConstruction, T::RequireRectification, S::Rectify),
            (S::UnderConstruction, T::PassAcceptance, S::Accepted),
            (S::MidTermPassed, T::PassAcceptance, S::Accepted),
            (S::Rectify, T::PassAcceptance, S::Accepted),
            (S::UnderConstruction, T::FailAcceptance, S::AcceptanceFailed),
            (S::MidTermPassed, T::FailAcceptance, S::AcceptanceFailed),
            (S::Rectify, T::FailAcceptance, S::AcceptanceFailed),
            (S::Accepted, T::AwardPlaque, S::PlaqueAwarded),
        ];
        let all_t = [
            T::Submit,
            T::Withdraw,
            T::Reopen,
            T::AcceptForReview,
            T::ReturnForCorrection,
            T::StartReview,
            T::FinishReview,
            T::Shortlist,
            T::Reject,
            T::Initiate,
            T::FilePlan,
            T::PassMidTerm,
            T::RequireRectification,
            T::PassAcceptance,
            T::FailAcceptance,
            T::AwardPlaque,
        ];
        for from in Status::ALL {
            for t in all_t {
                let expected = allowed
                    .iter()
                    .find(|(f, tt, _)| *f == from && *tt == t)
                    .map(|(_, _, to)| *to);
                assert_eq!(next(from, t), expected, "{from:?} --{t:?}-->");
            }
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
