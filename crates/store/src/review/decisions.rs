//! Selection decisions and the numbering of 立项 letters.

use chrono::{DateTime, Utc};
use serde::Serialize;

use chanjiao_domain::review::status::Decision;

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

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

impl DecisionRow {
    pub fn decision(&self) -> Option<Decision> {
        Decision::parse(&self.decision)
    }
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
