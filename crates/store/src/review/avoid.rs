//! 申请回避: the experts an applicant asked not to review it.

use serde::Serialize;

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

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
