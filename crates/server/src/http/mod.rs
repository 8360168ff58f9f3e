//! What every area's handlers share and nothing area-specific: errors, extractors (the session
//! and CSRF check in `auth::CurrentUser`, JSON and query parsing, path ids), middleware, metrics,
//! shared response shapes and serving the embedded UI.

pub mod auth;
pub mod download;
pub mod dto;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod ui;
