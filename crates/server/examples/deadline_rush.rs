//! Deadline rush: N distinct universities each submit a complete application (≈30 KB of text,
//! two confirmed SRDI partners) in one go — save the form, then submit — with C concurrent
//! HTTP clients against a running server. Reports throughput, latency percentiles and errors,
//! then checks in the database that every application was submitted exactly once.
//!
//! ```text
//! cargo run --release -p chanjiao-server --example deadline_rush -- \
//!     --base http://127.0.0.1:18080 --database-url sqlite:///tmp/d/chanjiao.db \
//!     --universities 3000 --concurrency 64 [--json]
//! ```
//!
//! Setup (not timed) writes straight to the store: an office and its user, a published call
//! open now, N universities with one org_admin each (one argon2 hash shared by all), 2N SRDI
//! enterprises with one org_admin each, a live session per university (token → SHA-256 in
//! `sessions`, so no per-client login), and each university's draft application naming its
//! two partners, both already confirmed. The timed part is only the two HTTP requests per
//! university: `PUT /api/applications/{id}/form` then `POST /api/applications/{id}/submit`.
//! `bench/deadline_rush.sh` starts the server on a fresh database and runs this for both
//! backends.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chanjiao_domain::applications::{ApplicationForm, PartnerBlock};
use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::users::role::{Grant, Role, Scope};
use chanjiao_domain::validate::uscc_check_char;
use chanjiao_store::applications::{self as apps, KeyColumns, NewApplication};
use chanjiao_store::{Db, Tx, calls, organizations, users, users::sessions};
use chrono::Utc;
use rand::Rng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

const PASSWORD: &str = "Rush@Pass123";
/// Universities set up per transaction.
const BATCH: usize = 250;

struct Args {
    base: String,
    database_url: String,
    universities: usize,
    concurrency: usize,
    json: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: deadline_rush --base http://127.0.0.1:PORT --database-url sqlite:///path/chanjiao.db|postgres://… \
         [--universities 3000] [--concurrency 64] [--json]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        base: String::new(),
        database_url: String::new(),
        universities: 3000,
        concurrency: 64,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match k.as_str() {
            "--base" => a.base = val().trim_end_matches('/').to_owned(),
            "--database-url" => a.database_url = val(),
            "--universities" => a.universities = val().parse().unwrap_or_else(|_| usage()),
            "--concurrency" => a.concurrency = val().parse().unwrap_or_else(|_| usage()),
            "--json" => a.json = true,
            _ => usage(),
        }
    }
    if a.base.is_empty() || a.database_url.is_empty() || a.universities == 0 || a.concurrency == 0 {
        usage()
    }
    a
}

/// What one simulated university needs for its two requests.
struct Uni {
    app_id: i64,
    revision: i64,
    name: String,
    partners: [(i64, String); 2],
    cookie: String,
    csrf: String,
}

// ---------------------------------------------------------------------------------------------
// Setup, straight into the store.

/// USCC charset for the organisation-code part (no I, O, S, V, Z).
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid USCC, unique per (run segment, n).
fn uscc(seg: &str, n: usize) -> String {
    let prefix = format!("91320500{seg}{:07}", n % 10_000_000);
    let c = uscc_check_char(&prefix).expect("USCC charset");
    format!("{prefix}{c}")
}

fn org_draft(kind: &str, name: &str, uscc: String, srdi: Option<&str>) -> OrganizationDraft {
    OrganizationDraft {
        kind: kind.into(),
        name: name.into(),
        uscc,
        province_code: "320000".into(),
        contact_name: "联系人".into(),
        contact_phone: "0512-68601234".into(),
        contact_email: "contact@example.cn".into(),
        university_type: (kind == "university").then(|| "undergraduate".into()),
        university_nature: (kind == "university").then(|| "public".into()),
        srdi_level: srdi.map(Into::into),
        ..Default::default()
    }
}

async fn insert_org(tx: &mut Tx, d: OrganizationDraft) -> i64 {
    let o = d
        .validate()
        .unwrap_or_else(|e| panic!("invalid org {}: {e:?}", d.name));
    organizations::insert(tx, &o).await.expect("insert org").id
}

async fn insert_user(tx: &mut Tx, login: &str, hash: &str, role: Role, org_id: Option<i64>) -> i64 {
    let u = users::insert(
        tx,
        &users::NewUser {
            login: login.into(),
            name: format!("压测{login}"),
            password_hash: hash.into(),
            org_id,
            phone: Some("13911394320".into()),
            email: Some(format!("{login}@example.cn")),
        },
    )
    .await
    .expect("insert user");
    let scope_org = if role.scope() == Scope::Global {
        None
    } else {
        org_id
    };
    users::insert_grant(
        tx,
        u.id,
        &Grant {
            role,
            org_id: scope_org,
            field: None,
        },
        None,
    )
    .await
    .expect("insert grant");
    u.id
}

fn token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill(&mut b);
    hex::encode(b)
}

async fn set_up(db: &Db, n: usize) -> (i64, Vec<Uni>) {
    let mut rng = rand::rng();
    let tag: String = (0..2)
        .map(|_| USCC_CHARS[rng.random_range(10..USCC_CHARS.len())] as char)
        .collect();
    let run = format!("{}{}", tag.to_lowercase(), rng.random_range(1000..9999));
    let hash = chanjiao_server::http::auth::hash_password(PASSWORD).expect("argon2");
    let now = Utc::now();

    let mut tx = db.begin().await.expect("begin");
    let office = insert_org(
        &mut tx,
        org_draft("office", &format!("项目办公室{run}"), uscc(&tag, 0), None),
    )
    .await;
    let office_user = insert_user(
        &mut tx,
        &format!("rush{run}.office"),
        &hash,
        Role::Office,
        Some(office),
    )
    .await;
    let directions = json!([{ "code": "power_devices", "name": "功率电子器件" }, { "code": "rf_devices", "name": "射频与微波器件" }]);
    let call = calls::insert(
        &mut tx,
        &calls::CallData {
            field: "advanced_semiconductor".into(),
            title: format!("先进半导体领域专精特新产业学院建设（压测 {run}）"),
            doc_number: "CASA 联盟函【2022】019 号".into(),
            opens_at: now - chrono::Duration::days(1),
            deadline: now + chrono::Duration::days(3),
            status: "published".into(),
            contacts: json!([{ "name": "黄老师", "phone": "18122931209", "email": "csahn@china-led.net" }]).to_string(),
            postal_address: "北京市海淀区清华东路甲35号".into(),
            postal_code: "100083".into(),
            postal_recipient: "联盟秘书处".into(),
            directions: directions.to_string(),
        },
        office_user,
    )
    .await
    .expect("insert call");
    tx.commit().await.expect("commit");
    let year = chanjiao_domain::time::local(call.opens_at).format("%Y");
    let prefix = format!("SQ-{year}-");

    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let mut tx = db.begin().await.expect("begin");
        for i in start..(start + BATCH).min(n) {
            let k = i + 1;
            let name = format!("压测大学{run}-{k:05}");
            let uni = insert_org(
                &mut tx,
                org_draft("university", &name, uscc(&tag, 3 * k), None),
            )
            .await;
            let mut partners = Vec::with_capacity(2);
            for (j, level) in [(1usize, "little_giant"), (2, "provincial_srdi")] {
                let ename = format!("压测半导体企业{run}-{k:05}-{j}");
                let ent = insert_org(
                    &mut tx,
                    org_draft("enterprise", &ename, uscc(&tag, 3 * k + j), Some(level)),
                )
                .await;
                let admin = insert_user(
                    &mut tx,
                    &format!("rush{run}.e{k}.{j}"),
                    &hash,
                    Role::OrgAdmin,
                    Some(ent),
                )
                .await;
                partners.push((ent, ename, level, admin));
            }
            let user = insert_user(
                &mut tx,
                &format!("rush{run}.u{k}"),
                &hash,
                Role::OrgAdmin,
                Some(uni),
            )
            .await;
            let (tok, csrf) = (token(), token());
            sessions::insert(
                &mut tx,
                &sessions::NewSession {
                    token_hash: &hex::encode(Sha256::digest(tok.as_bytes())),
                    user_id: user,
                    csrf_token: &csrf,
                    expires_at: now + chrono::Duration::hours(12),
                    ip: Some("127.0.0.1"),
                    user_agent: Some("deadline_rush"),
                },
            )
            .await
            .expect("insert session");
            // The draft as the university left it: lead prefilled, both partners named.
            let mut form = ApplicationForm::default();
            form.lead.name = name.clone();
            form.lead.institution_type = Some("undergraduate".into());
            form.lead.nature = Some("public".into());
            form.lead.contact_name = "联系人".into();
            form.lead.contact_phone = "0512-68601234".into();
            form.lead.contact_email = "contact@example.cn".into();
            form.partners = partners
                .iter()
                .map(|(id, n, level, _)| PartnerBlock {
                    org_id: Some(*id),
                    name: n.clone(),
                    category: Some((*level).into()),
                    ..Default::default()
                })
                .collect();
            let form_json = serde_json::to_string(&form).expect("form json");
            let keys = KeyColumns {
                lead_name: name.clone(),
                institution_type: Some("undergraduate".into()),
                direction: None,
            };
            let row = apps::insert(
                &mut tx,
                &NewApplication {
                    call_id: call.id,
                    lead_org_id: uni,
                    form: &form_json,
                    schema: chanjiao_domain::applications::FORM_SCHEMA_VERSION,
                    keys: &keys,
                    number_prefix: &prefix,
                    by: user,
                },
            )
            .await
            .expect("insert application");
            let named: Vec<(i64, Option<String>)> = partners
                .iter()
                .map(|(id, _, level, _)| (*id, Some((*level).to_owned())))
                .collect();
            apps::sync_partners(&mut tx, row.id, &named)
                .await
                .expect("sync partners");
            for (ent, _, _, admin) in &partners {
                assert!(
                    apps::respond(&mut tx, row.id, *ent, "confirmed", None, *admin)
                        .await
                        .expect("respond")
                );
            }
            let mut it = partners.into_iter().map(|(id, n, _, _)| (id, n));
            out.push(Uni {
                app_id: row.id,
                revision: row.revision,
                name,
                partners: [it.next().unwrap(), it.next().unwrap()],
                cookie: format!("chanjiao_session={tok}"),
                csrf,
            });
        }
        tx.commit().await.expect("commit");
    }
    (call.id, out)
}

// ---------------------------------------------------------------------------------------------
// The timed part.

/// The complete ≈30 KB 申报书 naming the university's two partners.
fn complete_form(u: &Uni) -> Value {
    let para = |topic: &str| {
        format!("{topic}：学校围绕第三代半导体产业链，联合专精特新企业共建实训基地与联合实验室，开展订单式人才培养。").repeat(12)
    };
    let partner = |(id, name): &(i64, String), category: &str, n: usize| {
        json!({
            "org_id": id, "name": name, "uscc": "", "category": category,
            "contact": "张伟（人力资源总监）", "contact_phone": "0512-68601234",
            "contact_email": format!("hr{n}@partner.example.cn"), "profile": para("单位简介")
        })
    };
    json!({
        "lead": {
            "institution_type": "higher_vocational", "name": u.name, "nature": "public",
            "contact_name": "李娟", "contact_title": "教务处处长/教授", "contact_phone": "１３９１２３４５６７８",
            "contact_email": "lijuan@szicvc.edu.cn", "profile": para("院校简介"), "direction": "power_devices",
            "supporting_projects": ["provincial_high_level", "national_training_base"], "supporting_projects_other": "",
            "funding_sources": ["self_raised", "other"], "funding_sources_other": "地方政府专项资金"
        },
        "partners": [partner(&u.partners[0], "little_giant", 1), partner(&u.partners[1], "provincial_srdi", 2)],
        "industry_education": { "main_work": para("主要工作"), "results": para("成效经验"), "innovation": para("特色创新") },
        "goals": {
            "goals": para("建设目标"),
            "plan": {
                "management_body": para("联合管理机构"), "research_institute": para("产教融合研究院"),
                "teaching_resource_center": para("教育教学与资源中心"), "practice_training_center": para("实践与实训中心"),
                "innovation_cooperation_center": para("创新合作中心"), "smart_cloud_platform": para("智慧云平台")
            },
            "innovation": para("创新特色")
        },
        "guarantees": { "facilities": para("设施保障"), "organisation": para("组织保障"), "funding": "学校自筹800万元，地方政府配套500万元。", "other": "" },
        "commitment": { "responsible_person": "王校长", "agreed": true, "office_meeting_approved": true, "office_meeting_date": "2022-11-20" }
    })
}

#[derive(Default)]
struct Stats {
    save: Vec<Duration>,
    submit: Vec<Duration>,
    total: Vec<Duration>,
    errors: usize,
    failed_universities: usize,
    samples: Vec<String>,
    body_bytes: usize,
}

impl Stats {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.samples.len() < 5 {
            self.samples.push(what);
        }
    }
}

/// Sends one request; Ok((status, body)) with the latency, Err on transport failure.
async fn send(req: reqwest::RequestBuilder) -> (Duration, Result<(u16, String), String>) {
    let t = Instant::now();
    let r = match req.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            match r.text().await {
                Ok(body) => Ok((status, body)),
                Err(e) => Err(format!("reading body: {e}")),
            }
        }
        Err(e) => Err(format!("transport: {e}")),
    };
    (t.elapsed(), r)
}

fn short(s: &str) -> String {
    s.chars().take(300).collect()
}

async fn one_university(http: &reqwest::Client, base: &str, u: &Uni, stats: &Mutex<Stats>) {
    let body = serde_json::to_vec(&json!({ "revision": u.revision, "form": complete_form(u) }))
        .expect("body");
    let size = body.len();
    let req = |method: reqwest::Method, path: String| {
        http.request(method, format!("{base}{path}"))
            .header("Cookie", &u.cookie)
            .header("Origin", base)
            .header("X-CSRF-Token", &u.csrf)
            .header("Content-Type", "application/json")
    };
    let started = Instant::now();
    let (save_t, res) = send(
        req(
            reqwest::Method::PUT,
            format!("/api/applications/{}/form", u.app_id),
        )
        .body(body),
    )
    .await;
    let revision = match &res {
        Ok((200, b)) => serde_json::from_str::<Value>(b)
            .ok()
            .and_then(|v| v["revision"].as_i64()),
        _ => None,
    };
    let Some(revision) = revision else {
        let mut s = stats.lock().await;
        s.save.push(save_t);
        s.failed_universities += 1;
        s.error(match res {
            Ok((st, b)) => format!("PUT form app {}: {st} {}", u.app_id, short(&b)),
            Err(e) => format!("PUT form app {}: {e}", u.app_id),
        });
        return;
    };
    let (submit_t, res) = send(
        req(
            reqwest::Method::POST,
            format!("/api/applications/{}/submit", u.app_id),
        )
        .body(json!({ "revision": revision }).to_string()),
    )
    .await;
    let total = started.elapsed();
    let ok = matches!(&res, Ok((200, b)) if b.contains("\"status\":\"submitted\""));
    let mut s = stats.lock().await;
    s.save.push(save_t);
    s.submit.push(submit_t);
    s.body_bytes += size;
    if ok {
        s.total.push(total);
    } else {
        s.failed_universities += 1;
        s.error(match res {
            Ok((st, b)) => format!("POST submit app {}: {st} {}", u.app_id, short(&b)),
            Err(e) => format!("POST submit app {}: {e}", u.app_id),
        });
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

struct Summary {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
    n: usize,
}

fn summarise(v: &mut [Duration]) -> Summary {
    v.sort();
    let mean = if v.is_empty() {
        f64::NAN
    } else {
        v.iter().map(Duration::as_secs_f64).sum::<f64>() / v.len() as f64 * 1000.0
    };
    Summary {
        p50: pct(v, 50.0),
        p90: pct(v, 90.0),
        p99: pct(v, 99.0),
        max: pct(v, 100.0),
        mean,
        n: v.len(),
    }
}

impl Summary {
    fn json(&self) -> Value {
        let r = |x: f64| (x * 100.0).round() / 100.0;
        json!({ "n": self.n, "mean_ms": r(self.mean), "p50_ms": r(self.p50), "p90_ms": r(self.p90), "p99_ms": r(self.p99), "max_ms": r(self.max) })
    }
}

// ---------------------------------------------------------------------------------------------
// Verification.

async fn verify(db: &Db, call_id: i64) -> (i64, i64, i64) {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM applications WHERE call_id = $1) AS total, \
        (SELECT COUNT(*) FROM applications a WHERE a.call_id = $1 AND a.status = 'submitted' \
            AND a.submitted_version = 1 \
            AND (SELECT COUNT(*) FROM application_versions v WHERE v.application_id = a.id) = 1) AS ok, \
        (SELECT COUNT(*) FROM application_versions v JOIN applications a ON a.id = v.application_id \
            WHERE a.call_id = $1) AS versions";
    let row: (i64, i64, i64) =
        chanjiao_store::on_db!(db, |p| sqlx::query_as(sql).bind(call_id).fetch_one(p).await)
            .expect("verification query");
    row
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let db = Db::connect(&args.database_url)
        .await
        .unwrap_or_else(|e| panic!("connecting {}: {e}", args.database_url));
    db.migrate().await.expect("migrate");
    let backend = db.backend();

    let t = Instant::now();
    let (call_id, unis) = set_up(&db, args.universities).await;
    let setup_s = t.elapsed().as_secs_f64();
    eprintln!(
        "[{backend}] setup: call {call_id}, {} universities, {} enterprises, {} sessions in {setup_s:.1} s (not timed)",
        unis.len(),
        2 * unis.len(),
        unis.len()
    );

    // The server must be up and answering before the clock starts.
    let probe = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let ready = format!("{}/readyz", args.base);
    let mut up = false;
    for _ in 0..100 {
        if probe
            .get(&ready)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !up {
        eprintln!("server at {} is not ready", args.base);
        std::process::exit(1);
    }

    let unis = Arc::new(unis);
    let next = Arc::new(AtomicUsize::new(0));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let base = Arc::new(args.base.clone());
    let started = Instant::now();
    let mut workers = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let (unis, next, stats, base) = (unis.clone(), next.clone(), stats.clone(), base.clone());
        // One keep-alive client per simulated browser.
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(u) = unis.get(i) else { break };
                one_university(&http, &base, u, &stats).await;
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    let wall = started.elapsed().as_secs_f64();

    let mut s = std::mem::take(&mut *stats.lock().await);
    let requests = s.save.len() + s.submit.len();
    let save = summarise(&mut s.save);
    let submit = summarise(&mut s.submit);
    let total = summarise(&mut s.total);
    let ok_unis = total.n;

    let (apps_total, apps_ok, versions) = verify(&db, call_id).await;
    let audit = chanjiao_store::audit::verify(&db)
        .await
        .expect("audit verify");
    let verified = apps_total == args.universities as i64
        && apps_ok == args.universities as i64
        && versions == args.universities as i64;

    println!();
    println!(
        "Deadline rush — {backend}: {} universities × (PUT form ≈{:.1} KB + POST submit), {} concurrent clients, loopback",
        args.universities,
        s.body_bytes as f64 / ok_unis.max(1) as f64 / 1024.0,
        args.concurrency
    );
    println!(
        "wall {wall:.2} s   throughput {:.1} universities/s, {:.1} requests/s   errors {} ({} universities failed)",
        ok_unis as f64 / wall,
        requests as f64 / wall,
        s.errors,
        s.failed_universities
    );
    println!(
        "{:<22} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "n", "mean", "p50", "p90", "p99", "max"
    );
    for (name, x) in [
        ("PUT  …/form (save)", &save),
        ("POST …/submit", &submit),
        ("per university", &total),
    ] {
        println!(
            "{name:<22} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            x.n, x.mean, x.p50, x.p90, x.p99, x.max
        );
    }
    for e in &s.samples {
        println!("  error: {e}");
    }
    println!(
        "verify: {apps_ok}/{apps_total} applications submitted with exactly one version ({versions} versions); audit chain {} ({} events) — {}",
        if audit.ok { "intact" } else { "BROKEN" },
        audit.checked,
        if verified && audit.ok {
            "OK"
        } else {
            "MISMATCH"
        }
    );
    if args.json {
        let r = |x: f64| (x * 1000.0).round() / 1000.0;
        println!(
            "{}",
            json!({
                "bench": "deadline_rush", "backend": backend, "universities": args.universities,
                "concurrency": args.concurrency, "setup_s": r(setup_s), "wall_s": r(wall),
                "universities_per_s": r(ok_unis as f64 / wall), "requests_per_s": r(requests as f64 / wall),
                "save": save.json(), "submit": submit.json(), "total": total.json(),
                "errors": s.errors, "failed_universities": s.failed_universities, "error_samples": s.samples,
                "verified_submitted": apps_ok, "versions": versions, "audit_ok": audit.ok,
                "at": Utc::now().to_rfc3339(),
            })
        );
    }
    db.close().await;
    if s.errors > 0 || !verified || !audit.ok {
        std::process::exit(1);
    }
}
