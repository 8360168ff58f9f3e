//! Tests of a round's assignment instance built from plain facts, and of the rules over it: the
//! violation table of a hand-adjusted assignment, the loads, and the replacement for a slot.

use chanjiao_domain::review::assign;
use chanjiao_domain::review::instance::{ApplicationFacts, ExpertFacts, Facts, Problem, build};
use chanjiao_domain::review::lists::EXPERTISE;
use chanjiao_domain::review::proposal::{Pair, check_table, loads_of, replacement};
use chanjiao_domain::review::status::AssignmentStatus;

fn field(i: usize) -> String {
    EXPERTISE[i].0.to_owned()
}

fn app(id: i64, lead: i64, province: &str, form: &str) -> ApplicationFacts {
    ApplicationFacts {
        id,
        number: Some(format!("N{id}")),
        lead_org_id: lead,
        lead_name: format!("单位{lead}"),
        province_code: province.into(),
        direction: Some(field(0)),
        form: form.into(),
    }
}

fn expert(user_id: i64, name: &str, org: Option<i64>) -> ExpertFacts {
    ExpertFacts {
        user_id,
        name: name.into(),
        disabled: false,
        available: true,
        affiliation_org_id: org,
        affiliation_name: String::new(),
        province_code: "440000".into(),
        fields: vec![field(0)],
        keywords: vec![],
        max_load: 5,
        active_load: 0,
        conflict_org_ids: vec![],
        conflict_application_ids: vec![],
    }
}

/// Two applications (k = 2) and a pool where each expert has one kind of conflict.
fn facts() -> Facts {
    let mut e10 = expert(10, "甲", Some(1)); // affiliated with application 100's lead
    e10.keywords = vec!["数控".into()];
    e10.province_code = "310000".into();
    let mut e11 = expert(11, "乙", None); // declares a conflict with application 100's partner
    e11.conflict_org_ids = vec![2];
    let mut e12 = expert(12, "丙", Some(9)); // declares a conflict with application 200
    e12.conflict_application_ids = vec![200];
    let e13 = expert(13, "丁", Some(8)); // avoided by application 100
    let mut e14 = expert(14, "戊", Some(7)); // out of field
    e14.fields = vec![field(1)];
    let mut e15 = expert(15, "己", Some(6)); // one review left
    e15.max_load = 3;
    e15.active_load = 2;
    let mut e16 = expert(16, "庚", Some(5));
    e16.available = false;
    let mut e17 = expert(17, "辛", Some(4));
    e17.disabled = true;
    Facts {
        per_application: 2,
        applications: vec![
            app(100, 1, "110000", "面向智能制造的数控机床实训"),
            app(200, 3, "310000", ""),
        ],
        experts: vec![e10, e11, e12, e13, e14, e15, e16, e17],
        partners: vec![(100, 2)],
        avoided: vec![(100, 13)],
        own_assignments: vec![],
    }
}

fn problem() -> Problem {
    build(facts()).unwrap()
}

fn pair(application_id: i64, user_id: i64) -> Pair {
    Pair {
        application_id,
        user_id,
        manual: false,
    }
}

#[test]
fn the_instance_leaves_out_the_unavailable_and_finds_keywords_in_forms() {
    let p = problem();
    let ids: Vec<i64> = p.experts.iter().map(|e| e.user_id).collect();
    assert_eq!(ids, [10, 11, 12, 13, 14, 15]);
    assert_eq!(p.app_index[&200], 1);
    assert_eq!(p.expert_index[&15], 5);
    // 数控 is in application 100's form, not in 200's.
    assert_eq!(p.inst.applications[0].keywords.len(), 1);
    assert!(p.inst.applications[1].keywords.is_empty());
    let w = assign::Weights::default();
    assert_eq!(
        assign::fit(&p.inst, 0, 0),
        i64::from(w.field_match + w.keyword_match)
    );
    assert_eq!(assign::fit(&p.inst, 1, 0), i64::from(w.field_match));
    // Remaining capacity: max_load minus the other work.
    assert_eq!(p.inst.experts[5].max_load, 1);
    assert_eq!(p.inst.experts[0].max_load, 5);
}

#[test]
fn the_round_own_assignments_are_not_other_work() {
    let mut f = facts();
    f.own_assignments = vec![
        (15, Some(AssignmentStatus::Invited)),
        (15, Some(AssignmentStatus::Declined)),
    ];
    let p = build(f).unwrap();
    assert_eq!(p.inst.experts[5].max_load, 2);
}

#[test]
fn check_table_names_each_violation_kind() {
    let p = problem();
    let pairs = [
        pair(100, 10),
        pair(100, 11),
        pair(100, 13),
        pair(200, 12),
        pair(200, 14),
        pair(200, 15),
        pair(200, 15),
        pair(999, 10),
        pair(100, 17),
    ];
    let (violations, asg) = check_table(&p, &pairs);
    let codes: Vec<(&str, Option<i64>, Option<i64>)> = violations
        .iter()
        .map(|v| (v.code.as_str(), v.application_id, v.user_id))
        .collect();
    for expected in [
        ("unknown_application", Some(999), Some(10)),
        ("unknown_expert", Some(100), Some(17)),
        ("affiliated", Some(100), Some(10)),
        ("declared_org", Some(100), Some(11)),
        ("avoided", Some(100), Some(13)),
        ("declared_application", Some(200), Some(12)),
        ("out_of_field", Some(200), Some(14)),
        ("duplicate", Some(200), Some(15)),
        ("panel_size", Some(100), None),
        ("over_load", None, Some(15)),
    ] {
        assert!(codes.contains(&expected), "{expected:?} not in {codes:?}");
    }
    let affiliated = violations.iter().find(|v| v.code == "affiliated").unwrap();
    assert_eq!(
        affiliated.message,
        "甲：所在单位是牵头或联合申报单位，须回避"
    );
    let over = violations.iter().find(|v| v.code == "over_load").unwrap();
    assert_eq!(over.message, "己 的评审量 2 超过可承担的 1");
    // The unknown pairs are left out of the table.
    assert_eq!(asg.panels[0], [0, 1, 3]);
    let loads = loads_of(&p, &asg);
    assert_eq!(loads.len(), 6);
    assert_eq!(
        (loads[5].user_id, loads[5].load, loads[5].max_load),
        (15, 2, 1)
    );
}

#[test]
fn a_valid_table_has_no_violations() {
    let p = problem();
    let (violations, _) = check_table(
        &p,
        &[pair(100, 12), pair(100, 11), pair(200, 10), pair(200, 13)],
    );
    // 11 declared a conflict with 100's partner: the only violation.
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].code, "declared_org");
    let (violations, _) = check_table(
        &p,
        &[pair(100, 12), pair(100, 15), pair(200, 10), pair(200, 13)],
    );
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn replacement_chooses_the_best_eligible_expert() {
    let p = problem();
    // For 200: 12 declared a conflict, 14 is out of field; 10 is in 200's region (costlier);
    // 11, 13 and 15 tie, the lowest user id wins.
    let (e, fit) = replacement(&p, 200, &[]).unwrap();
    assert_eq!(p.experts[e].user_id, 11);
    assert_eq!(fit, i64::from(assign::Weights::default().field_match));
    // Not someone already on the panel.
    let (e, _) = replacement(&p, 200, &[(200, 11)]).unwrap();
    assert_eq!(p.experts[e].user_id, 13);
    // The less loaded first.
    let (e, _) = replacement(&p, 200, &[(200, 11), (100, 13)]).unwrap();
    assert_eq!(p.experts[e].user_id, 15);
    // Nobody over capacity: 15 has one review left.
    let (e, _) = replacement(&p, 200, &[(200, 11), (200, 13), (100, 15)]).unwrap();
    assert_eq!(p.experts[e].user_id, 10);
    assert!(replacement(&p, 200, &[(200, 11), (200, 13), (100, 15), (200, 10)]).is_none());
    assert!(replacement(&p, 999, &[]).is_none());
}
