//! Integrity pledges and visit records (调研).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

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
