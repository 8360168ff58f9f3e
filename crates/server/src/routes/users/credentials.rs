//! The security admin's lockout lift and password reset.

use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::policy::Action;
use chanjiao_store::users::{self};
use chanjiao_store::{audit, users::sessions};
use serde::Deserialize;
use utoipa::ToSchema;

use super::accounts::visible_user;
use crate::http::auth::{CurrentUser, hash_password_blocking};
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

/// Lifts a login lockout (security admin).
#[utoipa::path(post, path = "/api/users/{id}/unlock", tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn unlock(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let row = visible_user(&state, &cu, id, Action::UserUnlock).await?;
    let mut tx = state.db.begin().await?;
    users::clear_failures(&mut tx, &row.login).await?;
    audit::append(&mut tx, cu.event("user.unlock", "user", id)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordInput {
    pub new_password: String,
}

/// Sets a new password for an account (security admin); its sessions end.
#[utoipa::path(post, path = "/api/users/{id}/password", tag = "users", params(("id" = i64, Path)),
    request_body = ResetPasswordInput,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn reset_password(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ResetPasswordInput>,
) -> ApiResult<StatusCode> {
    let row = visible_user(&state, &cu, id, Action::UserResetPassword).await?;
    state
        .settings
        .password
        .check(&input.new_password, &row.login)
        .map_err(|e| ApiError::field("new_password", e))?;
    let hash = hash_password_blocking(input.new_password).await?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, id, &hash).await?;
    sessions::revoke_all_of(&mut tx, id, None).await?;
    users::clear_failures(&mut tx, &row.login).await?;
    audit::append(&mut tx, cu.event("user.password_reset", "user", id)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
