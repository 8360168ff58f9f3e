//! In-app notifications (to a user or to everyone of an organisation) and the mail outbox,
//! written in the transaction of the change they report; the whole application uses them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::{Db, Page, Paging, Tx, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Notifies one user (`user_id`) or everyone of an organisation (`org_id`).
pub async fn notify(
    tx: &mut Tx,
    user_id: Option<i64>,
    org_id: Option<i64>,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO notifications (user_id, org_id, title, body, link, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(title)
        .bind(body)
        .bind(link)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// The latest 100 notifications addressed to the user or their organisation.
pub async fn notifications_for(
    db: &Db,
    user_id: i64,
    org_id: Option<i64>,
) -> Result<Vec<NotificationRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, user_id, org_id, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 OR (org_id IS NOT NULL AND org_id = $2) ORDER BY id DESC LIMIT 100"
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_all(p)
    .await)?)
}

pub async fn get_notification(db: &Db, id: i64) -> Result<Option<NotificationRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, user_id, org_id, title, body, link, created_at, read_at FROM notifications \
         WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn mark_read(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Puts a mail in the outbox, in the transaction of the change it reports.
pub async fn enqueue_mail(tx: &mut Tx, to: &str, subject: &str, body: &str) -> Result<()> {
    let now = crate::now();
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MailRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MailListRow {
    #[sqlx(flatten)]
    mail: MailRow,
    total: i64,
}

pub async fn outbox(db: &Db, paging: Paging) -> Result<Page<MailRow>> {
    let rows: Vec<MailListRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT id, to_addr, subject, body, created_at, sent_at, attempts, last_error, \
         COUNT(*) OVER () AS total FROM mail_outbox ORDER BY id DESC LIMIT $1 OFFSET $2"
    )
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(p)
    .await)?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.mail).collect(),
        total,
    })
}

/// Unsent mail whose next attempt is due.
pub async fn due_mail(db: &Db, limit: i64) -> Result<Vec<MailRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, to_addr, subject, body, created_at, sent_at, attempts, last_error \
         FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2"
    )
    .bind(crate::now())
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Records the outcome of a delivery attempt.
pub async fn mail_attempted(
    db: &Db,
    id: i64,
    error: Option<&str>,
    next_attempt_at: DateTime<Utc>,
) -> Result<()> {
    let now = crate::now();
    // Through a transaction, so on SQLite the write joins the group writer's queue.
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
         sent_at = CASE WHEN $1 IS NULL THEN $2 ELSE NULL END, next_attempt_at = $3 WHERE id = $4"
    )
    .bind(error)
    .bind(now)
    .bind(next_attempt_at)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    tx.commit().await
}
