//! Review rounds (评审批次) and their phases: create, edit while in setup, activate a phase, close.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::Transition;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::review::lists::{ROUND_KINDS, label};
use chanjiao_domain::review::rounds::{PhaseSpec, validate_round};
use chanjiao_domain::review::rubric::Rubric;
use chanjiao_domain::review::status::{
    AssignmentStatus, PhaseStatus, ReviewStatus, RoundKind, RoundStatus, RoundTransition,
};
use chanjiao_store::calls::CallRow;
use chanjiao_store::review::{self as rv, PhaseInput, PhaseRow, RoundInput, RoundRow};
use chanjiao_store::{audit, calls};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{invalid, move_application, pool_manager, round_apps, round_for, rubric_of};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, Id};
use crate::state::AppState;

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

pub(super) async fn round_view(state: &AppState, r: RoundRow, call: &CallRow) -> ApiResult<Round> {
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
            .filter(|a| a.status().is_some_and(AssignmentStatus::on_panel))
            .count(),
        submitted_reviews: assignments
            .iter()
            .filter(|a| a.review_status() == Some(ReviewStatus::Submitted))
            .count(),
        created_at: r.created_at,
    })
}

/// The round as stored now (after a change), as the API shows it.
pub(super) async fn fresh_round(
    state: &AppState,
    id: i64,
    call: &CallRow,
) -> ApiResult<Json<Round>> {
    let r = rv::get_round(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(round_view(state, r, call).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct RoundQuery {
    pub call_id: Option<i64>,
}

/// Review rounds (评审批次) the caller runs.
#[utoipa::path(get, path = "/api/rounds", tag = "review", params(RoundQuery),
    responses((status = 200, body = Vec<Round>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_rounds(
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

/// Validates a round (domain) into what the store writes.
fn parse_round(
    kind: &str,
    title: &str,
    k: i32,
    rubric: Option<Rubric>,
    phases: Option<Vec<PhaseSpec>>,
    threshold: Option<f64>,
) -> ApiResult<(RoundInput, Vec<PhaseInput>)> {
    let (round, phases) =
        validate_round(kind, title, k, rubric, phases, threshold).map_err(invalid)?;
    Ok((
        RoundInput {
            kind: round.kind,
            title: round.title,
            per_application: round.per_application,
            rubric: serde_json::to_string(&round.rubric).map_err(|_| ApiError::internal())?,
            disagreement_threshold: round.disagreement_threshold,
        },
        phases
            .into_iter()
            .map(|p| PhaseInput {
                kind: p.kind,
                name: p.name,
                blind: p.blind,
                scores_editable: p.scores_editable,
                decider: p.decider,
            })
            .collect(),
    ))
}

/// Opens a review round for a call.
#[utoipa::path(post, path = "/api/rounds", tag = "review", request_body = RoundCreate,
    responses((status = 201, body = Round), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_round(
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
    let (round, phases) = parse_round(
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
pub(super) async fn get_round(
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
pub(super) async fn update_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<RoundUpdate>,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.status() != Some(RoundStatus::Setup) {
        return Err(ApiError::conflict(
            "round_started",
            "评审已开始，不能修改评审批次设置",
        ));
    }
    let phases_given = input.phases.is_some();
    let (round, phases) = parse_round(
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
pub(super) async fn activate_phase(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PhaseChoice>,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    if r.status() != Some(RoundStatus::Reviewing) {
        return Err(ApiError::conflict(
            "not_reviewing",
            "只有评审进行中的批次可以切换阶段",
        ));
    }
    let phases = rv::phases(&state.db, id).await?;
    if !phases
        .iter()
        .any(|p| p.id == input.phase_id && p.status() == Some(PhaseStatus::Pending))
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
pub(super) async fn close_round(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Round>> {
    let (r, call) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let apps_in = rv::round_applications(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    if !rv::set_round_status(
        &mut tx,
        id,
        RoundTransition::Close.source_codes()[0],
        RoundTransition::Close.target().as_str(),
        None,
        None,
    )
    .await?
    {
        return Err(ApiError::conflict(
            "not_reviewing",
            "只有评审进行中的批次可以结束",
        ));
    }
    if r.kind() == Some(RoundKind::Initial) {
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
