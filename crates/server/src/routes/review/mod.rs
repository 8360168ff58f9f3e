//! Expert review (评审, SPEC §6): the expert pool, 申请回避, rounds with phases and a rubric,
//! optimal or randomised assignment with manual adjustment, the experts' answers and reviews,
//! aggregation, selection and 立项 letters, in-app notifications and the mail outbox.
//!
//! Blindness: an expert sees only their own assignments, in the phase's visibility (blind
//! phases redact the applicant), never another expert's scores; applicants never see expert
//! identities; aggregates are the programme's only.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{ApplicationForm, Status, Transition};
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::provinces::province_by_code;
use chanjiao_domain::review::assign::{self, Conflict, Violation};
use chanjiao_domain::review::lists::{
    DECISIONS, EXPERTISE, PHASE_KINDS, PLEDGE_TEXT, ROUND_KINDS, direction_name, expertise_list,
    label,
};
use chanjiao_domain::review::results::{
    Distribution, DistributionRow, ExpertResult, ResultRow, Results,
};
use chanjiao_domain::review::rubric::Rubric;
use chanjiao_docs::xlsx::experts::Vetted;
use chanjiao_domain::validate::{mask_email, mask_phone};
use chanjiao_store::applications as apps;
use chanjiao_store::calls::CallRow;
use chanjiao_store::review::{
    self as rv, AssignmentRow, ExpertRow, NewAssignment, PhaseInput, PhaseRow, RoundApp,
    RoundInput, RoundRow,
};
use chanjiao_store::notifications as notes;
use chanjiao_store::{Paging, Tx, audit, calls};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id, Ids};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(review_meta))
        .routes(routes!(list_experts))
        .routes(routes!(get_expert, update_expert))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(import_experts)),
        ))
        .routes(routes!(expert_template))
        .routes(routes!(export_experts))
        .routes(routes!(get_avoid, put_avoid))
        .routes(routes!(list_rounds, create_round))
        .routes(routes!(get_round, update_round))
        .routes(routes!(activate_phase))
        .routes(routes!(close_round))
        .routes(routes!(propose))
        .routes(routes!(check_pairs))
        .routes(routes!(commit))
        .routes(routes!(round_assignments))
        .routes(routes!(confirm_replacement))
        .routes(routes!(my_assignments))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(pledge))
        .routes(routes!(assigned_application))
        .routes(routes!(assigned_application_pdf))
        .routes(routes!(get_review, save_review))
        .routes(routes!(submit_review))
        .routes(routes!(allow_correction))
        .routes(routes!(list_visits, add_visit))
        .routes(routes!(results))
        .routes(routes!(results_xlsx))
        .routes(routes!(decide))
        .routes(routes!(issue_letter))
        .routes(routes!(letter_pdf))
        .routes(routes!(notifications))
        .routes(routes!(read_notification))
        .routes(routes!(outbox))
}

// ---------------------------------------------------------------------------------------------
// Controlled lists

#[derive(Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

fn code_names(list: &[(&str, &str)]) -> Vec<CodeName> {
    list.iter()
        .map(|(c, n)| CodeName {
            code: (*c).into(),
            name: (*n).into(),
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ReviewMeta {
    pub fields: Vec<CodeName>,
    pub round_kinds: Vec<CodeName>,
    pub phase_kinds: Vec<CodeName>,
    pub decisions: Vec<CodeName>,
    #[schema(value_type = Object)]
    pub default_rubric: Rubric,
    pub pledge_text: String,
}

/// Controlled lists of the review module.
#[utoipa::path(get, path = "/api/meta/review", tag = "review", responses((status = 200, body = ReviewMeta)))]
async fn review_meta(_cu: CurrentUser) -> Json<ReviewMeta> {
    Json(ReviewMeta {
        fields: code_names(&EXPERTISE),
        round_kinds: code_names(&ROUND_KINDS),
        phase_kinds: code_names(&PHASE_KINDS),
        decisions: code_names(&DECISIONS),
        default_rubric: Rubric::default_initial(),
        pledge_text: PLEDGE_TEXT.into(),
    })
}

fn json_list<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn province_name(code: &str) -> String {
    province_by_code(code).map_or_else(|| code.to_owned(), |p| p.name.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Expert pool

#[derive(Serialize, ToSchema)]
pub struct Expert {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub province_name: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    pub conflict_org_ids: Vec<i64>,
    pub conflict_application_ids: Vec<i64>,
    pub active_load: i64,
    pub updated_at: DateTime<Utc>,
}

fn expert_view(r: ExpertRow, unmasked: bool) -> Expert {
    Expert {
        user_id: r.user_id,
        login: r.login,
        name: r.name,
        phone: r.phone.map(|p| if unmasked { p } else { mask_phone(&p) }),
        email: r.email.map(|e| if unmasked { e } else { mask_email(&e) }),
        title: r.title,
        affiliation_org_id: r.affiliation_org_id,
        affiliation_name: r.affiliation_name,
        province_name: province_name(&r.province_code),
        province_code: r.province_code,
        fields: json_list(&r.fields),
        keywords: json_list(&r.keywords),
        max_load: r.max_load,
        available: r.available,
        conflict_org_ids: json_list(&r.conflict_org_ids),
        conflict_application_ids: json_list(&r.conflict_application_ids),
        active_load: r.active_load,
        updated_at: r.updated_at,
    }
}

async fn pool_manager(state: &AppState, cu: &CurrentUser) -> ApiResult<()> {
    cu.authorize(
        state,
        Action::ReviewManage,
        &Target::ReviewPool,
        "expert_pool",
        "",
    )
    .await
}

#[derive(Deserialize, IntoParams)]
pub struct ExpertQuery {
    pub q: Option<String>,
    pub field: Option<String>,
    pub available: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The expert pool (专家库).
#[utoipa::path(get, path = "/api/experts", tag = "review", params(ExpertQuery),
    responses((status = 200, body = PageOf<Expert>), (status = 403, body = ErrorBody)))]
async fn list_experts(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(q): ApiQuery<ExpertQuery>,
) -> ApiResult<Json<PageOf<Expert>>> {
    pool_manager(&state, &cu).await?;
    let page = rv::list_experts(
        &state.db,
        q.q.as_deref().filter(|s| !s.trim().is_empty()),
        q.field.as_deref().filter(|s| !s.is_empty()),
        q.available,
        Paging::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|r| expert_view(r, true))
            .collect(),
        total: page.total,
    }))
}

async fn load_expert(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<ExpertRow> {
    // Decide on the target before looking: a stranger learns nothing about who is an expert.
    cu.authorize(state, action, &Target::Expert { user_id: id }, "expert", id)
        .await?;
    rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// An expert's profile (the programme staff; the expert themself).
#[utoipa::path(get, path = "/api/experts/{id}", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Expert), (status = 404, body = ErrorBody)))]
async fn get_expert(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Expert>> {
    let row = load_expert(&state, &cu, id, Action::ExpertRead).await?;
    Ok(Json(expert_view(row, true)))
}

#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExpertInput {
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub max_load: i32,
    pub available: bool,
    #[serde(default)]
    pub conflict_org_ids: Vec<i64>,
    #[serde(default)]
    pub conflict_application_ids: Vec<i64>,
}

/// Validates a profile; every problem is named.
pub fn validate_profile(p: &ExpertInput) -> Result<rv::Profile, ApiError> {
    let mut errs: Vec<FieldProblem> = Vec::new();
    let mut bad = |field: &str, code: &str, msg: &str| {
        errs.push(FieldProblem {
            field: field.into(),
            code: code.into(),
            message: msg.into(),
        })
    };
    let title = p.title.trim();
    if title.is_empty() || title.chars().count() > 50 {
        bad("title", "required", "请填写职称（不超过 50 字）");
    }
    let aff = p.affiliation_name.trim();
    if aff.is_empty() || aff.chars().count() > 100 {
        bad(
            "affiliation_name",
            "required",
            "请填写工作单位（不超过 100 字）",
        );
    }
    if province_by_code(&p.province_code).is_none() {
        bad("province_code", "invalid", "请选择所在省份");
    }
    if p.fields.is_empty() {
        bad("fields", "required", "请至少选择一个专业领域");
    }
    for (i, f) in p.fields.iter().enumerate() {
        if !EXPERTISE.iter().any(|(c, _)| c == f) {
            bad(&format!("fields[{i}]"), "invalid", "不在专业领域列表中");
        }
    }
    if p.keywords.len() > 20 {
        bad("keywords", "too_many", "关键词最多 20 个");
    }
    for (i, k) in p.keywords.iter().enumerate() {
        let n = k.trim().chars().count();
        if n == 0 || n > 30 {
            bad(&format!("keywords[{i}]"), "invalid", "关键词应为 1–30 字");
        }
    }
    if !(0..=200).contains(&p.max_load) {
        bad("max_load", "range", "最大评审量应在 0–200 之间");
    }
    if p.conflict_org_ids.len() > 50 || p.conflict_application_ids.len() > 50 {
        bad("conflict_org_ids", "too_many", "回避单位或申报最多 50 个");
    }
    if !errs.is_empty() {
        return Err(ApiError::validation(errs));
    }
    let mut fields = p.fields.clone();
    fields.dedup();
    let keywords: Vec<String> = p.keywords.iter().map(|k| k.trim().to_owned()).collect();
    Ok(rv::Profile {
        title: title.into(),
        affiliation_org_id: p.affiliation_org_id,
        affiliation_name: aff.into(),
        province_code: p.province_code.clone(),
        fields: to_json(&fields),
        keywords: to_json(&keywords),
        max_load: p.max_load,
        available: p.available,
        conflict_org_ids: to_json(&p.conflict_org_ids),
        conflict_application_ids: to_json(&p.conflict_application_ids),
    })
}

/// Changes a profile. The expert themself may change only availability, keywords and declared
/// conflicts; the rest is the office's.
#[utoipa::path(put, path = "/api/experts/{id}", tag = "review", params(("id" = i64, Path)), request_body = ExpertInput,
    responses((status = 200, body = Expert), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_expert(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(mut input): ApiJson<ExpertInput>,
) -> ApiResult<Json<Expert>> {
    cu.authorize(
        &state,
        Action::ExpertUpdate,
        &Target::Expert { user_id: id },
        "expert",
        id,
    )
    .await?;
    let manager = cu.may(Action::ReviewManage, &Target::ReviewPool);
    let current = match rv::get_expert(&state.db, id).await? {
        Some(c) => c,
        None => {
            // A first profile for an account holding the expert role (the office's to write).
            let is_expert = chanjiao_store::users::grants_of(&state.db, id)
                .await?
                .iter()
                .any(|g| g.role == "expert");
            if !is_expert {
                return Err(ApiError::not_found());
            }
            if !manager {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "专家档案由项目办公室建立",
                ));
            }
            return create_profile(&state, &cu, id, &input).await;
        }
    };
    if !manager {
        // Self-service: keep what only the office may set.
        let locked = input.title.trim() != current.title
            || input.affiliation_org_id != current.affiliation_org_id
            || input.affiliation_name.trim() != current.affiliation_name
            || input.province_code != current.province_code
            || input.fields != json_list::<String>(&current.fields)
            || input.max_load != current.max_load;
        if locked {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "职称、单位、省份、专业领域和最大评审量由项目办公室维护",
            ));
        }
        input.title = current.title.clone();
    }
    let profile = validate_profile(&input)?;
    let mut tx = state.db.begin().await?;
    rv::upsert_profile(&mut tx, id, &profile).await?;
    let mut e = cu.event("expert.update", "expert", id);
    e.detail = serde_json::json!({ "self_service": !manager, "available": profile.available });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let row = rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(expert_view(row, true)))
}

async fn create_profile(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    input: &ExpertInput,
) -> ApiResult<Json<Expert>> {
    let profile = validate_profile(input)?;
    let mut tx = state.db.begin().await?;
    rv::upsert_profile(&mut tx, id, &profile).await?;
    let mut e = cu.event("expert.create", "expert", id);
    e.detail = serde_json::json!({ "available": profile.available });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let row = rv::get_expert(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(expert_view(row, true)))
}

fn xlsx_response(bytes: Vec<u8>, filename: &str) -> ApiResult<Response> {
    Ok(crate::http::download::file_response(
        bytes,
        chanjiao_docs::xlsx::XLSX_MIME,
        filename,
    ))
}

/// The upload check every file goes through, as the expert import needs its answer.
fn vet_upload(bytes: &[u8]) -> Vetted {
    match crate::files::sniff(bytes) {
        Ok(crate::files::FileType::Xlsx) => Vetted::Xlsx,
        Err(e)
            if e.fields
                .first()
                .is_some_and(|f| f.code == "archive_too_large") =>
        {
            Vetted::Refused {
                code: "archive_too_large",
                message: e.fields[0].message.clone(),
            }
        }
        _ => Vetted::NotXlsx,
    }
}

/// The import template (Excel).
#[utoipa::path(get, path = "/api/experts/template.xlsx", tag = "review",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn expert_template(State(state): State<AppState>, cu: CurrentUser) -> ApiResult<Response> {
    pool_manager(&state, &cu).await?;
    xlsx_response(
        chanjiao_docs::xlsx::experts::template(&expertise_list()),
        "专家导入模板.xlsx",
    )
}

/// The pool as Excel (re-importable).
#[utoipa::path(get, path = "/api/experts/export.xlsx", tag = "review",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn export_experts(State(state): State<AppState>, cu: CurrentUser) -> ApiResult<Response> {
    pool_manager(&state, &cu).await?;
    let experts = rv::all_experts(&state.db).await?;
    let mut usccs: HashMap<i64, String> = HashMap::new();
    for e in &experts {
        let ids = e
            .affiliation_org_id
            .into_iter()
            .chain(json_list::<i64>(&e.conflict_org_ids));
        for id in ids {
            if let std::collections::hash_map::Entry::Vacant(v) = usccs.entry(id)
                && let Some(o) = chanjiao_store::organizations::get(&state.db, id).await?
            {
                v.insert(o.uscc);
            }
        }
    }
    let rows: Vec<chanjiao_docs::xlsx::experts::ExpertExportRow> = experts
        .into_iter()
        .map(|e| chanjiao_docs::xlsx::experts::ExpertExportRow {
            login: e.login,
            name: e.name,
            phone: e.phone,
            email: e.email,
            title: e.title,
            affiliation_name: e.affiliation_name,
            affiliation_uscc: e.affiliation_org_id.and_then(|o| usccs.get(&o).cloned()),
            province_code: e.province_code,
            fields: json_list(&e.fields),
            keywords: json_list(&e.keywords),
            max_load: e.max_load,
            available: e.available,
            conflict_usccs: json_list::<i64>(&e.conflict_org_ids)
                .into_iter()
                .filter_map(|o| usccs.get(&o).cloned())
                .collect(),
            active_load: e.active_load,
        })
        .collect();
    let mut ev = cu.event("expert.export", "expert_pool", "");
    ev.detail = serde_json::json!({ "rows": rows.len() });
    audit::record(&state.db, ev).await?;
    xlsx_response(chanjiao_docs::xlsx::experts::export(&rows), "专家库.xlsx")
}

#[derive(Serialize, ToSchema)]
pub struct InitialPassword {
    pub login: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    /// One-time passwords of the accounts created; shown once, never stored in clear.
    pub initial_passwords: Vec<InitialPassword>,
}

/// A random initial password meeting the policy (letters, digits, a symbol).
fn initial_password() -> String {
    let token = crate::http::auth::random_token();
    format!("Cj#{}{}", &token[..10], &token[10..14].to_uppercase())
}

/// The registered organisation with this USCC, or the row problem saying it is not registered.
async fn org_by_uscc(
    state: &AppState,
    uscc: &str,
    row: usize,
    column: &str,
) -> ApiResult<Result<i64, FieldProblem>> {
    let found = chanjiao_store::organizations::find_by_uscc(&state.db, uscc).await?;
    Ok(found.map(|o| o.id).ok_or(FieldProblem {
        field: format!("row {row}: {column}"),
        code: "unknown_org".into(),
        message: format!("统一社会信用代码 {uscc} 的单位尚未在平台注册"),
    }))
}

/// Imports experts from Excel: every row is checked first; one bad row imports nothing.
#[utoipa::path(post, path = "/api/experts/import", tag = "review",
    responses((status = 200, body = ImportResult), (status = 422, body = ErrorBody)))]
async fn import_experts(
    State(state): State<AppState>,
    cu: CurrentUser,
    req: axum::extract::Request,
) -> ApiResult<Json<ImportResult>> {
    pool_manager(&state, &cu).await?;
    let mut multipart = Multipart::from_request(req, &state).await.map_err(|_| {
        ApiError::field(
            "file",
            FieldError::new("invalid_upload", "请以 multipart/form-data 上传 Excel 文件"),
        )
    })?;
    let mut bytes = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| ApiError::bad_request("invalid_upload", "上传内容无法读取"))?
    {
        if field.name() == Some("file") {
            bytes = Some(
                field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::bad_request("invalid_upload", "上传内容无法读取"))?,
            );
        }
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::field(
            "file",
            FieldError::new("required", "请选择要导入的 Excel 文件"),
        )
    })?;
    let rows = chanjiao_docs::xlsx::experts::parse_upload(&bytes, &expertise_list(), vet_upload).map_err(|problems| {
        ApiError::validation(
            problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: if p.row == 0 {
                        "file".into()
                    } else {
                        format!("row {}: {}", p.row, p.column)
                    },
                    code: "invalid_row".into(),
                    message: p.message,
                })
                .collect(),
        )
    })?;
    // Second pass: what needs the database (organisations by USCC, existing accounts).
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for r in &rows {
        let existing = chanjiao_store::users::find_by_login(&state.db, &r.login).await?;
        if let Some(u) = &existing {
            let grants = chanjiao_store::users::grants_of(&state.db, u.id).await?;
            if !grants.iter().any(|g| g.role == "expert") {
                problems.push(FieldProblem {
                    field: format!("row {}: 账号", r.row),
                    code: "login_taken".into(),
                    message: format!("账号“{}”已被非专家用户使用，请换一个账号", r.login),
                });
                continue;
            }
        }
        let affiliation = match &r.affiliation_uscc {
            Some(u) => match org_by_uscc(&state, u, r.row, "统一社会信用代码").await? {
                Ok(id) => Some(id),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
            None => None,
        };
        let mut conflicts = Vec::new();
        for u in &r.conflict_usccs {
            match org_by_uscc(&state, u, r.row, "回避单位统一社会信用代码").await? {
                Ok(id) => conflicts.push(id),
                Err(p) => problems.push(p),
            }
        }
        resolved.push((r, existing, affiliation, conflicts));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let mut created = 0;
    let mut updated = 0;
    let mut passwords = Vec::new();
    let mut tx = state.db.begin().await?;
    for (r, existing, affiliation, conflicts) in resolved {
        let user_id = match existing {
            Some(u) => {
                updated += 1;
                u.id
            }
            None => {
                let password = initial_password();
                let hash = crate::http::auth::hash_password_blocking(password.clone()).await?;
                let user = chanjiao_store::users::insert(
                    &mut tx,
                    &chanjiao_store::users::NewUser {
                        login: r.login.clone(),
                        name: r.name.clone(),
                        password_hash: hash,
                        org_id: None,
                        phone: r.phone.clone(),
                        email: r.email.clone(),
                    },
                )
                .await?;
                let grant = chanjiao_domain::users::role::validate_scope(
                    chanjiao_domain::users::role::Role::Expert,
                    None,
                    None,
                )
                .map_err(|_| ApiError::internal())?;
                chanjiao_store::users::insert_grant(&mut tx, user.id, &grant, Some(cu.user.id))
                    .await?;
                passwords.push(InitialPassword {
                    login: r.login.clone(),
                    password,
                });
                created += 1;
                user.id
            }
        };
        let profile = rv::Profile {
            title: r.title.clone(),
            affiliation_org_id: affiliation,
            affiliation_name: r.affiliation_name.clone(),
            province_code: r.province_code.clone(),
            fields: to_json(&r.fields),
            keywords: to_json(&r.keywords),
            max_load: r.max_load,
            available: r.available,
            conflict_org_ids: to_json(&conflicts),
            conflict_application_ids: "[]".into(),
        };
        rv::upsert_profile(&mut tx, user_id, &profile).await?;
    }
    let mut e = cu.event("expert.import", "expert_pool", "");
    e.detail = serde_json::json!({ "created": created, "updated": updated });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(ImportResult {
        created,
        updated,
        initial_passwords: passwords,
    }))
}

// ---------------------------------------------------------------------------------------------
// 申请回避

#[derive(Serialize, ToSchema)]
pub struct AvoidRequest {
    pub id: i64,
    pub name: String,
    pub affiliation: String,
    pub reason: String,
    /// The matched pool expert: shown to the programme only.
    pub expert_user_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvoidItem {
    pub name: String,
    pub affiliation: String,
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvoidInput {
    pub items: Vec<AvoidItem>,
}

async fn avoid_view(state: &AppState, id: i64, programme: bool) -> ApiResult<Vec<AvoidRequest>> {
    Ok(rv::avoid_requests(&state.db, id)
        .await?
        .into_iter()
        .map(|r| AvoidRequest {
            id: r.id,
            name: r.name,
            affiliation: r.affiliation,
            reason: r.reason,
            expert_user_id: r.expert_user_id.filter(|_| programme),
        })
        .collect())
}

/// Who may see an application's 申请回避: its lead (edit right) or the programme (intake).
/// Loads the application behind a 申请回避 request: readable by its lead (edit right) and the
/// programme (intake); `edit` requires the lead's right. Returns whether the caller is the
/// programme (who sees the matched experts).
async fn avoid_access(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    edit: bool,
) -> ApiResult<(apps::AppRow, bool)> {
    let (row, target) = crate::access::application(state, id).await?;
    let lead = cu.may(Action::ApplicationEdit, &target);
    let programme = cu.may(Action::ApplicationIntake, &target);
    if !lead && (edit || !programme) {
        // The policy's own answer and audit entry: 404 for strangers, 403 otherwise.
        cu.authorize(state, Action::ApplicationEdit, &target, "application", id)
            .await?;
    }
    Ok((row, programme))
}

/// The experts an applicant asked not to review it (申请回避).
#[utoipa::path(get, path = "/api/applications/{id}/avoid-requests", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AvoidRequest>), (status = 404, body = ErrorBody)))]
async fn get_avoid(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<AvoidRequest>>> {
    let (_, programme) = avoid_access(&state, &cu, id, false).await?;
    Ok(Json(avoid_view(&state, id, programme).await?))
}

/// Replaces the 申请回避 list (at most 3, each with a reason), until review starts.
#[utoipa::path(put, path = "/api/applications/{id}/avoid-requests", tag = "review", params(("id" = i64, Path)), request_body = AvoidInput,
    responses((status = 200, body = Vec<AvoidRequest>), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_avoid(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<AvoidInput>,
) -> ApiResult<Json<Vec<AvoidRequest>>> {
    let (row, programme) = avoid_access(&state, &cu, id, true).await?;
    let status = row.status();
    if !matches!(
        status,
        Status::Draft
            | Status::Submitted
            | Status::Returned
            | Status::AcceptedForReview
            | Status::Withdrawn
    ) {
        return Err(ApiError::conflict(
            "review_started",
            "评审已开始，不能再修改申请回避专家",
        ));
    }
    let mut errs = Vec::new();
    if input.items.len() > 3 {
        errs.push(FieldProblem {
            field: "items".into(),
            code: "too_many".into(),
            message: "申请回避的专家最多 3 名".into(),
        });
    }
    let mut items = Vec::new();
    for (i, it) in input.items.iter().enumerate() {
        let name = chanjiao_domain::validate::normalize_text(&it.name);
        let aff = chanjiao_domain::validate::normalize_text(&it.affiliation);
        let reason = it.reason.trim().to_owned();
        for (field, v, max, what) in [
            ("name", &name, 30, "专家姓名"),
            ("affiliation", &aff, 100, "工作单位"),
            ("reason", &reason, 500, "回避理由"),
        ] {
            let n = v.chars().count();
            if n == 0 || n > max {
                errs.push(FieldProblem {
                    field: format!("items[{i}].{field}"),
                    code: "required".into(),
                    message: format!("请填写{what}（不超过 {max} 字）"),
                });
            }
        }
        items.push((name, aff, reason));
    }
    if !errs.is_empty() {
        return Err(ApiError::validation(errs));
    }
    let mut tx = state.db.begin().await?;
    rv::replace_avoid_requests(&mut tx, id, &items, cu.user.id).await?;
    let mut e = cu.event("application.avoid_requests", "application", id);
    e.detail = serde_json::json!({ "count": items.len() });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(avoid_view(&state, id, programme).await?))
}

// ---------------------------------------------------------------------------------------------
// Rounds and phases

#[derive(Serialize, ToSchema)]
pub struct Phase {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub blind: bool,
    pub scores_editable: bool,
    pub decider: String,
    pub status: String,
}

impl From<PhaseRow> for Phase {
    fn from(p: PhaseRow) -> Self {
        Phase {
            id: p.id,
            kind: p.kind,
            name: p.name,
            blind: p.blind,
            scores_editable: p.scores_editable,
            decider: p.decider,
            status: p.status,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Round {
    pub id: i64,
    pub call_id: i64,
    pub call_title: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub per_application: i32,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    pub disagreement_threshold: f64,
    pub status: String,
    pub phases: Vec<Phase>,
    pub current_phase_id: Option<i64>,
    pub assignment_mode: Option<String>,
    pub assignment_seed: Option<String>,
    /// Applications in the round (to assign, or assigned).
    pub application_count: usize,
    /// Assignments not declined.
    pub assigned: usize,
    pub submitted_reviews: usize,
    pub created_at: DateTime<Utc>,
}

pub fn rubric_of(r: &RoundRow) -> Rubric {
    serde_json::from_str(&r.rubric).unwrap_or_else(|_| Rubric::default_initial())
}

/// Statuses of the applications a round of this kind reviews, before assignment.
fn eligible_statuses(kind: &str) -> &'static [&'static str] {
    match kind {
        "initial" => &["accepted_for_review"],
        _ => &["under_construction", "mid_term_passed", "rectify"],
    }
}

async fn round_apps(state: &AppState, r: &RoundRow) -> ApiResult<Vec<RoundApp>> {
    Ok(if r.status == "setup" {
        rv::call_applications(&state.db, r.call_id, eligible_statuses(&r.kind)).await?
    } else {
        rv::round_applications(&state.db, r.id).await?
    })
}

async fn round_view(state: &AppState, r: RoundRow, call: &CallRow) -> ApiResult<Round> {
    let phases = rv::phases(&state.db, r.id).await?;
    let assignments = rv::assignments(&state.db, r.id).await?;
    let application_count = round_apps(state, &r).await?.len();
    Ok(Round {
        id: r.id,
        call_id: r.call_id,
        call_title: call.title.clone(),
        kind_label: label(&ROUND_KINDS, &r.kind),
        kind: r.kind.clone(),
        title: r.title.clone(),
        per_application: r.per_application,
        rubric: rubric_of(&r),
        disagreement_threshold: r.disagreement_threshold,
        status: r.status.clone(),
        phases: phases.into_iter().map(Phase::from).collect(),
        current_phase_id: r.current_phase_id,
        assignment_mode: r.assignment_mode.clone(),
        assignment_seed: r.assignment_seed.clone(),
        application_count,
        assigned: assignments
            .iter()
            .filter(|a| a.status == "invited" || a.status == "accepted")
            .count(),
        submitted_reviews: assignments
            .iter()
            .filter(|a| a.review_status == "submitted")
            .count(),
        created_at: r.created_at,
    })
}

/// The round as stored now (after a change), as the API shows it.
async fn fresh_round(state: &AppState, id: i64, call: &CallRow) -> ApiResult<Json<Round>> {
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(round_view(state, r, call).await?))
}

/// Loads a round and checks the caller's right to it.
async fn round_for(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<(RoundRow, CallRow)> {
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let call = calls::get(&state.db, r.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let expert_assigned = cu.actor.has(chanjiao_domain::users::role::Role::Expert)
        && rv::expert_in_round(&state.db, id, cu.user.id).await?;
    let target = Target::Round {
        field: call.field.clone(),
        expert_assigned,
    };
    cu.authorize(state, action, &target, "review_round", id)
        .await?;
    Ok((r, call))
}

#[derive(Deserialize, IntoParams)]
pub struct RoundQuery {
    pub call_id: Option<i64>,
}

/// Review rounds (评审批次) the caller runs.
#[utoipa::path(get, path = "/api/rounds", tag = "review", params(RoundQuery),
    responses((status = 200, body = Vec<Round>), (status = 403, body = ErrorBody)))]
async fn list_rounds(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(q): ApiQuery<RoundQuery>,
) -> ApiResult<Json<Vec<Round>>> {
    pool_manager(&state, &cu).await?;
    let mut out = Vec::new();
    for r in rv::list_rounds(&state.db, q.call_id).await? {
        let Some(call) = calls::get(&state.db, r.call_id).await? else {
            continue;
        };
        if cu.actor.runs_field(&call.field) {
            out.push(round_view(&state, r, &call).await?);
        }
    }
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    pub kind: String,
    pub name: String,
    pub blind: bool,
    pub scores_editable: bool,
    pub decider: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundCreate {
    pub call_id: i64,
    pub kind: String,
    pub title: String,
    pub per_application: i32,
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    pub phases: Option<Vec<PhaseSpec>>,
    pub disagreement_threshold: Option<f64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundUpdate {
    pub kind: String,
    pub title: String,
    pub per_application: i32,
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    pub phases: Option<Vec<PhaseSpec>>,
    pub disagreement_threshold: Option<f64>,
}

fn default_phases() -> Vec<PhaseInput> {
    vec![
        PhaseInput {
            kind: "online".into(),
            name: "网评".into(),
            blind: true,
            scores_editable: true,
            decider: "office".into(),
        },
        PhaseInput {
            kind: "meeting".into(),
            name: "会评".into(),
            blind: false,
            scores_editable: true,
            decider: "experts".into(),
        },
    ]
}

fn validate_round(
    kind: &str,
    title: &str,
    k: i32,
    rubric: Option<Rubric>,
    phases: Option<Vec<PhaseSpec>>,
    threshold: Option<f64>,
) -> ApiResult<(RoundInput, Vec<PhaseInput>)> {
    let mut errs = Vec::new();
    let mut bad = |field: String, msg: &str| {
        errs.push(FieldProblem {
            field,
            code: "invalid".into(),
            message: msg.into(),
        })
    };
    if !ROUND_KINDS.iter().any(|(c, _)| *c == kind) {
        bad("kind".into(), "请选择评审类型");
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        bad("title".into(), "请填写评审批次名称（不超过 100 字）");
    }
    if !(1..=15).contains(&k) {
        bad("per_application".into(), "每项申报的专家人数应为 1–15");
    }
    let threshold = threshold.unwrap_or(20.0);
    if !(threshold.is_finite() && (0.0..=100.0).contains(&threshold)) {
        bad("disagreement_threshold".into(), "分歧阈值应在 0–100 之间");
    }
    let rubric = rubric.unwrap_or_else(Rubric::default_initial);
    let rubric_problems = rubric.validate().err().unwrap_or_default();
    let phases = match phases {
        None => default_phases(),
        Some(list) => {
            if list.is_empty() || list.len() > 6 {
                bad("phases".into(), "评审阶段应为 1–6 个");
            }
            let mut out = Vec::new();
            for (i, p) in list.into_iter().enumerate() {
                if !PHASE_KINDS.iter().any(|(c, _)| *c == p.kind) {
                    bad(format!("phases[{i}].kind"), "请选择阶段类型");
                }
                let n = p.name.trim().chars().count();
                if n == 0 || n > 30 {
                    bad(
                        format!("phases[{i}].name"),
                        "请填写阶段名称（不超过 30 字）",
                    );
                }
                if p.decider != "office" && p.decider != "experts" {
                    bad(format!("phases[{i}].decider"), "请选择决定方");
                }
                out.push(PhaseInput {
                    kind: p.kind,
                    name: p.name.trim().to_owned(),
                    blind: p.blind,
                    scores_editable: p.scores_editable,
                    decider: p.decider,
                });
            }
            out
        }
    };
    for (field, e) in rubric_problems {
        errs.push(FieldProblem::from_error(&field, e));
    }
    if !errs.is_empty() {
        return Err(ApiError::validation(errs));
    }
    Ok((
        RoundInput {
            kind: kind.to_owned(),
            title: title.to_owned(),
            per_application: k,
            rubric: serde_json::to_string(&rubric).map_err(|_| ApiError::internal())?,
            disagreement_threshold: threshold,
        },
        phases,
    ))
}

/// Opens a review round for a call.
#[utoipa::path(post, path = "/api/rounds", tag = "review", request_body = RoundCreate,
    responses((status = 201, body = Round), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<RoundCreate>,
) -> ApiResult<(StatusCode, Json<Round>)> {
    pool_manager(&state, &cu).await?;
    let call = calls::get(&state.db, input.call_id).await?;
    let Some(call) = call else {
        return Err(ApiError::field(
            "call_id",
            FieldError::new("invalid", "批次不存在"),
        ));
    };
    cu.authorize(
        &state,
        Action::ReviewManage,
        &Target::Round {
            field: call.field.clone(),
            expert_assigned: false,
        },
        "review_round",
        "",
    )
    .await?;
    let (round, phases) = validate_round(
        &input.kind,
        &input.title,
        input.per_application,
        input.rubric,
        input.phases,
        input.disagreement_threshold,
    )?;
    let mut tx = state.db.begin().await?;
    let id = rv::insert_round(&mut tx, call.id, &round, &phases, cu.user.id).await?;
    let mut e = cu.event("review.round_create", "review_round", id);
    e.detail =
        serde_json::json!({ "call_id": call.id, "kind": round.kind, "k": round.per_application });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(round_view(&state, r, &call).await?),
    ))
}

/// A round (its staff; an expert assigned in it).
#[utoipa::path(get, path = "/api/rounds/{id}", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Round), (status = 404, body = ErrorBody)))]
async fn get_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::RoundRead).await?;
    Ok(Json(round_view(&state, r, &call).await?))
}

/// Edits a round while it is being set up.
#[utoipa::path(put, path = "/api/rounds/{id}", tag = "review", params(("id" = i64, Path)), request_body = RoundUpdate,
    responses((status = 200, body = Round), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<RoundUpdate>,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.status != "setup" {
        return Err(ApiError::conflict(
            "round_started",
            "评审已开始，不能修改评审批次设置",
        ));
    }
    let phases_given = input.phases.is_some();
    let (round, phases) = validate_round(
        &input.kind,
        &input.title,
        input.per_application,
        input.rubric,
        input.phases,
        input.disagreement_threshold,
    )?;
    let mut tx = state.db.begin().await?;
    rv::update_round(&mut tx, id, &round).await?;
    if phases_given {
        rv::replace_phases(&mut tx, id, &phases).await?;
    }
    audit::append(&mut tx, cu.event("review.round_update", "review_round", id)).await?;
    tx.commit().await?;
    fresh_round(&state, id, &call).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseChoice {
    pub phase_id: i64,
}

/// Activates a phase (the previous one closes).
#[utoipa::path(post, path = "/api/rounds/{id}/phase", tag = "review", params(("id" = i64, Path)), request_body = PhaseChoice,
    responses((status = 200, body = Round), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn activate_phase(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PhaseChoice>,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.status != "reviewing" {
        return Err(ApiError::conflict(
            "not_reviewing",
            "只有评审进行中的批次可以切换阶段",
        ));
    }
    let phases = rv::phases(&state.db, id).await?;
    if !phases
        .iter()
        .any(|p| p.id == input.phase_id && p.status == "pending")
    {
        return Err(ApiError::field(
            "phase_id",
            FieldError::new("invalid", "请选择本批次中尚未开始的阶段"),
        ));
    }
    let mut tx = state.db.begin().await?;
    rv::activate_phase(&mut tx, id, input.phase_id).await?;
    let mut e = cu.event("review.phase", "review_round", id);
    e.detail = serde_json::json!({ "phase_id": input.phase_id, "from": r.current_phase_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    fresh_round(&state, id, &call).await
}

/// Closes a round: reviewing ends, its applications move to `reviewed`.
#[utoipa::path(post, path = "/api/rounds/{id}/close", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Round), (status = 409, body = ErrorBody)))]
async fn close_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let apps_in = rv::round_applications(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    if !rv::set_round_status(&mut tx, id, "reviewing", "closed", None, None).await? {
        return Err(ApiError::conflict(
            "not_reviewing",
            "只有评审进行中的批次可以结束",
        ));
    }
    if r.kind == "initial" {
        for a in &apps_in {
            move_application(&mut tx, a.id, Transition::FinishReview).await?;
        }
    }
    let mut e = cu.event("review.round_close", "review_round", id);
    e.detail = serde_json::json!({ "applications": apps_in.len() });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    fresh_round(&state, id, &call).await
}

/// Moves an application along the state machine inside `tx` (no-op when it is already past).
async fn move_application(tx: &mut Tx, id: i64, t: Transition) -> ApiResult<()> {
    let row = apps::get_tx(tx, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let from = row.status();
    if let Some(to) = chanjiao_domain::applications::next(from, t) {
        apps::set_status(tx, id, &[from.as_str()], to.as_str()).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Assignment

/// The assignment problem of a round, with the maps back to ids.
struct Problem {
    inst: assign::Instance,
    apps: Vec<RoundApp>,
    experts: Vec<ExpertRow>,
    app_index: HashMap<i64, usize>,
    expert_index: HashMap<i64, usize>,
}

async fn build_problem(
    state: &AppState,
    r: &RoundRow,
    exclude_round_load: bool,
) -> ApiResult<Problem> {
    let apps_in = round_apps(state, r).await?;
    let all = rv::all_experts(&state.db).await?;
    let experts: Vec<ExpertRow> = all
        .into_iter()
        .filter(|e| e.available && !e.disabled)
        .collect();
    let partners = rv::call_partner_orgs(&state.db, r.call_id).await?;
    let avoid = rv::avoid_pairs(&state.db).await?;
    // This round's own committed load is not "other work" when re-checking this round.
    let own_load: HashMap<i64, i64> = if exclude_round_load {
        let mut m = HashMap::new();
        for a in rv::assignments(&state.db, r.id).await? {
            if a.status != "declined" {
                *m.entry(a.expert_user_id).or_insert(0) += 1;
            }
        }
        m
    } else {
        HashMap::new()
    };
    let mut orgs: HashMap<i64, u32> = HashMap::new();
    let mut org = |id: i64| {
        let n = orgs.len() as u32;
        *orgs.entry(id).or_insert(n)
    };
    let fields: HashMap<&str, u16> = EXPERTISE
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i as u16))
        .collect();
    let mut regions: HashMap<String, u16> = HashMap::new();
    let mut region = |code: &str| {
        let n = regions.len() as u16;
        *regions.entry(code.to_owned()).or_insert(n)
    };
    // Keywords: every expert keyword is a vocabulary word; an application "has" the words its
    // form text contains.
    let mut vocab: HashMap<String, u16> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    for e in &experts {
        for k in json_list::<String>(&e.keywords) {
            if !vocab.contains_key(&k) {
                vocab.insert(k.clone(), words.len() as u16);
                words.push(k);
            }
        }
    }
    // One pass over each form finds every vocabulary word in it (the forms are ~30 KB each).
    let finder = aho_corasick::AhoCorasick::new(&words).map_err(|e| {
        tracing::error!(error = %e, "keyword automaton");
        ApiError::internal()
    })?;
    let mut partners_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (app, o) in &partners {
        partners_of.entry(*app).or_default().push(*o);
    }
    let mut avoided_by: HashMap<i64, Vec<i64>> = HashMap::new();
    for (app, e) in &avoid {
        avoided_by.entry(*app).or_default().push(*e);
    }
    let app_index: HashMap<i64, usize> =
        apps_in.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let expert_index: HashMap<i64, usize> = experts
        .iter()
        .enumerate()
        .map(|(i, e)| (e.user_id, i))
        .collect();
    let mut inst_apps = Vec::with_capacity(apps_in.len());
    for a in &apps_in {
        let mut keywords: Vec<u16> = finder
            .find_overlapping_iter(a.form.as_str())
            .map(|m| m.pattern().as_usize() as u16)
            .collect();
        keywords.sort_unstable();
        keywords.dedup();
        inst_apps.push(assign::Application {
            k: r.per_application as u32,
            lead: org(a.lead_org_id),
            partners: partners_of
                .get(&a.id)
                .into_iter()
                .flatten()
                .map(|o| org(*o))
                .collect(),
            fields: a
                .direction
                .as_deref()
                .and_then(|d| fields.get(d).copied())
                .into_iter()
                .collect(),
            keywords,
            region: region(&a.province_code),
            avoid_experts: avoided_by
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter_map(|e| expert_index.get(e).map(|i| *i as u32))
                .collect(),
        });
    }
    let mut inst_experts = Vec::with_capacity(experts.len());
    for e in &experts {
        let other_work = e.active_load - own_load.get(&e.user_id).copied().unwrap_or(0);
        inst_experts.push(assign::Expert {
            // An expert without a registered affiliation conflicts with nobody by affiliation.
            org: match e.affiliation_org_id {
                Some(o) => org(o),
                None => org(-e.user_id),
            },
            fields: json_list::<String>(&e.fields)
                .iter()
                .filter_map(|f| fields.get(f.as_str()).copied())
                .collect(),
            keywords: json_list::<String>(&e.keywords)
                .iter()
                .filter_map(|k| vocab.get(k).copied())
                .collect(),
            region: region(&e.province_code),
            max_load: (i64::from(e.max_load) - other_work).max(0) as u32,
            conflict_orgs: json_list::<i64>(&e.conflict_org_ids)
                .into_iter()
                .map(&mut org)
                .collect(),
            conflict_applications: json_list::<i64>(&e.conflict_application_ids)
                .into_iter()
                .filter_map(|id| app_index.get(&id).map(|i| *i as u32))
                .collect(),
        });
    }
    Ok(Problem {
        inst: assign::Instance {
            applications: inst_apps,
            experts: inst_experts,
            weights: assign::Weights::default(),
        },
        apps: apps_in,
        experts,
        app_index,
        expert_index,
    })
}

#[derive(Serialize, ToSchema)]
pub struct ProposedExpert {
    pub user_id: i64,
    pub name: String,
    pub fit: i64,
    pub province_code: String,
    pub affiliation_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalRow {
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    pub experts: Vec<ProposedExpert>,
}

#[derive(Serialize, ToSchema)]
pub struct Load {
    pub user_id: i64,
    pub name: String,
    pub load: u32,
    pub max_load: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Short {
    pub application_id: i64,
    pub missing: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Infeasible {
    pub cause: String,
    pub message: String,
    pub short: Vec<Short>,
}

#[derive(Serialize, ToSchema)]
pub struct Proposal {
    pub mode: String,
    pub seed: Option<String>,
    pub objective: i64,
    pub rows: Vec<ProposalRow>,
    pub loads: Vec<Load>,
    pub infeasible: Option<Infeasible>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    pub mode: String,
    pub seed: Option<String>,
    pub tolerance: Option<f64>,
    pub pair_cap: Option<f64>,
}

fn proposal_of(p: &Problem, panels: &[Vec<u32>], mode: &str, seed: Option<String>) -> Proposal {
    let rows = p
        .apps
        .iter()
        .enumerate()
        .map(|(a, app)| ProposalRow {
            application_id: app.id,
            number: app.number.clone(),
            lead_name: app.lead_name.clone(),
            province_code: app.province_code.clone(),
            fields: app.direction.clone().into_iter().collect(),
            experts: panels
                .get(a)
                .map(|panel| {
                    panel
                        .iter()
                        .map(|&e| {
                            let ex = &p.experts[e as usize];
                            ProposedExpert {
                                user_id: ex.user_id,
                                name: ex.name.clone(),
                                fit: assign::fit(&p.inst, a, e as usize),
                                province_code: ex.province_code.clone(),
                                affiliation_name: ex.affiliation_name.clone(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let asg = assign::Assignment {
        panels: panels.to_vec(),
    };
    Proposal {
        mode: mode.into(),
        seed,
        objective: assign::objective(&p.inst, &asg),
        rows,
        loads: loads_of(p, &asg),
        infeasible: None,
    }
}

fn loads_of(p: &Problem, asg: &assign::Assignment) -> Vec<Load> {
    asg.loads(p.experts.len())
        .into_iter()
        .enumerate()
        .map(|(e, load)| Load {
            user_id: p.experts[e].user_id,
            name: p.experts[e].name.clone(),
            load,
            max_load: p.inst.experts[e].max_load,
        })
        .collect()
}

fn cause_message(p: &Problem, c: &assign::Cause) -> (String, String) {
    let app_label = |a: u32| {
        p.apps.get(a as usize).map_or_else(String::new, |x| {
            x.number.clone().unwrap_or_else(|| x.lead_name.clone())
        })
    };
    match c {
        assign::Cause::TooFewEligible {
            application,
            needs,
            eligible,
        } => (
            "too_few_eligible".into(),
            format!(
                "申报 {} 需要 {needs} 名专家，但符合回避规则且领域匹配的专家只有 {} 名",
                app_label(*application),
                eligible.len()
            ),
        ),
        assign::Cause::CapacityShort { demand, capacity } => (
            "capacity_short".into(),
            format!(
                "共需 {demand} 人次评审，专家库最多只能承担 {capacity} 人次：请增加专家或提高最大评审量"
            ),
        ),
        assign::Cause::Bottleneck {
            applications,
            needs,
            can_supply,
            experts,
        } => (
            "bottleneck".into(),
            format!(
                "{} 项申报共需 {needs} 人次，但可评审它们的 {} 名专家最多承担 {can_supply} 人次",
                applications.len(),
                experts.len()
            ),
        ),
    }
}

/// Assignment changes only while the round is being set up.
fn ensure_setup(r: &RoundRow) -> ApiResult<()> {
    if r.status == "setup" {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "round_started",
            "分配已确认，评审已开始",
        ))
    }
}

/// A dry run of the assigner: nothing is stored.
#[utoipa::path(post, path = "/api/rounds/{id}/assignment/propose", tag = "review", params(("id" = i64, Path)), request_body = ProposeInput,
    responses((status = 200, body = Proposal), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn propose(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ProposeInput>,
) -> ApiResult<Json<Proposal>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    ensure_setup(&r)?;
    let seed = match input.mode.as_str() {
        "optimal" => None,
        "random" => Some(match input.seed.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.parse::<u64>().map_err(|_| {
                ApiError::field("seed", FieldError::new("invalid", "随机种子应为非负整数"))
            })?,
            _ => rand::random::<u32>() as u64,
        }),
        _ => {
            return Err(ApiError::field(
                "mode",
                FieldError::new("invalid", "请选择最优分配或随机抽取"),
            ));
        }
    };
    let tolerance = input.tolerance.unwrap_or(0.02);
    if !(tolerance.is_finite() && (0.0..=0.5).contains(&tolerance)) {
        return Err(ApiError::field(
            "tolerance",
            FieldError::new("range", "容差应在 0–0.5 之间"),
        ));
    }
    if let Some(c) = input.pair_cap
        && !(c.is_finite() && c > 0.0 && c <= 1.0)
    {
        return Err(ApiError::field(
            "pair_cap",
            FieldError::new("range", "单对概率上限应在 0–1 之间"),
        ));
    }
    let p = build_problem(&state, &r, false).await?;
    let solved = tokio::task::spawn_blocking({
        let inst = p.inst.clone();
        let pair_cap = input.pair_cap;
        move || match seed {
            None => assign::solve(&inst).map(|s| s.assignment),
            Some(seed) => assign::solve_random(
                &inst,
                &assign::RandomOptions {
                    seed,
                    tolerance,
                    pair_cap,
                },
            )
            .map(|d| d.assignment),
        }
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let seed_text = seed.map(|s| s.to_string());
    let proposal = match solved {
        Ok(asg) => proposal_of(&p, &asg.panels, &input.mode, seed_text),
        Err(assign::AssignError::Infeasible { causes, partial }) => {
            let mut out = proposal_of(&p, &partial.assignment.panels, &input.mode, seed_text);
            let (cause, message) = causes
                .first()
                .map(|c| cause_message(&p, c))
                .unwrap_or_else(|| ("infeasible".into(), "无法为每项申报分配足够的专家".into()));
            out.infeasible = Some(Infeasible {
                cause,
                message,
                short: partial
                    .short
                    .iter()
                    .map(|(a, missing)| Short {
                        application_id: p.apps[*a as usize].id,
                        missing: *missing,
                    })
                    .collect(),
            });
            out
        }
        Err(e) => {
            tracing::error!(error = %e, round = id, "assigner failed");
            return Err(ApiError::internal());
        }
    };
    Ok(Json(proposal))
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub application_id: i64,
    pub user_id: i64,
    /// Placed by the office's hand rather than by the proposal: the assignment's source is then
    /// `manual` whatever the round's mode (the checks ignore it).
    #[serde(default)]
    pub manual: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairsInput {
    pub pairs: Vec<Pair>,
}

#[derive(Serialize, ToSchema)]
pub struct PairViolation {
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub code: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckResult {
    pub violations: Vec<PairViolation>,
    pub loads: Vec<Load>,
}

/// Checks a hand-adjusted table against every hard rule.
fn check_table(p: &Problem, pairs: &[Pair]) -> (Vec<PairViolation>, assign::Assignment) {
    let mut out = Vec::new();
    let mut panels = vec![Vec::new(); p.apps.len()];
    for pair in pairs {
        let Some(&a) = p.app_index.get(&pair.application_id) else {
            out.push(PairViolation {
                application_id: Some(pair.application_id),
                user_id: Some(pair.user_id),
                code: "unknown_application".into(),
                message: "该申报不在本评审批次中".into(),
            });
            continue;
        };
        let Some(&e) = p.expert_index.get(&pair.user_id) else {
            out.push(PairViolation {
                application_id: Some(pair.application_id),
                user_id: Some(pair.user_id),
                code: "unknown_expert".into(),
                message: "该专家不在专家库中或暂不可参评".into(),
            });
            continue;
        };
        panels[a].push(e as u32);
    }
    let asg = assign::Assignment { panels };
    let expert = |e: u32| p.experts[e as usize].user_id;
    let app = |a: u32| p.apps[a as usize].id;
    let ename = |e: u32| p.experts[e as usize].name.clone();
    for v in assign::check(&p.inst, &asg) {
        let (a, e, code, message) = match v {
            Violation::ApplicationCount { .. } => continue,
            Violation::UnknownExpert {
                application,
                expert: x,
            } => (
                Some(app(application)),
                None,
                "unknown_expert",
                format!("专家 {x} 不存在"),
            ),
            Violation::DuplicateExpert {
                application,
                expert: x,
            } => (
                Some(app(application)),
                Some(expert(x)),
                "duplicate",
                format!("{} 重复分配到同一申报", ename(x)),
            ),
            Violation::PanelSize {
                application,
                expected,
                got,
            } => (
                Some(app(application)),
                None,
                "panel_size",
                format!("需要 {expected} 名专家，当前 {got} 名"),
            ),
            Violation::Conflict {
                application,
                expert: x,
                conflict,
            } => {
                // One code per kind, so the UI can say which in every locale.
                let (code, why) = match conflict {
                    Conflict::Affiliated { .. } => {
                        ("affiliated", "所在单位是牵头或联合申报单位，须回避")
                    }
                    Conflict::DeclaredOrg { .. } => {
                        ("declared_org", "本人声明与申报单位存在利害关系，须回避")
                    }
                    Conflict::DeclaredApplication => (
                        "declared_application",
                        "本人声明与该申报存在利害关系，须回避",
                    ),
                    Conflict::Avoided => ("avoided", "申报单位申请回避该专家"),
                    Conflict::OutOfField => ("out_of_field", "专业领域与申报方向不匹配"),
                };
                (
                    Some(app(application)),
                    Some(expert(x)),
                    code,
                    format!("{}：{why}", ename(x)),
                )
            }
            Violation::OverLoad {
                expert: x,
                load,
                max_load,
            } => (
                None,
                Some(expert(x)),
                "over_load",
                format!("{} 的评审量 {load} 超过可承担的 {max_load}", ename(x)),
            ),
        };
        out.push(PairViolation {
            application_id: a,
            user_id: e,
            code: code.into(),
            message,
        });
    }
    (out, asg)
}

/// Re-checks a hand-adjusted table (every manual change calls this).
#[utoipa::path(post, path = "/api/rounds/{id}/assignment/check", tag = "review", params(("id" = i64, Path)), request_body = PairsInput,
    responses((status = 200, body = CheckResult)))]
async fn check_pairs(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PairsInput>,
) -> ApiResult<Json<CheckResult>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let p = build_problem(&state, &r, false).await?;
    let (violations, asg) = check_table(&p, &input.pairs);
    Ok(Json(CheckResult {
        violations,
        loads: loads_of(&p, &asg),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitInput {
    pub pairs: Vec<Pair>,
    pub mode: String,
    pub seed: Option<String>,
}

/// Commits the table atomically: assignments, round status, applications under review,
/// notifications and mail to the experts.
#[utoipa::path(post, path = "/api/rounds/{id}/assignment/commit", tag = "review", params(("id" = i64, Path)), request_body = CommitInput,
    responses((status = 200, body = Round), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn commit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<CommitInput>,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    ensure_setup(&r)?;
    if !["optimal", "random", "manual"].contains(&input.mode.as_str()) {
        return Err(ApiError::field(
            "mode",
            FieldError::new("invalid", "分配方式无效"),
        ));
    }
    let p = build_problem(&state, &r, false).await?;
    if p.apps.is_empty() {
        return Err(ApiError::conflict(
            "no_applications",
            "本批次没有待评审的申报",
        ));
    }
    let (violations, asg) = check_table(&p, &input.pairs);
    if !violations.is_empty() {
        return Err(ApiError::validation(
            violations
                .into_iter()
                .map(|v| FieldProblem {
                    field: match (v.application_id, v.user_id) {
                        (Some(a), Some(u)) => format!("pairs[{a},{u}]"),
                        (Some(a), None) => format!("applications[{a}]"),
                        (None, Some(u)) => format!("experts[{u}]"),
                        _ => "pairs".into(),
                    },
                    code: v.code,
                    message: v.message,
                })
                .collect(),
        ));
    }
    let phases = rv::phases(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    if !rv::set_round_status(
        &mut tx,
        id,
        "setup",
        "reviewing",
        Some(&input.mode),
        input.seed.as_deref(),
    )
    .await?
    {
        return Err(ApiError::conflict(
            "round_started",
            "分配已确认，评审已开始",
        ));
    }
    let by_hand: HashSet<(i64, i64)> = input
        .pairs
        .iter()
        .filter(|p| p.manual)
        .map(|p| (p.application_id, p.user_id))
        .collect();
    let mut notified = HashSet::new();
    for (a, panel) in asg.panels.iter().enumerate() {
        for &e in panel {
            let ex = &p.experts[e as usize];
            let source = if by_hand.contains(&(p.apps[a].id, ex.user_id)) {
                "manual".to_owned()
            } else {
                input.mode.clone()
            };
            rv::insert_assignment(
                &mut tx,
                id,
                &NewAssignment {
                    application_id: p.apps[a].id,
                    expert_user_id: ex.user_id,
                    status: "invited",
                    source,
                    fit: assign::fit(&p.inst, a, e as usize),
                    replaces_id: None,
                },
            )
            .await?;
            if notified.insert(ex.user_id) {
                notify_expert(&mut tx, ex, &r.title).await?;
            }
        }
        if r.kind == "initial" {
            move_application(&mut tx, p.apps[a].id, Transition::StartReview).await?;
        }
    }
    if let Some(first) = phases.first() {
        rv::activate_phase(&mut tx, id, first.id).await?;
    }
    let mut e = cu.event("review.assignment_commit", "review_round", id);
    e.detail = serde_json::json!({
        "mode": input.mode, "seed": input.seed, "pairs": asg.pairs(),
        "objective": assign::objective(&p.inst, &asg),
        "table": asg.panels.iter().enumerate().map(|(a, panel)| {
            (p.apps[a].id, panel.iter().map(|&e| p.experts[e as usize].user_id).collect::<Vec<_>>())
        }).collect::<Vec<_>>(),
    });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    fresh_round(&state, id, &call).await
}

async fn notify_expert(tx: &mut Tx, ex: &ExpertRow, round_title: &str) -> ApiResult<()> {
    let title = "新的评审任务";
    let body = format!("您被邀请参加“{round_title}”的评审，请登录平台确认是否参加。");
    notes::notify(tx, Some(ex.user_id), None, title, &body, Some(MY_REVIEWS)).await?;
    if let Some(email) = ex.email.as_deref().filter(|e| !e.is_empty()) {
        notes::enqueue_mail(tx, email, &format!("【专精特新产业学院】{title}"), &body).await?;
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct Assignment {
    pub id: i64,
    pub round_id: i64,
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub user_id: i64,
    pub expert_name: String,
    pub status: String,
    pub source: String,
    pub fit: i64,
    pub decline_reason: Option<String>,
    pub replaces_id: Option<i64>,
    pub review_status: String,
    pub correction_allowed: bool,
    pub responded_at: Option<DateTime<Utc>>,
}

impl From<AssignmentRow> for Assignment {
    fn from(a: AssignmentRow) -> Self {
        Assignment {
            id: a.id,
            round_id: a.round_id,
            application_id: a.application_id,
            number: a.number,
            lead_name: a.lead_name,
            user_id: a.expert_user_id,
            expert_name: a.expert_name,
            status: a.status,
            source: a.source,
            fit: a.fit,
            decline_reason: a.decline_reason,
            replaces_id: a.replaces_id,
            review_status: a.review_status,
            correction_allowed: a.correction_allowed,
            responded_at: a.responded_at,
        }
    }
}

/// The committed table with answers and review progress (the programme only).
#[utoipa::path(get, path = "/api/rounds/{id}/assignments", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Assignment>), (status = 404, body = ErrorBody)))]
async fn round_assignments(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<Assignment>>> {
    round_for(&state, &cu, id, Action::ReviewManage).await?;
    Ok(Json(
        rv::assignments(&state.db, id)
            .await?
            .into_iter()
            .map(Assignment::from)
            .collect(),
    ))
}

/// An assignment as stored now (after a change).
async fn reload_assignment(state: &AppState, id: i64) -> ApiResult<AssignmentRow> {
    rv::get_assignment(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Loads an assignment and checks `action` on it.
async fn assignment_for(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<(AssignmentRow, RoundRow)> {
    let a = reload_assignment(state, id).await?;
    let r = rv::get_round(&state.db, a.round_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let call = calls::get(&state.db, r.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    cu.authorize(
        state,
        action,
        &Target::Assignment {
            field: call.field,
            expert_user_id: a.expert_user_id,
        },
        "review_assignment",
        id,
    )
    .await?;
    Ok((a, r))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfirmInput {
    pub user_id: Option<i64>,
}

/// Confirms a proposed replacement (optionally with another expert, re-checked).
#[utoipa::path(post, path = "/api/assignments/{id}/confirm", tag = "review", params(("id" = i64, Path)), request_body = ConfirmInput,
    responses((status = 200, body = Assignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm_replacement(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ConfirmInput>,
) -> ApiResult<Json<Assignment>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::ReviewManage).await?;
    if a.status != "proposed" {
        return Err(ApiError::conflict("not_proposed", "该分配不是待确认的替换"));
    }
    let user_id = input.user_id.unwrap_or(a.expert_user_id);
    let p = build_problem(&state, &r, true).await?;
    // The table as it would be: every live assignment of the round plus this one.
    let mut pairs: Vec<Pair> = rv::assignments(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|x| x.status == "invited" || x.status == "accepted")
        .map(|x| Pair {
            application_id: x.application_id,
            user_id: x.expert_user_id,
            manual: false,
        })
        .collect();
    pairs.push(Pair {
        application_id: a.application_id,
        user_id,
        manual: false,
    });
    let (violations, _) = check_table(&p, &pairs);
    let relevant: Vec<_> = violations
        .into_iter()
        .filter(|v| {
            v.code != "panel_size"
                && (v.user_id == Some(user_id) || v.application_id == Some(a.application_id))
        })
        .collect();
    if !relevant.is_empty() {
        return Err(ApiError::validation(
            relevant
                .into_iter()
                .map(|v| FieldProblem {
                    field: "user_id".into(),
                    code: v.code,
                    message: v.message,
                })
                .collect(),
        ));
    }
    let fit = match (
        p.app_index.get(&a.application_id),
        p.expert_index.get(&user_id),
    ) {
        (Some(&ai), Some(&ei)) => assign::fit(&p.inst, ai, ei),
        _ => 0,
    };
    let expert = p.experts[p.expert_index[&user_id]].clone();
    let mut tx = state.db.begin().await?;
    if user_id != a.expert_user_id {
        rv::repoint_assignment(&mut tx, id, user_id, fit).await?;
    }
    if !rv::answer_assignment(&mut tx, id, &["proposed"], "invited", None).await? {
        return Err(ApiError::conflict("not_proposed", "该分配不是待确认的替换"));
    }
    notify_expert(&mut tx, &expert, &r.title).await?;
    let mut e = cu.event("review.replacement_confirm", "review_assignment", id);
    e.detail = serde_json::json!({ "expert": user_id, "proposed": a.expert_user_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(a.into()))
}

// ---------------------------------------------------------------------------------------------
// The expert's side

#[derive(Serialize, ToSchema)]
pub struct MyAssignment {
    pub id: i64,
    pub round_id: i64,
    pub round_title: String,
    pub round_status: String,
    pub phase: Option<Phase>,
    pub application_id: i64,
    pub number: Option<String>,
    /// Blind phases: the direction only, never the applicant.
    pub title: String,
    pub status: String,
    pub review_status: String,
    pub pledge_signed: bool,
    pub correction_allowed: bool,
}

async fn current_phase(state: &AppState, r: &RoundRow) -> ApiResult<Option<PhaseRow>> {
    Ok(match r.current_phase_id {
        Some(pid) => rv::phases(&state.db, r.id)
            .await?
            .into_iter()
            .find(|p| p.id == pid),
        None => None,
    })
}

async fn my_view(state: &AppState, a: AssignmentRow, r: &RoundRow) -> ApiResult<MyAssignment> {
    let phase = current_phase(state, r).await?;
    let blind = phase.as_ref().is_none_or(|p| p.blind);
    let title = if blind {
        format!("{}方向申报", direction_name(a.direction.as_deref()))
    } else {
        a.lead_name.clone()
    };
    Ok(MyAssignment {
        id: a.id,
        round_id: r.id,
        round_title: r.title.clone(),
        round_status: r.status.clone(),
        phase: phase.map(Phase::from),
        application_id: a.application_id,
        number: a.number,
        title,
        pledge_signed: rv::pledge_signed(&state.db, r.id, a.expert_user_id).await?,
        status: a.status,
        review_status: a.review_status,
        correction_allowed: a.correction_allowed,
    })
}

/// The caller's review assignments.
#[utoipa::path(get, path = "/api/my/assignments", tag = "review",
    responses((status = 200, body = Vec<MyAssignment>)))]
async fn my_assignments(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Json<Vec<MyAssignment>>> {
    let mut out = Vec::new();
    let mut rounds: HashMap<i64, RoundRow> = HashMap::new();
    for a in rv::assignments_of_expert(&state.db, cu.user.id).await? {
        if a.status == "proposed" {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(v) = rounds.entry(a.round_id)
            && let Some(r) = rv::get_round(&state.db, a.round_id).await?
        {
            v.insert(r);
        }
        if let Some(r) = rounds.get(&a.round_id) {
            out.push(my_view(&state, a, r).await?);
        }
    }
    Ok(Json(out))
}

/// Accepts an invitation to review.
#[utoipa::path(post, path = "/api/assignments/{id}/accept", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = MyAssignment), (status = 409, body = ErrorBody)))]
async fn accept(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<MyAssignment>> {
    let (_, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    if r.status != "reviewing" {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    let mut tx = state.db.begin().await?;
    if !rv::answer_assignment(&mut tx, id, &["invited"], "accepted", None).await? {
        return Err(ApiError::conflict("already_answered", "已答复过该评审邀请"));
    }
    audit::append(&mut tx, cu.event("review.accept", "review_assignment", id)).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(my_view(&state, a, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    pub reason: String,
}

/// The best replacement for one slot: eligible, with capacity left, not on the panel.
fn replacement(p: &Problem, application_id: i64, live: &[(i64, i64)]) -> Option<(usize, i64)> {
    let &a = p.app_index.get(&application_id)?;
    let mut load = vec![0u32; p.experts.len()];
    let mut on_panel = HashSet::new();
    for (app, user) in live {
        if let Some(&e) = p.expert_index.get(user) {
            load[e] += 1;
            if *app == application_id {
                on_panel.insert(e);
            }
        }
    }
    let step = i64::from(p.inst.weights.load_step);
    (0..p.experts.len())
        .filter(|&e| !on_panel.contains(&e))
        .filter(|&e| load[e] < p.inst.experts[e].max_load)
        .filter(|&e| assign::conflict(&p.inst, a, e).is_none())
        .map(|e| {
            (
                e,
                assign::pair_cost(&p.inst, a, e) + step * i64::from(load[e]),
            )
        })
        .min_by_key(|&(e, cost)| (cost, p.experts[e].user_id))
        .map(|(e, _)| (e, assign::fit(&p.inst, a, e)))
}

/// Declines (with a reason); a replacement for this slot only is proposed to the office.
#[utoipa::path(post, path = "/api/assignments/{id}/decline", tag = "review", params(("id" = i64, Path)), request_body = DeclineInput,
    responses((status = 200, body = MyAssignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decline(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<DeclineInput>,
) -> ApiResult<Json<MyAssignment>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    let reason = input.reason.trim().to_owned();
    let n = reason.chars().count();
    if n == 0 || n > 500 {
        return Err(ApiError::field(
            "reason",
            FieldError::new("required", "请填写不能参加评审的原因（不超过 500 字）"),
        ));
    }
    if r.status != "reviewing" {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    if a.review_status == "submitted" {
        return Err(ApiError::conflict(
            "already_reviewed",
            "已提交评审意见，不能再拒绝",
        ));
    }
    let p = build_problem(&state, &r, true).await?;
    let live: Vec<(i64, i64)> = rv::assignments(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|x| {
            x.id != id
                && (x.status == "invited" || x.status == "accepted" || x.status == "proposed")
        })
        .map(|x| (x.application_id, x.expert_user_id))
        .collect();
    let mut excluded = live.clone();
    // The decliner is not proposed again for the slot they declined.
    excluded.push((a.application_id, a.expert_user_id));
    let proposal = replacement(&p, a.application_id, &excluded);
    let mut tx = state.db.begin().await?;
    if !rv::answer_assignment(
        &mut tx,
        id,
        &["invited", "accepted"],
        "declined",
        Some(&reason),
    )
    .await?
    {
        return Err(ApiError::conflict("already_answered", "已答复过该评审邀请"));
    }
    let mut proposed = None;
    if let Some((e, fit)) = proposal {
        let ex = &p.experts[e];
        let new_id = rv::insert_assignment(
            &mut tx,
            r.id,
            &NewAssignment {
                application_id: a.application_id,
                expert_user_id: ex.user_id,
                status: "proposed",
                source: "replacement".into(),
                fit,
                replaces_id: Some(id),
            },
        )
        .await?;
        proposed = Some((new_id, ex.user_id));
    }
    let mut e = cu.event("review.decline", "review_assignment", id);
    e.detail = serde_json::json!({ "reason": reason, "replacement": proposed });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(my_view(&state, a, &r).await?))
}

/// Signs the integrity pledge (评审诚信承诺) once per round.
#[utoipa::path(post, path = "/api/rounds/{id}/pledge", tag = "review", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn pledge(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let (r, _) = round_for(&state, &cu, id, Action::RoundRead).await?;
    if !rv::expert_in_round(&state.db, r.id, cu.user.id).await? {
        return Err(ApiError::forbidden());
    }
    if rv::pledge_signed(&state.db, id, cu.user.id).await? {
        return Ok(StatusCode::NO_CONTENT);
    }
    let mut tx = state.db.begin().await?;
    rv::sign_pledge(&mut tx, id, cu.user.id).await?;
    let mut e = cu.event("review.pledge", "review_round", id);
    e.detail = serde_json::json!({ "text": PLEDGE_TEXT });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub const REDACTED: &str = "■■■";

/// The form with the applicant's identity removed: names, people and contacts, and every
/// occurrence of the lead's and partners' names in the prose.
pub fn redact(form: &ApplicationForm) -> ApplicationForm {
    let mut names: Vec<String> = std::iter::once(form.lead.name.clone())
        .chain(form.partners.iter().map(|p| p.name.clone()))
        .chain([
            form.lead.contact_name.clone(),
            form.commitment.responsible_person.clone(),
        ])
        .chain(form.partners.iter().map(|p| p.contact.clone()))
        .filter(|n| n.chars().count() >= 2)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut v = serde_json::to_value(form).unwrap_or_default();
    fn walk(v: &mut serde_json::Value, names: &[String]) {
        match v {
            serde_json::Value::String(s) => {
                for n in names {
                    if s.contains(n.as_str()) {
                        *s = s.replace(n.as_str(), REDACTED);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, names)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| walk(x, names)),
            _ => {}
        }
    }
    walk(&mut v, &names);
    let mut out: ApplicationForm = serde_json::from_value(v).unwrap_or_default();
    out.lead.name = REDACTED.into();
    out.lead.contact_name = REDACTED.into();
    out.lead.contact_title = REDACTED.into();
    out.lead.contact_phone = REDACTED.into();
    out.lead.contact_email = REDACTED.into();
    out.commitment.responsible_person = REDACTED.into();
    for p in &mut out.partners {
        p.org_id = None;
        p.name = REDACTED.into();
        p.uscc = REDACTED.into();
        p.contact = REDACTED.into();
        p.contact_phone = REDACTED.into();
        p.contact_email = REDACTED.into();
    }
    out
}

#[derive(Serialize, ToSchema)]
pub struct AssignedApplication {
    pub id: i64,
    pub number: Option<String>,
    pub call_title: String,
    pub direction: String,
    pub blind: bool,
    pub version: Option<i32>,
    #[schema(value_type = Object)]
    pub form: ApplicationForm,
}

/// The submitted form an expert reviews, as the phase allows.
async fn assigned_form(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> ApiResult<(
    AssignmentRow,
    RoundRow,
    apps::AppRow,
    ApplicationForm,
    bool,
    Option<i32>,
)> {
    let (a, r) = assignment_for(state, cu, id, Action::AssignmentWork).await?;
    if !(a.status == "invited" || a.status == "accepted") {
        return Err(ApiError::conflict("not_assigned", "您已不再评审该申报"));
    }
    let row = apps::get(&state.db, a.application_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (form_json, version) = match row.submitted_version {
        Some(v) => (
            apps::versions(&state.db, row.id)
                .await?
                .into_iter()
                .find(|x| x.version == v)
                .map(|x| x.form)
                .unwrap_or_else(|| row.form.clone()),
            Some(v),
        ),
        None => (row.form.clone(), None),
    };
    let blind = current_phase(state, &r).await?.is_none_or(|p| p.blind);
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&form_json);
    let form = if blind { redact(&form) } else { form };
    let mut ev = cu.event("review.read_application", "review_assignment", id);
    ev.detail = serde_json::json!({ "application_id": row.id, "blind": blind });
    audit::record(&state.db, ev).await?;
    Ok((a, r, row, form, blind, version))
}

/// The application to review (blind phases: redacted).
#[utoipa::path(get, path = "/api/assignments/{id}/application", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = AssignedApplication), (status = 404, body = ErrorBody)))]
async fn assigned_application(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<AssignedApplication>> {
    let (_, _, row, form, blind, version) = assigned_form(&state, &cu, id).await?;
    let call = calls::get(&state.db, row.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(AssignedApplication {
        id: row.id,
        number: row.number,
        call_title: call.title,
        direction: direction_name(row.direction.as_deref()),
        blind,
        version,
        form,
    }))
}

/// The printed 申报书 for the expert (blind phases: the redacted variant).
#[utoipa::path(get, path = "/api/assignments/{id}/application.pdf", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
async fn assigned_application_pdf(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let (_, _, row, form, blind, version) = assigned_form(&state, &cu, id).await?;
    let origin = state.public_origin(&headers);
    let printed =
        crate::print::print_for_review(&state.db, &row, form, version, blind, &origin).await?;
    Ok(crate::http::download::file_response(
        printed.bytes,
        printed.mime,
        &printed.filename,
    ))
}

// ---------------------------------------------------------------------------------------------
// Reviews

#[derive(Serialize, ToSchema)]
pub struct Review {
    pub id: Option<i64>,
    pub version: i32,
    pub status: String,
    pub scores: BTreeMap<String, f64>,
    pub recommendation: Option<String>,
    pub opinion_html: String,
    pub total: Option<f64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub correction_allowed: bool,
    pub pledge_signed: bool,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
}

async fn review_view(state: &AppState, a: &AssignmentRow, r: &RoundRow) -> ApiResult<Review> {
    let latest = rv::latest_review(&state.db, a.id).await?;
    let pledge_signed = rv::pledge_signed(&state.db, r.id, a.expert_user_id).await?;
    let rubric = rubric_of(r);
    Ok(match latest {
        Some(v) => Review {
            id: Some(v.id),
            version: v.version,
            status: v.status,
            scores: serde_json::from_str(&v.scores).unwrap_or_default(),
            recommendation: v.recommendation,
            opinion_html: v.opinion_html,
            total: v.total,
            submitted_at: v.submitted_at,
            correction_allowed: a.correction_allowed,
            pledge_signed,
            rubric,
        },
        None => Review {
            id: None,
            version: 1,
            status: "draft".into(),
            scores: BTreeMap::new(),
            recommendation: None,
            opinion_html: String::new(),
            total: None,
            submitted_at: None,
            correction_allowed: false,
            pledge_signed,
            rubric,
        },
    })
}

/// The expert's own review of this assignment (a blank draft when none).
#[utoipa::path(get, path = "/api/assignments/{id}/review", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Review), (status = 404, body = ErrorBody)))]
async fn get_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub scores: BTreeMap<String, f64>,
    pub recommendation: Option<String>,
    pub opinion_html: String,
}

/// Which version an edit goes to: the draft, or a new version after an allowed correction.
fn editable_version(
    latest: Option<&rv::ReviewRow>,
    correction_allowed: bool,
) -> Result<i32, ApiError> {
    match latest {
        None => Ok(1),
        Some(v) if v.status == "draft" => Ok(v.version),
        Some(v) if correction_allowed => Ok(v.version + 1),
        Some(_) => Err(ApiError::conflict(
            "review_submitted",
            "评审意见已提交，不能修改；如需更正请联系项目办公室",
        )),
    }
}

async fn ensure_can_score(state: &AppState, a: &AssignmentRow, r: &RoundRow) -> ApiResult<()> {
    if r.status != "reviewing" {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    if a.status != "accepted" {
        return Err(ApiError::conflict("not_accepted", "请先确认参加评审"));
    }
    if current_phase(state, r)
        .await?
        .is_some_and(|p| !p.scores_editable)
    {
        return Err(ApiError::conflict("scores_locked", "当前阶段不能修改评分"));
    }
    Ok(())
}

fn field_problems(problems: Vec<(String, FieldError)>) -> ApiError {
    ApiError::validation(
        problems
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(&f, e))
            .collect(),
    )
}

/// Saves the draft review (partial scores allowed; the opinion is sanitised HTML).
#[utoipa::path(put, path = "/api/assignments/{id}/review", tag = "review", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = Review), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    ensure_can_score(&state, &a, &r).await?;
    let rubric = rubric_of(&r);
    rubric
        .check_scores(
            &input.scores,
            input.recommendation.as_deref().filter(|s| !s.is_empty()),
            false,
        )
        .map_err(field_problems)?;
    if input.opinion_html.len() > 100_000 {
        return Err(ApiError::field(
            "opinion_html",
            FieldError::new("too_long", "评审意见过长（不超过 3 万字）"),
        ));
    }
    let latest = rv::latest_review(&state.db, id).await?;
    let version = editable_version(latest.as_ref(), a.correction_allowed)?;
    let content = rv::ReviewContent {
        scores: serde_json::to_string(&input.scores).map_err(|_| ApiError::internal())?,
        recommendation: input.recommendation.filter(|s| !s.is_empty()),
        opinion_html: sanitize_opinion(&input.opinion_html),
        total: rubric.total(&input.scores),
    };
    let mut tx = state.db.begin().await?;
    if !rv::save_draft(&mut tx, id, version, &content).await? {
        return Err(ApiError::conflict(
            "review_submitted",
            "评审意见已提交，不能修改；如需更正请联系项目办公室",
        ));
    }
    let mut e = cu.event("review.save", "review_assignment", id);
    e.detail = serde_json::json!({ "version": version });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

/// The app's page of an expert's review tasks, where their notifications lead.
const MY_REVIEWS: &str = "/my-reviews";

/// Sanitises the opinion: basic formatting only, no scripts, styles, links or images.
pub fn sanitize_opinion(html: &str) -> String {
    ammonia::Builder::new()
        .tags(HashSet::from([
            "p",
            "br",
            "b",
            "strong",
            "i",
            "em",
            "u",
            "ul",
            "ol",
            "li",
            "blockquote",
            "h3",
            "h4",
        ]))
        .generic_attributes(HashSet::new())
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// Submits the review: complete scores and recommendation, the pledge signed; immutable after.
#[utoipa::path(post, path = "/api/assignments/{id}/review/submit", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Review), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    ensure_can_score(&state, &a, &r).await?;
    if !rv::pledge_signed(&state.db, r.id, cu.user.id).await? {
        return Err(ApiError::conflict(
            "pledge_required",
            "请先签署评审诚信承诺",
        ));
    }
    let Some(draft) = rv::latest_review(&state.db, id)
        .await?
        .filter(|v| v.status == "draft")
    else {
        return Err(ApiError::conflict(
            "nothing_to_submit",
            "没有待提交的评审意见（已提交的评审意见不能重复提交）",
        ));
    };
    let scores: BTreeMap<String, f64> = serde_json::from_str(&draft.scores).unwrap_or_default();
    let rubric = rubric_of(&r);
    rubric
        .check_scores(&scores, draft.recommendation.as_deref(), true)
        .map_err(field_problems)?;
    let mut tx = state.db.begin().await?;
    if !rv::submit_review(&mut tx, id, draft.version).await? {
        return Err(ApiError::conflict("review_submitted", "评审意见已提交"));
    }
    if a.correction_allowed {
        rv::set_correction_allowed(&mut tx, id, false).await?;
    }
    let mut e = cu.event("review.submit", "review_assignment", id);
    e.detail = serde_json::json!({ "version": draft.version, "total": draft.total, "recommendation": draft.recommendation });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    pub reason: String,
}

/// Lets the expert correct a submitted review as a new version.
#[utoipa::path(post, path = "/api/assignments/{id}/review/allow-correction", tag = "review", params(("id" = i64, Path)), request_body = CorrectionInput,
    responses((status = 200, body = Assignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn allow_correction(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<Json<Assignment>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::ReviewManage).await?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::field(
            "reason",
            FieldError::new("required", "请填写允许更正的理由（不超过 500 字）"),
        ));
    }
    if r.status != "reviewing" || a.review_status != "submitted" {
        return Err(ApiError::conflict(
            "not_submitted",
            "只有评审进行中且已提交的评审意见可以更正",
        ));
    }
    let mut tx = state.db.begin().await?;
    rv::set_correction_allowed(&mut tx, id, true).await?;
    notes::notify(
        &mut tx,
        Some(a.expert_user_id),
        None,
        "评审意见可以更正",
        &format!("项目办公室已允许您更正评审意见：{reason}"),
        Some(MY_REVIEWS),
    )
    .await?;
    let mut e = cu.event("review.allow_correction", "review_assignment", id);
    e.detail = serde_json::json!({ "reason": reason });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(a.into()))
}

// ---------------------------------------------------------------------------------------------
// Visits (调研)

#[derive(Serialize, ToSchema)]
pub struct Visit {
    pub id: i64,
    pub application_id: i64,
    pub mode: String,
    pub visited_on: String,
    pub participants: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub application_id: i64,
    pub mode: String,
    pub visited_on: String,
    pub participants: String,
    pub notes: String,
}

/// Visit records of a round.
#[utoipa::path(get, path = "/api/rounds/{id}/visits", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Visit>)))]
async fn list_visits(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<Visit>>> {
    round_for(&state, &cu, id, Action::ReviewManage).await?;
    Ok(Json(
        rv::visits(&state.db, id)
            .await?
            .into_iter()
            .map(|v| Visit {
                id: v.id,
                application_id: v.application_id,
                mode: v.mode,
                visited_on: v.visited_on,
                participants: v.participants,
                notes: v.notes,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

/// Records a site or online visit (调研).
#[utoipa::path(post, path = "/api/rounds/{id}/visits", tag = "review", params(("id" = i64, Path)), request_body = VisitInput,
    responses((status = 201, body = Visit), (status = 422, body = ErrorBody)))]
async fn add_visit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let mut errs = Vec::new();
    let mut bad = |f: &str, m: &str| {
        errs.push(FieldProblem {
            field: f.into(),
            code: "invalid".into(),
            message: m.into(),
        })
    };
    if !round_apps(&state, &r)
        .await?
        .iter()
        .any(|a| a.id == input.application_id)
    {
        bad("application_id", "请选择本批次中的申报");
    }
    if input.mode != "site" && input.mode != "online" {
        bad("mode", "请选择线下或线上调研");
    }
    if chrono::NaiveDate::parse_from_str(&input.visited_on, "%Y-%m-%d").is_err() {
        bad("visited_on", "请填写调研日期（如 2026-12-01）");
    }
    let participants = input.participants.trim();
    if participants.is_empty() || participants.chars().count() > 500 {
        bad("participants", "请填写参加人员（不超过 500 字）");
    }
    let notes = input.notes.trim();
    if notes.is_empty() || notes.chars().count() > 10_000 {
        bad("notes", "请填写调研记录（不超过 1 万字）");
    }
    if !errs.is_empty() {
        return Err(ApiError::validation(errs));
    }
    let mut tx = state.db.begin().await?;
    let vid = rv::insert_visit(
        &mut tx,
        id,
        &rv::NewVisit {
            application_id: input.application_id,
            mode: &input.mode,
            visited_on: &input.visited_on,
            participants,
            notes,
        },
        cu.user.id,
    )
    .await?;
    let mut e = cu.event("review.visit", "review_round", id);
    e.detail = serde_json::json!({ "visit": vid, "application_id": input.application_id, "mode": input.mode });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Visit {
            id: vid,
            application_id: input.application_id,
            mode: input.mode,
            visited_on: input.visited_on,
            participants: participants.into(),
            notes: notes.into(),
            created_at: chanjiao_store::now(),
        }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Results, selection, 立项

async fn compute_results(state: &AppState, r: &RoundRow) -> ApiResult<Results> {
    use chanjiao_domain::review::aggregate::{self, ReviewScore};
    let apps_in = rv::round_applications(&state.db, r.id).await?;
    let totals = rv::submitted_totals(&state.db, r.id).await?;
    let scores: Vec<ReviewScore> = totals
        .iter()
        .map(|t| ReviewScore {
            application: t.application_id,
            expert: t.expert_user_id,
            total: t.total,
        })
        .collect();
    let ids: Vec<i64> = apps_in.iter().map(|a| a.id).collect();
    let agg = aggregate::aggregate_for(&ids, &scores, r.disagreement_threshold);
    let decisions: HashMap<i64, rv::DecisionRow> = rv::decisions(&state.db, r.id)
        .await?
        .into_iter()
        .map(|d| (d.application_id, d))
        .collect();
    let assignments = rv::assignments(&state.db, r.id).await?;
    let mut recommendations: HashMap<i64, BTreeMap<String, usize>> = HashMap::new();
    for t in &totals {
        if let Some(rec) = &t.recommendation {
            *recommendations
                .entry(t.application_id)
                .or_default()
                .entry(rec.clone())
                .or_insert(0) += 1;
        }
    }
    let by_id: HashMap<i64, &RoundApp> = apps_in.iter().map(|a| (a.id, a)).collect();
    let names: HashMap<i64, String> = assignments
        .iter()
        .map(|a| (a.expert_user_id, a.expert_name.clone()))
        .collect();
    let applications = agg
        .applications
        .iter()
        .filter_map(|s| {
            let a = by_id.get(&s.application)?;
            let d = decisions.get(&s.application);
            Some(ResultRow {
                application_id: a.id,
                number: a.number.clone(),
                lead_name: a.lead_name.clone(),
                province_name: province_name(&a.province_code),
                province_code: a.province_code.clone(),
                institution_type: a.institution_type.clone(),
                reviews: s.reviews,
                mean: s.mean,
                trimmed_mean: s.trimmed_mean,
                normalized: s.normalized,
                rank: s.rank,
                stddev: s.stddev,
                range: s.range,
                flagged: s.flagged,
                recommendations: recommendations.remove(&a.id).unwrap_or_default(),
                decision: d.map(|d| d.decision.clone()),
                note: d.map(|d| d.note.clone()),
                letter_number: d.and_then(|d| d.letter_number.clone()),
                letter_issued_at: d.and_then(|d| d.letter_issued_at),
            })
        })
        .collect();
    let experts = agg
        .experts
        .iter()
        .map(|e| ExpertResult {
            user_id: e.expert,
            name: names.get(&e.expert).cloned().unwrap_or_default(),
            reviews: e.reviews,
            mean: e.mean,
            stddev: e.stddev,
            min: e.min,
            max: e.max,
        })
        .collect();
    let shortlisted = |id: i64| {
        decisions
            .get(&id)
            .is_some_and(|d| d.decision == "shortlisted")
    };
    let by_province = aggregate::distribution(
        apps_in
            .iter()
            .map(|a| (a.province_code.clone(), shortlisted(a.id))),
    )
    .into_iter()
    .map(|(code, s, t)| DistributionRow {
        name: province_name(&code),
        code,
        shortlisted: s,
        total: t,
    })
    .collect();
    let by_type = aggregate::distribution(apps_in.iter().map(|a| {
        (
            a.institution_type.clone().unwrap_or_default(),
            shortlisted(a.id),
        )
    }))
    .into_iter()
    .map(|(code, s, t)| DistributionRow {
        name: chanjiao_domain::applications::InstitutionTypes::label(&code)
            .unwrap_or("未填写")
            .to_owned(),
        code,
        shortlisted: s,
        total: t,
    })
    .collect();
    Ok(Results {
        round_id: r.id,
        threshold: r.disagreement_threshold,
        applications,
        experts,
        distribution: Distribution {
            by_province,
            by_type,
        },
    })
}

/// Aggregates, ranking, disagreement flags, per-expert distributions and the distribution of
/// the selection (the programme only).
#[utoipa::path(get, path = "/api/rounds/{id}/results", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Results), (status = 404, body = ErrorBody)))]
async fn results(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Results>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    Ok(Json(compute_results(&state, &r).await?))
}

/// Scores and ranking as Excel.
#[utoipa::path(get, path = "/api/rounds/{id}/results.xlsx", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn results_xlsx(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Response> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let res = compute_results(&state, &r).await?;
    let bytes = chanjiao_docs::xlsx::results::results_workbook(&res).map_err(|e| {
        tracing::error!(error = %e, "results export failed");
        ApiError::internal()
    })?;
    let mut e = cu.event("review.results_export", "review_round", id);
    e.detail = serde_json::json!({ "rows": res.applications.len() });
    audit::record(&state.db, e).await?;
    xlsx_response(bytes, &format!("评审结果-{}.xlsx", r.title))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

/// Records the selection (入围 or not) of one application; revisable until its letter is issued.
#[utoipa::path(put, path = "/api/rounds/{id}/decisions/{application_id}", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = ResultRow), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<ResultRow>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.kind != "initial" {
        return Err(ApiError::conflict(
            "not_initial",
            "入围与立项只适用于立项评审批次",
        ));
    }
    if r.status != "closed" {
        return Err(ApiError::conflict(
            "round_open",
            "请先结束评审，再确定入围结果",
        ));
    }
    let transition = match input.decision.as_str() {
        "shortlisted" => Transition::Shortlist,
        "not_selected" => Transition::Reject,
        _ => {
            return Err(ApiError::field(
                "decision",
                FieldError::new("invalid", "请选择入围或未入围"),
            ));
        }
    };
    let note = input.note.trim();
    if note.chars().count() > 500 {
        return Err(ApiError::field(
            "note",
            FieldError::new("too_long", "说明不超过 500 字"),
        ));
    }
    if !rv::round_applications(&state.db, id)
        .await?
        .iter()
        .any(|a| a.id == application_id)
    {
        return Err(ApiError::not_found());
    }
    let mut tx = state.db.begin().await?;
    if !rv::set_decision(
        &mut tx,
        id,
        application_id,
        &input.decision,
        note,
        cu.user.id,
    )
    .await?
    {
        return Err(ApiError::conflict(
            "letter_issued",
            "立项通知已签发，不能再修改入围结果",
        ));
    }
    move_application(&mut tx, application_id, transition).await?;
    let mut e = cu.event("review.decision", "application", application_id);
    e.detail = serde_json::json!({ "round": id, "decision": input.decision, "note": note });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let res = compute_results(&state, &r).await?;
    res.applications
        .into_iter()
        .find(|a| a.application_id == application_id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[derive(Serialize, ToSchema)]
pub struct LetterIssued {
    pub letter_number: String,
    pub issued_at: DateTime<Utc>,
}

/// Issues the 立项 letter: numbers it, moves the application to 立项, notifies the lead and the
/// partners in the app and by e-mail.
#[utoipa::path(post, path = "/api/rounds/{id}/decisions/{application_id}/letter", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, body = LetterIssued), (status = 409, body = ErrorBody)))]
async fn issue_letter(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
) -> ApiResult<Json<LetterIssued>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let Some(d) = rv::get_decision(&state.db, id, application_id).await? else {
        return Err(ApiError::conflict("not_shortlisted", "该申报尚未入围"));
    };
    if d.decision != "shortlisted" {
        return Err(ApiError::conflict("not_shortlisted", "该申报尚未入围"));
    }
    if d.letter_number.is_some() {
        return Err(ApiError::conflict("letter_issued", "立项通知已签发"));
    }
    let row = apps::get(&state.db, application_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let partner_orgs = apps::partner_org_ids(&state.db, application_id).await?;
    let year = chanjiao_domain::time::local_date(state.clock.now())
        .format("%Y")
        .to_string();
    let prefix = format!("产教立项〔{year}〕");
    let mut tx = state.db.begin().await?;
    let Some((number, issued_at)) = rv::issue_letter(&mut tx, id, application_id, &prefix, |n| {
        format!("第 {n:03} 号")
    })
    .await?
    else {
        return Err(ApiError::conflict("letter_issued", "立项通知已签发"));
    };
    move_application(&mut tx, application_id, Transition::Initiate).await?;
    let title = "立项通知";
    let body = format!(
        "“{}”（申报编号 {}）已通过{}，同意立项建设。立项通知书文号：{number}，请登录平台下载。",
        row.lead_name,
        row.number.clone().unwrap_or_default(),
        r.title
    );
    // Each to the page where that organisation sees the application.
    let lead_page = format!("/applications/{application_id}/edit");
    for org in std::iter::once(row.lead_org_id).chain(partner_orgs.iter().copied()) {
        let link = if org == row.lead_org_id {
            lead_page.as_str()
        } else {
            "/partner-applications"
        };
        notes::notify(&mut tx, None, Some(org), title, &body, Some(link)).await?;
        if let Some(o) = chanjiao_store::organizations::get(&state.db, org).await?
            && !o.contact_email.is_empty()
        {
            notes::enqueue_mail(
                &mut tx,
                &o.contact_email,
                &format!("【专精特新产业学院】{title}"),
                &body,
            )
            .await?;
        }
    }
    let mut e = cu.event("review.letter_issue", "application", application_id);
    e.detail = serde_json::json!({ "round": id, "letter_number": number });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(LetterIssued {
        letter_number: number,
        issued_at,
    }))
}

/// The 立项 letter (the programme, the lead and the partners).
#[utoipa::path(get, path = "/api/rounds/{id}/decisions/{application_id}/letter.pdf", tag = "review",
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
async fn letter_pdf(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, application_id): Ids,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let (row, target) = crate::access::application(&state, application_id).await?;
    cu.authorize(
        &state,
        Action::ApplicationRead,
        &target,
        "application",
        application_id,
    )
    .await?;
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let d = rv::get_decision(&state.db, id, application_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (Some(number), Some(issued_at)) = (d.letter_number.clone(), d.letter_issued_at) else {
        return Err(ApiError::not_found());
    };
    let call = calls::get(&state.db, row.call_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let direction = form
        .lead
        .direction
        .as_deref()
        .and_then(|c| {
            chanjiao_domain::calls::directions(&call.directions)
                .into_iter()
                .find(|d| d.code == c)
        })
        .map_or_else(|| direction_name(row.direction.as_deref()), |d| d.name);
    let origin = state.public_origin(&headers);
    let letter = chanjiao_docs::InitiationLetter {
        letter_number: number.clone(),
        issuer: "专精特新产业学院项目建设办公室".into(),
        call_title: call.title.clone(),
        call_doc_number: Some(call.doc_number.clone()),
        application_number: row.number.clone().unwrap_or_default(),
        lead_name: row.lead_name.clone(),
        partner_names: form.partners.iter().map(|p| p.name.clone()).collect(),
        college_name: None,
        direction,
        round_title: r.title.clone(),
        decision_date: chanjiao_domain::time::local_date(issued_at),
        items: vec![
            "自本通知印发之日起进入建设期，建设期一般为三年。".into(),
            "请于两个月内在平台完成建设规划备案，按“1+3+1”建设内容细化任务、进度和经费安排。"
                .into(),
            "牵头院校与联合申报单位应按申报书承诺落实设施、组织、经费等保障。".into(),
            "建设期内将组织中期检查与验收评审，结果在平台公布。".into(),
        ],
        verify_url: Some(format!(
            "{}/applications/{application_id}",
            origin.trim_end_matches('/')
        )),
    };
    let bytes = crate::print::initiation_letter(letter).await?;
    Ok(crate::http::download::file_response(
        bytes,
        "application/pdf",
        &format!("立项通知-{}.pdf", row.number.unwrap_or_default()),
    ))
}

// ---------------------------------------------------------------------------------------------
// Notifications and the outbox

#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The caller's notifications and their organisation's.
#[utoipa::path(get, path = "/api/notifications", tag = "review",
    responses((status = 200, body = Vec<Notification>)))]
async fn notifications(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(
        notes::notifications_for(&state.db, cu.user.id, cu.user.org_id)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

/// Marks a notification read (one addressed to the caller or their organisation).
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "review", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn read_notification(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let n = notes::get_notification(&state.db, id)
        .await?
        .filter(|n| {
            n.user_id == Some(cu.user.id) || (n.org_id.is_some() && n.org_id == cu.user.org_id)
        })
        .ok_or_else(ApiError::not_found)?;
    if n.read_at.is_none() {
        let mut tx = state.db.begin().await?;
        notes::mark_read(&mut tx, id).await?;
        audit::append(&mut tx, cu.event("notification.read", "notification", id)).await?;
        tx.commit().await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Mail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The mail outbox (without SMTP, mail stays here for the office to see).
#[utoipa::path(get, path = "/api/outbox", tag = "review", params(PageQuery),
    responses((status = 200, body = PageOf<Mail>), (status = 403, body = ErrorBody)))]
async fn outbox(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Mail>>> {
    pool_manager(&state, &cu).await?;
    let page = notes::outbox(&state.db, Paging::new(q.page, q.per_page)).await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|m| Mail {
                id: m.id,
                to_addr: m.to_addr,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
                sent_at: m.sent_at,
                attempts: m.attempts,
                last_error: m.last_error,
            })
            .collect(),
        total: page.total,
    }))
}
