//! An attachment's download and removal by those who may see (or edit) its owner.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::calls::Status as CallStatus;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::attachments::{self, AttachmentRow};
use chanjiao_store::{audit, calls};

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::Id;
use crate::state::AppState;

/// Checks the caller's right to the attachment's owner.
pub(super) async fn authorize(
    state: &AppState,
    cu: &CurrentUser,
    a: &AttachmentRow,
    write: bool,
) -> ApiResult<()> {
    match a.owner_type.as_str() {
        "call" => {
            let call = calls::get(&state.db, a.owner_id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            let t = Target::Call {
                field: call.field.clone(),
                published: call.status() == CallStatus::Published,
            };
            let action = if write {
                Action::CallManage
            } else {
                Action::CallRead
            };
            cu.authorize(state, action, &t, "attachment", a.id).await
        }
        "application" => {
            let (row, target) = crate::access::application(state, a.owner_id).await?;
            let action = if write {
                Action::ApplicationEdit
            } else {
                Action::ApplicationRead
            };
            cu.authorize(state, action, &target, "attachment", a.id)
                .await?;
            if write {
                crate::access::ensure_editable(&row, "已提交的申报不能修改附件")?;
            }
            Ok(())
        }
        _ => Err(ApiError::not_found()),
    }
}

pub async fn file_response(state: &AppState, a: &AttachmentRow) -> ApiResult<Response> {
    let bytes = state.files.get(&a.storage_key).await?;
    Ok(crate::http::download::file_response(
        bytes,
        &a.content_type,
        &a.filename,
    ))
}

/// Downloads an attachment.
#[utoipa::path(get, path = "/api/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub(super) async fn download(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Response> {
    let a = attachments::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    authorize(&state, &cu, &a, false).await?;
    file_response(&state, &a).await
}

/// Removes an attachment (while its owner may still be edited).
#[utoipa::path(delete, path = "/api/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn remove(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let a = attachments::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    authorize(&state, &cu, &a, true).await?;
    let mut tx = state.db.begin().await?;
    attachments::delete(&mut tx, id).await?;
    let mut e = cu.event("attachment.delete", &a.owner_type, a.owner_id);
    e.detail = serde_json::json!({ "attachment_id": id, "filename": a.filename });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    state.files.remove(&a.storage_key).await;
    Ok(StatusCode::NO_CONTENT)
}
