//! Applications (申报): the working copy of the form, frozen submitted versions, partner
//! confirmations and invitations.

use chanjiao_domain::applications::Status;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::json_sql::PerBackend;
use crate::{Db, Page, Paging, StoreError, Tx, audit, on_db, on_tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AppRow {
    pub id: i64,
    pub call_id: i64,
    pub lead_org_id: i64,
    pub number: Option<String>,
    pub status: String,
    pub revision: i64,
    pub form: String,
    pub form_schema: i32,
    pub lead_name: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub return_reasons: Option<String>,
    pub correction_due: Option<DateTime<Utc>>,
    pub paper_received_on: Option<String>,
    pub paper_courier: Option<String>,
    pub paper_tracking_no: Option<String>,
    pub paper_printed_hash: Option<String>,
    pub paper_matches_version: Option<i32>,
    pub paper_recorded_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AppRow {
    /// The stored status as the domain's enum (a value this version does not know reads as a
    /// draft, the state with the fewest rights).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }
}

/// The columns of an [`AppRow`] with `form` read as an empty string. The form is the one
/// large column (≈30 KB, stored compressed out of line); statements whose caller already holds
/// it (it wrote it) or does not need it read the rest with this and fill `form` in themselves.
const COLS_WITHOUT_FORM: &str = "id, call_id, lead_org_id, number, status, revision, '' AS form, \
     form_schema, lead_name, institution_type, direction, submitted_version, submitted_at, \
     return_reasons, correction_due, paper_received_on, paper_courier, paper_tracking_no, \
     paper_printed_hash, paper_matches_version, paper_recorded_at, created_by, created_at, \
     updated_at";

/// Whether a read includes the application's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The form, and (in [`context`]) the attachments: what showing the application needs.
    Read,
    /// `form` is left empty: for handlers that replace the form without looking at it.
    Skip,
}

/// A row read with [`COLS_WITHOUT_FORM`], given the form it is known to hold.
fn with_form(row: Option<AppRow>, form: &str) -> Option<AppRow> {
    row.map(|mut r| {
        r.form = form.to_owned();
        r
    })
}

/// Columns extracted from the form for lists and filters.
#[derive(Debug, Clone, Default)]
pub struct KeyColumns {
    pub lead_name: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
}

/// A new draft application.
pub struct NewApplication<'a> {
    pub call_id: i64,
    pub lead_org_id: i64,
    pub form: &'a str,
    pub schema: i32,
    pub keys: &'a KeyColumns,
    /// The number is this prefix and the zero-padded id (`SQ-2022-00001`).
    pub number_prefix: &'a str,
    pub by: i64,
}

pub async fn insert(tx: &mut Tx, n: &NewApplication<'_>) -> Result<AppRow> {
    let now = crate::now();
    on_tx!(tx, |c| {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO applications (call_id, lead_org_id, status, revision, form, form_schema, lead_name, \
             institution_type, direction, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'draft', 1, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(n.call_id)
        .bind(n.lead_org_id)
        .bind(n.form)
        .bind(n.schema)
        .bind(&n.keys.lead_name)
        .bind(&n.keys.institution_type)
        .bind(&n.keys.direction)
        .bind(n.by)
        .bind(now)
        .fetch_one(&mut *c)
        .await?;
        sqlx::query_as("UPDATE applications SET number = $1 WHERE id = $2 RETURNING *")
            .bind(format!("{}{id:05}", n.number_prefix))
            .bind(id)
            .fetch_one(&mut *c)
            .await
    })
    .map_err(StoreError::from)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT * FROM applications WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn get_tx(tx: &mut Tx, id: i64) -> Result<Option<AppRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as("SELECT * FROM applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
    })?)
}

pub async fn find_by_number(db: &Db, number: &str) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM applications WHERE number = $1")
            .bind(number)
            .fetch_optional(p)
            .await
    })?)
}

pub async fn find_for_lead(db: &Db, call_id: i64, lead_org_id: i64) -> Result<Option<AppRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as("SELECT * FROM applications WHERE call_id = $1 AND lead_org_id = $2")
            .bind(call_id)
            .bind(lead_org_id)
            .fetch_optional(p)
            .await
    })?)
}

/// Saves the working copy if nobody saved since `revision`. Returns the new revision, or
/// `None` when the revision is stale.
pub async fn save_form(
    tx: &mut Tx,
    id: i64,
    revision: i64,
    form: &str,
    keys: &KeyColumns,
) -> Result<Option<AppRow>> {
    let sql = format!(
        "UPDATE applications SET form = $1, lead_name = $2, institution_type = $3, direction = $4, \
         revision = revision + 1, updated_at = $5 WHERE id = $6 AND revision = $7 \
         RETURNING {COLS_WITHOUT_FORM}"
    );
    let row = on_tx!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(form)
            .bind(&keys.lead_name)
            .bind(&keys.institution_type)
            .bind(&keys.direction)
            .bind(crate::now())
            .bind(id)
            .bind(revision)
            .fetch_optional(&mut *c)
            .await
    })?;
    Ok(with_form(row, form))
}

/// Moves the application from one of `from` to `to`; `None` when it was not in one of them
/// (someone else moved it first: a double click, a concurrent check).
pub async fn set_status(tx: &mut Tx, id: i64, from: &[&str], to: &str) -> Result<Option<AppRow>> {
    let from = serde_json::to_string(from).unwrap_or_else(|_| "[]".into());
    let sql = match tx {
        Tx::Sqlite(..) => {
            "UPDATE applications SET status = $1, revision = revision + 1, updated_at = $2 \
             WHERE id = $3 AND status IN (SELECT value FROM json_each($4)) RETURNING *"
        }
        Tx::Pg(_) => {
            "UPDATE applications SET status = $1, revision = revision + 1, updated_at = $2 \
             WHERE id = $3 AND status IN (SELECT jsonb_array_elements_text($4::jsonb)) RETURNING *"
        }
    };
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(sql)
            .bind(to)
            .bind(crate::now())
            .bind(id)
            .bind(&from)
            .fetch_optional(&mut *c)
            .await
    })?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i32,
    pub form: String,
    pub content_hash: String,
    pub submitted_by_login: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

/// Saves the working copy (as [`save_form`]) together with its audit event. On PostgreSQL this
/// is one statement — the UPDATE and the audit insert in data-modifying CTEs, atomic without a
/// BEGIN/COMMIT round trip each; on SQLite a transaction of the group writer.
pub async fn save_form_audited(
    db: &Db,
    id: i64,
    revision: i64,
    form: &str,
    keys: &KeyColumns,
    event: &crate::audit::NewEvent,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    match db {
        Db::Pg(p) => {
            let sql = format!(
                "WITH saved AS (UPDATE applications SET form = $1, lead_name = $2, \
                 institution_type = $3, direction = $4, revision = revision + 1, updated_at = $5 \
                 WHERE id = $6 AND revision = $7 RETURNING {COLS_WITHOUT_FORM}), \
                 ev AS (INSERT INTO audit_inbox ({}) SELECT $5, {} FROM saved) \
                 SELECT * FROM saved",
                audit::EVENT_COLUMNS,
                audit::event_values(8)
            );
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(form)
                .bind(&keys.lead_name)
                .bind(&keys.institution_type)
                .bind(&keys.direction)
                .bind(now)
                .bind(id)
                .bind(revision);
            let row = crate::bind_event!(q, event).fetch_optional(p).await?;
            Ok(with_form(row, form))
        }
        Db::Sqlite(_) => {
            let mut tx = db.begin().await?;
            let saved = save_form(&mut tx, id, revision, form, keys).await?;
            if saved.is_some() {
                crate::audit::append(&mut tx, event.clone()).await?;
                tx.commit().await?;
            }
            Ok(saved)
        }
    }
}

/// Submits (as [`submit_version`]) together with its audit event: one statement on PostgreSQL,
/// a group-writer transaction on SQLite.
#[allow(clippy::too_many_arguments)]
pub async fn submit_audited(
    db: &Db,
    id: i64,
    from: &str,
    revision: i64,
    to: &str,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
    event: &crate::audit::NewEvent,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    match db {
        Db::Pg(p) => {
            let sql = format!(
                "WITH upd AS (UPDATE applications SET status = $1, revision = revision + 1, \
                 updated_at = $2, submitted_version = $3, submitted_at = $2, return_reasons = NULL, \
                 correction_due = NULL WHERE id = $4 AND status = $5 AND revision = $9 \
                 RETURNING {COLS_WITHOUT_FORM}), \
                 ver AS (INSERT INTO application_versions (application_id, version, form, \
                 content_hash, submitted_by, submitted_at) SELECT $4, $3, $6, $7, $8, $2 FROM upd), \
                 ev AS (INSERT INTO audit_inbox ({}) SELECT $2, {} FROM upd) \
                 SELECT * FROM upd",
                audit::EVENT_COLUMNS,
                audit::event_values(10)
            );
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(to)
                .bind(now)
                .bind(version)
                .bind(id)
                .bind(from)
                .bind(form)
                .bind(content_hash)
                .bind(by)
                .bind(revision);
            let row = crate::bind_event!(q, event).fetch_optional(p).await?;
            Ok(with_form(row, form))
        }
        Db::Sqlite(_) => {
            let mut tx = db.begin().await?;
            let row = submit_version(
                &mut tx,
                id,
                from,
                revision,
                to,
                version,
                form,
                content_hash,
                by,
            )
            .await?;
            if row.is_some() {
                crate::audit::append(&mut tx, event.clone()).await?;
                tx.commit().await?;
            }
            Ok(row)
        }
    }
}

/// Submits in one UPDATE and one INSERT: moves the application from `from` to `to` (refused,
/// `None`, when it is no longer in `from`: a double click, a concurrent change), records
/// `version` as submitted and freezes the form as that version. Returns the row as updated.
#[allow(clippy::too_many_arguments)]
pub async fn submit_version(
    tx: &mut Tx,
    id: i64,
    from: &str,
    revision: i64,
    to: &str,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
) -> Result<Option<AppRow>> {
    let now = crate::now();
    // Conditional on the revision, so the form is the one the caller read and passes in.
    let sql = format!(
        "UPDATE applications SET status = $1, revision = revision + 1, updated_at = $2, \
         submitted_version = $3, submitted_at = $2, return_reasons = NULL, correction_due = NULL \
         WHERE id = $4 AND status = $5 AND revision = $6 RETURNING {COLS_WITHOUT_FORM}"
    );
    let row: Option<AppRow> = on_tx!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(to)
            .bind(now)
            .bind(version)
            .bind(id)
            .bind(from)
            .bind(revision)
            .fetch_optional(&mut *c)
            .await
    })?;
    if row.is_some() {
        on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO application_versions (application_id, version, form, content_hash, \
                 submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(version)
            .bind(form)
            .bind(content_hash)
            .bind(by)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
    }
    Ok(with_form(row, form))
}

/// Freezes the working copy as the next version and records it as submitted; returns the
/// submission time written.
pub async fn freeze_version(
    tx: &mut Tx,
    id: i64,
    version: i32,
    form: &str,
    content_hash: &str,
    by: i64,
) -> Result<DateTime<Utc>> {
    let now = crate::now();
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO application_versions (application_id, version, form, content_hash, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(version)
        .bind(form)
        .bind(content_hash)
        .bind(by)
        .bind(now)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "UPDATE applications SET submitted_version = $1, submitted_at = $2, return_reasons = NULL, \
             correction_due = NULL WHERE id = $3",
        )
        .bind(version)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(now)
}

pub async fn versions(db: &Db, id: i64) -> Result<Vec<VersionRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT v.version, v.form, v.content_hash, u.login AS submitted_by_login, v.submitted_at \
             FROM application_versions v LEFT JOIN users u ON u.id = v.submitted_by \
             WHERE v.application_id = $1 ORDER BY v.version",
        )
        .bind(id)
        .fetch_all(p)
        .await
    })?)
}

pub async fn set_return(tx: &mut Tx, id: i64, reasons: &str, due: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE applications SET return_reasons = $1, correction_due = $2 WHERE id = $3",
        )
        .bind(reasons)
        .bind(due)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// The sealed paper copy's receipt.
#[derive(Debug, Clone)]
pub struct PaperCopy {
    pub received_on: String,
    pub courier: String,
    pub tracking_no: String,
    pub printed_hash: String,
    pub matches_version: Option<i32>,
}

pub async fn set_paper(tx: &mut Tx, id: i64, p: &PaperCopy) -> Result<AppRow> {
    on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE applications SET paper_received_on = $1, paper_courier = $2, paper_tracking_no = $3, \
             paper_printed_hash = $4, paper_matches_version = $5, paper_recorded_at = $6, updated_at = $6 \
             WHERE id = $7 RETURNING *",
        )
        .bind(&p.received_on)
        .bind(&p.courier)
        .bind(&p.tracking_no)
        .bind(&p.printed_hash)
        .bind(p.matches_version)
        .bind(crate::now())
        .bind(id)
        .fetch_optional(&mut *c)
        .await
    })?
    .ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct PartnerRow {
    pub org_id: i64,
    pub org_name: String,
    pub category: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

pub async fn partners(db: &Db, id: i64) -> Result<Vec<PartnerRow>> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
            "SELECT c.org_id, o.name AS org_name, c.category, c.status, c.reason, c.responded_at \
             FROM partner_confirmations c JOIN organizations o ON o.id = c.org_id \
             WHERE c.application_id = $1 ORDER BY c.org_id",
        )
        .bind(id)
        .fetch_all(p)
        .await
    })?)
}

/// An application with what every handler on it needs: its call, its partners' confirmations
/// and the deadline extension granted to its lead.
#[derive(Debug, Clone)]
pub struct Context {
    pub app: AppRow,
    pub call: crate::calls::CallRow,
    /// By organisation id.
    pub partners: Vec<PartnerRow>,
    pub lead_extension: Option<DateTime<Utc>>,
    /// The application's attachments, by id; read with [`Form::Read`] only.
    pub attachments: Option<Vec<crate::attachments::AttachmentRow>>,
}

impl Context {
    /// The deadline that applies to this applicant (the call's, or a later extension).
    pub fn deadline(&self) -> DateTime<Utc> {
        crate::calls::deadline_with(&self.call, self.lead_extension)
    }
}

/// The query of [`context`], reading `cols` of the application, and its attachments when
/// `attachments`.
fn context_sql(db: &Db, cols: &str, attachments: bool) -> String {
    let partners = crate::json_sql::array(
        db,
        &[
            ("org_id", "p.org_id"),
            ("org_name", "o.name"),
            ("category", "p.category"),
            ("status", "p.status"),
            ("reason", "p.reason"),
            ("responded_at", "p.responded_at"),
        ],
        "FROM partner_confirmations p JOIN organizations o ON o.id = p.org_id \
         WHERE p.application_id = a.id",
        "p.org_id",
    );
    let attachments = if attachments {
        crate::attachments::json_of_owner(db, "'application'", "a.id")
    } else {
        "NULL".to_owned()
    };
    format!(
        "SELECT a.*, {} AS call_json, {partners} AS partners_json, {} AS lead_extension, \
         {attachments} AS attachments_json \
         FROM (SELECT {cols} FROM applications WHERE id = $1) a JOIN calls c ON c.id = a.call_id",
        crate::calls::json(db),
        crate::calls::extension_sql("a.call_id", "a.lead_org_id"),
    )
}

/// [`Context`] of one application, in one round trip (the call, partners and attachments as JSON
/// columns).
pub async fn context(db: &Db, id: i64, form: Form) -> Result<Option<Context>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        app: AppRow,
        call_json: String,
        partners_json: String,
        lead_extension: Option<DateTime<Utc>>,
        attachments_json: Option<String>,
    }
    static WITH_FORM: PerBackend = PerBackend::new();
    static WITHOUT_FORM: PerBackend = PerBackend::new();
    let sql = match form {
        Form::Read => WITH_FORM.get(db, |db| context_sql(db, "*", true)),
        Form::Skip => WITHOUT_FORM.get(db, |db| context_sql(db, COLS_WITHOUT_FORM, false)),
    };
    let row: Option<Row> = on_db!(db, |p| sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
    row.map(|r| {
        Ok(Context {
            app: r.app,
            call: crate::json_sql::decode(&r.call_json)?,
            partners: crate::json_sql::decode(&r.partners_json)?,
            lead_extension: r.lead_extension,
            attachments: r
                .attachments_json
                .as_deref()
                .map(crate::json_sql::decode)
                .transpose()?,
        })
    })
    .transpose()
}

pub async fn partner_org_ids(db: &Db, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = on_db!(db, |p| {
        sqlx::query_as("SELECT org_id FROM partner_confirmations WHERE application_id = $1")
            .bind(id)
            .fetch_all(p)
            .await
    })?;
    Ok(rows.into_iter().map(|(o,)| o).collect())
}

/// Makes the confirmation rows match the organisations the form names: new ones start
/// pending, removed ones go; existing ones keep their answer.
pub async fn sync_partners(tx: &mut Tx, id: i64, named: &[(i64, Option<String>)]) -> Result<()> {
    let ids = serde_json::to_string(&named.iter().map(|(o, _)| *o).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into());
    let delete = match tx {
        Tx::Sqlite(..) => {
            "DELETE FROM partner_confirmations WHERE application_id = $1 \
             AND org_id NOT IN (SELECT value FROM json_each($2))"
        }
        Tx::Pg(_) => {
            "DELETE FROM partner_confirmations WHERE application_id = $1 \
             AND org_id NOT IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)"
        }
    };
    on_tx!(tx, |c| {
        sqlx::query(delete)
            .bind(id)
            .bind(&ids)
            .execute(&mut *c)
            .await?;
        for (org, category) in named {
            sqlx::query(
                "INSERT INTO partner_confirmations (application_id, org_id, category, status) \
                 VALUES ($1, $2, $3, 'pending') \
                 ON CONFLICT (application_id, org_id) DO UPDATE SET category = excluded.category",
            )
            .bind(id)
            .bind(org)
            .bind(category)
            .execute(&mut *c)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

pub async fn respond(
    tx: &mut Tx,
    id: i64,
    org_id: i64,
    status: &str,
    reason: Option<&str>,
    by: i64,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE partner_confirmations SET status = $1, reason = $2, responded_by = $3, responded_at = $4 \
             WHERE application_id = $5 AND org_id = $6",
        )
        .bind(status)
        .bind(reason)
        .bind(by)
        .bind(crate::now())
        .bind(id)
        .bind(org_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InviteRow {
    pub id: i64,
    pub application_id: i64,
    pub partner_index: i32,
    pub partner_name: String,
    pub contact_email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub org_id: Option<i64>,
}

/// A single-use invitation for the partner block at `index`.
pub struct NewInvite<'a> {
    pub application_id: i64,
    pub token_hash: &'a str,
    pub index: i32,
    pub name: &'a str,
    pub email: &'a str,
    pub expires_at: DateTime<Utc>,
    pub by: i64,
}

pub async fn insert_invite(tx: &mut Tx, n: &NewInvite<'_>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO partner_invites (application_id, token_hash, partner_index, partner_name, contact_email, \
             created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n.application_id)
        .bind(n.token_hash)
        .bind(n.index)
        .bind(n.name)
        .bind(n.email)
        .bind(n.by)
        .bind(crate::now())
        .bind(n.expires_at)
        .execute(&mut *c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

const INVITE_COLS: &str = "id, application_id, partner_index, partner_name, contact_email, created_at, expires_at, used_at, org_id";

pub async fn invite_by_token(db: &Db, token_hash: &str) -> Result<Option<InviteRow>> {
    let sql = format!("SELECT {INVITE_COLS} FROM partner_invites WHERE token_hash = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(p)
        .await)?)
}

pub async fn invites(db: &Db, id: i64) -> Result<Vec<InviteRow>> {
    let sql =
        format!("SELECT {INVITE_COLS} FROM partner_invites WHERE application_id = $1 ORDER BY id");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(p)
        .await)?)
}

/// Claims an invitation, once: `false` if it was already used.
pub async fn use_invite(tx: &mut Tx, invite_id: i64) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query("UPDATE partner_invites SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(crate::now())
            .bind(invite_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Records which organisation registered through an invitation.
pub async fn use_invite_bind(tx: &mut Tx, invite_id: i64, org_id: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE partner_invites SET org_id = $1 WHERE id = $2")
            .bind(org_id)
            .bind(invite_id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Rewrites the working copy without a revision check (the system binding a partner block to
/// its newly registered organisation).
pub async fn replace_form(tx: &mut Tx, id: i64, form: &str) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("UPDATE applications SET form = $1, revision = revision + 1, updated_at = $2 WHERE id = $3")
            .bind(form)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Which applications a list shows.
#[derive(Debug, Clone)]
pub enum AppVisibility {
    /// The programme's view: all applications of these fields (None: every field).
    Fields(Option<Vec<String>>),
    /// Applications led by or naming these organisations.
    Orgs(Vec<i64>),
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub call_id: Option<i64>,
    pub status: Option<String>,
    pub province_code: Option<String>,
    pub institution_type: Option<String>,
    pub partner_category: Option<String>,
    pub q: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Summary {
    pub id: i64,
    pub number: Option<String>,
    pub call_id: i64,
    pub call_title: String,
    pub lead_org_id: i64,
    pub lead_name: String,
    pub province_code: String,
    pub institution_type: Option<String>,
    pub direction: Option<String>,
    pub status: String,
    pub partner_count: i64,
    pub confirmed_count: i64,
    pub submitted_version: Option<i32>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub paper_received_on: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list(
    db: &Db,
    vis: &AppVisibility,
    f: &Filter,
    paging: Paging,
) -> Result<Page<Summary>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        s: Summary,
        total: i64,
    }
    let (fields, orgs) = match vis {
        AppVisibility::Fields(None) => (None, None),
        AppVisibility::Fields(Some(f)) => {
            (Some(serde_json::to_string(f).unwrap_or_default()), None)
        }
        AppVisibility::Orgs(o) => (None, Some(serde_json::to_string(o).unwrap_or_default())),
    };
    let (text_in, id_in) = match db {
        Db::Sqlite(_) => (
            "IN (SELECT value FROM json_each(",
            "IN (SELECT value FROM json_each(",
        ),
        Db::Pg(_) => (
            "IN (SELECT jsonb_array_elements_text(",
            "IN (SELECT jsonb_array_elements_text(",
        ),
    };
    let (text_close, id_close) = match db {
        Db::Sqlite(_) => ("))", "))"),
        Db::Pg(_) => ("::jsonb))", "::jsonb)::bigint)"),
    };
    let sql = format!(
        "SELECT a.id, a.number, a.call_id, c.title AS call_title, a.lead_org_id, a.lead_name, \
           o.province_code, a.institution_type, a.direction, a.status, \
           (SELECT COUNT(*) FROM partner_confirmations pc WHERE pc.application_id = a.id) AS partner_count, \
           (SELECT COUNT(*) FROM partner_confirmations pc WHERE pc.application_id = a.id AND pc.status = 'confirmed') AS confirmed_count, \
           a.submitted_version, a.submitted_at, a.paper_received_on, a.updated_at, COUNT(*) OVER () AS total \
         FROM applications a JOIN calls c ON c.id = a.call_id JOIN organizations o ON o.id = a.lead_org_id \
         WHERE ($1 IS NULL OR c.field {text_in}$1{text_close}) \
           AND ($2 IS NULL OR a.lead_org_id {id_in}$2{id_close} \
                OR a.id IN (SELECT pc.application_id FROM partner_confirmations pc WHERE pc.org_id {id_in}$2{id_close})) \
           AND ($3 IS NULL OR a.call_id = $3) AND ($4 IS NULL OR a.status = $4) \
           AND ($5 IS NULL OR o.province_code = $5) AND ($6 IS NULL OR a.institution_type = $6) \
           AND ($7 IS NULL OR a.id IN (SELECT pc.application_id FROM partner_confirmations pc WHERE pc.category = $7)) \
           AND ($8 IS NULL OR a.lead_name LIKE $8 ESCAPE '\\' OR a.number LIKE $8 ESCAPE '\\') \
           AND ($9 OR a.status <> 'draft' OR $2 IS NOT NULL) \
         ORDER BY a.id DESC LIMIT $10 OFFSET $11"
    );
    let q =
        f.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(crate::organizations::like_pattern);
    // The programme does not see drafts in intake lists; the applicant sees its own drafts.
    let include_drafts = matches!(vis, AppVisibility::Orgs(_));
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&fields)
            .bind(&orgs)
            .bind(f.call_id)
            .bind(&f.status)
            .bind(&f.province_code)
            .bind(&f.institution_type)
            .bind(&f.partner_category)
            .bind(q)
            .bind(include_drafts)
            .bind(paging.per_page)
            .bind(paging.offset())
            .fetch_all(p)
            .await
    })?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Page {
        items: rows.into_iter().map(|r| r.s).collect(),
        total,
    })
}
