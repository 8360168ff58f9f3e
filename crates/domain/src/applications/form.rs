//! The 申报书 itself, field by field as the official table, and the normalisation of what
//! people paste into it.

use serde::{Deserialize, Serialize};

use crate::validate::{Email, Phone};

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
}
