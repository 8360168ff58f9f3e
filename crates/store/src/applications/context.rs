//! What every handler on one application needs, read in one round trip.

use chrono::{DateTime, Utc};

use super::{AppRow, COLS_WITHOUT_FORM, Form, PartnerRow};
use crate::dialect::PerBackend;
use crate::error::Result;
use crate::{Db, on_db};

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
    let partners = crate::dialect::array(
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
            call: crate::dialect::decode(&r.call_json)?,
            partners: crate::dialect::decode(&r.partners_json)?,
            lead_extension: r.lead_extension,
            attachments: r
                .attachments_json
                .as_deref()
                .map(crate::dialect::decode)
                .transpose()?,
        })
    })
    .transpose()
}
