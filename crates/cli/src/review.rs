//! `chanjiao review …`: the expert assigner's benchmark.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chanjiao_domain::review::assign::{self, RandomOptions};
use chanjiao_domain::review::generate::{GenParams, generate};
use chanjiao_domain::review::mcf::Network;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// Generate a realistic instance, assign experts optimally, verify, print one JSON line.
    AssignBench(AssignBench),
}

#[derive(Args)]
pub struct AssignBench {
    /// Number of applications.
    #[arg(long)]
    applications: u32,
    /// Number of experts in the pool.
    #[arg(long)]
    experts: u32,
    /// Experts per application (k).
    #[arg(long)]
    per_application: u32,
    /// Generator seed (and random-draw seed with --random).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the min-cost-flow network exactly as solved (JSON) for an external solver.
    #[arg(long)]
    export_instance: Option<PathBuf>,
    /// Random drawing (随机抽取) among near-optimal assignments.
    #[arg(long)]
    random: bool,
    /// With --random: allowed relative excess over the optimum.
    #[arg(long, default_value_t = 0.02)]
    tolerance: f64,
    /// With --random: cap on each expert–application probability.
    #[arg(long)]
    pair_cap: Option<f64>,
    /// Print JSON (the only output format).
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: ReviewCommand) -> Result<ExitCode> {
    match cmd {
        ReviewCommand::AssignBench(b) => bench(b),
    }
}

fn bench(b: AssignBench) -> Result<ExitCode> {
    let _ = b.json;
    let inst = generate(&GenParams {
        applications: b.applications,
        experts: b.experts,
        k: b.per_application,
        seed: b.seed,
    });
    let mut arcs = None;
    if let Some(path) = &b.export_instance {
        let net = assign::network(&inst).map_err(|e| anyhow::anyhow!("{e}"))?;
        arcs = Some(net.arcs());
        export(&net, path).with_context(|| format!("writing {}", path.display()))?;
    }
    let t = Instant::now();
    let (assignment, objective, extra) = if b.random {
        let d = assign::solve_random(
            &inst,
            &RandomOptions {
                seed: b.seed,
                tolerance: b.tolerance,
                pair_cap: b.pair_cap,
            },
        );
        match d {
            Ok(d) => {
                let extra = serde_json::json!({
                    "random": true, "tolerance": b.tolerance, "optimum": d.optimum,
                    "noise": d.noise, "solves": d.solves, "cap_enforced": d.cap_enforced,
                });
                (d.assignment, d.objective, extra)
            }
            Err(e) => return infeasible(&b, &e),
        }
    } else {
        match assign::solve(&inst) {
            Ok(s) => {
                arcs = Some(s.stats.arcs as usize);
                let extra = serde_json::json!({
                    "phases": s.stats.phases, "eligible_pairs": s.stats.eligible_pairs,
                });
                (s.assignment, s.objective, extra)
            }
            Err(e) => return infeasible(&b, &e),
        }
    };
    let millis = t.elapsed().as_secs_f64() * 1000.0;
    let violations = assign::check(&inst, &assignment);
    let spread = assign::load_spread(&inst, &assignment);
    let mut out = serde_json::json!({
        "applications": b.applications,
        "experts": b.experts,
        "k": b.per_application,
        "seed": b.seed,
        "objective": objective,
        "millis": (millis * 10.0).round() / 10.0,
        "violations": violations.len(),
        "load_min": spread.min,
        "load_max": spread.max,
        "load_mean": spread.mean,
        "load_stddev": (spread.stddev * 1000.0).round() / 1000.0,
        "arcs": arcs,
        "peak_rss_kb": peak_rss_kb(),
    });
    if let (Some(o), Some(e)) = (out.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    println!("{out}");
    if !violations.is_empty() {
        for v in violations.iter().take(20) {
            eprintln!("violation: {v:?}");
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

fn infeasible(b: &AssignBench, e: &assign::AssignError) -> Result<ExitCode> {
    let causes: Vec<String> = match e {
        assign::AssignError::Infeasible { causes, .. } => {
            causes.iter().take(10).map(ToString::to_string).collect()
        }
        other => vec![other.to_string()],
    };
    println!(
        "{}",
        serde_json::json!({
            "applications": b.applications, "experts": b.experts, "k": b.per_application,
            "seed": b.seed, "infeasible": true, "causes": causes,
        })
    );
    Ok(ExitCode::from(2))
}

/// Peak resident set size (VmHWM) of this process, in kB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Writes the network as JSON: `{"format":"chanjiao-mcf-1","nodes":…,"source":…,"sink":…,
/// "supplies":[[source,D],[sink,-D]],"tails":[…],"heads":[…],"capacities":[…],"costs":[…]}`.
fn export(net: &Network, path: &Path) -> std::io::Result<()> {
    fn list<T: std::fmt::Display>(w: &mut impl Write, name: &str, xs: &[T]) -> std::io::Result<()> {
        write!(w, ",\"{name}\":[")?;
        for (i, x) in xs.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            write!(w, "{x}")?;
        }
        w.write_all(b"]")
    }
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let d = net.source_capacity();
    write!(
        w,
        "{{\"format\":\"chanjiao-mcf-1\",\"nodes\":{},\"source\":{},\"sink\":{},\"supplies\":[[{},{}],[{},{}]]",
        net.nodes, net.source, net.sink, net.source, d, net.sink, -d
    )?;
    list(&mut w, "tails", &net.tails)?;
    list(&mut w, "heads", &net.heads)?;
    list(&mut w, "capacities", &net.caps)?;
    list(&mut w, "costs", &net.costs)?;
    w.write_all(b"}\n")?;
    w.flush()
}
