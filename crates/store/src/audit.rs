//! The append-only, hash-chained audit log (审计日志).
//!
//! Each event's hash covers its own fields and the previous event's hash, so editing, deleting or
//! reordering any row breaks the chain from that row on, and [`verify`] names the first bad one.
//! Appends serialise on the single `audit_head` row, which is updated first in the writing
//! transaction; the events table also refuses UPDATE and DELETE by trigger.

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

const INSERT: &str = "INSERT INTO audit_events (id, at, actor_id, actor_login, role, org_id, action, \
     object_type, object_id, result, ip, request_id, detail, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// Appends an event inside the caller's transaction, so the event commits with the change it
/// records, or not at all.
pub async fn append(tx: &mut Tx, e: NewEvent) -> Result<i64> {
    on_tx!(tx, |c| {
        let (seq, prev): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *c)
                .await?;
        let event = Event {
            id: seq,
            at: crate::now(),
            actor_id: e.actor_id,
            actor_login: e.actor_login,
            role: e.role,
            org_id: e.org_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            result: e.result.to_owned(),
            ip: e.ip,
            request_id: e.request_id,
            detail: e.detail.to_string(),
            prev_hash: prev,
            hash: String::new(),
        };
        let hash = chain_hash(&event.prev_hash, &event);
        sqlx::query(INSERT)
            .bind(event.id)
            .bind(event.at)
            .bind(event.actor_id)
            .bind(&event.actor_login)
            .bind(&event.role)
            .bind(event.org_id)
            .bind(&event.action)
            .bind(&event.object_type)
            .bind(&event.object_id)
            .bind(&event.result)
            .bind(&event.ip)
            .bind(&event.request_id)
            .bind(&event.detail)
            .bind(&event.prev_hash)
            .bind(&hash)
            .execute(&mut *c)
            .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(&mut *c)
            .await?;
        Ok(seq)
    })
}

/// Appends an event in a transaction of its own (logins, denials: events with no other change).
pub async fn record(db: &Db, e: NewEvent) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = append(&mut tx, e).await?;
    tx.commit().await?;
    Ok(id)
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
