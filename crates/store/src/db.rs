//! The database handle: SQLite or PostgreSQL behind one enum, and the macros that run one body
//! of generic sqlx code against whichever backend is in use.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};

use crate::error::Result;

/// The current time, truncated to microseconds (PostgreSQL's precision), so a value read back
/// equals the value written on both backends — the audit chain depends on it.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A connection pool to the platform's database.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Pg(PgPool),
}

/// SQLite: the pool, and the in-process writer with group commit.
///
/// SQLite has one writer at a time, and in WAL mode with `synchronous=FULL` every COMMIT waits
/// for an fsync (≈2 ms here), which caps a busy server at a few hundred commits a second; and a
/// second `BEGIN IMMEDIATE` fails with SQLITE_BUSY and sleeps in the busy handler. So writers of
/// this process queue FIFO on one async mutex and share one connection, and their transactions
/// are savepoints inside a *group* transaction: [`Tx::commit`] releases its savepoint, lets the
/// writers queued behind it add theirs, then commits the whole group with one fsync — and
/// returns only once that COMMIT has succeeded (nothing is acknowledged before it is durable; if
/// the group's COMMIT fails, every member's commit fails). The busy timeout only arbitrates with
/// other processes (the CLI).
#[derive(Clone)]
pub struct SqliteDb {
    pub pool: SqlitePool,
    writer: Arc<tokio::sync::Mutex<Writer>>,
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb")
            .field("pool", &self.pool)
            .finish()
    }
}

/// The state of the group transaction, behind the writer mutex.
#[derive(Default)]
struct Writer {
    conn: Option<PoolConnection<Sqlite>>,
    /// The epoch of the open group transaction, 0 when none is open.
    open: u64,
    last_epoch: u64,
    /// Every group up to this epoch has ended (committed or failed).
    settled: u64,
    /// Members of the open group that released their savepoint and wait for its COMMIT.
    waiting: usize,
    /// A member was dropped without committing: its savepoint must be rolled back first.
    rollback_pending: bool,
    /// Recent groups whose COMMIT failed, with the error.
    failed: Vec<(u64, String)>,
}

impl Writer {
    fn conn(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("the writer's connection")
    }

    async fn exec(&mut self, sql: &'static str) -> std::result::Result<(), sqlx::Error> {
        sqlx::raw_sql(sql).execute(self.conn()).await.map(|_| ())
    }

    /// Ends the open group as failed: rolls it back and records why for its members.
    async fn fail_group(&mut self, why: String) {
        if self.open != 0 {
            let _ = self.exec("ROLLBACK").await;
            self.failed.push((self.open, why));
            if self.failed.len() > 64 {
                self.failed.remove(0);
            }
            self.settled = self.open;
            self.open = 0;
            self.waiting = 0;
        }
    }

    /// Undoes the savepoint of a member that left without committing, and ends an open group
    /// that nobody waits for (so the write lock is not held idle).
    async fn tidy(&mut self) {
        if self.rollback_pending {
            self.rollback_pending = false;
            if let Err(e) = self.exec("ROLLBACK TO member; RELEASE member").await {
                self.fail_group(format!("rolling back a member: {e}")).await;
            }
        }
        if self.open != 0 && self.waiting == 0 {
            // Nothing released in it: end it without writing anything.
            let _ = self.exec("ROLLBACK").await;
            self.settled = self.open;
            self.open = 0;
        }
    }
}

/// A SQLite transaction: a savepoint in the group transaction, holding the writer's turn.
pub struct SqliteTx {
    writer: Arc<tokio::sync::Mutex<Writer>>,
    guard: Option<tokio::sync::OwnedMutexGuard<Writer>>,
    epoch: u64,
}

impl SqliteTx {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        self.guard.as_mut().expect("an open transaction").conn()
    }

    async fn commit(mut self) -> Result<()> {
        let mut g = self.guard.take().expect("an open transaction");
        let epoch = self.epoch;
        if let Err(e) = g.exec("RELEASE member").await {
            g.rollback_pending = true;
            g.tidy().await;
            return Err(e.into());
        }
        g.waiting += 1;
        drop(g);
        // FIFO: by the time the writer's turn comes back, every writer queued before has added
        // its savepoint to the group; the first member back commits them all at once.
        let mut g = self.writer.clone().lock_owned().await;
        if g.rollback_pending {
            g.rollback_pending = false;
            if let Err(e) = g.exec("ROLLBACK TO member; RELEASE member").await {
                g.fail_group(format!("rolling back a member: {e}")).await;
            }
        }
        if g.settled < epoch && g.open == epoch {
            match g.exec("COMMIT").await {
                Ok(()) => {
                    g.settled = epoch;
                    g.open = 0;
                    g.waiting = 0;
                }
                Err(e) => g.fail_group(e.to_string()).await,
            }
        }
        match g.failed.iter().find(|(e, _)| *e == epoch) {
            Some((_, why)) => {
                Err(sqlx::Error::Protocol(format!("group commit failed: {why}")).into())
            }
            None => Ok(()),
        }
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        // Dropped without commit: roll its savepoint back before the next writer goes on.
        if let Some(mut g) = self.guard.take() {
            g.rollback_pending = true;
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let mut g = g;
                    g.tidy().await;
                });
            }
        }
    }
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(SqliteTx),
    Pg(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$c` bound to the pool of whichever backend `$db` is.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($crate::SqliteDb { pool: $c, .. }) => $body,
            $crate::Db::Pg($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of the open transaction `$tx`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = t.conn();
                $body
            }
            $crate::Tx::Pg(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    /// Opens (creating if needed) the embedded SQLite database at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL can lose acknowledged commits on power loss; FULL cannot.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(SqliteDb {
            pool,
            writer: Arc::new(tokio::sync::Mutex::new(Writer::default())),
        }))
    }

    /// The PostgreSQL pool size of [`Db::connect`] (tests, tools); the server sizes its own
    /// pool from its configuration.
    pub const DEFAULT_PG_CONNECTIONS: u32 = 32;

    /// Connects to PostgreSQL (`postgres://…`) or SQLite (`sqlite://path`).
    pub async fn connect(url: &str) -> Result<Db> {
        Self::connect_with(url, Self::DEFAULT_PG_CONNECTIONS).await
    }

    /// [`Db::connect`] with at most `pg_connections` PostgreSQL connections.
    pub async fn connect_with(url: &str, pg_connections: u32) -> Result<Db> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Self::open_sqlite(Path::new(path)).await;
        }
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(pg_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Pg(pool))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Pg(_) => "postgres",
        }
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(s) => sqlx::migrate!("./migrations/sqlite").run(&s.pool).await?,
            Db::Pg(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            // IMMEDIATE takes the write lock up front, so a transaction that reads before it
            // writes never fails with SQLITE_BUSY when another writer got in between.
            Db::Sqlite(s) => {
                let mut g = s.writer.clone().lock_owned().await;
                g.tidy().await;
                if g.conn.is_none() {
                    g.conn = Some(s.pool.acquire().await?);
                }
                if g.open == 0 {
                    g.exec("BEGIN IMMEDIATE").await?;
                    g.last_epoch += 1;
                    g.open = g.last_epoch;
                }
                g.exec("SAVEPOINT member").await?;
                let epoch = g.open;
                Tx::Sqlite(SqliteTx {
                    writer: s.writer.clone(),
                    guard: Some(g),
                    epoch,
                })
            }
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        if let Db::Sqlite(s) = self {
            // Give the writer's connection back, or the pool would wait for it forever.
            let mut g = s.writer.lock().await;
            g.tidy().await;
            g.conn = None;
        }
        on_db!(self, |p| p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}
