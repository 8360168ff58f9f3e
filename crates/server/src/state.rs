//! Shared state of the server: the database, the settings and the metrics registry.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use chanjiao_store::Db;

use crate::config::Settings;
use crate::http::metrics::Metrics;

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
        let dummy =
            crate::http::auth::hash_password("dummy-password-for-timing").unwrap_or_default();
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

impl AppState {
    /// The origin printed in QR codes: the configured public origin, else this request's host.
    pub fn public_origin(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(o) = &self.settings.http.public_origin {
            return o.clone();
        }
        let scheme = if self.settings.http.secure_cookies {
            "https"
        } else {
            "http"
        };
        let host = crate::http::extract::header_str(headers, "host").unwrap_or("127.0.0.1:8080");
        format!("{scheme}://{host}")
    }
}
