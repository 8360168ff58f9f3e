//! The public list of published calls (no login).

use axum::Json;
use axum::extract::State;
use chanjiao_store::Paging;
use chanjiao_store::calls::{self};

use super::call::{Call, call_view};
use crate::http::error::ApiResult;
use crate::state::AppState;

/// Published calls, for everyone (no login).
#[utoipa::path(get, path = "/api/public/calls", tag = "calls", responses((status = 200, body = Vec<Call>)))]
pub(super) async fn public_calls(State(state): State<AppState>) -> ApiResult<Json<Vec<Call>>> {
    let page = calls::list(&state.db, Some(&[]), Paging::new(Some(1), Some(200))).await?;
    let mut out = Vec::new();
    for row in page.items {
        out.push(call_view(&state, row).await?);
    }
    Ok(Json(out))
}
