//! Organisations (单位): the programme's staff create and edit them; an organisation's admin
//! edits its own; everyone sees what the policy lets them see.

mod organization;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organization::list, organization::create))
        .routes(routes!(organization::get, organization::update))
}
