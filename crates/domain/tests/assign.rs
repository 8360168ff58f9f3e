//! Tests of the expert assigner: hard rules, completeness, infeasibility causes, exactness
//! against exhaustive search, the random drawing, the generator, and (where `ortools` is
//! installed) objective equality with OR-tools' SimpleMinCostFlow.

use chanjiao_domain::review::assign::{
    self, Application, AssignError, Assignment, Cause, Conflict, Expert, Instance, RandomOptions,
    Violation, Weights, check, conflict, load_spread, objective, solve, solve_random,
};
use chanjiao_domain::review::generate::{GenParams, generate};
use chanjiao_domain::review::mcf::Network;
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

/// Exhaustive optimum: the minimum objective over all complete valid assignments, or None.
fn brute_force(inst: &Instance) -> Option<i64> {
    fn subsets(items: &[u32], k: usize, start: usize, cur: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..items.len() {
            cur.push(items[i]);
            subsets(items, k, i + 1, cur, out);
            cur.pop();
        }
    }
    fn go(
        inst: &Instance,
        a: usize,
        options: &[Vec<Vec<u32>>],
        panels: &mut Vec<Vec<u32>>,
        best: &mut Option<i64>,
    ) {
        if a == options.len() {
            let asg = Assignment {
                panels: panels.clone(),
            };
            let loads = asg.loads(inst.experts.len());
            if loads
                .iter()
                .zip(&inst.experts)
                .any(|(&l, e)| l > e.max_load)
            {
                return;
            }
            let obj = objective(inst, &asg);
            if best.is_none_or(|b| obj < b) {
                *best = Some(obj);
            }
            return;
        }
        for s in &options[a] {
            panels.push(s.clone());
            go(inst, a + 1, options, panels, best);
            panels.pop();
        }
    }
    let options: Vec<Vec<Vec<u32>>> = (0..inst.applications.len())
        .map(|a| {
            let el: Vec<u32> = (0..inst.experts.len())
                .filter(|&e| conflict(inst, a, e).is_none())
                .map(|e| e as u32)
                .collect();
            let mut out = Vec::new();
            subsets(
                &el,
                inst.applications[a].k as usize,
                0,
                &mut Vec::new(),
                &mut out,
            );
            out
        })
        .collect();
    let mut best = None;
    go(inst, 0, &options, &mut Vec::new(), &mut best);
    best
}

/// Random small instances (3 fields, 6 keywords, 5 organisations, 3 regions).
fn small_instance(
    max_apps: usize,
    max_experts: usize,
    max_k: u32,
) -> impl Strategy<Value = Instance> {
    let app = (
        1..=max_k,
        0u32..5,
        prop::collection::vec(0u32..5, 0..3),
        prop::collection::btree_set(0u16..3, 1..3),
        prop::collection::btree_set(0u16..6, 0..3),
        0u16..3,
        prop::collection::btree_set(0u32..max_experts as u32, 0..2),
    )
        .prop_map(
            |(k, lead, partners, fields, kws, region, avoid)| Application {
                k,
                lead,
                partners,
                fields: fields.into_iter().collect(),
                keywords: kws.into_iter().collect(),
                region,
                avoid_experts: avoid.into_iter().collect(),
            },
        );
    let expert = (
        0u32..5,
        prop::collection::btree_set(0u16..3, 1..3),
        prop::collection::btree_set(0u16..6, 0..4),
        0u16..3,
        0u32..4,
        prop::collection::vec(0u32..5, 0..2),
        prop::collection::vec(0u32..max_apps as u32, 0..2),
    )
        .prop_map(|(org, fields, kws, region, max_load, co, ca)| Expert {
            org,
            fields: fields.into_iter().collect(),
            keywords: kws.into_iter().collect(),
            region,
            max_load,
            conflict_orgs: co,
            conflict_applications: ca,
        });
    let weights = (1i32..12, 0i32..6, 0i32..8, 0i32..4).prop_map(|(f, k, r, l)| Weights {
        field_match: f,
        keyword_match: k,
        same_region: r,
        load_step: l,
    });
    (
        prop::collection::vec(app, 1..=max_apps),
        prop::collection::vec(expert, 1..=max_experts),
        weights,
    )
        .prop_map(|(applications, experts, weights)| {
            let ne = experts.len() as u32;
            let na = applications.len() as u32;
            let applications = applications
                .into_iter()
                .map(|mut a| {
                    a.avoid_experts.retain(|&e| e < ne);
                    a
                })
                .collect();
            let experts = experts
                .into_iter()
                .map(|mut e| {
                    e.conflict_applications.retain(|&a| a < na);
                    e
                })
                .collect();
            Instance {
                applications,
                experts,
                weights,
            }
        })
}

fn eligible_of(inst: &Instance, a: usize) -> Vec<u32> {
    (0..inst.experts.len())
        .filter(|&e| conflict(inst, a, e).is_none())
        .map(|e| e as u32)
        .collect()
}

/// The cause is true of the instance.
fn assert_cause_holds(inst: &Instance, c: &Cause) {
    match c {
        Cause::TooFewEligible {
            application,
            needs,
            eligible,
        } => {
            assert_eq!(*eligible, eligible_of(inst, *application as usize));
            assert!((eligible.len() as u32) < *needs);
            assert_eq!(*needs, inst.applications[*application as usize].k);
        }
        Cause::CapacityShort { demand, capacity } => {
            assert!(capacity < demand);
            let d: u64 = inst.applications.iter().map(|a| u64::from(a.k)).sum();
            assert_eq!(*demand, d);
        }
        Cause::Bottleneck {
            applications,
            needs,
            can_supply,
            ..
        } => {
            assert!(can_supply < needs, "{c}");
            assert!(!applications.is_empty());
            let d: u64 = applications
                .iter()
                .map(|&a| u64::from(inst.applications[a as usize].k))
                .sum();
            assert_eq!(*needs, d);
        }
    }
}

fn partial_is_sound(inst: &Instance, asg: &Assignment) {
    for v in check(inst, asg) {
        match v {
            Violation::PanelSize { expected, got, .. } => assert!(got < expected),
            other => panic!("partial assignment breaks a hard rule: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Exactness: the solver's objective equals exhaustive search, and both agree on
    /// feasibility; a feasible result breaks no rule and its objective is the flow's.
    #[test]
    fn optimum_equals_brute_force(inst in small_instance(3, 5, 2)) {
        let bf = brute_force(&inst);
        match solve(&inst) {
            Ok(sol) => {
                prop_assert_eq!(check(&inst, &sol.assignment), vec![]);
                prop_assert_eq!(sol.objective, objective(&inst, &sol.assignment));
                prop_assert_eq!(Some(sol.objective), bf);
            }
            Err(AssignError::Infeasible { causes, partial }) => {
                prop_assert_eq!(bf, None);
                prop_assert!(!causes.is_empty());
                for c in &causes { assert_cause_holds(&inst, c); }
                partial_is_sound(&inst, &partial.assignment);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// Larger random instances: never a broken hard rule; exactly k experts each when
    /// feasible; otherwise causes that hold and a sound partial assignment.
    #[test]
    fn hard_rules_never_broken(inst in small_instance(12, 14, 3)) {
        match solve(&inst) {
            Ok(sol) => {
                prop_assert_eq!(check(&inst, &sol.assignment), vec![]);
                for (a, p) in sol.assignment.panels.iter().enumerate() {
                    prop_assert_eq!(p.len() as u32, inst.applications[a].k);
                }
            }
            Err(AssignError::Infeasible { causes, partial }) => {
                prop_assert!(!causes.is_empty());
                for c in &causes { assert_cause_holds(&inst, c); }
                partial_is_sound(&inst, &partial.assignment);
                prop_assert!(!partial.short.is_empty());
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// Generated instances of moderate size are feasible and solved without violations.
    #[test]
    fn generated_instances_solve(seed in any::<u64>(), na in 5u32..60, ne in 20u32..120, k in 1u32..5) {
        let inst = generate(&GenParams { applications: na, experts: ne, k, seed });
        match solve(&inst) {
            Ok(sol) => prop_assert_eq!(check(&inst, &sol.assignment), vec![]),
            Err(AssignError::Infeasible { causes, partial }) => {
                for c in &causes { assert_cause_holds(&inst, c); }
                partial_is_sound(&inst, &partial.assignment);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// Random drawing: reproducible from the seed, valid, within tolerance of the optimum.
    #[test]
    fn random_draw_reproducible_and_within_tolerance(
        gseed in any::<u64>(), seed in any::<u64>(), tol in 0.0f64..0.1,
        cap in prop::option::of(0.3f64..1.0),
    ) {
        let inst = generate(&GenParams { applications: 20, experts: 60, k: 3, seed: gseed });
        let Ok(opt) = solve(&inst) else { return Ok(()) };
        let opts = RandomOptions { seed, tolerance: tol, pair_cap: cap };
        let d1 = solve_random(&inst, &opts).unwrap();
        let d2 = solve_random(&inst, &opts).unwrap();
        prop_assert_eq!(&d1, &d2);
        prop_assert_eq!(check(&inst, &d1.assignment), vec![]);
        prop_assert_eq!(d1.optimum, opt.objective);
        prop_assert_eq!(d1.objective, objective(&inst, &d1.assignment));
        let slack = (tol * opt.objective.unsigned_abs() as f64).floor() as i64;
        prop_assert!(d1.objective <= opt.objective + slack);
        prop_assert!(d1.objective >= opt.objective);
    }
}

// ---------------------------------------------------------------- examples

fn expert(org: u32, fields: &[u16], max_load: u32) -> Expert {
    Expert {
        org,
        fields: fields.to_vec(),
        keywords: vec![],
        region: 0,
        max_load,
        conflict_orgs: vec![],
        conflict_applications: vec![],
    }
}

fn application(k: u32, lead: u32, partners: &[u32], field: u16) -> Application {
    Application {
        k,
        lead,
        partners: partners.to_vec(),
        fields: vec![field],
        keywords: vec![],
        region: 1,
        avoid_experts: vec![],
    }
}

#[test]
fn too_few_eligible_lists_them() {
    // Application 0 (lead org 1, partner org 2) needs 3; expert 0 is at org 1, expert 1 at
    // org 2, expert 2 avoided, expert 3 declared a conflict, expert 4 is in another field:
    // only experts 5 and 6 remain.
    let mut app = application(3, 1, &[2], 0);
    app.avoid_experts = vec![2];
    let mut e3 = expert(9, &[0], 5);
    e3.conflict_applications = vec![0];
    let inst = Instance {
        applications: vec![app],
        experts: vec![
            expert(1, &[0], 5),
            expert(2, &[0], 5),
            expert(7, &[0], 5),
            e3,
            expert(8, &[1], 5),
            expert(8, &[0], 5),
            expert(9, &[0, 1], 5),
        ],
        weights: Weights::default(),
    };
    let Err(AssignError::Infeasible { causes, partial }) = solve(&inst) else {
        panic!()
    };
    // The capacity shortfall (2 usable slots for 3 needed) is reported too.
    assert_eq!(
        causes[0],
        Cause::TooFewEligible {
            application: 0,
            needs: 3,
            eligible: vec![5, 6]
        }
    );
    assert_eq!(partial.assignment.panels, vec![vec![5, 6]]);
    assert_eq!(partial.short, vec![(0, 1)]);
    assert!(
        causes[0]
            .to_string()
            .contains("only 2 are eligible: [5, 6]")
    );
}

#[test]
fn capacity_short_is_reported() {
    let inst = Instance {
        applications: vec![application(2, 0, &[], 0), application(2, 0, &[], 0)],
        experts: vec![expert(5, &[0], 1), expert(6, &[0], 1), expert(7, &[0], 1)],
        weights: Weights::default(),
    };
    let Err(AssignError::Infeasible { causes, .. }) = solve(&inst) else {
        panic!()
    };
    assert_eq!(
        causes,
        vec![Cause::CapacityShort {
            demand: 4,
            capacity: 3
        }]
    );
}

#[test]
fn bottleneck_is_reported_from_the_min_cut() {
    // Apps 0 and 1 (field 0) need 2 each; only experts 0 (load 2) and 1 (load 1) know
    // field 0. Experts 2 and 3 (field 1) have spare capacity, so every application has
    // enough eligible experts and the pool's total capacity (7) exceeds the demand (6).
    let inst = Instance {
        applications: vec![
            application(2, 0, &[], 0),
            application(2, 0, &[], 0),
            application(1, 0, &[], 1),
            application(1, 0, &[], 1),
        ],
        experts: vec![
            expert(5, &[0], 2),
            expert(6, &[0], 1),
            expert(7, &[1], 9),
            expert(8, &[1], 9),
        ],
        weights: Weights::default(),
    };
    let Err(AssignError::Infeasible { causes, partial }) = solve(&inst) else {
        panic!()
    };
    assert_eq!(causes.len(), 1);
    let Cause::Bottleneck {
        applications,
        needs,
        can_supply,
        experts,
    } = &causes[0]
    else {
        panic!("{causes:?}")
    };
    assert_eq!(
        (applications.clone(), *needs, *can_supply),
        (vec![0, 1], 4, 3)
    );
    assert_eq!(experts, &vec![0, 1]);
    partial_is_sound(&inst, &partial.assignment);
    assert_eq!(partial.assignment.pairs(), 5);
}

#[test]
fn check_reports_every_kind_of_violation() {
    let mut app = application(2, 1, &[2], 0);
    app.avoid_experts = vec![3];
    let mut e2 = expert(9, &[0], 1);
    e2.conflict_orgs = vec![2];
    let inst = Instance {
        applications: vec![app, application(1, 5, &[], 0)],
        experts: vec![
            expert(1, &[0], 5),
            expert(8, &[1], 5),
            e2,
            expert(8, &[0], 5),
        ],
        weights: Weights::default(),
    };
    let bad = Assignment {
        panels: vec![vec![0, 1, 2, 3, 3, 9], vec![2]],
    };
    let v = check(&inst, &bad);
    assert!(v.contains(&Violation::PanelSize {
        application: 0,
        expected: 2,
        got: 6
    }));
    assert!(v.contains(&Violation::Conflict {
        application: 0,
        expert: 0,
        conflict: Conflict::Affiliated { org: 1 }
    }));
    assert!(v.contains(&Violation::Conflict {
        application: 0,
        expert: 1,
        conflict: Conflict::OutOfField
    }));
    assert!(v.contains(&Violation::Conflict {
        application: 0,
        expert: 2,
        conflict: Conflict::DeclaredOrg { org: 2 }
    }));
    assert!(v.contains(&Violation::Conflict {
        application: 0,
        expert: 3,
        conflict: Conflict::Avoided
    }));
    assert!(v.contains(&Violation::DuplicateExpert {
        application: 0,
        expert: 3
    }));
    assert!(v.contains(&Violation::UnknownExpert {
        application: 0,
        expert: 9
    }));
    assert!(v.contains(&Violation::OverLoad {
        expert: 2,
        load: 2,
        max_load: 1
    }));
    assert!(
        check(&inst, &Assignment { panels: vec![] }).contains(&Violation::ApplicationCount {
            expected: 2,
            got: 0
        })
    );
}

#[test]
fn convex_load_balances_and_spread_is_reported() {
    // Four identical applications, two identical experts with room for 4 each: the convex
    // load cost splits them 2/2 (cost 1+1) rather than 4/0 (cost 0+1+2+3).
    let inst = Instance {
        applications: vec![application(1, 0, &[], 0); 4],
        experts: vec![expert(5, &[0], 4), expert(6, &[0], 4)],
        weights: Weights::default(),
    };
    let sol = solve(&inst).unwrap();
    let s = load_spread(&inst, &sol.assignment);
    assert_eq!((s.min, s.max), (2, 2));
    assert_eq!(s.stddev, 0.0);
    assert_eq!(sol.objective, 4 * -10 + 2);
}

#[test]
fn region_penalty_prefers_out_of_province_experts() {
    let mut local = expert(5, &[0], 1);
    local.region = 1;
    let inst = Instance {
        applications: vec![application(1, 0, &[], 0)],
        experts: vec![local, expert(6, &[0], 1)],
        weights: Weights::default(),
    };
    assert_eq!(solve(&inst).unwrap().assignment.panels, vec![vec![1]]);
}

#[test]
fn generator_is_deterministic_and_realistic() {
    let p = GenParams {
        applications: 150,
        experts: 300,
        k: 5,
        seed: 7,
    };
    let a = generate(&p);
    assert_eq!(a, generate(&p));
    assert_ne!(a, generate(&GenParams { seed: 8, ..p }));
    let el = assign::eligible(&a);
    let per_app = el.experts.len() as f64 / 150.0;
    assert!(
        (30.0..150.0).contains(&per_app),
        "{per_app} eligible experts per application"
    );
    let demand = 150 * 5;
    let cap: u32 = a.experts.iter().map(|e| e.max_load).sum();
    assert!((1.2..1.7).contains(&(f64::from(cap) / f64::from(demand))));
    // Some experts are affiliated with applicants; some applicants asked for avoidance.
    let affiliated = (0..150)
        .flat_map(|x| (0..300).map(move |e| (x, e)))
        .filter(|&(x, e)| matches!(conflict(&a, x, e), Some(Conflict::Affiliated { .. })))
        .count();
    assert!(affiliated > 0);
    assert!(a.applications.iter().any(|x| !x.avoid_experts.is_empty()));
    let sol = solve(&a).unwrap();
    assert!(check(&a, &sol.assignment).is_empty());
}

#[test]
fn network_cost_equals_objective() {
    let inst = generate(&GenParams {
        applications: 150,
        experts: 300,
        k: 5,
        seed: 7,
    });
    let net = assign::network(&inst).unwrap();
    let mut g = chanjiao_domain::review::mcf::Graph::new(&net);
    let fs = g.min_cost_max_flow().unwrap();
    assert_eq!(fs.value, 750);
    assert_eq!(fs.cost, solve(&inst).unwrap().objective);
}

#[test]
fn pair_cap_holds_empirically() {
    // With cap q and no fallback, no pair may be drawn in more than a q share of draws
    // (up to sampling error: 200 draws, bound q + 4σ).
    let inst = generate(&GenParams {
        applications: 10,
        experts: 300,
        k: 2,
        seed: 11,
    });
    let q = 0.5;
    let draws = 200;
    let mut counts = std::collections::HashMap::new();
    let mut enforced = 0;
    for seed in 0..draws {
        let d = solve_random(
            &inst,
            &RandomOptions {
                seed,
                tolerance: 0.1,
                pair_cap: Some(q),
            },
        )
        .unwrap();
        if d.cap_enforced {
            enforced += 1;
            for (a, p) in d.assignment.panels.iter().enumerate() {
                for &e in p {
                    *counts.entry((a, e)).or_insert(0u32) += 1;
                }
            }
        }
    }
    assert!(
        enforced > draws * 9 / 10,
        "mask fell back too often: {enforced}/{draws}"
    );
    let bound = q + 4.0 * (q * (1.0 - q) / draws as f64).sqrt();
    let worst = counts.values().copied().max().unwrap();
    assert!(
        f64::from(worst) / draws as f64 <= bound,
        "a pair was drawn {worst}/{draws} times"
    );
    // And draws differ: more distinct pairs than one optimum uses.
    assert!(counts.len() > 10 * 2);
}

// ---------------------------------------------------------------- OR-tools

fn network_json(net: &Network) -> String {
    let demand = net.source_capacity();
    serde_json::json!({
        "format": "chanjiao-mcf-1",
        "nodes": net.nodes,
        "source": net.source,
        "sink": net.sink,
        "supplies": [[net.source, demand], [net.sink, -demand]],
        "tails": net.tails,
        "heads": net.heads,
        "capacities": net.caps,
        "costs": net.costs,
    })
    .to_string()
}

#[test]
fn objective_equals_ortools() {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import ortools"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        println!("SKIPPED objective_equals_ortools: python3 with ortools is not available");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/ortools_assign.py");
    let dir = std::env::temp_dir().join(format!("chanjiao-assign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (na, ne, k)) in [(6, 30, 2), (30, 60, 3), (80, 150, 5), (150, 300, 5)]
        .into_iter()
        .enumerate()
    {
        // The first feasible generated instance of that size.
        let (inst, ours) = (0..50)
            .find_map(|s| {
                let inst = generate(&GenParams {
                    applications: na,
                    experts: ne,
                    k,
                    seed: 100 * i as u64 + s,
                });
                solve(&inst).ok().map(|sol| (inst, sol))
            })
            .expect("a feasible instance");
        let file = dir.join(format!("net{i}.json"));
        std::fs::write(&file, network_json(&assign::network(&inst).unwrap())).unwrap();
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["status"], "OPTIMAL");
        assert_eq!(
            v["objective"].as_i64(),
            Some(ours.objective),
            "instance {na}x{ne}x{k}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- timing (manual)

/// `cargo test --release -p chanjiao-domain --test assign -- --ignored --nocapture timing`
#[test]
#[ignore]
fn timing() {
    for (na, ne, k) in [(150, 300, 5), (10_000, 3_000, 3)] {
        let inst = generate(&GenParams {
            applications: na,
            experts: ne,
            k,
            seed: 1,
        });
        let t = std::time::Instant::now();
        let sol = solve(&inst).unwrap();
        let ms = t.elapsed().as_millis();
        let s = load_spread(&inst, &sol.assignment);
        println!(
            "{na}x{ne}x{k}: objective {} in {ms} ms, {:?}, loads {s:?}",
            sol.objective, sol.stats
        );
        let t = std::time::Instant::now();
        if na > 1000 {
            continue;
        }
        let d = solve_random(
            &inst,
            &RandomOptions {
                seed: 5,
                tolerance: 0.02,
                pair_cap: None,
            },
        )
        .unwrap();
        println!(
            "  random: objective {} (opt {}) noise {} solves {} in {} ms",
            d.objective,
            d.optimum,
            d.noise,
            d.solves,
            t.elapsed().as_millis()
        );
    }
}
