//! Parsers for the identifiers and contact details people type into forms: 统一社会信用代码,
//! phone numbers, e-mail addresses, postal codes, and free text with a length limit.
//!
//! Every parser normalises first, because input is often pasted from Word or a PDF and carries
//! full-width characters (`０１０－８２３８７６００`), ideographic spaces and non-breaking spaces.
//! A successful parse yields a newtype holding the canonical form, so code past the edge never
//! re-validates. Failures are [`FieldError`]s with a stable `code` and a zh-CN `message`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::FieldError;

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

/// Maps one character to its normalised form: full-width ASCII (U+FF01–U+FF5E) to half-width,
/// dash look-alikes to `-`, every Unicode space to an ASCII space. Returns `None` for
/// characters that are dropped (zero-width space, byte-order mark).
fn normalize_char(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        // Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
        // sign, small hyphen-minus: Word's autocorrect turns "-" into these.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => Some('-'),
        // Zero-width space and BOM are invisible and only ever arrive by accident.
        '\u{200B}' | '\u{FEFF}' => None,
        // Covers U+3000 (ideographic space), U+00A0 (NBSP), U+2000–U+200A, tabs and newlines.
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// Normalises pasted text: converts full-width ASCII (U+FF01–U+FF5E) to half-width, turns the
/// ideographic space U+3000, NBSP U+00A0 and every other Unicode space (including tabs and
/// newlines) into an ASCII space, maps dash look-alikes (en/em dash, minus sign…) to `-`,
/// drops zero-width spaces and BOMs, trims, and collapses runs of whitespace to one space.
///
/// The result is a fixed point: `normalize(&normalize(s)) == normalize(s)`.
pub fn normalize(s: &str) -> String {
    normalize_with(s, normalize_char)
}

/// Maps one character of prose: only full-width digits and Latin letters become half-width
/// and odd spaces plain ones. Chinese punctuation (（）、，——) is the correct form in prose and
/// is kept.
fn text_char(c: char) -> Option<char> {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        '\u{200B}' | '\u{FEFF}' => None,
        c if c.is_whitespace() => Some(' '),
        c => Some(c),
    }
}

/// [`normalize`] for prose (names, introductions): see [`text_char`].
pub fn normalize_text(s: &str) -> String {
    normalize_with(s, text_char)
}

fn normalize_with(s: &str, map: fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars().filter_map(map) {
        if c == ' ' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// [`normalize`]s, then removes all whitespace. For codes and phone numbers, where people
/// insert spaces for readability (`9111 0108 …`, `139 1139 4320`).
pub fn normalize_compact(s: &str) -> String {
    normalize(s).chars().filter(|c| *c != ' ').collect()
}

/// The error for an empty required value.
fn required(label: &str) -> FieldError {
    FieldError::new("required", format!("请填写{label}"))
}

/// Implements `as_str`, `Display` and `FromStr` for a newtype over `String` that has a
/// `parse` constructor.
macro_rules! string_newtype {
    ($ty:ident) => {
        impl $ty {
            /// The canonical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $ty {
            type Err = FieldError;

            fn from_str(s: &str) -> Result<Self, FieldError> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)
// ---------------------------------------------------------------------------------------------

/// The 31 characters of GB 32100-2015, in value order: digits, then upper-case letters
/// without I, O, S, V and Z (they look like 1, 0, 5, U and 2).
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17: 3^(i-1) mod 31.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value (0–30) of a character of [`USCC_CHARSET`], or `None` if it is not one.
fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARSET.find(c).map(|i| i as u32)
}

/// The character of [`USCC_CHARSET`] with value `v` (0–30).
fn uscc_char(v: u32) -> char {
    USCC_CHARSET.as_bytes()[v as usize] as char
}

/// Computes the check character (position 18) of a 统一社会信用代码 from its first 17
/// characters: `31 - (Σ value × weight) mod 31`, with 31 written as `0`, mapped back through
/// [`USCC_CHARSET`]. ASCII lower-case letters are accepted as upper-case. Returns `None` unless
/// the input is exactly 17 characters of the charset.
///
/// ```
/// use chanjiao_domain::validate::uscc_check_char;
/// assert_eq!(uscc_check_char("91110108551385082"), Some('Q'));
/// ```
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for c in first17.chars() {
        let w = *USCC_WEIGHTS.get(n)?;
        sum += uscc_value(c.to_ascii_uppercase())? * w;
        n += 1;
    }
    (n == 17).then(|| uscc_char((31 - sum % 31) % 31))
}

/// A 统一社会信用代码 (unified social credit identifier, GB 32100-2015) whose length,
/// characters and check character have been verified. Stored upper-case, without spaces.
///
/// Layout: position 1 registration authority, 2 organisation category, 3–8 the administrative
/// division code (digits), 9–17 the organisation code, 18 the check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Uscc(String);

string_newtype!(Uscc);

impl Uscc {
    /// Parses a 统一社会信用代码. Spaces and full-width characters are normalised away and
    /// lower-case letters upper-cased. Error codes: `required`, `uscc_length`, `uscc_charset`,
    /// `uscc_checksum`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = normalize_compact(input).to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.is_empty() {
            return Err(required("统一社会信用代码"));
        }
        if chars.len() != 18 {
            return Err(FieldError::new(
                "uscc_length",
                format!("统一社会信用代码应为18位，当前为{}位", chars.len()),
            ));
        }
        for (i, &c) in chars.iter().enumerate() {
            let pos = i + 1;
            if uscc_value(c).is_none() {
                return Err(FieldError::new(
                    "uscc_charset",
                    format!("统一社会信用代码第{pos}位“{c}”不是有效字符（不含 I、O、Z、S、V）"),
                ));
            }
            if (3..=8).contains(&pos) && !c.is_ascii_digit() {
                return Err(FieldError::new(
                    "uscc_charset",
                    format!("统一社会信用代码第{pos}位“{c}”应为数字（第3–8位是行政区划代码）"),
                ));
            }
        }
        let expected = uscc_check_char(&s[..17]).expect("17 charset characters");
        if chars[17] != expected {
            return Err(FieldError::new(
                "uscc_checksum",
                format!("统一社会信用代码校验位错误：第18位应为“{expected}”，请核对后重新输入"),
            ));
        }
        Ok(Self(s))
    }

    /// The 6-digit administrative division code (positions 3–8), e.g. `"110108"`.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

const MOBILE_FORMAT: &str = "手机号码应为11位数字，以13–19开头";

/// A mainland-China mobile number: 11 digits, `1[3-9]` then 9 more. Stored as the bare 11
/// digits (`13911394320`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MobilePhone(String);

string_newtype!(MobilePhone);

impl MobilePhone {
    /// Parses a mobile number, tolerating spaces, hyphens, full-width digits and a leading
    /// `+86`, `0086` or `86` country code (`+86 139-1139-4320`). Error codes: `required`,
    /// `mobile_format`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = normalize_compact(input)
            .chars()
            .filter(|c| *c != '-')
            .collect();
        if s.is_empty() {
            return Err(required("手机号码"));
        }
        let digits = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("(+86)"))
            .or_else(|| s.strip_prefix("0086"))
            .or_else(|| s.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&s);
        let b = digits.as_bytes();
        if b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
        {
            Ok(Self(digits.to_owned()))
        } else {
            Err(FieldError::new("mobile_format", MOBILE_FORMAT))
        }
    }
}

const LANDLINE_FORMAT: &str = "固定电话应为区号-号码，如 010-82387600";

/// A mainland-China landline: area code (`0` + 2–3 digits), local number of 7–8 digits, and an
/// optional extension of 1–6 digits. Stored canonically as `010-82387600` or
/// `0755-2345678-123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Landline(String);

string_newtype!(Landline);

impl Landline {
    /// Parses a landline number. Accepts `010-82387600`, `(010)82387600`, `010 8238 7600`,
    /// `010--82292097` (a double hyphen seen in a real notice), `01082387600`, and an extension
    /// after `-` or `转`. Without a separator the area-code length is inferred from the numbering
    /// plan: `010` and `020`–`029` have three digits, all others four. Error codes: `required`,
    /// `landline_format`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(required("固定电话"));
        }
        Self::parse_normalized(&s)
            .ok_or_else(|| FieldError::new("landline_format", LANDLINE_FORMAT))
    }

    fn parse_normalized(s: &str) -> Option<Self> {
        let is_sep = |c: char| c == ' ' || c == '-';
        // 1. Area code, either in parentheses or as the leading run of digits.
        let (area, rest): (String, &str) = if let Some(inner) = s.strip_prefix('(') {
            let (area, rest) = inner.split_once(')')?;
            (area.trim().to_owned(), rest)
        } else {
            let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let run = &s[..end];
            if run.len() <= 4 {
                (run.to_owned(), &s[end..])
            } else {
                // No separator after the area code: infer its length.
                let len = if run.len() >= 2 && matches!(&run[..2], "01" | "02") {
                    3
                } else {
                    4
                };
                (run[..len].to_owned(), &s[len..])
            }
        };
        let ab = area.as_bytes();
        if !(3..=4).contains(&ab.len())
            || !ab.iter().all(u8::is_ascii_digit)
            || ab[0] != b'0'
            || ab[1] == b'0'
        {
            return None;
        }
        // 2. Local number and extension. Separators between area and number are skipped, spaces
        // inside the number are ignored, and the first remaining `-` or `转` starts the extension.
        let rest: String = rest
            .trim_start_matches(is_sep)
            .chars()
            .filter(|c| *c != ' ')
            .collect();
        let (number, ext) = match rest.find(['-', '转']) {
            Some(i) => {
                let sep_len = rest[i..].chars().next().map_or(1, char::len_utf8);
                (
                    &rest[..i],
                    Some(rest[i + sep_len..].trim_start_matches('-')),
                )
            }
            None => (rest.as_str(), None),
        };
        let nb = number.as_bytes();
        if !(7..=8).contains(&nb.len()) || !nb.iter().all(u8::is_ascii_digit) || nb[0] == b'0' {
            return None;
        }
        let mut canonical = format!("{area}-{number}");
        if let Some(ext) = ext {
            if !(1..=6).contains(&ext.len()) || !ext.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            canonical.push('-');
            canonical.push_str(ext);
        }
        Some(Self(canonical))
    }

    /// The area code, e.g. `"010"`.
    pub fn area_code(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// The local number without area code or extension, e.g. `"82387600"`.
    pub fn local_number(&self) -> &str {
        self.0.split('-').nth(1).unwrap_or_default()
    }

    /// The extension, if any.
    pub fn extension(&self) -> Option<&str> {
        self.0.split('-').nth(2)
    }
}

/// A contact phone number: a mobile or a landline, whichever the input parses as. Serialises
/// as its canonical string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Phone {
    /// An 11-digit mobile number.
    Mobile(MobilePhone),
    /// A landline with area code.
    Landline(Landline),
}

impl Phone {
    /// Parses a mobile number or, failing that, a landline. Error codes: `required`,
    /// `phone_format`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        if normalize_compact(input).is_empty() {
            return Err(required("联系电话"));
        }
        if let Ok(m) = MobilePhone::parse(input) {
            return Ok(Self::Mobile(m));
        }
        if let Ok(l) = Landline::parse(input) {
            return Ok(Self::Landline(l));
        }
        Err(FieldError::new(
            "phone_format",
            "请输入11位手机号码或带区号的固定电话，如 13911394320 或 010-82387600",
        ))
    }

    /// The canonical form (`13911394320` or `010-82387600`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Mobile(m) => m.as_str(),
            Self::Landline(l) => l.as_str(),
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Phone {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// E-mail, postal code
// ---------------------------------------------------------------------------------------------

const EMAIL_FORMAT: &str = "电子邮箱格式不正确，如 name@example.cn";

/// An e-mail address that passes a pragmatic syntax check (not full RFC 5322). The domain is
/// stored lower-case; the local part keeps its case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

string_newtype!(Email);

impl Email {
    /// Parses an e-mail address: exactly one `@`; a local part of 1–64 characters from
    /// `A–Z a–z 0–9 . ! # $ % & ' * + / = ? ^ _ \` { | } ~ -` without leading, trailing or double
    /// dots; a domain of at least two dot-separated labels of letters (internationalised letters
    /// allowed), digits and inner hyphens; at most 254 characters in all. Full-width `＠` and
    /// the ideographic full stop `。` typed by Chinese input methods are accepted. Error codes:
    /// `required`, `email_format`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s: String = normalize_compact(input)
            .chars()
            .map(|c| {
                if c == '\u{3002}' || c == '\u{FF61}' {
                    '.'
                } else {
                    c
                }
            })
            .collect();
        if s.is_empty() {
            return Err(required("电子邮箱"));
        }
        let err = || FieldError::new("email_format", EMAIL_FORMAT);
        if s.chars().count() > 254 {
            return Err(err());
        }
        let (local, domain) = s.split_once('@').ok_or_else(err)?;
        if !valid_email_local(local) {
            return Err(err());
        }
        let domain = domain.to_lowercase();
        if !valid_email_domain(&domain) {
            return Err(err());
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The part after `@`, lower-case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

fn valid_email_local(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

fn valid_email_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n)
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
                })
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

/// A 6-digit postal code (邮政编码).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PostalCode(String);

string_newtype!(PostalCode);

impl PostalCode {
    /// Parses a postal code: exactly 6 digits after removing spaces. Error codes: `required`,
    /// `postal_code_format`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = normalize_compact(input);
        if s.is_empty() {
            return Err(required("邮政编码"));
        }
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s))
        } else {
            Err(FieldError::new("postal_code_format", "邮政编码应为6位数字"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Masking for display
// ---------------------------------------------------------------------------------------------

/// Masks a phone number for display to people who should not see it whole.
///
/// - mobile: first 3 and last 4 digits, `139****4320`;
/// - landline: area code, first 2 and last 2 digits of the local number, extension dropped,
///   `010-82****00`;
/// - anything unparseable: `****` if shorter than 8 characters, else its first 3 and last 2
///   characters around `****`.
///
/// The output never contains the full local number.
pub fn mask_phone(s: &str) -> String {
    match Phone::parse(s) {
        Ok(Phone::Mobile(m)) => format!("{}****{}", &m.as_str()[..3], &m.as_str()[7..]),
        Ok(Phone::Landline(l)) => {
            let n = l.local_number();
            format!("{}-{}****{}", l.area_code(), &n[..2], &n[n.len() - 2..])
        }
        Err(_) => {
            let chars: Vec<char> = normalize_compact(s).chars().collect();
            if chars.len() < 8 {
                "****".to_owned()
            } else {
                let head: String = chars[..3].iter().collect();
                let tail: String = chars[chars.len() - 2..].iter().collect();
                format!("{head}****{tail}")
            }
        }
    }
}

/// Masks an e-mail address for display: the first character of the local part, `***`, then
/// `@domain` (`z***@example.cn`). Input without a usable `@` becomes `***`.
pub fn mask_email(s: &str) -> String {
    let s = normalize_compact(s);
    match s.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first = local.chars().next().unwrap_or_default();
            format!("{first}***@{}", domain.to_lowercase())
        }
        _ => "***".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------

/// Validates free text for a field labelled `field_label` (used in the messages, e.g.
/// `"单位名称"`) and returns it normalised.
///
/// Each line is [`normalize`]d (full-width ASCII to half-width, spaces collapsed, trimmed);
/// line breaks (`\n`, `\r\n`, `\r`, U+2028, U+2029) are kept as `\n`, and leading and trailing
/// blank lines are dropped. Length is counted in characters (`char`s), not bytes, after
/// normalisation. Error codes: `required` (empty and `required`), `too_long`, `invalid_chars`
/// (a control character other than newline and tab). An empty, optional value is `Ok("")`.
pub fn bounded_text(
    field_label: &str,
    input: &str,
    max_chars: usize,
    required: bool,
) -> Result<String, FieldError> {
    checked_text(field_label, input, max_chars, required).map(Cow::into_owned)
}

/// The length in characters of `s` if it is already what [`bounded_text`] makes of it: no
/// leading or trailing blank lines, no space at the start or end of a line, no run of spaces,
/// and only characters that [`text_char`] keeps as they are (no control characters); `None`
/// otherwise. Autosaved drafts resend text the server has normalised before, so this one pass
/// usually spares the full normalisation (and a second pass to count).
fn clean_text_len(s: &str) -> Option<usize> {
    if s.starts_with('\n') || s.ends_with('\n') {
        return None;
    }
    let mut line_start = true;
    let mut after_space = false;
    let mut n = 0;
    for c in s.chars() {
        n += 1;
        match c {
            '\n' => {
                if after_space {
                    return None;
                }
                line_start = true;
            }
            ' ' => {
                if line_start || after_space {
                    return None;
                }
                after_space = true;
                continue;
            }
            c => {
                if c.is_control() || text_char(c) != Some(c) {
                    return None;
                }
                line_start = false;
            }
        }
        after_space = false;
    }
    (!after_space).then_some(n)
}

#[cfg(test)]
fn is_clean_text(s: &str) -> bool {
    clean_text_len(s).is_some()
}

/// [`bounded_text`] without copying text that is already clean.
pub fn checked_text<'a>(
    field_label: &str,
    input: &'a str,
    max_chars: usize,
    required: bool,
) -> Result<Cow<'a, str>, FieldError> {
    let (text, known_len) = match clean_text_len(input) {
        Some(n) => (Cow::Borrowed(input), Some(n)),
        None => (Cow::Owned(normalized_text(input)), None),
    };
    // Clean text has no control characters; normalised text may keep some (not whitespace).
    if matches!(text, Cow::Owned(_))
        && text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(
            "invalid_chars",
            format!("{field_label}包含不可见的控制字符，请删除后重新输入"),
        ));
    }
    if text.is_empty() {
        return if required {
            Err(self::required(field_label))
        } else {
            Ok(text)
        };
    }
    let n = known_len.unwrap_or_else(|| text.chars().count());
    if n > max_chars {
        return Err(FieldError::new(
            "too_long",
            format!("{field_label}不能超过{max_chars}个字符，当前{n}个"),
        ));
    }
    Ok(text)
}

/// Multi-line prose normalised line by line (see [`normalize_text`]), line breaks unified to
/// `\n`, blank lines at either end dropped.
fn normalized_text(input: &str) -> String {
    let unified = input
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let lines: Vec<String> = unified.split('\n').map(normalize_text).collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_keeps_chinese_punctuation_but_normalises_digits() {
        let t = bounded_text("单位名称", "中心（演示）——第１批", 50, true).unwrap();
        assert_eq!(t, "中心（演示）——第1批");
    }

    fn err_code<T: fmt::Debug>(r: Result<T, FieldError>) -> &'static str {
        r.unwrap_err().code
    }

    // --- normalize --------------------------------------------------------------------------

    #[test]
    fn normalize_full_width_and_spaces() {
        assert_eq!(normalize("  ０１０－８２３８７６００ "), "010-82387600");
        assert_eq!(normalize("ＡＢＣ\u{3000}ｄｅｆ"), "ABC def");
        assert_eq!(normalize("a\u{00A0}\u{00A0}b\t\n c"), "a b c");
        assert_eq!(normalize("a\u{2003}b\u{202F}c"), "a b c");
        assert_eq!(normalize("（北京）＠！～"), "(北京)@!~");
        assert_eq!(normalize("010—82387600"), "010-82387600");
        assert_eq!(normalize("\u{FEFF}ab\u{200B}c"), "abc");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \u{3000} "), "");
        // Characters outside the full-width ASCII block are untouched.
        assert_eq!(normalize("中文，。"), "中文,。");
    }

    #[test]
    fn normalize_compact_removes_all_spaces() {
        assert_eq!(normalize_compact(" 139 1139\u{3000}4320 "), "13911394320");
        assert_eq!(normalize_compact("９１１１ ０１０８"), "91110108");
    }

    // --- USCC -------------------------------------------------------------------------------

    #[test]
    fn uscc_real_examples() {
        for s in ["91350100M000100Y43", "91110108551385082Q"] {
            let u = Uscc::parse(s).unwrap();
            assert_eq!(u.as_str(), s);
            assert_eq!(u.to_string(), s);
        }
        assert_eq!(
            Uscc::parse("91110108551385082Q").unwrap().division_code(),
            "110108"
        );
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(uscc_check_char("91110108551385082"), Some('Q'));
    }

    #[test]
    fn uscc_normalises_case_spaces_and_width() {
        let want = Uscc::parse("91110108551385082Q").unwrap();
        assert_eq!(Uscc::parse(" 9111 0108 5513 8508 2q ").unwrap(), want);
        assert_eq!(
            Uscc::parse("９１１１０１０８５５１３８５０８２Ｑ").unwrap(),
            want
        );
        assert_eq!(
            Uscc::parse("91350100m000100y43").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert_eq!("91110108551385082Q".parse::<Uscc>().unwrap(), want);
    }

    #[test]
    fn uscc_check_char_rejects_bad_input() {
        assert_eq!(uscc_check_char(""), None);
        assert_eq!(uscc_check_char("9111010855138508"), None);
        assert_eq!(uscc_check_char("911101085513850822"), None);
        assert_eq!(uscc_check_char("9111010855138508I"), None);
        assert_eq!(
            uscc_check_char("91110108551385082"),
            uscc_check_char("91110108551385082")
        );
        // Check value 0 (sum ≡ 0 mod 31) maps to '0', not to an out-of-range 31.
        let zero = (0..31u32)
            .map(|v| format!("0000000000000000{}", uscc_char(v)))
            .find(|p| uscc_check_char(p) == Some('0'));
        assert_eq!(zero.as_deref(), Some("00000000000000000"));
    }

    #[test]
    fn uscc_errors() {
        let e = Uscc::parse("  ").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            ("required", "请填写统一社会信用代码")
        );

        let e = Uscc::parse("9111010855138508").unwrap_err();
        assert_eq!(e.code, "uscc_length");
        assert_eq!(e.message, "统一社会信用代码应为18位，当前为16位");
        assert_eq!(err_code(Uscc::parse("91110108551385082QQ")), "uscc_length");
        // Length counts characters, not bytes.
        let e = Uscc::parse("91110108551385082中").unwrap_err();
        assert_eq!(e.code, "uscc_charset");
        assert_eq!(
            e.message,
            "统一社会信用代码第18位“中”不是有效字符（不含 I、O、Z、S、V）"
        );

        for (bad, pos, c) in [
            ("I1110108551385082Q", 1, 'I'),
            ("9O110108551385082Q", 2, 'O'),
            ("91110108Z51385082Q", 9, 'Z'),
            ("911101085513850S2Q", 16, 'S'),
            ("91110108551385082V", 18, 'V'),
            ("91110108551385082-", 18, '-'),
        ] {
            let e = Uscc::parse(bad).unwrap_err();
            assert_eq!(e.code, "uscc_charset", "{bad}");
            assert_eq!(
                e.message,
                format!("统一社会信用代码第{pos}位“{c}”不是有效字符（不含 I、O、Z、S、V）")
            );
        }
        let e = Uscc::parse("9111A108551385082Q").unwrap_err();
        assert_eq!(e.code, "uscc_charset");
        assert_eq!(
            e.message,
            "统一社会信用代码第5位“A”应为数字（第3–8位是行政区划代码）"
        );

        let e = Uscc::parse("91110108551385082R").unwrap_err();
        assert_eq!(e.code, "uscc_checksum");
        assert_eq!(
            e.message,
            "统一社会信用代码校验位错误：第18位应为“Q”，请核对后重新输入"
        );
        assert_eq!(err_code(Uscc::parse("91110108551385083Q")), "uscc_checksum");
    }

    // --- phones -----------------------------------------------------------------------------

    #[test]
    fn mobile_accepts_common_forms() {
        for s in [
            "13911394320",
            "139 1139 4320",
            "139-1139-4320",
            "+86 139 1139 4320",
            "+8613911394320",
            "8613911394320",
            "0086 13911394320",
            "(+86)139-1139-4320",
            "１３９１１３９４３２０",
        ] {
            assert_eq!(
                MobilePhone::parse(s).unwrap().as_str(),
                "13911394320",
                "{s}"
            );
        }
        for prefix in 13..=19 {
            assert!(MobilePhone::parse(&format!("{prefix}012345678")).is_ok());
        }
    }

    #[test]
    fn mobile_errors() {
        assert_eq!(err_code(MobilePhone::parse("")), "required");
        for bad in [
            "1391139432",
            "139113943201",
            "12911394320",
            "10911394320",
            "23911394320",
            "1391139432a",
            "86139113943",
            "+85213911394320",
            "010-82387600",
        ] {
            let e = MobilePhone::parse(bad).unwrap_err();
            assert_eq!(e.code, "mobile_format", "{bad}");
            assert_eq!(e.message, "手机号码应为11位数字，以13–19开头");
        }
    }

    #[test]
    fn landline_accepts_common_forms() {
        for (input, want) in [
            ("010-82387600", "010-82387600"),
            ("(010)82387600", "010-82387600"),
            ("(010) 8238 7600", "010-82387600"),
            ("（０１０）８２３８７６００", "010-82387600"),
            ("010 8238 7600", "010-82387600"),
            ("010--82292097", "010-82292097"),
            ("010—82387600", "010-82387600"),
            ("01082387600", "010-82387600"),
            ("02112345678", "021-12345678"),
            ("0755-2345678", "0755-2345678"),
            ("07552345678", "0755-2345678"),
            ("0755 23456789", "0755-23456789"),
            ("0991-1234567", "0991-1234567"),
            ("010-82387600-123", "010-82387600-123"),
            ("010-82387600转8001", "010-82387600-8001"),
            ("010-82387600 - 123456", "010-82387600-123456"),
        ] {
            assert_eq!(Landline::parse(input).unwrap().as_str(), want, "{input}");
        }
        let l = Landline::parse("0755-23456789-12").unwrap();
        assert_eq!(
            (l.area_code(), l.local_number(), l.extension()),
            ("0755", "23456789", Some("12"))
        );
        assert_eq!(Landline::parse("010-82387600").unwrap().extension(), None);
    }

    #[test]
    fn landline_errors() {
        assert_eq!(err_code(Landline::parse(" ")), "required");
        for bad in [
            "82387600",
            "10-82387600",
            "001-82387600",
            "010-823876",
            "010-823876001",
            "010-02387600",
            "01-82387600",
            "01234-82387600",
            "010-82387600-",
            "010-82387600-1234567",
            "010-82387600-12a",
            "(010-82387600",
            "010-8238760a",
            "13911394320",
            "abc",
        ] {
            let e = Landline::parse(bad).unwrap_err();
            assert_eq!(e.code, "landline_format", "{bad}");
            assert_eq!(e.message, "固定电话应为区号-号码，如 010-82387600");
        }
    }

    #[test]
    fn phone_tries_both() {
        assert_eq!(
            Phone::parse("139 1139 4320").unwrap(),
            Phone::Mobile(MobilePhone::parse("13911394320").unwrap())
        );
        let p = Phone::parse("(010)82387600").unwrap();
        assert!(matches!(p, Phone::Landline(_)));
        assert_eq!(p.as_str(), "010-82387600");
        assert_eq!(p.to_string(), "010-82387600");
        assert_eq!(
            "13911394320".parse::<Phone>().unwrap().as_str(),
            "13911394320"
        );
        assert_eq!(err_code(Phone::parse("")), "required");
        let e = Phone::parse("12345").unwrap_err();
        assert_eq!(e.code, "phone_format");
        assert_eq!(
            e.message,
            "请输入11位手机号码或带区号的固定电话，如 13911394320 或 010-82387600"
        );
    }

    // --- email, postal code -----------------------------------------------------------------

    #[test]
    fn email_accepts() {
        for (input, want) in [
            ("name@example.cn", "name@example.cn"),
            (
                "Name.Surname+tag@Example.COM.CN",
                "Name.Surname+tag@example.com.cn",
            ),
            ("ｎａｍｅ＠ｅｘａｍｐｌｅ．ｃｎ", "name@example.cn"),
            ("name@example。cn", "name@example.cn"),
            (" name @ example.cn ", "name@example.cn"),
            ("a@b-c.d2", "a@b-c.d2"),
            ("user@政务.中国", "user@政务.中国"),
            (
                "o'neil_1!#$%&*/=?^`{|}~-@mail.example.org",
                "o'neil_1!#$%&*/=?^`{|}~-@mail.example.org",
            ),
        ] {
            assert_eq!(Email::parse(input).unwrap().as_str(), want, "{input}");
        }
        assert_eq!(
            Email::parse("A@Mail.GOV.CN").unwrap().domain(),
            "mail.gov.cn"
        );
        let max_local = format!("{}@example.cn", "a".repeat(64));
        assert!(Email::parse(&max_local).is_ok());
    }

    #[test]
    fn email_errors() {
        assert_eq!(err_code(Email::parse("")), "required");
        let long = format!("{}@{}.cn", "a".repeat(64), "b".repeat(200));
        let too_long_label = format!("a@{}.cn", "b".repeat(64));
        let too_long_local = format!("{}@example.cn", "a".repeat(65));
        let overall = format!("a@{}.cn", vec!["b".repeat(63); 4].join("."));
        for bad in [
            "name",
            "name@",
            "@example.cn",
            "name@example",
            "name@@example.cn",
            "a@b@example.cn",
            "name@.example.cn",
            "name@example.cn.",
            "name@example..cn",
            "name@-example.cn",
            "name@example-.cn",
            "name@exa_mple.cn",
            "name@example.123",
            ".name@example.cn",
            "name.@example.cn",
            "na..me@example.cn",
            "na(me)@example.cn",
            "张三@example.cn",
            long.as_str(),
            too_long_label.as_str(),
            too_long_local.as_str(),
            overall.as_str(),
        ] {
            let e = Email::parse(bad).unwrap_err();
            assert_eq!(e.code, "email_format", "{bad}");
            assert_eq!(e.message, "电子邮箱格式不正确，如 name@example.cn");
        }
    }

    #[test]
    fn postal_code() {
        assert_eq!(PostalCode::parse("100081").unwrap().as_str(), "100081");
        assert_eq!(
            PostalCode::parse(" １００ ０８１ ").unwrap().to_string(),
            "100081"
        );
        assert_eq!(err_code(PostalCode::parse("")), "required");
        for bad in ["10008", "1000811", "10008a", "１０００８"] {
            let e = PostalCode::parse(bad).unwrap_err();
            assert_eq!(
                (e.code, e.message.as_str()),
                ("postal_code_format", "邮政编码应为6位数字")
            );
        }
    }

    // --- masking ----------------------------------------------------------------------------

    #[test]
    fn masks() {
        assert_eq!(mask_phone("13911394320"), "139****4320");
        assert_eq!(mask_phone("+86 139 1139 4320"), "139****4320");
        assert_eq!(mask_phone("010-82387600"), "010-82****00");
        assert_eq!(mask_phone("(0755)2345678-123"), "0755-23****78");
        assert_eq!(mask_phone("12345"), "****");
        assert_eq!(mask_phone(""), "****");
        assert_eq!(mask_phone("123456789"), "123****89");
        assert_eq!(mask_email("zhangsan@Example.cn"), "z***@example.cn");
        assert_eq!(mask_email("张三@example.cn"), "张***@example.cn");
        assert_eq!(mask_email("a@b.cn"), "a***@b.cn");
        assert_eq!(mask_email("@b.cn"), "***");
        assert_eq!(mask_email("nobody"), "***");
    }

    // --- bounded text -----------------------------------------------------------------------

    proptest::proptest! {
        /// The clean-text shortcut never changes the answer: text it lets through unchanged
        /// is exactly what the full normalisation makes of it, and the result of the full
        /// normalisation is always clean (so a resaved draft takes the shortcut).
        #[test]
        fn clean_text_shortcut_agrees_with_normalisation(
            s in "[ a\u{3000}\t\r\n\u{2028}\u{200B}\u{0007}\u{FF10}（，中Ａ-]{0,16}"
        ) {
            let slow = normalized_text(&s);
            if is_clean_text(&s) {
                proptest::prop_assert_eq!(&slow, &s);
            }
            if !slow.chars().any(|c| c.is_control() && c != '\n') {
                proptest::prop_assert!(is_clean_text(&slow), "{:?} -> {:?}", s, slow);
            }
            let checked = checked_text("x", &s, 100, false).map(|t| t.into_owned());
            let reference = if slow.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                None
            } else {
                Some(slow.clone())
            };
            proptest::prop_assert_eq!(checked.ok(), reference);
        }
    }

    #[test]
    fn clean_text_examples() {
        assert!(is_clean_text(""));
        assert!(is_clean_text("第一行 内容\n\n第二行"));
        assert!(!is_clean_text(" 前导空格"));
        assert!(!is_clean_text("尾随空格 "));
        assert!(!is_clean_text("行尾空格 \n下一行"));
        assert!(!is_clean_text("两个  空格"));
        assert!(!is_clean_text("\n开头空行"));
        assert!(!is_clean_text("结尾空行\n"));
        assert!(!is_clean_text("全角１"));
        assert!(!is_clean_text("制表\t符"));
        assert!(!is_clean_text("回车\r\n"));
        assert!(!is_clean_text("零宽\u{200B}"));
        assert!(!is_clean_text("响铃\u{0007}"));
    }

    #[test]
    fn bounded_text_ok() {
        assert_eq!(
            bounded_text("单位名称", "  北京\u{3000}某某　公司 ", 10, true).unwrap(),
            "北京 某某 公司"
        );
        assert_eq!(bounded_text("备注", "", 10, false).unwrap(), "");
        assert_eq!(bounded_text("备注", " \u{3000}\n ", 10, false).unwrap(), "");
        assert_eq!(bounded_text("备注", "ＡＢＣ", 3, true).unwrap(), "ABC");
        // Line breaks survive; each line is normalised; outer blank lines go.
        assert_eq!(
            bounded_text(
                "说明",
                "\n 第一行\t 内容 \r\n\r\n第二行\r第三行 \n\n",
                100,
                true
            )
            .unwrap(),
            "第一行 内容\n\n第二行\n第三行"
        );
        // Exactly at the limit, counted in characters (30 bytes).
        assert_eq!(
            bounded_text("名称", "一二三四五六七八九十", 10, true)
                .unwrap()
                .chars()
                .count(),
            10
        );
    }

    #[test]
    fn bounded_text_errors() {
        let e = bounded_text("单位名称", " \u{3000} ", 10, true).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("required", "请填写单位名称"));
        let e = bounded_text("单位名称", "一二三四五六七八九十一", 10, true).unwrap_err();
        assert_eq!(e.code, "too_long");
        assert_eq!(e.message, "单位名称不能超过10个字符，当前11个");
        for bad in ["a\u{0}b", "a\u{7}b", "a\u{1B}[0m", "a\u{7F}", "a\u{9B}b"] {
            let e = bounded_text("备注", bad, 100, false).unwrap_err();
            assert_eq!(e.code, "invalid_chars", "{bad:?}");
            assert_eq!(e.message, "备注包含不可见的控制字符，请删除后重新输入");
        }
    }
}
