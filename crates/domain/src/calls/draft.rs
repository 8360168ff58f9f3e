//! A call as the programme enters it ([`CallDraft`]) and its validation into a [`ValidCall`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Direction, Status};
use crate::FieldError;
use crate::organizations::Field;
use crate::validate::{Email, Phone, PostalCode, bounded_text};

/// A contact person printed on the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// The body of a call's create and update: every field, as sent.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CallInput))]
#[serde(deny_unknown_fields)]
pub struct CallDraft {
    pub field: String,
    pub title: String,
    /// 文号, e.g. `CASA 联盟函【2022】019 号`.
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    /// Submissions are accepted while now < deadline ("2022-11-30 24:00" Shanghai is 2022-12-01T00:00+08:00).
    pub deadline: DateTime<Utc>,
    /// draft | published.
    pub status: String,
    pub contacts: Vec<Contact>,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    pub directions: Vec<Direction>,
}

/// A validated call, normalised and safe to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCall {
    pub field: Field,
    pub title: String,
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub status: Status,
    pub contacts: Vec<Contact>,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    pub directions: Vec<Direction>,
}

impl CallDraft {
    /// Checks every field; the errors name each field's path (`contacts[0].phone`).
    pub fn validate(self) -> Result<ValidCall, Vec<(String, FieldError)>> {
        let mut errors = Vec::new();
        let mut push = |f: &str, e: FieldError| errors.push((f.to_owned(), e));
        let field = Field::parse(&self.field);
        if field.is_none() {
            push("field", FieldError::new("invalid_choice", "领域无效"));
        }
        let title = bounded_text("批次名称", &self.title, 200, true)
            .map_err(|e| push("title", e))
            .unwrap_or_default();
        let doc_number = bounded_text("文号", &self.doc_number, 100, true)
            .map_err(|e| push("doc_number", e))
            .unwrap_or_default();
        if self.deadline <= self.opens_at {
            push(
                "deadline",
                FieldError::new("deadline_before_open", "截止时间须晚于开始时间"),
            );
        }
        let status = Status::parse(&self.status);
        if status.is_none() {
            push("status", FieldError::new("invalid_choice", "状态无效"));
        }
        if self.contacts.is_empty() {
            push(
                "contacts",
                FieldError::new("required", "请至少填写一位联系人"),
            );
        }
        let mut contacts = Vec::new();
        for (i, c) in self.contacts.iter().enumerate() {
            let name = bounded_text("联系人", &c.name, 50, true)
                .map_err(|e| push(&format!("contacts[{i}].name"), e))
                .unwrap_or_default();
            let phone = Phone::parse(&c.phone)
                .map(|p| p.as_str().to_owned())
                .map_err(|e| push(&format!("contacts[{i}].phone"), e))
                .unwrap_or_default();
            let email = if c.email.trim().is_empty() {
                String::new()
            } else {
                Email::parse(&c.email)
                    .map(|e| e.as_str().to_owned())
                    .map_err(|e| push(&format!("contacts[{i}].email"), e))
                    .unwrap_or_default()
            };
            contacts.push(Contact { name, phone, email });
        }
        let postal_address = bounded_text("邮寄地址", &self.postal_address, 200, true)
            .map_err(|e| push("postal_address", e))
            .unwrap_or_default();
        let postal_code = PostalCode::parse(&self.postal_code)
            .map(|p| p.as_str().to_owned())
            .map_err(|e| push("postal_code", e))
            .unwrap_or_default();
        let postal_recipient = bounded_text("收件人", &self.postal_recipient, 100, false)
            .map_err(|e| push("postal_recipient", e))
            .unwrap_or_default();
        if self.directions.is_empty() {
            push(
                "directions",
                FieldError::new("required", "请至少设置一个申报方向"),
            );
        }
        let mut seen = std::collections::HashSet::new();
        let mut directions = Vec::new();
        for (i, d) in self.directions.iter().enumerate() {
            let code = d.code.trim().to_owned();
            if code.is_empty()
                || code.len() > 64
                || !code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                || !seen.insert(code.clone())
            {
                push(
                    &format!("directions[{i}].code"),
                    FieldError::new("direction_code", "方向代码须为唯一的字母、数字或下划线"),
                );
            }
            let name = bounded_text("方向名称", &d.name, 100, true)
                .map_err(|e| push(&format!("directions[{i}].name"), e))
                .unwrap_or_default();
            directions.push(Direction { code, name });
        }
        let (Some(field), Some(status), true) = (field, status, errors.is_empty()) else {
            return Err(errors);
        };
        Ok(ValidCall {
            field,
            title,
            doc_number,
            opens_at: self.opens_at,
            deadline: self.deadline,
            status,
            contacts,
            postal_address,
            postal_code,
            postal_recipient,
            directions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn draft() -> CallDraft {
        CallDraft {
            field: Field::ALL[0].as_str().into(),
            title: " 2024 年度批次 ".into(),
            doc_number: "CASA 联盟函【2024】001 号".into(),
            opens_at: Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap(),
            deadline: Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap(),
            status: "published".into(),
            contacts: vec![Contact {
                name: "张三".into(),
                phone: "010-12345678".into(),
                email: String::new(),
            }],
            postal_address: "北京市海淀区某路1号".into(),
            postal_code: "100000".into(),
            postal_recipient: String::new(),
            directions: vec![Direction {
                code: "ai".into(),
                name: "人工智能".into(),
            }],
        }
    }

    fn codes(d: CallDraft) -> Vec<(String, &'static str)> {
        d.validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, e)| (f, e.code))
            .collect()
    }

    #[test]
    fn a_complete_call_is_valid_and_trimmed() {
        let c = draft().validate().unwrap();
        assert_eq!(c.title, "2024 年度批次");
        assert_eq!(c.status, Status::Published);
        assert_eq!(c.field, Field::ALL[0]);
    }

    #[test]
    fn field_status_and_window_are_checked() {
        let mut d = draft();
        d.field = "nope".into();
        d.status = "closed".into();
        d.deadline = d.opens_at;
        assert_eq!(
            codes(d),
            vec![
                ("field".to_owned(), "invalid_choice"),
                ("deadline".to_owned(), "deadline_before_open"),
                ("status".to_owned(), "invalid_choice"),
            ]
        );
    }

    #[test]
    fn contacts_and_directions_are_required_and_checked() {
        let mut d = draft();
        d.contacts.clear();
        d.directions.clear();
        assert_eq!(
            codes(d),
            vec![
                ("contacts".to_owned(), "required"),
                ("directions".to_owned(), "required"),
            ]
        );
        let mut d = draft();
        d.contacts[0].email = "not-an-email".into();
        d.directions.push(d.directions[0].clone());
        let got = codes(d);
        assert_eq!(got[0].0, "contacts[0].email");
        assert_eq!(got[1], ("directions[1].code".to_owned(), "direction_code"));
    }
}
