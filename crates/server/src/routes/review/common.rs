//! Helpers every part of the review area shares: loading a round or an assignment with the caller's
//! right to it, the assignment problem of a round, notifying an expert.

use std::collections::HashMap;

use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::Transition;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::provinces::province_by_code;
use chanjiao_domain::review::instance::{self, Problem};
use chanjiao_domain::review::rubric::Rubric;
use chanjiao_domain::review::status::{RoundStatus, eligible_statuses};
use chanjiao_store::applications as apps;
use chanjiao_store::calls::CallRow;
use chanjiao_store::notifications as notes;
use chanjiao_store::review::{self as rv, AssignmentRow, ExpertRow, PhaseRow, RoundApp, RoundRow};
use chanjiao_store::{Tx, calls};
use serde::Serialize;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, FieldProblem};
use crate::state::AppState;

pub(super) fn json_list<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(super) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// A 422 naming each field a domain validator refused.
pub(super) fn invalid(errors: Vec<(String, FieldError)>) -> ApiError {
    ApiError::validation(
        errors
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(&f, e))
            .collect(),
    )
}

pub(super) fn province_name(code: &str) -> String {
    province_by_code(code).map_or_else(|| code.to_owned(), |p| p.name.to_owned())
}

pub(super) async fn pool_manager(state: &AppState, cu: &CurrentUser) -> ApiResult<()> {
    cu.authorize(
        state,
        Action::ReviewManage,
        &Target::ReviewPool,
        "expert_pool",
        "",
    )
    .await
}

pub(super) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> ApiResult<Response> {
    Ok(crate::http::download::file_response(
        bytes,
        chanjiao_docs::xlsx::XLSX_MIME,
        filename,
    ))
}

pub fn rubric_of(r: &RoundRow) -> Rubric {
    serde_json::from_str(&r.rubric).unwrap_or_else(|_| Rubric::default_initial())
}

pub(super) async fn round_apps(state: &AppState, r: &RoundRow) -> ApiResult<Vec<RoundApp>> {
    Ok(if r.status() == Some(RoundStatus::Setup) {
        let statuses: Vec<&str> = eligible_statuses(r.kind())
            .iter()
            .map(|s| s.as_str())
            .collect();
        rv::call_applications(&state.db, r.call_id, &statuses).await?
    } else {
        rv::round_applications(&state.db, r.id).await?
    })
}

/// Loads a round and checks the caller's right to it.
pub(super) async fn round_for(
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

/// Moves an application along the state machine inside `tx` (no-op when it is already past).
pub(super) async fn move_application(tx: &mut Tx, id: i64, t: Transition) -> ApiResult<()> {
    let row = apps::get_tx(tx, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let from = row.status();
    if let Some(to) = chanjiao_domain::applications::next(from, t) {
        apps::set_status(tx, id, &[from.as_str()], to.as_str()).await?;
    }
    Ok(())
}

// Assignment

/// The assignment problem of a round (domain), built from the store's rows. The pool's rows come
/// back too, for notifying the experts.
pub(super) async fn build_problem(
    state: &AppState,
    r: &RoundRow,
    exclude_round_load: bool,
) -> ApiResult<(Problem, HashMap<i64, ExpertRow>)> {
    let apps_in = round_apps(state, r).await?;
    let all = rv::all_experts(&state.db).await?;
    let partners = rv::call_partner_orgs(&state.db, r.call_id).await?;
    let avoided = rv::avoid_pairs(&state.db).await?;
    let own_assignments = if exclude_round_load {
        rv::assignments(&state.db, r.id)
            .await?
            .iter()
            .map(|a| (a.expert_user_id, a.status()))
            .collect()
    } else {
        Vec::new()
    };
    let facts = instance::Facts {
        per_application: r.per_application as u32,
        applications: apps_in
            .into_iter()
            .map(|a| instance::ApplicationFacts {
                id: a.id,
                number: a.number,
                lead_org_id: a.lead_org_id,
                lead_name: a.lead_name,
                province_code: a.province_code,
                direction: a.direction,
                form: a.form,
            })
            .collect(),
        experts: all
            .iter()
            .map(|e| instance::ExpertFacts {
                user_id: e.user_id,
                name: e.name.clone(),
                disabled: e.disabled,
                available: e.available,
                affiliation_org_id: e.affiliation_org_id,
                affiliation_name: e.affiliation_name.clone(),
                province_code: e.province_code.clone(),
                fields: json_list(&e.fields),
                keywords: json_list(&e.keywords),
                max_load: e.max_load,
                active_load: e.active_load,
                conflict_org_ids: json_list(&e.conflict_org_ids),
                conflict_application_ids: json_list(&e.conflict_application_ids),
            })
            .collect(),
        partners,
        avoided,
        own_assignments,
    };
    let problem = instance::build(facts).map_err(|e| {
        tracing::error!(error = %e, "keyword automaton");
        ApiError::internal()
    })?;
    Ok((problem, all.into_iter().map(|e| (e.user_id, e)).collect()))
}

/// The pool row of an expert of the problem (for notifying them).
pub(super) fn expert_row(rows: &HashMap<i64, ExpertRow>, user_id: i64) -> ApiResult<&ExpertRow> {
    rows.get(&user_id).ok_or_else(ApiError::internal)
}

/// Assignment changes only while the round is being set up.
pub(super) fn ensure_setup(r: &RoundRow) -> ApiResult<()> {
    if r.status() == Some(RoundStatus::Setup) {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "round_started",
            "分配已确认，评审已开始",
        ))
    }
}

pub(super) async fn notify_expert(tx: &mut Tx, ex: &ExpertRow, round_title: &str) -> ApiResult<()> {
    let title = "新的评审任务";
    let body = format!("您被邀请参加“{round_title}”的评审，请登录平台确认是否参加。");
    notes::notify(tx, Some(ex.user_id), None, title, &body, Some(MY_REVIEWS)).await?;
    if let Some(email) = ex.email.as_deref().filter(|e| !e.is_empty()) {
        notes::enqueue_mail(tx, email, &format!("【专精特新产业学院】{title}"), &body).await?;
    }
    Ok(())
}

/// An assignment as stored now (after a change).
pub(super) async fn reload_assignment(state: &AppState, id: i64) -> ApiResult<AssignmentRow> {
    rv::get_assignment(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Loads an assignment and checks `action` on it.
pub(super) async fn assignment_for(
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

pub(super) async fn current_phase(state: &AppState, r: &RoundRow) -> ApiResult<Option<PhaseRow>> {
    Ok(match r.current_phase_id {
        Some(pid) => rv::phases(&state.db, r.id)
            .await?
            .into_iter()
            .find(|p| p.id == pid),
        None => None,
    })
}

/// The app's page of an expert's review tasks, where their notifications lead.
pub(super) const MY_REVIEWS: &str = "/my-reviews";
