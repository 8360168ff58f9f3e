//! Calls (批次): their 申报方向 (directions), their life cycle, and the validation of a call as
//! the programme enters it.

use serde::{Deserialize, Serialize};

mod draft;
mod status;

pub use draft::{CallDraft, Contact, ValidCall};
pub use status::{Status, Transition, is_open, next};

/// A 申报方向 of a call: a stable code stored in applications, and the Chinese name shown and
/// printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Direction {
    /// Stable code stored in applications.
    pub code: String,
    /// 中文 name shown and printed.
    pub name: String,
}

/// The directions stored with a call (a JSON array); unreadable reads as none.
pub fn directions(json: &str) -> Vec<Direction> {
    serde_json::from_str(json).unwrap_or_default()
}
