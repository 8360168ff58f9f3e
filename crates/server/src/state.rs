//! Shared state of the server: the database, the settings and the metrics registry.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use chanjiao_store::Db;

use crate::config::Settings;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// A hash to verify unknown logins against, so they take as long as known ones.
    pub dummy_hash: Arc<String>,
    pub files: crate::files::FileStore,
    /// The clock deadlines are judged by (tests pin it to the edges of a deadline).
    pub clock: Arc<Clock>,
}

/// The server's clock: real time unless pinned.
#[derive(Debug, Default)]
pub struct Clock {
    pinned: Mutex<Option<DateTime<Utc>>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.pinned
            .lock()
            .ok()
            .and_then(|p| *p)
            .unwrap_or_else(Utc::now)
    }
    /// Pins the clock to `t` (or releases it with `None`).
    pub fn pin(&self, t: Option<DateTime<Utc>>) {
        if let Ok(mut p) = self.pinned.lock() {
            *p = t;
        }
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        let dummy = crate::auth::hash_password("dummy-password-for-timing").unwrap_or_default();
        Self {
            db,
            files: crate::files::FileStore::new(&settings.data_dir),
            clock: Arc::new(Clock::default()),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            dummy_hash: Arc::new(dummy),
        }
    }
}
