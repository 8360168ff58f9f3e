//! In-app notifications and the mail outbox. Every area writes them (through
//! `chanjiao_store::notifications`, in the transaction of the change they report); these are
//! the reading ends.

mod inbox;
mod outbox;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox::notifications))
        .routes(routes!(inbox::read_notification))
        .routes(routes!(outbox::outbox))
}
