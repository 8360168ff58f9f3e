//! The database handle: SQLite or PostgreSQL behind one enum, and the macros that run one body
//! of generic sqlx code against whichever backend is in use.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
/// SQLite has one writer at a time, and a durable COMMIT waits for an fsync of the WAL (2–10 ms
/// here), which caps a busy server at a few hundred commits a second; and a second `BEGIN
/// IMMEDIATE` fails with SQLITE_BUSY and sleeps in the busy handler. So writers of this process
/// queue FIFO on one async mutex and share one connection, and their transactions are
/// savepoints inside a *group* transaction: [`Tx::commit`] releases its savepoint, lets the
/// writers queued behind it add theirs, then commits the whole group at once. If the group's
/// COMMIT fails, every member's commit fails. The busy timeout only arbitrates with other
/// processes (the CLI).
///
/// The fsync is taken out of the writer's turn: connections run `synchronous=NORMAL` (in WAL
/// mode: atomic and consistent, and a COMMIT writes its frames to the WAL without waiting for the
/// disk), and [`Tx::commit`] returns only after it has itself fsynced the WAL past its group's
/// COMMIT ([`WalSync`]) — so nothing is acknowledged before it is durable, exactly as with
/// `synchronous=FULL`, while the next group already runs its statements during the fsync.
///
/// Checkpoints (copying the WAL back into the database file, and its fsync) would otherwise run
/// inside whichever COMMIT crosses the WAL's size threshold, holding every writer up; so the
/// writer checkpoints only as a safety net ([`AUTOCHECKPOINT_PAGES`]) and a background task runs
/// a PASSIVE checkpoint, which does not block writers, after writes ([`checkpoint_loop`]).
#[derive(Clone)]
pub struct SqliteDb {
    pub pool: SqlitePool,
    writer: Arc<tokio::sync::Mutex<Writer>>,
    /// Group commits so far, so the checkpointer sleeps while nothing is written.
    commits: Arc<AtomicU64>,
    wal: Arc<WalSync>,
}

/// Makes committed WAL frames durable, outside the writer's turn, one fsync for all the commits
/// that wait for it.
struct WalSync {
    /// The database's `-wal` file.
    path: PathBuf,
    /// Every group commit up to this count is on disk.
    synced: tokio::sync::Mutex<u64>,
}

impl WalSync {
    /// Returns once the first `seq` group commits are on disk.
    async fn sync_through(&self, seq: u64, commits: &AtomicU64) -> Result<()> {
        let mut synced = self.synced.lock().await;
        if *synced >= seq {
            // Another member's fsync, started after our COMMIT, covered it.
            return Ok(());
        }
        // Every commit counted so far has written its frames: one fsync covers them all.
        let through = commits.load(Ordering::Acquire);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || match std::fs::File::open(&path) {
            Ok(f) => f.sync_data(),
            // SQLite deletes the WAL only when its last connection closes, after checkpointing
            // it into the (synced) database file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r)
        .map_err(sqlx::Error::Io)?;
        *synced = through;
        Ok(())
    }
}

/// The WAL size (in pages) at which a COMMIT checkpoints by itself: only reached when the
/// background checkpointer falls behind (SQLite's default is 1,000 pages).
const AUTOCHECKPOINT_PAGES: u32 = 16_384;

/// How often the background checkpointer looks for new commits.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Copies committed WAL frames into the database file, off the writer's path, until the pool
/// closes. A PASSIVE checkpoint takes no lock that writers or readers wait for; the frames it
/// cannot copy yet (a reader still needs them) are copied by a later round. Durability does not
/// depend on it: every acknowledged COMMIT was fsynced in the WAL ([`WalSync`]), and SQLite
/// syncs the WAL before and the database file after each checkpoint.
async fn checkpoint_loop(pool: SqlitePool, commits: Arc<AtomicU64>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = 0;
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        let now = commits.load(Ordering::Relaxed);
        if now == seen {
            continue;
        }
        match sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            Ok(_) => seen = now,
            Err(_) if pool.is_closed() => return,
            Err(e) => tracing::warn!(error = %e, "background WAL checkpoint failed"),
        }
    }
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb")
            .field("pool", &self.pool)
            .field("commits", &self.commits)
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
    commits: Arc<AtomicU64>,
    wal: Arc<WalSync>,
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
                    self.commits.fetch_add(1, Ordering::Release);
                    g.settled = epoch;
                    g.open = 0;
                    g.waiting = 0;
                }
                Err(e) => g.fail_group(e.to_string()).await,
            }
        }
        if let Some((_, why)) = g.failed.iter().find(|(e, _)| *e == epoch) {
            return Err(sqlx::Error::Protocol(format!("group commit failed: {why}")).into());
        }
        // The group has committed, and counted itself, by now.
        let seq = self.commits.load(Ordering::Acquire);
        drop(g);
        self.wal.sync_through(seq, &self.commits).await
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

/// The WAL file SQLite keeps beside the database at `path`.
fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

impl Db {
    /// Opens (creating if needed) the embedded SQLite database at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Durability comes from WalSync, which fsyncs the WAL before a commit returns.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", AUTOCHECKPOINT_PAGES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        let commits = Arc::new(AtomicU64::new(0));
        tokio::spawn(checkpoint_loop(pool.clone(), commits.clone()));
        Ok(Db::Sqlite(SqliteDb {
            pool,
            writer: Arc::new(tokio::sync::Mutex::new(Writer::default())),
            commits,
            wal: Arc::new(WalSync {
                path: wal_path(path),
                synced: tokio::sync::Mutex::new(0),
            }),
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
                    commits: s.commits.clone(),
                    wal: s.wal.clone(),
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
