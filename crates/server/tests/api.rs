//! HTTP-level behaviour of the foundation, on SQLite and PostgreSQL.

mod common;

use chanjiao_domain::users::role::Role;
use common::{PASSWORD, TestApp, org_json};
use serde_json::json;

on_both_databases!(
    login_session_and_logout,
    unknown_login_and_wrong_password_answer_alike,
    lockout_after_five_failures_even_for_the_right_password,
    csrf_and_origin_are_required_for_changes,
    organisation_create_validates_every_field,
    organisation_visibility_follows_the_policy,
    users_and_roles_are_managed_within_scope,
    separated_admin_roles_are_exclusive_in_the_database,
    password_change_follows_policy_and_ends_other_sessions,
    idle_and_revoked_sessions_are_refused,
    audit_admin_reads_the_log_and_nobody_else_does,
    platform_endpoints_and_security_headers,
    malformed_input_never_causes_a_server_error,
);

async fn login_session_and_logout(app: TestApp) {
    let org = app.org("office", "中心", 1).await;
    app.user("office1", Role::Office, Some(org)).await;
    let mut c = app.client();
    let s = c.session().await;
    assert_eq!(s.status, 200);
    assert!(s.body["user"].is_null());
    assert_eq!(s.body["csrf_token"].as_str().map(str::len), Some(64));

    let r = c.login("OFFICE1", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["login"], "office1");
    assert_eq!(r.body["user"]["org"]["kind"], "office");
    assert!(
        r.body["user"]["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("org.create"))
    );
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let s = c.session().await;
    assert_eq!(s.body["user"]["login"], "office1");
    assert_eq!(c.get("/api/organizations").await.status, 200);

    let out = c.post("/api/auth/logout", json!({})).await;
    assert_eq!(out.status, 204);
    let after = c.get("/api/organizations").await;
    assert_eq!(after.status, 401);
    assert_eq!(app.audit_actions("auth.login").await.len(), 1);
    assert_eq!(app.audit_actions("auth.logout").await.len(), 1);
}

async fn unknown_login_and_wrong_password_answer_alike(app: TestApp) {
    app.user("someone", Role::Expert, None).await;
    let mut c = app.client();
    let wrong = c.login("someone", "Wrong@Pass999").await;
    let unknown = c.login("nobody.here", "Wrong@Pass999").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    let strip = |mut v: serde_json::Value| {
        v["error"]["request_id"] = json!(null);
        v
    };
    assert_eq!(strip(wrong.body), strip(unknown.body));
    assert_eq!(app.audit_actions("auth.login_failed").await.len(), 2);
}

async fn lockout_after_five_failures_even_for_the_right_password(app: TestApp) {
    app.user("victim", Role::Expert, None).await;
    let mut c = app.client();
    for i in 0..5 {
        let r = c.login("victim", "Wrong@Pass999").await;
        assert_eq!(r.status, 401, "attempt {i}");
    }
    let r = c.login("victim", PASSWORD).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.code(), "account_locked");
    assert!(r.body["error"]["locked_until"].is_string());
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(app.audit_actions("auth.lockout").await.len(), 1);
    // Unknown logins lock the same way, so a lockout does not reveal that an account exists.
    for _ in 0..5 {
        c.login("ghost", "Wrong@Pass999").await;
    }
    assert_eq!(
        c.login("ghost", "Wrong@Pass999").await.code(),
        "account_locked"
    );

    // The security admin lifts the lock.
    let sec_id = app.user("sec", Role::SecurityAdmin, None).await;
    let victim = chanjiao_store::users::find_by_login(&app.db, "victim")
        .await
        .unwrap()
        .unwrap();
    let sec = app.login("sec").await;
    let listed = sec.get("/api/users?q=victim").await;
    assert!(
        listed.body["items"][0]["locked_until"].is_string(),
        "{}",
        listed.body
    );
    assert_eq!(
        sec.post(&format!("/api/users/{}/unlock", victim.id), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(app.client().login("victim", PASSWORD).await.status, 200);
    assert!(sec_id > 0);
}

async fn csrf_and_origin_are_required_for_changes(app: TestApp) {
    let office = app.org("office", "中心", 1).await;
    app.user("office1", Role::Office, Some(office)).await;
    // Login without the anonymous token is refused.
    let anon = app.client();
    let r = anon
        .post(
            "/api/auth/login",
            json!({ "login": "office1", "password": PASSWORD }),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "csrf_failed"));

    let mut c = app.login("office1").await;
    let good = c.csrf.clone();
    c.csrf = Some("0".repeat(64));
    let r = c
        .post("/api/organizations", org_json("university", "某大学", 2))
        .await;
    assert_eq!((r.status, r.code()), (403, "csrf_failed"));
    c.csrf = None;
    let r = c
        .post("/api/organizations", org_json("university", "某大学", 2))
        .await;
    assert_eq!((r.status, r.code()), (403, "csrf_failed"));
    c.csrf = good;
    // A cross-site Origin is refused even with the right token.
    let r = c
        .http
        .post(format!("{}/api/organizations", c.base))
        .header("Origin", "https://evil.example")
        .header("X-CSRF-Token", c.csrf.clone().unwrap())
        .json(&org_json("university", "某大学", 2))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // Nothing was created by any of those.
    assert_eq!(c.get("/api/organizations").await.body["total"], 1);
    assert!(!app.audit_actions("csrf.rejected").await.is_empty());
    let r = c
        .post("/api/organizations", org_json("university", "某大学", 2))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

async fn organisation_create_validates_every_field(app: TestApp) {
    let office = app.org("office", "中心", 1).await;
    app.user("office1", Role::Office, Some(office)).await;
    let c = app.login("office1").await;

    let mut body = org_json("university", "江南半导体科技大学", 2);
    let good_uscc = body["uscc"].as_str().unwrap().to_owned();
    let mut bad = good_uscc.clone();
    bad.replace_range(17..18, if good_uscc.ends_with('0') { "1" } else { "0" });
    body["uscc"] = json!(bad);
    body["contact_phone"] = json!("12345");
    body["contact_email"] = json!("not-an-email");
    let r = c.post("/api/organizations", body.clone()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        r.fields(),
        vec![
            ("uscc".into(), "uscc_checksum".into()),
            ("contact_phone".into(), "phone_format".into()),
            ("contact_email".into(), "email_format".into()),
        ]
    );
    assert!(
        r.body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("校验位")
    );

    // Mass assignment: an unknown field is refused by name.
    let mut extra = org_json("university", "江南半导体科技大学", 2);
    extra["id"] = json!(99);
    let r = c.post("/api/organizations", extra).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.fields(), vec![("id".into(), "unknown_field".into())]);

    let mut long = org_json("university", &"长".repeat(101), 2);
    long["university_type"] = json!(null);
    let r = c.post("/api/organizations", long).await;
    assert_eq!(
        r.fields(),
        vec![
            ("name".into(), "too_long".into()),
            ("university_type".into(), "required".into())
        ]
    );
    assert_eq!(
        c.get("/api/organizations").await.body["total"],
        1,
        "nothing was created"
    );

    // Full-width digits and spaces pasted from Word are normalised, not rejected.
    let mut pasted = org_json("university", "江南半导体科技大学", 2);
    let fullwidth: String = good_uscc
        .chars()
        .map(|ch| {
            if ch.is_ascii_digit() {
                char::from_u32(ch as u32 + 0xFEE0).unwrap()
            } else {
                ch
            }
        })
        .collect();
    pasted["uscc"] = json!(format!(" {fullwidth}　"));
    pasted["contact_phone"] = json!("１３９ １１３９ ４３２０");
    let r = c.post("/api/organizations", pasted).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["uscc"], json!(good_uscc));
    assert_eq!(r.body["contact_phone"], "13911394320");
    let id = r.body["id"].as_i64().unwrap();

    let dup = c
        .post("/api/organizations", org_json("enterprise", "另一家", 2))
        .await;
    assert_eq!(dup.fields(), vec![("uscc".into(), "uscc_taken".into())]);

    let mut edit = org_json("university", "江南半导体科技大学（更名）", 2);
    edit["city"] = json!("无锡市");
    let r = c.put(&format!("/api/organizations/{id}"), edit).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["city"], "无锡市");
    let ev = app.audit_actions("org.update").await;
    assert_eq!(ev.len(), 1);
    assert!(
        ev[0].detail.contains("city") && ev[0].detail.contains("name"),
        "{}",
        ev[0].detail
    );
    assert_eq!(app.audit_actions("org.create").await.len(), 1);
}

async fn organisation_visibility_follows_the_policy(app: TestApp) {
    let a = app.org("university", "甲大学", 1).await;
    let b = app.org("enterprise", "乙企业", 2).await;
    app.user("a.admin", Role::OrgAdmin, Some(a)).await;
    app.user("a.staff", Role::OrgStaff, Some(a)).await;
    app.user("sys", Role::SysAdmin, None).await;
    let admin = app.login("a.admin").await;
    let list = admin.get("/api/organizations").await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["id"], a);
    assert_eq!(
        admin.get(&format!("/api/organizations/{b}")).await.status,
        404
    );
    assert_eq!(admin.get("/api/organizations/999999").await.status, 404);
    assert_eq!(admin.get("/api/organizations/abc").await.status, 404);
    let r = admin
        .put(
            &format!("/api/organizations/{a}"),
            org_json("university", "甲大学", 1),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin
        .put(
            &format!("/api/organizations/{b}"),
            org_json("enterprise", "乙企业", 2),
        )
        .await;
    assert_eq!(r.status, 404);
    let staff = app.login("a.staff").await;
    let r = staff
        .put(
            &format!("/api/organizations/{a}"),
            org_json("university", "甲大学", 1),
        )
        .await;
    assert_eq!(r.status, 403);
    let denied = app.audit_actions("access.denied").await;
    assert_eq!(denied.len(), 3, "{denied:?}");
    // The system admin sees every organisation, with contact details masked.
    let sys = app.login("sys").await;
    let list = sys.get("/api/organizations").await;
    assert_eq!(list.body["total"], 2);
    let phone = list.body["items"][0]["contact_phone"].as_str().unwrap();
    assert!(phone.contains('*'), "{phone}");
    assert!(
        admin.get("/api/organizations").await.body["items"][0]["contact_phone"]
            .as_str()
            .unwrap()
            .ends_with("1234")
    );
}

async fn users_and_roles_are_managed_within_scope(app: TestApp) {
    let a = app.org("university", "甲大学", 1).await;
    let b = app.org("enterprise", "乙企业", 2).await;
    app.user("sys", Role::SysAdmin, None).await;
    app.user("a.admin", Role::OrgAdmin, Some(a)).await;
    let other = app.user("b.staff", Role::OrgStaff, Some(b)).await;

    let admin = app.login("a.admin").await;
    let new = json!({ "login": "a.teacher", "name": "张老师", "password": "Teach@2026x", "org_id": a, "phone": "13800138000", "email": null });
    let r = admin.post("/api/users", new.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["phone"], "138****8000");
    let teacher = r.body["id"].as_i64().unwrap();
    let dup = admin.post("/api/users", new).await;
    assert_eq!(dup.fields(), vec![("login".into(), "login_taken".into())]);
    let weak = json!({ "login": "a.weak", "name": "弱", "password": "password", "org_id": a, "phone": null, "email": null });
    assert_eq!(
        admin.post("/api/users", weak).await.fields(),
        vec![("password".into(), "password_classes".into())]
    );
    let into_b = json!({ "login": "b.x", "name": "某", "password": "Teach@2026x", "org_id": b, "phone": null, "email": null });
    assert_eq!(admin.post("/api/users", into_b).await.status, 403);

    let grant = admin
        .post(
            &format!("/api/users/{teacher}/roles"),
            json!({ "role": "org_staff", "org_id": a, "field": null }),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.body);
    let office = admin
        .post(
            &format!("/api/users/{teacher}/roles"),
            json!({ "role": "office", "org_id": a, "field": null }),
        )
        .await;
    assert_eq!(office.status, 403);
    let foreign = admin
        .post(
            &format!("/api/users/{other}/roles"),
            json!({ "role": "org_staff", "org_id": b, "field": null }),
        )
        .await;
    assert_eq!(foreign.status, 404);
    let list = admin.get("/api/users").await;
    let logins: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["a.admin", "a.teacher"]);
    let gid = grant.body["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .delete(&format!("/api/users/{teacher}/roles/{gid}"))
            .await
            .status,
        204
    );

    // The system admin cannot hand out the separated admin roles over the API.
    let sys = app.login("sys").await;
    let r = sys
        .post(
            &format!("/api/users/{teacher}/roles"),
            json!({ "role": "audit_admin", "org_id": null, "field": null }),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = sys
        .post(
            &format!("/api/users/{teacher}/roles"),
            json!({ "role": "field_organiser", "org_id": a, "field": null }),
        )
        .await;
    assert_eq!(r.fields(), vec![("field".into(), "required".into())]);
    let r = sys.put(&format!("/api/users/{teacher}"), json!({ "name": "张老师", "phone": null, "email": "zhang@example.cn", "disabled": true })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.client().login("a.teacher", "Teach@2026x").await.status,
        401,
        "a disabled account cannot log in"
    );
    for action in ["user.create", "role.grant", "role.revoke", "user.update"] {
        assert!(!app.audit_actions(action).await.is_empty(), "{action}");
    }
}

async fn separated_admin_roles_are_exclusive_in_the_database(app: TestApp) {
    use chanjiao_domain::users::role::Grant;
    let id = app.user("admin3", Role::SysAdmin, None).await;
    let mut tx = app.db.begin().await.unwrap();
    let second = Grant {
        role: Role::AuditAdmin,
        org_id: None,
        field: None,
    };
    let r = chanjiao_store::users::insert_grant(&mut tx, id, &second, None).await;
    assert!(
        matches!(r, Err(chanjiao_store::StoreError::Conflict(_))),
        "{r:?}"
    );
}

async fn password_change_follows_policy_and_ends_other_sessions(app: TestApp) {
    app.user("zhang", Role::Expert, None).await;
    let first = app.login("zhang").await;
    let second = app.login("zhang").await;
    let r = first
        .post(
            "/api/auth/password",
            json!({ "current_password": "nope", "new_password": "New@Pass2026" }),
        )
        .await;
    assert_eq!(
        r.fields(),
        vec![("current_password".into(), "wrong_password".into())]
    );
    let r = first
        .post(
            "/api/auth/password",
            json!({ "current_password": PASSWORD, "new_password": "short" }),
        )
        .await;
    assert_eq!(
        r.fields(),
        vec![("new_password".into(), "password_too_short".into())]
    );
    let r = first
        .post(
            "/api/auth/password",
            json!({ "current_password": PASSWORD, "new_password": "Zhang@2026pass" }),
        )
        .await;
    assert_eq!(
        r.fields(),
        vec![("new_password".into(), "password_contains_login".into())]
    );
    let r = first
        .post(
            "/api/auth/password",
            json!({ "current_password": PASSWORD, "new_password": "New@Pass2026" }),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        first.get("/api/users").await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        second.get("/api/users").await.code(),
        "session_expired",
        "other sessions end"
    );
    assert_eq!(
        app.client().login("zhang", "New@Pass2026").await.status,
        200
    );
}

async fn idle_and_revoked_sessions_are_refused(app: TestApp) {
    app.user("idle", Role::Expert, None).await;
    let c = app.login("idle").await;
    assert_eq!(c.get("/api/users").await.status, 200);
    let old = chanjiao_store::now() - chrono::Duration::minutes(31);
    chanjiao_store::on_db!(&app.db, |p| sqlx::query(
        "UPDATE sessions SET last_seen_at = $1"
    )
    .bind(old)
    .execute(p)
    .await
    .map(|_| ()))
    .unwrap();
    let r = c.get("/api/users").await;
    assert_eq!((r.status, r.code()), (401, "session_expired"));
    // Absolute timeout.
    let c = app.login("idle").await;
    let past = chanjiao_store::now() - chrono::Duration::seconds(1);
    chanjiao_store::on_db!(&app.db, |p| sqlx::query(
        "UPDATE sessions SET expires_at = $1"
    )
    .bind(past)
    .execute(p)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(c.get("/api/users").await.code(), "session_expired");
}

async fn audit_admin_reads_the_log_and_nobody_else_does(app: TestApp) {
    app.user("auditor", Role::AuditAdmin, None).await;
    app.user("sys", Role::SysAdmin, None).await;
    let mut c = app.client();
    c.login("sys", "Wrong@Pass999").await;
    let sys = app.login("sys").await;
    assert_eq!(sys.get("/api/audit").await.status, 403);
    let auditor = app.login("auditor").await;
    let r = auditor.get("/api/audit?action=auth.login_failed").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["actor_login"], "sys");
    assert_eq!(r.body["items"][0]["ip"], "127.0.0.1");
    let denied = auditor
        .get("/api/audit?action=access.denied&result=denied")
        .await;
    assert_eq!(
        denied.body["total"], 1,
        "the sys admin's attempt was logged"
    );
    let today = chanjiao_domain::time::local_date(chrono::Utc::now()).format("%Y-%m-%d");
    let r = auditor
        .get(&format!("/api/audit?from={today}&to={today}&actor=sys"))
        .await;
    assert!(r.body["total"].as_i64().unwrap() >= 2, "{}", r.body);
    let r = auditor.get("/api/audit?from=yesterday").await;
    assert_eq!(r.fields(), vec![("from".into(), "date_format".into())]);
    let v = auditor.get("/api/audit/verify").await;
    assert_eq!(v.body["ok"], true, "{}", v.body);
    // The log has no write routes at all.
    assert_eq!(auditor.delete("/api/audit").await.status, 405);
}

async fn platform_endpoints_and_security_headers(app: TestApp) {
    let c = app.client();
    assert_eq!(c.get("/healthz").await.status, 200);
    assert_eq!(c.get("/readyz").await.status, 200);
    let openapi = c.get("/api/openapi.json").await;
    assert_eq!(openapi.status, 200);
    assert!(openapi.body["paths"]["/api/organizations/{id}"]["put"].is_object());
    let meta = c.get("/api/meta").await;
    assert_eq!(meta.body["provinces"].as_array().unwrap().len(), 34);
    let m = c.get("/metrics").await;
    assert!(
        m.body
            .as_str()
            .unwrap()
            .contains("chanjiao_http_requests_total"),
        "{}",
        m.body
    );
    let h = &meta.headers;
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(h.contains_key("x-request-id"));
    let missing = c.get("/api/nothing-here").await;
    assert_eq!((missing.status, missing.code()), (404, "not_found"));
}

async fn malformed_input_never_causes_a_server_error(app: TestApp) {
    let office = app.org("office", "中心", 1).await;
    app.user("office1", Role::Office, Some(office)).await;
    app.user("sys", Role::SysAdmin, None).await;
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!({}),
        json!({ "kind": 1, "name": [] }),
        json!({ "login": "x".repeat(5000), "password": "y".repeat(5000) }),
        json!({ "role": "office", "org_id": "abc" }),
        json!({ "name": "\u{0000}\u{202e}", "disabled": "yes" }),
    ];
    let routes = [
        ("POST", "/api/organizations".to_owned()),
        ("PUT", format!("/api/organizations/{office}")),
        ("POST", "/api/users".to_owned()),
        ("PUT", "/api/users/1".to_owned()),
        ("POST", "/api/users/1/roles".to_owned()),
        ("POST", "/api/users/1/password".to_owned()),
        ("POST", "/api/auth/password".to_owned()),
        ("POST", "/api/auth/login".to_owned()),
    ];
    for who in ["office1", "sys"] {
        let c = app.login(who).await;
        for (m, path) in &routes {
            for b in &bodies {
                let r = c.request(m, path, Some(b.clone())).await;
                assert!(
                    r.status >= 400 && r.status < 500,
                    "{who} {m} {path} {b}: {} {}",
                    r.status,
                    r.body
                );
                assert!(
                    r.body["error"]["code"].is_string(),
                    "{m} {path}: {}",
                    r.body
                );
            }
        }
        for q in [
            "/api/organizations?page=abc",
            "/api/users?per_page=-5&page=999999999999",
            "/api/organizations?q=%27%3B--&kind=%25",
        ] {
            let r = c.get(q).await;
            assert!(r.status < 500, "{q}: {}", r.status);
        }
        // Not JSON at all.
        let r = c
            .http
            .post(format!("{}/api/organizations", c.base))
            .header("X-CSRF-Token", c.csrf.clone().unwrap())
            .header("Content-Type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
    }
}
