//! Controlled lists of the review module.

use axum::Json;
use chanjiao_domain::review::lists::{DECISIONS, EXPERTISE, PHASE_KINDS, PLEDGE_TEXT, ROUND_KINDS};
use chanjiao_domain::review::rubric::Rubric;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;

// Controlled lists

#[derive(Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

pub(super) fn code_names(list: &[(&str, &str)]) -> Vec<CodeName> {
    list.iter()
        .map(|(c, n)| CodeName {
            code: (*c).into(),
            name: (*n).into(),
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ReviewMeta {
    pub fields: Vec<CodeName>,
    pub round_kinds: Vec<CodeName>,
    pub phase_kinds: Vec<CodeName>,
    pub decisions: Vec<CodeName>,
    #[schema(value_type = Object)]
    pub default_rubric: Rubric,
    pub pledge_text: String,
}

/// Controlled lists of the review module.
#[utoipa::path(get, path = "/api/meta/review", tag = "review", responses((status = 200, body = ReviewMeta)))]
pub(super) async fn review_meta(_cu: CurrentUser) -> Json<ReviewMeta> {
    Json(ReviewMeta {
        fields: code_names(&EXPERTISE),
        round_kinds: code_names(&ROUND_KINDS),
        phase_kinds: code_names(&PHASE_KINDS),
        decisions: code_names(&DECISIONS),
        default_rubric: Rubric::default_initial(),
        pledge_text: PLEDGE_TEXT.into(),
    })
}
