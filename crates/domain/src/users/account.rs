//! Accounts: login names.

use crate::FieldError;
use crate::validate::normalize_compact;

/// A login name: 3–32 lowercase letters, digits, `_`, `.` or `-` (input is lower-cased).
pub fn parse_login(raw: &str) -> Result<String, FieldError> {
    let login = normalize_compact(raw).to_lowercase();
    let n = login.chars().count();
    if !(3..=32).contains(&n)
        || !login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
    {
        return Err(FieldError::new(
            "login_format",
            "登录名为3–32位小写字母、数字或 _ . -",
        ));
    }
    Ok(login)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lowercased_and_checked() {
        assert_eq!(parse_login(" Zhang.San ").as_deref(), Ok("zhang.san"));
        assert_eq!(parse_login("ＡＢＣ１").as_deref(), Ok("abc1"));
        for bad in ["ab", "张三", "a b c;", &"x".repeat(33)] {
            assert_eq!(parse_login(bad).unwrap_err().code, "login_format", "{bad}");
        }
    }
}
