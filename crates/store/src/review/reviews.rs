//! The experts' reviews (versioned drafts and submissions) and what aggregation reads.

use chrono::{DateTime, Utc};
use serde::Serialize;

use chanjiao_domain::review::status::ReviewStatus;

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub assignment_id: i64,
    pub version: i32,
    pub status: String,
    pub scores: String,
    pub recommendation: Option<String>,
    pub opinion_html: String,
    pub total: Option<f64>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl ReviewRow {
    pub fn status(&self) -> Option<ReviewStatus> {
        ReviewStatus::parse(&self.status)
    }
}

const REVIEW: &str = "SELECT id, assignment_id, version, status, scores, recommendation, \
     opinion_html, total, updated_at, submitted_at FROM reviews";

/// The latest version of an assignment's review.
pub async fn latest_review(db: &Db, assignment_id: i64) -> Result<Option<ReviewRow>> {
    let sql = format!("{REVIEW} WHERE assignment_id = $1 ORDER BY version DESC LIMIT 1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(assignment_id)
        .fetch_optional(p)
        .await)?)
}

/// The review content to save.
#[derive(Debug, Clone)]
pub struct ReviewContent {
    pub scores: String,
    pub recommendation: Option<String>,
    pub opinion_html: String,
    pub total: Option<f64>,
}

/// Saves the draft of `version` (creating it); refuses to touch a submitted version (false).
pub async fn save_draft(
    tx: &mut Tx,
    assignment_id: i64,
    version: i32,
    r: &ReviewContent,
) -> Result<bool> {
    let now = crate::now();
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO reviews (assignment_id, version, status, scores, recommendation, \
             opinion_html, total, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7) \
             ON CONFLICT (assignment_id, version) DO UPDATE SET scores = excluded.scores, \
             recommendation = excluded.recommendation, opinion_html = excluded.opinion_html, \
             total = excluded.total, updated_at = excluded.updated_at \
             WHERE reviews.status = 'draft'",
        )
        .bind(assignment_id)
        .bind(version)
        .bind(&r.scores)
        .bind(&r.recommendation)
        .bind(&r.opinion_html)
        .bind(r.total)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Submits the draft `version`; false when it is not a draft (already submitted).
pub async fn submit_review(tx: &mut Tx, assignment_id: i64, version: i32) -> Result<bool> {
    let now = crate::now();
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE reviews SET status = 'submitted', submitted_at = $1, updated_at = $1 \
             WHERE assignment_id = $2 AND version = $3 AND status = 'draft'",
        )
        .bind(now)
        .bind(assignment_id)
        .bind(version)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// The latest submitted review of an assignment, as aggregation needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmittedTotal {
    pub application_id: i64,
    pub expert_user_id: i64,
    pub total: f64,
    pub recommendation: Option<String>,
}

/// The latest submitted review of every assignment of a round that has one.
pub async fn submitted_totals(db: &Db, round_id: i64) -> Result<Vec<SubmittedTotal>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT s.application_id, s.expert_user_id, v.total, v.recommendation \
         FROM review_assignments s JOIN reviews v ON v.assignment_id = s.id \
         WHERE s.round_id = $1 AND v.status = 'submitted' AND v.total IS NOT NULL \
           AND v.version = (SELECT MAX(w.version) FROM reviews w \
                            WHERE w.assignment_id = s.id AND w.status = 'submitted')"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}
