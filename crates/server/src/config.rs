//! Settings: built-in defaults < `chanjiao.toml` (in the data directory, or `--config`) <
//! `CHANJIAO__*` environment variables (`CHANJIAO__DATABASE__URL`, `CHANJIAO__SESSION__IDLE_MINUTES`…)
//! < command-line flags. The defaults alone give a working embedded server.

use std::path::{Path, PathBuf};

use chanjiao_domain::users::password::PasswordPolicy;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The example configuration, with every default spelled out.
pub const EXAMPLE_CONFIG: &str = include_str!("../chanjiao.example.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on.
    pub addr: String,
    /// Where the embedded database and files live.
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub session: SessionSettings,
    pub login: LoginSettings,
    pub password: PasswordPolicy,
    pub http: HttpSettings,
    pub mail: MailSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `postgres://…` for PostgreSQL; empty for the embedded SQLite database.
    pub url: Option<String>,
    /// Most connections the server opens to PostgreSQL (default: [`default_pg_connections`]).
    pub max_connections: Option<u32>,
}

/// Twice the cores this process may use, at least 4. A pool much larger than the cores only
/// adds contention: on the 2-core deadline-rush machine 32 connections gave p99 ≈ 2–3× p50 and
/// less throughput than 4–8 (bench/README.md). Set `database.max_connections` when
/// PostgreSQL runs on a bigger machine of its own.
pub fn default_pg_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
    (2 * cores).max(4)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginSettings {
    pub max_failures: i32,
    pub lockout_minutes: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Mark cookies Secure and use the `__Host-` prefix. Turn on when served over TLS.
    pub secure_cookies: bool,
    /// The public origin (`https://chanjiao.example.cn`) when behind a proxy; state-changing
    /// requests must come from it. Empty: the request's own Host.
    pub public_origin: Option<String>,
}

/// Outgoing e-mail. Without `smtp_host` nothing is sent: messages stay in the outbox, where the
/// programme office sees them.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// The SMTP server (`smtp.example.cn`); empty: no delivery.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `"none"` (plain SMTP), `"starttls"` (upgrade required, usually port 587) or `"tls"`
    /// (implicit TLS, usually port 465). Certificates are checked against the system's roots.
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender address; the display name is always 专精特新产业学院平台.
    pub from: String,
    /// How often the outbox is polled.
    pub poll_seconds: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: 25,
            tls: "none".into(),
            username: None,
            password: None,
            from: "noreply@chanjiao.local".into(),
            poll_seconds: 5,
        }
    }
}

/// Never prints the password (settings may be logged).
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("poll_seconds", &self.poll_seconds)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database: DatabaseSettings::default(),
            session: SessionSettings::default(),
            login: LoginSettings::default(),
            password: PasswordPolicy::default(),
            http: HttpSettings::default(),
            mail: MailSettings::default(),
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 12,
        }
    }
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout_minutes: 15,
        }
    }
}

/// Overrides from the command line; `None` leaves the layer below in force.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads the layers. `config` is an explicit file; otherwise `<data_dir>/chanjiao.toml` is
    /// read if it exists.
    pub fn load(config: Option<&Path>, o: &Overrides) -> Result<Settings, Box<figment::Error>> {
        let env = || Env::prefixed("CHANJIAO__").split("__").lowercase(true);
        // The data dir decides where the default config file is, so resolve it first.
        let data_dir: PathBuf = match &o.data_dir {
            Some(d) => d.clone(),
            None => Figment::from(Serialized::defaults(Settings::default()))
                .merge(env())
                .extract_inner("data_dir")
                .unwrap_or_else(|_| PathBuf::from("./data")),
        };
        let file = config
            .map(Path::to_path_buf)
            .unwrap_or_else(|| data_dir.join("chanjiao.toml"));
        let mut fig = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(env());
        if let Some(a) = &o.addr {
            fig = fig.merge(("addr", a));
        }
        if let Some(d) = &o.data_dir {
            fig = fig.merge(("data_dir", d));
        }
        if let Some(u) = &o.database_url {
            fig = fig.merge(("database.url", u));
        }
        let mut s: Settings = fig.extract().map_err(Box::new)?;
        if s.database
            .url
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            s.database.url = None;
        }
        if s.mail
            .smtp_host
            .as_deref()
            .is_some_and(|h| h.trim().is_empty())
        {
            s.mail.smtp_host = None;
        }
        Ok(s)
    }

    /// Opens the configured database (creating the data directory for SQLite) and migrates it.
    pub async fn open_db(
        &self,
    ) -> Result<chanjiao_store::Db, Box<dyn std::error::Error + Send + Sync>> {
        let db = match &self.database.url {
            Some(url) => {
                let max = self
                    .database
                    .max_connections
                    .unwrap_or_else(default_pg_connections);
                chanjiao_store::Db::connect_with(url, max).await?
            }
            None => {
                std::fs::create_dir_all(&self.data_dir)?;
                chanjiao_store::Db::open_sqlite(&self.data_dir.join("chanjiao.db")).await?
            }
        };
        db.migrate().await?;
        Ok(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_defaults_and_file_overrides() {
        let d = Settings::default().mail;
        assert_eq!(d.smtp_host, None);
        assert_eq!(d.smtp_port, 25);
        assert_eq!(d.tls, "none");
        assert_eq!(d.from, "noreply@chanjiao.local");
        assert_eq!(d.poll_seconds, 5);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[mail]\nsmtp_host = \"smtp.example.cn\"\nsmtp_port = 465\ntls = \"tls\"\n\
             username = \"u\"\npassword = \"secret\"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(s.mail.smtp_host.as_deref(), Some("smtp.example.cn"));
        assert_eq!(s.mail.smtp_port, 465);
        assert_eq!(s.mail.tls, "tls");
        assert_eq!(s.mail.from, "noreply@chanjiao.local");
        assert!(!format!("{:?}", s.mail).contains("secret"));

        std::fs::write(&file, "[mail]\nsmtp_host = \"  \"\n").unwrap();
        let s = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(s.mail.smtp_host, None);
    }

    #[test]
    fn database_pool_size_is_optional() {
        assert_eq!(Settings::default().database.max_connections, None);
        assert!(default_pg_connections() >= 4);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[database]\nmax_connections = 8\n").unwrap();
        let s = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(s.database.max_connections, Some(8));
    }
}
