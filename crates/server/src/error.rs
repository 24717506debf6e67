//! Every API error from one table, as Meilisearch does it: a stable `code`, an HTTP
//! status and a `type` (`invalid_request`: the caller's fault; `internal`: ours), answered
//! as JSON `{code, type, message, detail}`; `detail` repeats the message because that is
//! the field yente's clients read.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// What went wrong, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The query cannot be screened (empty, unknown schema, bad date, too many queries).
    InvalidQuery,
    /// The body is not the JSON expected.
    InvalidBody,
    /// The query string cannot be read.
    InvalidParameters,
    /// The body is larger than [`crate::MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// No such dataset (list).
    DatasetNotFound,
    /// No such route.
    NotFound,
    /// No valid session or API token was sent (or the token was revoked).
    Unauthenticated,
    /// The caller's role does not allow this.
    Forbidden,
    /// A state change from a browser session without the session's CSRF token.
    CsrfFailed,
    /// Too many failed sign-ins for this account or from this address.
    RateLimited,
    /// The body is not in a content type the route reads.
    UnsupportedMediaType,
    /// The change conflicts with the current state (a user name taken, the last admin).
    Conflict,
    /// A bug or a failure on our side.
    Internal,
}

impl ErrorCode {
    /// (code, HTTP status, type): the one table.
    pub fn describe(self) -> (&'static str, StatusCode, &'static str) {
        use ErrorCode::*;
        match self {
            InvalidQuery => ("invalid_query", StatusCode::BAD_REQUEST, "invalid_request"),
            InvalidBody => ("invalid_body", StatusCode::BAD_REQUEST, "invalid_request"),
            InvalidParameters => (
                "invalid_parameters",
                StatusCode::BAD_REQUEST,
                "invalid_request",
            ),
            PayloadTooLarge => (
                "payload_too_large",
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
            ),
            DatasetNotFound => (
                "dataset_not_found",
                StatusCode::NOT_FOUND,
                "invalid_request",
            ),
            NotFound => ("not_found", StatusCode::NOT_FOUND, "invalid_request"),
            Unauthenticated => ("unauthenticated", StatusCode::UNAUTHORIZED, "auth"),
            Forbidden => ("forbidden", StatusCode::FORBIDDEN, "auth"),
            CsrfFailed => ("csrf_failed", StatusCode::FORBIDDEN, "auth"),
            RateLimited => ("rate_limited", StatusCode::TOO_MANY_REQUESTS, "auth"),
            UnsupportedMediaType => (
                "unsupported_media_type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
            ),
            Conflict => ("conflict", StatusCode::CONFLICT, "invalid_request"),
            Internal => ("internal", StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// Which row of the table.
    pub code: ErrorCode,
    /// For the caller.
    pub message: String,
}

impl ApiError {
    /// An error of a code with a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl From<unmask_screen::ScreenError> for ApiError {
    fn from(error: unmask_screen::ScreenError) -> ApiError {
        use unmask_screen::ScreenError::*;
        let code = match &error {
            EmptyQuery | NameTooLong { .. } | InvalidQuery(_) => ErrorCode::InvalidQuery,
            _ => ErrorCode::Internal,
        };
        ApiError::new(code, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status, kind) = self.code.describe();
        if status.is_server_error() {
            tracing::error!(code, message = %self.message, "request failed");
        }
        let body = serde_json::json!({
            "code": code,
            "type": kind,
            "message": self.message,
            "detail": self.message,
        });
        (status, Json(body)).into_response()
    }
}
