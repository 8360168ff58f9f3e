//! Authentication: argon2id passwords, server-side sessions in cookies, CSRF tokens, and the
//! [`CurrentUser`] extractor every protected handler takes.
//!
//! CSRF: state-changing requests must carry `X-CSRF-Token`. With a session it must equal the
//! session's token; before login it must equal the anonymous `chanjiao_csrf` cookie (double
//! submit). The Origin check is in [`crate::http::middleware::origin_guard`].

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use chanjiao_domain::policy::{self, Action, Actor, Decision, Target};
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::users::sessions;
use chanjiao_store::users::{GrantRow, UserRow};
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ClientInfo, client_info, header_str};
use crate::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const ANON_CSRF_COOKIE: &str = "chanjiao_csrf";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-chanjiao_session"
    } else {
        "chanjiao_session"
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| ApiError::internal())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies off the async threads: argon2 is deliberately slow.
pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

pub async fn hash_password_blocking(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::internal())?
}

/// A random 256-bit token, hex encoded.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value. HttpOnly, SameSite=Lax, Path=/; Secure with `__Host-` when configured.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The logged-in user behind a request, with everything the policy needs.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: UserRow,
    pub grants: Vec<GrantRow>,
    pub actor: Actor,
    pub session_id: i64,
    pub csrf_token: String,
    pub client: ClientInfo,
}

pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Constant-time comparison of two tokens.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn actor_of(user: &UserRow, grants: &[GrantRow], org_kind: Option<String>) -> Actor {
    Actor {
        user_id: user.id,
        org_id: user.org_id,
        org_kind,
        grants: grants.iter().filter_map(GrantRow::grant).collect(),
    }
}

impl CurrentUser {
    /// The roles joined for the audit log's role column.
    pub fn roles_label(&self) -> Option<String> {
        let mut roles: Vec<&str> = self.grants.iter().map(|g| g.role.as_str()).collect();
        roles.dedup();
        (!roles.is_empty()).then(|| roles.join(","))
    }

    /// An audit event by this user, to fill in and record.
    pub fn event(&self, action: &str, object_type: &str, object_id: impl ToString) -> NewEvent {
        NewEvent {
            actor_id: Some(self.user.id),
            actor_login: Some(self.user.login.clone()),
            role: self.roles_label(),
            org_id: self.user.org_id,
            action: action.to_owned(),
            object_type: Some(object_type.to_owned()),
            object_id: Some(object_id.to_string()).filter(|s| !s.is_empty()),
            result: audit::result::SUCCESS,
            ip: self.client.ip.clone(),
            request_id: self.client.request_id.clone(),
            detail: serde_json::json!({}),
        }
    }

    /// Whether the policy allows `action` on `target` (for what a view shows; no audit entry).
    pub fn may(&self, action: Action, target: &Target) -> bool {
        policy::decide(&self.actor, action, target) == Decision::Allow
    }

    /// Asks the policy; a refusal is written to the audit log and answered 403 or 404.
    pub async fn authorize(
        &self,
        state: &AppState,
        action: Action,
        target: &Target,
        object_type: &str,
        object_id: impl ToString,
    ) -> ApiResult<()> {
        match policy::decide(&self.actor, action, target) {
            Decision::Allow => Ok(()),
            d => {
                let mut e = self.event("access.denied", object_type, object_id);
                e.result = audit::result::DENIED;
                e.detail = serde_json::json!({ "action": format!("{action:?}") });
                audit::record(&state.db, e).await?;
                Err(if d == Decision::Hidden {
                    ApiError::not_found()
                } else {
                    ApiError::forbidden()
                })
            }
        }
    }
}

/// Records a refusal before the caller is known (no session, bad CSRF token).
pub async fn record_anonymous_denial(
    state: &AppState,
    client: &ClientInfo,
    action: &str,
    what: &str,
) {
    let e = NewEvent {
        action: action.to_owned(),
        object_type: Some("route".into()),
        object_id: Some(what.to_owned()),
        result: audit::result::DENIED,
        ip: client.ip.clone(),
        request_id: client.request_id.clone(),
        detail: serde_json::json!({}),
        ..Default::default()
    };
    if let Err(err) = audit::record(&state.db, e).await {
        tracing::error!(error = %err, "could not record a denial");
    }
}

/// Resolves the session cookie to a user. A refusal carries the audit action to record, if any.
pub async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
    client: ClientInfo,
) -> Result<CurrentUser, (ApiError, Option<&'static str>)> {
    let store = |e: chanjiao_store::StoreError| (ApiError::from(e), None);
    let secure = state.settings.http.secure_cookies;
    let Some(token) = cookie(headers, session_cookie_name(secure)) else {
        return Err((ApiError::unauthenticated(), Some("access.denied")));
    };
    let resolved = sessions::resolve(&state.db, &token_hash(token))
        .await
        .map_err(store)?;
    let now = Utc::now();
    let idle = Duration::minutes(state.settings.session.idle_minutes);
    let Some(session) = resolved
        .filter(|s| s.revoked_at.is_none() && s.expires_at > now && s.last_seen_at + idle > now)
    else {
        return Err((ApiError::session_expired(), Some("access.denied")));
    };
    if is_unsafe(method) {
        let sent = header_str(headers, CSRF_HEADER).unwrap_or("");
        if !tokens_equal(sent, &session.csrf_token) {
            return Err((ApiError::csrf(), Some("csrf.rejected")));
        }
    }
    if session.user.disabled {
        return Err((ApiError::session_expired(), Some("access.denied")));
    }
    // Sliding idle timeout; written at most once a minute to keep reads cheap.
    if now - session.last_seen_at > Duration::seconds(60) {
        sessions::touch(&state.db, session.session_id)
            .await
            .map_err(store)?;
    }
    let grants = session.grants().map_err(store)?;
    let user = session.user;
    let org_kind = session.org_kind;
    let actor = actor_of(&user, &grants, org_kind);
    Ok(CurrentUser {
        user,
        grants,
        actor,
        session_id: session.session_id,
        csrf_token: session.csrf_token,
        client,
    })
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = client_info(parts);
        match resolve(state, &parts.headers, &parts.method, client.clone()).await {
            Ok(cu) => Ok(cu),
            Err((err, action)) => {
                if let Some(action) = action {
                    let what = format!("{} {}", parts.method, parts.uri.path());
                    record_anonymous_denial(state, &client, action, &what).await;
                }
                Err(err)
            }
        }
    }
}
