//! Stable error codes. They are part of the public API: services map them to
//! `{code, message}` JSON bodies and clients match on `code`, never on `message`.

use serde::{Deserialize, Serialize};

/// The codes every API of the fleet may answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ErrorCode {
    /// The tenant has not authorized the service-linked role.
    NotAuthorized,
    /// The tenant's edition or billing does not include the operation.
    NotEntitled,
    /// The purchased quota (or the pay-as-you-go cap) cannot cover the operation.
    AuthorizationExhaust,
    /// A request field is missing, malformed or out of range.
    InvalidParameter,
    /// The request conflicts with the tenant's current state (e.g. two billing methods).
    Conflict,
    /// The tenant does not exist.
    TenantNotFound,
    /// The named task, dead letter or route does not exist.
    NotFound,
    /// The HTTP method is not one the route takes.
    MethodNotAllowed,
    /// No or wrong credentials.
    Unauthenticated,
    /// Valid credentials that may not touch this resource.
    Forbidden,
    /// A backing service (Redis, NATS) is unreachable.
    ServiceUnavailable,
    /// Anything else; the message says what.
    InternalError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotAuthorized => "NotAuthorized",
            ErrorCode::NotEntitled => "NotEntitled",
            ErrorCode::AuthorizationExhaust => "AuthorizationExhaust",
            ErrorCode::InvalidParameter => "InvalidParameter",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::TenantNotFound => "TenantNotFound",
            ErrorCode::NotFound => "NotFound",
            ErrorCode::MethodNotAllowed => "MethodNotAllowed",
            ErrorCode::Unauthenticated => "Unauthenticated",
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::ServiceUnavailable => "ServiceUnavailable",
            ErrorCode::InternalError => "InternalError",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused domain command or request: a stable code and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
}
