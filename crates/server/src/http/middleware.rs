//! Cross-cutting layers: request ids, security headers, the same-origin guard for
//! state-changing requests, and request metrics.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::auth::{CSRF_HEADER, is_unsafe, record_anonymous_denial};
use crate::http::error::{ApiError, REQUEST_ID};
use crate::http::extract::{client_info, header_str};
use crate::http::metrics::{RequestLabels, RouteLabels};
use crate::state::AppState;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Gives every request an id (a sane incoming one is kept), makes it available to error bodies
/// and audit rows, and echoes it in the response.
pub async fn request_id(req: Request, next: Next) -> Response {
    let incoming = header_str(req.headers(), REQUEST_ID_HEADER)
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 64
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned);
    let id = incoming.unwrap_or_else(|| crate::http::auth::random_token()[..16].to_owned());
    let mut res = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    res
}

/// Security headers on every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// State-changing requests must come from our own origin and carry a CSRF token header.
/// (Whether the token is the right one is checked against the session by `CurrentUser`, or
/// against the anonymous cookie by the login handler.)
pub async fn origin_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_unsafe(req.method()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let expected = match &state.settings.http.public_origin {
        Some(o) => Some(o.trim_end_matches('/').to_owned()),
        None => header_str(headers, "host").map(|h| {
            let scheme = if state.settings.http.secure_cookies {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{h}")
        }),
    };
    let origin_ok = match header_str(headers, "origin") {
        Some(origin) => expected.as_deref() == Some(origin),
        // No Origin: only non-browser clients; browsers always send it on unsafe requests.
        // Sec-Fetch-Site, when present, still has to say same-origin.
        None => {
            header_str(headers, "sec-fetch-site").is_none_or(|s| s == "same-origin" || s == "none")
        }
    };
    let has_token = header_str(headers, CSRF_HEADER).is_some_and(|t| !t.is_empty());
    if !origin_ok || !has_token {
        let (parts, _) = req.into_parts();
        let client = client_info(&parts);
        let what = format!("{} {}", parts.method, parts.uri.path());
        record_anonymous_denial(&state, &client, "csrf.rejected", &what).await;
        return ApiError::csrf().into_response();
    }
    next.run(req).await
}

/// Counts requests and their latency by matched route (not raw path: ids would explode the
/// label set).
pub async fn track_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status,
        })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(start.elapsed().as_secs_f64());
    res
}
