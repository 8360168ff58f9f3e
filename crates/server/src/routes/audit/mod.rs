//! The audit log viewer: read and verify, for the audit admin only. Nothing here changes it.

mod events;
mod verify;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events::list))
        .routes(routes!(verify::verify))
}
