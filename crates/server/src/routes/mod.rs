//! One module per domain area; each exposes `routes()` for the OpenAPI router.

pub mod audit;
pub mod auth;
pub mod meta;
pub mod organizations;
pub mod users;
