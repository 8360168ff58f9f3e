//! Server-side sessions. Only a SHA-256 of the cookie token is stored, so a copy of the
//! database does not let anyone log in.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, s: &NewSession<'_>) -> Result<i64> {
    let now = crate::now();
    let (id,): (i64,) = on_tx!(tx, |c| {
        sqlx::query_as(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, \
             expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
        )
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.csrf_token)
        .bind(now)
        .bind(s.expires_at)
        .bind(s.ip)
        .bind(s.user_agent)
        .fetch_one(&mut *c)
        .await
    })?;
    Ok(id)
}

pub async fn find(db: &Db, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(p)
        .await
    })?)
}

/// A live-or-not session joined with its user, the user's organisation kind and grants:
/// everything a request needs to know who is calling, in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Resolved {
    #[sqlx(flatten)]
    pub user: crate::users::UserRow,
    pub session_id: i64,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub org_kind: Option<String>,
    grants_json: String,
}

impl Resolved {
    /// The user's role grants, in the order they were given.
    pub fn grants(&self) -> Result<Vec<crate::users::GrantRow>> {
        crate::dialect::decode(&self.grants_json)
    }
}

pub async fn resolve(db: &Db, token_hash: &str) -> Result<Option<Resolved>> {
    static SQL: crate::dialect::PerBackend = crate::dialect::PerBackend::new();
    let sql = SQL.get(db, |db| {
        format!(
            "SELECT u.id, u.login, u.name, u.password_hash, u.org_id, u.phone, u.email, \
             u.disabled, u.password_changed_at, u.created_at, u.updated_at, u.last_login_at, \
             s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at, s.revoked_at, \
             o.kind AS org_kind, {} AS grants_json \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN organizations o ON o.id = u.org_id WHERE s.token_hash = $1",
            crate::users::grants_json(db)
        )
    });
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(token_hash)
        .fetch_optional(p)
        .await)?)
}

/// Records that the session was used now. A write, so on SQLite it goes through the group
/// writer like every other (a pool connection would wait on SQLITE_BUSY behind it).
pub async fn touch(db: &Db, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    tx.commit().await
}

pub async fn revoke(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Revokes every live session of a user except `keep` (after a password change or reset).
pub async fn revoke_all_of(tx: &mut Tx, user_id: i64, keep: Option<i64>) -> Result<u64> {
    let r = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 \
             WHERE user_id = $2 AND revoked_at IS NULL AND ($3 IS NULL OR id <> $3)",
        )
        .bind(crate::now())
        .bind(user_id)
        .bind(keep)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(r)
}
