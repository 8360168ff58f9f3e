//! Helpers every part of the review area shares: loading a round or an assignment with the caller's
//! right to it, the assignment problem of a round, notifying an expert.

use std::collections::HashMap;

use axum::response::Response;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::Transition;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_domain::provinces::province_by_code;
use chanjiao_domain::review::assign;
use chanjiao_domain::review::lists::EXPERTISE;
use chanjiao_domain::review::rubric::Rubric;
use chanjiao_domain::review::status::{AssignmentStatus, RoundStatus, eligible_statuses};
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

/// The assignment problem of a round, with the maps back to ids.
pub(super) struct Problem {
    pub(super) inst: assign::Instance,
    pub(super) apps: Vec<RoundApp>,
    pub(super) experts: Vec<ExpertRow>,
    pub(super) app_index: HashMap<i64, usize>,
    pub(super) expert_index: HashMap<i64, usize>,
}

pub(super) async fn build_problem(
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
            if a.status() != Some(AssignmentStatus::Declined) {
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
