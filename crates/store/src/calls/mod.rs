//! Calls (批次) and their deadline extensions.

use chanjiao_domain::calls::Status;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::{Db, Page, Paging, StoreError, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct CallRow {
    pub id: i64,
    pub field: String,
    pub title: String,
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub status: String,
    /// JSON array of {name, phone, email}.
    pub contacts: String,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    /// JSON array of {code, name}.
    pub directions: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CallRow {
    /// The stored status as the domain's enum (a value this version does not know reads as a
    /// draft: not public, not open).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }
}

/// A call's fields as written.
#[derive(Debug, Clone)]
pub struct CallData {
    pub field: String,
    pub title: String,
    pub doc_number: String,
    pub opens_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub status: String,
    pub contacts: String,
    pub postal_address: String,
    pub postal_code: String,
    pub postal_recipient: String,
    pub directions: String,
}

macro_rules! bind_call {
    ($q:expr, $c:expr) => {
        $q.bind(&$c.field)
            .bind(&$c.title)
            .bind(&$c.doc_number)
            .bind($c.opens_at)
            .bind($c.deadline)
            .bind(&$c.status)
            .bind(&$c.contacts)
            .bind(&$c.postal_address)
            .bind(&$c.postal_code)
            .bind(&$c.postal_recipient)
            .bind(&$c.directions)
    };
}

pub async fn insert(tx: &mut Tx, c: &CallData, by: i64) -> Result<CallRow> {
    let now = crate::now();
    Ok(on_tx!(tx, |conn| {
        bind_call!(
            sqlx::query_as(
                "INSERT INTO calls (field, title, doc_number, opens_at, deadline, status, contacts, \
                 postal_address, postal_code, postal_recipient, directions, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *"
            ),
            c
        )
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })?)
}

pub async fn update(tx: &mut Tx, id: i64, c: &CallData) -> Result<CallRow> {
    on_tx!(tx, |conn| {
        bind_call!(
            sqlx::query_as(
                "UPDATE calls SET field = $1, title = $2, doc_number = $3, opens_at = $4, deadline = $5, \
                 status = $6, contacts = $7, postal_address = $8, postal_code = $9, postal_recipient = $10, \
                 directions = $11, updated_at = $12 WHERE id = $13 RETURNING *"
            ),
            c
        )
        .bind(crate::now())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
    })?
    .ok_or(StoreError::NotFound)
}

pub async fn set_deadline(tx: &mut Tx, id: i64, deadline: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE calls SET deadline = $1, updated_at = $2 WHERE id = $3")
            .bind(deadline)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<Option<CallRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT * FROM calls WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Calls, newest first. `fields`: only these fields' drafts are included (None: all drafts;
/// Some(empty): published calls only).
pub async fn list(db: &Db, fields: Option<&[String]>, paging: Paging) -> Result<Page<CallRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        call: CallRow,
        total: i64,
    }
    let drafts_of = fields.map(|f| serde_json::to_string(f).unwrap_or_else(|_| "[]".into()));
    let in_fields = format!(
        "field IN {}",
        crate::dialect::json_set(db, "$1", crate::dialect::Elem::Text)
    );
    let sql = format!(
        "SELECT *, COUNT(*) OVER () AS total FROM calls \
         WHERE status = 'published' OR $1 IS NULL OR {in_fields} \
         ORDER BY deadline DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(drafts_of)
            .bind(paging.per_page)
            .bind(paging.offset())
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.call).collect(),
        total,
    })
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExtensionRow {
    pub id: i64,
    pub call_id: i64,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub deadline: DateTime<Utc>,
    pub reason: String,
    pub created_by_login: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_extension(
    tx: &mut Tx,
    call_id: i64,
    org_id: Option<i64>,
    deadline: DateTime<Utc>,
    reason: &str,
    by: i64,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, |conn| {
        sqlx::query_as(
            "INSERT INTO deadline_extensions (call_id, org_id, deadline, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(call_id)
        .bind(org_id)
        .bind(deadline)
        .bind(reason)
        .bind(by)
        .bind(crate::now())
        .fetch_one(&mut *conn)
        .await
    })?;
    Ok(id)
}

pub async fn extensions(db: &Db, call_id: i64) -> Result<Vec<ExtensionRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT e.id, e.call_id, e.org_id, o.name AS org_name, e.deadline, e.reason, \
             u.login AS created_by_login, e.created_at FROM deadline_extensions e \
             LEFT JOIN organizations o ON o.id = e.org_id LEFT JOIN users u ON u.id = e.created_by \
             WHERE e.call_id = $1 ORDER BY e.id",
        )
        .bind(call_id)
        .fetch_all(p)
        .await
    })?)
}

/// The call `c` of an outer query as one JSON column (a [`CallRow`]).
pub(crate) fn json(db: &Db) -> String {
    crate::dialect::object(
        db,
        &[
            ("id", "c.id"),
            ("field", "c.field"),
            ("title", "c.title"),
            ("doc_number", "c.doc_number"),
            ("opens_at", "c.opens_at"),
            ("deadline", "c.deadline"),
            ("status", "c.status"),
            ("contacts", "c.contacts"),
            ("postal_address", "c.postal_address"),
            ("postal_code", "c.postal_code"),
            ("postal_recipient", "c.postal_recipient"),
            ("directions", "c.directions"),
            ("created_by", "c.created_by"),
            ("created_at", "c.created_at"),
            ("updated_at", "c.updated_at"),
        ],
    )
}

/// The latest deadline granted to organisation `{org}` in call `{call}` (SQL expressions), as
/// a scalar subquery; NULL when none.
pub(crate) fn extension_sql(call: &str, org: &str) -> String {
    format!(
        "(SELECT e.deadline FROM deadline_extensions e WHERE e.call_id = {call} \
         AND e.org_id = {org} ORDER BY e.deadline DESC LIMIT 1)"
    )
}

/// The deadline that applies given an extension granted to the applicant, if any: the later.
pub fn deadline_with(call: &CallRow, extension: Option<DateTime<Utc>>) -> DateTime<Utc> {
    extension.map_or(call.deadline, |d| d.max(call.deadline))
}

/// The deadline that applies to one applicant: the call's, or a later one granted to it.
pub async fn effective_deadline(db: &Db, call: &CallRow, org_id: i64) -> Result<DateTime<Utc>> {
    let sql = format!("SELECT {}", extension_sql("$1", "$2"));
    let (ext,): (Option<DateTime<Utc>>,) =
        on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(call.id)
            .bind(org_id)
            .fetch_one(p)
            .await)?;
    Ok(deadline_with(call, ext))
}
