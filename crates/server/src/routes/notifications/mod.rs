//! In-app notifications (to a user or to everyone of their organisation) and the mail outbox.
//! Every area writes them (through `chanjiao_store::notifications`); these are the reading ends.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::policy::{Action, Target};
use chanjiao_store::notifications as notes;
use chanjiao_store::{Paging, audit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::CurrentUser;
use crate::http::dto::PageOf;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiQuery, Id};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(read_notification))
        .routes(routes!(outbox))
}

// Notifications and the outbox

#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The caller's notifications and their organisation's.
#[utoipa::path(get, path = "/api/notifications", tag = "review",
    responses((status = 200, body = Vec<Notification>)))]
async fn notifications(
    State(state): State<AppState>,
    cu: CurrentUser,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(
        notes::notifications_for(&state.db, cu.user.id, cu.user.org_id)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

/// Marks a notification read (one addressed to the caller or their organisation).
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "review", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn read_notification(
    State(state): State<AppState>,
    cu: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    let n = notes::get_notification(&state.db, id)
        .await?
        .filter(|n| {
            n.user_id == Some(cu.user.id) || (n.org_id.is_some() && n.org_id == cu.user.org_id)
        })
        .ok_or_else(ApiError::not_found)?;
    if n.read_at.is_none() {
        let mut tx = state.db.begin().await?;
        notes::mark_read(&mut tx, id).await?;
        audit::append(&mut tx, cu.event("notification.read", "notification", id)).await?;
        tx.commit().await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

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
async fn outbox(
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
