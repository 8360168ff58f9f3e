//! Partners (联合申报单位): where each stands, and the decision a partner sends.

use serde::Deserialize;

use crate::FieldError;
use crate::validate::bounded_text;

/// Where a partner block stands: no registered organisation yet, or the organisation's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confirmation {
    /// The block names no registered organisation.
    Unregistered,
    Pending,
    Confirmed,
    Declined,
}

impl Confirmation {
    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::Unregistered => "unregistered",
            Confirmation::Pending => "pending",
            Confirmation::Confirmed => "confirmed",
            Confirmation::Declined => "declined",
        }
    }

    /// Reads a stored or shown state; a value this version does not know reads as pending
    /// (not confirmed).
    pub fn parse(s: &str) -> Confirmation {
        match s {
            "unregistered" => Confirmation::Unregistered,
            "confirmed" => Confirmation::Confirmed,
            "declined" => Confirmation::Declined,
            _ => Confirmation::Pending,
        }
    }
}

/// A partner's answer as sent: `confirm`, or `decline` with a reason.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// confirm | decline.
    pub decision: String,
    /// Required when declining.
    #[serde(default)]
    pub reason: String,
}

/// A validated answer: the partner's new state and, when declining, its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerDecision {
    pub status: Confirmation,
    pub reason: Option<String>,
}

/// Validates a partner's decision; the error names the field (`decision` or `reason`).
pub fn parse_decision(d: &DecisionInput) -> Result<PartnerDecision, (&'static str, FieldError)> {
    match d.decision.as_str() {
        "confirm" => Ok(PartnerDecision {
            status: Confirmation::Confirmed,
            reason: None,
        }),
        "decline" => {
            let reason =
                bounded_text("拒绝原因", &d.reason, 500, true).map_err(|e| ("reason", e))?;
            Ok(PartnerDecision {
                status: Confirmation::Declined,
                reason: Some(reason),
            })
        }
        _ => Err((
            "decision",
            FieldError::new("invalid_choice", "请选择确认或拒绝"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(decision: &str, reason: &str) -> DecisionInput {
        DecisionInput {
            decision: decision.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn confirming_needs_no_reason() {
        let d = parse_decision(&input("confirm", "")).unwrap();
        assert_eq!(d.status, Confirmation::Confirmed);
        assert_eq!(d.reason, None);
    }

    #[test]
    fn declining_needs_a_reason() {
        let (field, e) = parse_decision(&input("decline", "  ")).unwrap_err();
        assert_eq!((field, e.code), ("reason", "required"));
        let d = parse_decision(&input("decline", " 无法参与 ")).unwrap();
        assert_eq!(d.status, Confirmation::Declined);
        assert_eq!(d.reason.as_deref(), Some("无法参与"));
    }

    #[test]
    fn other_decisions_are_refused() {
        let (field, e) = parse_decision(&input("maybe", "")).unwrap_err();
        assert_eq!((field, e.code), ("decision", "invalid_choice"));
    }

    #[test]
    fn confirmation_round_trips_and_unknown_reads_as_pending() {
        for c in [
            Confirmation::Unregistered,
            Confirmation::Pending,
            Confirmation::Confirmed,
            Confirmation::Declined,
        ] {
            assert_eq!(Confirmation::parse(c.as_str()), c);
        }
        assert_eq!(Confirmation::parse("whatever"), Confirmation::Pending);
    }
}
