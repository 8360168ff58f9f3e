//! Login, logout, the session probe and password change.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::FieldError;
use chanjiao_store::audit::{self, NewEvent};
use chanjiao_store::{organizations, users, users::sessions};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{
    ANON_CSRF_COOKIE, CSRF_HEADER, CurrentUser, actor_of, cookie, hash_password_blocking,
    random_token, session_cookie_name, set_cookie, token_hash, tokens_equal,
    verify_password_blocking,
};
use crate::http::dto::Me;
use crate::http::error::{ApiError, ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, ClientInfo, header_str};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// Send this in `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
    pub user: Option<Me>,
}

/// Builds the `Me` of a user, loading their organisation.
pub async fn me_of(state: &AppState, cu: &CurrentUser) -> ApiResult<Me> {
    let org = match cu.user.org_id {
        Some(id) => organizations::get(&state.db, id).await?,
        None => None,
    };
    Ok(Me::new(&cu.user, org.as_ref(), &cu.grants, &cu.actor))
}

/// The current session: who is logged in (or null), and the CSRF token to use.
#[utoipa::path(get, path = "/api/auth/session", tag = "auth",
    responses((status = 200, body = SessionInfo)))]
pub(super) async fn session(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let secure = state.settings.http.secure_cookies;
    let has_session = cookie(&headers, session_cookie_name(secure)).is_some();
    if has_session
        && let Ok(cu) = crate::http::auth::resolve(&state, &headers, &Method::GET, client).await
    {
        let me = me_of(&state, &cu).await?;
        return Ok(Json(SessionInfo {
            csrf_token: cu.csrf_token,
            user: Some(me),
        })
        .into_response());
    }
    let token = cookie(&headers, ANON_CSRF_COOKIE)
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_owned)
        .unwrap_or_else(random_token);
    let mut res = Json(SessionInfo {
        csrf_token: token.clone(),
        user: None,
    })
    .into_response();
    if let Ok(v) = set_cookie(ANON_CSRF_COOKIE, &token, secure, None).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// Logs in with login name and password. Unknown logins and wrong passwords get the same
/// answer; after too many failures the login is locked for a while, even for the right password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub(super) async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let secure = state.settings.http.secure_cookies;
    // Double-submit: before a session exists the token must match the anonymous cookie.
    let sent = header_str(&headers, CSRF_HEADER).unwrap_or("");
    let anon = cookie(&headers, ANON_CSRF_COOKIE).unwrap_or("");
    if anon.is_empty() || !tokens_equal(sent, anon) {
        crate::http::auth::record_anonymous_denial(
            &state,
            &client,
            "csrf.rejected",
            "POST /api/auth/login",
        )
        .await;
        return Err(ApiError::csrf());
    }
    let login = chanjiao_domain::validate::normalize(&body.login).to_lowercase();
    if login.is_empty() || login.chars().count() > 64 {
        return Err(ApiError::field(
            "login",
            FieldError::new("required", "请输入登录名"),
        ));
    }
    if body.password.is_empty() || body.password.chars().count() > 1024 {
        return Err(ApiError::field(
            "password",
            FieldError::new("required", "请输入密码"),
        ));
    }
    let event = |action: &str, result: &'static str, user: Option<&users::UserRow>| NewEvent {
        actor_id: user.map(|u| u.id),
        actor_login: Some(login.clone()),
        org_id: user.and_then(|u| u.org_id),
        action: action.to_owned(),
        object_type: Some("user".into()),
        object_id: user.map(|u| u.id.to_string()),
        result,
        ip: client.ip.clone(),
        request_id: client.request_id.clone(),
        detail: serde_json::json!({}),
        ..Default::default()
    };

    let now = Utc::now();
    if let Some(t) = users::throttle(&state.db, &login).await?
        && let Some(until) = t.locked_until.filter(|u| *u > now)
    {
        let mut e = event("auth.login_failed", audit::result::FAILURE, None);
        e.detail = serde_json::json!({ "reason": "locked" });
        audit::record(&state.db, e).await?;
        return Err(locked(until));
    }

    let user = users::find_by_login(&state.db, &login).await?;
    let hash = user.as_ref().map_or_else(
        || state.dummy_hash.as_str().to_owned(),
        |u| u.password_hash.clone(),
    );
    let password_ok = verify_password_blocking(body.password, hash).await;
    let user = user.filter(|u| password_ok && !u.disabled);

    let mut tx = state.db.begin().await?;
    let Some(user) = user else {
        let t = users::record_failure(
            &mut tx,
            &login,
            state.settings.login.max_failures,
            Duration::minutes(state.settings.login.lockout_minutes),
        )
        .await?;
        let mut e = event("auth.login_failed", audit::result::FAILURE, None);
        e.detail = serde_json::json!({ "reason": "invalid_credentials", "failures": t.failures });
        audit::append(&mut tx, e).await?;
        if t.locked_until.is_some() && t.failures >= state.settings.login.max_failures {
            let mut e = event("auth.lockout", audit::result::SUCCESS, None);
            e.detail =
                serde_json::json!({ "failures": t.failures, "locked_until": t.locked_until });
            audit::append(&mut tx, e).await?;
        }
        tx.commit().await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "登录名或密码错误",
        ));
    };

    users::clear_failures(&mut tx, &login).await?;
    // Rotation: any session the browser still had is revoked, and a fresh token issued.
    if let Some(old) = cookie(&headers, session_cookie_name(secure))
        && let Some(s) = sessions::find(&state.db, &token_hash(old)).await?
        && s.user_id == user.id
    {
        sessions::revoke(&mut tx, s.id).await?;
    }
    let token = random_token();
    let csrf = random_token();
    let expires_at = chanjiao_store::now() + Duration::hours(state.settings.session.absolute_hours);
    let th = token_hash(&token);
    sessions::insert(
        &mut tx,
        &sessions::NewSession {
            token_hash: &th,
            user_id: user.id,
            csrf_token: &csrf,
            expires_at,
            ip: client.ip.as_deref(),
            user_agent: client.user_agent.as_deref(),
        },
    )
    .await?;
    users::touch_login(&mut tx, user.id).await?;
    let grants = users::grants_of(&state.db, user.id).await?;
    let mut e = event("auth.login", audit::result::SUCCESS, Some(&user));
    let roles: Vec<&str> = grants.iter().map(|g| g.role.as_str()).collect();
    e.role = (!roles.is_empty()).then(|| roles.join(","));
    audit::append(&mut tx, e).await?;
    tx.commit().await?;

    let org = match user.org_id {
        Some(id) => organizations::get(&state.db, id).await?,
        None => None,
    };
    let actor = actor_of(&user, &grants, org.as_ref().map(|o| o.kind.clone()));
    let me = Me::new(&user, org.as_ref(), &grants, &actor);
    let mut res = Json(SessionInfo {
        csrf_token: csrf,
        user: Some(me),
    })
    .into_response();
    let max_age = state.settings.session.absolute_hours * 3600;
    if let Ok(v) = set_cookie(session_cookie_name(secure), &token, secure, Some(max_age)).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn locked(until: chrono::DateTime<Utc>) -> ApiError {
    let minutes = ((until - Utc::now()).num_seconds() + 59) / 60;
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "account_locked",
        format!(
            "登录失败次数过多，账号已锁定，请{}分钟后再试",
            minutes.max(1)
        ),
    );
    e.lock = Some(Box::new((
        until.to_rfc3339(),
        (until - Utc::now()).num_seconds(),
    )));
    e
}

/// Ends the current session on the server.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub(super) async fn logout(State(state): State<AppState>, cu: CurrentUser) -> ApiResult<Response> {
    let mut tx = state.db.begin().await?;
    sessions::revoke(&mut tx, cu.session_id).await?;
    audit::append(&mut tx, cu.event("auth.logout", "user", cu.user.id)).await?;
    tx.commit().await?;
    let secure = state.settings.http.secure_cookies;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(session_cookie_name(secure), "", secure, Some(0)).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Changes one's own password. Other sessions of the account are ended.
#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = ChangePassword,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(super) async fn change_password(
    State(state): State<AppState>,
    cu: CurrentUser,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    if !verify_password_blocking(body.current_password, cu.user.password_hash.clone()).await {
        return Err(ApiError::field(
            "current_password",
            FieldError::new("wrong_password", "当前密码不正确"),
        ));
    }
    state
        .settings
        .password
        .check(&body.new_password, &cu.user.login)
        .map_err(|e| ApiError::field("new_password", e))?;
    let hash = hash_password_blocking(body.new_password).await?;
    let mut tx = state.db.begin().await?;
    users::set_password(&mut tx, cu.user.id, &hash).await?;
    sessions::revoke_all_of(&mut tx, cu.user.id, Some(cu.session_id)).await?;
    audit::append(
        &mut tx,
        cu.event("auth.password_change", "user", cu.user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
