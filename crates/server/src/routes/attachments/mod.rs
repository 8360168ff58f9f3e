//! Attachments of calls and applications: upload (type by content, size limits), download
//! (only by those who may see the owner, always as `attachment`), delete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::attachments::{self, AttachmentRow};
use chanjiao_store::{audit, calls};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::Id;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(download, remove))
        .routes(routes!(public_download))
}

/// Checks the caller's right to the attachment's owner.
async fn authorize(
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
                published: call.status == "published",
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
async fn download(
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

/// Downloads a published call's document without logging in.
#[utoipa::path(get, path = "/api/public/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
async fn public_download(State(state): State<AppState>, Id(id): Id) -> ApiResult<Response> {
    let a = attachments::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if a.owner_type != "call" {
        return Err(ApiError::not_found());
    }
    let call = calls::get(&state.db, a.owner_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if call.status != "published" {
        return Err(ApiError::not_found());
    }
    file_response(&state, &a).await
}

/// Removes an attachment (while its owner may still be edited).
#[utoipa::path(delete, path = "/api/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove(
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
