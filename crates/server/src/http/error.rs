//! The one error type handlers return, and how it becomes an HTTP answer.
//!
//! Use the constructors: [`ApiError::validation`] for field problems (422, fields named),
//! [`ApiError::bad_request`] for malformed requests, [`ApiError::unauthenticated`] /
//! [`ApiError::forbidden`] / [`ApiError::not_found`] for access, [`ApiError::conflict`] for
//! uniqueness. Anything else (database, internal) is logged with context and answered as a
//! generic 500 carrying the request id — never the details.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::FieldError;
use chanjiao_store::StoreError;
use serde::Serialize;

/// A problem with one request field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldProblem>,
    /// Set on `account_locked`: until when, and the Retry-After seconds.
    pub lock: Option<Box<(String, i64)>>,
}

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldProblem>,
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: vec![],
            lock: None,
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
    }
    pub fn session_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "session_expired",
            "登录已超时，请重新登录",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "没有权限执行此操作")
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "对象不存在或无权访问")
    }
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "请求校验失败，请刷新页面后重试",
        )
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后重试",
        )
    }
    /// 422 naming each field and what to fix.
    pub fn validation(fields: Vec<FieldProblem>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "提交的内容有误，请按提示修改",
        );
        e.fields = fields;
        e
    }
    pub fn field(field: &str, err: FieldError) -> Self {
        Self::validation(vec![FieldProblem::from_error(field, err)])
    }
    pub fn fields(errors: Vec<(&'static str, FieldError)>) -> Self {
        Self::validation(
            errors
                .into_iter()
                .map(|(f, e)| FieldProblem::from_error(f, e))
                .collect(),
        )
    }
}

impl FieldProblem {
    pub fn from_error(field: &str, e: FieldError) -> Self {
        Self {
            field: field.to_owned(),
            code: e.code.to_owned(),
            message: e.message,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(what) => {
                tracing::info!(constraint = %what, "unique constraint");
                ApiError::conflict("conflict", "与已有记录重复")
            }
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::internal()
            }
        }
    }
}

tokio::task_local! {
    /// The id of the request being served, for error bodies and audit rows.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (locked_until, retry_after) = match self.lock {
            Some(l) => (Some(l.0), Some(l.1)),
            None => (None, None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                fields: self.fields,
                request_id: current_request_id(),
                locked_until,
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
