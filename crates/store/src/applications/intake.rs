//! The programme's intake: the formal check's return, the sealed paper copy, and the lists.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AppRow;
use crate::dialect::{Elem, json_set};
use crate::error::Result;
use crate::{Db, Page, Paging, StoreError, Tx, on_db, on_tx};

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
    let fields_in = json_set(db, "$1", Elem::Text);
    let orgs_in = json_set(db, "$2", Elem::BigInt);
    let sql = format!(
        "SELECT a.id, a.number, a.call_id, c.title AS call_title, a.lead_org_id, a.lead_name, \
           o.province_code, a.institution_type, a.direction, a.status, \
           (SELECT COUNT(*) FROM partner_confirmations pc WHERE pc.application_id = a.id) AS partner_count, \
           (SELECT COUNT(*) FROM partner_confirmations pc WHERE pc.application_id = a.id AND pc.status = 'confirmed') AS confirmed_count, \
           a.submitted_version, a.submitted_at, a.paper_received_on, a.updated_at, COUNT(*) OVER () AS total \
         FROM applications a JOIN calls c ON c.id = a.call_id JOIN organizations o ON o.id = a.lead_org_id \
         WHERE ($1 IS NULL OR c.field IN {fields_in}) \
           AND ($2 IS NULL OR a.lead_org_id IN {orgs_in} \
                OR a.id IN (SELECT pc.application_id FROM partner_confirmations pc WHERE pc.org_id IN {orgs_in})) \
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
            .map(crate::dialect::like_pattern);
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
