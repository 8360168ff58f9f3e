//! Province-level administrative divisions of GB/T 2260 (中华人民共和国行政区划代码): the 31
//! mainland provinces, autonomous regions and municipalities, plus 台湾省, 香港特别行政区 and
//! 澳门特别行政区.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::FieldError;
use crate::validate::normalize_compact;

/// One province-level division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Province {
    /// The 6-digit GB/T 2260 code, ending in `0000` (e.g. `"110000"`).
    pub code: &'static str,
    /// The full official name (e.g. `"北京市"`).
    pub name: &'static str,
}

const fn p(code: &'static str, name: &'static str) -> Province {
    Province { code, name }
}

/// All 34 province-level divisions, in code order.
pub const PROVINCES: &[Province] = &[
    p("110000", "北京市"),
    p("120000", "天津市"),
    p("130000", "河北省"),
    p("140000", "山西省"),
    p("150000", "内蒙古自治区"),
    p("210000", "辽宁省"),
    p("220000", "吉林省"),
    p("230000", "黑龙江省"),
    p("310000", "上海市"),
    p("320000", "江苏省"),
    p("330000", "浙江省"),
    p("340000", "安徽省"),
    p("350000", "福建省"),
    p("360000", "江西省"),
    p("370000", "山东省"),
    p("410000", "河南省"),
    p("420000", "湖北省"),
    p("430000", "湖南省"),
    p("440000", "广东省"),
    p("450000", "广西壮族自治区"),
    p("460000", "海南省"),
    p("500000", "重庆市"),
    p("510000", "四川省"),
    p("520000", "贵州省"),
    p("530000", "云南省"),
    p("540000", "西藏自治区"),
    p("610000", "陕西省"),
    p("620000", "甘肃省"),
    p("630000", "青海省"),
    p("640000", "宁夏回族自治区"),
    p("650000", "新疆维吾尔自治区"),
    p("710000", "台湾省"),
    p("810000", "香港特别行政区"),
    p("820000", "澳门特别行政区"),
];

/// The province with the given 6-digit code (`"110000"`), or `None`. Exact match only; use
/// [`ProvinceCode::parse`] for user input.
pub fn province_by_code(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code)
}

/// A validated province-level division code, stored as its 6-digit form (`"110000"`).
/// Serialises as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ProvinceCode(&'static str);

impl ProvinceCode {
    /// Parses a province from its 6-digit code (`"110000"`), its 2-digit prefix (`"11"`) or its
    /// full name (`"北京市"`), after normalisation. Error code: `province_code`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = normalize_compact(input);
        let found = match s.len() {
            2 => PROVINCES
                .iter()
                .find(|p| p.code.starts_with(s.as_str()) && s.bytes().all(|b| b.is_ascii_digit())),
            6 => province_by_code(&s),
            _ => None,
        }
        .or_else(|| PROVINCES.iter().find(|p| p.name == s));
        found
            .map(|p| Self(p.code))
            .ok_or_else(|| FieldError::new("province_code", "请选择有效的省级行政区"))
    }

    /// The 6-digit code.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The division this code denotes.
    pub fn province(&self) -> &'static Province {
        province_by_code(self.0).expect("ProvinceCode holds a code from PROVINCES")
    }

    /// The full name, e.g. `"北京市"`.
    pub fn name(&self) -> &'static str {
        self.province().name
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl FromStr for ProvinceCode {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_34_unique_well_formed_entries() {
        assert_eq!(PROVINCES.len(), 34);
        let mut codes: Vec<&str> = PROVINCES.iter().map(|p| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 34);
        for (i, p) in PROVINCES.iter().enumerate() {
            assert_eq!(p.code.len(), 6);
            assert!(p.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(p.code.ends_with("0000"), "{}", p.code);
            assert!(!p.name.is_empty());
            if i > 0 {
                assert!(PROVINCES[i - 1].code < p.code, "not in code order");
            }
        }
        assert_eq!(PROVINCES.iter().filter(|p| p.code < "700000").count(), 31);
    }

    #[test]
    fn lookup() {
        assert_eq!(province_by_code("110000").unwrap().name, "北京市");
        assert_eq!(province_by_code("710000").unwrap().name, "台湾省");
        assert_eq!(province_by_code("810000").unwrap().name, "香港特别行政区");
        assert_eq!(province_by_code("820000").unwrap().name, "澳门特别行政区");
        assert_eq!(province_by_code("650000").unwrap().name, "新疆维吾尔自治区");
        assert!(province_by_code("11").is_none());
        assert!(province_by_code("110100").is_none());
        assert!(province_by_code("").is_none());
    }

    #[test]
    fn parse_accepts_six_and_two_digits_and_names() {
        let bj = ProvinceCode::parse("110000").unwrap();
        assert_eq!(bj.as_str(), "110000");
        assert_eq!(bj.name(), "北京市");
        assert_eq!(bj.to_string(), "110000");
        assert_eq!(ProvinceCode::parse("11").unwrap(), bj);
        assert_eq!(ProvinceCode::parse(" １１００００ ").unwrap(), bj);
        assert_eq!(ProvinceCode::parse("北京市").unwrap(), bj);
        assert_eq!(ProvinceCode::parse("82").unwrap().name(), "澳门特别行政区");
        assert_eq!(
            "44".parse::<ProvinceCode>().unwrap().province().code,
            "440000"
        );
    }

    #[test]
    fn parse_rejects_others() {
        for bad in [
            "", "1", "19", "00", "110100", "1100", "990000", "北京", "1a", "abcdef", "１",
        ] {
            let e = ProvinceCode::parse(bad).unwrap_err();
            assert_eq!(e.code, "province_code", "{bad:?}");
            assert_eq!(e.message, "请选择有效的省级行政区");
        }
    }
}
