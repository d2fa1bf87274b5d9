//! The collection routes: read a tenant's account through its authorized
//! role, and follow how far that got. Collection costs no quota; with
//! `"scan": true` the scan of what was read starts once it is stored.

use crate::http::{AppState, TenantPath};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cspm_accounts::Access;
use cspm_domain::{DomainError, ErrorCode};
use cspm_fleet::collection::types::{CollectionProgress, CollectionRequest};
use cspm_runtime::api::{ApiError, ApiJson, ApiPath, ApiResult};
use cspm_runtime::openapi::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, TenantPath as TenantParams, Unauthenticated, Unavailable,
    UnsupportedMediaType,
};
use tracing::Instrument;

/// Starts reading the tenant's account (every region it can use, or the
/// ones named) as the role it authorized. A retry with the same
/// `client_token` returns the first collection.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/collections", tag = "inventory",
    params(TenantParams), request_body = CollectionRequest, security(("admin_token" = [])),
    responses(
        (status = 202, description = "The collection, started", body = CollectionProgress),
        BadRequest, Unauthenticated, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unavailable,
    ))]
pub async fn collect(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(r): ApiJson<CollectionRequest>,
) -> Result<Response, ApiError> {
    let tenant = crate::http::tenant_access(&s, &headers, p, Access::Manage).await?;
    // In a task of its own: a client that hangs up does not cut a start off half-way.
    let collections = s.collections.clone();
    let started = tokio::spawn(async move { collections.start(&tenant, r).await }.instrument(tracing::Span::current()));
    let progress =
        started.await.map_err(|e| ApiError::from(DomainError::new(ErrorCode::InternalError, e.to_string())))??;
    Ok((StatusCode::ACCEPTED, Json(progress)).into_response())
}

/// The tenant's latest collections, newest first (at most 50).
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/collections", tag = "inventory",
    params(TenantParams), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The collections", body = Vec<CollectionProgress>),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
pub async fn collections(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
) -> ApiResult<Vec<CollectionProgress>> {
    let tenant = crate::http::tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.collections.list(&tenant, 50).await?))
}

/// One collection and how far it got: slices stored, assets, calls made,
/// calls the role was refused.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/collections/{collection_id}", tag = "inventory",
    params(TenantParams, ("collection_id" = String, Path, description = "The collection's id, as its start returned it")),
    security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The collection", body = CollectionProgress),
        BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable,
    ))]
pub async fn collection(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath((site, account, id)): ApiPath<(String, String, String)>,
) -> ApiResult<CollectionProgress> {
    let tenant = crate::http::tenant_access(&s, &headers, (site, account), Access::Read).await?;
    Ok(Json(s.collections.progress(&tenant, &id).await?))
}
