//! The expert pool: profiles joined with their accounts and current load.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::{Db, Page, Paging, Tx, on_db, on_tx};

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
    let q = q.map(crate::dialect::like_pattern);
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
