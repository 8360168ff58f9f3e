//! Verification of the audit log's hash chain.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::audit;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Verification {
    pub ok: bool,
    pub checked: i64,
    pub first_bad_id: Option<i64>,
    pub reason: Option<String>,
}

/// Checks the whole hash chain.
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit",
    responses((status = 200, body = Verification), (status = 403, body = ErrorBody)))]
pub(super) async fn verify(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Json<Verification>> {
    cu.authorize(&state, Action::AuditRead, &Target::Programme, "audit", "")
        .await?;
    let v = audit::verify(&state.db).await?;
    Ok(Json(Verification {
        ok: v.ok,
        checked: v.checked,
        first_bad_id: v.first_bad_id,
        reason: v.reason,
    }))
}
