//! Deadline extensions of a call: for the whole call, or for one applicant.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::Action;
use chanjiao_domain::validate::bounded_text;
use chanjiao_store::calls::{self};
use chanjiao_store::{audit, organizations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::call::visible_call;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    /// The applicant organisation, or null to extend the whole call.
    pub org_id: Option<i64>,
    pub deadline: DateTime<Utc>,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Extension {
    pub id: i64,
    pub call_id: i64,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub deadline: DateTime<Utc>,
    pub reason: String,
    pub created_by_login: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<calls::ExtensionRow> for Extension {
    fn from(e: calls::ExtensionRow) -> Self {
        Extension {
            id: e.id,
            call_id: e.call_id,
            org_id: e.org_id,
            org_name: e.org_name,
            deadline: e.deadline,
            reason: e.reason,
            created_by_login: e.created_by_login,
            created_at: e.created_at,
        }
    }
}

/// Extends the deadline of the whole call, or of one applicant; logged with its reason.
#[utoipa::path(post, path = "/api/calls/{id}/extensions", tag = "calls", params(("id" = i64, Path)), request_body = ExtensionInput,
    responses((status = 201, body = Extension), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn extend(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> ApiResult<(StatusCode, Json<Extension>)> {
    let call = visible_call(&state, &cu, id, Action::CallManage).await?;
    let reason = bounded_text("延期原因", &input.reason, 500, true)
        .map_err(|e| ApiError::field("reason", e))?;
    if input.deadline <= call.deadline {
        return Err(ApiError::field(
            "deadline",
            FieldError::new("extension_not_later", "延期后的截止时间须晚于原截止时间"),
        ));
    }
    if let Some(org) = input.org_id
        && organizations::get(&state.db, org).await?.is_none()
    {
        return Err(ApiError::field(
            "org_id",
            FieldError::new("not_found", "所选单位不存在"),
        ));
    }
    let mut tx = state.db.begin().await?;
    let ext_id = calls::insert_extension(
        &mut tx,
        id,
        input.org_id,
        input.deadline,
        &reason,
        cu.user.id,
    )
    .await?;
    if input.org_id.is_none() {
        calls::set_deadline(&mut tx, id, input.deadline).await?;
    }
    let mut e = cu.event("call.extend", "call", id);
    e.detail = serde_json::json!({ "org_id": input.org_id, "from": call.deadline, "to": input.deadline, "reason": reason });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let ext = calls::extensions(&state.db, id)
        .await?
        .into_iter()
        .find(|x| x.id == ext_id)
        .ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(ext.into())))
}

/// The call's extensions, oldest first.
#[utoipa::path(get, path = "/api/calls/{id}/extensions", tag = "calls", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Extension>), (status = 404, body = ErrorBody)))]
pub(super) async fn extensions(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<Extension>>> {
    visible_call(&state, &cu, id, Action::CallManage).await?;
    Ok(Json(
        calls::extensions(&state.db, id)
            .await?
            .into_iter()
            .map(Extension::from)
            .collect(),
    ))
}
