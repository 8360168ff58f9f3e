//! Test harness: a real server on 127.0.0.1:0 over a fresh database — a temporary SQLite file,
//! or a freshly created PostgreSQL database when `TEST_DATABASE_URL` is set — driven over HTTP
//! by cookie-keeping clients, like a browser.
#![allow(dead_code)]

use std::net::SocketAddr;

use chanjiao_domain::organizations::OrganizationDraft;
use chanjiao_domain::users::role::{Grant, Role};
use chanjiao_domain::validate::uscc_check_char;
use chanjiao_server::{AppState, Settings};
use chanjiao_store::{Db, organizations, users};
use serde_json::{Value, json};

pub mod programme;

pub const PASSWORD: &str = "Test@Pass123";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub db: Db,
    pub base: String,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Runs a test body against SQLite and (when configured) PostgreSQL, as two tests named
/// `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::TestApp::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::common::TestApp::postgres().await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

/// The PostgreSQL server to test against. Unset: the PostgreSQL suite is skipped (and says so);
/// set but unreachable: the test fails — CI sets it, so PostgreSQL is never silently skipped.
pub fn pg_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

fn random_suffix() -> String {
    use rand::RngCore;
    let mut b = [0u8; 6];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(Settings::default()).await
    }

    pub async fn sqlite_with(settings: Settings) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open_sqlite(&dir.path().join("test.db"))
            .await
            .expect("open sqlite");
        Self::start(db, settings, Some(dir), None).await
    }

    pub async fn postgres() -> Option<TestApp> {
        Self::postgres_with(Settings::default()).await
    }

    pub async fn postgres_with(settings: Settings) -> Option<TestApp> {
        let Some(url) = pg_url() else {
            eprintln!("TEST_DATABASE_URL is not set: PostgreSQL suite not run");
            return None;
        };
        let name = format!("chanjiao_t_{}", random_suffix());
        let admin = sqlx::PgPool::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL={url} is not reachable: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let test_url = with_database(&url, &name);
        let db = Db::connect(&test_url).await.expect("connect test database");
        Some(Self::start(db, settings, None, Some((url, name))).await)
    }

    async fn start(
        db: Db,
        mut settings: Settings,
        dir: Option<tempfile::TempDir>,
        pg_cleanup: Option<(String, String)>,
    ) -> TestApp {
        db.migrate().await.expect("migrate");
        if let Some(d) = &dir {
            settings.data_dir = d.path().to_path_buf();
        } else {
            settings.data_dir =
                std::env::temp_dir().join(format!("chanjiao-test-files-{}", random_suffix()));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(db.clone(), settings);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(chanjiao_server::serve_on(
            listener,
            state.clone(),
            async move {
                let _ = rx.await;
            },
        ));
        TestApp {
            addr,
            state,
            db,
            base: format!("http://{addr}"),
            _dir: dir,
            pg_cleanup,
            shutdown: Some(tx),
        }
    }

    /// A new browser-like client with its own cookie jar.
    pub fn client(&self) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            base: self.base.clone(),
            csrf: None,
        }
    }

    /// A client logged in as `login` (password [`PASSWORD`]).
    pub async fn login(&self, login: &str) -> Client {
        let mut c = self.client();
        let r = c.login(login, PASSWORD).await;
        assert_eq!(r.status, 200, "login {login}: {}", r.body);
        c
    }

    /// Creates an organisation directly in the store. `n` makes its USCC unique.
    pub async fn org(&self, kind: &str, name: &str, n: u32) -> i64 {
        let draft = org_draft(kind, name, n);
        let org = draft.validate().expect("valid test org");
        let mut tx = self.db.begin().await.unwrap();
        let row = organizations::insert(&mut tx, &org).await.unwrap();
        tx.commit().await.unwrap();
        row.id
    }

    /// Creates an account with password [`PASSWORD`] and the given role.
    pub async fn user(&self, login: &str, role: Role, org_id: Option<i64>) -> i64 {
        let hash = chanjiao_server::http::auth::hash_password(PASSWORD).unwrap();
        let mut tx = self.db.begin().await.unwrap();
        let u = users::insert(
            &mut tx,
            &users::NewUser {
                login: login.into(),
                name: format!("测试用户{login}"),
                password_hash: hash,
                org_id,
                phone: Some("13911394320".into()),
                email: Some(format!("{login}@example.cn")),
            },
        )
        .await
        .unwrap();
        let field = (role == Role::FieldOrganiser).then(|| "advanced_semiconductor".to_owned());
        let scope_org = if role.scope() == chanjiao_domain::users::role::Scope::Global {
            None
        } else {
            org_id
        };
        users::insert_grant(
            &mut tx,
            u.id,
            &Grant {
                role,
                org_id: scope_org,
                field,
            },
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        u.id
    }

    /// Audit events with this action, newest first.
    pub async fn audit_actions(&self, action: &str) -> Vec<chanjiao_store::audit::Event> {
        let f = chanjiao_store::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        };
        chanjiao_store::audit::list(
            &self.db,
            &f,
            chanjiao_store::Paging::new(Some(1), Some(200)),
        )
        .await
        .unwrap()
        .items
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some((url, name)) = self.pg_cleanup.take() {
            let db = self.db.clone();
            // Best effort, off the test's runtime: close our pool, then drop the database.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    db.close().await;
                    if let Ok(admin) = sqlx::PgPool::connect(&url).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&admin).await;
                    }
                });
            })
            .join();
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// A valid USCC, distinct per `n`.
pub fn uscc(n: u32) -> String {
    let prefix = format!("91320500MA{:07}", n % 10_000_000);
    let c = uscc_check_char(&prefix).expect("charset");
    format!("{prefix}{c}")
}

pub fn org_draft(kind: &str, name: &str, n: u32) -> OrganizationDraft {
    OrganizationDraft {
        kind: kind.into(),
        name: name.into(),
        uscc: uscc(n),
        province_code: "320000".into(),
        contact_name: "联系人".into(),
        contact_phone: "0512-68601234".into(),
        contact_email: "contact@example.cn".into(),
        university_type: (kind == "university").then(|| "undergraduate".into()),
        university_nature: (kind == "university").then(|| "public".into()),
        srdi_level: (kind == "enterprise").then(|| "little_giant".into()),
        field: (kind == "alliance").then(|| "advanced_semiconductor".into()),
        ..Default::default()
    }
}

/// The JSON body of a valid organisation.
pub fn org_json(kind: &str, name: &str, n: u32) -> Value {
    let d = org_draft(kind, name, n);
    json!({
        "kind": d.kind, "name": d.name, "uscc": d.uscc, "province_code": d.province_code,
        "city": null, "address": null, "postal_code": null,
        "contact_name": d.contact_name, "contact_phone": d.contact_phone, "contact_email": d.contact_email,
        "university_type": d.university_type, "university_nature": d.university_nature,
        "srdi_level": d.srdi_level, "field": d.field,
    })
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
}

#[derive(Debug)]
pub struct Res {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Res {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    /// The (field, code) pairs of a validation error.
    pub fn fields(&self) -> Vec<(String, String)> {
        self.body["error"]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (
                            f["field"].as_str().unwrap_or("").to_owned(),
                            f["code"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Client {
    async fn send(&self, req: reqwest::RequestBuilder) -> Res {
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Res {
            status,
            body,
            headers,
        }
    }

    /// Fetches the session probe, keeping its CSRF token.
    pub async fn session(&mut self) -> Res {
        let r = self
            .send(self.http.get(format!("{}/api/auth/session", self.base)))
            .await;
        if let Some(t) = r.body["csrf_token"].as_str() {
            self.csrf = Some(t.to_owned());
        }
        r
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Res {
        if self.csrf.is_none() {
            self.session().await;
        }
        let r = self
            .post(
                "/api/auth/login",
                json!({ "login": login, "password": password }),
            )
            .await;
        if let Some(t) = r.body["csrf_token"].as_str() {
            self.csrf = Some(t.to_owned());
        }
        r
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    fn unsafe_req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Origin", &self.base);
        if let Some(t) = &self.csrf {
            req = req.header("X-CSRF-Token", t);
        }
        req
    }

    pub async fn post(&self, path: &str, body: Value) -> Res {
        self.send(self.unsafe_req(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Res {
        self.send(self.unsafe_req(reqwest::Method::PUT, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Res {
        self.send(self.unsafe_req(reqwest::Method::DELETE, path))
            .await
    }

    /// Uploads `bytes` as a multipart `file` named `name`, with `kind`.
    pub async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>, kind: &str) -> Res {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new()
            .part("file", part)
            .text("kind", kind.to_owned());
        self.send(self.unsafe_req(reqwest::Method::POST, path).multipart(form))
            .await
    }

    /// Raw GET returning status, headers and bytes (downloads).
    pub async fn get_bytes(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (
            status,
            headers,
            r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        )
    }

    pub async fn request(&self, method: &str, path: &str, body: Option<Value>) -> Res {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        if m == reqwest::Method::GET {
            return self.get(path).await;
        }
        let req = self.unsafe_req(m, path);
        self.send(match body {
            Some(b) => req.json(&b),
            None => req,
        })
        .await
    }
}
