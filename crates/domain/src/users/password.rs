//! Password strength policy. The default follows 等保 2.0 (GB/T 22239-2019) level 3 practice:
//! at least 8 characters drawn from at least 3 of the 4 classes lower-case letters, upper-case
//! letters, digits and symbols.
//!
//! Passwords are checked exactly as given: no normalisation or trimming, since a password that
//! is silently altered is a password the user cannot type again.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Password rules, configurable per deployment. Missing fields deserialise to the defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    /// Minimum length in characters (`char`s, not bytes).
    pub min_length: usize,
    /// Minimum number of character classes (lower, upper, digit, symbol) that must occur, 0–4.
    pub min_classes: usize,
    /// Maximum length in characters, bounding the cost of hashing.
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    /// 8 characters, 3 classes, at most 128 characters.
    fn default() -> Self {
        Self {
            min_length: 8,
            min_classes: 3,
            max_length: 128,
        }
    }
}

/// Which of the 4 classes `password` draws from, as a count 0–4. Letters are classed by
/// Unicode case, digits are ASCII `0–9`, and everything else (punctuation, spaces, CJK
/// characters) counts as a symbol.
pub fn character_classes(password: &str) -> usize {
    let (mut lower, mut upper, mut digit, mut symbol) = (false, false, false, false);
    for c in password.chars() {
        if c.is_lowercase() {
            lower = true;
        } else if c.is_uppercase() {
            upper = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else {
            symbol = true;
        }
    }
    [lower, upper, digit, symbol]
        .into_iter()
        .filter(|&b| b)
        .count()
}

impl PasswordPolicy {
    /// Checks `password` for the account `login`, reporting the first rule broken, in this
    /// order. Error codes: `password_too_short`, `password_too_long`, `password_classes`,
    /// `password_contains_login` (case-insensitive; only when the trimmed login has at least 3
    /// characters).
    pub fn check(&self, password: &str, login: &str) -> Result<(), FieldError> {
        let n = password.chars().count();
        if n < self.min_length {
            return Err(FieldError::new(
                "password_too_short",
                format!("密码至少需要{}个字符", self.min_length),
            ));
        }
        if n > self.max_length {
            return Err(FieldError::new(
                "password_too_long",
                format!("密码不能超过{}个字符", self.max_length),
            ));
        }
        if character_classes(password) < self.min_classes {
            return Err(FieldError::new(
                "password_classes",
                format!(
                    "密码需包含大写字母、小写字母、数字、符号中的至少{}类",
                    self.min_classes
                ),
            ));
        }
        let login = login.trim().to_lowercase();
        if login.chars().count() >= 3 && password.to_lowercase().contains(&login) {
            return Err(FieldError::new(
                "password_contains_login",
                "密码不能包含登录名",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<(), FieldError>) -> &'static str {
        r.unwrap_err().code
    }

    #[test]
    fn default_is_8_3_128() {
        let p = PasswordPolicy::default();
        assert_eq!((p.min_length, p.min_classes, p.max_length), (8, 3, 128));
    }

    #[test]
    fn accepts_strong_passwords() {
        let p = PasswordPolicy::default();
        for ok in [
            "Abcdef12",
            "abcdef1!",
            "ABCDEF1!",
            "Aa1!Aa1!",
            "密码Abc12345",
            "correct Horse 9",
        ] {
            assert_eq!(p.check(ok, "zhangsan"), Ok(()), "{ok}");
        }
    }

    #[test]
    fn too_short_counts_chars_not_bytes() {
        let p = PasswordPolicy::default();
        let e = p.check("Ab1!xyz", "").unwrap_err();
        assert_eq!(e.code, "password_too_short");
        assert_eq!(e.message, "密码至少需要8个字符");
        // 7 characters but 13 bytes.
        assert_eq!(code(p.check("密码Ab1!x", "")), "password_too_short");
        // 8 characters: lower, upper, digit, symbol (CJK counts as symbol).
        assert_eq!(p.check("密码Ab1!xy", ""), Ok(()));
        assert_eq!(code(p.check("", "")), "password_too_short");
    }

    #[test]
    fn too_long() {
        let p = PasswordPolicy::default();
        let long = format!("Aa1!{}", "x".repeat(125));
        assert_eq!(long.chars().count(), 129);
        let e = p.check(&long, "").unwrap_err();
        assert_eq!(e.code, "password_too_long");
        assert_eq!(e.message, "密码不能超过128个字符");
        assert_eq!(p.check(&long[..128], ""), Ok(()));
    }

    #[test]
    fn classes() {
        let p = PasswordPolicy::default();
        for weak in [
            "abcdefgh", "abcdefg1", "ABCDEFG!", "12345678", "abcDEFGH", "!!!!1111",
        ] {
            let e = p.check(weak, "").unwrap_err();
            assert_eq!(e.code, "password_classes", "{weak}");
            assert_eq!(
                e.message,
                "密码需包含大写字母、小写字母、数字、符号中的至少3类"
            );
        }
        assert_eq!(character_classes(""), 0);
        assert_eq!(character_classes("aA1!"), 4);
        assert_eq!(character_classes("中文"), 1);
        let lax = PasswordPolicy {
            min_classes: 1,
            ..PasswordPolicy::default()
        };
        assert_eq!(lax.check("abcdefgh", ""), Ok(()));
    }

    #[test]
    fn contains_login_case_insensitive() {
        let p = PasswordPolicy::default();
        let e = p.check("ZhangSan2024!", "zhangsan").unwrap_err();
        assert_eq!(e.code, "password_contains_login");
        assert_eq!(e.message, "密码不能包含登录名");
        assert_eq!(
            code(p.check("xxADMINxx1!", " Admin ")),
            "password_contains_login"
        );
        // Logins shorter than 3 characters are not checked.
        assert_eq!(p.check("Abab1234!", "ab"), Ok(()));
        assert_eq!(p.check("Abc1234!", ""), Ok(()));
        assert_eq!(code(p.check("Abc1234!", "abc")), "password_contains_login");
    }

    #[test]
    fn first_failure_wins() {
        let p = PasswordPolicy::default();
        // Short and weak: length is reported first.
        assert_eq!(code(p.check("abc", "abc")), "password_too_short");
        // Weak and contains login: classes first.
        assert_eq!(code(p.check("zhangsan1", "zhangsan")), "password_classes");
    }
}
