//! A call's life cycle: drafted by the programme, then published (open to applications between
//! its opening time and its deadline). The office may take a published call back to draft.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a call is. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Seen only by the programme staff of its field.
    Draft,
    /// Public; takes applications while open.
    Published,
}

/// What happens to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Publish,
    /// Back to draft (hidden from the public again).
    Unpublish,
}

impl Status {
    pub const ALL: [Status; 2] = [Status::Draft, Status::Published];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The transition that leads from `self` to `to`, if the life cycle draws one (`None` also
    /// when they are the same state: nothing happens).
    pub fn transition_to(self, to: Status) -> Option<Transition> {
        [Transition::Publish, Transition::Unpublish]
            .into_iter()
            .find(|t| next(self, *t) == Some(to))
    }
}

/// The state machine: the state a transition leads to from `from`, or `None`.
pub fn next(from: Status, t: Transition) -> Option<Status> {
    match (from, t) {
        (Status::Draft, Transition::Publish) => Some(Status::Published),
        (Status::Published, Transition::Unpublish) => Some(Status::Draft),
        _ => None,
    }
}

/// Open now: published, opened, and before the deadline (exclusive).
pub fn is_open(
    status: Status,
    opens_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status == Status::Published && opens_at <= now && now < deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn transition_table() {
        use Status as S;
        use Transition as T;
        let table = [
            (S::Draft, T::Publish, Some(S::Published)),
            (S::Draft, T::Unpublish, None),
            (S::Published, T::Publish, None),
            (S::Published, T::Unpublish, Some(S::Draft)),
        ];
        for (from, t, to) in table {
            assert_eq!(next(from, t), to, "{from:?} --{t:?}->");
        }
        assert_eq!(S::Draft.transition_to(S::Published), Some(T::Publish));
        assert_eq!(S::Published.transition_to(S::Draft), Some(T::Unpublish));
        assert_eq!(S::Draft.transition_to(S::Draft), None);
    }

    #[test]
    fn stored_strings_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert_eq!(Status::parse("closed"), None);
    }

    #[test]
    fn open_between_opening_and_deadline_when_published() {
        let t = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
        assert!(is_open(Status::Published, t(1), t(3), t(1)));
        assert!(is_open(Status::Published, t(1), t(3), t(2)));
        assert!(!is_open(Status::Published, t(1), t(3), t(3)));
        assert!(!is_open(Status::Published, t(1), t(3), t(0)));
        assert!(!is_open(Status::Draft, t(1), t(3), t(2)));
    }
}
