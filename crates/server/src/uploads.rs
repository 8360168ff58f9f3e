//! The upload routine every area that owns files calls (calls, applications, the expert pool):
//! reads the multipart body, recognises the type by content, checks the limits, stores the file
//! and records it with its audit event in one transaction.

use axum::extract::Multipart;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_store::attachments::{self, NewAttachment};
use chanjiao_store::audit;
use utoipa_axum::router::OpenApiRouter;

use crate::files::{self, MAX_FILE, MAX_PER_APPLICATION};
use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Reads a multipart upload (`file`, `kind`), checks it and stores it for the owner.
pub async fn store(
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
pub fn body_limit(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// The per-application total limit, for the applications module.
pub const APPLICATION_LIMIT: i64 = MAX_PER_APPLICATION;
