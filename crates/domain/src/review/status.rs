//! The states of expert review: rounds, their phases, assignments and reviews, each with its
//! transitions and the table of allowed ones; plus the kinds and decisions stored as codes.
//! The database keeps the codes ([`RoundStatus::as_str`] and the like, read back with
//! `parse`).

/// An enum stored as a fixed code: `ALL`, `as_str` and `parse`.
macro_rules! codes {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The code the database and the API use.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }
    };
}

/// A state machine given by its table of `(from, transition, to)`: `next`, and the states a
/// transition may start from (what a conditional update checks).
macro_rules! machine {
    ($status:ident, $transition:ident, $table:ident) => {
        impl $transition {
            /// The states this transition may start from, in the table's order.
            pub fn sources(self) -> Vec<$status> {
                $table
                    .iter()
                    .filter(|(_, t, _)| *t == self)
                    .map(|(f, _, _)| *f)
                    .collect()
            }

            /// The codes of [`Self::sources`].
            pub fn source_codes(self) -> Vec<&'static str> {
                self.sources().into_iter().map($status::as_str).collect()
            }

            /// Where this transition leads (the same from every source).
            pub fn target(self) -> $status {
                $table
                    .iter()
                    .find(|(_, t, _)| *t == self)
                    .map(|(_, _, to)| *to)
                    .expect("every transition is in the table")
            }
        }

        impl $status {
            /// The state `t` leads to from this one, or `None` where the table has no arrow.
            pub fn next(self, t: $transition) -> Option<$status> {
                $table
                    .iter()
                    .find(|(f, x, _)| *f == self && *x == t)
                    .map(|(_, _, to)| *to)
            }
        }
    };
}

codes!(
    /// What a round reviews: initiation (立项), the mid-term check or acceptance.
    RoundKind {
        Initial = "initial",
        MidTerm = "mid_term",
        Acceptance = "acceptance",
    }
);

codes!(
    /// Where a review round is.
    RoundStatus {
        /// Being set up: settings, phases and the assignment table may change.
        Setup = "setup",
        /// The table is committed; experts answer and review.
        Reviewing = "reviewing",
        Closed = "closed",
    }
);

codes!(
    /// What happens to a round.
    RoundTransition {
        /// The assignment table is committed.
        Commit = "commit",
        /// Reviewing ends.
        Close = "close",
    }
);

/// The allowed round transitions.
pub const ROUND_TABLE: &[(RoundStatus, RoundTransition, RoundStatus)] = &[
    (
        RoundStatus::Setup,
        RoundTransition::Commit,
        RoundStatus::Reviewing,
    ),
    (
        RoundStatus::Reviewing,
        RoundTransition::Close,
        RoundStatus::Closed,
    ),
];
machine!(RoundStatus, RoundTransition, ROUND_TABLE);

codes!(
    /// How a phase reviews: online (网评), in a meeting (会评) or by visits (调研).
    PhaseKind {
        Online = "online",
        Meeting = "meeting",
        Visit = "visit",
    }
);

codes!(
    /// Where a phase of a round is.
    PhaseStatus {
        Pending = "pending",
        Active = "active",
        Closed = "closed",
    }
);

codes!(
    /// What happens to a phase.
    PhaseTransition {
        Activate = "activate",
        /// Another phase is activated.
        Close = "close",
    }
);

/// The allowed phase transitions.
pub const PHASE_TABLE: &[(PhaseStatus, PhaseTransition, PhaseStatus)] = &[
    (
        PhaseStatus::Pending,
        PhaseTransition::Activate,
        PhaseStatus::Active,
    ),
    (
        PhaseStatus::Active,
        PhaseTransition::Close,
        PhaseStatus::Closed,
    ),
];
machine!(PhaseStatus, PhaseTransition, PHASE_TABLE);

codes!(
    /// Where an expert's assignment to an application is.
    AssignmentStatus {
        /// A replacement the office has yet to confirm (the expert does not see it).
        Proposed = "proposed",
        Invited = "invited",
        Accepted = "accepted",
        Declined = "declined",
    }
);

impl AssignmentStatus {
    /// Whether the expert is on the application's panel (invited or accepted).
    pub fn on_panel(self) -> bool {
        matches!(self, AssignmentStatus::Invited | AssignmentStatus::Accepted)
    }
}

codes!(
    /// What happens to an assignment.
    AssignmentTransition {
        /// The office confirms a proposed replacement: the expert is invited.
        Confirm = "confirm",
        Accept = "accept",
        /// The expert declines, before or after accepting.
        Decline = "decline",
    }
);

/// The allowed assignment transitions.
pub const ASSIGNMENT_TABLE: &[(AssignmentStatus, AssignmentTransition, AssignmentStatus)] = &[
    (
        AssignmentStatus::Proposed,
        AssignmentTransition::Confirm,
        AssignmentStatus::Invited,
    ),
    (
        AssignmentStatus::Invited,
        AssignmentTransition::Accept,
        AssignmentStatus::Accepted,
    ),
    (
        AssignmentStatus::Invited,
        AssignmentTransition::Decline,
        AssignmentStatus::Declined,
    ),
    (
        AssignmentStatus::Accepted,
        AssignmentTransition::Decline,
        AssignmentStatus::Declined,
    ),
];
machine!(AssignmentStatus, AssignmentTransition, ASSIGNMENT_TABLE);

codes!(
    /// Where one version of an expert's review is.
    ReviewStatus {
        Draft = "draft",
        /// Immutable; a correction is a new version.
        Submitted = "submitted",
    }
);

codes!(
    /// What happens to a review version.
    ReviewTransition {
        Submit = "submit",
    }
);

/// The allowed review transitions.
pub const REVIEW_TABLE: &[(ReviewStatus, ReviewTransition, ReviewStatus)] = &[(
    ReviewStatus::Draft,
    ReviewTransition::Submit,
    ReviewStatus::Submitted,
)];
machine!(ReviewStatus, ReviewTransition, REVIEW_TABLE);

codes!(
    /// The selection of an application in an initiation round.
    Decision {
        Shortlisted = "shortlisted",
        NotSelected = "not_selected",
    }
);

/// The application states a round of this kind reviews, before assignment: initiation rounds
/// the applications accepted for review, the others the projects under construction.
pub fn eligible_statuses(kind: Option<RoundKind>) -> &'static [crate::applications::Status] {
    use crate::applications::Status;
    match kind {
        Some(RoundKind::Initial) => &[Status::AcceptedForReview],
        _ => &[
            Status::UnderConstruction,
            Status::MidTermPassed,
            Status::Rectify,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in RoundStatus::ALL {
            assert_eq!(RoundStatus::parse(s.as_str()), Some(*s));
        }
        for s in PhaseStatus::ALL {
            assert_eq!(PhaseStatus::parse(s.as_str()), Some(*s));
        }
        for s in AssignmentStatus::ALL {
            assert_eq!(AssignmentStatus::parse(s.as_str()), Some(*s));
        }
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(RoundKind::parse("mid_term"), Some(RoundKind::MidTerm));
        assert_eq!(PhaseKind::parse("visit"), Some(PhaseKind::Visit));
        assert_eq!(Decision::parse("not_selected"), Some(Decision::NotSelected));
        assert_eq!(RoundStatus::parse("none"), None);
    }

    #[test]
    fn round_table() {
        use RoundStatus as S;
        use RoundTransition as T;
        assert_eq!(S::Setup.next(T::Commit), Some(S::Reviewing));
        assert_eq!(S::Reviewing.next(T::Close), Some(S::Closed));
        assert_eq!(
            S::Setup.next(T::Close),
            None,
            "a round in setup is not closed"
        );
        assert_eq!(
            S::Reviewing.next(T::Commit),
            None,
            "a table is committed once"
        );
        assert_eq!(S::Closed.next(T::Commit), None);
        assert_eq!(S::Closed.next(T::Close), None);
        assert_eq!(T::Commit.source_codes(), ["setup"]);
        assert_eq!(T::Close.source_codes(), ["reviewing"]);
        assert_eq!(T::Close.target(), S::Closed);
    }

    #[test]
    fn phase_table() {
        use PhaseStatus as S;
        use PhaseTransition as T;
        assert_eq!(S::Pending.next(T::Activate), Some(S::Active));
        assert_eq!(S::Active.next(T::Close), Some(S::Closed));
        assert_eq!(S::Active.next(T::Activate), None);
        assert_eq!(
            S::Closed.next(T::Activate),
            None,
            "a closed phase does not reopen"
        );
        assert_eq!(S::Pending.next(T::Close), None);
    }

    #[test]
    fn assignment_table() {
        use AssignmentStatus as S;
        use AssignmentTransition as T;
        assert_eq!(S::Proposed.next(T::Confirm), Some(S::Invited));
        assert_eq!(S::Invited.next(T::Accept), Some(S::Accepted));
        assert_eq!(S::Invited.next(T::Decline), Some(S::Declined));
        assert_eq!(S::Accepted.next(T::Decline), Some(S::Declined));
        assert_eq!(
            S::Proposed.next(T::Accept),
            None,
            "an unconfirmed replacement is not seen"
        );
        assert_eq!(S::Proposed.next(T::Decline), None);
        assert_eq!(S::Accepted.next(T::Accept), None, "an answer is given once");
        assert_eq!(S::Declined.next(T::Accept), None);
        assert_eq!(S::Declined.next(T::Confirm), None);
        assert_eq!(T::Decline.source_codes(), ["invited", "accepted"]);
        assert_eq!(T::Confirm.source_codes(), ["proposed"]);
        assert_eq!(T::Accept.target(), S::Accepted);
        assert!(S::Invited.on_panel() && S::Accepted.on_panel());
        assert!(!S::Proposed.on_panel() && !S::Declined.on_panel());
    }

    #[test]
    fn review_table() {
        use ReviewStatus as S;
        use ReviewTransition as T;
        assert_eq!(S::Draft.next(T::Submit), Some(S::Submitted));
        assert_eq!(
            S::Submitted.next(T::Submit),
            None,
            "a submitted review is immutable"
        );
        assert_eq!(T::Submit.source_codes(), ["draft"]);
    }
}
