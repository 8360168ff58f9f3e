//! The `chanjiao` binary on SQLite and PostgreSQL: `audit verify` detects every edit, deletion and
//! reordering of audit rows (the tampering bypasses the append-only triggers the way an attacker
//! with database access would); `admin create-user` keeps the three admins apart; `admin init`
//! creates the programme office of an empty installation, once; `export application` prints the
//! 申报书.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sqlx::Executor;

struct Target {
    args: Vec<String>,
    url: String,
    _dir: tempfile::TempDir,
}

fn chanjiao(t: &Target, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chanjiao"));
    cmd.args(&t.args)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.env("CHANJIAO_LOG", "warn");
    let mut child = cmd.spawn().expect("run chanjiao");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

/// A fresh SQLite data dir, or a fresh PostgreSQL database (None when TEST_DATABASE_URL is unset).
async fn target(pg: bool) -> Option<Target> {
    let dir = tempfile::tempdir().unwrap();
    if !pg {
        let url = format!("sqlite://{}", dir.path().join("chanjiao.db").display());
        let args = vec!["--data-dir".into(), dir.path().display().to_string()];
        return Some(Target {
            args,
            url,
            _dir: dir,
        });
    }
    let Some(base) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("TEST_DATABASE_URL is not set: PostgreSQL suite not run");
        return None;
    };
    let mut b = [0u8; 6];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
    let name = format!("chanjiao_cli_{}", hex::encode(b));
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("TEST_DATABASE_URL reachable");
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let root = &base[..base.rfind('/').unwrap()];
    let url = format!("{root}/{name}");
    let args = vec![
        "--data-dir".into(),
        dir.path().display().to_string(),
        "--database-url".into(),
        url.clone(),
    ];
    Some(Target {
        args,
        url,
        _dir: dir,
    })
}

/// Writes a few audit events through the CLI.
fn populate(t: &Target) {
    for (i, role) in ["office", "expert", "expert", "audit_admin"]
        .iter()
        .enumerate()
    {
        let login = format!("user{i}");
        let mut args = vec![
            "admin",
            "create-user",
            "--login",
            &login,
            "--name",
            "测试",
            "--role",
            role,
            "--password-stdin",
        ];
        let org;
        if *role == "office" {
            // An office account needs an organisation: use the demo's.
            let o = chanjiao(t, &["demo"], None);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            org = "1".to_owned();
            args.extend(["--org", &org]);
        }
        let o = chanjiao(t, &args, Some("Audit@Test2026\n"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

async fn exec(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await?;
        let r = pool
            .execute(sqlx::AssertSqlSafe(sql.to_owned()))
            .await
            .map(|_| ());
        pool.close().await;
        r
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        let r = pool
            .execute(sqlx::AssertSqlSafe(sql.to_owned()))
            .await
            .map(|_| ());
        pool.close().await;
        r
    }
}

async fn disable_guards(t: &Target) {
    if t.url.starts_with("sqlite://") {
        exec(
            &t.url,
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete",
        )
        .await
        .unwrap();
    } else {
        exec(&t.url, "ALTER TABLE audit_events DISABLE TRIGGER USER")
            .await
            .unwrap();
    }
}

fn verify(t: &Target) -> (bool, String) {
    let o = chanjiao(t, &["audit", "verify"], None);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

async fn scenario(pg: bool, tamper: &str, bad_id: i64) {
    let Some(t) = target(pg).await else { return };
    populate(&t);
    let (ok, out) = verify(&t);
    assert!(ok, "intact log verifies: {out}");
    // The database itself refuses to change audit rows.
    assert!(
        exec(&t.url, "UPDATE audit_events SET result = 'x' WHERE id = 2")
            .await
            .is_err()
    );
    assert!(
        exec(&t.url, "DELETE FROM audit_events WHERE id = 2")
            .await
            .is_err()
    );
    disable_guards(&t).await;
    exec(&t.url, tamper).await.unwrap();
    let (ok, out) = verify(&t);
    assert!(!ok, "tampering ({tamper}) must be detected: {out}");
    assert!(
        out.contains(&format!("BROKEN at event {bad_id}")),
        "{tamper}: {out}"
    );
}

const EDIT: &str = "UPDATE audit_events SET actor_login = 'mallory' WHERE id = 3";
const DELETE: &str = "DELETE FROM audit_events WHERE id = 3";
const DELETE_LAST: &str = "DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)";
const REORDER: &str = "UPDATE audit_events SET id = -1 WHERE id = 2; UPDATE audit_events SET id = 2 WHERE id = 3; \
                       UPDATE audit_events SET id = 3 WHERE id = -1";

#[tokio::test]
async fn edit_is_detected_sqlite() {
    scenario(false, EDIT, 3).await;
}
#[tokio::test]
async fn delete_is_detected_sqlite() {
    scenario(false, DELETE, 3).await;
}
#[tokio::test]
async fn truncating_the_tail_is_detected_sqlite() {
    scenario(false, DELETE_LAST, 9).await;
}
#[tokio::test]
async fn reorder_is_detected_sqlite() {
    scenario(false, REORDER, 2).await;
}
#[tokio::test]
async fn edit_is_detected_postgres() {
    scenario(true, EDIT, 3).await;
}
#[tokio::test]
async fn delete_is_detected_postgres() {
    scenario(true, DELETE, 3).await;
}
#[tokio::test]
async fn truncating_the_tail_is_detected_postgres() {
    scenario(true, DELETE_LAST, 9).await;
}
#[tokio::test]
async fn reorder_is_detected_postgres() {
    scenario(true, REORDER, 2).await;
}

#[tokio::test]
async fn create_user_enforces_the_separation_of_the_three_admins() {
    let t = target(false).await.unwrap();
    let o = chanjiao(
        &t,
        &[
            "admin",
            "create-user",
            "--login",
            "root1",
            "--name",
            "管理员",
            "--role",
            "sys_admin",
            "--password-stdin",
        ],
        Some("Admin@Pass2026"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = chanjiao(
        &t,
        &[
            "admin",
            "grant-role",
            "--login",
            "root1",
            "--role",
            "audit_admin",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("三员分立"));
    let o = chanjiao(
        &t,
        &[
            "admin",
            "create-user",
            "--login",
            "weak1",
            "--name",
            "弱",
            "--role",
            "expert",
            "--password-stdin",
        ],
        Some("password"),
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("password"));
}

#[tokio::test]
async fn database_url_comes_from_flag_or_environment_postgres() {
    let Some(t) = target(true).await else { return };
    let data_dir = t.args[1].clone();
    let o = Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .args(["--data-dir", &data_dir, "migrate"])
        .env("CHANJIAO__DATABASE__URL", &t.url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("postgres"));
    let o = chanjiao(&t, &["migrate"], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("postgres"));
}

#[tokio::test]
async fn without_configuration_the_embedded_database_is_created_in_the_data_dir() {
    let t = target(false).await.unwrap();
    let o = chanjiao(&t, &["migrate"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("sqlite"));
    assert!(
        std::path::Path::new(&t.args[1])
            .join("chanjiao.db")
            .exists()
    );
}

/// The id and number of the demo's first application.
async fn first_application(url: &str) -> (i64, String) {
    const SQL: &str = "SELECT id, number FROM applications ORDER BY id LIMIT 1";
    if url.starts_with("sqlite://") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let row = sqlx::query_as(SQL).fetch_one(&pool).await.unwrap();
        pool.close().await;
        row
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let row = sqlx::query_as(SQL).fetch_one(&pool).await.unwrap();
        pool.close().await;
        row
    }
}

/// `chanjiao export application <id> [--format F] --out FILE`.
fn export(t: &Target, id: &str, format: Option<&str>, out: &std::path::Path) -> Output {
    let mut args = vec!["export", "application", id];
    if let Some(f) = format {
        args.extend(["--format", f]);
    }
    args.extend(["--out", out.to_str().unwrap()]);
    chanjiao(t, &args, None)
}

/// `chanjiao export application <id> --format pdf|docx --out FILE` writes the printed 申报书
/// of the latest submitted version; an unknown id or format is refused with a message.
async fn export_scenario(pg: bool) {
    let Some(t) = target(pg).await else { return };
    let o = chanjiao(&t, &["demo"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (id, number) = first_application(&t.url).await;
    let dir = tempfile::tempdir().unwrap();
    let id = id.to_string();

    let pdf = dir.path().join("申报书.pdf");
    let o = export(&t, &id, Some("pdf"), &pdf);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let text = Command::new("pdftotext")
        .args(["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) installed");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for want in ["牵头申报院校情况", "牵头申报单位承诺意见", number.as_str()] {
        assert!(text.contains(want), "the PDF names {want}: {text}");
    }

    let docx = dir.path().join("申报书.docx");
    let o = export(&t, &id, Some("docx"), &docx);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"), "a zip");

    let out = dir.path().join("x.pdf");
    let o = export(&t, "999999", None, &out);
    assert!(!o.status.success());
    assert!(!out.exists(), "nothing written for an unknown application");
    let o = export(&t, &id, Some("odt"), &out);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--format must be pdf or docx"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[tokio::test]
async fn export_application_prints_pdf_and_docx_sqlite() {
    export_scenario(false).await;
}
#[tokio::test]
async fn export_application_prints_pdf_and_docx_postgres() {
    export_scenario(true).await;
}

/// A valid 统一社会信用代码 (both check characters, GB 32100 and GB 11714) for `admin init`.
const OFFICE_USCC: &str = "12100000MB0C12344B";
const OFFICE_PASSWORD: &str = "Centre@First2026";

/// `chanjiao admin init …` with the office's flags; `uscc` and `login` vary.
fn init(t: &Target, uscc: &str, login: &str) -> Output {
    chanjiao(
        t,
        &[
            "admin",
            "init",
            "--org-name",
            "工业和信息化部中小企业发展促进中心",
            "--uscc",
            uscc,
            "--province",
            "110000",
            "--contact-phone",
            "010-82292097",
            "--contact-email",
            "office@example.cn",
            "--login",
            login,
            "--name",
            "陈琛",
            "--password-stdin",
        ],
        Some(&format!("{OFFICE_PASSWORD}\n")),
    )
}

/// Row counts of the tables `admin init` writes: organisations, users, grants, audit events.
async fn counts(db: &chanjiao_store::Db) -> Vec<i64> {
    let mut out = Vec::new();
    for table in ["organizations", "users", "role_grants", "audit_events"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = match db {
            chanjiao_store::Db::Sqlite(s) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&s.pool)
                .await
                .unwrap(),
            chanjiao_store::Db::Pg(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
                .unwrap(),
        };
        out.push(n);
    }
    out
}

/// From an empty data directory: `admin init` creates the programme office and its first
/// account in one go, the account can log in as office, the audit chain verifies; a second run
/// and a bad USCC are refused and change nothing.
async fn init_scenario(pg: bool) {
    let Some(t) = target(pg).await else { return };
    // A bad check character is refused naming the flag, before anything is written.
    let o = init(&t, "12100000MB0C12345X", "center");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--uscc"), "{err}");

    let o = init(&t, OFFICE_USCC, "center");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let db = chanjiao_store::Db::connect(&t.url).await.unwrap();
    let org = chanjiao_store::organizations::find_by_uscc(&db, OFFICE_USCC)
        .await
        .unwrap()
        .expect("the office organisation exists");
    assert_eq!(org.kind, "office");
    assert_eq!(org.name, "工业和信息化部中小企业发展促进中心");
    assert_eq!(org.contact_name, "陈琛", "the contact defaults to --name");
    let user = chanjiao_store::users::find_by_login(&db, "center")
        .await
        .unwrap()
        .expect("the office account exists");
    assert_eq!(user.org_id, Some(org.id));
    assert!(!user.disabled);
    assert!(chanjiao_server::http::auth::verify_password(
        OFFICE_PASSWORD,
        &user.password_hash
    ));
    let grants = chanjiao_store::users::grants_of(&db, user.id)
        .await
        .unwrap();
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert_eq!(grants[0].role, "office");
    assert_eq!(grants[0].org_id, Some(org.id));

    let (ok, out) = verify(&t);
    assert!(ok, "{out}");
    assert!(
        out.contains("3 events verified"),
        "org, account, grant: {out}"
    );

    // Twice: refused, nothing changes (not even with another code and login).
    let before = counts(&db).await;
    for (uscc, login) in [(OFFICE_USCC, "center"), ("91110000MA0012358N", "center2")] {
        let o = init(&t, uscc, login);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("already initialised"), "{err}");
    }
    assert_eq!(counts(&db).await, before);
    assert!(
        chanjiao_store::users::find_by_login(&db, "center2")
            .await
            .unwrap()
            .is_none()
    );
    let (ok, out) = verify(&t);
    assert!(ok, "{out}");
    db.close().await;

    // Then the three separated administrators, with create-user as the README says.
    for (login, role) in [
        ("sysadmin", "sys_admin"),
        ("secadmin", "security_admin"),
        ("auditor", "audit_admin"),
    ] {
        let o = chanjiao(
            &t,
            &[
                "admin",
                "create-user",
                "--login",
                login,
                "--name",
                "管理员",
                "--role",
                role,
                "--password-stdin",
            ],
            Some("Separate@Admin2026"),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (ok, out) = verify(&t);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn admin_init_creates_the_office_once_sqlite() {
    init_scenario(false).await;
}
#[tokio::test]
async fn admin_init_creates_the_office_once_postgres() {
    init_scenario(true).await;
}
