//! Review rounds and their phases, and the applications a round reviews.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::in_list;
use chanjiao_domain::review::status::{PhaseStatus, RoundKind, RoundStatus};

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub call_id: i64,
    pub kind: String,
    pub title: String,
    pub per_application: i32,
    pub rubric: String,
    pub disagreement_threshold: f64,
    pub status: String,
    pub current_phase_id: Option<i64>,
    pub assignment_mode: Option<String>,
    pub assignment_seed: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PhaseRow {
    pub id: i64,
    pub round_id: i64,
    pub position: i32,
    pub kind: String,
    pub name: String,
    pub blind: bool,
    pub scores_editable: bool,
    pub decider: String,
    pub status: String,
}

impl RoundRow {
    /// The round's state (`None` for a code this program does not know).
    pub fn status(&self) -> Option<RoundStatus> {
        RoundStatus::parse(&self.status)
    }

    pub fn kind(&self) -> Option<RoundKind> {
        RoundKind::parse(&self.kind)
    }
}

impl PhaseRow {
    pub fn status(&self) -> Option<PhaseStatus> {
        PhaseStatus::parse(&self.status)
    }
}

/// A new or edited round.
#[derive(Debug, Clone)]
pub struct RoundInput {
    pub kind: String,
    pub title: String,
    pub per_application: i32,
    pub rubric: String,
    pub disagreement_threshold: f64,
}

/// A phase to create.
#[derive(Debug, Clone)]
pub struct PhaseInput {
    pub kind: String,
    pub name: String,
    pub blind: bool,
    pub scores_editable: bool,
    pub decider: String,
}

pub async fn insert_round(
    tx: &mut Tx,
    call_id: i64,
    r: &RoundInput,
    phases: &[PhaseInput],
    by: i64,
) -> Result<i64> {
    let now = crate::now();
    let id = on_tx!(tx, |c| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO review_rounds (call_id, kind, title, per_application, rubric, \
             disagreement_threshold, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'setup', $7, $8, $8) RETURNING id",
        )
        .bind(call_id)
        .bind(&r.kind)
        .bind(&r.title)
        .bind(r.per_application)
        .bind(&r.rubric)
        .bind(r.disagreement_threshold)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *c)
        .await?;
        Ok::<i64, sqlx::Error>(id)
    })?;
    replace_phases(tx, id, phases).await?;
    Ok(id)
}

/// Replaces the phases of a round in setup.
pub async fn replace_phases(tx: &mut Tx, round_id: i64, phases: &[PhaseInput]) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM review_phases WHERE round_id = $1")
            .bind(round_id)
            .execute(&mut *c)
            .await?;
        for (i, ph) in phases.iter().enumerate() {
            sqlx::query(
                "INSERT INTO review_phases (round_id, position, kind, name, blind, scores_editable, \
                 decider, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
            )
            .bind(round_id)
            .bind(i as i32)
            .bind(&ph.kind)
            .bind(&ph.name)
            .bind(ph.blind)
            .bind(ph.scores_editable)
            .bind(&ph.decider)
            .execute(&mut *c)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

pub async fn update_round(tx: &mut Tx, id: i64, r: &RoundInput) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE review_rounds SET kind = $1, title = $2, per_application = $3, rubric = $4, \
             disagreement_threshold = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&r.kind)
        .bind(&r.title)
        .bind(r.per_application)
        .bind(&r.rubric)
        .bind(r.disagreement_threshold)
        .bind(crate::now())
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn get_round(db: &Db, id: i64) -> Result<Option<RoundRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, call_id, kind, title, per_application, rubric, disagreement_threshold, status, \
         current_phase_id, assignment_mode, assignment_seed, created_at, updated_at \
         FROM review_rounds WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn list_rounds(db: &Db, call_id: Option<i64>) -> Result<Vec<RoundRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, call_id, kind, title, per_application, rubric, disagreement_threshold, status, \
         current_phase_id, assignment_mode, assignment_seed, created_at, updated_at \
         FROM review_rounds WHERE ($1 IS NULL OR call_id = $1) ORDER BY id DESC"
    )
    .bind(call_id)
    .fetch_all(p)
    .await)?)
}

pub async fn phases(db: &Db, round_id: i64) -> Result<Vec<PhaseRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, round_id, position, kind, name, blind, scores_editable, decider, status \
         FROM review_phases WHERE round_id = $1 ORDER BY position"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Makes `phase_id` the round's active phase; earlier active phases close.
pub async fn activate_phase(tx: &mut Tx, round_id: i64, phase_id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE review_phases SET status = 'closed' WHERE round_id = $1 AND status = 'active'",
        )
        .bind(round_id)
        .execute(&mut *c)
        .await?;
        sqlx::query("UPDATE review_phases SET status = 'active' WHERE id = $1 AND round_id = $2")
            .bind(phase_id)
            .bind(round_id)
            .execute(&mut *c)
            .await?;
        sqlx::query("UPDATE review_rounds SET current_phase_id = $1, updated_at = $2 WHERE id = $3")
            .bind(phase_id)
            .bind(crate::now())
            .bind(round_id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Moves a round from `from` to `to`; false when it was not in `from` (a concurrent change).
pub async fn set_round_status(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    mode: Option<&str>,
    seed: Option<&str>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE review_rounds SET status = $1, updated_at = $2, \
             assignment_mode = COALESCE($3, assignment_mode), \
             assignment_seed = COALESCE($4, assignment_seed) WHERE id = $5 AND status = $6",
        )
        .bind(to)
        .bind(crate::now())
        .bind(mode)
        .bind(seed)
        .bind(id)
        .bind(from)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// An application in a round, with what the assigner and the results need.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoundApp {
    pub id: i64,
    pub number: Option<String>,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub province_code: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    pub status: String,
    pub form: String,
}

/// The call's applications in any of `statuses`, by id.
pub async fn call_applications(db: &Db, call_id: i64, statuses: &[&str]) -> Result<Vec<RoundApp>> {
    let list = in_list(statuses);
    let sql = format!(
        "SELECT a.id, a.number, a.lead_org_id, a.lead_name, o.province_code, a.institution_type, \
         a.direction, a.status, a.form FROM applications a \
         JOIN organizations o ON o.id = a.lead_org_id \
         WHERE a.call_id = $1 AND a.status IN ({list}) ORDER BY a.id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(call_id)
        .fetch_all(p)
        .await)?)
}

/// The applications that have assignments in a round, by id.
pub async fn round_applications(db: &Db, round_id: i64) -> Result<Vec<RoundApp>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT a.id, a.number, a.lead_org_id, a.lead_name, o.province_code, a.institution_type, \
         a.direction, a.status, a.form FROM applications a \
         JOIN organizations o ON o.id = a.lead_org_id \
         WHERE a.id IN (SELECT application_id FROM review_assignments WHERE round_id = $1) \
         ORDER BY a.id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Partner organisations of every application of a call: (application, org).
pub async fn call_partner_orgs(db: &Db, call_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT pc.application_id, pc.org_id FROM partner_confirmations pc \
         JOIN applications a ON a.id = pc.application_id WHERE a.call_id = $1"
    )
    .bind(call_id)
    .fetch_all(p)
    .await)?)
}
