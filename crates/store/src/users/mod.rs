//! Users, their role grants, and the login-failure counters.

pub mod sessions;

use chanjiao_domain::policy::Visibility;
use chanjiao_domain::users::role::{Grant, Role};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dialect::{id_in_json, like_pattern, visibility_param};
use crate::error::Result;
use crate::{Db, Page, Paging, StoreError, Tx, on_db, on_tx};

/// A user as stored (the password hash never leaves the store except for verification).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub password_hash: String,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A user with their organisation's name, for lists.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserListRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub org_name: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A role grant as stored, with the organisation's name.
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub field: Option<String>,
}

impl GrantRow {
    /// The domain grant; rows with a role this build does not know are skipped by callers.
    pub fn grant(&self) -> Option<Grant> {
        Some(Grant {
            role: Role::parse(&self.role)?,
            org_id: self.org_id,
            field: self.field.clone(),
        })
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub name: String,
    pub password_hash: String,
    pub org_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub async fn insert(tx: &mut Tx, u: &NewUser) -> Result<UserRow> {
    let now = crate::now();
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(
            "INSERT INTO users (login, name, password_hash, org_id, phone, email, disabled, \
             password_changed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7, $7) RETURNING *",
        )
        .bind(&u.login)
        .bind(&u.name)
        .bind(&u.password_hash)
        .bind(u.org_id)
        .bind(&u.phone)
        .bind(&u.email)
        .bind(now)
        .fetch_one(&mut *c)
        .await
    })?)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<UserRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await
    })?)
}

pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<UserRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(p)
            .await
    })?)
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub org_id: Option<i64>,
    pub role: Option<String>,
}

pub async fn list(
    db: &Db,
    vis: &Visibility,
    self_id: i64,
    f: &Filter,
    paging: Paging,
) -> Result<Page<UserListRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserListRow,
        total: i64,
    }
    let sql = format!(
        "SELECT u.*, o.name AS org_name, t.locked_until, COUNT(*) OVER () AS total \
         FROM users u LEFT JOIN organizations o ON o.id = u.org_id \
         LEFT JOIN login_throttle t ON t.login = u.login AND t.locked_until > $7 \
         WHERE ($1 IS NULL OR {} OR u.id = $2) \
           AND ($3 IS NULL OR u.login LIKE $3 ESCAPE '\\' OR u.name LIKE $3 ESCAPE '\\') \
           AND ($4 IS NULL OR u.org_id = $4) \
           AND ($8 IS NULL OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = $8)) \
         ORDER BY u.id LIMIT $5 OFFSET $6",
        id_in_json(db, "u.org_id", 1)
    );
    let q =
        f.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(like_pattern);
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(visibility_param(vis))
            .bind(self_id)
            .bind(q)
            .bind(f.org_id)
            .bind(paging.per_page)
            .bind(paging.offset())
            .bind(crate::now())
            .bind(&f.role)
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.user).collect(),
        total,
    })
}

pub async fn update_profile(
    tx: &mut Tx,
    id: i64,
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    disabled: bool,
) -> Result<UserRow> {
    on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE users SET name = $1, phone = $2, email = $3, disabled = $4, updated_at = $5 \
             WHERE id = $6 RETURNING *",
        )
        .bind(name)
        .bind(phone)
        .bind(email)
        .bind(disabled)
        .bind(crate::now())
        .bind(id)
        .fetch_optional(&mut *c)
        .await
    })?
    .ok_or(StoreError::NotFound)
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn touch_login(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

const GRANTS: &str = "SELECT g.id, g.user_id, g.role, g.org_id, o.name AS org_name, g.field \
     FROM role_grants g LEFT JOIN organizations o ON o.id = g.org_id";

/// The grants of the user `u` of an outer query, as one JSON column ([`GrantRow`]s by id).
pub(crate) fn grants_json(db: &Db) -> String {
    crate::dialect::array(
        db,
        &[
            ("id", "g.id"),
            ("user_id", "g.user_id"),
            ("role", "g.role"),
            ("org_id", "g.org_id"),
            ("org_name", "o.name"),
            ("field", "g.field"),
        ],
        "FROM role_grants g LEFT JOIN organizations o ON o.id = g.org_id WHERE g.user_id = u.id",
        "g.id",
    )
}

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<GrantRow>> {
    let sql = format!("{GRANTS} WHERE g.user_id = $1 ORDER BY g.id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(p)
        .await)?)
}

/// Grants of many users at once (for list pages), in one query.
pub async fn grants_of_many(db: &Db, user_ids: &[i64]) -> Result<Vec<GrantRow>> {
    let ids = serde_json::to_string(user_ids).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "{GRANTS} WHERE {} ORDER BY g.id",
        id_in_json(db, "g.user_id", 1)
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&ids)
        .fetch_all(p)
        .await)?)
}

pub async fn get_grant(db: &Db, grant_id: i64) -> Result<Option<GrantRow>> {
    let sql = format!("{GRANTS} WHERE g.id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(grant_id)
        .fetch_optional(p)
        .await)?)
}

/// Adds a grant. A second separated-admin role on one account violates
/// `role_grants_one_separated_admin` and comes back as [`StoreError::Conflict`].
pub async fn insert_grant(
    tx: &mut Tx,
    user_id: i64,
    grant: &Grant,
    granted_by: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, |c| {
        sqlx::query_as(
            "INSERT INTO role_grants (user_id, role, org_id, field, granted_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(grant.role.as_str())
        .bind(grant.org_id)
        .bind(&grant.field)
        .bind(granted_by)
        .bind(crate::now())
        .fetch_one(&mut *c)
        .await
    })?;
    Ok(id)
}

pub async fn delete_grant(tx: &mut Tx, grant_id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM role_grants WHERE id = $1")
            .bind(grant_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// State of the failure counter for one login name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Throttle {
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn throttle(db: &Db, login: &str) -> Result<Option<Throttle>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT failures, locked_until FROM login_throttle WHERE login = $1")
            .bind(login)
            .fetch_optional(p)
            .await
    })?)
}

/// Counts one failed login atomically and locks the name once `max_failures` is reached.
/// Returns the new state.
pub async fn record_failure(
    tx: &mut Tx,
    login: &str,
    max_failures: i32,
    lock_for: chrono::Duration,
) -> Result<Throttle> {
    let now = crate::now();
    let lock_until = now + lock_for;
    Ok(on_tx!(tx, |c| {
        // A lock that has expired starts a fresh count.
        sqlx::query_as(
            "INSERT INTO login_throttle (login, failures, locked_until, updated_at) \
             VALUES ($1, 1, CASE WHEN 1 >= $2 THEN $3 ELSE NULL END, $4) \
             ON CONFLICT (login) DO UPDATE SET \
               failures = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= $4 \
                               THEN 1 ELSE login_throttle.failures + 1 END, \
               locked_until = CASE \
                 WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until > $4 THEN login_throttle.locked_until \
                 WHEN (CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= $4 \
                            THEN 1 ELSE login_throttle.failures + 1 END) >= $2 THEN $3 \
                 ELSE NULL END, \
               updated_at = $4 \
             RETURNING failures, locked_until",
        )
        .bind(login)
        .bind(max_failures)
        .bind(lock_until)
        .bind(now)
        .fetch_one(&mut *c)
        .await
    })?)
}

pub async fn clear_failures(tx: &mut Tx, login: &str) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM login_throttle WHERE login = $1")
            .bind(login)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
