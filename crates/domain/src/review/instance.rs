//! The assignment instance of a round: from the round's applications and the expert pool (plain
//! facts the server reads from the store) to the assigner's [`assign::Instance`], with the maps
//! back to ids that the tables, the proposal and the replacement need.
//!
//! What goes in: organisations (lead, partners, affiliations, declared conflicts), fields of
//! expertise, keywords (every expert keyword found in an application's form text), regions,
//! 申请回避 (an application's avoided experts), declared conflicts and each expert's remaining
//! capacity.

use std::collections::HashMap;

use crate::review::assign;
use crate::review::lists::EXPERTISE;
use crate::review::status::AssignmentStatus;

/// An application of the round, as the instance and the tables need it.
#[derive(Debug, Clone)]
pub struct ApplicationFacts {
    pub id: i64,
    pub number: Option<String>,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub province_code: String,
    /// The application's direction: a field of expertise code.
    pub direction: Option<String>,
    /// The form's text, searched for the experts' keywords.
    pub form: String,
}

/// An expert of the pool, as the instance and the tables need it.
#[derive(Debug, Clone)]
pub struct ExpertFacts {
    pub user_id: i64,
    pub name: String,
    pub disabled: bool,
    pub available: bool,
    pub affiliation_org_id: Option<i64>,
    pub affiliation_name: String,
    pub province_code: String,
    pub fields: Vec<String>,
    pub keywords: Vec<String>,
    pub max_load: i32,
    /// Assignments not declined, in every round.
    pub active_load: i64,
    pub conflict_org_ids: Vec<i64>,
    pub conflict_application_ids: Vec<i64>,
}

/// What the instance is built from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Experts per application (the round's k).
    pub per_application: u32,
    pub applications: Vec<ApplicationFacts>,
    /// The whole pool; the unavailable and the disabled are left out.
    pub experts: Vec<ExpertFacts>,
    /// (application id, partner organisation id).
    pub partners: Vec<(i64, i64)>,
    /// 申请回避: (application id, expert user id).
    pub avoided: Vec<(i64, i64)>,
    /// This round's own assignments (expert user id, status) when re-checking the round: they
    /// are not "other work" and do not reduce the remaining capacity. Empty otherwise.
    pub own_assignments: Vec<(i64, Option<AssignmentStatus>)>,
}

/// The assignment problem of a round, with the maps back to ids.
#[derive(Debug, Clone)]
pub struct Problem {
    pub inst: assign::Instance,
    pub apps: Vec<ApplicationFacts>,
    /// The experts who may be assigned (available, not disabled), in instance order.
    pub experts: Vec<ExpertFacts>,
    pub app_index: HashMap<i64, usize>,
    pub expert_index: HashMap<i64, usize>,
}

/// Builds the instance. Fails only when the keyword automaton cannot be built.
pub fn build(facts: Facts) -> Result<Problem, aho_corasick::BuildError> {
    let Facts {
        per_application,
        applications: apps_in,
        experts: all,
        partners,
        avoided: avoid,
        own_assignments,
    } = facts;
    let experts: Vec<ExpertFacts> = all
        .into_iter()
        .filter(|e| e.available && !e.disabled)
        .collect();
    // This round's own committed load is not "other work" when re-checking this round.
    let mut own_load: HashMap<i64, i64> = HashMap::new();
    for (user, status) in own_assignments {
        if status != Some(AssignmentStatus::Declined) {
            *own_load.entry(user).or_insert(0) += 1;
        }
    }
    let mut orgs: HashMap<i64, u32> = HashMap::new();
    let mut org = |id: i64| {
        let n = orgs.len() as u32;
        *orgs.entry(id).or_insert(n)
    };
    let fields: HashMap<&str, u16> = EXPERTISE
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i as u16))
        .collect();
    let mut regions: HashMap<String, u16> = HashMap::new();
    let mut region = |code: &str| {
        let n = regions.len() as u16;
        *regions.entry(code.to_owned()).or_insert(n)
    };
    // Keywords: every expert keyword is a vocabulary word; an application "has" the words its
    // form text contains.
    let mut vocab: HashMap<String, u16> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    for e in &experts {
        for k in &e.keywords {
            if !vocab.contains_key(k) {
                vocab.insert(k.clone(), words.len() as u16);
                words.push(k.clone());
            }
        }
    }
    // One pass over each form finds every vocabulary word in it (the forms are ~30 KB each).
    let finder = aho_corasick::AhoCorasick::new(&words)?;
    let mut partners_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (app, o) in &partners {
        partners_of.entry(*app).or_default().push(*o);
    }
    let mut avoided_by: HashMap<i64, Vec<i64>> = HashMap::new();
    for (app, e) in &avoid {
        avoided_by.entry(*app).or_default().push(*e);
    }
    let app_index: HashMap<i64, usize> =
        apps_in.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let expert_index: HashMap<i64, usize> = experts
        .iter()
        .enumerate()
        .map(|(i, e)| (e.user_id, i))
        .collect();
    let mut inst_apps = Vec::with_capacity(apps_in.len());
    for a in &apps_in {
        let mut keywords: Vec<u16> = finder
            .find_overlapping_iter(a.form.as_str())
            .map(|m| m.pattern().as_usize() as u16)
            .collect();
        keywords.sort_unstable();
        keywords.dedup();
        inst_apps.push(assign::Application {
            k: per_application,
            lead: org(a.lead_org_id),
            partners: partners_of
                .get(&a.id)
                .into_iter()
                .flatten()
                .map(|o| org(*o))
                .collect(),
            fields: a
                .direction
                .as_deref()
                .and_then(|d| fields.get(d).copied())
                .into_iter()
                .collect(),
            keywords,
            region: region(&a.province_code),
            avoid_experts: avoided_by
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter_map(|e| expert_index.get(e).map(|i| *i as u32))
                .collect(),
        });
    }
    let mut inst_experts = Vec::with_capacity(experts.len());
    for e in &experts {
        let other_work = e.active_load - own_load.get(&e.user_id).copied().unwrap_or(0);
        inst_experts.push(assign::Expert {
            // An expert without a registered affiliation conflicts with nobody by affiliation.
            org: match e.affiliation_org_id {
                Some(o) => org(o),
                None => org(-e.user_id),
            },
            fields: e
                .fields
                .iter()
                .filter_map(|f| fields.get(f.as_str()).copied())
                .collect(),
            keywords: e
                .keywords
                .iter()
                .filter_map(|k| vocab.get(k).copied())
                .collect(),
            region: region(&e.province_code),
            max_load: (i64::from(e.max_load) - other_work).max(0) as u32,
            conflict_orgs: e.conflict_org_ids.iter().copied().map(&mut org).collect(),
            conflict_applications: e
                .conflict_application_ids
                .iter()
                .filter_map(|id| app_index.get(id).map(|i| *i as u32))
                .collect(),
        });
    }
    Ok(Problem {
        inst: assign::Instance {
            applications: inst_apps,
            experts: inst_experts,
            weights: assign::Weights::default(),
        },
        apps: apps_in,
        experts,
        app_index,
        expert_index,
    })
}
