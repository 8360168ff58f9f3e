//! Expert review (专家评审): the assignment of experts to applications.
//!
//! * [`assign`] — the instance model, the hard rules, the optimal min-cost-flow assigner, its
//!   randomised 随机抽取 mode, and the checker.
//! * [`mcf`] — a compact primal-dual min-cost-flow solver (CSR arrays, Dijkstra with
//!   potentials, Dinic-style blocking flow on the zero-reduced-cost arcs).
//! * [`generate`] — a deterministic generator of realistic instances (benchmarks and tests).
//! * [`rng`] — a tiny seeded PRNG, so draws are reproducible from a recorded seed without
//!   any dependency.
//! * [`rubric`] — the review rubric (评审指标): criteria, weights, scales and recommendations;
//!   its validation, the check of an expert's scores, and the weighted total.
//! * [`lists`] — the controlled lists: fields of expertise, round and phase kinds, decisions.
//! * [`results`] — what a round's results show (aggregates, selection, distributions).
//! * [`redact`] — the blind variant of a form (网评盲审).
//! * [`instance`] — a round's assignment instance built from its applications and the pool.
//! * [`proposal`] — over that instance: the proposed table, infeasibility causes, the
//!   violations of a hand-adjusted table, the best replacement for a declined slot.
//! * [`profile`] — an expert's profile input and its validation.
//! * [`rounds`] — a round's settings and phases: defaults and validation.
//! * [`status`] — rounds, phases, assignments and reviews: states, transitions, tables.
//! * [`aggregate`] — score aggregation (汇总): means, trimmed means, per-expert z-scores,
//!   disagreement flags, competition ranks, expert statistics and selection distributions.

pub mod aggregate;
pub mod assign;
pub mod generate;
pub mod instance;
pub mod lists;
pub mod mcf;
pub mod profile;
pub mod proposal;
pub mod redact;
pub mod results;
pub mod rng;
pub mod rounds;
pub mod rubric;
pub mod status;
