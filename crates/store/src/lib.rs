//! Chanjiao's storage layer. [`Db`] is SQLite (embedded default) or PostgreSQL (production); the
//! repositories below run the same SQL text on both wherever the common subset allows, and a
//! two-arm match where it does not. The whole integration suite runs against both.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod calls;
mod db;
mod dialect;
pub mod error;
pub mod notifications;
pub mod organizations;
pub mod review;
pub mod users;

pub use db::{Db, SqliteDb, Tx, now};

pub use error::StoreError;

/// A page of results and the total number of matches.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Paging requested by a list query (1-based page).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        let per_page = per_page.unwrap_or(20).clamp(1, 200);
        let page = page.unwrap_or(1).clamp(1, 1_000_000);
        Self { page, per_page }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}
