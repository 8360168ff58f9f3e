//! Attachments of calls and applications: upload (type by content, size limits), download
//! (only by those who may see the owner, always as `attachment`), delete.

use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::attachments::{self, AttachmentRow, NewAttachment};
use chanjiao_store::{audit, calls};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Id;
use crate::files::{self, MAX_FILE, MAX_PER_APPLICATION};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(download, remove))
        .routes(routes!(public_download))
}

#[derive(Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<AttachmentRow> for Attachment {
    fn from(a: AttachmentRow) -> Self {
        Attachment {
            id: a.id,
            kind: a.kind,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// Reads a multipart upload (`file`, `kind`), checks it and stores it for the owner.
pub async fn store_upload(
    state: &AppState,
    cu: &CurrentUser,
    owner_type: &str,
    owner_id: i64,
    kinds: &[&str],
    total_limit: Option<i64>,
    mut multipart: Multipart,
) -> ApiResult<Attachment> {
    let bad = |code: &'static str, msg: &str| ApiError::field("file", FieldError::new(code, msg));
    let mut bytes: Option<Vec<u8>> = None;
    let mut name = String::new();
    let mut kind = String::from("other");
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("invalid_upload", "上传内容无法读取，请重试"))?
    {
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or("").to_owned();
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    if buf.len() + chunk.len() > MAX_FILE {
                        return Err(too_large());
                    }
                    buf.extend_from_slice(&chunk);
                }
                bytes = Some(buf);
            }
            Some("kind") => {
                kind = field
                    .text()
                    .await
                    .map_err(|_| bad("invalid_upload", "上传内容无法读取"))?
                    .trim()
                    .to_owned();
            }
            _ => {}
        }
    }
    let bytes = bytes.ok_or_else(|| bad("required", "请选择要上传的文件"))?;
    if bytes.is_empty() {
        return Err(bad("required", "文件为空"));
    }
    if !kinds.contains(&kind.as_str()) {
        return Err(ApiError::field(
            "kind",
            FieldError::new("invalid_choice", "附件类别无效"),
        ));
    }
    let file_type = files::sniff(&bytes)?;
    let filename = files::clean_filename(&name, file_type);
    let size = bytes.len() as i64;
    let (key, sha) = state.files.put(bytes).await?;
    let mut tx = state.db.begin().await?;
    if let Some(limit) = total_limit
        && attachments::total_size_tx(&mut tx, owner_type, owner_id).await? + size > limit
    {
        drop(tx);
        state.files.remove(&key).await;
        return Err(bad(
            "application_files_too_large",
            "本申报的附件总大小不能超过 100 MB",
        ));
    }
    let row = attachments::insert(
        &mut tx,
        &NewAttachment {
            owner_type,
            owner_id,
            kind: &kind,
            filename: &filename,
            content_type: file_type.mime(),
            size,
            sha256: &sha,
            storage_key: &key,
            uploaded_by: cu.user.id,
        },
    )
    .await?;
    let mut e = cu.event("attachment.upload", owner_type, owner_id);
    e.detail = serde_json::json!({ "attachment_id": row.id, "filename": filename, "size": size, "sha256": sha });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(row.into())
}

fn too_large() -> ApiError {
    let mut e = ApiError::field(
        "file",
        FieldError::new("file_too_large", "单个文件不能超过 20 MB"),
    );
    e.status = StatusCode::PAYLOAD_TOO_LARGE;
    e
}

/// Request size allowed on upload routes: one file plus the multipart envelope.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE + 64 * 1024;

/// Wraps upload routes so their bodies may be as large as one file.
pub fn upload_routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// The per-application total limit, for the applications module.
pub const APPLICATION_LIMIT: i64 = MAX_PER_APPLICATION;

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
            let (row, target) = crate::routes::applications::load(state, a.owner_id).await?;
            let action = if write {
                Action::ApplicationEdit
            } else {
                Action::ApplicationRead
            };
            cu.authorize(state, action, &target, "attachment", a.id)
                .await?;
            if write {
                crate::routes::applications::ensure_editable(&row, "已提交的申报不能修改附件")?;
            }
            Ok(())
        }
        _ => Err(ApiError::not_found()),
    }
}

pub async fn file_response(state: &AppState, a: &AttachmentRow) -> ApiResult<Response> {
    let bytes = state.files.get(&a.storage_key).await?;
    Ok(download_response(bytes, &a.content_type, &a.filename))
}

/// A download: always `attachment`, never rendered inline, with the UTF-8 file name.
pub fn download_response(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response()
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
