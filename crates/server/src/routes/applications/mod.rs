//! Applications (申报): a university fills the 申报书 (autosaved drafts), its partners confirm,
//! it submits before the deadline (a frozen, hashed version), may withdraw before the deadline;
//! the programme runs the formal check (形式审查) and records the sealed paper copy.

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{
    self as form_rules, ApplicationForm, FORM_SCHEMA_VERSION, FundingSources, InstitutionTypes,
    PartnerCategories, Status, SupportingProjects, Transition,
};
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::validate::bounded_text;
use chanjiao_store::applications::{self as apps, AppRow, AppVisibility, KeyColumns};
use chanjiao_store::calls::CallRow;
use chanjiao_store::{Paging, attachments, audit, calls, organizations};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::ensure_editable;
use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id, Ids};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(export))
        .routes(routes!(get))
        .routes(routes!(save_form))
        .routes(routes!(submit))
        .routes(routes!(withdraw))
        .routes(routes!(invite))
        .routes(routes!(partner_decision))
        .routes(routes!(print))
        .routes(routes!(versions))
        .routes(routes!(version))
        .merge(crate::uploads::body_limit(
            OpenApiRouter::new().routes(routes!(upload)),
        ))
        .routes(routes!(formal_check))
        .routes(routes!(paper_copy))
        .routes(routes!(directory))
        .routes(routes!(form_meta))
}

async fn authorized(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
) -> ApiResult<(AppRow, Target)> {
    let (ctx, target) = authorized_context(state, cu, id, action, apps::Form::Read).await?;
    Ok((ctx.app, target))
}

async fn authorized_context(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    action: Action,
    form: apps::Form,
) -> ApiResult<(apps::Context, Target)> {
    let (ctx, target) = crate::access::application_context(state, id, form).await?;
    cu.authorize(state, action, &target, "application", id)
        .await?;
    Ok((ctx, target))
}

#[derive(Serialize, ToSchema)]
pub struct PartnerStatus {
    /// Position of the block in `form.partners`.
    pub index: usize,
    pub name: String,
    pub org_id: Option<i64>,
    pub category: Option<String>,
    /// unregistered | pending | confirmed | declined.
    pub status: String,
    pub reason: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub invite: Option<InviteInfo>,
}

#[derive(Serialize, ToSchema)]
pub struct InviteInfo {
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Paper {
    pub received_on: String,
    pub courier: String,
    pub tracking_no: String,
    pub printed_hash: String,
    pub matches_version: Option<i32>,
    pub matches_submitted: bool,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// An application as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct Application {
    pub id: i64,
    pub number: Option<String>,
    pub call_id: i64,
    pub call_title: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub status: String,
    pub status_label: String,
    pub revision: i64,
    #[schema(value_type = Object)]
    pub form: ApplicationForm,
    /// What still blocks submission.
    pub form_errors: Vec<FieldProblem>,
    pub partners: Vec<PartnerStatus>,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub effective_deadline: DateTime<Utc>,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_withdraw: bool,
    pub return_reasons: Option<String>,
    pub correction_due: Option<DateTime<Utc>>,
    pub paper: Option<Paper>,
    pub attachments: Vec<Attachment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn prefixed(errors: form_rules::FormErrors) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|(p, e)| FieldProblem::from_error(&format!("form.{p}"), e))
        .collect()
}

/// The partner blocks joined with their confirmations and (read here, if any block needs
/// them) invitations.
async fn partner_statuses(
    state: &AppState,
    id: i64,
    form: &ApplicationForm,
    confirmations: &[apps::PartnerRow],
) -> ApiResult<Vec<PartnerStatus>> {
    let invites = invites_if_needed(state, id, form).await?;
    Ok(join_partners(form, confirmations, &invites))
}

/// Invitations matter only for partner blocks without a registered organisation.
async fn invites_if_needed(
    state: &AppState,
    id: i64,
    form: &ApplicationForm,
) -> ApiResult<Vec<apps::InviteRow>> {
    Ok(if form.partners.iter().any(|p| p.org_id.is_none()) {
        apps::invites(&state.db, id).await?
    } else {
        Vec::new()
    })
}

/// The partner blocks joined with confirmations and invitations already read.
fn join_partners(
    form: &ApplicationForm,
    confirmations: &[apps::PartnerRow],
    invites: &[apps::InviteRow],
) -> Vec<PartnerStatus> {
    form.partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let conf = p
                .org_id
                .and_then(|o| confirmations.iter().find(|c| c.org_id == o));
            let invite = invites
                .iter()
                .rev()
                .find(|v| v.partner_index as usize == i && p.org_id.is_none());
            PartnerStatus {
                index: i,
                name: p.name.clone(),
                org_id: p.org_id,
                category: p.category.clone(),
                status: conf
                    .map_or("unregistered", |c| c.status.as_str())
                    .to_owned(),
                reason: conf.and_then(|c| c.reason.clone()),
                responded_at: conf.and_then(|c| c.responded_at),
                invite: invite.map(|v| InviteInfo {
                    expires_at: v.expires_at,
                    used: v.used_at.is_some(),
                }),
            }
        })
        .collect()
}

/// Everything that blocks submission at `now`: form problems, partners, the deadline. Returns
/// them with the deadline that applies: `applicant_deadline` (the call's or an extension's),
/// or the correction term of a returned application.
fn blocking(
    now: DateTime<Utc>,
    row: &AppRow,
    call: &CallRow,
    applicant_deadline: DateTime<Utc>,
    form: &ApplicationForm,
    partners: &[PartnerStatus],
) -> (Vec<FieldProblem>, DateTime<Utc>) {
    let directions: Vec<String> = chanjiao_domain::calls::directions(&call.directions)
        .into_iter()
        .map(|d| d.code)
        .collect();
    let mut problems = prefixed(form.check_for_submission(&directions));
    for p in partners {
        let (code, msg) = match p.status.as_str() {
            "confirmed" => continue,
            "unregistered" => (
                "partner_not_registered",
                "该联合申报单位尚未注册并确认参与：请发送邀请链接",
            ),
            "declined" => ("partner_declined", "该联合申报单位已拒绝参与"),
            _ => ("partner_not_confirmed", "联合申报单位尚未确认参与"),
        };
        problems.push(FieldProblem {
            field: format!("partners[{}]", p.index),
            code: code.into(),
            message: format!("{}：{msg}", p.name),
        });
    }
    let mut deadline = applicant_deadline;
    if row.status() == Status::Returned
        && let Some(due) = row.correction_due
    {
        deadline = due;
    }
    if call.status != "published" || now < call.opens_at {
        problems.push(FieldProblem {
            field: "deadline".into(),
            code: "not_open".into(),
            message: "该批次尚未开放申报".into(),
        });
    } else if now >= deadline {
        problems.push(FieldProblem {
            field: "deadline".into(),
            code: "deadline_passed".into(),
            message: "已超过申报截止时间，如需延期请联系项目办公室".into(),
        });
    }
    (problems, deadline)
}

async fn view(
    state: &AppState,
    cu: &CurrentUser,
    ctx: apps::Context,
    target: &Target,
) -> ApiResult<Application> {
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&ctx.app.form);
    let partners = partner_statuses(state, ctx.app.id, &form, &ctx.partners).await?;
    let applicant_deadline = ctx.deadline();
    let (problems, deadline) = blocking(
        state.clock.now(),
        &ctx.app,
        &ctx.call,
        applicant_deadline,
        &form,
        &partners,
    );
    view_of(
        state,
        cu,
        ctx.app,
        target,
        Known {
            call: ctx.call,
            form,
            partners,
            problems,
            deadline,
            attachments: ctx.attachments,
        },
    )
    .await
}

/// What a handler already knows about the application it shows.
struct Known {
    call: CallRow,
    form: ApplicationForm,
    partners: Vec<PartnerStatus>,
    problems: Vec<FieldProblem>,
    deadline: DateTime<Utc>,
    /// From the context query when it read them; otherwise they are read here.
    attachments: Option<Vec<attachments::AttachmentRow>>,
}

async fn view_of(
    state: &AppState,
    cu: &CurrentUser,
    row: AppRow,
    target: &Target,
    known: Known,
) -> ApiResult<Application> {
    let Known {
        call,
        form,
        partners,
        problems,
        deadline,
        attachments: files,
    } = known;
    let status = row.status();
    let may_edit = cu.may(Action::ApplicationEdit, target);
    let now = state.clock.now();
    let files = match files {
        Some(files) => files,
        None => attachments::of_owner(&state.db, "application", row.id).await?,
    };
    let paper = row.paper_received_on.clone().map(|received_on| Paper {
        received_on,
        courier: row.paper_courier.clone().unwrap_or_default(),
        tracking_no: row.paper_tracking_no.clone().unwrap_or_default(),
        printed_hash: row.paper_printed_hash.clone().unwrap_or_default(),
        matches_version: row.paper_matches_version,
        matches_submitted: row.paper_matches_version.is_some()
            && row.paper_matches_version == row.submitted_version,
        recorded_at: row.paper_recorded_at,
    });
    Ok(Application {
        id: row.id,
        number: row.number.clone(),
        call_id: row.call_id,
        call_title: call.title,
        lead_org_id: row.lead_org_id,
        lead_name: row.lead_name.clone(),
        status: row.status.clone(),
        status_label: status.label_zh().to_owned(),
        revision: row.revision,
        can_edit: may_edit && status.editable(),
        can_submit: may_edit
            && form_rules::next(status, Transition::Submit).is_some()
            && problems.is_empty(),
        can_withdraw: may_edit && status == Status::Submitted && now < deadline,
        form_errors: problems,
        form,
        partners,
        submitted_version: row.submitted_version,
        submitted_at: row.submitted_at,
        effective_deadline: deadline,
        return_reasons: row.return_reasons.clone(),
        correction_due: row.correction_due,
        paper,
        attachments: files.into_iter().map(Attachment::from).collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub call_id: Option<i64>,
    pub status: Option<String>,
    pub province_code: Option<String>,
    pub institution_type: Option<String>,
    pub partner_category: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub id: i64,
    pub number: Option<String>,
    pub call_id: i64,
    pub call_title: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub province_code: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    pub status: String,
    pub status_label: String,
    pub partner_count: i64,
    pub confirmed_count: i64,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub paper_received_on: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<apps::Summary> for ApplicationSummary {
    fn from(s: apps::Summary) -> Self {
        ApplicationSummary {
            status_label: Status::parse(&s.status)
                .map_or("", |x| x.label_zh())
                .to_owned(),
            id: s.id,
            number: s.number,
            call_id: s.call_id,
            call_title: s.call_title,
            lead_org_id: s.lead_org_id,
            lead_name: s.lead_name,
            province_code: s.province_code,
            institution_type: s.institution_type,
            direction: s.direction,
            status: s.status,
            partner_count: s.partner_count,
            confirmed_count: s.confirmed_count,
            submitted_version: s.submitted_version,
            submitted_at: s.submitted_at,
            paper_received_on: s.paper_received_on,
            updated_at: s.updated_at,
        }
    }
}

/// The applications a caller's list shows: the programme's fields (submitted ones), or those
/// its organisations lead or are named in.
fn list_visibility(cu: &CurrentUser) -> AppVisibility {
    use chanjiao_domain::users::role::Role;
    if cu.actor.has(Role::Office) || cu.actor.has(Role::FieldOrganiser) {
        AppVisibility::Fields(cu.actor.fields_run())
    } else {
        AppVisibility::Orgs(cu.actor.working_orgs())
    }
}

fn filter_of(p: &ListParams) -> apps::Filter {
    let nonblank = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    apps::Filter {
        call_id: p.call_id,
        status: nonblank(&p.status),
        province_code: nonblank(&p.province_code),
        institution_type: nonblank(&p.institution_type),
        partner_category: nonblank(&p.partner_category),
        q: nonblank(&p.q),
    }
}

/// Applications the caller may see.
#[utoipa::path(get, path = "/api/applications", tag = "applications", params(ListParams),
    responses((status = 200, body = PageOf<ApplicationSummary>), (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<ApplicationSummary>>> {
    let page = apps::list(
        &state.db,
        &list_visibility(&cu),
        &filter_of(&p),
        Paging::new(p.page, p.per_page),
    )
    .await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(ApplicationSummary::from)
            .collect(),
        total: page.total,
    }))
}

/// The intake list as an Excel workbook (programme staff).
#[utoipa::path(get, path = "/api/applications/export.xlsx", tag = "applications", params(ListParams),
    responses((status = 200, description = "XLSX"), (status = 403, body = ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Response> {
    use chanjiao_domain::users::role::Role;
    if !(cu.actor.has(Role::Office) || cu.actor.has(Role::FieldOrganiser)) {
        cu.authorize(
            &state,
            Action::ApplicationIntake,
            &Target::Programme,
            "application",
            "export",
        )
        .await?;
    }
    let mut rows = Vec::new();
    let mut page_no = 1;
    loop {
        let page = apps::list(
            &state.db,
            &list_visibility(&cu),
            &filter_of(&p),
            Paging::new(Some(page_no), Some(200)),
        )
        .await?;
        let n = page.items.len();
        rows.extend(page.items);
        if n < 200 {
            break;
        }
        page_no += 1;
    }
    let intake: Vec<chanjiao_docs::xlsx::intake::IntakeRow> = rows
        .iter()
        .map(|r| chanjiao_docs::xlsx::intake::IntakeRow {
            number: r.number.clone(),
            call_title: r.call_title.clone(),
            lead_name: r.lead_name.clone(),
            province_code: r.province_code.clone(),
            institution_type: r.institution_type.clone(),
            direction: r.direction.clone(),
            status: r.status.clone(),
            partner_count: r.partner_count,
            confirmed_count: r.confirmed_count,
            submitted_version: r.submitted_version,
            submitted_at: r.submitted_at,
            paper_received_on: r.paper_received_on.clone(),
        })
        .collect();
    let bytes = chanjiao_docs::xlsx::intake::applications_xlsx(&intake).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        ApiError::internal()
    })?;
    let mut e = cu.event("application.export", "application", "");
    e.detail = serde_json::json!({ "rows": rows.len() });
    audit::record(&state.db, e).await?;
    Ok(crate::http::download::file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "申报汇总.xlsx",
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub call_id: i64,
}

fn keys_of(form: &ApplicationForm) -> KeyColumns {
    KeyColumns {
        lead_name: form.lead.name.clone(),
        institution_type: form.lead.institution_type.clone().filter(|s| !s.is_empty()),
        direction: form.lead.direction.clone().filter(|s| !s.is_empty()),
    }
}

/// Starts an application for an open call; the lead block is prefilled from the organisation.
#[utoipa::path(post, path = "/api/applications", tag = "applications", request_body = NewApplication,
    responses((status = 201, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(input): ApiJson<NewApplication>,
) -> ApiResult<(StatusCode, Json<Application>)> {
    let lead_org_id = cu.user.org_id.ok_or_else(ApiError::forbidden)?;
    cu.authorize(
        &state,
        Action::ApplicationCreate,
        &Target::NewApplication { lead_org_id },
        "application",
        "",
    )
    .await?;
    let org = organizations::get(&state.db, lead_org_id)
        .await?
        .ok_or_else(ApiError::forbidden)?;
    if org.kind != "university" {
        return Err(ApiError::field(
            "call_id",
            FieldError::new(
                "lead_not_university",
                "牵头申报单位须为全日制本科院校或高等职业院校",
            ),
        ));
    }
    let call = calls::get(&state.db, input.call_id)
        .await?
        .filter(|c| c.status == "published")
        .ok_or_else(|| {
            ApiError::field("call_id", FieldError::new("not_found", "申报批次不存在"))
        })?;
    let now = state.clock.now();
    let deadline = calls::effective_deadline(&state.db, &call, lead_org_id).await?;
    if now < call.opens_at || now >= deadline {
        return Err(ApiError::field(
            "call_id",
            FieldError::new("not_open", "该批次尚未开放或已截止"),
        ));
    }
    if let Some(existing) = apps::find_for_lead(&state.db, call.id, lead_org_id).await? {
        let mut e = ApiError::conflict("application_exists", "本单位已在该批次中创建申报");
        e.fields.push(FieldProblem {
            field: "call_id".into(),
            code: "application_exists".into(),
            message: existing.id.to_string(),
        });
        return Err(e);
    }
    let mut form = ApplicationForm::default();
    form.lead.name = org.name.clone();
    form.lead.institution_type = org.university_type.clone();
    form.lead.nature = org.university_nature.clone();
    form.lead.contact_name = org.contact_name.clone();
    form.lead.contact_phone = org.contact_phone.clone();
    form.lead.contact_email = org.contact_email.clone();
    let json = serde_json::to_string(&form).map_err(|_| ApiError::internal())?;
    let year = chanjiao_domain::time::local(call.opens_at).format("%Y");
    let mut tx = state.db.begin().await?;
    let keys = keys_of(&form);
    let prefix = format!("SQ-{year}-");
    let new = apps::NewApplication {
        call_id: call.id,
        lead_org_id,
        form: &json,
        schema: FORM_SCHEMA_VERSION,
        keys: &keys,
        number_prefix: &prefix,
        by: cu.user.id,
    };
    let row = apps::insert(&mut tx, &new).await.map_err(|e| match e {
        chanjiao_store::StoreError::Conflict(_) => {
            ApiError::conflict("application_exists", "本单位已在该批次中创建申报")
        }
        e => e.into(),
    })?;
    let mut e = cu.event("application.create", "application", row.id);
    e.detail = serde_json::json!({ "call_id": call.id, "number": row.number });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let (ctx, target) =
        crate::access::application_context(&state, row.id, apps::Form::Read).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, &cu, ctx, &target).await?),
    ))
}

/// One application.
#[utoipa::path(get, path = "/api/applications/{id}", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Application), (status = 404, body = ErrorBody)))]
async fn get(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Application>> {
    let (ctx, target) =
        authorized_context(&state, &cu, id, Action::ApplicationRead, apps::Form::Read).await?;
    Ok(Json(view(&state, &cu, ctx, &target).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveForm {
    /// The revision the client last saw.
    pub revision: i64,
    #[schema(value_type = Object)]
    pub form: ApplicationForm,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    pub revision: i64,
    pub saved_at: DateTime<Utc>,
    pub form_errors: Vec<FieldProblem>,
    pub partners: Vec<PartnerStatus>,
}

/// Autosaves the draft (partial forms are fine; only hard limits are refused).
#[utoipa::path(put, path = "/api/applications/{id}/form", tag = "applications", params(("id" = i64, Path)), request_body = SaveForm,
    responses((status = 200, body = Saved), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_form(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<SaveForm>,
) -> ApiResult<Json<Saved>> {
    // The old form is not needed: this replaces it.
    let (ctx, _) =
        authorized_context(&state, &cu, id, Action::ApplicationEdit, apps::Form::Skip).await?;
    let row = &ctx.app;
    ensure_editable(row, "申报已提交，不能修改；如需修改请先撤回")?;
    let existing = &ctx.partners;
    let mut form = input.form;
    form.normalise();
    let problems = form.check_draft();
    if !problems.is_empty() {
        return Err(ApiError::validation(prefixed(problems)));
    }
    // Partner blocks may only name organisations that exist.
    let mut named = Vec::new();
    for (i, p) in form.partners.iter().enumerate() {
        if let Some(org_id) = p.org_id {
            let known = existing.iter().any(|p| p.org_id == org_id);
            if org_id == row.lead_org_id
                || (!known && organizations::get(&state.db, org_id).await?.is_none())
            {
                return Err(ApiError::field(
                    &format!("form.partners[{i}].org_id"),
                    FieldError::new("invalid_partner", "联合申报单位无效"),
                ));
            }
            if named.iter().any(|(o, _)| *o == org_id) {
                return Err(ApiError::field(
                    &format!("form.partners[{i}].org_id"),
                    FieldError::new("duplicate_partner", "同一单位不能重复列为联合申报单位"),
                ));
            }
            named.push((org_id, p.category.clone()));
        }
    }
    let json = serde_json::to_string(&form).map_err(|_| ApiError::internal())?;
    // Most saves leave the partners as they were: then the write transaction is one UPDATE
    // and the audit insert, which keeps SQLite's single writer (and PG's row lock) short.
    let mut current: Vec<(i64, Option<String>)> = existing
        .iter()
        .map(|p| (p.org_id, p.category.clone()))
        .collect();
    let mut wanted = named.clone();
    current.sort();
    wanted.sort();
    let partners_changed = current != wanted;
    let mut e = cu.event("application.save", "application", id);
    // The UPDATE's condition makes the new revision the given one plus one.
    e.detail = serde_json::json!({ "revision": input.revision + 1 });
    let saved = if partners_changed {
        let mut tx = state.db.begin().await?;
        let saved = apps::save_form(&mut tx, id, input.revision, &json, &keys_of(&form)).await?;
        if saved.is_some() {
            apps::sync_partners(&mut tx, id, &named).await?;
            audit::append(&mut tx, e).await?;
            tx.commit().await?;
        }
        saved
    } else {
        apps::save_form_audited(&state.db, id, input.revision, &json, &keys_of(&form), &e).await?
    };
    let Some(saved) = saved else {
        let mut e =
            ApiError::conflict("stale_revision", "申报书已在其他窗口保存过，请刷新后再保存");
        e.fields.push(FieldProblem {
            field: "revision".into(),
            code: "stale_revision".into(),
            message: row.revision.to_string(),
        });
        return Err(e);
    };
    let partners = if partners_changed {
        let confirmations = apps::partners(&state.db, id).await?;
        partner_statuses(&state, id, &form, &confirmations).await?
    } else {
        partner_statuses(&state, id, &form, existing).await?
    };
    let (problems, _) = blocking(
        state.clock.now(),
        &saved,
        &ctx.call,
        ctx.deadline(),
        &form,
        &partners,
    );
    Ok(Json(Saved {
        revision: saved.revision,
        saved_at: saved.updated_at,
        form_errors: problems,
        partners,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitInput {
    pub revision: i64,
}

/// Submits: checks eligibility, freezes a version, moves to submitted — all in one transaction,
/// so a crash leaves either the old state or the new one, and a second click finds it submitted.
#[utoipa::path(post, path = "/api/applications/{id}/submit", tag = "applications", params(("id" = i64, Path)), request_body = SubmitInput,
    responses((status = 200, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<SubmitInput>,
) -> ApiResult<Json<Application>> {
    let (ctx, target) =
        authorized_context(&state, &cu, id, Action::ApplicationEdit, apps::Form::Read).await?;
    let applicant_deadline = ctx.deadline();
    let apps::Context {
        app: row,
        call,
        partners: confirmations,
        // Submitting changes no attachment.
        attachments: files,
        ..
    } = ctx;
    let status = row.status();
    if status == Status::Submitted {
        return Err(ApiError::conflict(
            "already_submitted",
            "申报已提交，请勿重复提交",
        ));
    }
    let Some(to) = form_rules::next(status, Transition::Submit) else {
        return Err(ApiError::conflict("not_editable", "当前状态不能提交"));
    };
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let partners = partner_statuses(&state, id, &form, &confirmations).await?;
    let now = state.clock.now();
    let (problems, deadline) = blocking(now, &row, &call, applicant_deadline, &form, &partners);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    if input.revision != row.revision {
        let mut e = ApiError::conflict("stale_revision", "申报书已在其他窗口修改，请刷新后再提交");
        e.fields.push(FieldProblem {
            field: "revision".into(),
            code: "stale_revision".into(),
            message: row.revision.to_string(),
        });
        return Err(e);
    }
    let version = row.submitted_version.unwrap_or(0) + 1;
    let number = row.number.clone().unwrap_or_default();
    let hash = chanjiao_domain::applications::content_hash(&number, version, &row.form);
    let mut e = cu.event("application.submit", "application", id);
    e.detail = serde_json::json!({ "from": status.as_str(), "to": to.as_str(), "version": version, "content_hash": hash, "deadline": deadline });
    // Conditional on the state and revision we checked: a concurrent submit or edit loses.
    let Some(moved) = apps::submit_audited(
        &state.db,
        id,
        status.as_str(),
        row.revision,
        to.as_str(),
        version,
        &row.form,
        &hash,
        cu.user.id,
        &e,
    )
    .await?
    else {
        // Which condition failed: a double click finds it submitted, else someone edited.
        let now = apps::get(&state.db, id).await?;
        return Err(match now.map(|r| r.status()) {
            Some(Status::Submitted) => {
                ApiError::conflict("already_submitted", "申报已提交，请勿重复提交")
            }
            _ => ApiError::conflict("stale_revision", "申报书已在其他窗口修改，请刷新后再提交"),
        });
    };
    // A resubmission after a return had the correction term as its deadline: recompute.
    let (problems, deadline) = if status == Status::Returned {
        blocking(now, &moved, &call, applicant_deadline, &form, &partners)
    } else {
        (problems, deadline)
    };
    let known = Known {
        call,
        form,
        partners,
        problems,
        deadline,
        attachments: files,
    };
    Ok(Json(view_of(&state, &cu, moved, &target, known).await?))
}

/// Withdraws a submitted application before the deadline; it can be edited and submitted again.
#[utoipa::path(post, path = "/api/applications/{id}/withdraw", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn withdraw(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Application>> {
    let (ctx, target) =
        authorized_context(&state, &cu, id, Action::ApplicationEdit, apps::Form::Read).await?;
    let row = &ctx.app;
    if row.status() != Status::Submitted {
        return Err(ApiError::conflict(
            "not_withdrawable",
            "只有已提交且未受理的申报可以撤回",
        ));
    }
    if state.clock.now() >= ctx.deadline() {
        return Err(ApiError::field(
            "deadline",
            FieldError::new("deadline_passed", "已超过申报截止时间，不能撤回"),
        ));
    }
    transition(
        &state,
        &cu,
        row,
        Transition::Withdraw,
        serde_json::json!({}),
    )
    .await?;
    let (ctx, _) = crate::access::application_context(&state, id, apps::Form::Read).await?;
    Ok(Json(view(&state, &cu, ctx, &target).await?))
}

/// Applies a state transition with its audit entry; refuses a transition the SPEC does not draw.
async fn transition(
    state: &AppState,
    cu: &CurrentUser,
    row: &AppRow,
    t: Transition,
    detail: serde_json::Value,
) -> ApiResult<AppRow> {
    let from = row.status();
    let to = form_rules::next(from, t)
        .ok_or_else(|| ApiError::conflict("invalid_transition", "当前状态不能执行此操作"))?;
    let mut tx = state.db.begin().await?;
    let moved = apps::set_status(&mut tx, row.id, &[from.as_str()], to.as_str())
        .await?
        .ok_or_else(|| ApiError::conflict("state_changed", "申报状态已变化，请刷新"))?;
    let mut e = cu.event("application.transition", "application", row.id);
    e.detail = serde_json::json!({ "transition": t, "from": from.as_str(), "to": to.as_str(), "detail": detail });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(moved)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    /// Position of the partner block in `form.partners`.
    pub index: usize,
}

#[derive(Serialize, ToSchema)]
pub struct InviteLink {
    pub url: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Creates a single-use link with which an unregistered partner registers and answers.
#[utoipa::path(post, path = "/api/applications/{id}/invites", tag = "applications", params(("id" = i64, Path)), request_body = InviteInput,
    responses((status = 201, body = InviteLink), (status = 422, body = ErrorBody)))]
async fn invite(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<InviteInput>,
) -> ApiResult<(StatusCode, Json<InviteLink>)> {
    let (row, _) = authorized(&state, &cu, id, Action::ApplicationEdit).await?;
    let form = chanjiao_domain::applications::ApplicationForm::from_json(&row.form);
    let Some(block) = form.partners.get(input.index) else {
        return Err(ApiError::field(
            "index",
            FieldError::new("not_found", "没有这个联合申报单位"),
        ));
    };
    if block.org_id.is_some() {
        return Err(ApiError::field(
            "index",
            FieldError::new("already_registered", "该单位已注册，请其登录后确认"),
        ));
    }
    if block.name.trim().is_empty() {
        return Err(ApiError::field(
            &format!("form.partners[{}].name", input.index),
            FieldError::new("required", "请先填写单位名称"),
        ));
    }
    let email = chanjiao_domain::validate::Email::parse(&block.contact_email).map_err(|e| {
        ApiError::field(&format!("form.partners[{}].contact_email", input.index), e)
    })?;
    let token = crate::http::auth::random_token();
    let expires_at = chanjiao_store::now() + chrono::Duration::days(14);
    let mut tx = state.db.begin().await?;
    apps::insert_invite(
        &mut tx,
        &apps::NewInvite {
            application_id: id,
            token_hash: &crate::http::auth::token_hash(&token),
            index: input.index as i32,
            name: &block.name,
            email: email.as_str(),
            expires_at,
            by: cu.user.id,
        },
    )
    .await?;
    let mut e = cu.event("application.invite", "application", id);
    e.detail =
        serde_json::json!({ "index": input.index, "partner": block.name, "email": email.as_str() });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(InviteLink {
            url: format!("/invite/{token}"),
            token,
            expires_at,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// confirm | decline.
    pub decision: String,
    /// Required when declining.
    #[serde(default)]
    pub reason: String,
}

/// Validates a partner's decision: (status, reason).
pub fn parse_decision(d: &DecisionInput) -> ApiResult<(&'static str, Option<String>)> {
    match d.decision.as_str() {
        "confirm" => Ok(("confirmed", None)),
        "decline" => {
            let reason = bounded_text("拒绝原因", &d.reason, 500, true)
                .map_err(|e| ApiError::field("reason", e))?;
            Ok(("declined", Some(reason)))
        }
        _ => Err(ApiError::field(
            "decision",
            FieldError::new("invalid_choice", "请选择确认或拒绝"),
        )),
    }
}

/// A partner organisation confirms or declines its participation.
#[utoipa::path(post, path = "/api/applications/{id}/partners/{org_id}/decision", tag = "applications",
    params(("id" = i64, Path), ("org_id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = Application), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn partner_decision(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, org_id): Ids,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<Application>> {
    let (row, mut target) = crate::access::application(&state, id).await?;
    if let Target::Application { respond_as, .. } = &mut target {
        *respond_as = Some(org_id);
    }
    cu.authorize(
        &state,
        Action::ApplicationRespond,
        &target,
        "application",
        id,
    )
    .await?;
    ensure_editable(&row, "申报已提交，不能再更改确认")?;
    let (status, reason) = parse_decision(&input)?;
    let mut tx = state.db.begin().await?;
    if !apps::respond(&mut tx, id, org_id, status, reason.as_deref(), cu.user.id).await? {
        return Err(ApiError::not_found());
    }
    let mut e = cu.event("application.partner_decision", "application", id);
    e.detail = serde_json::json!({ "org_id": org_id, "status": status, "reason": reason });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let (ctx, target) = crate::access::application_context(&state, id, apps::Form::Read).await?;
    Ok(Json(view(&state, &cu, ctx, &target).await?))
}

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
async fn print(
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

#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: i32,
    pub content_hash: String,
    pub submitted_by_login: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionDetail {
    pub version: i32,
    pub content_hash: String,
    #[schema(value_type = Object)]
    pub form: ApplicationForm,
    pub submitted_at: DateTime<Utc>,
}

/// The submitted versions, oldest first.
#[utoipa::path(get, path = "/api/applications/{id}/versions", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionInfo>), (status = 404, body = ErrorBody)))]
async fn versions(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<VersionInfo>>> {
    authorized(&state, &cu, id, Action::ApplicationRead).await?;
    Ok(Json(
        apps::versions(&state.db, id)
            .await?
            .into_iter()
            .map(|v| VersionInfo {
                version: v.version,
                content_hash: v.content_hash,
                submitted_by_login: v.submitted_by_login,
                submitted_at: v.submitted_at,
            })
            .collect(),
    ))
}

/// One submitted version, as it was frozen.
#[utoipa::path(get, path = "/api/applications/{id}/versions/{version}", tag = "applications",
    params(("id" = i64, Path), ("version" = i64, Path)),
    responses((status = 200, body = VersionDetail), (status = 404, body = ErrorBody)))]
async fn version(
    State(state): State<AppState>,
    cu: CurrentUser,
    Ids(id, v): Ids,
) -> ApiResult<Json<VersionDetail>> {
    authorized(&state, &cu, id, Action::ApplicationRead).await?;
    let found = apps::versions(&state.db, id)
        .await?
        .into_iter()
        .find(|x| i64::from(x.version) == v)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(VersionDetail {
        version: found.version,
        content_hash: found.content_hash,
        form: chanjiao_domain::applications::ApplicationForm::from_json(&found.form),
        submitted_at: found.submitted_at,
    }))
}

/// Attaches supporting material to an application (multipart `file`, `kind`).
#[utoipa::path(post, path = "/api/applications/{id}/attachments", tag = "applications", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`file` and `kind` (evidence|other)"),
    responses((status = 201, body = Attachment), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let (row, _) = authorized(&state, &cu, id, Action::ApplicationEdit).await?;
    ensure_editable(&row, "申报已提交，不能修改附件；如需修改请先撤回")?;
    let multipart = Multipart::from_request(req, &state).await.map_err(|_| {
        ApiError::field(
            "file",
            FieldError::new("invalid_upload", "请以 multipart/form-data 上传文件"),
        )
    })?;
    let a = crate::uploads::store(
        &state,
        &cu,
        "application",
        id,
        &["evidence", "other"],
        Some(crate::uploads::APPLICATION_LIMIT),
        multipart,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormalCheckInput {
    /// accept | return.
    pub decision: String,
    #[serde(default)]
    pub reasons: String,
    /// Correction term (inclusive, Asia/Shanghai), required when returning.
    pub correction_due: Option<NaiveDate>,
}

/// The formal check (形式审查): accept for review, or return for correction with reasons and a term.
#[utoipa::path(post, path = "/api/applications/{id}/formal-check", tag = "applications", params(("id" = i64, Path)), request_body = FormalCheckInput,
    responses((status = 200, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn formal_check(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<FormalCheckInput>,
) -> ApiResult<Json<Application>> {
    let (row, target) = authorized(&state, &cu, id, Action::ApplicationIntake).await?;
    match input.decision.as_str() {
        "accept" => {
            transition(
                &state,
                &cu,
                &row,
                Transition::AcceptForReview,
                serde_json::json!({}),
            )
            .await?;
        }
        "return" => {
            let mut errors = Vec::new();
            let reasons = bounded_text("退回原因", &input.reasons, 2000, true)
                .map_err(|e| {
                    errors.push(FieldProblem::from_error(
                        "reasons",
                        FieldError::new("reasons_required", e.message),
                    ))
                })
                .ok();
            let due = input
                .correction_due
                .and_then(|d| chanjiao_domain::time::start_of(d + chrono::Duration::days(1)));
            match due {
                None => errors.push(FieldProblem::from_error(
                    "correction_due",
                    FieldError::new("correction_due_required", "请设置补正期限"),
                )),
                Some(d) if d <= state.clock.now() => errors.push(FieldProblem::from_error(
                    "correction_due",
                    FieldError::new("correction_due_past", "补正期限须晚于今天"),
                )),
                _ => {}
            }
            let (Some(reasons), Some(due), true) = (reasons, due, errors.is_empty()) else {
                return Err(ApiError::validation(errors));
            };
            let from = row.status();
            let to = form_rules::next(from, Transition::ReturnForCorrection)
                .ok_or_else(|| ApiError::conflict("invalid_transition", "当前状态不能退回"))?;
            let mut tx = state.db.begin().await?;
            apps::set_status(&mut tx, id, &[from.as_str()], to.as_str())
                .await?
                .ok_or_else(|| ApiError::conflict("state_changed", "申报状态已变化，请刷新"))?;
            apps::set_return(&mut tx, id, &reasons, due.with_timezone(&Utc)).await?;
            let mut e = cu.event("application.transition", "application", id);
            e.detail = serde_json::json!({ "transition": Transition::ReturnForCorrection, "from": from.as_str(), "to": to.as_str(), "reasons": reasons, "correction_due": due });
            audit::append(&mut tx, e).await?;
            tx.commit().await?;
        }
        _ => {
            return Err(ApiError::field(
                "decision",
                FieldError::new("invalid_choice", "请选择通过或退回"),
            ));
        }
    }
    let (ctx, _) = crate::access::application_context(&state, id, apps::Form::Read).await?;
    Ok(Json(view(&state, &cu, ctx, &target).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperInput {
    pub received_on: NaiveDate,
    pub courier: String,
    pub tracking_no: String,
    /// The 12-character 校验码 printed on the paper copy.
    pub printed_hash: String,
}

/// Records receipt of the sealed paper copy and compares its printed 校验码 with the versions.
#[utoipa::path(post, path = "/api/applications/{id}/paper-copy", tag = "applications", params(("id" = i64, Path)), request_body = PaperInput,
    responses((status = 200, body = Paper), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn paper_copy(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PaperInput>,
) -> ApiResult<Json<Paper>> {
    let (row, _) = authorized(&state, &cu, id, Action::ApplicationIntake).await?;
    if row.submitted_version.is_none() {
        return Err(ApiError::conflict("not_submitted", "该申报尚未提交电子版"));
    }
    let mut errors = Vec::new();
    let courier = bounded_text("快递公司", &input.courier, 50, true)
        .map_err(|e| errors.push(FieldProblem::from_error("courier", e)))
        .unwrap_or_default();
    let tracking_no = bounded_text("运单号", &input.tracking_no, 50, true)
        .map_err(|e| errors.push(FieldProblem::from_error("tracking_no", e)))
        .unwrap_or_default();
    let printed = chanjiao_domain::validate::normalize_compact(&input.printed_hash).to_lowercase();
    if printed.len() < 8 || printed.len() > 64 || !printed.chars().all(|c| c.is_ascii_hexdigit()) {
        errors.push(FieldProblem::from_error(
            "printed_hash",
            FieldError::new("hash_format", "校验码应为纸质件页脚上的12位字母数字"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let matches_version = apps::versions(&state.db, id)
        .await?
        .iter()
        .rev()
        .find(|v| v.content_hash.starts_with(&printed))
        .map(|v| v.version);
    let paper = apps::PaperCopy {
        received_on: input.received_on.to_string(),
        courier,
        tracking_no,
        printed_hash: printed,
        matches_version,
    };
    let mut tx = state.db.begin().await?;
    let saved = apps::set_paper(&mut tx, id, &paper).await?;
    let mut e = cu.event("application.paper_copy", "application", id);
    e.detail = serde_json::json!({ "received_on": paper.received_on, "courier": paper.courier, "tracking_no": paper.tracking_no, "matches_version": matches_version, "submitted_version": row.submitted_version });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(Paper {
        received_on: paper.received_on,
        courier: paper.courier,
        tracking_no: paper.tracking_no,
        printed_hash: paper.printed_hash,
        matches_version,
        matches_submitted: matches_version.is_some() && matches_version == saved.submitted_version,
        recorded_at: saved.paper_recorded_at,
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DirectoryParams {
    pub q: Option<String>,
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub srdi_level: Option<String>,
    pub province_code: String,
}

/// Registered organisations to pick as partners: names and kinds only, no contact data.
#[utoipa::path(get, path = "/api/directory/organizations", tag = "applications", params(DirectoryParams),
    responses((status = 200, body = Vec<DirectoryEntry>), (status = 401, body = ErrorBody)))]
async fn directory(
    State(state): State<AppState>,
    _cu: CurrentUser,
    ApiQuery(p): ApiQuery<DirectoryParams>,
) -> ApiResult<Json<Vec<DirectoryEntry>>> {
    let f = organizations::Filter {
        q: p.q,
        kind: p.kind,
        province_code: None,
    };
    let page = organizations::list(
        &state.db,
        &chanjiao_domain::policy::Visibility::All,
        &f,
        Paging::new(Some(1), Some(20)),
    )
    .await?;
    Ok(Json(
        page.items
            .into_iter()
            .filter(|o| !matches!(o.kind.as_str(), "office" | "alliance"))
            .map(|o| DirectoryEntry {
                id: o.id,
                name: o.name,
                kind: o.kind,
                srdi_level: o.srdi_level,
                province_code: o.province_code,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Choice {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct FormLimits {
    pub name: usize,
    pub short: usize,
    pub profile: usize,
    pub prose: usize,
    pub partners: usize,
}

#[derive(Serialize, ToSchema)]
pub struct FormMeta {
    pub institution_types: Vec<Choice>,
    pub natures: Vec<Choice>,
    pub supporting_projects: Vec<Choice>,
    pub funding_sources: Vec<Choice>,
    pub partner_categories: Vec<Choice>,
    pub plan_headings: Vec<Choice>,
    pub commitment_text: String,
    pub limits: FormLimits,
}

fn choices(all: &[(&str, &str)]) -> Vec<Choice> {
    all.iter()
        .map(|(c, n)| Choice {
            code: (*c).into(),
            name: (*n).into(),
        })
        .collect()
}

/// The form's choice lists, limits and fixed texts.
#[utoipa::path(get, path = "/api/meta/application", tag = "applications", responses((status = 200, body = FormMeta)))]
async fn form_meta() -> Json<FormMeta> {
    use chanjiao_domain::applications::{ConstructionPlan, limits};
    Json(FormMeta {
        institution_types: choices(InstitutionTypes::ALL),
        natures: choices(&[("public", "公办"), ("private", "民办")]),
        supporting_projects: choices(SupportingProjects::ALL),
        funding_sources: choices(FundingSources::ALL),
        partner_categories: choices(PartnerCategories::ALL),
        plan_headings: choices(&ConstructionPlan::HEADINGS),
        commitment_text: form_rules::COMMITMENT_TEXT.into(),
        limits: FormLimits {
            name: limits::NAME,
            short: limits::SHORT,
            profile: limits::PROFILE,
            prose: limits::PROSE,
            partners: limits::PARTNERS,
        },
    })
}
