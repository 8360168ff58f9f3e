//! Shared state of the server: the database, the settings and the metrics registry.

use std::sync::Arc;

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
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        let dummy = crate::auth::hash_password("dummy-password-for-timing").unwrap_or_default();
        Self {
            db,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::new()),
            dummy_hash: Arc::new(dummy),
        }
    }
}
