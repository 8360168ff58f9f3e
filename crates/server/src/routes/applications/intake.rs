//! Intake by the programme: the list of applications (and its Excel export), the formal check
//! (形式审查) and the sealed paper copy.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{self as form_rules, Status, Transition};
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::validate::bounded_text;
use chanjiao_store::applications::{self as apps, AppVisibility};
use chanjiao_store::{Paging, audit};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::submission::transition;
use super::view::{Application, Paper, authorized, view};
use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

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
pub(super) fn list_visibility(cu: &CurrentUser) -> AppVisibility {
    use chanjiao_domain::users::role::Role;
    if cu.actor.has(Role::Office) || cu.actor.has(Role::FieldOrganiser) {
        AppVisibility::Fields(cu.actor.fields_run())
    } else {
        AppVisibility::Orgs(cu.actor.working_orgs())
    }
}

pub(super) fn filter_of(p: &ListParams) -> apps::Filter {
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
pub(super) async fn list(
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
pub(super) async fn export(
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
        rows.extend(page.items.into_iter().map(intake_row));
        if n < 200 {
            break;
        }
        page_no += 1;
    }
    let bytes = chanjiao_docs::xlsx::intake::applications_xlsx(&rows).map_err(|e| {
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
pub(super) async fn formal_check(
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
pub(super) async fn paper_copy(
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

/// A listed application as the intake workbook prints it.
fn intake_row(r: apps::Summary) -> chanjiao_docs::xlsx::intake::IntakeRow {
    chanjiao_docs::xlsx::intake::IntakeRow {
        number: r.number,
        call_title: r.call_title,
        lead_name: r.lead_name,
        province_code: r.province_code,
        institution_type: r.institution_type,
        direction: r.direction,
        status: r.status,
        partner_count: r.partner_count,
        confirmed_count: r.confirmed_count,
        submitted_version: r.submitted_version,
        submitted_at: r.submitted_at,
        paper_received_on: r.paper_received_on,
    }
}
