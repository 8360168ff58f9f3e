//! The audit log, filtered and paged.

use axum::Json;
use axum::extract::State;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::{Paging, audit};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Login of the actor.
    pub actor: Option<String>,
    pub action: Option<String>,
    /// success, failure or denied.
    pub result: Option<String>,
    pub object_type: Option<String>,
    /// From this date or instant (a date is midnight Asia/Shanghai).
    pub from: Option<String>,
    /// Up to (excluding) this instant; a date includes the whole day.
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
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
    pub detail: serde_json::Value,
}

/// Parses a date (Asia/Shanghai midnight, plus `days`) or an RFC 3339 instant.
pub(super) fn parse_when(
    field: &str,
    s: Option<&str>,
    days: i64,
) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| chanjiao_domain::time::start_of(d + chrono::Duration::days(days)))
        .map(Some)
        .ok_or_else(|| {
            ApiError::field(
                field,
                chanjiao_domain::FieldError::new("date_format", "日期格式应为 YYYY-MM-DD"),
            )
        })
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(ListParams),
    responses((status = 200, body = PageOf<AuditEvent>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<PageOf<AuditEvent>>> {
    cu.authorize(&state, Action::AuditRead, &Target::Programme, "audit", "")
        .await?;
    let nonblank = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = audit::Filter {
        actor: nonblank(p.actor).map(|s| s.to_lowercase()),
        action: nonblank(p.action),
        result: nonblank(p.result),
        object_type: nonblank(p.object_type),
        from: parse_when("from", p.from.as_deref(), 0)?,
        to: parse_when("to", p.to.as_deref(), 1)?,
    };
    let page = audit::list(&state.db, &filter, Paging::new(p.page, p.per_page)).await?;
    let items = page
        .items
        .into_iter()
        .map(|e| AuditEvent {
            detail: serde_json::from_str(&e.detail)
                .unwrap_or(serde_json::Value::String(e.detail.clone())),
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_login: e.actor_login,
            role: e.role,
            org_id: e.org_id,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            result: e.result,
            ip: e.ip,
            request_id: e.request_id,
        })
        .collect();
    Ok(Json(PageOf {
        items,
        total: page.total,
    }))
}
