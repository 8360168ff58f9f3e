//! What a round's results show: per-application aggregates with the selection, per-expert
//! statistics and the distribution of the selection (the programme's only).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultRow {
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub province_code: String,
    pub province_name: String,
    pub institution_type: Option<String>,
    pub reviews: usize,
    pub mean: f64,
    pub trimmed_mean: f64,
    pub normalized: f64,
    pub rank: Option<usize>,
    pub stddev: f64,
    pub range: f64,
    pub flagged: bool,
    /// Recommendations of the submitted reviews: code → count.
    pub recommendations: BTreeMap<String, usize>,
    pub decision: Option<String>,
    pub note: Option<String>,
    pub letter_number: Option<String>,
    pub letter_issued_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertResult {
    pub user_id: i64,
    pub name: String,
    pub reviews: usize,
    pub mean: f64,
    pub stddev: f64,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistributionRow {
    pub code: String,
    pub name: String,
    pub shortlisted: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distribution {
    pub by_province: Vec<DistributionRow>,
    pub by_type: Vec<DistributionRow>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Results {
    pub round_id: i64,
    pub threshold: f64,
    pub applications: Vec<ResultRow>,
    pub experts: Vec<ExpertResult>,
    pub distribution: Distribution,
}
