//! The application's life cycle (SPEC §2): its states and the transitions between them.

use serde::{Deserialize, Serialize};

/// Where an application is in the programme (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    /// 形式审查不通过: back with the applicant for correction.
    Returned,
    AcceptedForReview,
    UnderReview,
    Reviewed,
    Shortlisted,
    NotSelected,
    Initiated,
    UnderConstruction,
    MidTermPassed,
    Rectify,
    Accepted,
    AcceptanceFailed,
    PlaqueAwarded,
    Withdrawn,
}

/// What happened to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Withdraw,
    /// Back to drafting after a withdrawal.
    Reopen,
    AcceptForReview,
    ReturnForCorrection,
    StartReview,
    FinishReview,
    Shortlist,
    Reject,
    Initiate,
    FilePlan,
    PassMidTerm,
    RequireRectification,
    PassAcceptance,
    FailAcceptance,
    AwardPlaque,
}

impl Status {
    pub const ALL: [Status; 16] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::AcceptedForReview,
        Status::UnderReview,
        Status::Reviewed,
        Status::Shortlisted,
        Status::NotSelected,
        Status::Initiated,
        Status::UnderConstruction,
        Status::MidTermPassed,
        Status::Rectify,
        Status::Accepted,
        Status::AcceptanceFailed,
        Status::PlaqueAwarded,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::AcceptedForReview => "accepted_for_review",
            Status::UnderReview => "under_review",
            Status::Reviewed => "reviewed",
            Status::Shortlisted => "shortlisted",
            Status::NotSelected => "not_selected",
            Status::Initiated => "initiated",
            Status::UnderConstruction => "under_construction",
            Status::MidTermPassed => "mid_term_passed",
            Status::Rectify => "rectify",
            Status::Accepted => "accepted",
            Status::AcceptanceFailed => "acceptance_failed",
            Status::PlaqueAwarded => "plaque_awarded",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "已提交",
            Status::Returned => "退回修改",
            Status::AcceptedForReview => "形式审查通过",
            Status::UnderReview => "评审中",
            Status::Reviewed => "评审完成",
            Status::Shortlisted => "入围",
            Status::NotSelected => "未入选",
            Status::Initiated => "已立项",
            Status::UnderConstruction => "建设中",
            Status::MidTermPassed => "中期评审通过",
            Status::Rectify => "整改",
            Status::Accepted => "通过验收",
            Status::AcceptanceFailed => "验收未通过",
            Status::PlaqueAwarded => "已授牌",
            Status::Withdrawn => "已撤回",
        }
    }

    /// Whether the applicant may edit the form in this state.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned | Status::Withdrawn)
    }
}

/// The state machine: the state a transition leads to from `from`, or `None` where the SPEC has
/// no arrow.
pub fn next(from: Status, t: Transition) -> Option<Status> {
    use Status as S;
    use Transition as T;
    Some(match (from, t) {
        (S::Draft | S::Returned | S::Withdrawn, T::Submit) => S::Submitted,
        (S::Submitted, T::Withdraw) => S::Withdrawn,
        (S::Withdrawn, T::Reopen) => S::Draft,
        (S::Submitted, T::AcceptForReview) => S::AcceptedForReview,
        (S::Submitted | S::AcceptedForReview, T::ReturnForCorrection) => S::Returned,
        (S::AcceptedForReview, T::StartReview) => S::UnderReview,
        (S::UnderReview, T::FinishReview) => S::Reviewed,
        (S::Reviewed, T::Shortlist) => S::Shortlisted,
        (S::Reviewed, T::Reject) => S::NotSelected,
        // The selection may be revised until the 立项 letter is issued.
        (S::NotSelected, T::Shortlist) => S::Shortlisted,
        (S::Shortlisted, T::Reject) => S::NotSelected,
        (S::Shortlisted, T::Initiate) => S::Initiated,
        (S::Initiated, T::FilePlan) => S::UnderConstruction,
        (S::UnderConstruction, T::PassMidTerm) => S::MidTermPassed,
        (S::UnderConstruction, T::RequireRectification) => S::Rectify,
        (S::UnderConstruction | S::MidTermPassed | S::Rectify, T::PassAcceptance) => S::Accepted,
        (S::UnderConstruction | S::MidTermPassed | S::Rectify, T::FailAcceptance) => {
            S::AcceptanceFailed
        }
        (S::Accepted, T::AwardPlaque) => S::PlaqueAwarded,
        _ => return None,
    })
}
