//! User accounts and their role grants. The system admin manages everyone; an organisation's
//! admin manages its own people; the security admin unlocks and resets. The three separated
//! admin roles are granted only by the operator (`chanjiao admin`). Login, logout, the
//! session probe and the caller's own password change are here too (`/api/auth/...`).

mod accounts;
mod credentials;
mod roles;
mod sessions;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sessions::session))
        .routes(routes!(sessions::login))
        .routes(routes!(sessions::logout))
        .routes(routes!(sessions::change_password))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::get, accounts::update))
        .routes(routes!(roles::grant_role))
        .routes(routes!(roles::revoke_role))
        .routes(routes!(credentials::unlock))
        .routes(routes!(credentials::reset_password))
}
