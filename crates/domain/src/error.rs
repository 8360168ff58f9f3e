//! The error a validator returns: which rule failed, in a stable code the UI translates, with
//! a Chinese message for API clients that do not.

use serde::Serialize;

/// A problem with one input value. `code` is stable (the UI's message catalogue is keyed by it);
/// `message` is the zh-CN text shown when no translation exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct FieldError {
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
