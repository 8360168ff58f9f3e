//! The expert's side: their assignments, accepting or declining, the integrity pledge, and the
//! application to review (blind phases: redacted).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::ApplicationForm;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::lists::{PLEDGE_TEXT, direction_name};
use chanjiao_domain::review::proposal::replacement;
use chanjiao_domain::review::redact::redact;
use chanjiao_domain::review::status::{
    AssignmentStatus, AssignmentTransition, ReviewStatus, RoundStatus,
};
use chanjiao_store::applications as apps;
use chanjiao_store::review::{self as rv, AssignmentRow, NewAssignment, RoundRow};
use chanjiao_store::{audit, calls};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{assignment_for, build_problem, current_phase, reload_assignment, round_for};
use super::rounds::Phase;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

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

pub(super) async fn my_view(
    state: &AppState,
    a: AssignmentRow,
    r: &RoundRow,
) -> ApiResult<MyAssignment> {
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
pub(super) async fn my_assignments(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Json<Vec<MyAssignment>>> {
    let mut out = Vec::new();
    let mut rounds: HashMap<i64, RoundRow> = HashMap::new();
    for a in rv::assignments_of_expert(&state.db, cu.user.id).await? {
        if a.status() == Some(AssignmentStatus::Proposed) {
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
pub(super) async fn accept(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<MyAssignment>> {
    let (_, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    if r.status() != Some(RoundStatus::Reviewing) {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    let mut tx = state.db.begin().await?;
    if !rv::answer_assignment(
        &mut tx,
        id,
        &AssignmentTransition::Accept.source_codes(),
        AssignmentTransition::Accept.target().as_str(),
        None,
    )
    .await?
    {
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

/// Declines (with a reason); a replacement for this slot only is proposed to the office.
#[utoipa::path(post, path = "/api/assignments/{id}/decline", tag = "review", params(("id" = i64, Path)), request_body = DeclineInput,
    responses((status = 200, body = MyAssignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn decline(
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
    if r.status() != Some(RoundStatus::Reviewing) {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    if a.review_status() == Some(ReviewStatus::Submitted) {
        return Err(ApiError::conflict(
            "already_reviewed",
            "已提交评审意见，不能再拒绝",
        ));
    }
    let (p, _) = build_problem(&state, &r, true).await?;
    let live: Vec<(i64, i64)> = rv::assignments(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|x| {
            x.id != id
                && (x
                    .status()
                    .is_some_and(|s| s.on_panel() || s == AssignmentStatus::Proposed))
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
        &AssignmentTransition::Decline.source_codes(),
        AssignmentTransition::Decline.target().as_str(),
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
                status: AssignmentStatus::Proposed.as_str(),
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
pub(super) async fn pledge(
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
pub(super) async fn assigned_form(
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
    if !a.status().is_some_and(AssignmentStatus::on_panel) {
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
pub(super) async fn assigned_application(
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
pub(super) async fn assigned_application_pdf(
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
