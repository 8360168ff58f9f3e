//! A round's results: aggregates, ranking, disagreement flags, distributions, and their Excel.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::results::{
    Distribution, DistributionRow, ExpertResult, ResultRow, Results,
};
use chanjiao_domain::review::status::Decision;
use chanjiao_store::audit;
use chanjiao_store::review::{self as rv, RoundApp, RoundRow};

use super::common::{province_name, round_for, xlsx_response};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::Id;
use crate::state::AppState;

// Results, selection, 立项

pub(super) async fn compute_results(state: &AppState, r: &RoundRow) -> ApiResult<Results> {
    use chanjiao_domain::review::aggregate::{self, ReviewScore};
    let apps_in = rv::round_applications(&state.db, r.id).await?;
    let totals = rv::submitted_totals(&state.db, r.id).await?;
    let scores: Vec<ReviewScore> = totals
        .iter()
        .map(|t| ReviewScore {
            application: t.application_id,
            expert: t.expert_user_id,
            total: t.total,
        })
        .collect();
    let ids: Vec<i64> = apps_in.iter().map(|a| a.id).collect();
    let agg = aggregate::aggregate_for(&ids, &scores, r.disagreement_threshold);
    let decisions: HashMap<i64, rv::DecisionRow> = rv::decisions(&state.db, r.id)
        .await?
        .into_iter()
        .map(|d| (d.application_id, d))
        .collect();
    let assignments = rv::assignments(&state.db, r.id).await?;
    let mut recommendations: HashMap<i64, BTreeMap<String, usize>> = HashMap::new();
    for t in &totals {
        if let Some(rec) = &t.recommendation {
            *recommendations
                .entry(t.application_id)
                .or_default()
                .entry(rec.clone())
                .or_insert(0) += 1;
        }
    }
    let by_id: HashMap<i64, &RoundApp> = apps_in.iter().map(|a| (a.id, a)).collect();
    let names: HashMap<i64, String> = assignments
        .iter()
        .map(|a| (a.expert_user_id, a.expert_name.clone()))
        .collect();
    let applications = agg
        .applications
        .iter()
        .filter_map(|s| {
            let a = by_id.get(&s.application)?;
            let d = decisions.get(&s.application);
            Some(ResultRow {
                application_id: a.id,
                number: a.number.clone(),
                lead_name: a.lead_name.clone(),
                province_name: province_name(&a.province_code),
                province_code: a.province_code.clone(),
                institution_type: a.institution_type.clone(),
                reviews: s.reviews,
                mean: s.mean,
                trimmed_mean: s.trimmed_mean,
                normalized: s.normalized,
                rank: s.rank,
                stddev: s.stddev,
                range: s.range,
                flagged: s.flagged,
                recommendations: recommendations.remove(&a.id).unwrap_or_default(),
                decision: d.map(|d| d.decision.clone()),
                note: d.map(|d| d.note.clone()),
                letter_number: d.and_then(|d| d.letter_number.clone()),
                letter_issued_at: d.and_then(|d| d.letter_issued_at),
            })
        })
        .collect();
    let experts = agg
        .experts
        .iter()
        .map(|e| ExpertResult {
            user_id: e.expert,
            name: names.get(&e.expert).cloned().unwrap_or_default(),
            reviews: e.reviews,
            mean: e.mean,
            stddev: e.stddev,
            min: e.min,
            max: e.max,
        })
        .collect();
    let shortlisted = |id: i64| {
        decisions
            .get(&id)
            .is_some_and(|d| d.decision() == Some(Decision::Shortlisted))
    };
    let by_province = aggregate::distribution(
        apps_in
            .iter()
            .map(|a| (a.province_code.clone(), shortlisted(a.id))),
    )
    .into_iter()
    .map(|(code, s, t)| DistributionRow {
        name: province_name(&code),
        code,
        shortlisted: s,
        total: t,
    })
    .collect();
    let by_type = aggregate::distribution(apps_in.iter().map(|a| {
        (
            a.institution_type.clone().unwrap_or_default(),
            shortlisted(a.id),
        )
    }))
    .into_iter()
    .map(|(code, s, t)| DistributionRow {
        name: chanjiao_domain::applications::InstitutionTypes::label(&code)
            .unwrap_or("未填写")
            .to_owned(),
        code,
        shortlisted: s,
        total: t,
    })
    .collect();
    Ok(Results {
        round_id: r.id,
        threshold: r.disagreement_threshold,
        applications,
        experts,
        distribution: Distribution {
            by_province,
            by_type,
        },
    })
}

/// Aggregates, ranking, disagreement flags, per-expert distributions and the distribution of
/// the selection (the programme only).
#[utoipa::path(get, path = "/api/rounds/{id}/results", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = Results), (status = 404, body = ErrorBody)))]
pub(super) async fn results(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Results>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    Ok(Json(compute_results(&state, &r).await?))
}

/// Scores and ranking as Excel.
#[utoipa::path(get, path = "/api/rounds/{id}/results.xlsx", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(super) async fn results_xlsx(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<Response> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    let res = compute_results(&state, &r).await?;
    let bytes = chanjiao_docs::xlsx::results::results_workbook(&res).map_err(|e| {
        tracing::error!(error = %e, "results export failed");
        ApiError::internal()
    })?;
    let mut e = cu.event("review.results_export", "review_round", id);
    e.detail = serde_json::json!({ "rows": res.applications.len() });
    audit::record(&state.db, e).await?;
    xlsx_response(bytes, &format!("评审结果-{}.xlsx", r.title))
}
