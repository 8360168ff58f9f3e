//! Drafting: start an application, read it, autosave its form, attach material; the form's
//! choice lists and limits.

use axum::Json;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{
    self as form_rules, ApplicationForm, FORM_SCHEMA_VERSION, FundingSources, InstitutionTypes,
    PartnerCategories, SupportingProjects,
};
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::applications::{self as apps, KeyColumns};
use chanjiao_store::{audit, calls, organizations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::view::{
    Application, PartnerStatus, authorized, authorized_context, blocking, partner_statuses,
    prefixed, view,
};
use crate::access::ensure_editable;
use crate::http::auth::CurrentUser;
use crate::http::dto::Attachment;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub call_id: i64,
}

pub(super) fn keys_of(form: &ApplicationForm) -> KeyColumns {
    KeyColumns {
        lead_name: form.lead.name.clone(),
        institution_type: form.lead.institution_type.clone().filter(|s| !s.is_empty()),
        direction: form.lead.direction.clone().filter(|s| !s.is_empty()),
    }
}

/// Starts an application for an open call; the lead block is prefilled from the organisation.
#[utoipa::path(post, path = "/api/applications", tag = "applications", request_body = NewApplication,
    responses((status = 201, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create(
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
        .filter(|c| c.status() == chanjiao_domain::calls::Status::Published)
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
pub(super) async fn get(
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
pub(super) async fn save_form(
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

/// Attaches supporting material to an application (multipart `file`, `kind`).
#[utoipa::path(post, path = "/api/applications/{id}/attachments", tag = "applications", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`file` and `kind` (evidence|other)"),
    responses((status = 201, body = Attachment), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn upload(
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

pub(super) fn choices(all: &[(&str, &str)]) -> Vec<Choice> {
    all.iter()
        .map(|(c, n)| Choice {
            code: (*c).into(),
            name: (*n).into(),
        })
        .collect()
}

/// The form's choice lists, limits and fixed texts.
#[utoipa::path(get, path = "/api/meta/application", tag = "applications", responses((status = 200, body = FormMeta)))]
pub(super) async fn form_meta() -> Json<FormMeta> {
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
