//! Extractors whose rejections are JSON [`ApiError`]s naming the problem, instead of axum's
//! plain-text defaults: a body with an unknown field, a wrong type, a bad path id or query.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, FieldProblem};

/// A JSON body. Unknown fields (mass assignment), wrong types and missing fields are answered
/// with 422 naming the field; malformed JSON with 400; oversized bodies with 413.
pub struct ApiJson<T>(pub T);

fn json_error(path: String, inner: &serde_json::Error) -> ApiError {
    let msg = inner.to_string();
    let field_in = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = field_in("unknown field `") {
        let field = if path.is_empty() || path == "." {
            name.clone()
        } else {
            path.clone()
        };
        return ApiError::validation(vec![FieldProblem {
            field,
            code: "unknown_field".into(),
            message: format!("不接受字段“{name}”"),
        }]);
    }
    if let Some(name) = field_in("missing field `") {
        return ApiError::validation(vec![FieldProblem {
            field: name.clone(),
            code: "required".into(),
            message: format!("缺少字段“{name}”"),
        }]);
    }
    if inner.is_data() {
        return ApiError::validation(vec![FieldProblem {
            field: path.clone(),
            code: "invalid_type".into(),
            message: format!("字段“{path}”的类型不正确"),
        }]);
    }
    ApiError::bad_request("invalid_json", "请求内容不是有效的 JSON")
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求须为 application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "请求内容过大")
                } else {
                    ApiError::bad_request("invalid_body", "无法读取请求内容")
                }
            })?;
        // The fast path; only a body that fails is parsed again to find the failing field's path.
        if let Ok(value) = serde_json::from_slice(&bytes) {
            return Ok(ApiJson(value));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            json_error(path, e.inner())
        })?;
        Ok(ApiJson(value))
    }
}

/// Query-string parameters; a bad value is a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_from(q).map(ApiQuery).map_err(|m| {
            let mut e = ApiError::bad_request("invalid_query", "查询参数有误");
            e.fields.push(FieldProblem {
                field: "query".into(),
                code: "invalid_query".into(),
                message: m,
            });
            e
        })
    }
}

fn serde_urlencoded_from<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{q}")
            .parse()
            .map_err(|_| "无效的查询".to_owned())?,
    )
    .map(|axum::extract::Query(v)| v)
    .map_err(|e| e.body_text())
}

/// A numeric id in the path; anything else is a 404 (there is no such object).
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| ApiError::not_found())
    }
}

/// Two numeric ids in the path (`/users/{id}/roles/{grant_id}`).
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path((a, b)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Ids(a, b)),
            _ => Err(ApiError::not_found()),
        }
    }
}

/// Where the request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(client_info(parts))
    }
}

pub fn client_info(parts: &Parts) -> ClientInfo {
    let ip = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    ClientInfo {
        ip,
        user_agent: header_str(&parts.headers, "user-agent").map(|s| s.chars().take(300).collect()),
        request_id: crate::http::error::current_request_id(),
    }
}

pub fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}
