//! Whether an application may be submitted now: its form, its partners, the call's window and
//! the deadline that applies to it.

use chrono::{DateTime, Utc};

use super::{ApplicationForm, Confirmation, FormErrors, Status};
use crate::FieldError;

/// One partner block as the check sees it.
#[derive(Debug, Clone, Copy)]
pub struct PartnerState<'a> {
    /// Position of the block in `form.partners`.
    pub index: usize,
    pub name: &'a str,
    pub confirmation: Confirmation,
}

/// What the submission check needs to know about an application and its call.
#[derive(Debug, Clone)]
pub struct Eligibility<'a> {
    pub now: DateTime<Utc>,
    pub status: Status,
    /// The correction term of a returned application.
    pub correction_due: Option<DateTime<Utc>>,
    /// The call is published (drafts take no applications).
    pub call_published: bool,
    pub call_opens_at: DateTime<Utc>,
    /// The call's deadline, or a later one granted to this applicant.
    pub applicant_deadline: DateTime<Utc>,
    /// The codes of the call's directions.
    pub directions: &'a [String],
    pub form: &'a ApplicationForm,
    pub partners: &'a [PartnerState<'a>],
}

impl Eligibility<'_> {
    /// Everything that blocks submission, each at its field path (`form.…` for the form,
    /// `partners[i]`, `deadline`), with the deadline that applies: the applicant's, or the
    /// correction term of a returned application.
    pub fn blockers(&self) -> (FormErrors, DateTime<Utc>) {
        let mut problems: FormErrors = self
            .form
            .check_for_submission(self.directions)
            .into_iter()
            .map(|(p, e)| (format!("form.{p}"), e))
            .collect();
        for p in self.partners {
            let (code, msg) = match p.confirmation {
                Confirmation::Confirmed => continue,
                Confirmation::Unregistered => (
                    "partner_not_registered",
                    "该联合申报单位尚未注册并确认参与：请发送邀请链接",
                ),
                Confirmation::Declined => ("partner_declined", "该联合申报单位已拒绝参与"),
                Confirmation::Pending => ("partner_not_confirmed", "联合申报单位尚未确认参与"),
            };
            problems.push((
                format!("partners[{}]", p.index),
                FieldError::new(code, format!("{}：{msg}", p.name)),
            ));
        }
        let mut deadline = self.applicant_deadline;
        if self.status == Status::Returned
            && let Some(due) = self.correction_due
        {
            deadline = due;
        }
        if !self.call_published || self.now < self.call_opens_at {
            problems.push((
                "deadline".into(),
                FieldError::new("not_open", "该批次尚未开放申报"),
            ));
        } else if self.now >= deadline {
            problems.push((
                "deadline".into(),
                FieldError::new(
                    "deadline_passed",
                    "已超过申报截止时间，如需延期请联系项目办公室",
                ),
            ));
        }
        (problems, deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, day, 0, 0, 0).unwrap()
    }

    fn check(
        e: impl FnOnce(&mut Eligibility<'_>),
        partners: &[PartnerState<'_>],
    ) -> (Vec<(String, &'static str)>, DateTime<Utc>) {
        let form = ApplicationForm::default();
        let mut elig = Eligibility {
            now: at(10),
            status: Status::Draft,
            correction_due: None,
            call_published: true,
            call_opens_at: at(1),
            applicant_deadline: at(20),
            directions: &[],
            form: &form,
            partners,
        };
        e(&mut elig);
        let (problems, deadline) = elig.blockers();
        (
            problems
                .into_iter()
                .filter(|(f, _)| !f.starts_with("form."))
                .map(|(f, e)| (f, e.code))
                .collect(),
            deadline,
        )
    }

    #[test]
    fn form_problems_are_prefixed() {
        let form = ApplicationForm::default();
        let (problems, _) = Eligibility {
            now: at(10),
            status: Status::Draft,
            correction_due: None,
            call_published: true,
            call_opens_at: at(1),
            applicant_deadline: at(20),
            directions: &[],
            form: &form,
            partners: &[],
        }
        .blockers();
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|(f, _)| f.starts_with("form.")));
    }

    #[test]
    fn open_call_before_the_deadline_has_no_window_problem() {
        assert_eq!(check(|_| {}, &[]), (vec![], at(20)));
    }

    #[test]
    fn unpublished_or_not_yet_open_calls_block() {
        let not_open = vec![("deadline".to_owned(), "not_open")];
        assert_eq!(check(|e| e.call_published = false, &[]).0, not_open);
        assert_eq!(
            check(|e| e.now = at(1) - chrono::Duration::seconds(1), &[]).0,
            not_open
        );
    }

    #[test]
    fn the_deadline_is_exclusive_and_a_returned_application_has_its_correction_term() {
        let passed = vec![("deadline".to_owned(), "deadline_passed")];
        assert_eq!(check(|e| e.now = at(20), &[]).0, passed);
        let (problems, deadline) = check(
            |e| {
                e.now = at(22);
                e.status = Status::Returned;
                e.correction_due = Some(at(25));
            },
            &[],
        );
        assert_eq!((problems, deadline), (vec![], at(25)));
        // The correction term applies only to a returned application.
        let (problems, deadline) = check(
            |e| {
                e.now = at(22);
                e.correction_due = Some(at(25));
            },
            &[],
        );
        assert_eq!((problems, deadline), (passed, at(20)));
    }

    #[test]
    fn every_partner_must_have_confirmed() {
        let partner = |index, confirmation| PartnerState {
            index,
            name: "某企业",
            confirmation,
        };
        let partners = [
            partner(0, Confirmation::Confirmed),
            partner(1, Confirmation::Unregistered),
            partner(2, Confirmation::Pending),
            partner(3, Confirmation::Declined),
        ];
        assert_eq!(
            check(|_| {}, &partners).0,
            vec![
                ("partners[1]".to_owned(), "partner_not_registered"),
                ("partners[2]".to_owned(), "partner_not_confirmed"),
                ("partners[3]".to_owned(), "partner_declined"),
            ]
        );
    }
}
