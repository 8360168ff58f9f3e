//! The controlled lists of expert review: fields of expertise, round and phase kinds,
//! selection decisions, and the integrity pledge's wording.

/// The fields of expertise (专业领域) of the advanced-semiconductor field: the call's
/// directions plus reliability.
pub const EXPERTISE: [(&str, &str); 9] = [
    ("materials_epitaxy", "第三代半导体材料与外延"),
    ("power_devices", "功率电子器件"),
    ("rf_devices", "射频与微波器件"),
    ("optoelectronics", "光电子器件"),
    ("ic_design", "集成电路设计"),
    ("manufacturing", "制造工艺"),
    ("packaging_test", "封装测试"),
    ("equipment_parts", "半导体装备与零部件"),
    ("reliability", "可靠性与失效分析"),
];

pub const ROUND_KINDS: [(&str, &str); 3] = [
    ("initial", "立项评审"),
    ("mid_term", "中期检查"),
    ("acceptance", "验收评审"),
];
pub const PHASE_KINDS: [(&str, &str); 3] =
    [("online", "网评"), ("meeting", "会评"), ("visit", "调研")];
pub const DECISIONS: [(&str, &str); 2] = [("shortlisted", "入围"), ("not_selected", "未入围")];

pub const PLEDGE_TEXT: &str = "本人承诺：遵守评审纪律，客观公正评审；与申报单位存在利害关系时主动回避；\
不泄露申报材料与评审信息；不接受申报单位的任何请托与馈赠。";

/// The name of `code` in `list`, or the code itself when it is not listed.
pub fn label(list: &[(&str, &str)], code: &str) -> String {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, n)| (*n).to_owned())
}

/// The name of an application's direction (a field of expertise), or 「（未填写方向）」.
pub fn direction_name(code: Option<&str>) -> String {
    code.and_then(|c| EXPERTISE.iter().find(|(x, _)| *x == c))
        .map_or_else(|| "（未填写方向）".to_owned(), |(_, n)| (*n).to_owned())
}

/// [`EXPERTISE`] as owned `(code, name)` pairs (what the Excel template and import take).
pub fn expertise_list() -> Vec<(String, String)> {
    EXPERTISE
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect()
}
