//! Calls (批次): the programme office (or the field's alliance) opens a call with its deadline,
//! contacts, postal address, directions and documents; open calls are public.

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::calls::Direction;
use chanjiao_domain::organizations::Field;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::validate::{Email, Phone, PostalCode, bounded_text};
use chanjiao_store::calls::{self, CallData, CallRow};
use chanjiao_store::{Paging, attachments, audit, organizations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_calls))
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(extend, extensions))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(upload)),
        ))
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

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

pub fn is_open(row: &CallRow, now: DateTime<Utc>) -> bool {
    row.status == "published" && row.opens_at <= now && now < row.deadline
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

fn target(row: &CallRow) -> Target {
    Target::Call {
        field: row.field.clone(),
        published: row.status == "published",
    }
}

/// Published calls, for everyone (no login).
#[utoipa::path(get, path = "/api/public/calls", tag = "calls", responses((status = 200, body = Vec<Call>)))]
async fn public_calls(State(state): State<AppState>) -> ApiResult<Json<Vec<Call>>> {
    let page = calls::list(&state.db, Some(&[]), Paging::new(Some(1), Some(200))).await?;
    let mut out = Vec::new();
    for row in page.items {
        out.push(call_view(&state, row).await?);
    }
    Ok(Json(out))
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
async fn list(
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    pub field: String,
    pub title: String,
    /// 文号, e.g. `CASA 联盟函【2022】019 号`.
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    /// Submissions are accepted while now < deadline ("2022-11-30 24:00" Shanghai is 2022-12-01T00:00+08:00).
    pub deadline: DateTime<Utc>,
    /// draft | published.
    pub status: String,
    pub contacts: Vec<Contact>,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    pub directions: Vec<Direction>,
}

fn validate(input: CallInput) -> ApiResult<CallData> {
    let mut errors = Vec::new();
    let mut push = |f: &str, e: FieldError| errors.push(FieldProblem::from_error(f, e));
    if Field::parse(&input.field).is_none() {
        push("field", FieldError::new("invalid_choice", "领域无效"));
    }
    let title = bounded_text("批次名称", &input.title, 200, true)
        .map_err(|e| push("title", e))
        .unwrap_or_default();
    let doc_number = bounded_text("文号", &input.doc_number, 100, true)
        .map_err(|e| push("doc_number", e))
        .unwrap_or_default();
    if input.deadline <= input.opens_at {
        push(
            "deadline",
            FieldError::new("deadline_before_open", "截止时间须晚于开始时间"),
        );
    }
    if !matches!(input.status.as_str(), "draft" | "published") {
        push("status", FieldError::new("invalid_choice", "状态无效"));
    }
    if input.contacts.is_empty() {
        push(
            "contacts",
            FieldError::new("required", "请至少填写一位联系人"),
        );
    }
    let mut contacts = Vec::new();
    for (i, c) in input.contacts.iter().enumerate() {
        let name = bounded_text("联系人", &c.name, 50, true)
            .map_err(|e| push(&format!("contacts[{i}].name"), e))
            .unwrap_or_default();
        let phone = Phone::parse(&c.phone)
            .map(|p| p.as_str().to_owned())
            .map_err(|e| push(&format!("contacts[{i}].phone"), e))
            .unwrap_or_default();
        let email = if c.email.trim().is_empty() {
            String::new()
        } else {
            Email::parse(&c.email)
                .map(|e| e.as_str().to_owned())
                .map_err(|e| push(&format!("contacts[{i}].email"), e))
                .unwrap_or_default()
        };
        contacts.push(Contact { name, phone, email });
    }
    let postal_address = bounded_text("邮寄地址", &input.postal_address, 200, true)
        .map_err(|e| push("postal_address", e))
        .unwrap_or_default();
    let postal_code = PostalCode::parse(&input.postal_code)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| push("postal_code", e))
        .unwrap_or_default();
    let postal_recipient = bounded_text("收件人", &input.postal_recipient, 100, false)
        .map_err(|e| push("postal_recipient", e))
        .unwrap_or_default();
    if input.directions.is_empty() {
        push(
            "directions",
            FieldError::new("required", "请至少设置一个申报方向"),
        );
    }
    let mut seen = std::collections::HashSet::new();
    let mut directions = Vec::new();
    for (i, d) in input.directions.iter().enumerate() {
        let code = d.code.trim().to_owned();
        if code.is_empty()
            || code.len() > 64
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || !seen.insert(code.clone())
        {
            push(
                &format!("directions[{i}].code"),
                FieldError::new("direction_code", "方向代码须为唯一的字母、数字或下划线"),
            );
        }
        let name = bounded_text("方向名称", &d.name, 100, true)
            .map_err(|e| push(&format!("directions[{i}].name"), e))
            .unwrap_or_default();
        directions.push(Direction { code, name });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(CallData {
        field: input.field,
        title,
        doc_number,
        opens_at: input.opens_at,
        deadline: input.deadline,
        status: input.status,
        contacts: serde_json::to_string(&contacts).map_err(|_| ApiError::internal())?,
        postal_address,
        postal_code,
        postal_recipient,
        directions: serde_json::to_string(&directions).map_err(|_| ApiError::internal())?,
    })
}

/// Opens a call.
#[utoipa::path(post, path = "/api/calls", tag = "calls", request_body = CallInput,
    responses((status = 201, body = Call), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<CallInput>,
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
async fn get(State(state): State<AppState>, cu: CurrentUser, Id(id): Id) -> ApiResult<Json<Call>> {
    let row = visible_call(&state, &cu, id, Action::CallRead).await?;
    Ok(Json(call_view(&state, row).await?))
}

/// Edits a call.
#[utoipa::path(put, path = "/api/calls/{id}", tag = "calls", params(("id" = i64, Path)), request_body = CallInput,
    responses((status = 200, body = Call), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<CallInput>,
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
async fn extend(
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
async fn extensions(
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

/// Attaches a document (notice, guide, blank form) to a call. Multipart: `file`, `kind`.
#[utoipa::path(post, path = "/api/calls/{id}/attachments", tag = "calls", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`file` and `kind` (notice|guide|form|other)"),
    responses((status = 201, body = Attachment), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn upload(
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
