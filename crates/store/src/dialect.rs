//! What differs between SQLite and PostgreSQL, in one place: the JSON functions that fold rows
//! into one column, membership in a JSON array bound as one parameter, LIKE patterns, and SQL
//! text cached per backend. Every other statement in this crate is the common subset.
//!
//! Rows folded into one JSON column of a larger query, so a request reads what it needs in one
//! round trip instead of one per table: SQLite's `json_object`/`json_group_array`,
//! PostgreSQL's `json_build_object`/`json_agg`. Both columns arrive as text; decode them with
//! [`decode`]. Timestamps come out as RFC 3339 on both (SQLite stores them so; PostgreSQL's
//! JSON uses ISO 8601), which is what chrono's serde reads.

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use chanjiao_domain::policy::Visibility;

use crate::error::{Result, StoreError};
use crate::{Db, Tx};

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

    /// As [`PerBackend::get`], for a statement run in a transaction.
    pub(crate) fn get_for(
        &'static self,
        backend: Backend,
        build: impl FnOnce(Backend) -> String,
    ) -> &'static str {
        let slot = match backend {
            Backend::Sqlite => &self.0[0],
            Backend::Pg => &self.0[1],
        };
        slot.get_or_init(|| build(backend))
    }
}

/// The database a statement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Pg,
}

impl From<&Db> for Backend {
    fn from(db: &Db) -> Self {
        match db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Pg,
        }
    }
}

impl From<&Tx> for Backend {
    fn from(tx: &Tx) -> Self {
        match tx {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Pg,
        }
    }
}

/// The type of the elements of a JSON array parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    Text,
    BigInt,
}

/// The elements of the JSON array bound as `param` (`"$1"`) as a subquery, for `x IN …` and
/// `x NOT IN …`: one SQL text serves any number of values.
pub(crate) fn json_set(backend: impl Into<Backend>, param: &str, elem: Elem) -> String {
    match (backend.into(), elem) {
        (Backend::Sqlite, _) => format!("(SELECT value FROM json_each({param}))"),
        (Backend::Pg, Elem::Text) => format!("(SELECT jsonb_array_elements_text({param}::jsonb))"),
        (Backend::Pg, Elem::BigInt) => {
            format!("(SELECT jsonb_array_elements_text({param}::jsonb)::bigint)")
        }
    }
}

/// `{column} IN` the ids of the JSON array bound as parameter number `param`.
pub(crate) fn id_in_json(db: &Db, column: &str, param: usize) -> String {
    format!(
        "{column} IN {}",
        json_set(db, &format!("${param}"), Elem::BigInt)
    )
}

/// Escapes LIKE wildcards so a user's `%` or `_` matches literally.
pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Binds the visibility filter as a JSON array of ids (or NULL for all), so one SQL text serves
/// both backends and any number of ids.
pub(crate) fn visibility_param(v: &Visibility) -> Option<String> {
    match v {
        Visibility::All => None,
        Visibility::Orgs(ids) => Some(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())),
    }
}
