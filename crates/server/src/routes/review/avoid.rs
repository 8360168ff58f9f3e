//! 申请回避: the experts an applicant asks not to review it.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::applications::Status;
use chanjiao_domain::policy::Action;
use chanjiao_store::applications as apps;
use chanjiao_store::audit;
use chanjiao_store::review::{self as rv};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

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

pub(super) async fn avoid_view(
    state: &AppState,
    id: i64,
    programme: bool,
) -> ApiResult<Vec<AvoidRequest>> {
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
pub(super) async fn avoid_access(
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
pub(super) async fn get_avoid(
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
pub(super) async fn put_avoid(
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
