//! Organisations (单位).

use chanjiao_domain::organizations::Organization;
use chanjiao_domain::policy::Visibility;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dialect::{id_in_json, like_pattern, visibility_param};
use crate::error::Result;
use crate::{Db, Page, Paging, StoreError, Tx, on_db, on_tx};

/// An organisation as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct OrgRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uscc: String,
    pub province_code: String,
    pub city: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub university_type: Option<String>,
    pub university_nature: Option<String>,
    pub srdi_level: Option<String>,
    pub field: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Matches name or USCC (substring).
    pub q: Option<String>,
    pub kind: Option<String>,
    pub province_code: Option<String>,
}

pub async fn list(db: &Db, vis: &Visibility, f: &Filter, paging: Paging) -> Result<Page<OrgRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        org: OrgRow,
        total: i64,
    }
    let sql = format!(
        "SELECT *, COUNT(*) OVER () AS total FROM organizations \
         WHERE ($1 IS NULL OR {}) \
           AND ($2 IS NULL OR name LIKE $2 ESCAPE '\\' OR uscc LIKE $2 ESCAPE '\\') \
           AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR province_code = $4) \
         ORDER BY id LIMIT $5 OFFSET $6",
        id_in_json(db, "id", 1)
    );
    let q =
        f.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(like_pattern);
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(visibility_param(vis))
            .bind(q)
            .bind(&f.kind)
            .bind(&f.province_code)
            .bind(paging.per_page)
            .bind(paging.offset())
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.org).collect(),
        total,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<OrgRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await
    })?)
}

pub async fn get_tx(tx: &mut Tx, id: i64) -> Result<Option<OrgRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as("SELECT * FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
    })?)
}

/// The first organisation of `kind` (by id), read inside `tx`.
pub async fn first_of_kind_tx(tx: &mut Tx, kind: &str) -> Result<Option<OrgRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as("SELECT * FROM organizations WHERE kind = $1 ORDER BY id LIMIT 1")
            .bind(kind)
            .fetch_optional(&mut *c)
            .await
    })?)
}

pub async fn find_by_uscc(db: &Db, uscc: &str) -> Result<Option<OrgRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM organizations WHERE uscc = $1")
            .bind(uscc)
            .fetch_optional(p)
            .await
    })?)
}

const INSERT: &str = "INSERT INTO organizations (kind, name, uscc, province_code, city, address, \
     postal_code, contact_name, contact_phone, contact_email, university_type, university_nature, \
     srdi_level, field, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING *";

const UPDATE: &str = "UPDATE organizations SET kind = $1, name = $2, uscc = $3, province_code = $4, \
     city = $5, address = $6, postal_code = $7, contact_name = $8, contact_phone = $9, \
     contact_email = $10, university_type = $11, university_nature = $12, srdi_level = $13, \
     field = $14, updated_at = $15 WHERE id = $16 RETURNING *";

macro_rules! bind_org {
    ($q:expr, $o:expr, $now:expr) => {
        $q.bind($o.kind.as_str())
            .bind(&$o.name)
            .bind($o.uscc.as_str())
            .bind($o.province_code.as_str())
            .bind(&$o.city)
            .bind(&$o.address)
            .bind($o.postal_code.as_ref().map(|p| p.as_str()))
            .bind(&$o.contact_name)
            .bind($o.contact_phone.as_str())
            .bind($o.contact_email.as_str())
            .bind($o.university_type.map(|v| v.as_str()))
            .bind($o.university_nature.map(|v| v.as_str()))
            .bind($o.srdi_level.map(|v| v.as_str()))
            .bind($o.field.map(|v| v.as_str()))
            .bind($now)
    };
}

pub async fn insert(tx: &mut Tx, o: &Organization) -> Result<OrgRow> {
    let now = crate::now();
    Ok(on_tx!(tx, |c| bind_org!(sqlx::query_as(INSERT), o, now)
        .fetch_one(&mut *c)
        .await)?)
}

pub async fn update(tx: &mut Tx, id: i64, o: &Organization) -> Result<OrgRow> {
    let now = crate::now();
    on_tx!(tx, |c| bind_org!(sqlx::query_as(UPDATE), o, now)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)?
    .ok_or(StoreError::NotFound)
}
