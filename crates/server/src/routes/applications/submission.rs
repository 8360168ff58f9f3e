//! Submission: submit (a frozen, hashed version), withdraw before the deadline, the submitted
//! versions; the state transitions with their audit entries.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::FieldError;
use chanjiao_domain::applications::{self as form_rules, ApplicationForm, Status, Transition};
use chanjiao_domain::policy::Action;
use chanjiao_store::applications::{self as apps, AppRow};
use chanjiao_store::audit;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::view::{
    Application, Known, authorized, authorized_context, blocking, partner_statuses, view, view_of,
};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id, Ids};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitInput {
    pub revision: i64,
}

/// Submits: checks eligibility, freezes a version, moves to submitted — all in one transaction,
/// so a crash leaves either the old state or the new one, and a second click finds it submitted.
#[utoipa::path(post, path = "/api/applications/{id}/submit", tag = "applications", params(("id" = i64, Path)), request_body = SubmitInput,
    responses((status = 200, body = Application), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn submit(
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
pub(super) async fn withdraw(
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
pub(super) async fn transition(
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
pub(super) async fn versions(
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
pub(super) async fn version(
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
