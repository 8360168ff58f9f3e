//! Published calls' documents, downloadable without logging in.

use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::calls::Status as CallStatus;
use chanjiao_store::attachments::{self};
use chanjiao_store::calls;

use super::files::file_response;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::Id;
use crate::state::AppState;

/// Downloads a published call's document without logging in.
#[utoipa::path(get, path = "/api/public/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub(super) async fn public_download(
    State(state): State<AppState>,
    Id(id): Id,
) -> ApiResult<Response> {
    let a = attachments::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if a.owner_type != "call" {
        return Err(ApiError::not_found());
    }
    let call = calls::get(&state.db, a.owner_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if call.status() != CallStatus::Published {
        return Err(ApiError::not_found());
    }
    file_response(&state, &a).await
}
