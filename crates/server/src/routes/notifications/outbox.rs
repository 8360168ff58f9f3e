//! The mail outbox: every mail the platform sends, with its delivery attempts (without SMTP,
//! mail stays here for the office to see).

use axum::Json;
use axum::extract::State;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::Paging;
use chanjiao_store::notifications as notes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Mail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The mail outbox (without SMTP, mail stays here for the office to see).
#[utoipa::path(get, path = "/api/outbox", tag = "review", params(PageQuery),
    responses((status = 200, body = PageOf<Mail>), (status = 403, body = ErrorBody)))]
pub(super) async fn outbox(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Mail>>> {
    // The office's, as the expert pool is.
    cu.authorize(
        &state,
        Action::ReviewManage,
        &Target::ReviewPool,
        "expert_pool",
        "",
    )
    .await?;
    let page = notes::outbox(&state.db, Paging::new(q.page, q.per_page)).await?;
    Ok(Json(PageOf {
        items: page
            .items
            .into_iter()
            .map(|m| Mail {
                id: m.id,
                to_addr: m.to_addr,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
                sent_at: m.sent_at,
                attempts: m.attempts,
                last_error: m.last_error,
            })
            .collect(),
        total: page.total,
    }))
}
