//! The assignment table: re-checking a hand-adjusted table, committing it, the committed table,
//! confirming a proposed replacement.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::Transition;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::assign;
use chanjiao_domain::review::proposal::{Load, Pair, PairViolation, check_table, loads_of};
use chanjiao_domain::review::status::{
    AssignmentStatus, AssignmentTransition, RoundKind, RoundTransition,
};
use chanjiao_store::audit;
use chanjiao_store::review::{self as rv, AssignmentRow, NewAssignment};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{
    assignment_for, build_problem, ensure_setup, expert_row, move_application, notify_expert,
    reload_assignment, round_for,
};
use super::rounds::{Round, fresh_round};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairsInput {
    pub pairs: Vec<Pair>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckResult {
    pub violations: Vec<PairViolation>,
    pub loads: Vec<Load>,
}

/// Re-checks a hand-adjusted table (every manual change calls this).
#[utoipa::path(post, path = "/api/rounds/{id}/assignment/check", tag = "review", params(("id" = i64, Path)), request_body = PairsInput,
    responses((status = 200, body = CheckResult)))]
pub(super) async fn check_pairs(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PairsInput>,
) -> ApiResult<Json<CheckResult>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let (p, _) = build_problem(&state, &r, false).await?;
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
pub(super) async fn commit(
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
    let (p, rows) = build_problem(&state, &r, false).await?;
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
        RoundTransition::Commit.source_codes()[0],
        RoundTransition::Commit.target().as_str(),
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
                    status: AssignmentStatus::Invited.as_str(),
                    source,
                    fit: assign::fit(&p.inst, a, e as usize),
                    replaces_id: None,
                },
            )
            .await?;
            if notified.insert(ex.user_id) {
                notify_expert(&mut tx, expert_row(&rows, ex.user_id)?, &r.title).await?;
            }
        }
        if r.kind() == Some(RoundKind::Initial) {
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
pub(super) async fn round_assignments(
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

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfirmInput {
    pub user_id: Option<i64>,
}

/// Confirms a proposed replacement (optionally with another expert, re-checked).
#[utoipa::path(post, path = "/api/assignments/{id}/confirm", tag = "review", params(("id" = i64, Path)), request_body = ConfirmInput,
    responses((status = 200, body = Assignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn confirm_replacement(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ConfirmInput>,
) -> ApiResult<Json<Assignment>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::ReviewManage).await?;
    if a.status() != Some(AssignmentStatus::Proposed) {
        return Err(ApiError::conflict("not_proposed", "该分配不是待确认的替换"));
    }
    let user_id = input.user_id.unwrap_or(a.expert_user_id);
    let (p, rows) = build_problem(&state, &r, true).await?;
    // The table as it would be: every live assignment of the round plus this one.
    let mut pairs: Vec<Pair> = rv::assignments(&state.db, r.id)
        .await?
        .into_iter()
        .filter(|x| x.status().is_some_and(AssignmentStatus::on_panel))
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
    let expert = expert_row(&rows, user_id)?;
    let mut tx = state.db.begin().await?;
    if user_id != a.expert_user_id {
        rv::repoint_assignment(&mut tx, id, user_id, fit).await?;
    }
    if !rv::answer_assignment(
        &mut tx,
        id,
        &AssignmentTransition::Confirm.source_codes(),
        AssignmentTransition::Confirm.target().as_str(),
        None,
    )
    .await?
    {
        return Err(ApiError::conflict("not_proposed", "该分配不是待确认的替换"));
    }
    notify_expert(&mut tx, expert, &r.title).await?;
    let mut e = cu.event("review.replacement_confirm", "review_assignment", id);
    e.detail = serde_json::json!({ "expert": user_id, "proposed": a.expert_user_id });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(a.into()))
}
