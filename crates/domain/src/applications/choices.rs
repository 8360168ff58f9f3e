//! The choice lists of the 申报书 (codes stored, Chinese labels shown and printed) and its text
//! limits.

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

/// Limits on the form's text, in characters.
pub mod limits {
    pub const NAME: usize = 100;
    pub const SHORT: usize = 50;
    pub const PROFILE: usize = 3000;
    pub const PROSE: usize = 5000;
    pub const PARTNERS: usize = 20;
}
