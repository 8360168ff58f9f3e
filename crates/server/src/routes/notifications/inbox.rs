//! The caller's in-app notifications (to them or to everyone of their organisation).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_store::audit;
use chanjiao_store::notifications as notes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::Id;
use crate::state::AppState;

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
pub(super) async fn notifications(
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
pub(super) async fn read_notification(
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
