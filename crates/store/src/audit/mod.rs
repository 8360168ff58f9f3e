//! The append-only, hash-chained audit log (审计日志).
//!
//! Each event's hash covers its own fields and the previous event's hash, so editing, deleting or
//! reordering any row breaks the chain from that row on, and [`verify`] names the first bad one.
//! A request appends its event to `audit_inbox` in the transaction of the change it records, so
//! the two commit together; [`chain_pending`] (run by the server every few milliseconds, and
//! before every read of the log) moves inbox rows into the chain under the single `audit_head`
//! row. Requests therefore never wait on one another for the chain. The events table refuses
//! UPDATE and DELETE by trigger.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::{Db, Page, Paging, Tx, on_db, on_tx};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `success`, `failure` (the action was tried and failed) or `denied` (refused by policy).
pub mod result {
    pub const SUCCESS: &str = "success";
    pub const FAILURE: &str = "failure";
    pub const DENIED: &str = "denied";
}

/// An event to record. Who, in which role and organisation, did what to which object, with what
/// result, from where, in which request.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub actor_id: Option<i64>,
    pub actor_login: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub result: &'static str,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

/// A recorded event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_login: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<i64>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub result: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: String,
    #[serde(skip)]
    pub hash: String,
}

fn format_at(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The chain hash of one event: SHA-256 over the previous hash and a canonical JSON array of
/// the event's fields.
fn chain_hash(prev: &str, e: &Event) -> String {
    let canonical = serde_json::json!([
        e.id,
        format_at(&e.at),
        e.actor_id,
        e.actor_login,
        e.role,
        e.org_id,
        e.action,
        e.object_type,
        e.object_id,
        e.result,
        e.ip,
        e.request_id,
        e.detail,
    ]);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// The inbox columns, in the order [`bind_event!`] binds them after `at`.
pub(crate) const EVENT_COLUMNS: &str = "at, actor_id, actor_login, role, org_id, action, \
     object_type, object_id, result, ip, request_id, detail";

/// Placeholders for the 11 event values after `at`, starting at `$first`.
pub(crate) fn event_values(first: usize) -> String {
    (first..first + 11)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds a [`NewEvent`] (all but `at`) in [`EVENT_COLUMNS`] order.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_event {
    ($q:expr, $e:expr) => {
        $q.bind($e.actor_id)
            .bind(&$e.actor_login)
            .bind(&$e.role)
            .bind($e.org_id)
            .bind(&$e.action)
            .bind(&$e.object_type)
            .bind(&$e.object_id)
            .bind($e.result)
            .bind(&$e.ip)
            .bind(&$e.request_id)
            .bind($e.detail.to_string())
    };
}

static INBOX_INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO audit_inbox ({EVENT_COLUMNS}) VALUES ($1, {})",
        event_values(2)
    )
});

/// Appends an event inside the caller's transaction, so the event commits with the change it
/// records, or not at all. The event lands in the inbox (one uncontended INSERT); [`chain_pending`]
/// gives it its place and hash in the chain moments later.
pub async fn append(tx: &mut Tx, e: NewEvent) -> Result<()> {
    on_tx!(tx, |c| {
        let q = sqlx::query(sqlx::AssertSqlSafe(INBOX_INSERT.as_str())).bind(crate::now());
        crate::bind_event!(q, e).execute(&mut *c).await?;
        Ok(())
    })
}

/// Appends an event in a transaction of its own (logins, denials: events with no other change).
pub async fn record(db: &Db, e: NewEvent) -> Result<()> {
    let mut tx = db.begin().await?;
    append(&mut tx, e).await?;
    tx.commit().await
}

/// An inbox row: an event waiting for its place in the chain.
#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_login: Option<String>,
    role: Option<String>,
    org_id: Option<i64>,
    action: String,
    object_type: Option<String>,
    object_id: Option<String>,
    result: String,
    ip: Option<String>,
    request_id: Option<String>,
    detail: String,
}

const CHAIN_BATCH: i64 = 500;

const TAKE_PENDING: &str = "DELETE FROM audit_inbox WHERE id IN \
     (SELECT id FROM audit_inbox ORDER BY id LIMIT $1) RETURNING *";

const CHAIN_INSERT: &str = "INSERT INTO audit_events (id, at, actor_id, actor_login, role, \
     org_id, action, object_type, object_id, result, ip, request_id, detail, prev_hash, hash) ";

/// Moves committed inbox events into the hash chain, in batches, and returns how many it chained.
///
/// Each batch is one transaction that locks `audit_head`, takes (deletes and returns) the oldest
/// inbox rows, numbers them on from the head, hashes them and advances the head; so an event
/// leaves the inbox only by entering the chain, concurrent chainers (several servers, the CLI)
/// serialise on the head, and a crash leaves either the whole batch chained or none of it. The
/// chain's order is the order events were chained, which on PostgreSQL may differ slightly from
/// inbox id order (ids are taken before commit); every committed event is chained exactly once.
pub async fn chain_pending(db: &Db) -> Result<u64> {
    let mut total = 0u64;
    loop {
        // A plain read first, so an idle chainer never takes SQLite's write lock.
        let any: Option<i64> = on_db!(db, |p| {
            sqlx::query_scalar("SELECT id FROM audit_inbox LIMIT 1")
                .fetch_optional(p)
                .await
        })?;
        if any.is_none() {
            return Ok(total);
        }
        let mut tx = db.begin().await?;
        let chained = on_tx!(&mut tx, |c| {
            let (seq, head): (i64, String) =
                sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                    .fetch_one(&mut *c)
                    .await?;
            let mut pending: Vec<Pending> = sqlx::query_as(TAKE_PENDING)
                .bind(CHAIN_BATCH)
                .fetch_all(&mut *c)
                .await?;
            pending.sort_by_key(|p| p.id);
            let mut prev = head;
            let mut events = Vec::with_capacity(pending.len());
            for (i, p) in pending.into_iter().enumerate() {
                let mut e = Event {
                    id: seq + 1 + i as i64,
                    at: p.at,
                    actor_id: p.actor_id,
                    actor_login: p.actor_login,
                    role: p.role,
                    org_id: p.org_id,
                    action: p.action,
                    object_type: p.object_type,
                    object_id: p.object_id,
                    result: p.result,
                    ip: p.ip,
                    request_id: p.request_id,
                    detail: p.detail,
                    prev_hash: prev,
                    hash: String::new(),
                };
                e.hash = chain_hash(&e.prev_hash, &e);
                prev = e.hash.clone();
                events.push(e);
            }
            if !events.is_empty() {
                let mut q = sqlx::QueryBuilder::new(CHAIN_INSERT);
                q.push_values(&events, |mut b, e| {
                    b.push_bind(e.id)
                        .push_bind(e.at)
                        .push_bind(e.actor_id)
                        .push_bind(&e.actor_login)
                        .push_bind(&e.role)
                        .push_bind(e.org_id)
                        .push_bind(&e.action)
                        .push_bind(&e.object_type)
                        .push_bind(&e.object_id)
                        .push_bind(&e.result)
                        .push_bind(&e.ip)
                        .push_bind(&e.request_id)
                        .push_bind(&e.detail)
                        .push_bind(&e.prev_hash)
                        .push_bind(&e.hash);
                });
                q.build().execute(&mut *c).await?;
                sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                    .bind(seq + events.len() as i64)
                    .bind(&prev)
                    .execute(&mut *c)
                    .await?;
            }
            Ok::<usize, crate::StoreError>(events.len())
        })?;
        if chained == 0 {
            // Nothing to chain: end the transaction without having changed anything.
            tx.commit().await?;
            return Ok(total);
        }
        tx.commit().await?;
        total += chained as u64;
    }
}

/// Filters of the audit viewer. Every one is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub object_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

const LIST: &str = "SELECT *, COUNT(*) OVER () AS total FROM audit_events \
     WHERE ($1 IS NULL OR actor_login = $1) AND ($2 IS NULL OR action = $2) \
       AND ($3 IS NULL OR result = $3) AND ($4 IS NULL OR object_type = $4) \
       AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) \
     ORDER BY id DESC LIMIT $7 OFFSET $8";

#[derive(sqlx::FromRow)]
struct EventRow {
    #[sqlx(flatten)]
    event: Event,
    total: i64,
}

/// Lists events, newest first.
pub async fn list(db: &Db, f: &Filter, paging: Paging) -> Result<Page<Event>> {
    chain_pending(db).await?;
    let rows: Vec<EventRow> = on_db!(db, |p| {
        sqlx::query_as(LIST)
            .bind(&f.actor)
            .bind(&f.action)
            .bind(&f.result)
            .bind(&f.object_type)
            .bind(f.from)
            .bind(f.to)
            .bind(paging.per_page)
            .bind(paging.offset())
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.event).collect(),
        total,
    })
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub checked: i64,
    pub first_bad_id: Option<i64>,
    pub reason: Option<String>,
}

/// Walks the whole chain and reports the first event that was edited, removed or moved.
pub async fn verify(db: &Db) -> Result<Verification> {
    chain_pending(db).await?;
    let mut prev = GENESIS_HASH.to_owned();
    let mut expected_id = 1i64;
    let mut checked = 0i64;
    let bad = |id: i64, checked: i64, why: String| Verification {
        ok: false,
        checked,
        first_bad_id: Some(id),
        reason: Some(why),
    };
    // Read in id-ordered batches so a long log is never held in memory at once.
    loop {
        let batch: Vec<Event> = on_db!(db, |p| {
            sqlx::query_as("SELECT * FROM audit_events WHERE id >= $1 ORDER BY id LIMIT 1000")
                .bind(expected_id)
                .fetch_all(p)
                .await
        })?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            if e.id != expected_id {
                return Ok(bad(
                    expected_id,
                    checked,
                    format!("event {expected_id} is missing"),
                ));
            }
            if e.prev_hash != prev {
                return Ok(bad(
                    e.id,
                    checked,
                    "link to the previous event is broken".into(),
                ));
            }
            if chain_hash(&prev, e) != e.hash {
                return Ok(bad(
                    e.id,
                    checked,
                    "contents do not match the recorded hash".into(),
                ));
            }
            prev = e.hash.clone();
            expected_id += 1;
            checked += 1;
        }
    }
    let (seq, head): (i64, String) = on_db!(db, |p| {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(p)
            .await
    })?;
    if seq != checked || head != prev {
        return Ok(bad(
            checked + 1,
            checked,
            format!("the log ends at event {checked} but {seq} events were written"),
        ));
    }
    Ok(Verification {
        ok: true,
        checked,
        first_bad_id: None,
        reason: None,
    })
}
