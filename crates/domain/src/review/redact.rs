//! The blind variant of a 申报书 (网评盲审): the applicant's identity removed.

use crate::applications::ApplicationForm;

/// What a redacted value reads as (the printed blind variant uses the same).
pub const REDACTED: &str = "■■■";

/// The form with the applicant's identity removed: names, people and contacts, and every
/// occurrence of the lead's and partners' names in the prose.
pub fn redact(form: &ApplicationForm) -> ApplicationForm {
    let mut names: Vec<String> = std::iter::once(form.lead.name.clone())
        .chain(form.partners.iter().map(|p| p.name.clone()))
        .chain([
            form.lead.contact_name.clone(),
            form.commitment.responsible_person.clone(),
        ])
        .chain(form.partners.iter().map(|p| p.contact.clone()))
        .filter(|n| n.chars().count() >= 2)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut v = serde_json::to_value(form).unwrap_or_default();
    fn walk(v: &mut serde_json::Value, names: &[String]) {
        match v {
            serde_json::Value::String(s) => {
                for n in names {
                    if s.contains(n.as_str()) {
                        *s = s.replace(n.as_str(), REDACTED);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, names)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| walk(x, names)),
            _ => {}
        }
    }
    walk(&mut v, &names);
    let mut out: ApplicationForm = serde_json::from_value(v).unwrap_or_default();
    out.lead.name = REDACTED.into();
    out.lead.contact_name = REDACTED.into();
    out.lead.contact_title = REDACTED.into();
    out.lead.contact_phone = REDACTED.into();
    out.lead.contact_email = REDACTED.into();
    out.commitment.responsible_person = REDACTED.into();
    for p in &mut out.partners {
        p.org_id = None;
        p.name = REDACTED.into();
        p.uscc = REDACTED.into();
        p.contact = REDACTED.into();
        p.contact_phone = REDACTED.into();
        p.contact_email = REDACTED.into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_removed_from_fields_and_prose() {
        let mut form = ApplicationForm::default();
        form.lead.name = "某某职业技术学院".into();
        form.lead.contact_name = "张三".into();
        let mut v = serde_json::to_value(&form).unwrap();
        // Some prose naming the lead, wherever it is in the form.
        fn put(v: &mut serde_json::Value, text: &str) -> bool {
            match v {
                serde_json::Value::String(s) if s.is_empty() => {
                    *s = text.into();
                    true
                }
                serde_json::Value::Array(a) => a.iter_mut().any(|x| put(x, text)),
                serde_json::Value::Object(o) => o
                    .iter_mut()
                    .filter(|(k, _)| !k.starts_with("lead"))
                    .any(|(_, x)| put(x, text)),
                _ => false,
            }
        }
        let _ = put(&mut v, "由某某职业技术学院牵头，张三负责");
        let form: ApplicationForm = serde_json::from_value(v).unwrap();
        let out = redact(&form);
        assert_eq!(out.lead.name, REDACTED);
        assert_eq!(out.lead.contact_name, REDACTED);
        let text = serde_json::to_string(&out).unwrap();
        assert!(!text.contains("某某职业技术学院"), "{text}");
        assert!(!text.contains("张三"), "{text}");
    }
}
