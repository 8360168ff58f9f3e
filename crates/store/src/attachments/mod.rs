//! Attachment metadata. The bytes live in the data directory under generated names (see the
//! server's `files` module); only metadata is in the database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::{Db, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub owner_type: String,
    pub owner_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Never shown; read back from the JSON column of `applications::context`.
    #[serde(skip_serializing)]
    pub storage_key: String,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub struct NewAttachment<'a> {
    pub owner_type: &'a str,
    pub owner_id: i64,
    pub kind: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_by: i64,
}

pub async fn insert(tx: &mut Tx, a: &NewAttachment<'_>) -> Result<AttachmentRow> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(
            "INSERT INTO attachments (owner_type, owner_id, kind, filename, content_type, size, sha256, \
             storage_key, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
        )
        .bind(a.owner_type)
        .bind(a.owner_id)
        .bind(a.kind)
        .bind(a.filename)
        .bind(a.content_type)
        .bind(a.size)
        .bind(a.sha256)
        .bind(a.storage_key)
        .bind(a.uploaded_by)
        .bind(crate::now())
        .fetch_one(&mut *c)
        .await
    })?)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AttachmentRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT * FROM attachments WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// [`of_owner`] as a scalar subquery for a larger query: the JSON array (text) of the
/// [`AttachmentRow`]s of owner `owner_type`, `owner_id` (SQL expressions, which may name the
/// outer query's tables), by id. Decode with `dialect::decode`.
pub(crate) fn json_of_owner(db: &Db, owner_type: &str, owner_id: &str) -> String {
    crate::dialect::array(
        db,
        &[
            ("id", "f.id"),
            ("owner_type", "f.owner_type"),
            ("owner_id", "f.owner_id"),
            ("kind", "f.kind"),
            ("filename", "f.filename"),
            ("content_type", "f.content_type"),
            ("size", "f.size"),
            ("sha256", "f.sha256"),
            ("storage_key", "f.storage_key"),
            ("uploaded_by", "f.uploaded_by"),
            ("created_at", "f.created_at"),
        ],
        &format!(
            "FROM attachments f WHERE f.owner_type = {owner_type} AND f.owner_id = {owner_id}"
        ),
        "f.id",
    )
}

pub async fn of_owner(db: &Db, owner_type: &str, owner_id: i64) -> Result<Vec<AttachmentRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT * FROM attachments WHERE owner_type = $1 AND owner_id = $2 ORDER BY id",
        )
        .bind(owner_type)
        .bind(owner_id)
        .fetch_all(p)
        .await
    })?)
}

/// Total bytes attached to one owner (for the per-application limit), read inside the writing
/// transaction so two concurrent uploads cannot both slip under the limit.
pub async fn total_size_tx(tx: &mut Tx, owner_type: &str, owner_id: i64) -> Result<i64> {
    let (n,): (Option<i64>,) = on_tx!(tx, |c| {
        sqlx::query_as("SELECT CAST(SUM(size) AS BIGINT) FROM attachments WHERE owner_type = $1 AND owner_id = $2")
            .bind(owner_type)
            .bind(owner_id)
            .fetch_one(&mut *c)
            .await
    })?;
    Ok(n.unwrap_or(0))
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM attachments WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
