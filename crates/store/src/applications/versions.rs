//! Submission: the frozen, hashed versions and the state change that records them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{AppRow, COLS_WITHOUT_FORM, with_form};
use crate::error::Result;
use crate::{Db, Tx, audit, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i32,
    pub form: String,
    pub content_hash: String,
    pub submitted_by_login: Option<String>,
    pub submitted_at: DateTime<Utc>,
}
/// Submits (as [`submit_version`]) together with its audit event: one statement on PostgreSQL,
/// a group-writer transaction on SQLite.
#[allow(clippy::too_many_arguments)]
pub async fn submit_audited(
    db: &Db,
    id: i64,
    from: &str,
    revision: i64,
    to: &str,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
    event: &crate::audit::NewEvent,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    match db {
        Db::Pg(p) => {
            let sql = format!(
                "WITH upd AS (UPDATE applications SET status = $1, revision = revision + 1, \
                 updated_at = $2, submitted_version = $3, submitted_at = $2, return_reasons = NULL, \
                 correction_due = NULL WHERE id = $4 AND status = $5 AND revision = $9 \
                 RETURNING {COLS_WITHOUT_FORM}), \
                 ver AS (INSERT INTO application_versions (application_id, version, form, \
                 content_hash, submitted_by, submitted_at) SELECT $4, $3, $6, $7, $8, $2 FROM upd), \
                 ev AS (INSERT INTO audit_inbox ({}) SELECT $2, {} FROM upd) \
                 SELECT * FROM upd",
                audit::EVENT_COLUMNS,
                audit::event_values(10)
            );
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(to)
                .bind(now)
                .bind(version)
                .bind(id)
                .bind(from)
                .bind(form)
                .bind(content_hash)
                .bind(by)
                .bind(revision);
            let row = crate::bind_event!(q, event).fetch_optional(p).await?;
            Ok(with_form(row, form))
        }
        Db::Sqlite(_) => {
            let mut tx = db.begin().await?;
            let row = submit_version(
                &mut tx,
                id,
                from,
                revision,
                to,
                version,
                form,
                content_hash,
                by,
            )
            .await?;
            if row.is_some() {
                crate::audit::append(&mut tx, event.clone()).await?;
                tx.commit().await?;
            }
            Ok(row)
        }
    }
}

/// Submits in one UPDATE and one INSERT: moves the application from `from` to `to` (refused,
/// `None`, when it is no longer in `from`: a double click, a concurrent change), records
/// `version` as submitted and freezes the form as that version. Returns the row as updated.
#[allow(clippy::too_many_arguments)]
pub async fn submit_version(
    tx: &mut Tx,
    id: i64,
    from: &str,
    revision: i64,
    to: &str,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    // Conditional on the revision, so the form is the one the caller read and passes in.
    let sql = format!(
        "UPDATE applications SET status = $1, revision = revision + 1, updated_at = $2, \
         submitted_version = $3, submitted_at = $2, return_reasons = NULL, correction_due = NULL \
         WHERE id = $4 AND status = $5 AND revision = $6 RETURNING {COLS_WITHOUT_FORM}"
    );
    let row: Option<AppRow> = on_tx!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(to)
            .bind(now)
            .bind(version)
            .bind(id)
            .bind(from)
            .bind(revision)
            .fetch_optional(&mut *c)
            .await
    })?;
    if row.is_some() {
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO application_versions (application_id, version, form, content_hash, \
                 submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(version)
            .bind(form)
            .bind(content_hash)
            .bind(by)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
    }
    Ok(with_form(row, form))
}

/// Freezes the working copy as the next version and records it as submitted; returns the
/// submission time written.
pub async fn freeze_version(
    tx: &mut Tx,
    id: i64,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
) -> Result<DateTime<Utc>> {
    let now = crate::now();
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO application_versions (application_id, version, form, content_hash, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(version)
        .bind(form)
        .bind(content_hash)
        .bind(by)
        .bind(now)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "UPDATE applications SET submitted_version = $1, submitted_at = $2, return_reasons = NULL, \
             correction_due = NULL WHERE id = $3",
        )
        .bind(version)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(now)
}

pub async fn versions(db: &Db, id: i64) -> Result<Vec<VersionRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT v.version, v.form, v.content_hash, u.login AS submitted_by_login, v.submitted_at \
             FROM application_versions v LEFT JOIN users u ON u.id = v.submitted_by \
             WHERE v.application_id = $1 ORDER BY v.version",
        )
        .bind(id)
        .fetch_all(p)
        .await
    })?)
}
