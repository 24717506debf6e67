//! Constructors and conversions for the investigation routes' errors. The table itself
//! (code, status, type) is [`crate::error::ErrorCode`]; here are the fixed messages of
//! the auth rows and the mapping of store and account failures. Messages never carry
//! personal data or input values: the details a user needs (which field) are named,
//! not quoted.

use serde::{Deserialize, Serialize};

use crate::accounts::AccountError;
use crate::error::{ApiError, ErrorCode};

/// The JSON body of every error (for the OpenAPI document).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code, e.g. `unauthenticated`, `forbidden`, `csrf_failed`, `not_found`.
    pub code: String,
    /// `invalid_request`, `auth` or `internal`.
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// The message again (the field yente's clients read).
    pub detail: String,
}

impl ApiError {
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "sign in or send a valid API token",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden, "your role does not allow this")
    }

    pub fn csrf_failed() -> ApiError {
        ApiError::new(ErrorCode::CsrfFailed, "the CSRF token is missing or wrong")
    }

    pub fn payload_too_large() -> ApiError {
        ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound, "no such resource")
    }

    pub fn internal() -> ApiError {
        ApiError::new(ErrorCode::Internal, "internal error; see the server log")
    }

    pub fn invalid_body(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidBody, message)
    }

    pub fn invalid_parameters(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidParameters, message)
    }
}

impl From<unmask_store::StoreError> for ApiError {
    fn from(error: unmask_store::StoreError) -> ApiError {
        match error {
            unmask_store::StoreError::NotFound { .. } => ApiError::not_found(),
            other => {
                tracing::error!("store: {other}");
                ApiError::internal()
            }
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> ApiError {
        tracing::error!("store: {error}");
        ApiError::internal()
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> ApiError {
        match error {
            AccountError::NoSuchUser(_) | AccountError::NoSuchToken(_) => ApiError::not_found(),
            AccountError::UnknownRole(_) | AccountError::BadName => ApiError::invalid_body(
                "user names are 1 to 64 letters, digits, '.', '_', '-' or '@'; roles are viewer, analyst or admin",
            ),
            AccountError::UserExists(_) => {
                ApiError::new(ErrorCode::Conflict, "a user with this name already exists")
            }
            AccountError::LastAdmin => ApiError::new(
                ErrorCode::Conflict,
                "the last enabled admin cannot be disabled or lose the admin role",
            ),
            other => {
                tracing::error!("accounts: {other}");
                ApiError::internal()
            }
        }
    }
}
