//! The 申报书 (application form) of an SRDI industry college, field by field as the official
//! table (attachment 3 of the seed notice), its validation for submission (SPEC §4), and the
//! application's life cycle (SPEC §2).
//!
//! Drafts may be incomplete: every field has a default, so whatever the user typed can be saved
//! at any time. [`ApplicationForm::check_for_submission`] lists everything still missing or
//! wrong, each with the JSON path of its field.

mod checks;
mod choices;
mod eligibility;
mod form;
mod partners;
mod status;

pub use checks::FormErrors;
pub use choices::{
    FundingSources, InstitutionTypes, PartnerCategories, SRDI_CATEGORIES, SupportingProjects,
    limits,
};
pub use eligibility::{Eligibility, PartnerState};
pub use form::*;
pub use partners::{Confirmation, DecisionInput, PartnerDecision, parse_decision};
pub use status::{Status, Transition, next};

/// The version of the form's JSON shape; stored with each application.
pub const FORM_SCHEMA_VERSION: i32 = 1;

/// The fixed commitment sentence of the form (承诺意见).
pub const COMMITMENT_TEXT: &str = "本申报材料真实有效，学校将为建设提供设施、组织、经费等保障。";

/// The content hash printed on the 申报书: SHA-256 over the number, version and form.
pub fn content_hash(number: &str, version: i32, form_json: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(number.as_bytes());
    h.update(b"\n");
    h.update(version.to_string().as_bytes());
    h.update(b"\n");
    h.update(form_json.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn complete_form() -> ApplicationForm {
        let text = |s: &str| s.to_owned();
        ApplicationForm {
            lead: LeadInstitution {
                institution_type: Some("higher_vocational".into()),
                name: text("苏州集成电路职业技术学院"),
                nature: Some("public".into()),
                contact_name: text("李娟"),
                contact_title: text("教务处处长/教授"),
                contact_phone: text("13912345678"),
                contact_email: text("lijuan@szicvc.edu.cn"),
                profile: text("学校创建于1958年……"),
                direction: Some("power_devices".into()),
                supporting_projects: vec!["provincial_high_level".into()],
                supporting_projects_other: String::new(),
                funding_sources: vec!["self_raised".into(), "other".into()],
                funding_sources_other: text("地方政府专项资金"),
            },
            partners: vec![PartnerBlock {
                org_id: None,
                name: text("苏州纳芯碳化硅半导体有限公司"),
                uscc: String::new(),
                category: Some("little_giant".into()),
                contact: text("张伟（人力资源总监）"),
                contact_phone: text("0512-68601234"),
                contact_email: text("hr@naxin-sic.cn"),
                profile: text("国家级专精特新“小巨人”企业……"),
            }],
            industry_education: IndustryEducationWork {
                main_work: text("……"),
                results: text("……"),
                innovation: text("……"),
            },
            goals: GoalsAndPlan {
                goals: text("……"),
                plan: ConstructionPlan {
                    management_body: text("成立理事会"),
                    research_institute: text("……"),
                    teaching_resource_center: text("……"),
                    practice_training_center: text("……"),
                    innovation_cooperation_center: text("……"),
                    smart_cloud_platform: text("……"),
                },
                innovation: text("……"),
            },
            guarantees: Guarantees {
                facilities: text("……"),
                organisation: text("……"),
                funding: text("学校自筹800万元"),
                other: String::new(),
            },
            commitment: Commitment {
                responsible_person: text("王校长"),
                agreed: true,
                office_meeting_approved: true,
                office_meeting_date: text("2022-11-20"),
            },
        }
    }

    fn paths(errors: &FormErrors) -> Vec<&str> {
        errors.iter().map(|(p, _)| p.as_str()).collect()
    }

    const DIRECTIONS: &[&str] = &["power_devices", "rf_devices"];

    fn dirs() -> Vec<String> {
        DIRECTIONS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_complete_form_passes() {
        assert_eq!(complete_form().check_for_submission(&dirs()), vec![]);
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let errs = ApplicationForm::default().check_for_submission(&dirs());
        let p = paths(&errs);
        for must in [
            "lead.institution_type",
            "lead.name",
            "lead.nature",
            "lead.contact_phone",
            "lead.direction",
            "partners",
            "goals.plan.research_institute",
            "commitment.agreed",
            "commitment.office_meeting_approved",
        ] {
            assert!(p.contains(&must), "{must} missing from {p:?}");
        }
        assert!(!p.contains(&"guarantees.other"), "其他保障 is optional");
    }

    #[test]
    fn at_least_one_srdi_enterprise_among_partners() {
        let mut f = complete_form();
        f.partners[0].category = Some("association".into());
        let errs = f.check_for_submission(&dirs());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].1.code, "srdi_partner_required");
        f.partners[0].category = Some("provincial_srdi".into());
        assert!(f.check_for_submission(&dirs()).is_empty());
    }

    #[test]
    fn direction_must_be_from_the_call() {
        let mut f = complete_form();
        f.lead.direction = Some("quantum_computing".into());
        assert_eq!(
            f.check_for_submission(&dirs())[0].1.code,
            "direction_not_in_call"
        );
    }

    #[test]
    fn lead_must_be_undergraduate_or_higher_vocational() {
        let mut f = complete_form();
        f.lead.institution_type = Some("secondary_vocational".into());
        let errs = f.check_for_submission(&dirs());
        assert_eq!(
            (errs[0].0.as_str(), errs[0].1.code),
            ("lead.institution_type", "invalid_choice")
        );
    }

    #[test]
    fn other_choices_need_their_text_and_partner_fields_are_validated() {
        let mut f = complete_form();
        f.lead.funding_sources_other.clear();
        f.partners[0].contact_email = "bad".into();
        f.partners[0].uscc = "123".into();
        let errs = f.check_for_submission(&dirs());
        assert_eq!(
            paths(&errs),
            [
                "lead.funding_sources_other",
                "partners[0].contact_email",
                "partners[0].uscc"
            ]
        );
    }

    #[test]
    fn normalise_cleans_pasted_phones() {
        let mut f = complete_form();
        f.lead.contact_phone = "１３９ １２３４ ５６７８".into();
        f.normalise();
        assert_eq!(f.lead.contact_phone, "13912345678");
    }

    #[test]
    fn unknown_fields_are_refused_in_the_form_json() {
        let r: Result<ApplicationForm, _> =
            serde_json::from_str(r#"{"lead":{"status":"initiated"}}"#);
        assert!(r.is_err());
        let partial: ApplicationForm =
            serde_json::from_str(r#"{"lead":{"name":"某大学"}}"#).unwrap();
        assert_eq!(partial.lead.name, "某大学");
    }

    #[test]
    fn transitions_follow_the_spec_arrows_only() {
        use Status as S;
        use Transition as T;
        let allowed = [
            (S::Draft, T::Submit, S::Submitted),
            (S::Returned, T::Submit, S::Submitted),
            (S::Withdrawn, T::Submit, S::Submitted),
            (S::Submitted, T::Withdraw, S::Withdrawn),
            (S::Withdrawn, T::Reopen, S::Draft),
            (S::Submitted, T::AcceptForReview, S::AcceptedForReview),
            (S::Submitted, T::ReturnForCorrection, S::Returned),
            (S::AcceptedForReview, T::ReturnForCorrection, S::Returned),
            (S::AcceptedForReview, T::StartReview, S::UnderReview),
            (S::UnderReview, T::FinishReview, S::Reviewed),
            (S::Reviewed, T::Shortlist, S::Shortlisted),
            (S::Reviewed, T::Reject, S::NotSelected),
            // A selection is revisable until the 立项 letter is issued.
            (S::NotSelected, T::Shortlist, S::Shortlisted),
            (S::Shortlisted, T::Reject, S::NotSelected),
            (S::Shortlisted, T::Initiate, S::Initiated),
            (S::Initiated, T::FilePlan, S::UnderConstruction),
            (S::UnderConstruction, T::PassMidTerm, S::MidTermPassed),
            (S::UnderConstruction, T::RequireRectification, S::Rectify),
            (S::UnderConstruction, T::PassAcceptance, S::Accepted),
            (S::MidTermPassed, T::PassAcceptance, S::Accepted),
            (S::Rectify, T::PassAcceptance, S::Accepted),
            (S::UnderConstruction, T::FailAcceptance, S::AcceptanceFailed),
            (S::MidTermPassed, T::FailAcceptance, S::AcceptanceFailed),
            (S::Rectify, T::FailAcceptance, S::AcceptanceFailed),
            (S::Accepted, T::AwardPlaque, S::PlaqueAwarded),
        ];
        let all_t = [
            T::Submit,
            T::Withdraw,
            T::Reopen,
            T::AcceptForReview,
            T::ReturnForCorrection,
            T::StartReview,
            T::FinishReview,
            T::Shortlist,
            T::Reject,
            T::Initiate,
            T::FilePlan,
            T::PassMidTerm,
            T::RequireRectification,
            T::PassAcceptance,
            T::FailAcceptance,
            T::AwardPlaque,
        ];
        for from in Status::ALL {
            for t in all_t {
                let expected = allowed
                    .iter()
                    .find(|(f, tt, _)| *f == from && *tt == t)
                    .map(|(_, _, to)| *to);
                assert_eq!(next(from, t), expected, "{from:?} --{t:?}-->");
            }
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
