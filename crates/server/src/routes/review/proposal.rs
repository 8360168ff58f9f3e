//! A dry run of the assigner (optimal or 随机抽取): the proposed table, loads and, when infeasible,
//! why.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::FieldError;
use chanjiao_domain::policy::Action;
use chanjiao_domain::review::assign;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{Problem, build_problem, ensure_setup, round_for};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, Id};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ProposedExpert {
    pub user_id: i64,
    pub name: String,
    pub fit: i64,
    pub province_code: String,
    pub affiliation_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalRow {
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    pub experts: Vec<ProposedExpert>,
}

#[derive(Serialize, ToSchema)]
pub struct Load {
    pub user_id: i64,
    pub name: String,
    pub load: u32,
    pub max_load: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Short {
    pub application_id: i64,
    pub missing: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Infeasible {
    pub cause: String,
    pub message: String,
    pub short: Vec<Short>,
}

#[derive(Serialize, ToSchema)]
pub struct Proposal {
    pub mode: String,
    pub seed: Option<String>,
    pub objective: i64,
    pub rows: Vec<ProposalRow>,
    pub loads: Vec<Load>,
    pub infeasible: Option<Infeasible>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    pub mode: String,
    pub seed: Option<String>,
    pub tolerance: Option<f64>,
    pub pair_cap: Option<f64>,
}

pub(super) fn proposal_of(
    p: &Problem,
    panels: &[Vec<u32>],
    mode: &str,
    seed: Option<String>,
) -> Proposal {
    let rows = p
        .apps
        .iter()
        .enumerate()
        .map(|(a, app)| ProposalRow {
            application_id: app.id,
            number: app.number.clone(),
            lead_name: app.lead_name.clone(),
            province_code: app.province_code.clone(),
            fields: app.direction.clone().into_iter().collect(),
            experts: panels
                .get(a)
                .map(|panel| {
                    panel
                        .iter()
                        .map(|&e| {
                            let ex = &p.experts[e as usize];
                            ProposedExpert {
                                user_id: ex.user_id,
                                name: ex.name.clone(),
                                fit: assign::fit(&p.inst, a, e as usize),
                                province_code: ex.province_code.clone(),
                                affiliation_name: ex.affiliation_name.clone(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let asg = assign::Assignment {
        panels: panels.to_vec(),
    };
    Proposal {
        mode: mode.into(),
        seed,
        objective: assign::objective(&p.inst, &asg),
        rows,
        loads: loads_of(p, &asg),
        infeasible: None,
    }
}

pub(super) fn loads_of(p: &Problem, asg: &assign::Assignment) -> Vec<Load> {
    asg.loads(p.experts.len())
        .into_iter()
        .enumerate()
        .map(|(e, load)| Load {
            user_id: p.experts[e].user_id,
            name: p.experts[e].name.clone(),
            load,
            max_load: p.inst.experts[e].max_load,
        })
        .collect()
}

pub(super) fn cause_message(p: &Problem, c: &assign::Cause) -> (String, String) {
    let app_label = |a: u32| {
        p.apps.get(a as usize).map_or_else(String::new, |x| {
            x.number.clone().unwrap_or_else(|| x.lead_name.clone())
        })
    };
    match c {
        assign::Cause::TooFewEligible {
            application,
            needs,
            eligible,
        } => (
            "too_few_eligible".into(),
            format!(
                "申报 {} 需要 {needs} 名专家，但符合回避规则且领域匹配的专家只有 {} 名",
                app_label(*application),
                eligible.len()
            ),
        ),
        assign::Cause::CapacityShort { demand, capacity } => (
            "capacity_short".into(),
            format!(
                "共需 {demand} 人次评审，专家库最多只能承担 {capacity} 人次：请增加专家或提高最大评审量"
            ),
        ),
        assign::Cause::Bottleneck {
            applications,
            needs,
            can_supply,
            experts,
        } => (
            "bottleneck".into(),
            format!(
                "{} 项申报共需 {needs} 人次，但可评审它们的 {} 名专家最多承担 {can_supply} 人次",
                applications.len(),
                experts.len()
            ),
        ),
    }
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
    let p = build_problem(&state, &r, false).await?;
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
