//! One module per domain area; each exposes `routes()` for the OpenAPI router.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod calls;
pub mod meta;
pub mod notifications;
pub mod organizations;
pub mod review;
pub mod users;
