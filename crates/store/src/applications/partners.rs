//! Partner confirmations and the single-use invitations of unregistered partners.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dialect::{Elem, PerBackend, json_set};
use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct PartnerRow {
    pub org_id: i64,
    pub org_name: String,
    pub category: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

pub async fn partners(db: &Db, id: i64) -> Result<Vec<PartnerRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT c.org_id, o.name AS org_name, c.category, c.status, c.reason, c.responded_at \
             FROM partner_confirmations c JOIN organizations o ON o.id = c.org_id \
             WHERE c.application_id = $1 ORDER BY c.org_id",
        )
        .bind(id)
        .fetch_all(p)
        .await
    })?)
}
pub async fn partner_org_ids(db: &Db, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = on_db!(db, |p| {
        sqlx::query_as("SELECT org_id FROM partner_confirmations WHERE application_id = $1")
            .bind(id)
            .fetch_all(p)
            .await
    })?;
    Ok(rows.into_iter().map(|(o,)| o).collect())
}

/// Makes the confirmation rows match the organisations the form names: new ones start
/// pending, removed ones go; existing ones keep their answer.
pub async fn sync_partners(tx: &mut Tx, id: i64, named: &[(i64, Option<String>)]) -> Result<()> {
    let ids = serde_json::to_string(&named.iter().map(|(o, _)| *o).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into());
    static DELETE: PerBackend = PerBackend::new();
    let delete = DELETE.get_for((&*tx).into(), |b| {
        format!(
            "DELETE FROM partner_confirmations WHERE application_id = $1 \
             AND org_id NOT IN {}",
            json_set(b, "$2", Elem::BigInt)
        )
    });
    on_tx!(tx, |c| {
        sqlx::query(delete)
            .bind(id)
            .bind(&ids)
            .execute(&mut *c)
            .await?;
        for (org, category) in named {
            sqlx::query(
                "INSERT INTO partner_confirmations (application_id, org_id, category, status) \
                 VALUES ($1, $2, $3, 'pending') \
                 ON CONFLICT (application_id, org_id) DO UPDATE SET category = excluded.category",
            )
            .bind(id)
            .bind(org)
            .bind(category)
            .execute(&mut *c)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

pub async fn respond(
    tx: &mut Tx,
    id: i64,
    org_id: i64,
    status: &str,
    reason: Option<&str>,
    by: i64,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE partner_confirmations SET status = $1, reason = $2, responded_by = $3, responded_at = $4 \
             WHERE application_id = $5 AND org_id = $6",
        )
        .bind(status)
        .bind(reason)
        .bind(by)
        .bind(crate::now())
        .bind(id)
        .bind(org_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InviteRow {
    pub id: i64,
    pub application_id: i64,
    pub partner_index: i32,
    pub partner_name: String,
    pub contact_email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub org_id: Option<i64>,
}

/// A single-use invitation for the partner block at `index`.
pub struct NewInvite<'a> {
    pub application_id: i64,
    pub token_hash: &'a str,
    pub index: i32,
    pub name: &'a str,
    pub email: &'a str,
    pub expires_at: DateTime<Utc>,
    pub by: i64,
}

pub async fn insert_invite(tx: &mut Tx, n: &NewInvite<'_>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO partner_invites (application_id, token_hash, partner_index, partner_name, contact_email, \
             created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n.application_id)
        .bind(n.token_hash)
        .bind(n.index)
        .bind(n.name)
        .bind(n.email)
        .bind(n.by)
        .bind(crate::now())
        .bind(n.expires_at)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

const INVITE_COLS: &str = "id, application_id, partner_index, partner_name, contact_email, created_at, expires_at, used_at, org_id";

pub async fn invite_by_token(db: &Db, token_hash: &str) -> Result<Option<InviteRow>> {
    let sql = format!("SELECT {INVITE_COLS} FROM partner_invites WHERE token_hash = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(p)
        .await)?)
}

pub async fn invites(db: &Db, id: i64) -> Result<Vec<InviteRow>> {
    let sql =
        format!("SELECT {INVITE_COLS} FROM partner_invites WHERE application_id = $1 ORDER BY id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(p)
        .await)?)
}

/// Claims an invitation, once: `false` if it was already used.
pub async fn use_invite(tx: &mut Tx, invite_id: i64) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query("UPDATE partner_invites SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(crate::now())
            .bind(invite_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Records which organisation registered through an invitation.
pub async fn use_invite_bind(tx: &mut Tx, invite_id: i64, org_id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE partner_invites SET org_id = $1 WHERE id = $2")
            .bind(org_id)
            .bind(invite_id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
