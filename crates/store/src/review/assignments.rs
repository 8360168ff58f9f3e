//! Assignments of experts to applications in a round, and the experts' answers.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::in_list;
use chanjiao_domain::review::status::{AssignmentStatus, ReviewStatus};

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub round_id: i64,
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub direction: Option<String>,
    pub expert_user_id: i64,
    pub expert_name: String,
    pub status: String,
    pub source: String,
    pub fit: i64,
    pub decline_reason: Option<String>,
    pub replaces_id: Option<i64>,
    pub correction_allowed: bool,
    pub created_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    /// `none`, `draft` or `submitted` (the latest version).
    pub review_status: String,
}

impl AssignmentRow {
    pub fn status(&self) -> Option<AssignmentStatus> {
        AssignmentStatus::parse(&self.status)
    }

    /// The latest review version's state (`None`: no review yet).
    pub fn review_status(&self) -> Option<ReviewStatus> {
        ReviewStatus::parse(&self.review_status)
    }
}

const ASSIGNMENTS: &str = "SELECT s.id, s.round_id, s.application_id, a.number, a.lead_name, \
     a.direction, s.expert_user_id, u.name AS expert_name, s.status, s.source, s.fit, \
     s.decline_reason, s.replaces_id, s.correction_allowed, s.created_at, s.responded_at, \
     COALESCE((SELECT v.status FROM reviews v WHERE v.assignment_id = s.id \
               ORDER BY v.version DESC LIMIT 1), 'none') AS review_status \
     FROM review_assignments s JOIN applications a ON a.id = s.application_id \
     JOIN users u ON u.id = s.expert_user_id";

pub async fn assignments(db: &Db, round_id: i64) -> Result<Vec<AssignmentRow>> {
    let sql = format!("{ASSIGNMENTS} WHERE s.round_id = $1 ORDER BY s.application_id, s.id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(round_id)
        .fetch_all(p)
        .await)?)
}

pub async fn assignments_of_expert(db: &Db, user_id: i64) -> Result<Vec<AssignmentRow>> {
    let sql = format!("{ASSIGNMENTS} WHERE s.expert_user_id = $1 ORDER BY s.round_id DESC, s.id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(p)
        .await)?)
}

pub async fn get_assignment(db: &Db, id: i64) -> Result<Option<AssignmentRow>> {
    let sql = format!("{ASSIGNMENTS} WHERE s.id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await)?)
}

/// Whether the expert has a (not declined) assignment in the round.
pub async fn expert_in_round(db: &Db, round_id: i64, user_id: i64) -> Result<bool> {
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_assignments WHERE round_id = $1 AND expert_user_id = $2 \
         AND status IN ('invited','accepted')"
    )
    .bind(round_id)
    .bind(user_id)
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

/// One assignment to store.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub application_id: i64,
    pub expert_user_id: i64,
    pub status: &'static str,
    pub source: String,
    pub fit: i64,
    pub replaces_id: Option<i64>,
}

pub async fn insert_assignment(tx: &mut Tx, round_id: i64, a: &NewAssignment) -> Result<i64> {
    let id = on_tx!(tx, |c| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO review_assignments (round_id, application_id, expert_user_id, status, \
             source, fit, replaces_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(round_id)
        .bind(a.application_id)
        .bind(a.expert_user_id)
        .bind(a.status)
        .bind(&a.source)
        .bind(a.fit)
        .bind(a.replaces_id)
        .bind(crate::now())
        .fetch_one(&mut *c)
        .await?;
        Ok::<i64, sqlx::Error>(id)
    })?;
    Ok(id)
}

/// Moves an assignment from one of `from` to `to` (an answer, a confirmation); false when it
/// was in none of them. The statuses are the program's constants, never user input.
pub async fn answer_assignment(
    tx: &mut Tx,
    id: i64,
    from: &[&'static str],
    to: &str,
    reason: Option<&str>,
) -> Result<bool> {
    let from = in_list(from);
    let sql = format!(
        "UPDATE review_assignments SET status = $1, decline_reason = COALESCE($2, decline_reason), \
         responded_at = $3 WHERE id = $4 AND status IN ({from})"
    );
    let n = on_tx!(tx, |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to)
            .bind(reason)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Points a proposed replacement at another expert.
pub async fn repoint_assignment(tx: &mut Tx, id: i64, user_id: i64, fit: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE review_assignments SET expert_user_id = $1, fit = $2, source = 'manual' \
             WHERE id = $3 AND status = 'proposed'",
        )
        .bind(user_id)
        .bind(fit)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn set_correction_allowed(tx: &mut Tx, id: i64, allowed: bool) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE review_assignments SET correction_allowed = $1 WHERE id = $2")
            .bind(allowed)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
