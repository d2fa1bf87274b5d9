//! The parts of the OpenAPI document every API shares, and the route that
//! serves it.
//!
//! Each service derives its document from its handlers (`#[utoipa::path]`)
//! and the types they send and take (`ToSchema`); its router is built from
//! the same handlers with `utoipa_axum`, so a route cannot exist without its
//! entry. This module adds what is common: the error body and one response
//! per error status, the tenant path parameters, the two bearer tokens, and
//! the routes [`crate::api::service`] adds (`/healthz`, `/readyz`,
//! `/metrics`, `/openapi.json`).

use crate::api::ApiError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cspm_domain::tenant::{AccountId, Site};
use cspm_domain::{DomainError, ErrorCode};
use serde::Serialize;
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, IntoResponses, OpenApi, ToSchema};

/// Where each service serves its document.
pub const DOCUMENT_PATH: &str = "/openapi.json";

/// The security scheme names operations refer to.
pub const ADMIN_TOKEN: &str = "admin_token";
pub const TENANT_TOKEN: &str = "tenant_token";

/// Every error answer: a stable code to match on, and a message for people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<DomainError> for ErrorBody {
    fn from(e: DomainError) -> Self {
        Self { code: e.code, message: e.message }
    }
}

// One response per error status; operations list the ones they can answer.
// Each status carries only the codes `api::status_of` maps to it.

/// `InvalidParameter`: a path segment, query parameter or body field is
/// missing, malformed or out of range, or the body is not valid JSON.
#[derive(IntoResponses)]
#[response(status = 400)]
pub struct BadRequest(pub ErrorBody);

/// `Unauthenticated`: no bearer token, or an unknown or revoked one.
#[derive(IntoResponses)]
#[response(status = 401)]
pub struct Unauthenticated(pub ErrorBody);

/// `AuthorizationExhaust`: the CSPM quota (or the pay-as-you-go cap) is used up.
#[derive(IntoResponses)]
#[response(status = 402)]
pub struct QuotaExhausted(pub ErrorBody);

/// `Forbidden`: the token may not do this (a tenant token names another
/// tenant, or asks for a change, or the route needs the admin token).
/// On scans and verifications also `NotAuthorized` (the tenant has not
/// authorized the service-linked role) or `NotEntitled` (its edition and
/// billing do not include the items).
#[derive(IntoResponses)]
#[response(status = 403)]
pub struct Forbidden(pub ErrorBody);

/// `TenantNotFound`: the tenant does not exist; `NotFound`: the task or dead
/// letter does not.
#[derive(IntoResponses)]
#[response(status = 404)]
pub struct NotFound(pub ErrorBody);

/// `Conflict`: the request conflicts with the tenant's state (e.g. a second
/// billing method), or the tenant is being changed concurrently; retry.
#[derive(IntoResponses)]
#[response(status = 409)]
pub struct Conflict(pub ErrorBody);

/// `InvalidParameter`: the body is larger than the service takes.
#[derive(IntoResponses)]
#[response(status = 413)]
pub struct PayloadTooLarge(pub ErrorBody);

/// `InvalidParameter`: the body was not sent as `Content-Type: application/json`.
#[derive(IntoResponses)]
#[response(status = 415)]
pub struct UnsupportedMediaType(pub ErrorBody);

/// `InternalError`: stored data could not be read; the message says what.
#[derive(IntoResponses)]
#[response(status = 500)]
pub struct Internal(pub ErrorBody);

/// `ServiceUnavailable`: Redis or NATS did not answer, or too many starts
/// are under way; retry (with the same `client_token` where there is one).
#[derive(IntoResponses)]
#[response(status = 503)]
pub struct Unavailable(pub ErrorBody);

/// The tenant a `/v1/tenants/{site}/{account_id}/…` route is about.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TenantPath {
    /// `cn` (China) or `intl` (outside China): two separate data planes.
    #[param(inline)]
    pub site: Site,
    /// The Alibaba Cloud account id: 6 to 20 digits (real ones have 16).
    #[param(inline)]
    pub account_id: AccountId,
}

#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object), Internal))]
async fn openapi_json(State(body): State<Arc<Result<Bytes, String>>>) -> Response {
    match body.as_ref() {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes.clone()).into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError, e.clone()).into_response(),
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(crate::health::healthz, crate::health::readyz, crate::metrics::render, openapi_json),
    components(schemas(ErrorBody, ErrorCode)),
    tags((name = "operations", description = "Liveness, readiness, metrics and this document; no token needed")),
)]
struct Operations;

/// Completes a service's document: the operational routes, the error
/// schema, and the two bearer tokens.
pub fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    doc.merge(Operations::openapi());
    let components = doc.components.get_or_insert_with(Default::default);
    let bearer = |description: &str| {
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description)).build())
    };
    components.add_security_scheme(
        ADMIN_TOKEN,
        bearer(
            "The fleet's admin token (`CSPM__ACTIVATION__ADMIN_TOKEN` / `CSPM__SCHEDULER__ADMIN_TOKEN`): every route.",
        ),
    );
    components.add_security_scheme(
        TENANT_TOKEN,
        bearer("A tenant's read token (`POST …/tokens`): reads of that tenant only."),
    );
    doc
}

/// `GET /openapi.json`, serving `doc` as built at start.
pub fn document_route(doc: &utoipa::openapi::OpenApi) -> axum::Router {
    // Serialized once; a document that cannot be serialized answers 500 with
    // `{code, message}` rather than stopping the service.
    let body = serde_json::to_vec(doc).map(Bytes::from).map_err(|e| e.to_string());
    axum::Router::new().route(DOCUMENT_PATH, axum::routing::get(openapi_json)).with_state(Arc::new(body))
}
