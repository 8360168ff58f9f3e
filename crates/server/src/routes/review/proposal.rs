//! A dry run of the assigner (optimal or 随机抽取): the proposed table, loads and, when infeasible,
//! why.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::assign;
use chanjiao_domain::review::proposal::{Infeasible, Proposal, Short, cause_message, proposal_of};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{build_problem, ensure_setup, round_for};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    pub mode: String,
    pub seed: Option<String>,
    pub tolerance: Option<f64>,
    pub pair_cap: Option<f64>,
}

/// A dry run of the assigner: nothing is stored.
#[utoipa::path(post, path = "/api/rounds/{id}/assignment/propose", tag = "review", params(("id" = i64, Path)), request_body = ProposeInput,
    responses((status = 200, body = Proposal), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn propose(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ProposeInput>,
) -> ApiResult<Json<Proposal>> {
    let (r, _) = round_for(&state, &cu, id, Action::ReviewManage).await?;
    ensure_setup(&r)?;
    let seed = match input.mode.as_str() {
        "optimal" => None,
        "random" => Some(match input.seed.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.parse::<u64>().map_err(|_| {
                ApiError::field("seed", FieldError::new("invalid", "随机种子应为非负整数"))
            })?,
            _ => rand::random::<u32>() as u64,
        }),
        _ => {
            return Err(ApiError::field(
                "mode",
                FieldError::new("invalid", "请选择最优分配或随机抽取"),
            ));
        }
    };
    let tolerance = input.tolerance.unwrap_or(0.02);
    if !(tolerance.is_finite() && (0.0..=0.5).contains(&tolerance)) {
        return Err(ApiError::field(
            "tolerance",
            FieldError::new("range", "容差应在 0–0.5 之间"),
        ));
    }
    if let Some(c) = input.pair_cap
        && !(c.is_finite() && c > 0.0 && c <= 1.0)
    {
        return Err(ApiError::field(
            "pair_cap",
            FieldError::new("range", "单对概率上限应在 0–1 之间"),
        ));
    }
    let (p, _) = build_problem(&state, &r, false).await?;
    let solved = tokio::task::spawn_blocking({
        let inst = p.inst.clone();
        let pair_cap = input.pair_cap;
        move || match seed {
            None => assign::solve(&inst).map(|s| s.assignment),
            Some(seed) => assign::solve_random(
                &inst,
                &assign::RandomOptions {
                    seed,
                    tolerance,
                    pair_cap,
                },
            )
            .map(|d| d.assignment),
        }
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let seed_text = seed.map(|s| s.to_string());
    let proposal = match solved {
        Ok(asg) => proposal_of(&p, &asg.panels, &input.mode, seed_text),
        Err(assign::AssignError::Infeasible { causes, partial }) => {
            let mut out = proposal_of(&p, &partial.assignment.panels, &input.mode, seed_text);
            let (cause, message) = causes
                .first()
                .map(|c| cause_message(&p, c))
                .unwrap_or_else(|| ("infeasible".into(), "无法为每项申报分配足够的专家".into()));
            out.infeasible = Some(Infeasible {
                cause,
                message,
                short: partial
                    .short
                    .iter()
                    .map(|(a, missing)| Short {
                        application_id: p.apps[*a as usize].id,
                        missing: *missing,
                    })
                    .collect(),
            });
            out
        }
        Err(e) => {
            tracing::error!(error = %e, round = id, "assigner failed");
            return Err(ApiError::internal());
        }
    };
    Ok(Json(proposal))
}
