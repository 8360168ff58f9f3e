//! The authorisation matrix: for every route in the OpenAPI document, every role (and no login),
//! and an object of the caller's own organisation, of another organisation, and a nonexistent
//! one, the answer class matches the expectation written here, independently of the policy
//! module. A route without an expectation fails the test, so new routes must be added.
//!
//! Request bodies are chosen so that passing authorisation is visible without changing state
//! where possible (a bad USCC → 422 means "allowed"); the one destructive route (revoking a grant)
//! recreates its grant before each request.

mod common;

use std::collections::BTreeSet;

use chanjiao_domain::role::{Grant, Role};
use common::{TestApp, org_json};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Passed authorisation: any 2xx, or a validation / conflict answer about the body.
    Allowed,
    Forbidden,
    Hidden,
    Unauthenticated,
    /// Public route: any non-5xx answer.
    Public,
}
use Expect::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Own,
    Other,
    Missing,
}

const CASES: [Case; 3] = [Case::Own, Case::Other, Case::Missing];

/// Who is asking: a role (held in its natural organisation) or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    R(Role),
}

/// The expected answer class, by route, caller and object. Organisation A is "own" for the org
/// roles (org_admin, org_staff, student belong to A); B is "other".
fn expect(route: &str, who: Who, case: Case) -> Option<Expect> {
    use Role::*;
    let public = matches!(
        route,
        "GET /api/auth/session" | "POST /api/auth/login" | "GET /api/meta"
    );
    if public {
        return Some(Public);
    }
    let Who::R(r) = who else {
        // Every other route needs a session.
        return Some(Unauthenticated);
    };
    let member_of_a = matches!(r, OrgAdmin | OrgStaff | Student);
    let own_or_hidden = |allowed_on_own: Expect| match case {
        Case::Own => allowed_on_own,
        _ => Hidden,
    };
    Some(match route {
        "POST /api/auth/logout" | "POST /api/auth/password" => Allowed,
        "GET /api/organizations" | "GET /api/users" => Allowed,
        "POST /api/organizations" => {
            if matches!(r, Office | FieldOrganiser) {
                Allowed
            } else {
                Forbidden
            }
        }
        "GET /api/organizations/{id}" => match (case, r) {
            (Case::Missing, _) => Hidden,
            (_, Office | FieldOrganiser | SysAdmin) => Allowed,
            (_, _) if member_of_a => own_or_hidden(Allowed),
            _ => Hidden,
        },
        "PUT /api/organizations/{id}" => match (case, r) {
            (Case::Missing, _) => Hidden,
            (_, Office | FieldOrganiser) => Allowed,
            (_, SysAdmin) => Forbidden,
            (_, OrgAdmin) => own_or_hidden(Allowed),
            (_, OrgStaff | Student) => own_or_hidden(Forbidden),
            _ => Hidden,
        },
        "POST /api/users" => match (r, case) {
            (SysAdmin, _) => Allowed,
            (OrgAdmin, Case::Own) => Allowed,
            _ => Forbidden,
        },
        "GET /api/users/{id}" => match (case, r) {
            (Case::Missing, _) => Hidden,
            (_, SysAdmin | SecurityAdmin) => Allowed,
            (_, OrgAdmin) => own_or_hidden(Allowed),
            _ => Hidden,
        },
        "PUT /api/users/{id}"
        | "POST /api/users/{id}/roles"
        | "DELETE /api/users/{id}/roles/{grant_id}" => match (case, r) {
            (Case::Missing, _) => Hidden,
            (_, SysAdmin) => Allowed,
            (_, SecurityAdmin) => Forbidden,
            (_, OrgAdmin) => own_or_hidden(Allowed),
            _ => Hidden,
        },
        "POST /api/users/{id}/unlock" | "POST /api/users/{id}/password" => match (case, r) {
            (Case::Missing, _) => Hidden,
            (_, SecurityAdmin) => Allowed,
            (_, SysAdmin) => Forbidden,
            (_, OrgAdmin) => own_or_hidden(Forbidden),
            _ => Hidden,
        },
        "GET /api/audit" | "GET /api/audit/verify" => {
            if r == AuditAdmin {
                Allowed
            } else {
                Forbidden
            }
        }
        _ => return None,
    })
}

fn classify(status: u16) -> Expect {
    match status {
        401 => Unauthenticated,
        403 => Forbidden,
        404 => Hidden,
        s if s < 500 => Allowed,
        _ => panic!("server error {status}"),
    }
}

struct World {
    a: i64,
    b: i64,
    user_a: i64,
    user_b: i64,
}

const MISSING: i64 = 987_654;

fn login_of(who: Who) -> &'static str {
    match who {
        Who::Anonymous => "",
        Who::R(r) => match r {
            Role::SysAdmin => "m.sys",
            Role::SecurityAdmin => "m.sec",
            Role::AuditAdmin => "m.audit",
            Role::Office => "m.office",
            Role::FieldOrganiser => "m.alliance",
            Role::Expert => "m.expert",
            Role::OrgAdmin => "m.orgadmin",
            Role::OrgStaff => "m.staff",
            Role::Student => "m.student",
        },
    }
}

async fn setup(app: &TestApp) -> World {
    let office = app.org("office", "中心", 1).await;
    let alliance = app.org("alliance", "联盟", 2).await;
    let a = app.org("university", "甲大学", 3).await;
    let b = app.org("enterprise", "乙企业", 4).await;
    for r in Role::ALL {
        let org = match r {
            Role::Office => Some(office),
            Role::FieldOrganiser => Some(alliance),
            Role::OrgAdmin | Role::OrgStaff | Role::Student => Some(a),
            _ => None,
        };
        app.user(login_of(Who::R(r)), r, org).await;
    }
    let user_a = app.user("target.a", Role::OrgStaff, Some(a)).await;
    let user_b = app.user("target.b", Role::OrgStaff, Some(b)).await;
    World {
        a,
        b,
        user_a,
        user_b,
    }
}

/// A grant of the target user to revoke, created afresh if an earlier request revoked it.
async fn grant_to_revoke(app: &TestApp, user_id: i64, org_id: i64) -> i64 {
    let existing = chanjiao_store::users::grants_of(&app.db, user_id)
        .await
        .unwrap();
    if let Some(g) = existing.iter().find(|g| g.role == "student") {
        return g.id;
    }
    let mut tx = app.db.begin().await.unwrap();
    let g = Grant {
        role: Role::Student,
        org_id: Some(org_id),
        field: None,
    };
    let id = chanjiao_store::users::insert_grant(&mut tx, user_id, &g, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The concrete request for a route, caller and case.
async fn request(
    app: &TestApp,
    w: &World,
    route: &str,
    case: Case,
) -> (String, String, Option<Value>) {
    let (method, template) = route.split_once(' ').unwrap();
    let (org, user, user_org) = match case {
        Case::Own => (w.a, w.user_a, w.a),
        Case::Other => (w.b, w.user_b, w.b),
        Case::Missing => (MISSING, MISSING, w.a),
    };
    let mut path = template.replace(
        "{id}",
        &if template.starts_with("/api/users") {
            user
        } else {
            org
        }
        .to_string(),
    );
    if template.contains("{grant_id}") {
        let gid = if case == Case::Missing {
            MISSING
        } else {
            grant_to_revoke(app, user, user_org).await
        };
        path = path.replace("{grant_id}", &gid.to_string());
    }
    let mut bad_org = org_json("university", "矩阵测试", 99);
    bad_org["uscc"] = json!("91350100M000100Y4X");
    let body = match route {
        "POST /api/auth/login" => {
            Some(json!({ "login": "matrix.nobody", "password": "Wrong@Pass999" }))
        }
        "POST /api/auth/logout" => Some(json!({})),
        "POST /api/auth/password" => {
            Some(json!({ "current_password": "wrong", "new_password": "x" }))
        }
        "POST /api/organizations" | "PUT /api/organizations/{id}" => Some(bad_org),
        "POST /api/users" => Some(
            json!({ "login": "m", "name": "", "password": "x", "org_id": org, "phone": null, "email": null }),
        ),
        "PUT /api/users/{id}" => {
            Some(json!({ "name": "", "phone": null, "email": null, "disabled": false }))
        }
        "POST /api/users/{id}/roles" => Some(
            json!({ "role": "org_staff", "org_id": user_org, "field": "advanced_semiconductor" }),
        ),
        "POST /api/users/{id}/unlock" => Some(json!({})),
        "POST /api/users/{id}/password" => Some(json!({ "new_password": "weak" })),
        _ => None,
    };
    (method.to_owned(), path, body)
}

async fn authorisation_matrix(app: TestApp) {
    let w = setup(&app).await;
    let openapi = app.client().get("/api/openapi.json").await.body;
    let mut routes = BTreeSet::new();
    for (path, ops) in openapi["paths"].as_object().expect("paths") {
        for method in ops.as_object().unwrap().keys() {
            routes.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    assert!(routes.len() >= 17, "{routes:?}");
    let mut whos = vec![Who::Anonymous];
    whos.extend(Role::ALL.map(Who::R));
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for who in whos {
        let mut client = if who == Who::Anonymous {
            app.client()
        } else {
            app.login(login_of(who)).await
        };
        if who == Who::Anonymous {
            client.session().await;
        }
        for route in &routes {
            for case in CASES {
                let expected = expect(route, who, case).unwrap_or_else(|| {
                    panic!("route {route} is missing from the authorisation matrix")
                });
                let (method, path, body) = request(&app, &w, route, case).await;
                let r = client.request(&method, &path, body).await;
                let got = classify(r.status);
                let ok = match expected {
                    Public => r.status < 500,
                    e => e == got,
                };
                if !ok {
                    mismatches.push(format!(
                        "{who:?} {route} {case:?} ({path}): expected {expected:?}, got {} {}",
                        r.status, r.body
                    ));
                }
                checked += 1;
                if route == "POST /api/auth/logout" && who != Who::Anonymous {
                    client = app.login(login_of(who)).await;
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {checked} cells differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Every refusal of a logged-in caller was written to the audit log.
    assert!(!app.audit_actions("access.denied").await.is_empty());
}

on_both_databases!(authorisation_matrix);
