//! Calls and applications over HTTP, on SQLite and PostgreSQL: fill, confirm, submit at the
//! deadline's edges, withdraw, return and resubmit, receive the paper copy, verify.

mod common;

use common::TestApp;
use common::programme::{Programme, complete_form, shanghai};
use serde_json::json;

on_both_databases!(
    full_intake_of_one_application,
    deadline_edges_in_shanghai_time_and_extensions,
    return_for_correction_and_resubmission,
    withdraw_before_the_deadline_and_submit_again,
    unregistered_partner_registers_through_a_single_use_invite,
    applications_are_visible_only_to_their_lead_partners_and_the_programme,
    attachments_are_checked_by_content_and_guarded,
    a_double_clicked_submit_creates_one_submission,
    submission_names_every_missing_field,
);

async fn full_intake_of_one_application(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    let a = uni.get(&format!("/api/applications/{id}")).await;
    assert_eq!(
        a.body["form"]["lead"]["contact_phone"], "13912345678",
        "full-width digits normalised"
    );
    assert_eq!(a.body["partners"][0]["status"], "pending");
    assert_eq!(a.body["can_submit"], false);
    let blocked = uni
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": a.body["revision"] }),
        )
        .await;
    assert_eq!(blocked.status, 422);
    assert_eq!(
        blocked.fields(),
        vec![("partners[0]".into(), "partner_not_confirmed".into())]
    );

    // The partner sees the application naming it and confirms.
    let ent = app.login("ent.admin").await;
    let mine = ent.get("/api/applications").await;
    assert_eq!(mine.body["total"], 1);
    let r = ent
        .post(
            &format!("/api/applications/{id}/partners/{}/decision", p.ent),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let a = uni.get(&format!("/api/applications/{id}")).await;
    assert_eq!(a.body["can_submit"], true, "{}", a.body["form_errors"]);
    let s = uni
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": a.body["revision"] }),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["status"], "submitted");
    assert_eq!(s.body["submitted_version"], 1);
    assert_eq!(s.body["can_edit"], false);
    let edit = uni
        .put(
            &format!("/api/applications/{id}/form"),
            json!({ "revision": s.body["revision"], "form": complete_form(p.ent) }),
        )
        .await;
    assert_eq!(edit.code(), "not_editable");

    // The office's intake list, filtered, and its Excel export.
    let office = app.login("office").await;
    let list = office.get(&format!("/api/applications?call_id={}&status=submitted&province_code=320000&institution_type=higher_vocational&partner_category=little_giant", p.call)).await;
    assert_eq!(list.body["total"], 1, "{}", list.body);
    assert_eq!(list.body["items"][0]["confirmed_count"], 1);
    assert_eq!(
        office
            .get("/api/applications?institution_type=undergraduate")
            .await
            .body["total"],
        0
    );
    let (status, headers, xlsx) = office
        .get_bytes(&format!("/api/applications/export.xlsx?call_id={}", p.call))
        .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(xlsx.starts_with(b"PK\x03\x04"));

    // Formal check, paper copy with the printed hash, verification.
    let r = office
        .post(
            &format!("/api/applications/{id}/formal-check"),
            json!({ "decision": "accept", "reasons": "", "correction_due": null }),
        )
        .await;
    assert_eq!(r.body["status"], "accepted_for_review", "{}", r.body);
    let versions = office
        .get(&format!("/api/applications/{id}/versions"))
        .await;
    let hash = versions.body[0]["content_hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let number = r.body["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("SQ-"), "{number}");
    let paper = office.post(&format!("/api/applications/{id}/paper-copy"), json!({ "received_on": "2022-12-03", "courier": "EMS", "tracking_no": "1234567890", "printed_hash": hash[..12].to_uppercase() })).await;
    assert_eq!(paper.status, 200, "{}", paper.body);
    assert_eq!(paper.body["matches_submitted"], true);
    let wrong = office.post(&format!("/api/applications/{id}/paper-copy"), json!({ "received_on": "2022-12-03", "courier": "EMS", "tracking_no": "1", "printed_hash": "000000000000" })).await;
    assert_eq!(wrong.body["matches_submitted"], false);
    let anon = app.client();
    let v = anon
        .get(&format!(
            "/api/public/verify?number={number}&version=1&hash={}",
            &hash[..12]
        ))
        .await;
    assert_eq!(
        (v.body["found"].clone(), v.body["is_latest"].clone()),
        (json!(true), json!(true)),
        "{}",
        v.body
    );
    let v = anon
        .get(&format!(
            "/api/public/verify?number={number}&version=1&hash=abcdefabcdef"
        ))
        .await;
    assert_eq!(v.body["found"], false);
    for action in [
        "application.create",
        "application.save",
        "application.partner_decision",
        "application.submit",
        "application.transition",
        "application.paper_copy",
        "call.create",
    ] {
        assert!(!app.audit_actions(action).await.is_empty(), "{action}");
    }
}

async fn rev(c: &common::Client, id: i64) -> serde_json::Value {
    c.get(&format!("/api/applications/{id}")).await.body["revision"].clone()
}

async fn deadline_edges_in_shanghai_time_and_extensions(app: TestApp) {
    // The seed's deadline: 2022-11-30 24:00 Beijing time.
    let deadline = shanghai(2022, 12, 1, 0, 0, 0);
    app.state.clock.pin(Some(shanghai(2022, 11, 30, 9, 0, 0)));
    let p = Programme::set_up(&app, deadline).await;
    let ent = app.login("ent.admin").await;
    let uni = app.login("uni.admin").await;
    let uni2 = app.login("uni2.admin").await;
    let a1 = p.filled_application(&uni, p.ent).await;
    let a2 = p.filled_application(&uni2, p.ent).await;
    for id in [a1, a2] {
        ent.post(
            &format!("/api/applications/{id}/partners/{}/decision", p.ent),
            json!({ "decision": "confirm" }),
        )
        .await;
    }
    // The last second before 24:00 is in time.
    app.state
        .clock
        .pin(Some(shanghai(2022, 11, 30, 23, 59, 59)));
    let r = uni
        .post(
            &format!("/api/applications/{a1}/submit"),
            json!({ "revision": rev(&uni, a1).await }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // 24:00 itself is too late.
    app.state.clock.pin(Some(shanghai(2022, 12, 1, 0, 0, 0)));
    let r = uni2
        .post(
            &format!("/api/applications/{a2}/submit"),
            json!({ "revision": rev(&uni2, a2).await }),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.fields()
            .contains(&("deadline".into(), "deadline_passed".into())),
        "{}",
        r.body
    );
    // Nor may the first withdraw after the deadline.
    assert_eq!(
        uni.post(&format!("/api/applications/{a1}/withdraw"), json!({}))
            .await
            .status,
        422
    );

    // The office extends the deadline for the one applicant; the extension is logged.
    let office = app.login("office").await;
    let bad = office
        .post(
            &format!("/api/calls/{}/extensions", p.call),
            json!({ "org_id": p.uni2, "deadline": shanghai(2022, 12, 3, 0, 0, 0), "reason": "" }),
        )
        .await;
    assert_eq!(bad.fields(), vec![("reason".into(), "required".into())]);
    let ext = office.post(&format!("/api/calls/{}/extensions", p.call), json!({ "org_id": p.uni2, "deadline": shanghai(2022, 12, 3, 0, 0, 0), "reason": "快递延误，经批准延期" })).await;
    assert_eq!(ext.status, 201, "{}", ext.body);
    // Only that applicant's deadline moves, and its view says so.
    let seen = uni2.get(&format!("/api/applications/{a2}")).await;
    assert_eq!(
        seen.body["effective_deadline"],
        json!(shanghai(2022, 12, 3, 0, 0, 0))
    );
    assert_eq!(seen.body["partners"][0]["status"], "confirmed");
    assert!(seen.body["partners"][0]["responded_at"].is_string());
    let other = uni.get(&format!("/api/applications/{a1}")).await;
    assert_eq!(other.body["effective_deadline"], json!(deadline));
    let r = uni2
        .post(
            &format!("/api/applications/{a2}/submit"),
            json!({ "revision": rev(&uni2, a2).await }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let hist = office
        .get(&format!("/api/calls/{}/extensions", p.call))
        .await;
    assert_eq!(hist.body[0]["reason"], "快递延误，经批准延期");
    let logged = app.audit_actions("call.extend").await;
    assert_eq!(logged.len(), 1);
    assert!(logged[0].detail.contains("快递延误"));

    // A whole-call extension moves the call's deadline.
    let ext = office.post(&format!("/api/calls/{}/extensions", p.call), json!({ "org_id": null, "deadline": shanghai(2022, 12, 5, 0, 0, 0), "reason": "统一延期" })).await;
    assert_eq!(ext.status, 201);
    let call = office.get(&format!("/api/calls/{}", p.call)).await;
    assert_eq!(call.body["deadline"], json!(shanghai(2022, 12, 5, 0, 0, 0)));
    assert_eq!(call.body["is_open"], true);
    let public = app.client().get("/api/public/calls").await;
    assert_eq!(public.body[0]["doc_number"], "CASA 联盟函【2022】019 号");
}

async fn return_for_correction_and_resubmission(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let ent = app.login("ent.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    ent.post(
        &format!("/api/applications/{id}/partners/{}/decision", p.ent),
        json!({ "decision": "confirm" }),
    )
    .await;
    let rev = uni.get(&format!("/api/applications/{id}")).await.body["revision"].clone();
    assert_eq!(
        uni.post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": rev })
        )
        .await
        .status,
        200
    );

    let office = app.login("office").await;
    let r = office
        .post(
            &format!("/api/applications/{id}/formal-check"),
            json!({ "decision": "return", "reasons": "", "correction_due": null }),
        )
        .await;
    assert_eq!(
        r.fields(),
        vec![
            ("reasons".into(), "reasons_required".into()),
            ("correction_due".into(), "correction_due_required".into())
        ]
    );
    let due = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    let r = office.post(&format!("/api/applications/{id}/formal-check"), json!({ "decision": "return", "reasons": "经费保障未写明资金来源", "correction_due": due })).await;
    assert_eq!(r.body["status"], "returned", "{}", r.body);

    let a = uni.get(&format!("/api/applications/{id}")).await;
    assert_eq!(a.body["return_reasons"], "经费保障未写明资金来源");
    assert_eq!(a.body["can_edit"], true);
    let mut form = complete_form(p.ent);
    form["guarantees"]["funding"] =
        json!("学校自筹800万元（已列入年度预算），地方政府配套500万元。");
    let saved = uni
        .put(
            &format!("/api/applications/{id}/form"),
            json!({ "revision": a.body["revision"], "form": form }),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let s = uni
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": saved.body["revision"] }),
        )
        .await;
    assert_eq!(s.body["submitted_version"], 2, "{}", s.body);
    let versions = uni.get(&format!("/api/applications/{id}/versions")).await;
    assert_eq!(versions.body.as_array().unwrap().len(), 2);
    let v1 = uni.get(&format!("/api/applications/{id}/versions/1")).await;
    assert!(
        v1.body["form"]["guarantees"]["funding"]
            .as_str()
            .unwrap()
            .starts_with("学校自筹800万元，")
    );
    let v2 = uni.get(&format!("/api/applications/{id}/versions/2")).await;
    assert!(
        v2.body["form"]["guarantees"]["funding"]
            .as_str()
            .unwrap()
            .contains("年度预算")
    );
    assert_ne!(v1.body["content_hash"], v2.body["content_hash"]);
    // A stale revision is refused rather than overwriting.
    let stale = uni
        .put(
            &format!("/api/applications/{id}/form"),
            json!({ "revision": 1, "form": complete_form(p.ent) }),
        )
        .await;
    assert!(stale.status == 409, "{}", stale.body);
}

async fn withdraw_before_the_deadline_and_submit_again(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let ent = app.login("ent.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    ent.post(
        &format!("/api/applications/{id}/partners/{}/decision", p.ent),
        json!({ "decision": "confirm" }),
    )
    .await;
    let rev = uni.get(&format!("/api/applications/{id}")).await.body["revision"].clone();
    uni.post(
        &format!("/api/applications/{id}/submit"),
        json!({ "revision": rev }),
    )
    .await;
    let w = uni
        .post(&format!("/api/applications/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(w.body["status"], "withdrawn", "{}", w.body);
    assert_eq!(w.body["can_edit"], true);
    let s = uni
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": w.body["revision"] }),
        )
        .await;
    assert_eq!(s.body["submitted_version"], 2, "{}", s.body);
    // A partner can no longer change its answer once submitted.
    let r = ent
        .post(
            &format!("/api/applications/{id}/partners/{}/decision", p.ent),
            json!({ "decision": "decline", "reason": "改变主意" }),
        )
        .await;
    assert_eq!(r.code(), "not_editable");
}

async fn unregistered_partner_registers_through_a_single_use_invite(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let r = uni
        .post("/api/applications", json!({ "call_id": p.call }))
        .await;
    let id = r.body["id"].as_i64().unwrap();
    let mut form = complete_form(p.ent);
    form["partners"][0]["org_id"] = json!(null);
    form["partners"][0]["name"] = json!("无锡新芯封测科技有限公司");
    form["partners"][0]["contact_email"] = json!("hr@xinxin-pkg.cn");
    let saved = uni
        .put(
            &format!("/api/applications/{id}/form"),
            json!({ "revision": r.body["revision"], "form": form }),
        )
        .await;
    assert_eq!(saved.body["partners"][0]["status"], "unregistered");
    let inv = uni
        .post(
            &format!("/api/applications/{id}/invites"),
            json!({ "index": 0 }),
        )
        .await;
    assert_eq!(inv.status, 201, "{}", inv.body);
    let token = inv.body["token"].as_str().unwrap().to_owned();

    let mut guest = app.client();
    guest.session().await;
    let view = guest.get(&format!("/api/public/invites/{token}")).await;
    assert_eq!(view.body["partner"]["name"], "无锡新芯封测科技有限公司");
    let mut org = common::org_json("enterprise", "无锡新芯封测科技有限公司", 77);
    org["srdi_level"] = json!("provincial_srdi");
    let body = json!({
        "organization": org,
        "admin": { "login": "xinxin.admin", "name": "周经理", "password": "Xinxin@2026", "phone": "13800138000", "email": null },
        "decision": "confirm", "reason": ""
    });
    let bad = guest.post(&format!("/api/public/invites/{token}/accept"), json!({ "organization": common::org_json("enterprise", "x", 78), "admin": { "login": "x", "name": "", "password": "weak", "phone": null, "email": null }, "decision": "maybe", "reason": "" })).await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = bad.fields().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["admin.login", "admin.name", "admin.password", "decision"]
    );
    let ok = guest
        .post(&format!("/api/public/invites/{token}/accept"), body.clone())
        .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    let again = guest
        .post(&format!("/api/public/invites/{token}/accept"), body)
        .await;
    assert_eq!(again.code(), "invite_invalid", "single use");

    let a = uni.get(&format!("/api/applications/{id}")).await;
    assert_eq!(
        a.body["partners"][0]["status"], "confirmed",
        "{}",
        a.body["partners"]
    );
    assert_eq!(a.body["form"]["partners"][0]["org_id"], ok.body["org_id"]);
    let partner = app.client().login("xinxin.admin", "Xinxin@2026").await;
    assert_eq!(partner.status, 200);
    assert!(
        partner.body["user"]["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("application.partner"))
    );
    let a = uni.get(&format!("/api/applications/{id}")).await;
    assert_eq!(a.body["can_submit"], true, "{}", a.body["form_errors"]);
}

async fn applications_are_visible_only_to_their_lead_partners_and_the_programme(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    let office = app.login("office").await;
    assert_eq!(
        office.get(&format!("/api/applications/{id}")).await.status,
        404,
        "drafts are the applicant's own"
    );
    assert_eq!(office.get("/api/applications").await.body["total"], 0);
    let uni2 = app.login("uni2.admin").await;
    assert_eq!(
        uni2.get(&format!("/api/applications/{id}")).await.status,
        404
    );
    assert_eq!(uni2.get("/api/applications").await.body["total"], 0);
    let ent2 = app.login("ent2.admin").await;
    assert_eq!(
        ent2.get(&format!("/api/applications/{id}")).await.status,
        404
    );
    let ent_staff = app.login("ent.staff").await;
    assert_eq!(
        ent_staff
            .get(&format!("/api/applications/{id}"))
            .await
            .status,
        200
    );
    let r = ent_staff
        .post(
            &format!("/api/applications/{id}/partners/{}/decision", p.ent),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(r.status, 403, "only the partner's admin answers for it");
    let r = ent2
        .post(
            &format!("/api/applications/{id}/partners/{}/decision", p.ent),
            json!({ "decision": "confirm" }),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = uni
        .post(
            &format!("/api/applications/{id}/formal-check"),
            json!({ "decision": "accept", "reasons": "", "correction_due": null }),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = uni
        .post("/api/applications", json!({ "call_id": p.call }))
        .await;
    assert_eq!(r.code(), "application_exists");
    let ent = app.login("ent.admin").await;
    let r = ent
        .post("/api/applications", json!({ "call_id": p.call }))
        .await;
    assert_eq!(
        r.fields(),
        vec![("call_id".into(), "lead_not_university".into())],
        "an enterprise cannot lead"
    );
    assert_eq!(uni.get("/api/applications/export.xlsx").await.status, 403);
}

async fn attachments_are_checked_by_content_and_guarded(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".to_vec();
    let r = uni
        .upload(
            &format!("/api/applications/{id}/attachments"),
            "../../佐证材料.pdf",
            pdf.clone(),
            "evidence",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["filename"], "佐证材料.pdf");
    let att = r.body["id"].as_i64().unwrap();
    // The application lists it (read in the same query as the application), without where the
    // bytes are stored.
    let listed = uni.get(&format!("/api/applications/{id}")).await.body["attachments"].clone();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(
        (
            listed[0]["id"].as_i64(),
            listed[0]["filename"].as_str(),
            listed[0]["size"].as_u64(),
            listed[0]["kind"].as_str()
        ),
        (
            Some(att),
            Some("佐证材料.pdf"),
            Some(pdf.len() as u64),
            Some("evidence")
        ),
        "{listed}"
    );
    assert!(listed[0]["created_at"].is_string(), "{listed}");
    assert!(!listed.to_string().contains("storage"), "{listed}");
    let lie = uni
        .upload(
            &format!("/api/applications/{id}/attachments"),
            "report.pdf",
            b"MZ\x90\x00This program".to_vec(),
            "evidence",
        )
        .await;
    assert_eq!(
        (lie.status, lie.fields()),
        (422, vec![("file".into(), "invalid_file_type".into())])
    );
    let big = uni
        .upload(
            &format!("/api/applications/{id}/attachments"),
            "big.pdf",
            [b"%PDF-".to_vec(), vec![b'x'; 21 * 1024 * 1024]].concat(),
            "evidence",
        )
        .await;
    assert_eq!(big.status, 413, "{}", big.body);
    // A zip bomb dressed as DOCX.
    let bomb = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(b"<x/>").unwrap();
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(&vec![b'0'; 10 * 1024 * 1024]).unwrap();
        w.finish().unwrap().into_inner()
    };
    let r = uni
        .upload(
            &format!("/api/applications/{id}/attachments"),
            "bomb.docx",
            bomb,
            "evidence",
        )
        .await;
    assert_eq!(
        r.fields(),
        vec![("file".into(), "archive_too_large".into())],
        "{}",
        r.body
    );

    let (status, headers, bytes) = uni.get_bytes(&format!("/api/attachments/{att}")).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, pdf);
    let cd = headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("attachment;") && cd.contains("UTF-8''"),
        "{cd}"
    );
    let ent = app.login("ent.admin").await;
    assert_eq!(
        ent.get_bytes(&format!("/api/attachments/{att}")).await.0,
        200,
        "the partner may read"
    );
    let uni2 = app.login("uni2.admin").await;
    assert_eq!(
        uni2.get_bytes(&format!("/api/attachments/{att}")).await.0,
        404
    );
    assert_eq!(
        app.client()
            .get_bytes(&format!("/api/public/attachments/{att}"))
            .await
            .0,
        404,
        "not a call document"
    );
    assert_eq!(
        uni.delete(&format!("/api/attachments/{att}")).await.status,
        204
    );
    assert_eq!(
        uni.get_bytes(&format!("/api/attachments/{att}")).await.0,
        404
    );
    // Call documents are public once the call is.
    let office = app.login("office").await;
    let r = office
        .upload(
            &format!("/api/calls/{}/attachments", p.call),
            "通知.pdf",
            pdf.clone(),
            "notice",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let doc = r.body["id"].as_i64().unwrap();
    assert_eq!(
        app.client()
            .get_bytes(&format!("/api/public/attachments/{doc}"))
            .await
            .2,
        pdf
    );
    assert_eq!(
        uni.upload(
            &format!("/api/calls/{}/attachments", p.call),
            "x.pdf",
            pdf,
            "notice"
        )
        .await
        .status,
        403
    );
}

async fn a_double_clicked_submit_creates_one_submission(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.admin").await;
    let ent = app.login("ent.admin").await;
    let id = p.filled_application(&uni, p.ent).await;
    ent.post(
        &format!("/api/applications/{id}/partners/{}/decision", p.ent),
        json!({ "decision": "confirm" }),
    )
    .await;
    let up = uni
        .upload(
            &format!("/api/applications/{id}/attachments"),
            "佐证材料.pdf",
            b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".to_vec(),
            "evidence",
        )
        .await;
    assert_eq!(up.status, 201, "{}", up.body);
    let rev = uni.get(&format!("/api/applications/{id}")).await.body["revision"].clone();
    let path = format!("/api/applications/{id}/submit");
    let body = json!({ "revision": rev });
    let (a, b, c) = tokio::join!(
        uni.post(&path, body.clone()),
        uni.post(&path, body.clone()),
        uni.post(&path, body.clone())
    );
    let ok = [&a, &b, &c].iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 1, "{} {} {}", a.body, b.body, c.body);
    for r in [&a, &b, &c] {
        assert!(r.status == 200 || r.status == 409, "{}", r.body);
        if r.status == 200 {
            assert_eq!(r.body["attachments"][0]["id"], up.body["id"], "{}", r.body);
        }
    }
    assert_eq!(
        uni.get(&format!("/api/applications/{id}/versions"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.audit_actions("application.submit").await.len(), 1);
}

async fn submission_names_every_missing_field(app: TestApp) {
    let p = Programme::set_up(&app, chrono::Utc::now() + chrono::Duration::days(3)).await;
    let uni = app.login("uni.staff").await;
    let r = uni
        .post("/api/applications", json!({ "call_id": p.call }))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["form"]["lead"]["name"], "苏州集成电路职业技术学院",
        "prefilled from the organisation"
    );
    let id = r.body["id"].as_i64().unwrap();
    let s = uni
        .post(
            &format!("/api/applications/{id}/submit"),
            json!({ "revision": r.body["revision"] }),
        )
        .await;
    assert_eq!(s.status, 422);
    let fields: Vec<String> = s.fields().into_iter().map(|(f, _)| f).collect();
    for f in [
        "form.lead.profile",
        "form.lead.direction",
        "form.partners",
        "form.goals.plan.smart_cloud_platform",
        "form.commitment.office_meeting_approved",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let too_long = json!({ "revision": r.body["revision"], "form": { "lead": { "profile": "长".repeat(3001) } } });
    let t = uni
        .put(&format!("/api/applications/{id}/form"), too_long)
        .await;
    assert_eq!(
        t.fields(),
        vec![("form.lead.profile".into(), "too_long".into())]
    );
    let unknown = uni
        .put(
            &format!("/api/applications/{id}/form"),
            json!({ "revision": r.body["revision"], "form": { "status": "initiated" } }),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.fields()[0].1, "unknown_field");
    let partial = uni.put(&format!("/api/applications/{id}/form"), json!({ "revision": r.body["revision"], "form": { "lead": { "name": "苏州集成电路职业技术学院", "contact_phone": "139" } } })).await;
    assert_eq!(
        partial.status, 200,
        "a partial draft saves: {}",
        partial.body
    );
}
