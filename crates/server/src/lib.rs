//! Chanjiao's HTTP server: the axum router, sessions and CSRF, per-object authorisation through
//! the domain policy, the OpenAPI document and the embedded UI.

pub mod access;
pub mod config;
pub mod files;
pub mod http;
pub mod mail;
pub mod print;
pub mod routes;
pub mod state;
pub mod uploads;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use config::Settings;
pub use state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Chanjiao (产教) API", description = "专精特新产业学院管理平台 API. Session cookie \
    authentication; every state-changing request needs the `X-CSRF-Token` header from \
    `GET /api/auth/session` and a same-origin `Origin`."),
    tags((name = "auth"), (name = "organizations"), (name = "users"), (name = "audit"), (name = "meta"),
         (name = "calls"), (name = "applications"), (name = "attachments"), (name = "public"))
)]
struct ApiDoc;

/// The API routes and their OpenAPI description.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::organizations::routes())
        .merge(routes::users::routes())
        .merge(routes::audit::routes())
        .merge(routes::meta::routes())
        .merge(routes::calls::routes())
        .merge(routes::applications::routes())
        .merge(routes::attachments::routes())
        .merge(routes::review::routes())
        .merge(routes::notifications::routes())
        .split_for_parts()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api();
    let openapi_json = openapi.to_json().unwrap_or_else(|_| "{}".into());
    let api = api
        .route(
            "/api/openapi.json",
            get(
                move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi_json) },
            ),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::middleware::track_metrics,
        ));
    Router::new()
        .merge(api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(http::ui::serve)
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::middleware::origin_guard,
        ))
        .layer(axum::middleware::from_fn(
            http::middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn(http::middleware::request_id))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::error!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Serves until `shutdown` resolves. Returns the bound address through `bound` first (port 0
/// picks a free port, which tests use).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    let chainer = tokio::spawn(audit_chainer(db.clone()));
    let mailer = mail::Mailer::from_settings(&state.settings.mail)
        .map(|m| tokio::spawn(mail_sender(db.clone(), m, state.settings.mail.poll_seconds)));
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    chainer.abort();
    if let Some(m) = mailer {
        m.abort();
    }
    if let Err(e) = chanjiao_store::audit::chain_pending(&db).await {
        tracing::error!(error = %e, "chaining the last audit events failed");
    }
    served
}

/// Delivers the mail outbox over SMTP, retrying with back-off; a mail is marked sent only after
/// the server accepted it (at-least-once delivery).
async fn mail_sender(db: chanjiao_store::Db, mailer: mail::Mailer, poll_seconds: u64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(poll_seconds.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = mail::deliver_due(&db, &mailer).await {
            tracing::warn!(error = %e, "mail outbox: will retry");
        }
    }
}

/// Moves audit events from the inbox into the hash chain, off the request path: every 20 ms,
/// each pass one transaction per 500 events. Events are already durable in the inbox; this
/// only gives them their place and hash.
async fn audit_chainer(db: chanjiao_store::Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = chanjiao_store::audit::chain_pending(&db).await {
            tracing::warn!(error = %e, "audit chainer: will retry");
        }
    }
}
