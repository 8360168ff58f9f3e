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

use chanjiao_domain::users::role::{Grant, Role};
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
    ) || route.starts_with("GET /api/public/")
        || route.starts_with("POST /api/public/")
        || route == "GET /api/meta/application";
    if public {
        return Some(Public);
    }
    let Who::R(r) = who else {
        // Every other route needs a session.
        return Some(Unauthenticated);
    };
    let member_of_a = matches!(r, OrgAdmin | OrgStaff | Student);
    let programme = matches!(r, Office | FieldOrganiser);
    let lead_staff = matches!(r, OrgAdmin | OrgStaff);
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
        // Calls: "own" is a published call, "other" a draft.
        "GET /api/calls" | "GET /api/applications" | "GET /api/directory/organizations" => Allowed,
        "POST /api/calls" | "GET /api/applications/export.xlsx" => {
            if programme {
                Allowed
            } else {
                Forbidden
            }
        }
        "GET /api/calls/{id}" => match case {
            Case::Missing => Hidden,
            Case::Own => Allowed,
            Case::Other => {
                if programme {
                    Allowed
                } else {
                    Hidden
                }
            }
        },
        "PUT /api/calls/{id}"
        | "POST /api/calls/{id}/extensions"
        | "GET /api/calls/{id}/extensions"
        | "POST /api/calls/{id}/attachments" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own => Forbidden,
            Case::Other => Hidden,
        },
        // Applications: "own" is led by organisation A, "other" by another university; both
        // submitted, so the programme sees them.
        "POST /api/applications" => {
            if matches!(r, OrgAdmin | OrgStaff) {
                Allowed
            } else {
                Forbidden
            }
        }
        "GET /api/applications/{id}"
        | "GET /api/applications/{id}/versions"
        | "GET /api/applications/{id}/versions/{version}"
        | "GET /api/applications/{id}/print"
        | "GET /api/attachments/{id}" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if lead_staff => Allowed,
            _ => Hidden,
        },
        "PUT /api/applications/{id}/form"
        | "POST /api/applications/{id}/submit"
        | "POST /api/applications/{id}/withdraw"
        | "POST /api/applications/{id}/invites"
        | "POST /api/applications/{id}/attachments"
        | "DELETE /api/attachments/{id}" => match case {
            Case::Missing => Hidden,
            _ if programme => Forbidden,
            Case::Own if lead_staff => Allowed,
            _ => Hidden,
        },
        "POST /api/applications/{id}/partners/{org_id}/decision" => match case {
            Case::Missing => Hidden,
            _ if programme => Forbidden,
            Case::Own if lead_staff => Forbidden,
            _ => Hidden,
        },
        "POST /api/applications/{id}/formal-check" | "POST /api/applications/{id}/paper-copy" => {
            match case {
                Case::Missing => Hidden,
                _ if programme => Allowed,
                Case::Own if lead_staff => Forbidden,
                _ => Hidden,
            }
        }
        // Expert review. Rounds: "own" is a closed round where the expert is assigned, "other"
        // a round in set-up without assignments.
        "GET /api/meta/review" | "GET /api/my/assignments" | "GET /api/notifications" => Allowed,
        "GET /api/experts"
        | "GET /api/experts/template.xlsx"
        | "GET /api/experts/export.xlsx"
        | "POST /api/experts/import"
        | "GET /api/outbox"
        | "GET /api/rounds"
        | "POST /api/rounds" => {
            if programme {
                Allowed
            } else {
                Forbidden
            }
        }
        // "own" is the matrix expert's profile, "other" another expert's.
        "GET /api/experts/{id}" | "PUT /api/experts/{id}" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if r == Expert => Allowed,
            _ => Hidden,
        },
        "GET /api/applications/{id}/avoid-requests" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if lead_staff => Allowed,
            _ => Hidden,
        },
        "PUT /api/applications/{id}/avoid-requests" => match case {
            Case::Missing => Hidden,
            _ if programme => Forbidden,
            Case::Own if lead_staff => Allowed,
            _ => Hidden,
        },
        "GET /api/rounds/{id}" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if r == Expert => Allowed,
            _ => Hidden,
        },
        "POST /api/rounds/{id}/pledge" => match case {
            Case::Missing => Hidden,
            _ if programme => Forbidden,
            Case::Own if r == Expert => Allowed,
            _ => Hidden,
        },
        "PUT /api/rounds/{id}"
        | "POST /api/rounds/{id}/phase"
        | "POST /api/rounds/{id}/close"
        | "POST /api/rounds/{id}/assignment/propose"
        | "POST /api/rounds/{id}/assignment/check"
        | "POST /api/rounds/{id}/assignment/commit"
        | "GET /api/rounds/{id}/assignments"
        | "GET /api/rounds/{id}/visits"
        | "POST /api/rounds/{id}/visits"
        | "GET /api/rounds/{id}/results"
        | "GET /api/rounds/{id}/results.xlsx"
        | "PUT /api/rounds/{id}/decisions/{application_id}"
        | "POST /api/rounds/{id}/decisions/{application_id}/letter" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if r == Expert => Forbidden,
            _ => Hidden,
        },
        // The letter of the own application exists in the own round only.
        "GET /api/rounds/{id}/decisions/{application_id}/letter.pdf" => match case {
            Case::Own if programme || lead_staff => Allowed,
            _ => Hidden,
        },
        // Assignments: "own" is the matrix expert's, "other" another expert's.
        "POST /api/assignments/{id}/accept"
        | "POST /api/assignments/{id}/decline"
        | "GET /api/assignments/{id}/application"
        | "GET /api/assignments/{id}/application.pdf"
        | "GET /api/assignments/{id}/review"
        | "PUT /api/assignments/{id}/review"
        | "POST /api/assignments/{id}/review/submit" => match case {
            Case::Missing => Hidden,
            _ if programme => Forbidden,
            Case::Own if r == Expert => Allowed,
            _ => Hidden,
        },
        "POST /api/assignments/{id}/confirm"
        | "POST /api/assignments/{id}/review/allow-correction" => match case {
            Case::Missing => Hidden,
            _ if programme => Allowed,
            Case::Own if r == Expert => Forbidden,
            _ => Hidden,
        },
        // Notifications: "own" is addressed to organisation A, "other" to B.
        "POST /api/notifications/{id}/read" => match case {
            Case::Own if member_of_a => Allowed,
            _ => Hidden,
        },
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
    call_published: i64,
    call_draft: i64,
    app_own: i64,
    app_other: i64,
    partner: i64,
    att_own: i64,
    att_other: i64,
    expert_own: i64,
    expert_other: i64,
    round_own: i64,
    round_other: i64,
    asg_own: i64,
    asg_other: i64,
    note_own: i64,
    note_other: i64,
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
    // Calls and applications, written straight to the store.
    let office_client = app.login(login_of(Who::R(Role::Office))).await;
    let now = chrono::Utc::now();
    // The deadline has passed, so no request of the matrix can withdraw or submit anything.
    let mut call = common::programme::call_json(
        now - chrono::Duration::days(1),
        now - chrono::Duration::days(10),
    );
    let call_published = office_client.post("/api/calls", call.clone()).await.body["id"]
        .as_i64()
        .unwrap();
    call["status"] = json!("draft");
    let call_draft = office_client.post("/api/calls", call).await.body["id"]
        .as_i64()
        .unwrap();
    let other_uni = app.org("university", "丙大学", 5).await;
    let partner = app.org("enterprise", "丁企业", 6).await;
    let app_own = submitted_application(app, call_published, a, partner).await;
    let app_other = submitted_application(app, call_published, other_uni, partner).await;
    let att_own = stored_attachment(app, app_own).await;
    let att_other = stored_attachment(app, app_other).await;
    let r = review_world(app, call_published, call_draft, app_own, app_other, a, b).await;
    World {
        expert_own: r.0,
        expert_other: r.1,
        round_own: r.2,
        round_other: r.3,
        asg_own: r.4,
        asg_other: r.5,
        note_own: r.6,
        note_other: r.7,
        a,
        b,
        user_a,
        user_b,
        call_published,
        call_draft,
        app_own,
        app_other,
        partner,
        att_own,
        att_other,
    }
}

/// Expert profiles, a closed round (the matrix expert assigned to the own application, another
/// expert to the other; a 立项 letter for the own application), a round in set-up, and
/// notifications to organisations A and B.
async fn review_world(
    app: &TestApp,
    call: i64,
    draft_call: i64,
    app_own: i64,
    app_other: i64,
    a: i64,
    b: i64,
) -> (i64, i64, i64, i64, i64, i64, i64, i64) {
    use chanjiao_store::review as rv;
    let expert_own = chanjiao_store::users::find_by_login(&app.db, login_of(Who::R(Role::Expert)))
        .await
        .unwrap()
        .unwrap()
        .id;
    let expert_other = app.user("m.expert2", Role::Expert, None).await;
    let mut tx = app.db.begin().await.unwrap();
    for id in [expert_own, expert_other] {
        rv::upsert_profile(&mut tx, id, &matrix_profile())
            .await
            .unwrap();
    }
    let input = rv::RoundInput {
        kind: "initial".into(),
        title: "矩阵评审".into(),
        per_application: 1,
        rubric: serde_json::to_string(&chanjiao_domain::review::rubric::Rubric::default_initial())
            .unwrap(),
        disagreement_threshold: 20.0,
    };
    let round_own = rv::insert_round(&mut tx, call, &input, &[], 1)
        .await
        .unwrap();
    let round_other = rv::insert_round(&mut tx, draft_call, &input, &[], 1)
        .await
        .unwrap();
    rv::set_round_status(&mut tx, round_own, "setup", "closed", Some("manual"), None)
        .await
        .unwrap();
    let new = |application_id, expert_user_id| rv::NewAssignment {
        application_id,
        expert_user_id,
        status: "invited",
        source: "manual".into(),
        fit: 0,
        replaces_id: None,
    };
    let asg_own = rv::insert_assignment(&mut tx, round_own, &new(app_own, expert_own))
        .await
        .unwrap();
    let asg_other = rv::insert_assignment(&mut tx, round_own, &new(app_other, expert_other))
        .await
        .unwrap();
    rv::set_decision(&mut tx, round_own, app_own, "shortlisted", "", 1)
        .await
        .unwrap();
    rv::issue_letter(&mut tx, round_own, app_own, "产教立项〔2026〕", |n| {
        format!("第 {n:03} 号")
    })
    .await
    .unwrap()
    .unwrap();
    for org in [a, b] {
        chanjiao_store::notifications::notify(&mut tx, None, Some(org), "通知", "内容", None)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let notes: Vec<i64> = [a, b].iter().map(|_| 0).collect();
    let _ = notes;
    let own = chanjiao_store::notifications::notifications_for(&app.db, 0, Some(a))
        .await
        .unwrap()[0]
        .id;
    let other = chanjiao_store::notifications::notifications_for(&app.db, 0, Some(b))
        .await
        .unwrap()[0]
        .id;
    (
        expert_own,
        expert_other,
        round_own,
        round_other,
        asg_own,
        asg_other,
        own,
        other,
    )
}

fn matrix_profile() -> chanjiao_store::review::Profile {
    chanjiao_store::review::Profile {
        title: "教授".into(),
        affiliation_org_id: None,
        affiliation_name: "某研究所".into(),
        province_code: "110000".into(),
        fields: r#"["power_devices"]"#.into(),
        keywords: "[]".into(),
        max_load: 5,
        available: true,
        conflict_org_ids: "[]".into(),
        conflict_application_ids: "[]".into(),
    }
}

async fn submitted_application(app: &TestApp, call: i64, lead: i64, partner: i64) -> i64 {
    use chanjiao_store::applications as apps;
    let form = common::programme::complete_form(partner).to_string();
    let mut tx = app.db.begin().await.unwrap();
    let keys = apps::KeyColumns {
        lead_name: "某大学".into(),
        ..Default::default()
    };
    let new = apps::NewApplication {
        call_id: call,
        lead_org_id: lead,
        form: &form,
        schema: 1,
        keys: &keys,
        number_prefix: "SQ-2026-",
        by: 1,
    };
    let row = apps::insert(&mut tx, &new).await.unwrap();
    apps::sync_partners(&mut tx, row.id, &[(partner, Some("little_giant".into()))])
        .await
        .unwrap();
    apps::set_status(&mut tx, row.id, &["draft"], "submitted")
        .await
        .unwrap()
        .unwrap();
    apps::freeze_version(&mut tx, row.id, 1, &form, &"ab".repeat(32), 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    row.id
}

async fn stored_attachment(app: &TestApp, application: i64) -> i64 {
    use chanjiao_store::attachments::{self, NewAttachment};
    let (key, sha) = app
        .state
        .files
        .put(b"%PDF-1.7 matrix".to_vec())
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let row = attachments::insert(
        &mut tx,
        &NewAttachment {
            owner_type: "application",
            owner_id: application,
            kind: "evidence",
            filename: "佐证.pdf",
            content_type: "application/pdf",
            size: 15,
            sha256: &sha,
            storage_key: &key,
            uploaded_by: 1,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    row.id
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
    let id = if template.starts_with("/api/users") {
        user
    } else if template.starts_with("/api/calls") {
        match case {
            Case::Own => w.call_published,
            Case::Other => w.call_draft,
            Case::Missing => MISSING,
        }
    } else if template.starts_with("/api/applications") {
        match case {
            Case::Own => w.app_own,
            Case::Other => w.app_other,
            Case::Missing => MISSING,
        }
    } else if template.starts_with("/api/experts/{id}") {
        match case {
            Case::Own => w.expert_own,
            Case::Other => w.expert_other,
            Case::Missing => MISSING,
        }
    } else if template.starts_with("/api/rounds/{id}") {
        match case {
            Case::Own => w.round_own,
            Case::Other => w.round_other,
            Case::Missing => MISSING,
        }
    } else if template.starts_with("/api/assignments/{id}") {
        match case {
            Case::Own => w.asg_own,
            Case::Other => w.asg_other,
            Case::Missing => MISSING,
        }
    } else if template.starts_with("/api/notifications/{id}") {
        match case {
            Case::Own => w.note_own,
            Case::Other => w.note_other,
            Case::Missing => MISSING,
        }
    } else if template.contains("/attachments/") {
        match case {
            Case::Own => w.att_own,
            Case::Other => w.att_other,
            Case::Missing => MISSING,
        }
    } else {
        org
    };
    let mut path = template
        .replace("{id}", &id.to_string())
        .replace("{org_id}", &w.partner.to_string())
        .replace("{application_id}", &w.app_own.to_string())
        .replace("{version}", "1")
        .replace("{token}", &"ab".repeat(32));
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
        "POST /api/calls" | "PUT /api/calls/{id}" => {
            let mut c = common::programme::call_json(chrono::Utc::now(), chrono::Utc::now());
            c["title"] = json!("");
            Some(c)
        }
        "POST /api/calls/{id}/extensions" => {
            Some(json!({ "org_id": null, "deadline": "2000-01-01T00:00:00Z", "reason": "" }))
        }
        "POST /api/calls/{id}/attachments" | "POST /api/applications/{id}/attachments" => {
            Some(json!({}))
        }
        "POST /api/applications" => Some(json!({ "call_id": w.call_published })),
        "PUT /api/applications/{id}/form" => Some(json!({ "revision": 0, "form": {} })),
        "POST /api/applications/{id}/submit" => Some(json!({ "revision": 0 })),
        "POST /api/applications/{id}/withdraw" => Some(json!({})),
        "POST /api/applications/{id}/invites" => Some(json!({ "index": 0 })),
        "POST /api/applications/{id}/partners/{org_id}/decision" => {
            Some(json!({ "decision": "confirm", "reason": "" }))
        }
        "POST /api/applications/{id}/formal-check" => {
            Some(json!({ "decision": "return", "reasons": "", "correction_due": null }))
        }
        "POST /api/applications/{id}/paper-copy" => Some(
            json!({ "received_on": "2022-12-01", "courier": "", "tracking_no": "", "printed_hash": "x" }),
        ),
        "POST /api/public/invites/{token}/accept" => Some(json!({})),
        // Review: bodies that fail validation or meet a state conflict once authorised.
        "PUT /api/experts/{id}" => Some(json!({
            "title": "教授", "affiliation_org_id": null, "affiliation_name": "某研究所",
            "province_code": "110000", "fields": ["power_devices"], "keywords": [""],
            "max_load": 5, "available": true, "conflict_org_ids": [], "conflict_application_ids": []
        })),
        "POST /api/experts/import" => Some(json!({})),
        "PUT /api/applications/{id}/avoid-requests" => Some(json!({ "items": [
            { "name": "", "affiliation": "", "reason": "" }] })),
        "POST /api/rounds" => Some(
            json!({ "call_id": w.call_published, "kind": "initial", "title": "", "per_application": 0 }),
        ),
        "PUT /api/rounds/{id}" => {
            Some(json!({ "kind": "initial", "title": "", "per_application": 0 }))
        }
        "POST /api/rounds/{id}/phase" => Some(json!({ "phase_id": MISSING })),
        "POST /api/rounds/{id}/close"
        | "POST /api/rounds/{id}/pledge"
        | "POST /api/assignments/{id}/accept"
        | "POST /api/assignments/{id}/review/submit"
        | "POST /api/notifications/{id}/read"
        | "POST /api/rounds/{id}/decisions/{application_id}/letter" => Some(json!({})),
        "POST /api/rounds/{id}/assignment/propose" => Some(json!({ "mode": "bogus" })),
        "POST /api/rounds/{id}/assignment/check" => Some(json!({ "pairs": [] })),
        "POST /api/rounds/{id}/assignment/commit" => Some(json!({ "pairs": [], "mode": "bogus" })),
        "POST /api/rounds/{id}/visits" => Some(json!({
            "application_id": MISSING, "mode": "", "visited_on": "", "participants": "", "notes": "" })),
        "PUT /api/rounds/{id}/decisions/{application_id}" => {
            Some(json!({ "decision": "bogus", "note": "" }))
        }
        "POST /api/assignments/{id}/decline" => Some(json!({ "reason": "" })),
        "PUT /api/assignments/{id}/review" => Some(
            json!({ "scores": { "rationality": 500 }, "recommendation": null, "opinion_html": "" }),
        ),
        "POST /api/assignments/{id}/confirm" => Some(json!({})),
        "POST /api/assignments/{id}/review/allow-correction" => Some(json!({ "reason": "" })),
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
    assert!(routes.len() >= 45, "{} routes: {routes:?}", routes.len());
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
                assert!(
                    r.status < 500,
                    "{who:?} {method} {path} ({case:?}): server error {}: {}",
                    r.status,
                    r.body
                );
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
