//! Calls (批次): the programme office (or the field's alliance) opens a call with its deadline,
//! contacts, postal address, directions and documents; open calls are public.

mod call;
mod extensions;
mod public;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public::public_calls))
        .routes(routes!(call::list, call::create))
        .routes(routes!(call::get, call::update))
        .routes(routes!(extensions::extend, extensions::extensions))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(call::upload)),
        ))
}
