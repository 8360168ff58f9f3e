//! The printed 申报书, and the public verification page behind the QR code printed on every page.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::Action;
use chanjiao_store::applications::{self as apps};
use chanjiao_store::calls;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::authorized;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiQuery, Id};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PrintParams {
    /// pdf (default) or docx.
    pub format: Option<String>,
    /// A submitted version; default the latest (or the current draft, marked, before any).
    pub version: Option<i32>,
}

/// The printed 申报书 in the official table layout, with number, version, 校验码 and QR code on
/// every page.
#[utoipa::path(get, path = "/api/applications/{id}/print", tag = "applications", params(("id" = i64, Path), PrintParams),
    responses((status = 200, description = "PDF or DOCX"), (status = 404, body = ErrorBody)))]
pub(super) async fn print(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    headers: axum::http::HeaderMap,
    ApiQuery(p): ApiQuery<PrintParams>,
) -> ApiResult<Response> {
    authorized(&state, &cu, id, Action::ApplicationRead).await?;
    let format =
        crate::print::Format::parse(p.format.as_deref().unwrap_or("pdf")).ok_or_else(|| {
            ApiError::field(
                "format",
                FieldError::new("invalid_choice", "格式应为 pdf 或 docx"),
            )
        })?;
    let printed = crate::print::print_application(
        &state.db,
        id,
        p.version,
        format,
        &state.public_origin(&headers),
    )
    .await?;
    Ok(crate::http::download::file_response(
        printed.bytes,
        printed.mime,
        &printed.filename,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    pub number: String,
    pub version: i32,
    pub hash: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verification {
    pub number: String,
    pub version: i32,
    /// A submitted version with this number, version and hash exists.
    pub found: bool,
    /// It is the version the programme is processing now.
    pub is_latest: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub call_title: Option<String>,
}

/// Checks a printed 申报书 against the submitted versions (the QR code's target).
#[utoipa::path(get, path = "/api/public/verify", tag = "public", params(VerifyParams),
    responses((status = 200, body = Verification)))]
pub(super) async fn verify(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<VerifyParams>,
) -> ApiResult<Json<Verification>> {
    let hash = p.hash.trim().to_lowercase();
    let mut out = Verification {
        number: p.number.clone(),
        version: p.version,
        found: false,
        is_latest: false,
        submitted_at: None,
        call_title: None,
    };
    if hash.len() < 8 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(Json(out));
    }
    if let Some(row) = apps::find_by_number(&state.db, p.number.trim()).await?
        && let Some(v) = apps::versions(&state.db, row.id)
            .await?
            .into_iter()
            .find(|v| v.version == p.version && v.content_hash.starts_with(&hash))
    {
        out.found = true;
        out.is_latest = row.submitted_version == Some(v.version);
        out.submitted_at = Some(v.submitted_at);
        out.call_title = calls::get(&state.db, row.call_id).await?.map(|c| c.title);
    }
    Ok(Json(out))
}
