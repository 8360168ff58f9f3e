//! The expert's review: the draft, saving, submitting, and the office's permission to correct it.

use std::collections::{BTreeMap, HashSet};

use axum::Json;
use axum::extract::State;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::rubric::Rubric;
use chanjiao_domain::review::status::{AssignmentStatus, ReviewStatus, RoundStatus};
use chanjiao_store::audit;
use chanjiao_store::notifications as notes;
use chanjiao_store::review::{self as rv, AssignmentRow, RoundRow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::assignment::Assignment;
use super::common::{MY_REVIEWS, assignment_for, current_phase, reload_assignment, rubric_of};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody, FieldProblem};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

// Reviews

#[derive(Serialize, ToSchema)]
pub struct Review {
    pub id: Option<i64>,
    pub version: i32,
    pub status: String,
    pub scores: BTreeMap<String, f64>,
    pub recommendation: Option<String>,
    pub opinion_html: String,
    pub total: Option<f64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub correction_allowed: bool,
    pub pledge_signed: bool,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
}

pub(super) async fn review_view(
    state: &AppState,
    a: &AssignmentRow,
    r: &RoundRow,
) -> ApiResult<Review> {
    let latest = rv::latest_review(&state.db, a.id).await?;
    let pledge_signed = rv::pledge_signed(&state.db, r.id, a.expert_user_id).await?;
    let rubric = rubric_of(r);
    Ok(match latest {
        Some(v) => Review {
            id: Some(v.id),
            version: v.version,
            status: v.status,
            scores: serde_json::from_str(&v.scores).unwrap_or_default(),
            recommendation: v.recommendation,
            opinion_html: v.opinion_html,
            total: v.total,
            submitted_at: v.submitted_at,
            correction_allowed: a.correction_allowed,
            pledge_signed,
            rubric,
        },
        None => Review {
            id: None,
            version: 1,
            status: ReviewStatus::Draft.as_str().into(),
            scores: BTreeMap::new(),
            recommendation: None,
            opinion_html: String::new(),
            total: None,
            submitted_at: None,
            correction_allowed: false,
            pledge_signed,
            rubric,
        },
    })
}

/// The expert's own review of this assignment (a blank draft when none).
#[utoipa::path(get, path = "/api/assignments/{id}/review", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Review), (status = 404, body = ErrorBody)))]
pub(super) async fn get_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub scores: BTreeMap<String, f64>,
    pub recommendation: Option<String>,
    pub opinion_html: String,
}

/// Which version an edit goes to: the draft, or a new version after an allowed correction.
pub(super) fn editable_version(
    latest: Option<&rv::ReviewRow>,
    correction_allowed: bool,
) -> Result<i32, ApiError> {
    match latest {
        None => Ok(1),
        Some(v) if v.status() == Some(ReviewStatus::Draft) => Ok(v.version),
        Some(v) if correction_allowed => Ok(v.version + 1),
        Some(_) => Err(ApiError::conflict(
            "review_submitted",
            "评审意见已提交，不能修改；如需更正请联系项目办公室",
        )),
    }
}

pub(super) async fn ensure_can_score(
    state: &AppState,
    a: &AssignmentRow,
    r: &RoundRow,
) -> ApiResult<()> {
    if r.status() != Some(RoundStatus::Reviewing) {
        return Err(ApiError::conflict("not_reviewing", "该评审批次不在评审中"));
    }
    if a.status() != Some(AssignmentStatus::Accepted) {
        return Err(ApiError::conflict("not_accepted", "请先确认参加评审"));
    }
    if current_phase(state, r)
        .await?
        .is_some_and(|p| !p.scores_editable)
    {
        return Err(ApiError::conflict("scores_locked", "当前阶段不能修改评分"));
    }
    Ok(())
}

pub(super) fn field_problems(problems: Vec<(String, FieldError)>) -> ApiError {
    ApiError::validation(
        problems
            .into_iter()
            .map(|(f, e)| FieldProblem::from_error(&f, e))
            .collect(),
    )
}

/// Saves the draft review (partial scores allowed; the opinion is sanitised HTML).
#[utoipa::path(put, path = "/api/assignments/{id}/review", tag = "review", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = Review), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn save_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    ensure_can_score(&state, &a, &r).await?;
    let rubric = rubric_of(&r);
    rubric
        .check_scores(
            &input.scores,
            input.recommendation.as_deref().filter(|s| !s.is_empty()),
            false,
        )
        .map_err(field_problems)?;
    if input.opinion_html.len() > 100_000 {
        return Err(ApiError::field(
            "opinion_html",
            FieldError::new("too_long", "评审意见过长（不超过 3 万字）"),
        ));
    }
    let latest = rv::latest_review(&state.db, id).await?;
    let version = editable_version(latest.as_ref(), a.correction_allowed)?;
    let content = rv::ReviewContent {
        scores: serde_json::to_string(&input.scores).map_err(|_| ApiError::internal())?,
        recommendation: input.recommendation.filter(|s| !s.is_empty()),
        opinion_html: sanitize_opinion(&input.opinion_html),
        total: rubric.total(&input.scores),
    };
    let mut tx = state.db.begin().await?;
    if !rv::save_draft(&mut tx, id, version, &content).await? {
        return Err(ApiError::conflict(
            "review_submitted",
            "评审意见已提交，不能修改；如需更正请联系项目办公室",
        ));
    }
    let mut e = cu.event("review.save", "review_assignment", id);
    e.detail = serde_json::json!({ "version": version });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

/// Sanitises the opinion: basic formatting only, no scripts, styles, links or images.
pub fn sanitize_opinion(html: &str) -> String {
    ammonia::Builder::new()
        .tags(HashSet::from([
            "p",
            "br",
            "b",
            "strong",
            "i",
            "em",
            "u",
            "ul",
            "ol",
            "li",
            "blockquote",
            "h3",
            "h4",
        ]))
        .generic_attributes(HashSet::new())
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// Submits the review: complete scores and recommendation, the pledge signed; immutable after.
#[utoipa::path(post, path = "/api/assignments/{id}/review/submit", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Review), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn submit_review(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Review>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::AssignmentWork).await?;
    ensure_can_score(&state, &a, &r).await?;
    if !rv::pledge_signed(&state.db, r.id, cu.user.id).await? {
        return Err(ApiError::conflict(
            "pledge_required",
            "请先签署评审诚信承诺",
        ));
    }
    let Some(draft) = rv::latest_review(&state.db, id)
        .await?
        .filter(|v| v.status() == Some(ReviewStatus::Draft))
    else {
        return Err(ApiError::conflict(
            "nothing_to_submit",
            "没有待提交的评审意见（已提交的评审意见不能重复提交）",
        ));
    };
    let scores: BTreeMap<String, f64> = serde_json::from_str(&draft.scores).unwrap_or_default();
    let rubric = rubric_of(&r);
    rubric
        .check_scores(&scores, draft.recommendation.as_deref(), true)
        .map_err(field_problems)?;
    let mut tx = state.db.begin().await?;
    if !rv::submit_review(&mut tx, id, draft.version).await? {
        return Err(ApiError::conflict("review_submitted", "评审意见已提交"));
    }
    if a.correction_allowed {
        rv::set_correction_allowed(&mut tx, id, false).await?;
    }
    let mut e = cu.event("review.submit", "review_assignment", id);
    e.detail = serde_json::json!({ "version": draft.version, "total": draft.total, "recommendation": draft.recommendation });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(review_view(&state, &a, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    pub reason: String,
}

/// Lets the expert correct a submitted review as a new version.
#[utoipa::path(post, path = "/api/assignments/{id}/review/allow-correction", tag = "review", params(("id" = i64, Path)), request_body = CorrectionInput,
    responses((status = 200, body = Assignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn allow_correction(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<CorrectionInput>,
) -> ApiResult<Json<Assignment>> {
    let (a, r) = assignment_for(&state, &cu, id, Action::ReviewManage).await?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::field(
            "reason",
            FieldError::new("required", "请填写允许更正的理由（不超过 500 字）"),
        ));
    }
    if r.status() != Some(RoundStatus::Reviewing)
        || a.review_status() != Some(ReviewStatus::Submitted)
    {
        return Err(ApiError::conflict(
            "not_submitted",
            "只有评审进行中且已提交的评审意见可以更正",
        ));
    }
    let mut tx = state.db.begin().await?;
    rv::set_correction_allowed(&mut tx, id, true).await?;
    notes::notify(
        &mut tx,
        Some(a.expert_user_id),
        None,
        "评审意见可以更正",
        &format!("项目办公室已允许您更正评审意见：{reason}"),
        Some(MY_REVIEWS),
    )
    .await?;
    let mut e = cu.event("review.allow_correction", "review_assignment", id);
    e.detail = serde_json::json!({ "reason": reason });
    audit::append(&mut tx, e).await?;
    tx.commit().await?;
    let a = reload_assignment(&state, id).await?;
    Ok(Json(a.into()))
}
