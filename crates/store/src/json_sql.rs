//! Rows folded into one JSON column of a larger query, so a request reads what it needs in one
//! round trip instead of one per table: SQLite's `json_object`/`json_group_array`,
//! PostgreSQL's `json_build_object`/`json_agg`. Both columns arrive as text; decode them with
//! [`decode`]. Timestamps come out as RFC 3339 on both (SQLite stores them so; PostgreSQL's
//! JSON uses ISO 8601), which is what chrono's serde reads.

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::Db;
use crate::error::{Result, StoreError};

/// `(key, SQL expression)` pairs of one JSON object. Keys and expressions are fixed SQL text
/// written in this crate, never input.
pub(crate) type Fields<'a> = &'a [(&'a str, &'a str)];

fn pairs(fields: Fields<'_>) -> String {
    fields
        .iter()
        .map(|(k, e)| format!("'{k}', {e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON object (as text) of `fields`, evaluated on the current row.
pub(crate) fn object(db: &Db, fields: Fields<'_>) -> String {
    match db {
        Db::Sqlite(_) => format!("json_object({})", pairs(fields)),
        Db::Pg(_) => format!("json_build_object({})::text", pairs(fields)),
    }
}

/// A scalar subquery: the JSON array (as text, `[]` when empty) of `fields` over the rows of
/// `from` (`FROM … WHERE …`, which may name the outer query's tables), in `order`.
pub(crate) fn array(db: &Db, fields: Fields<'_>, from: &str, order: &str) -> String {
    match db {
        Db::Sqlite(_) => {
            // json_group_array keeps the order its input arrives in.
            let cols = fields
                .iter()
                .map(|(k, e)| format!("{e} AS {k}"))
                .collect::<Vec<_>>()
                .join(", ");
            let keys: Vec<(&str, &str)> = fields.iter().map(|(k, _)| (*k, *k)).collect();
            format!(
                "(SELECT json_group_array(json_object({})) FROM (SELECT {cols} {from} ORDER BY {order}))",
                pairs(&keys)
            )
        }
        Db::Pg(_) => format!(
            "(SELECT COALESCE(json_agg(json_build_object({}) ORDER BY {order}), '[]')::text {from})",
            pairs(fields)
        ),
    }
}

/// Decodes a column built by [`object`] or [`array`].
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// SQL text that depends only on the backend, built on first use and kept: the hot queries
/// assembled from these pieces are not re-formatted on every request, and a `&'static str`
/// reaches sqlx without a copy.
pub(crate) struct PerBackend([OnceLock<String>; 2]);

impl PerBackend {
    pub(crate) const fn new() -> Self {
        Self([OnceLock::new(), OnceLock::new()])
    }

    pub(crate) fn get(&'static self, db: &Db, build: impl FnOnce(&Db) -> String) -> &'static str {
        let slot = match db {
            Db::Sqlite(_) => &self.0[0],
            Db::Pg(_) => &self.0[1],
        };
        slot.get_or_init(|| build(db))
    }
}
