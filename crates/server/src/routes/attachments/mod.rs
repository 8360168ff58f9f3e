//! Attachments of calls and applications: upload (type by content, size limits), download
//! (only by those who may see the owner, always as `attachment`), delete.

mod files;
mod public;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(files::download, files::remove))
        .routes(routes!(public::public_download))
}
