//! Storage errors. Unique-constraint violations are told apart so handlers can answer 409/422
//! with the field named; everything else is an internal error logged with context.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the value names the column or constraint.
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            // PostgreSQL names the constraint; SQLite names the columns in its message
            // ("UNIQUE constraint failed: users.login").
            let what = db
                .constraint()
                .map(str::to_owned)
                .unwrap_or_else(|| db.message().rsplit(": ").next().unwrap_or("").to_owned());
            return StoreError::Conflict(what);
        }
        if let sqlx::Error::RowNotFound = e {
            return StoreError::NotFound;
        }
        StoreError::Db(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
