//! Expert review (评审): the expert pool, 申请回避, rounds and phases, assignments, reviews,
//! pledges, visit records, decisions with 立项 letters, notifications and the mail outbox.
//!
//! JSON arrays (fields, keywords, conflicts, scores, rubric) are stored as TEXT and parsed by
//! the callers; the same SQL runs on both backends.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::{Db, Page, Paging, Tx, on_db, on_tx};

/// An SQL list of status constants (`'a','b'`) for `IN (…)`; only for the program's own
/// constants, never user input (quotes are dropped all the same).
fn in_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("'{}'", s.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------------------------------------
// Expert pool

/// An expert: the account joined with the profile and the current load (assignments not
/// declined, in rounds not closed).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExpertRow {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: String,
    pub keywords: String,
    pub max_load: i32,
    pub available: bool,
    pub conflict_org_ids: String,
    pub conflict_application_ids: String,
    pub active_load: i64,
    pub updated_at: DateTime<Utc>,
}

const EXPERTS: &str = "SELECT u.id AS user_id, u.login, u.name, u.phone, u.email, u.disabled, \
     p.title, p.affiliation_org_id, p.affiliation_name, p.province_code, p.fields, p.keywords, \
     p.max_load, p.available, p.conflict_org_ids, p.conflict_application_ids, p.updated_at, \
     (SELECT COUNT(*) FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id \
       WHERE a.expert_user_id = u.id AND a.status <> 'declined' AND r.status <> 'closed') AS active_load \
     FROM expert_profiles p JOIN users u ON u.id = p.user_id";

#[derive(sqlx::FromRow)]
struct ExpertListRow {
    #[sqlx(flatten)]
    expert: ExpertRow,
    total: i64,
}

/// Lists experts; `q` matches name, login, affiliation or keywords; `field` a field code.
pub async fn list_experts(
    db: &Db,
    q: Option<&str>,
    field: Option<&str>,
    available: Option<bool>,
    paging: Paging,
) -> Result<Page<ExpertRow>> {
    let q = q.map(crate::organizations::like_pattern);
    // Field codes are `[a-z_]+`; anything else matches nothing. `_` is a LIKE wildcard that
    // can only stand for itself inside the quoted code.
    let field = field.map(|f| {
        if f.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            format!("%\"{f}\"%")
        } else {
            "\u{0}".to_owned()
        }
    });
    let sql = format!(
        "SELECT *, COUNT(*) OVER () AS total FROM ({EXPERTS}) x \
         WHERE ($1 IS NULL OR x.name LIKE $1 OR x.login LIKE $1 OR x.affiliation_name LIKE $1 \
                OR x.keywords LIKE $1) \
           AND ($2 IS NULL OR x.fields LIKE $2) AND ($3 IS NULL OR x.available = $3) \
         ORDER BY x.user_id LIMIT $4 OFFSET $5"
    );
    let rows: Vec<ExpertListRow> = on_db!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&q)
            .bind(&field)
            .bind(available)
            .bind(paging.per_page)
            .bind(paging.offset())
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.expert).collect(),
        total,
    })
}

/// Every expert (for the assigner and exports), by id.
pub async fn all_experts(db: &Db) -> Result<Vec<ExpertRow>> {
    let sql = format!("{EXPERTS} ORDER BY u.id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await)?)
}

pub async fn get_expert(db: &Db, user_id: i64) -> Result<Option<ExpertRow>> {
    let sql = format!("{EXPERTS} WHERE u.id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(p)
        .await)?)
}

/// A profile to write (JSON arrays already encoded).
#[derive(Debug, Clone)]
pub struct Profile {
    pub title: String,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: String,
    pub keywords: String,
    pub max_load: i32,
    pub available: bool,
    pub conflict_org_ids: String,
    pub conflict_application_ids: String,
}

pub async fn upsert_profile(tx: &mut Tx, user_id: i64, p: &Profile) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO expert_profiles (user_id, title, affiliation_org_id, affiliation_name, \
             province_code, fields, keywords, max_load, available, conflict_org_ids, \
             conflict_application_ids, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (user_id) DO UPDATE SET title = excluded.title, \
             affiliation_org_id = excluded.affiliation_org_id, \
             affiliation_name = excluded.affiliation_name, province_code = excluded.province_code, \
             fields = excluded.fields, keywords = excluded.keywords, max_load = excluded.max_load, \
             available = excluded.available, conflict_org_ids = excluded.conflict_org_ids, \
             conflict_application_ids = excluded.conflict_application_ids, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(&p.title)
        .bind(p.affiliation_org_id)
        .bind(&p.affiliation_name)
        .bind(&p.province_code)
        .bind(&p.fields)
        .bind(&p.keywords)
        .bind(p.max_load)
        .bind(p.available)
        .bind(&p.conflict_org_ids)
        .bind(&p.conflict_application_ids)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 申请回避

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AvoidRow {
    pub id: i64,
    pub application_id: i64,
    pub position: i32,
    pub name: String,
    pub affiliation: String,
    pub reason: String,
    pub expert_user_id: Option<i64>,
}

pub async fn avoid_requests(db: &Db, application_id: i64) -> Result<Vec<AvoidRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, application_id, position, name, affiliation, reason, expert_user_id \
         FROM avoid_requests WHERE application_id = $1 ORDER BY position"
    )
    .bind(application_id)
    .fetch_all(p)
    .await)?)
}

/// Every 申请回避 matched to an expert, for the assigner: (application, expert).
pub async fn avoid_pairs(db: &Db) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT application_id, expert_user_id FROM avoid_requests WHERE expert_user_id IS NOT NULL"
    )
    .fetch_all(p)
    .await)?)
}

/// Replaces an application's requests; each is matched to the pool expert with the same name
/// and affiliation, if there is exactly one.
pub async fn replace_avoid_requests(
    tx: &mut Tx,
    application_id: i64,
    items: &[(String, String, String)],
    by: i64,
) -> Result<()> {
    let now = crate::now();
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM avoid_requests WHERE application_id = $1")
            .bind(application_id)
            .execute(&mut *c)
            .await?;
        for (i, (name, affiliation, reason)) in items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO avoid_requests (application_id, position, name, affiliation, reason, \
                 expert_user_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, \
                 (SELECT MIN(p.user_id) FROM expert_profiles p JOIN users u ON u.id = p.user_id \
                  WHERE u.name = $3 AND p.affiliation_name = $4 \
                  HAVING COUNT(*) = 1), $6, $7)",
            )
            .bind(application_id)
            .bind(i as i32)
            .bind(name)
            .bind(affiliation)
            .bind(reason)
            .bind(by)
            .bind(now)
            .execute(&mut *c)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rounds and phases

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

// ---------------------------------------------------------------------------------------------
// Assignments

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

// ---------------------------------------------------------------------------------------------
// Reviews

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

// ---------------------------------------------------------------------------------------------
// Pledges and visits

pub async fn sign_pledge(tx: &mut Tx, round_id: i64, user_id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO review_pledges (round_id, expert_user_id, signed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (round_id, expert_user_id) DO NOTHING",
        )
        .bind(round_id)
        .bind(user_id)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn pledge_signed(db: &Db, round_id: i64, user_id: i64) -> Result<bool> {
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_pledges WHERE round_id = $1 AND expert_user_id = $2"
    )
    .bind(round_id)
    .bind(user_id)
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub round_id: i64,
    pub application_id: i64,
    pub mode: String,
    pub visited_on: String,
    pub participants: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewVisit<'a> {
    pub application_id: i64,
    pub mode: &'a str,
    pub visited_on: &'a str,
    pub participants: &'a str,
    pub notes: &'a str,
}

pub async fn insert_visit(tx: &mut Tx, round_id: i64, v: &NewVisit<'_>, by: i64) -> Result<i64> {
    let id = on_tx!(tx, |c| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO review_visits (round_id, application_id, mode, visited_on, participants, \
             notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(round_id)
        .bind(v.application_id)
        .bind(v.mode)
        .bind(v.visited_on)
        .bind(v.participants)
        .bind(v.notes)
        .bind(by)
        .bind(crate::now())
        .fetch_one(&mut *c)
        .await?;
        Ok::<i64, sqlx::Error>(id)
    })?;
    Ok(id)
}

pub async fn visits(db: &Db, round_id: i64) -> Result<Vec<VisitRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, round_id, application_id, mode, visited_on, participants, notes, created_at \
         FROM review_visits WHERE round_id = $1 ORDER BY id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

// ---------------------------------------------------------------------------------------------
// Decisions and 立项 letters

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DecisionRow {
    pub round_id: i64,
    pub application_id: i64,
    pub decision: String,
    pub note: String,
    pub decided_at: DateTime<Utc>,
    pub letter_number: Option<String>,
    pub letter_seq: Option<i32>,
    pub letter_issued_at: Option<DateTime<Utc>>,
}

const DECISION: &str = "SELECT round_id, application_id, decision, note, decided_at, \
     letter_number, letter_seq, letter_issued_at FROM review_decisions";

pub async fn decisions(db: &Db, round_id: i64) -> Result<Vec<DecisionRow>> {
    let sql = format!("{DECISION} WHERE round_id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(round_id)
        .fetch_all(p)
        .await)?)
}

pub async fn get_decision(
    db: &Db,
    round_id: i64,
    application_id: i64,
) -> Result<Option<DecisionRow>> {
    let sql = format!("{DECISION} WHERE round_id = $1 AND application_id = $2");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(round_id)
        .bind(application_id)
        .fetch_optional(p)
        .await)?)
}

/// Records a decision; refused (false) once the letter is issued.
pub async fn set_decision(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    decision: &str,
    note: &str,
    by: i64,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO review_decisions (round_id, application_id, decision, note, decided_by, \
             decided_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (round_id, application_id) DO UPDATE SET decision = excluded.decision, \
             note = excluded.note, decided_by = excluded.decided_by, \
             decided_at = excluded.decided_at WHERE review_decisions.letter_number IS NULL",
        )
        .bind(round_id)
        .bind(application_id)
        .bind(decision)
        .bind(note)
        .bind(by)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Numbers the letter: the next sequence number among letters issued in `year`, formatted by
/// `format(seq)`. None when already issued or not shortlisted.
pub async fn issue_letter(
    tx: &mut Tx,
    round_id: i64,
    application_id: i64,
    year_prefix: &str,
    format: impl Fn(i32) -> String,
) -> Result<Option<(String, DateTime<Utc>)>> {
    let now = crate::now();
    let pattern = format!("{year_prefix}%");
    on_tx!(tx, |c| {
        let (seq,): (i32,) = sqlx::query_as(
            "SELECT CAST(COALESCE(MAX(letter_seq), 0) + 1 AS INTEGER) FROM review_decisions \
             WHERE letter_number LIKE $1",
        )
        .bind(&pattern)
        .fetch_one(&mut *c)
        .await?;
        let number = format!("{year_prefix}{}", format(seq));
        let n = sqlx::query(
            "UPDATE review_decisions SET letter_number = $1, letter_seq = $2, letter_issued_at = $3 \
             WHERE round_id = $4 AND application_id = $5 AND decision = 'shortlisted' \
             AND letter_number IS NULL",
        )
        .bind(&number)
        .bind(seq)
        .bind(now)
        .bind(round_id)
        .bind(application_id)
        .execute(&mut *c)
        .await?
        .rows_affected();
        Ok::<_, sqlx::Error>((n == 1).then_some((number, now)))
    })
    .map_err(Into::into)
}

// ---------------------------------------------------------------------------------------------
// Notifications and the mail outbox

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Notifies one user (`user_id`) or everyone of an organisation (`org_id`).
pub async fn notify(
    tx: &mut Tx,
    user_id: Option<i64>,
    org_id: Option<i64>,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO notifications (user_id, org_id, title, body, link, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(title)
        .bind(body)
        .bind(link)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// The latest 100 notifications addressed to the user or their organisation.
pub async fn notifications_for(
    db: &Db,
    user_id: i64,
    org_id: Option<i64>,
) -> Result<Vec<NotificationRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, user_id, org_id, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 OR (org_id IS NOT NULL AND org_id = $2) ORDER BY id DESC LIMIT 100"
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_all(p)
    .await)?)
}

pub async fn get_notification(db: &Db, id: i64) -> Result<Option<NotificationRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, user_id, org_id, title, body, link, created_at, read_at FROM notifications \
         WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn mark_read(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Puts a mail in the outbox, in the transaction of the change it reports.
pub async fn enqueue_mail(tx: &mut Tx, to: &str, subject: &str, body: &str) -> Result<()> {
    let now = crate::now();
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MailRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MailListRow {
    #[sqlx(flatten)]
    mail: MailRow,
    total: i64,
}

pub async fn outbox(db: &Db, paging: Paging) -> Result<Page<MailRow>> {
    let rows: Vec<MailListRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT id, to_addr, subject, body, created_at, sent_at, attempts, last_error, \
         COUNT(*) OVER () AS total FROM mail_outbox ORDER BY id DESC LIMIT $1 OFFSET $2"
    )
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(p)
    .await)?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.mail).collect(),
        total,
    })
}

/// Unsent mail whose next attempt is due.
pub async fn due_mail(db: &Db, limit: i64) -> Result<Vec<MailRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, to_addr, subject, body, created_at, sent_at, attempts, last_error \
         FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2"
    )
    .bind(crate::now())
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Records the outcome of a delivery attempt.
pub async fn mail_attempted(
    db: &Db,
    id: i64,
    error: Option<&str>,
    next_attempt_at: DateTime<Utc>,
) -> Result<()> {
    let now = crate::now();
    // Through a transaction, so on SQLite the write joins the group writer's queue.
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
         sent_at = CASE WHEN $1 IS NULL THEN $2 ELSE NULL END, next_attempt_at = $3 WHERE id = $4"
    )
    .bind(error)
    .bind(now)
    .bind(next_attempt_at)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    tx.commit().await
}
