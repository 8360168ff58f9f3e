//! Expert review over HTTP, on SQLite and PostgreSQL: the pool, 申请回避, a round from the dry
//! run to the 立项 letter, declines with replacement, blindness and confidentiality.

mod common;

use chanjiao_domain::users::role::Role;
use common::programme::{Programme, complete_form};
use common::{Client, TestApp};
use serde_json::{Value, json};

on_both_databases!(
    a_round_from_assignment_to_the_initiation_letter,
    a_decline_proposes_a_replacement_for_that_slot_only,
    experts_are_imported_from_excel_all_or_nothing,
    review_data_stays_confidential,
    phases_decide_what_experts_see_and_whether_scores_change,
);

/// Two submitted and accepted applications (uni → ent, uni2 → ent2) and five experts in
/// power devices; `expert.ent` works for ent (so never reviews uni's application).
struct Setup {
    p: Programme,
    app1: i64,
    app2: i64,
    experts: Vec<(String, i64)>,
    round: i64,
}

async fn submitted(
    app: &TestApp,
    p: &Programme,
    login: &str,
    partner_admin: &str,
    partner: i64,
) -> i64 {
    let c = app.login(login).await;
    let id = p.filled_application(&c, partner).await;
    let ent = app.login(partner_admin).await;
    let r = ent
        .post(
            &format!("/api/applications/{id}/partners/{partner}/decision"),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = c.get(&format!("/api/applications/{id}")).await;
    let s = c
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": a.body["revision"] }),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    let office = app.login("office").await;
    let r = office
        .post(
            &format!("/api/applications/{id}/formal-check"),
            json!({ "decision": "accept", "reasons": "", "correction_due": null }),
        )
        .await;
    assert_eq!(r.body["status"], "accepted_for_review", "{}", r.body);
    id
}

fn profile(affiliation_org_id: Option<i64>, name: &str, province: &str, max_load: i32) -> Value {
    json!({
        "title": "教授", "affiliation_org_id": affiliation_org_id, "affiliation_name": name,
        "province_code": province, "fields": ["power_devices"], "keywords": ["功率模块", "实训基地"],
        "max_load": max_load, "available": true, "conflict_org_ids": [], "conflict_application_ids": []
    })
}

async fn set_up(app: &TestApp, k: i64) -> Setup {
    let p = Programme::set_up(app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    // uni2's application names ent2; fill it with uni2's name so blind redaction is testable.
    let app1 = submitted(app, &p, "uni.admin", "ent.admin", p.ent).await;
    let app2 = submitted(app, &p, "uni2.admin", "ent2.admin", p.ent2).await;
    let office = app.login("office").await;
    let mut experts = Vec::new();
    for (i, (login, aff, name, province)) in [
        ("expert.a", None, "清华大学", "110000"),
        ("expert.b", None, "复旦大学", "310000"),
        ("expert.c", None, "浙江大学", "330000"),
        ("expert.d", None, "中山大学", "440000"),
        (
            "expert.ent",
            Some(p.ent),
            "苏州纳芯碳化硅半导体有限公司",
            "320000",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let id = app.user(login, Role::Expert, None).await;
        let r = office
            .put(
                &format!("/api/experts/{id}"),
                profile(aff, name, province, 2 + (i as i32 % 2)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        experts.push((login.to_owned(), id));
    }
    let r = office
        .post(
            "/api/rounds",
            json!({ "call_id": p.call, "kind": "initial", "title": "2022年 立项评审", "per_application": k }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["phases"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["application_count"], 2);
    Setup {
        p,
        app1,
        app2,
        experts,
        round: r.body["id"].as_i64().unwrap(),
    }
}

fn pairs_of(proposal: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for row in proposal["rows"].as_array().unwrap() {
        for e in row["experts"].as_array().unwrap() {
            out.push(json!({ "application_id": row["application_id"], "user_id": e["user_id"] }));
        }
    }
    out
}

/// The expert client and assignment id of one assignment of `application`.
async fn assignment_of(
    app: &TestApp,
    s: &Setup,
    office: &Client,
    application: i64,
) -> Vec<(Client, i64, i64)> {
    let list = office
        .get(&format!("/api/rounds/{}/assignments", s.round))
        .await;
    let mut out = Vec::new();
    for a in list.body.as_array().unwrap() {
        if a["application_id"] == application && a["status"] != "declined" {
            let uid = a["user_id"].as_i64().unwrap();
            let login = &s.experts.iter().find(|(_, id)| *id == uid).unwrap().0;
            out.push((app.login(login).await, a["id"].as_i64().unwrap(), uid));
        }
    }
    out
}

async fn score_and_submit(c: &Client, round: i64, aid: i64, scores: [f64; 3]) {
    let r = c
        .post(&format!("/api/assignments/{aid}/accept"), json!({}))
        .await;
    assert!(
        r.status == 200 || r.code() == "already_answered",
        "{}",
        r.body
    );
    let r = c
        .post(&format!("/api/rounds/{round}/pledge"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({
                "scores": { "rationality": scores[0], "authenticity": scores[1], "foundation": scores[2] },
                "recommendation": "recommend",
                "opinion_html": "<p>建设目标<b>明确</b></p><script>alert(1)</script>"
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c
        .post(&format!("/api/assignments/{aid}/review/submit"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "submitted");
}

async fn a_round_from_assignment_to_the_initiation_letter(app: TestApp) {
    let s = set_up(&app, 2).await;
    let office = app.login("office").await;
    let uni = app.login("uni.admin").await;

    // 申请回避: uni asks that expert.b not review it; the match is the office's to see.
    let r = uni
        .put(
            &format!("/api/applications/{}/avoid-requests", s.app1),
            json!({ "items": [{ "name": "测试用户expert.b", "affiliation": "复旦大学", "reason": "曾合作申报项目" }] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body[0]["expert_user_id"].is_null(),
        "the applicant never sees who matched"
    );
    let seen = office
        .get(&format!("/api/applications/{}/avoid-requests", s.app1))
        .await;
    let b = s.experts[1].1;
    assert_eq!(seen.body[0]["expert_user_id"], b);
    let too_many = uni
        .put(
            &format!("/api/applications/{}/avoid-requests", s.app1),
            json!({ "items": [
                { "name": "甲", "affiliation": "A", "reason": "r" }, { "name": "乙", "affiliation": "B", "reason": "r" },
                { "name": "丙", "affiliation": "C", "reason": "r" }, { "name": "丁", "affiliation": "D", "reason": "r" }] }),
        )
        .await;
    assert_eq!(too_many.status, 422);
    assert_eq!(too_many.fields()[0].0, "items");

    // The dry run: optimal, respecting 回避 by affiliation and the 申请回避.
    let proposal = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "optimal" }),
        )
        .await;
    assert_eq!(proposal.status, 200, "{}", proposal.body);
    assert!(proposal.body["infeasible"].is_null(), "{}", proposal.body);
    let ent_expert = s.experts[4].1;
    for row in proposal.body["rows"].as_array().unwrap() {
        assert_eq!(row["experts"].as_array().unwrap().len(), 2);
        if row["application_id"] == s.app1 {
            for e in row["experts"].as_array().unwrap() {
                assert_ne!(e["user_id"], ent_expert, "affiliated with the partner");
                assert_ne!(e["user_id"], b, "avoided by the applicant");
            }
        }
    }
    // A hand change that breaks a hard rule is named; commit refuses it.
    let mut bad = pairs_of(&proposal.body);
    bad[0] = json!({ "application_id": s.app1, "user_id": ent_expert });
    let check = office
        .post(
            &format!("/api/rounds/{}/assignment/check", s.round),
            json!({ "pairs": bad }),
        )
        .await;
    assert_eq!(check.status, 200);
    let v = check.body["violations"].as_array().unwrap();
    assert!(
        v.iter()
            .any(|x| x["code"] == "affiliated" && x["user_id"] == ent_expert),
        "{}",
        check.body
    );
    let refused = office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": bad, "mode": "manual" }),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    // Random drawing is reproducible from its seed.
    let r1 = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "random", "seed": "42" }),
        )
        .await;
    let r2 = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "random", "seed": "42" }),
        )
        .await;
    assert_eq!(r1.status, 200, "{}", r1.body);
    assert_eq!(r1.body["rows"], r2.body["rows"]);
    assert_eq!(r1.body["seed"], "42");

    // The office placed the first pair by hand (removed and added back): it alone is `manual`.
    let mut adjusted = pairs_of(&proposal.body);
    adjusted[0]["manual"] = json!(true);
    let committed = office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": adjusted, "mode": "optimal" }),
        )
        .await;
    assert_eq!(committed.status, 200, "{}", committed.body);
    assert_eq!(committed.body["status"], "reviewing");
    assert_eq!(committed.body["assigned"], 4);
    let listed = office
        .get(&format!("/api/rounds/{}/assignments", s.round))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let sources: Vec<(Value, Value, Value)> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["application_id"].clone(),
                a["user_id"].clone(),
                a["source"].clone(),
            )
        })
        .collect();
    assert_eq!(sources.len(), 4);
    for (app_id, user_id, source) in &sources {
        let by_hand =
            *app_id == adjusted[0]["application_id"] && *user_id == adjusted[0]["user_id"];
        assert_eq!(
            source,
            if by_hand { "manual" } else { "optimal" },
            "{sources:?}"
        );
    }
    let a = office.get(&format!("/api/applications/{}", s.app1)).await;
    assert_eq!(a.body["status"], "under_review");
    let again = office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": pairs_of(&proposal.body), "mode": "optimal" }),
        )
        .await;
    assert_eq!(again.code(), "round_started");

    // An expert's view is blind in 网评: no applicant names anywhere.
    let panel1 = assignment_of(&app, &s, &office, s.s_app1()).await;
    let (c, aid, _) = &panel1[0];
    let mine = c.get("/api/my/assignments").await;
    assert!(
        mine.body
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == *aid)
    );
    assert!(!mine.body.to_string().contains("苏州集成电路职业技术学院"));
    let early = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({ "scores": {}, "recommendation": null, "opinion_html": "" }),
        )
        .await;
    assert_eq!(early.code(), "not_accepted");
    let read = c.get(&format!("/api/assignments/{aid}/application")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["blind"], true);
    let text = read.body["form"].to_string();
    assert!(
        !text.contains("苏州集成电路职业技术学院"),
        "lead name redacted"
    );
    assert!(!text.contains("纳芯"), "partner name redacted");
    assert!(!text.contains("李娟"), "contact redacted");
    assert!(text.contains("■■■"));
    let (status, _, pdf) = c
        .get_bytes(&format!("/api/assignments/{aid}/application.pdf"))
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));

    // Scoring: range checks name the criterion; the pledge comes first; submitted is final.
    c.post(&format!("/api/assignments/{aid}/accept"), json!({}))
        .await;
    let out_of_range = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({ "scores": { "rationality": 150 }, "recommendation": null, "opinion_html": "" }),
        )
        .await;
    assert_eq!(out_of_range.status, 422);
    assert_eq!(out_of_range.fields()[0].0, "scores.rationality");
    let partial = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({ "scores": { "rationality": 90 }, "recommendation": null, "opinion_html": "<p>初稿</p>" }),
        )
        .await;
    assert_eq!(partial.status, 200, "{}", partial.body);
    assert_eq!(partial.body["status"], "draft");
    let no_pledge = c
        .post(&format!("/api/assignments/{aid}/review/submit"), json!({}))
        .await;
    assert_eq!(no_pledge.code(), "pledge_required");
    c.post(&format!("/api/rounds/{}/pledge", s.round), json!({}))
        .await;
    let incomplete = c
        .post(&format!("/api/assignments/{aid}/review/submit"), json!({}))
        .await;
    assert_eq!(incomplete.status, 422);
    assert!(
        incomplete
            .fields()
            .iter()
            .any(|(f, _)| f == "scores.authenticity")
    );
    score_and_submit(c, s.round, *aid, [90.0, 85.0, 80.0]).await;
    let review = c.get(&format!("/api/assignments/{aid}/review")).await;
    assert_eq!(review.body["total"], 85.5);
    let html = review.body["opinion_html"].as_str().unwrap();
    assert!(
        html.contains("<b>明确</b>") && !html.contains("script"),
        "{html}"
    );
    let locked = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({ "scores": { "rationality": 10 }, "recommendation": null, "opinion_html": "" }),
        )
        .await;
    assert_eq!(locked.code(), "review_submitted");

    // A correction is a new version the office must allow.
    let r = office
        .post(
            &format!("/api/assignments/{aid}/review/allow-correction"),
            json!({ "reason": "分数录入有误" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v2 = c
        .put(
            &format!("/api/assignments/{aid}/review"),
            json!({ "scores": { "rationality": 95, "authenticity": 85, "foundation": 80 }, "recommendation": "recommend", "opinion_html": "更正" }),
        )
        .await;
    assert_eq!(v2.body["version"], 2, "{}", v2.body);
    let r = c
        .post(&format!("/api/assignments/{aid}/review/submit"), json!({}))
        .await;
    assert_eq!(r.body["version"], 2);

    // The rest of the panels score: app1 high, app2 low with a disagreement.
    score_and_submit(&panel1[1].0, s.round, panel1[1].1, [80.0, 80.0, 80.0]).await;
    let panel2 = assignment_of(&app, &s, &office, s.app2).await;
    score_and_submit(&panel2[0].0, s.round, panel2[0].1, [40.0, 40.0, 40.0]).await;
    score_and_submit(&panel2[1].0, s.round, panel2[1].1, [90.0, 90.0, 90.0]).await;

    // Decisions wait for the round to close.
    let early = office
        .put(
            &format!("/api/rounds/{}/decisions/{}", s.round, s.app1),
            json!({ "decision": "shortlisted", "note": "" }),
        )
        .await;
    assert_eq!(early.code(), "round_open");
    let closed = office
        .post(&format!("/api/rounds/{}/close", s.round), json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let a = office.get(&format!("/api/applications/{}", s.app2)).await;
    assert_eq!(a.body["status"], "reviewed");

    let res = office
        .get(&format!("/api/rounds/{}/results", s.round))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let rows = res.body["applications"].as_array().unwrap();
    assert_eq!(rows[0]["application_id"], s.app1, "{}", res.body);
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[0]["reviews"], 2);
    assert_eq!(rows[1]["flagged"], true, "range 50 > threshold 20");
    assert_eq!(rows[1]["range"], 50.0);
    assert_eq!(res.body["experts"].as_array().unwrap().len(), 4);
    let (status, _, xlsx) = office
        .get_bytes(&format!("/api/rounds/{}/results.xlsx", s.round))
        .await;
    assert_eq!(status, 200);
    assert!(xlsx.starts_with(b"PK"));

    let d = office
        .put(
            &format!("/api/rounds/{}/decisions/{}", s.round, s.app1),
            json!({ "decision": "shortlisted", "note": "综合排名第一" }),
        )
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["decision"], "shortlisted");
    let d = office
        .put(
            &format!("/api/rounds/{}/decisions/{}", s.round, s.app2),
            json!({ "decision": "not_selected", "note": "" }),
        )
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    let res = office
        .get(&format!("/api/rounds/{}/results", s.round))
        .await;
    let by_province = res.body["distribution"]["by_province"].as_array().unwrap();
    assert!(
        by_province.iter().any(|p| p["shortlisted"] == 1),
        "{}",
        res.body
    );
    let no_letter = office
        .post(
            &format!("/api/rounds/{}/decisions/{}/letter", s.round, s.app2),
            json!({}),
        )
        .await;
    assert_eq!(no_letter.code(), "not_shortlisted");
    let letter = office
        .post(
            &format!("/api/rounds/{}/decisions/{}/letter", s.round, s.app1),
            json!({}),
        )
        .await;
    assert_eq!(letter.status, 200, "{}", letter.body);
    let number = letter.body["letter_number"].as_str().unwrap().to_owned();
    assert!(
        number.starts_with("产教立项〔") && number.ends_with("第 001 号"),
        "{number}"
    );
    let twice = office
        .post(
            &format!("/api/rounds/{}/decisions/{}/letter", s.round, s.app1),
            json!({}),
        )
        .await;
    assert_eq!(twice.code(), "letter_issued");
    let frozen = office
        .put(
            &format!("/api/rounds/{}/decisions/{}", s.round, s.app1),
            json!({ "decision": "not_selected", "note": "" }),
        )
        .await;
    assert_eq!(frozen.code(), "letter_issued");
    let a = uni.get(&format!("/api/applications/{}", s.app1)).await;
    assert_eq!(a.body["status"], "initiated");

    // The lead and the partner are notified and can download the letter; others cannot.
    let notes = uni.get("/api/notifications").await;
    assert!(notes.body.to_string().contains(&number), "{}", notes.body);
    // The link opens the app's own page of the application (the lead's editor).
    assert_eq!(
        notes.body[0]["link"],
        format!("/applications/{}/edit", s.app1),
        "{}",
        notes.body
    );
    let nid = notes.body[0]["id"].as_i64().unwrap();
    let r = uni
        .post(&format!("/api/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(r.status, 204);
    let stranger = app.login("uni2.admin").await;
    let r = stranger
        .post(&format!("/api/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(r.status, 404);
    for who in ["uni.admin", "ent.admin", "office"] {
        let (status, _, pdf) = app
            .login(who)
            .await
            .get_bytes(&format!(
                "/api/rounds/{}/decisions/{}/letter.pdf",
                s.round, s.app1
            ))
            .await;
        assert_eq!(status, 200, "{who}");
        assert!(pdf.starts_with(b"%PDF"));
    }
    let (status, _, _) = stranger
        .get_bytes(&format!(
            "/api/rounds/{}/decisions/{}/letter.pdf",
            s.round, s.app1
        ))
        .await;
    assert_eq!(status, 404);
    let outbox = office.get("/api/outbox").await;
    assert!(
        outbox.body["items"].to_string().contains("立项通知"),
        "{}",
        outbox.body
    );
    // Every step is in the audit log.
    for action in [
        "review.assignment_commit",
        "review.submit",
        "review.decision",
        "review.letter_issue",
    ] {
        assert!(!app.audit_actions(action).await.is_empty(), "{action}");
    }
    let commit = &app.audit_actions("review.assignment_commit").await[0];
    assert!(commit.detail.contains("\"table\""));
}

impl Setup {
    fn s_app1(&self) -> i64 {
        self.app1
    }
}

async fn a_decline_proposes_a_replacement_for_that_slot_only(app: TestApp) {
    let s = set_up(&app, 1).await;
    let office = app.login("office").await;
    let proposal = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "optimal" }),
        )
        .await;
    let r = office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": pairs_of(&proposal.body), "mode": "optimal" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let panel = assignment_of(&app, &s, &office, s.app1).await;
    let (c, aid, who) = &panel[0];
    let no_reason = c
        .post(
            &format!("/api/assignments/{aid}/decline"),
            json!({ "reason": " " }),
        )
        .await;
    assert_eq!(no_reason.fields()[0].0, "reason");
    let r = c
        .post(
            &format!("/api/assignments/{aid}/decline"),
            json!({ "reason": "出差在外，无法按期完成" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "declined");
    let list = office
        .get(&format!("/api/rounds/{}/assignments", s.round))
        .await;
    let rows = list.body.as_array().unwrap();
    let proposed: Vec<&Value> = rows.iter().filter(|a| a["status"] == "proposed").collect();
    assert_eq!(proposed.len(), 1, "{}", list.body);
    assert_eq!(proposed[0]["application_id"], s.app1);
    assert_eq!(proposed[0]["replaces_id"], *aid);
    assert_ne!(proposed[0]["user_id"], *who);
    assert_ne!(
        proposed[0]["user_id"], s.experts[4].1,
        "never the partner's expert"
    );
    // Other slots are untouched.
    assert_eq!(
        rows.iter()
            .filter(|a| a["application_id"] == s.app2)
            .count(),
        1
    );
    let pid = proposed[0]["id"].as_i64().unwrap();
    // Picking the partner's own expert instead breaks 回避 and is refused.
    let r = office
        .post(
            &format!("/api/assignments/{pid}/confirm"),
            json!({ "user_id": s.experts[4].1 }),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = office
        .post(&format!("/api/assignments/{pid}/confirm"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "invited");
    // The replacement was invited in the app.
    let login = &s
        .experts
        .iter()
        .find(|(_, id)| *id == r.body["user_id"].as_i64().unwrap())
        .unwrap()
        .0;
    let notes = app.login(login).await.get("/api/notifications").await;
    assert!(notes.body.to_string().contains("新的评审任务"));
    assert_eq!(notes.body[0]["link"], "/my-reviews", "{}", notes.body);
    let _ = s.p.uni;
}

async fn experts_are_imported_from_excel_all_or_nothing(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let office = app.login("office").await;
    let row = |login: &str, phone: &str| chanjiao_docs::xlsx::experts::ExpertExportRow {
        login: login.into(),
        name: "钱学森".into(),
        phone: Some(phone.into()),
        email: Some(format!("{login}@example.cn")),
        title: "研究员".into(),
        affiliation_name: "中国科学院半导体研究所".into(),
        affiliation_uscc: None,
        province_code: "110000".into(),
        fields: vec!["power_devices".into(), "rf_devices".into()],
        keywords: vec!["氮化镓".into()],
        max_load: 8,
        available: true,
        conflict_usccs: vec![],
        active_load: 0,
    };
    // One bad row (a phone that is not a mobile number): nothing is imported.
    let bad = chanjiao_docs::xlsx::experts::export(&[
        row("import.a", "13912345678"),
        row("import.b", "12345"),
    ]);
    let r = office
        .upload("/api/experts/import", "experts.xlsx", bad, "")
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.fields();
    assert!(
        fields.iter().all(|(f, _)| f.starts_with("row 3")),
        "{fields:?}"
    );
    assert_eq!(office.get("/api/experts").await.body["total"], 0);
    // Not a spreadsheet at all.
    let r = office
        .upload("/api/experts/import", "x.xlsx", b"hello".to_vec(), "")
        .await;
    assert_eq!(r.status, 422);
    // A good file creates accounts with one-time passwords; importing again updates.
    let good = chanjiao_docs::xlsx::experts::export(&[
        row("import.a", "13912345678"),
        row("import.b", "13812345678"),
    ]);
    let r = office
        .upload("/api/experts/import", "experts.xlsx", good.clone(), "")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["created"], 2);
    let password = r.body["initial_passwords"][0]["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut c = app.client();
    assert_eq!(c.login("import.a", &password).await.status, 200);
    let r = office
        .upload("/api/experts/import", "experts.xlsx", good, "")
        .await;
    assert_eq!(r.body["updated"], 2, "{}", r.body);
    let list = office.get("/api/experts?field=rf_devices").await;
    assert_eq!(list.body["total"], 2);
    let (status, _, xlsx) = office.get_bytes("/api/experts/export.xlsx").await;
    assert_eq!(status, 200);
    let parsed = chanjiao_docs::xlsx::experts::parse(
        &xlsx,
        &chanjiao_domain::review::lists::EXPERTISE
            .iter()
            .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(parsed.len(), 2);
    let (status, _, _) = office.get_bytes("/api/experts/template.xlsx").await;
    assert_eq!(status, 200);
    // Only the programme manages the pool.
    let uni = app.login("uni.admin").await;
    assert_eq!(uni.get("/api/experts").await.status, 403);
    let _ = p.call;
}

async fn review_data_stays_confidential(app: TestApp) {
    let s = set_up(&app, 2).await;
    let office = app.login("office").await;
    let proposal = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "optimal" }),
        )
        .await;
    office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": pairs_of(&proposal.body), "mode": "optimal" }),
        )
        .await;
    let panel = assignment_of(&app, &s, &office, s.app1).await;
    let (c, aid, who) = &panel[0];
    // Another expert, not on this panel, sees nothing of it.
    let outsider = s
        .experts
        .iter()
        .find(|(_, id)| !panel.iter().any(|(_, _, u)| u == id) && *id != *who)
        .map(|(l, _)| l.clone())
        .unwrap();
    let o = app.login(&outsider).await;
    for path in [
        format!("/api/assignments/{aid}/review"),
        format!("/api/assignments/{aid}/application"),
    ] {
        let r = o.get(&path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
    // Experts never see aggregates or the table; applicants never see who reviews them.
    for path in [
        format!("/api/rounds/{}/results", s.round),
        format!("/api/rounds/{}/assignments", s.round),
    ] {
        assert_eq!(c.get(&path).await.status, 403, "{path}");
        assert_eq!(
            app.login("uni.admin").await.get(&path).await.status,
            404,
            "{path}"
        );
    }
    let uni = app.login("uni.admin").await;
    assert_eq!(
        uni.get(&format!("/api/assignments/{aid}/review"))
            .await
            .status,
        404
    );
    let a = uni.get(&format!("/api/applications/{}", s.app1)).await;
    assert!(!a.body.to_string().contains("expert."), "{}", a.body);
    // The expert's own profile: readable, and only the self-service fields change.
    let me = c.get(&format!("/api/experts/{who}")).await;
    assert_eq!(me.status, 200);
    let mut changed = me.body.clone();
    let body = json!({
        "title": changed["title"], "affiliation_org_id": changed["affiliation_org_id"],
        "affiliation_name": changed["affiliation_name"], "province_code": changed["province_code"],
        "fields": changed["fields"], "keywords": ["封装"], "max_load": changed["max_load"],
        "available": false, "conflict_org_ids": [], "conflict_application_ids": []
    });
    let r = c.put(&format!("/api/experts/{who}"), body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    changed = body;
    changed["max_load"] = json!(99);
    let r = c.put(&format!("/api/experts/{who}"), changed).await;
    assert_eq!(r.status, 403);
    let other = s.experts.iter().find(|(_, id)| id != who).unwrap().1;
    assert_eq!(c.get(&format!("/api/experts/{other}")).await.status, 404);
    let _ = complete_form;
}

async fn phases_decide_what_experts_see_and_whether_scores_change(app: TestApp) {
    let s = set_up(&app, 1).await;
    let office = app.login("office").await;
    let phases = json!([
        { "kind": "online", "name": "网评", "blind": true, "scores_editable": true, "decider": "office" },
        { "kind": "meeting", "name": "会评", "blind": false, "scores_editable": true, "decider": "experts" },
        { "kind": "visit", "name": "调研", "blind": false, "scores_editable": false, "decider": "office" }
    ]);
    let r = office
        .put(
            &format!("/api/rounds/{}", s.round),
            json!({ "kind": "initial", "title": "2022年 立项评审", "per_application": 1, "phases": phases }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ids: Vec<i64> = r.body["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let proposal = office
        .post(
            &format!("/api/rounds/{}/assignment/propose", s.round),
            json!({ "mode": "optimal" }),
        )
        .await;
    let r = office
        .post(
            &format!("/api/rounds/{}/assignment/commit", s.round),
            json!({ "pairs": pairs_of(&proposal.body), "mode": "optimal" }),
        )
        .await;
    assert_eq!(r.body["current_phase_id"], ids[0], "{}", r.body);
    let panel = assignment_of(&app, &s, &office, s.app1).await;
    let (c, aid, _) = &panel[0];
    c.post(&format!("/api/assignments/{aid}/accept"), json!({}))
        .await;
    let lead = "苏州集成电路职业技术学院";

    // 网评: blind.
    let read = c.get(&format!("/api/assignments/{aid}/application")).await;
    assert_eq!(read.body["blind"], true);
    assert!(!read.body.to_string().contains(lead));
    assert!(
        !c.get("/api/my/assignments")
            .await
            .body
            .to_string()
            .contains(lead)
    );

    // 会评: open — the expert sees who applied.
    let r = office
        .post(
            &format!("/api/rounds/{}/phase", s.round),
            json!({ "phase_id": ids[1] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let read = c.get(&format!("/api/assignments/{aid}/application")).await;
    assert_eq!(read.body["blind"], false);
    assert!(read.body["form"].to_string().contains(lead));
    assert!(
        c.get("/api/my/assignments")
            .await
            .body
            .to_string()
            .contains(lead)
    );
    let draft =
        json!({ "scores": { "rationality": 80 }, "recommendation": null, "opinion_html": "" });
    let r = c
        .put(&format!("/api/assignments/{aid}/review"), draft.clone())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // 调研: scores are frozen; a closed phase cannot come back.
    office
        .post(
            &format!("/api/rounds/{}/phase", s.round),
            json!({ "phase_id": ids[2] }),
        )
        .await;
    let r = c
        .put(&format!("/api/assignments/{aid}/review"), draft)
        .await;
    assert_eq!(r.code(), "scores_locked");
    let r = c
        .post(&format!("/api/assignments/{aid}/review/submit"), json!({}))
        .await;
    assert_eq!(r.code(), "scores_locked");
    let r = office
        .post(
            &format!("/api/rounds/{}/phase", s.round),
            json!({ "phase_id": ids[0] }),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.fields()[0].0, "phase_id");
}
