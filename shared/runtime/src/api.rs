//! The JSON API edge shared by every service: errors as `{code, message}`
//! with the HTTP status their stable code implies, and extractors whose
//! rejections are such errors too.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cspm_domain::{DomainError, ErrorCode};
use serde::de::DeserializeOwned;

/// An API error: HTTP status plus `{code, message}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: DomainError,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, error: DomainError::new(code, message) }
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidParameter => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden | ErrorCode::NotAuthorized | ErrorCode::NotEntitled => StatusCode::FORBIDDEN,
        ErrorCode::AuthorizationExhaust => StatusCode::PAYMENT_REQUIRED,
        ErrorCode::TenantNotFound | ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        if matches!(error.code, ErrorCode::InternalError | ErrorCode::ServiceUnavailable) {
            tracing::error!(error = %error, "request failed");
        }
        Self { status: status_of(error.code), error }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(crate::openapi::ErrorBody::from(self.error))).into_response()
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// The fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such route; see the README for the API")
}

/// The fallback for a known route called with a method it does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this route does not take that method; see /openapi.json",
    )
}

/// The bearer token of a request, if it sent one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// `Json<T>` whose rejections are `{code: InvalidParameter, message}`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// Every body problem is `InvalidParameter`; the status says which kind
/// (415 no JSON content type, 413 too large, 400 anything else).
fn json_rejection(r: JsonRejection) -> ApiError {
    let (status, message) = match &r {
        JsonRejection::MissingJsonContentType(_) => {
            (r.status(), "send the body as JSON with Content-Type: application/json".to_owned())
        }
        _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => (r.status(), "the request body is too large".to_owned()),
        _ => (StatusCode::BAD_REQUEST, format!("malformed JSON body: {}", r.body_text())),
    };
    ApiError::new(status, ErrorCode::InvalidParameter, message)
}

/// `Path<T>` whose rejections (a segment that is not valid UTF-8 or not the
/// expected type) are `{code: InvalidParameter, message}`, not plain text.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(
            |r: PathRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidParameter,
                    format!("bad path: {}", r.body_text()),
                )
            },
        )
    }
}

/// `Query<T>` whose rejections are `{code: InvalidParameter, message}`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(
            |r: QueryRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidParameter,
                    format!("bad query: {}", r.body_text()),
                )
            },
        )
    }
}

/// A service's whole router: its API, `/metrics`, `/healthz` and `/readyz`,
/// request metrics and a trace span per request, and `{code, message}`
/// answers for unknown routes and for methods a route does not take.
pub fn service(api: axum::Router, registry: prometheus::Registry, readiness: crate::health::Readiness) -> axum::Router {
    let metrics = crate::metrics::HttpMetrics::new(&registry);
    crate::metrics::router(registry)
        .merge(api)
        .merge(crate::health::router(readiness))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(metrics, crate::metrics::track_http))
        .layer(axum::middleware::from_fn(crate::telemetry::trace_http))
}

/// Checks a service's admin token setting, naming the variable to set.
pub fn require_admin_token(token: &str, env_name: &str) -> anyhow::Result<()> {
    if token.len() < 16 {
        anyhow::bail!("{env_name} must be set to at least 16 characters (e.g. {env_name}=$(openssl rand -hex 24))");
    }
    Ok(())
}
