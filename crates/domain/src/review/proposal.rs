//! What the office sees of an assignment over a round's [`Problem`]: the proposed table with
//! fits and loads, why a round is infeasible, the violations of a hand-adjusted table, and the
//! best replacement for a declined slot.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::review::assign::{self, Conflict, Violation};
use crate::review::instance::Problem;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedExpert {
    pub user_id: i64,
    pub name: String,
    pub fit: i64,
    pub province_code: String,
    pub affiliation_name: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRow {
    pub application_id: i64,
    pub number: Option<String>,
    pub lead_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    pub experts: Vec<ProposedExpert>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Load {
    pub user_id: i64,
    pub name: String,
    pub load: u32,
    pub max_load: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Short {
    pub application_id: i64,
    pub missing: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Infeasible {
    pub cause: String,
    pub message: String,
    pub short: Vec<Short>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub mode: String,
    pub seed: Option<String>,
    pub objective: i64,
    pub rows: Vec<ProposalRow>,
    pub loads: Vec<Load>,
    pub infeasible: Option<Infeasible>,
}

/// The table of `panels` (one list of expert indices per application) as the office sees it.
pub fn proposal_of(p: &Problem, panels: &[Vec<u32>], mode: &str, seed: Option<String>) -> Proposal {
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

/// Every expert's load in `asg` against their remaining capacity.
pub fn loads_of(p: &Problem, asg: &assign::Assignment) -> Vec<Load> {
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

/// Why the round is infeasible: a code and the office's message.
pub fn cause_message(p: &Problem, c: &assign::Cause) -> (String, String) {
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

#[derive(Debug, Deserialize, Clone, Copy)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub application_id: i64,
    pub user_id: i64,
    /// Placed by the office's hand rather than by the proposal: the assignment's source is then
    /// `manual` whatever the round's mode (the checks ignore it).
    #[serde(default)]
    pub manual: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairViolation {
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub code: String,
    pub message: String,
}

/// Checks a hand-adjusted table against every hard rule.
pub fn check_table(p: &Problem, pairs: &[Pair]) -> (Vec<PairViolation>, assign::Assignment) {
    let mut out = Vec::new();
    let mut panels = vec![Vec::new(); p.apps.len()];
    for pair in pairs {
        let Some(&a) = p.app_index.get(&pair.application_id) else {
            out.push(PairViolation {
                application_id: Some(pair.application_id),
                user_id: Some(pair.user_id),
                code: "unknown_application".into(),
                message: "该申报不在本评审批次中".into(),
            });
            continue;
        };
        let Some(&e) = p.expert_index.get(&pair.user_id) else {
            out.push(PairViolation {
                application_id: Some(pair.application_id),
                user_id: Some(pair.user_id),
                code: "unknown_expert".into(),
                message: "该专家不在专家库中或暂不可参评".into(),
            });
            continue;
        };
        panels[a].push(e as u32);
    }
    let asg = assign::Assignment { panels };
    let expert = |e: u32| p.experts[e as usize].user_id;
    let app = |a: u32| p.apps[a as usize].id;
    let ename = |e: u32| p.experts[e as usize].name.clone();
    for v in assign::check(&p.inst, &asg) {
        let (a, e, code, message) = match v {
            Violation::ApplicationCount { .. } => continue,
            Violation::UnknownExpert {
                application,
                expert: x,
            } => (
                Some(app(application)),
                None,
                "unknown_expert",
                format!("专家 {x} 不存在"),
            ),
            Violation::DuplicateExpert {
                application,
                expert: x,
            } => (
                Some(app(application)),
                Some(expert(x)),
                "duplicate",
                format!("{} 重复分配到同一申报", ename(x)),
            ),
            Violation::PanelSize {
                application,
                expected,
                got,
            } => (
                Some(app(application)),
                None,
                "panel_size",
                format!("需要 {expected} 名专家，当前 {got} 名"),
            ),
            Violation::Conflict {
                application,
                expert: x,
                conflict,
            } => {
                // One code per kind, so the UI can say which in every locale.
                let (code, why) = match conflict {
                    Conflict::Affiliated { .. } => {
                        ("affiliated", "所在单位是牵头或联合申报单位，须回避")
                    }
                    Conflict::DeclaredOrg { .. } => {
                        ("declared_org", "本人声明与申报单位存在利害关系，须回避")
                    }
                    Conflict::DeclaredApplication => (
                        "declared_application",
                        "本人声明与该申报存在利害关系，须回避",
                    ),
                    Conflict::Avoided => ("avoided", "申报单位申请回避该专家"),
                    Conflict::OutOfField => ("out_of_field", "专业领域与申报方向不匹配"),
                };
                (
                    Some(app(application)),
                    Some(expert(x)),
                    code,
                    format!("{}：{why}", ename(x)),
                )
            }
            Violation::OverLoad {
                expert: x,
                load,
                max_load,
            } => (
                None,
                Some(expert(x)),
                "over_load",
                format!("{} 的评审量 {load} 超过可承担的 {max_load}", ename(x)),
            ),
        };
        out.push(PairViolation {
            application_id: a,
            user_id: e,
            code: code.into(),
            message,
        });
    }
    (out, asg)
}

/// The best replacement for one slot: eligible, with capacity left, not on the panel. `live` is
/// the round's (application id, expert user id) pairs that count; the answer is the expert's
/// index and fit.
pub fn replacement(p: &Problem, application_id: i64, live: &[(i64, i64)]) -> Option<(usize, i64)> {
    let &a = p.app_index.get(&application_id)?;
    let mut load = vec![0u32; p.experts.len()];
    let mut on_panel = HashSet::new();
    for (app, user) in live {
        if let Some(&e) = p.expert_index.get(user) {
            load[e] += 1;
            if *app == application_id {
                on_panel.insert(e);
            }
        }
    }
    let step = i64::from(p.inst.weights.load_step);
    (0..p.experts.len())
        .filter(|&e| !on_panel.contains(&e))
        .filter(|&e| load[e] < p.inst.experts[e].max_load)
        .filter(|&e| assign::conflict(&p.inst, a, e).is_none())
        .map(|e| {
            (
                e,
                assign::pair_cost(&p.inst, a, e) + step * i64::from(load[e]),
            )
        })
        .min_by_key(|&(e, cost)| (cost, p.experts[e].user_id))
        .map(|(e, _)| (e, assign::fit(&p.inst, a, e)))
}
