//! Applications (申报): the working copy of the form, frozen submitted versions, partner
//! confirmations and invitations.

mod context;
mod intake;
mod partners;
mod versions;

pub use context::*;
pub use intake::*;
pub use partners::*;
pub use versions::*;

use chanjiao_domain::applications::Status;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dialect::{Elem, PerBackend, json_set};
use crate::error::Result;
use crate::{Db, StoreError, Tx, audit, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AppRow {
    pub id: i64,
    pub call_id: i64,
    pub lead_org_id: i64,
    pub number: Option<String>,
    pub status: String,
    pub revision: i64,
    pub form: String,
    pub form_schema: i32,
    pub lead_name: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub return_reasons: Option<String>,
    pub correction_due: Option<DateTime<Utc>>,
    pub paper_received_on: Option<String>,
    pub paper_courier: Option<String>,
    pub paper_tracking_no: Option<String>,
    pub paper_printed_hash: Option<String>,
    pub paper_matches_version: Option<i32>,
    pub paper_recorded_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AppRow {
    /// The stored status as the domain's enum (a value this version does not know reads as a
    /// draft, the state with the fewest rights).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }
}

/// The columns of an [`AppRow`] with `form` read as an empty string. The form is the one
/// large column (≈30 KB, stored compressed out of line); statements whose caller already holds
/// it (it wrote it) or does not need it read the rest with this and fill `form` in themselves.
const COLS_WITHOUT_FORM: &str = "id, call_id, lead_org_id, number, status, revision, '' AS form, \
     form_schema, lead_name, institution_type, direction, submitted_version, submitted_at, \
     return_reasons, correction_due, paper_received_on, paper_courier, paper_tracking_no, \
     paper_printed_hash, paper_matches_version, paper_recorded_at, created_by, created_at, \
     updated_at";

/// Whether a read includes the application's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The form, and (in [`context`]) the attachments: what showing the application needs.
    Read,
    /// `form` is left empty: for handlers that replace the form without looking at it.
    Skip,
}

/// A row read with [`COLS_WITHOUT_FORM`], given the form it is known to hold.
fn with_form(row: Option<AppRow>, form: &str) -> Option<AppRow> {
    row.map(|mut r| {
        r.form = form.to_owned();
        r
    })
}

/// Columns extracted from the form for lists and filters.
#[derive(Debug, Clone, Default)]
pub struct KeyColumns {
    pub lead_name: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
}

/// A new draft application.
pub struct NewApplication<'a> {
    pub call_id: i64,
    pub lead_org_id: i64,
    pub form: &'a str,
    pub schema: i32,
    pub keys: &'a KeyColumns,
    /// The number is this prefix and the zero-padded id (`SQ-2022-00001`).
    pub number_prefix: &'a str,
    pub by: i64,
}

pub async fn insert(tx: &mut Tx, n: &NewApplication<'_>) -> Result<AppRow> {
    let now = crate::now();
    on_tx!(tx, |c| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO applications (call_id, lead_org_id, status, revision, form, form_schema, lead_name, \
             institution_type, direction, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'draft', 1, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(n.call_id)
        .bind(n.lead_org_id)
        .bind(n.form)
        .bind(n.schema)
        .bind(&n.keys.lead_name)
        .bind(&n.keys.institution_type)
        .bind(&n.keys.direction)
        .bind(n.by)
        .bind(now)
        .fetch_one(&mut *c)
        .await?;
        sqlx::query_as("UPDATE applications SET number = $1 WHERE id = $2 RETURNING *")
            .bind(format!("{}{id:05}", n.number_prefix))
            .bind(id)
            .fetch_one(&mut *c)
            .await
    })
    .map_err(StoreError::from)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT * FROM applications WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn get_tx(tx: &mut Tx, id: i64) -> Result<Option<AppRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as("SELECT * FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
    })?)
}

pub async fn find_by_number(db: &Db, number: &str) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM applications WHERE number = $1")
            .bind(number)
            .fetch_optional(p)
            .await
    })?)
}

pub async fn find_for_lead(db: &Db, call_id: i64, lead_org_id: i64) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM applications WHERE call_id = $1 AND lead_org_id = $2")
            .bind(call_id)
            .bind(lead_org_id)
            .fetch_optional(p)
            .await
    })?)
}

/// Saves the working copy if nobody saved since `revision`. Returns the new revision, or
/// `None` when the revision is stale.
pub async fn save_form(
    tx: &mut Tx,
    id: i64,
    revision: i64,
    form: &str,
    keys: &KeyColumns,
) -> Result<Option<AppRow>> {
    let sql = format!(
        "UPDATE applications SET form = $1, lead_name = $2, institution_type = $3, direction = $4, \
         revision = revision + 1, updated_at = $5 WHERE id = $6 AND revision = $7 \
         RETURNING {COLS_WITHOUT_FORM}"
    );
    let row = on_tx!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(form)
            .bind(&keys.lead_name)
            .bind(&keys.institution_type)
            .bind(&keys.direction)
            .bind(crate::now())
            .bind(id)
            .bind(revision)
            .fetch_optional(&mut *c)
            .await
    })?;
    Ok(with_form(row, form))
}

/// Moves the application from one of `from` to `to`; `None` when it was not in one of them
/// (someone else moved it first: a double click, a concurrent check).
pub async fn set_status(tx: &mut Tx, id: i64, from: &[&str], to: &str) -> Result<Option<AppRow>> {
    let from = serde_json::to_string(from).unwrap_or_else(|_| "[]".into());
    static SQL: PerBackend = PerBackend::new();
    let sql = SQL.get_for((&*tx).into(), |b| {
        format!(
            "UPDATE applications SET status = $1, revision = revision + 1, updated_at = $2 \
             WHERE id = $3 AND status IN {} RETURNING *",
            json_set(b, "$4", Elem::Text)
        )
    });
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(sql)
            .bind(to)
            .bind(crate::now())
            .bind(id)
            .bind(&from)
            .fetch_optional(&mut *c)
            .await
    })?)
}

/// Saves the working copy (as [`save_form`]) together with its audit event. On PostgreSQL this
/// is one statement — the UPDATE and the audit insert in data-modifying CTEs, atomic without a
/// BEGIN/COMMIT round trip each; on SQLite a transaction of the group writer.
pub async fn save_form_audited(
    db: &Db,
    id: i64,
    revision: i64,
    form: &str,
    keys: &KeyColumns,
    event: &crate::audit::NewEvent,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    match db {
        Db::Pg(p) => {
            let sql = format!(
                "WITH saved AS (UPDATE applications SET form = $1, lead_name = $2, \
                 institution_type = $3, direction = $4, revision = revision + 1, updated_at = $5 \
                 WHERE id = $6 AND revision = $7 RETURNING {COLS_WITHOUT_FORM}), \
                 ev AS (INSERT INTO audit_inbox ({}) SELECT $5, {} FROM saved) \
                 SELECT * FROM saved",
                audit::EVENT_COLUMNS,
                audit::event_values(8)
            );
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(form)
                .bind(&keys.lead_name)
                .bind(&keys.institution_type)
                .bind(&keys.direction)
                .bind(now)
                .bind(id)
                .bind(revision);
            let row = crate::bind_event!(q, event).fetch_optional(p).await?;
            Ok(with_form(row, form))
        }
        Db::Sqlite(_) => {
            let mut tx = db.begin().await?;
            let saved = save_form(&mut tx, id, revision, form, keys).await?;
            if saved.is_some() {
                crate::audit::append(&mut tx, event.clone()).await?;
                tx.commit().await?;
            }
            Ok(saved)
        }
    }
}

/// Rewrites the working copy without a revision check (the system binding a partner block to
/// its newly registered organisation).
pub async fn replace_form(tx: &mut Tx, id: i64, form: &str) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE applications SET form = $1, revision = revision + 1, updated_at = $2 WHERE id = $3")
            .bind(form)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
