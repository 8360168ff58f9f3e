//! The expert–application assigner.
//!
//! # Rules
//!
//! HARD (never broken; [`check`] verifies them):
//! * an expert never reviews an application whose lead or any partner (joint applicant) is the
//!   expert's affiliation;
//! * never a declared conflict: an organisation in the expert's `conflict_orgs` involved in the
//!   application, or the application in the expert's `conflict_applications`;
//! * never an expert the applicant asked to avoid (申请回避, `avoid_experts`);
//! * an expert reviews only applications sharing at least one field with them ("fit > 0");
//! * never more than the expert's `max_load`;
//! * each application gets exactly `k` distinct experts — or the solve fails with the cause.
//!
//! SOFT (one linear objective, integer costs, minimised):
//! * expertise fit: each assigned pair costs `−fit`, `fit = field_match · |shared fields| +
//!   keyword_match · |shared keywords|`;
//! * region spread: `+same_region` when the expert's region is the application's (its lead's);
//! * convex load: an expert's j-th assignment (j = 0, 1, …) costs `load_step · j`, so a load
//!   of L costs `load_step · L(L−1)/2` (HotCRP-style balancing).
//!
//! # Network (solved optimally by [`super::mcf`])
//!
//! `source → application` (capacity k, cost 0), `application → expert` for each eligible pair
//! (capacity 1, cost `−fit + region`), `expert → sink` as `min(max_load, #eligible)` parallel
//! unit arcs with costs `0, load_step, 2·load_step, …`. Because those costs increase, a
//! min-cost flow uses an expert's cheap arcs first, so the flow cost equals [`objective`].
//! Node numbering: source 0, applications `1..=A`, experts `A+1..=A+E`, sink `A+E+1`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::mcf::{Graph, Network};
use super::rng::SplitMix64;

/// An application to be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Experts needed.
    pub k: u32,
    /// Lead applicant organisation.
    pub lead: u32,
    /// Joint applicants (联合申报单位).
    pub partners: Vec<u32>,
    /// Fields (the generator gives one: the direction).
    pub fields: Vec<u16>,
    pub keywords: Vec<u16>,
    /// Region (province) of the lead.
    pub region: u16,
    /// Experts the applicant asked to avoid (申请回避), by index.
    pub avoid_experts: Vec<u32>,
}

/// An expert of the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expert {
    /// Affiliation.
    pub org: u32,
    pub fields: Vec<u16>,
    pub keywords: Vec<u16>,
    pub region: u16,
    pub max_load: u32,
    /// Declared conflicts with organisations.
    pub conflict_orgs: Vec<u32>,
    /// Declared conflicts with applications, by index.
    pub conflict_applications: Vec<u32>,
}

/// Weights of the soft goals (integers: the objective is exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub field_match: i32,
    pub keyword_match: i32,
    pub same_region: i32,
    pub load_step: i32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            field_match: 10,
            keyword_match: 4,
            same_region: 6,
            load_step: 1,
        }
    }
}

/// An assignment problem. Applications and experts are identified by their index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub applications: Vec<Application>,
    pub experts: Vec<Expert>,
    pub weights: Weights,
}

/// Experts assigned to each application (`panels[a]`, sorted by expert index).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Assignment {
    pub panels: Vec<Vec<u32>>,
}

impl Assignment {
    /// Number of (application, expert) pairs.
    pub fn pairs(&self) -> usize {
        self.panels.iter().map(Vec::len).sum()
    }

    /// Load of every expert.
    pub fn loads(&self, experts: usize) -> Vec<u32> {
        let mut l = vec![0u32; experts];
        for p in &self.panels {
            for &e in p {
                if let Some(x) = l.get_mut(e as usize) {
                    *x += 1;
                }
            }
        }
        l
    }
}

/// Why an expert may not review an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// The expert's affiliation is the lead or a partner.
    Affiliated { org: u32 },
    /// The expert declared a conflict with an organisation involved.
    DeclaredOrg { org: u32 },
    /// The expert declared a conflict with this application.
    DeclaredApplication,
    /// The applicant asked to avoid this expert (申请回避).
    Avoided,
    /// No shared field (fit would be 0).
    OutOfField,
}

/// Why `(application, expert)` is not allowed, or `None` if it is eligible.
pub fn conflict(inst: &Instance, a: usize, e: usize) -> Option<Conflict> {
    let app = &inst.applications[a];
    let ex = &inst.experts[e];
    let orgs = || std::iter::once(&app.lead).chain(&app.partners);
    if orgs().any(|&o| o == ex.org) {
        return Some(Conflict::Affiliated { org: ex.org });
    }
    if let Some(&o) = orgs().find(|o| ex.conflict_orgs.contains(o)) {
        return Some(Conflict::DeclaredOrg { org: o });
    }
    if ex.conflict_applications.contains(&(a as u32)) {
        return Some(Conflict::DeclaredApplication);
    }
    if app.avoid_experts.contains(&(e as u32)) {
        return Some(Conflict::Avoided);
    }
    if !app.fields.iter().any(|f| ex.fields.contains(f)) {
        return Some(Conflict::OutOfField);
    }
    None
}

/// Expertise fit of a pair (ignores conflicts).
pub fn fit(inst: &Instance, a: usize, e: usize) -> i64 {
    let (app, ex) = (&inst.applications[a], &inst.experts[e]);
    let f = app.fields.iter().filter(|f| ex.fields.contains(f)).count() as i64;
    let k = app
        .keywords
        .iter()
        .filter(|k| ex.keywords.contains(k))
        .count() as i64;
    f * i64::from(inst.weights.field_match) + k * i64::from(inst.weights.keyword_match)
}

/// Cost of assigning expert `e` to application `a` (without the load term).
pub fn pair_cost(inst: &Instance, a: usize, e: usize) -> i64 {
    let region = if inst.experts[e].region == inst.applications[a].region {
        i64::from(inst.weights.same_region)
    } else {
        0
    };
    region - fit(inst, a, e)
}

/// The objective of an assignment: Σ pair costs + Σ convex load costs. Minimised.
pub fn objective(inst: &Instance, asg: &Assignment) -> i64 {
    let mut total = 0i64;
    for (a, panel) in asg.panels.iter().enumerate() {
        for &e in panel {
            total += pair_cost(inst, a, e as usize);
        }
    }
    let step = i64::from(inst.weights.load_step);
    for l in asg.loads(inst.experts.len()) {
        let l = i64::from(l);
        total += step * l * (l - 1) / 2;
    }
    total
}

/// Distribution of expert loads (over all experts of the pool).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadSpread {
    pub min: u32,
    pub max: u32,
    pub mean: f64,
    pub stddev: f64,
}

/// Min/max/mean/population standard deviation of the experts' loads.
pub fn load_spread(inst: &Instance, asg: &Assignment) -> LoadSpread {
    let loads = asg.loads(inst.experts.len());
    if loads.is_empty() {
        return LoadSpread {
            min: 0,
            max: 0,
            mean: 0.0,
            stddev: 0.0,
        };
    }
    let n = loads.len() as f64;
    let mean = loads.iter().map(|&l| f64::from(l)).sum::<f64>() / n;
    let var = loads
        .iter()
        .map(|&l| (f64::from(l) - mean).powi(2))
        .sum::<f64>()
        / n;
    LoadSpread {
        min: *loads.iter().min().unwrap(),
        max: *loads.iter().max().unwrap(),
        mean,
        stddev: var.sqrt(),
    }
}

/// A broken rule in an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Violation {
    /// `panels.len()` differs from the number of applications.
    ApplicationCount {
        expected: usize,
        got: usize,
    },
    UnknownExpert {
        application: u32,
        expert: u32,
    },
    DuplicateExpert {
        application: u32,
        expert: u32,
    },
    PanelSize {
        application: u32,
        expected: u32,
        got: u32,
    },
    Conflict {
        application: u32,
        expert: u32,
        conflict: Conflict,
    },
    OverLoad {
        expert: u32,
        load: u32,
        max_load: u32,
    },
}

/// Every hard rule `asg` breaks (empty when it is a valid complete assignment).
pub fn check(inst: &Instance, asg: &Assignment) -> Vec<Violation> {
    let mut v = Vec::new();
    if asg.panels.len() != inst.applications.len() {
        v.push(Violation::ApplicationCount {
            expected: inst.applications.len(),
            got: asg.panels.len(),
        });
    }
    let ne = inst.experts.len();
    for (a, panel) in asg.panels.iter().enumerate().take(inst.applications.len()) {
        let app = &inst.applications[a];
        if panel.len() != app.k as usize {
            v.push(Violation::PanelSize {
                application: a as u32,
                expected: app.k,
                got: panel.len() as u32,
            });
        }
        for (i, &e) in panel.iter().enumerate() {
            if e as usize >= ne {
                v.push(Violation::UnknownExpert {
                    application: a as u32,
                    expert: e,
                });
                continue;
            }
            if panel[..i].contains(&e) {
                v.push(Violation::DuplicateExpert {
                    application: a as u32,
                    expert: e,
                });
            }
            if let Some(c) = conflict(inst, a, e as usize) {
                v.push(Violation::Conflict {
                    application: a as u32,
                    expert: e,
                    conflict: c,
                });
            }
        }
    }
    for (e, l) in asg.loads(ne).into_iter().enumerate() {
        if l > inst.experts[e].max_load {
            v.push(Violation::OverLoad {
                expert: e as u32,
                load: l,
                max_load: inst.experts[e].max_load,
            });
        }
    }
    v
}

/// Why no complete assignment exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cause {
    /// The application has fewer eligible experts than it needs; they are listed.
    TooFewEligible {
        application: u32,
        needs: u32,
        eligible: Vec<u32>,
    },
    /// The pool's total usable capacity (Σ min(max_load, #eligible applications)) is below
    /// the total demand Σ k.
    CapacityShort { demand: u64, capacity: u64 },
    /// A set of applications that together need `needs` assignments while their eligible
    /// experts can give them at most `can_supply` (from a minimum cut of the flow network):
    /// `experts` are all the experts eligible for any of them, which they compete for.
    Bottleneck {
        applications: Vec<u32>,
        needs: u64,
        can_supply: u64,
        experts: Vec<u32>,
    },
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::TooFewEligible {
                application,
                needs,
                eligible,
            } => write!(
                f,
                "application {application} needs {needs} experts but only {} are eligible: {eligible:?}",
                eligible.len()
            ),
            Cause::CapacityShort { demand, capacity } => write!(
                f,
                "the pool can take at most {capacity} assignments but {demand} are needed"
            ),
            Cause::Bottleneck {
                applications,
                needs,
                can_supply,
                experts,
            } => write!(
                f,
                "applications {applications:?} need {needs} assignments but their eligible experts \
                 {experts:?} can give them at most {can_supply}"
            ),
        }
    }
}

/// The best partial assignment found when the instance is infeasible (maximum number of
/// pairs, minimum cost among those). It is NOT a valid assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partial {
    pub assignment: Assignment,
    /// `(application, missing experts)` for every short panel.
    pub short: Vec<(u32, u32)>,
}

/// Failure of a solve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AssignError {
    /// No complete assignment exists; at least one cause is given.
    Infeasible {
        causes: Vec<Cause>,
        partial: Box<Partial>,
    },
    /// A cost does not fit the solver's 32-bit arc costs (absurd weights).
    CostOverflow,
}

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::Infeasible { causes, partial } => {
                write!(
                    f,
                    "infeasible ({} applications short):",
                    partial.short.len()
                )?;
                for c in causes {
                    write!(f, " {c};")?;
                }
                Ok(())
            }
            AssignError::CostOverflow => write!(f, "a cost overflows 32 bits"),
        }
    }
}

impl std::error::Error for AssignError {}

/// An optimal assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Solution {
    pub assignment: Assignment,
    pub objective: i64,
    pub stats: SolveStats,
}

/// Size and effort of a solve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SolveStats {
    pub nodes: u32,
    pub arcs: u64,
    pub eligible_pairs: u64,
    pub phases: u32,
    pub augmentations: u64,
}

/// Eligible pairs in CSR form: `experts[start[a]..start[a+1]]` with their pair costs.
#[derive(Debug, Clone, Default)]
pub struct Eligible {
    pub start: Vec<u32>,
    pub experts: Vec<u32>,
    pub costs: Vec<i64>,
}

impl Eligible {
    /// Experts eligible for application `a`.
    pub fn of(&self, a: usize) -> &[u32] {
        &self.experts[self.start[a] as usize..self.start[a + 1] as usize]
    }
}

/// All eligible pairs (no hard rule against them), experts sorted by index.
pub fn eligible(inst: &Instance) -> Eligible {
    let nf = inst
        .applications
        .iter()
        .flat_map(|a| a.fields.iter())
        .chain(inst.experts.iter().flat_map(|e| e.fields.iter()))
        .map(|&f| f as usize + 1)
        .max()
        .unwrap_or(0);
    let mut by_field: Vec<Vec<u32>> = vec![Vec::new(); nf];
    for (e, ex) in inst.experts.iter().enumerate() {
        for &f in &ex.fields {
            if by_field[f as usize].last() != Some(&(e as u32)) {
                by_field[f as usize].push(e as u32);
            }
        }
    }
    let mut stamp = vec![u32::MAX; inst.experts.len()];
    let mut out = Eligible {
        start: Vec::with_capacity(inst.applications.len() + 1),
        ..Default::default()
    };
    out.start.push(0);
    let mut cand: Vec<u32> = Vec::new();
    for (a, app) in inst.applications.iter().enumerate() {
        cand.clear();
        for &f in &app.fields {
            for &e in &by_field[f as usize] {
                if stamp[e as usize] != a as u32 {
                    stamp[e as usize] = a as u32;
                    cand.push(e);
                }
            }
        }
        cand.sort_unstable();
        for &e in &cand {
            if conflict(inst, a, e as usize).is_none() {
                out.experts.push(e);
                out.costs.push(pair_cost(inst, a, e as usize));
            }
        }
        out.start.push(out.experts.len() as u32);
    }
    out
}

fn to_i32(x: i64) -> Result<i32, AssignError> {
    i32::try_from(x).map_err(|_| AssignError::CostOverflow)
}

/// Builds the network for eligible pairs `el`, with every cost multiplied by `scale`, plus
/// `noise[i]` on the i-th eligible pair, and only the pairs where `keep[i]` holds.
fn build_network(
    inst: &Instance,
    el: &Eligible,
    scale: i64,
    noise: Option<&[i64]>,
    keep: Option<&[bool]>,
) -> Result<Network, AssignError> {
    let na = inst.applications.len() as u32;
    let ne = inst.experts.len() as u32;
    let kept = |i: usize| keep.is_none_or(|k| k[i]);
    let mut degree = vec![0u32; ne as usize];
    let mut pairs = 0usize;
    for (i, &e) in el.experts.iter().enumerate() {
        if kept(i) {
            degree[e as usize] += 1;
            pairs += 1;
        }
    }
    let load_arcs: usize = inst
        .experts
        .iter()
        .zip(&degree)
        .map(|(x, &d)| x.max_load.min(d) as usize)
        .sum();
    let mut net = Network {
        nodes: na + ne + 2,
        source: 0,
        sink: na + ne + 1,
        ..Default::default()
    };
    let m = na as usize + pairs + load_arcs;
    net.tails.reserve_exact(m);
    net.heads.reserve_exact(m);
    net.caps.reserve_exact(m);
    net.costs.reserve_exact(m);
    for (a, app) in inst.applications.iter().enumerate() {
        let k = i32::try_from(app.k).map_err(|_| AssignError::CostOverflow)?;
        net.add_arc(0, a as u32 + 1, k, 0);
    }
    for a in 0..na as usize {
        for i in el.start[a] as usize..el.start[a + 1] as usize {
            if !kept(i) {
                continue;
            }
            let c = el.costs[i] * scale + noise.map_or(0, |n| n[i]);
            net.add_arc(a as u32 + 1, na + 1 + el.experts[i], 1, to_i32(c)?);
        }
    }
    let step = i64::from(inst.weights.load_step) * scale;
    for (e, ex) in inst.experts.iter().enumerate() {
        for j in 0..ex.max_load.min(degree[e]) {
            net.add_arc(na + 1 + e as u32, net.sink, 1, to_i32(step * i64::from(j))?);
        }
    }
    Ok(net)
}

/// The network [`solve`] solves, exactly (for export to an external solver).
pub fn network(inst: &Instance) -> Result<Network, AssignError> {
    build_network(inst, &eligible(inst), 1, None, None)
}

/// Quick necessary conditions: applications with fewer than k eligible experts, and total
/// usable capacity below demand.
fn obvious_causes(inst: &Instance, el: &Eligible, keep: Option<&[bool]>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let mut degree = vec![0u64; inst.experts.len()];
    for (a, app) in inst.applications.iter().enumerate() {
        let list: Vec<u32> = (el.start[a] as usize..el.start[a + 1] as usize)
            .filter(|&i| keep.is_none_or(|k| k[i]))
            .map(|i| el.experts[i])
            .collect();
        for &e in &list {
            degree[e as usize] += 1;
        }
        if (list.len() as u64) < u64::from(app.k) {
            causes.push(Cause::TooFewEligible {
                application: a as u32,
                needs: app.k,
                eligible: list,
            });
        }
    }
    let demand: u64 = inst.applications.iter().map(|a| u64::from(a.k)).sum();
    let capacity: u64 = inst
        .experts
        .iter()
        .zip(&degree)
        .map(|(x, &d)| u64::from(x.max_load).min(d))
        .sum();
    if capacity < demand {
        causes.push(Cause::CapacityShort { demand, capacity });
    }
    causes
}

/// Solves a network built by `build_network` and reads the assignment back.
fn run(
    inst: &Instance,
    el: &Eligible,
    net: Network,
    keep: Option<&[bool]>,
) -> Result<(Assignment, SolveStats), AssignError> {
    let na = inst.applications.len();
    let mut g = Graph::new(&net);
    let demand = net.source_capacity();
    let mut stats = SolveStats {
        nodes: net.nodes,
        arcs: net.arcs() as u64,
        eligible_pairs: 0,
        ..Default::default()
    };
    let sink = net.sink;
    drop(net);
    let fs = g
        .min_cost_max_flow()
        .map_err(|_| AssignError::CostOverflow)?;
    stats.phases = fs.phases;
    stats.augmentations = fs.augmentations;
    // Read the panels: network arcs na.. are the kept eligible pairs, in order.
    let mut panels = vec![Vec::new(); na];
    let mut arc = na;
    for (a, panel) in panels.iter_mut().enumerate() {
        for i in el.start[a] as usize..el.start[a + 1] as usize {
            if !keep.is_none_or(|k| k[i]) {
                continue;
            }
            stats.eligible_pairs += 1;
            if g.flow(arc) > 0 {
                panel.push(el.experts[i]);
            }
            arc += 1;
        }
    }
    let asg = Assignment { panels };
    if fs.value == demand {
        return Ok((asg, stats));
    }
    let mut causes = obvious_causes(inst, el, keep);
    if causes.is_empty() {
        // A minimum cut: applications still reachable from the source form the bottleneck.
        let side = g.source_side();
        debug_assert!(!side[sink as usize]);
        let apps: Vec<u32> = (0..na as u32).filter(|&a| side[a as usize + 1]).collect();
        let mut experts: Vec<u32> = apps
            .iter()
            .flat_map(|&a| el.of(a as usize).iter().copied())
            .collect();
        experts.sort_unstable();
        experts.dedup();
        let needs: u64 = apps
            .iter()
            .map(|&a| u64::from(inst.applications[a as usize].k))
            .sum();
        let outside: u64 = (0..na)
            .filter(|&a| !side[a + 1])
            .map(|a| u64::from(inst.applications[a].k))
            .sum();
        causes.push(Cause::Bottleneck {
            applications: apps,
            needs,
            can_supply: (fs.value as u64).saturating_sub(outside),
            experts,
        });
    }
    let short = asg
        .panels
        .iter()
        .zip(&inst.applications)
        .enumerate()
        .filter(|(_, (p, app))| (p.len() as u32) < app.k)
        .map(|(a, (p, app))| (a as u32, app.k - p.len() as u32))
        .collect();
    Err(AssignError::Infeasible {
        causes,
        partial: Box::new(Partial {
            assignment: asg,
            short,
        }),
    })
}

/// An optimal assignment (minimum [`objective`] subject to the hard rules), or the cause of
/// infeasibility with the best partial assignment.
pub fn solve(inst: &Instance) -> Result<Solution, AssignError> {
    let el = eligible(inst);
    let net = build_network(inst, &el, 1, None, None)?;
    let (assignment, stats) = run(inst, &el, net, None)?;
    let objective = objective(inst, &assignment);
    Ok(Solution {
        assignment,
        objective,
        stats,
    })
}

/// Options of a random drawing (随机抽取).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RandomOptions {
    /// Recorded in the audit log; the same seed reproduces the same draw.
    pub seed: u64,
    /// Allowed relative excess over the optimum: `objective ≤ optimum + ⌊tolerance·|optimum|⌋`.
    pub tolerance: f64,
    /// Cap on each expert–application probability (see [`solve_random`]); `None` for no cap.
    pub pair_cap: Option<f64>,
}

/// A random drawing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draw {
    pub assignment: Assignment,
    pub objective: i64,
    /// The deterministic optimum it was verified against.
    pub optimum: i64,
    /// Noise amplitude used, in 1/[`NOISE_SCALE`] units of cost per pair.
    pub noise: i64,
    /// Solves performed (1 deterministic + attempts).
    pub solves: u32,
    /// Whether the pair-cap mask was in force for this draw (false: fell back to no mask).
    pub cap_enforced: bool,
    pub seed: u64,
}

/// Resolution of the random perturbation: costs are multiplied by this before noise in
/// `[0, amplitude)` is added, so noise can break ties and near-ties without swamping fit.
pub const NOISE_SCALE: i64 = 8;

/// Draws an assignment among near-optimal ones, reproducibly from `opts.seed`.
///
/// Procedure (all randomness from SplitMix64 streams derived from the seed):
/// 1. Solve deterministically: optimum `c*`; slack `S = ⌊tolerance·|c*|⌋`; flow `F = Σk`.
/// 2. If `pair_cap = q < 1`: keep each eligible pair independently with probability `q`
///    (the *mask*); masked-out pairs cannot be drawn.
/// 3. For amplitudes `A = 4·A₀, 2·A₀, A₀` with the *safe* amplitude
///    `A₀ = ⌊S·NOISE_SCALE / F⌋ + 1`: solve optimally with costs `NOISE_SCALE·c + u`, `u`
///    uniform in `[0, A)` per pair; accept the first result with `objective ≤ c* + S`.
///    Without the mask the `A₀` attempt is always accepted, because
///    `NOISE_SCALE·c(X) ≤ c'(X) ≤ c'(X*) ≤ NOISE_SCALE·c* + (A₀−1)·F`.
/// 4. If the masked instance is infeasible or no attempt is within tolerance, drop the mask
///    and repeat step 3 (`cap_enforced = false`).
///
/// Guarantees: hard rules always hold; every application gets exactly k experts; the
/// objective is within the tolerance of the optimum (verified, not just bounded); the same
/// seed and instance give the same draw. Pair cap: for every pair,
/// `P(pair drawn and cap_enforced) ≤ q` exactly (a pair can only be drawn if it survived the
/// mask), so `P(pair drawn) ≤ q + P(fallback)`; the draw reports `cap_enforced`.
pub fn solve_random(inst: &Instance, opts: &RandomOptions) -> Result<Draw, AssignError> {
    let el = eligible(inst);
    let net = build_network(inst, &el, 1, None, None)?;
    let (opt_asg, _) = run(inst, &el, net, None)?;
    let optimum = objective(inst, &opt_asg);
    let tol = if opts.tolerance.is_finite() {
        opts.tolerance.max(0.0)
    } else {
        0.0
    };
    let slack = (tol * optimum.unsigned_abs() as f64).floor() as i64;
    let flow: i64 = inst
        .applications
        .iter()
        .map(|a| i64::from(a.k))
        .sum::<i64>()
        .max(1);
    let safe = slack * NOISE_SCALE / flow + 1;
    let mut solves = 1;
    let npairs = el.experts.len();
    let mask: Option<Vec<bool>> = match opts.pair_cap {
        Some(q) if q < 1.0 => {
            let mut r = SplitMix64::derive(opts.seed, 0x6d61_736b);
            Some((0..npairs).map(|_| r.unit() < q).collect())
        }
        _ => None,
    };
    let masks: Vec<Option<&[bool]>> = match &mask {
        Some(m) => vec![Some(m.as_slice()), None],
        None => vec![None],
    };
    for (mi, keep) in masks.into_iter().enumerate() {
        if keep.is_some() && !obvious_causes(inst, &el, keep).is_empty() {
            continue;
        }
        for (ai, amp) in [4 * safe, 2 * safe, safe].into_iter().enumerate() {
            let mut r = SplitMix64::derive(opts.seed, 1 + (mi * 3 + ai) as u64);
            let noise: Vec<i64> = (0..npairs).map(|_| r.below(amp as u64) as i64).collect();
            let net = build_network(inst, &el, NOISE_SCALE, Some(&noise), keep)?;
            solves += 1;
            let Ok((asg, _)) = run(inst, &el, net, keep) else {
                break;
            };
            let obj = objective(inst, &asg);
            if obj <= optimum + slack {
                return Ok(Draw {
                    assignment: asg,
                    objective: obj,
                    optimum,
                    noise: amp,
                    solves,
                    cap_enforced: keep.is_some(),
                    seed: opts.seed,
                });
            }
        }
    }
    // Unreachable in theory (the unmasked safe amplitude is always within tolerance); keep
    // the optimum rather than fail.
    Ok(Draw {
        assignment: opt_asg,
        objective: optimum,
        optimum,
        noise: 0,
        solves,
        cap_enforced: false,
        seed: opts.seed,
    })
}
