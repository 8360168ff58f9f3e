//! A person's optional contact details (phone, e-mail) as entered on account forms.

use crate::FieldError;
use crate::validate::{Email, Phone};

/// Optional phone and e-mail, normalised.
pub type Contact = (Option<String>, Option<String>);

/// Parses optional phone and e-mail (blank means none), pushing problems as `phone`/`email`.
pub fn parse_contact(
    phone: Option<&str>,
    email: Option<&str>,
    errors: &mut Vec<(&'static str, FieldError)>,
) -> Contact {
    let nonblank = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let phone = nonblank(phone).and_then(|p| match Phone::parse(&p) {
        Ok(p) => Some(p.as_str().to_owned()),
        Err(e) => {
            errors.push(("phone", e));
            None
        }
    });
    let email = nonblank(email).and_then(|m| match Email::parse(&m) {
        Ok(m) => Some(m.as_str().to_owned()),
        Err(e) => {
            errors.push(("email", e));
            None
        }
    });
    (phone, email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_means_none() {
        let mut errors = Vec::new();
        assert_eq!(parse_contact(Some("  "), None, &mut errors), (None, None));
        assert!(errors.is_empty());
    }

    #[test]
    fn values_are_normalised_and_problems_named() {
        let mut errors = Vec::new();
        let (phone, email) = parse_contact(Some("１３８００１３８０００"), Some("x"), &mut errors);
        assert_eq!(phone.as_deref(), Some("13800138000"));
        assert_eq!(email, None);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "email");
    }
}
