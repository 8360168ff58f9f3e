//! Calls as the programme manages them: list, open, read and edit a call, attach its
//! documents; the call as the API shows it.

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::calls::{CallDraft, Contact, Direction, Status};
use chanjiao_domain::organizations::Field;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::calls::{self, CallData, CallRow};
use chanjiao_store::{Paging, attachments, audit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

/// A call as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct Call {
    pub id: i64,
    pub field: String,
    pub field_name: String,
    pub title: String,
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub status: String,
    pub contacts: Vec<Contact>,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    pub directions: Vec<Direction>,
    pub attachments: Vec<Attachment>,
    /// Open now: published, opened, and before the deadline.
    pub is_open: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Open now: published, opened, and before the deadline.
pub fn is_open(row: &CallRow, now: DateTime<Utc>) -> bool {
    chanjiao_domain::calls::is_open(row.status(), row.opens_at, row.deadline, now)
}

pub async fn call_view(state: &AppState, row: CallRow) -> ApiResult<Call> {
    let files = attachments::of_owner(&state.db, "call", row.id).await?;
    let now = state.clock.now();
    Ok(Call {
        field_name: Field::parse(&row.field)
            .map_or_else(|| row.field.clone(), |f| f.label_zh().to_owned()),
        contacts: serde_json::from_str(&row.contacts).unwrap_or_default(),
        directions: chanjiao_domain::calls::directions(&row.directions),
        attachments: files.into_iter().map(Attachment::from).collect(),
        is_open: is_open(&row, now),
        id: row.id,
        field: row.field,
        title: row.title,
        doc_number: row.doc_number,
        opens_at: row.opens_at,
        deadline: row.deadline,
        status: row.status,
        postal_address: row.postal_address,
        postal_code: row.postal_code,
        postal_recipient: row.postal_recipient,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub(super) fn target(row: &CallRow) -> Target {
    Target::Call {
        field: row.field.clone(),
        published: row.status() == Status::Published,
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Calls the caller may see (programme staff also see their fields' drafts).
#[utoipa::path(get, path = "/api/calls", tag = "calls", params(ListParams),
    responses((status = 200, body = PageOf<Call>), (status = 401, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<Call>>> {
    let fields = cu.actor.fields_run();
    let page = calls::list(
        &state.db,
        fields.as_deref(),
        Paging::new(p.page, p.per_page),
    )
    .await?;
    let mut items = Vec::new();
    for row in page.items {
        items.push(call_view(&state, row).await?);
    }
    Ok(Json(PageOf {
        items,
        total: page.total,
    }))
}

/// Validates a call as entered (the domain's [`CallDraft`] rules) into the columns stored.
pub(super) fn validate(input: CallDraft) -> ApiResult<CallData> {
    let call = input.validate().map_err(|errors| {
        ApiError::validation(
            errors
                .into_iter()
                .map(|(f, e)| FieldProblem::from_error(&f, e))
                .collect(),
        )
    })?;
    Ok(CallData {
        field: call.field.as_str().to_owned(),
        title: call.title,
        doc_number: call.doc_number,
        opens_at: call.opens_at,
        deadline: call.deadline,
        status: call.status.as_str().to_owned(),
        contacts: serde_json::to_string(&call.contacts).map_err(|_| ApiError::internal())?,
        postal_address: call.postal_address,
        postal_code: call.postal_code,
        postal_recipient: call.postal_recipient,
        directions: serde_json::to_string(&call.directions).map_err(|_| ApiError::internal())?,
    })
}

/// Opens a call.
#[utoipa::path(post, path = "/api/calls", tag = "calls", request_body = CallDraft,
    responses((status = 201, body = Call), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<CallDraft>,
) -> ApiResult<(StatusCode, Json<Call>)> {
    cu.authorize(
        &state,
        Action::CallManage,
        &Target::NewCall {
            field: input.field.clone(),
        },
        "call",
        "",
    )
    .await?;
    let data = validate(input)?;
    let mut tx = state.db.begin().await?;
    let row = calls::insert(&mut tx, &data, cu.user.id).await?;
    let mut e = cu.event("call.create", "call", row.id);
    e.detail =
        serde_json::json!({ "title": row.title, "deadline": row.deadline, "status": row.status });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(call_view(&state, row).await?)))
}

pub async fn visible_call(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<CallRow> {
    let row = calls::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    cu.authorize(state, action, &target(&row), "call", id)
        .await?;
    Ok(row)
}

/// One call.
#[utoipa::path(get, path = "/api/calls/{id}", tag = "calls", params(("id" = i64, Path)),
    responses((status = 200, body = Call), (status = 404, body = ErrorBody)))]
pub(super) async fn get(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Call>> {
    let row = visible_call(&state, &cu, id, Action::CallRead).await?;
    Ok(Json(call_view(&state, row).await?))
}

/// Edits a call.
#[utoipa::path(put, path = "/api/calls/{id}", tag = "calls", params(("id" = i64, Path)), request_body = CallDraft,
    responses((status = 200, body = Call), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<CallDraft>,
) -> ApiResult<Json<Call>> {
    let before = visible_call(&state, &cu, id, Action::CallManage).await?;
    if input.field != before.field {
        cu.authorize(
            &state,
            Action::CallManage,
            &Target::NewCall {
                field: input.field.clone(),
            },
            "call",
            id,
        )
        .await?;
    }
    let data = validate(input)?;
    let mut tx = state.db.begin().await?;
    let row = calls::update(&mut tx, id, &data).await?;
    let mut e = cu.event("call.update", "call", id);
    e.detail = serde_json::json!({ "deadline_before": before.deadline, "deadline": row.deadline, "status": row.status });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(call_view(&state, row).await?))
}

/// Attaches a document (notice, guide, blank form) to a call. Multipart: `file`, `kind`.
#[utoipa::path(post, path = "/api/calls/{id}/attachments", tag = "calls", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`file` and `kind` (notice|guide|form|other)"),
    responses((status = 201, body = Attachment), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn upload(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    visible_call(&state, &cu, id, Action::CallManage).await?;
    let multipart = Multipart::from_request(req, &state).await.map_err(|_| {
        ApiError::field(
            "file",
            FieldError::new("invalid_upload", "请以 multipart/form-data 上传文件"),
        )
    })?;
    let a = crate::uploads::store(
        &state,
        &cu,
        "call",
        id,
        &["notice", "guide", "form", "other"],
        None,
        multipart,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a)))
}
