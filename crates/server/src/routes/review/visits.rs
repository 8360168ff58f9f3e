//! Visit records (调研) of a round.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::policy::Action;
use chanjiao_store::audit;
use chanjiao_store::review::{self as rv};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{round_apps, round_for};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

// Visits (调研)

#[derive(Serialize, ToSchema)]
pub struct Visit {
    pub id: i64,
    pub application_id: i64,
    pub mode: String,
    pub visited_on: String,
    pub participants: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub application_id: i64,
    pub mode: String,
    pub visited_on: String,
    pub participants: String,
    pub notes: String,
}

/// Visit records of a round.
#[utoipa::path(get, path = "/api/rounds/{id}/visits", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Visit>)))]
pub(super) async fn list_visits(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<Visit>>> {
    round_for(&state, &cu, id, Action::ReviewManage).await?;
    Ok(Json(
        rv::visits(&state.db, id)
            .await?
            .into_iter()
            .map(|v| Visit {
                id: v.id,
                application_id: v.application_id,
                mode: v.mode,
                visited_on: v.visited_on,
                participants: v.participants,
                notes: v.notes,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

/// Records a site or online visit (调研).
#[utoipa::path(post, path = "/api/rounds/{id}/visits", tag = "review", params(("id" = i64, Path)), request_body = VisitInput,
    responses((status = 201, body = Visit), (status = 422, body = ErrorBody)))]
pub(super) async fn add_visit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let mut errs = Vec::new();
    let mut bad = |f: &str, m: &str| {
        errs.push(FieldProblem {
            field: f.into(),
            code: "invalid".into(),
            message: m.into(),
        })
    };
    if !round_apps(&state, &r)
        .await?
        .iter()
        .any(|a| a.id == input.application_id)
    {
        bad("application_id", "请选择本批次中的申报");
    }
    if input.mode != "site" && input.mode != "online" {
        bad("mode", "请选择线下或线上调研");
    }
    if chrono::NaiveDate::parse_from_str(&input.visited_on, "%Y-%m-%d").is_err() {
        bad("visited_on", "请填写调研日期（如 2026-12-01）");
    }
    let participants = input.participants.trim();
    if participants.is_empty() || participants.chars().count() > 500 {
        bad("participants", "请填写参加人员（不超过 500 字）");
    }
    let notes = input.notes.trim();
    if notes.is_empty() || notes.chars().count() > 10_000 {
        bad("notes", "请填写调研记录（不超过 1 万字）");
    }
    if !errs.is_empty() {
        return Err(ApiError::validation(errs));
    }
    let mut tx = state.db.begin().await?;
    let vid = rv::insert_visit(
        &mut tx,
        id,
        &rv::NewVisit {
            application_id: input.application_id,
            mode: &input.mode,
            visited_on: &input.visited_on,
            participants,
            notes,
        },
        cu.user.id,
    )
    .await?;
    let mut e = cu.event("review.visit", "review_round", id);
    e.detail = serde_json::json!({ "visit": vid, "application_id": input.application_id, "mode": input.mode });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Visit {
            id: vid,
            application_id: input.application_id,
            mode: input.mode,
            visited_on: input.visited_on,
            participants: participants.into(),
            notes: notes.into(),
            created_at: chanjiao_store::now(),
        }),
    ))
}
