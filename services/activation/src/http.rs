//! The activation JSON API.
//!
//! Every route under `/v1/tenants/{site}/{account_id}` needs a bearer token:
//! the admin token may do everything; a tenant token may only read its own
//! tenant. Errors are `{"code": …, "message": …}` with a stable code.

use crate::service::{Activation, Principal, ServiceError};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cspm_accounts::Versioned;
use cspm_domain::authorization::Authorization;
use cspm_domain::billing::CspmBilling;
use cspm_domain::edition::{Edition, EditionPlan};
use cspm_domain::entitlement::Operation;
use cspm_domain::recommendation::{self, ServiceInstances};
use cspm_domain::{AccountCommand, DomainError, ErrorCode, TenantId};
use cspm_runtime::metrics::{HttpMetrics, track_http};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub activation: Arc<Activation>,
}

/// The full router: the API plus `/metrics`; `/healthz` and `/readyz` are merged by the caller.
pub fn router(activation: Arc<Activation>, registry: prometheus::Registry, max_body_bytes: usize) -> Router {
    let tenant = "/v1/tenants/{site}/{account_id}";
    let api = Router::new()
        .route(tenant, put(create_tenant).get(get_tenant))
        .route(&format!("{tenant}/tokens"), post(issue_token))
        .route(&format!("{tenant}/authorization"), put(authorize).delete(revoke))
        .route(&format!("{tenant}/edition"), put(set_edition))
        .route(&format!("{tenant}/host-security"), put(enable_host_security).delete(disable_host_security))
        .route(&format!("{tenant}/cspm/subscription"), put(subscribe).delete(unsubscribe))
        .route(&format!("{tenant}/cspm/subscription/upgrade"), post(upgrade))
        .route(&format!("{tenant}/cspm/pay-as-you-go"), put(enable_pay_as_you_go).delete(disable_pay_as_you_go))
        .route(&format!("{tenant}/quota"), get(quota))
        .route(&format!("{tenant}/recommendation"), get(recommend_uniform).post(recommend_inventory))
        .route(&format!("{tenant}/entitlement"), post(entitlement))
        .fallback(not_found)
        .with_state(AppState { activation })
        .layer(DefaultBodyLimit::max(max_body_bytes));
    let metrics = HttpMetrics::new(&registry);
    cspm_runtime::metrics::router(registry)
        .merge(api)
        .layer(axum::middleware::from_fn_with_state(metrics, track_http))
        .layer(axum::middleware::from_fn(cspm_runtime::telemetry::trace_http))
}

// ---------- errors ----------

/// An API error: HTTP status plus `{code, message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: DomainError,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, error: DomainError::new(code, message) }
    }
}

fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidParameter => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden | ErrorCode::NotAuthorized | ErrorCode::NotEntitled => StatusCode::FORBIDDEN,
        ErrorCode::AuthorizationExhaust => StatusCode::PAYMENT_REQUIRED,
        ErrorCode::TenantNotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        Self { status: status_of(error.code), error }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        if matches!(e.code(), ErrorCode::InternalError | ErrorCode::ServiceUnavailable) {
            tracing::error!(error = %e, "request failed");
        }
        e.0.into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"code": self.error.code, "message": self.error.message}))).into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::InvalidParameter, "no such route; see the README for the API")
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

// ---------- authentication ----------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Manage,
}

/// Parses the tenant from the path and checks the caller may `access` it.
async fn tenant_access(
    state: &AppState,
    headers: &HeaderMap,
    (site, account_id): (String, String),
    access: Access,
) -> Result<TenantId, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, "send Authorization: Bearer <token>")
        })?;
    let principal = state.activation.authenticate(token).await?;
    let tenant = TenantId::parse(&site, &account_id)?;
    match principal {
        Some(Principal::Admin) => Ok(tenant),
        Some(Principal::Tenant(own)) if own == tenant && access == Access::Read => Ok(tenant),
        Some(Principal::Tenant(own)) if own == tenant => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "a tenant token can only read; changes need the admin token",
        )),
        Some(Principal::Tenant(_)) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "this token belongs to another tenant"))
        }
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, "unknown or revoked token")),
    }
}

// ---------- views ----------

/// A tenant as the API shows it (internal bookkeeping left out).
#[derive(Debug, Serialize)]
pub struct TenantView {
    pub tenant: TenantId,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub authorized: bool,
    pub authorization: Option<Authorization>,
    pub edition: EditionPlan,
    pub cspm: CspmBilling,
}

impl From<Versioned> for TenantView {
    fn from(v: Versioned) -> Self {
        let a = v.account;
        Self {
            authorized: a.is_authorized(),
            tenant: a.tenant,
            version: v.version,
            created_at: a.created_at,
            authorization: a.authorization,
            edition: a.edition_plan,
            cspm: a.cspm,
        }
    }
}

// ---------- handlers ----------

type TenantPath = Path<(String, String)>;

async fn create_tenant(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
) -> Result<Response, ApiError> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let (account, created) = s.activation.create(&tenant).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(TenantView::from(account))).into_response())
}

async fn get_tenant(State(s): State<AppState>, headers: HeaderMap, Path(p): TenantPath) -> ApiResult<TenantView> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.activation.get(&tenant).await?.into()))
}

async fn issue_token(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
) -> ApiResult<serde_json::Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let token = s.activation.issue_token(&tenant).await?;
    Ok(Json(json!({"tenant": tenant, "token": token, "access": "read"})))
}

/// Runs one account command for a manage-access caller.
async fn command(s: &AppState, headers: &HeaderMap, p: (String, String), cmd: AccountCommand) -> ApiResult<TenantView> {
    let tenant = tenant_access(s, headers, p, Access::Manage).await?;
    Ok(Json(s.activation.execute(&tenant, cmd).await?.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorizeBody {
    client_token: String,
}

async fn authorize(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<AuthorizeBody>,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::Authorize { client_token: b.client_token }).await
}

async fn revoke(State(s): State<AppState>, headers: HeaderMap, Path(p): TenantPath) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::RevokeAuthorization).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionBody {
    edition: String,
}

async fn set_edition(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<EditionBody>,
) -> ApiResult<TenantView> {
    let edition: Edition = b.edition.parse()?;
    command(&s, &headers, p, AccountCommand::SetEdition { edition }).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HostSecurityBody {
    bound_edition: Option<String>,
}

async fn enable_host_security(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<HostSecurityBody>,
) -> ApiResult<TenantView> {
    let bound_edition = b.bound_edition.as_deref().map(str::parse).transpose()?;
    command(&s, &headers, p, AccountCommand::EnableHostSecurity { bound_edition }).await
}

async fn disable_host_security(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::DisableHostSecurity).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscribeBody {
    quota: u64,
    months: u32,
    client_token: Option<String>,
}

async fn subscribe(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<SubscribeBody>,
) -> ApiResult<TenantView> {
    command(
        &s,
        &headers,
        p,
        AccountCommand::Subscribe { quota: b.quota, months: b.months, client_token: b.client_token },
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpgradeBody {
    add_quota: u64,
    extend_months: Option<u32>,
    client_token: Option<String>,
}

async fn upgrade(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<UpgradeBody>,
) -> ApiResult<TenantView> {
    let cmd = AccountCommand::Upgrade {
        add_quota: b.add_quota,
        extend_months: b.extend_months,
        client_token: b.client_token,
    };
    command(&s, &headers, p, cmd).await
}

async fn unsubscribe(State(s): State<AppState>, headers: HeaderMap, Path(p): TenantPath) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::Unsubscribe).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayAsYouGoBody {
    cap: Option<u64>,
}

async fn enable_pay_as_you_go(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<PayAsYouGoBody>,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::EnablePayAsYouGo { cap: b.cap }).await
}

async fn disable_pay_as_you_go(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::DisablePayAsYouGo).await
}

async fn quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
) -> ApiResult<crate::service::QuotaReport> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.activation.quota(&tenant).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UniformQuery {
    services: u64,
    instances_per_service: u64,
}

async fn recommend_uniform(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiQuery(q): ApiQuery<UniformQuery>,
) -> ApiResult<recommendation::Recommendation> {
    tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(recommendation::recommend_uniform(q.services, q.instances_per_service)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryBody {
    services: Vec<ServiceInstances>,
}

async fn recommend_inventory(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<InventoryBody>,
) -> ApiResult<recommendation::Recommendation> {
    tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(recommendation::recommend(&b.services)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntitlementBody {
    operation: Operation,
    #[serde(default = "one")]
    instances: u64,
}

fn one() -> u64 {
    1
}

/// Answers 200 whether or not the operation is allowed: the query itself succeeded.
async fn entitlement(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
    ApiJson(b): ApiJson<EntitlementBody>,
) -> ApiResult<serde_json::Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    match s.activation.entitlement(&tenant, b.operation, b.instances).await {
        Ok(allowance) => Ok(Json(json!({"allowed": true, "operation": b.operation, "allowance": allowance}))),
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::NotAuthorized | ErrorCode::NotEntitled | ErrorCode::AuthorizationExhaust
            ) =>
        {
            Ok(Json(json!({"allowed": false, "operation": b.operation, "code": e.code(), "message": e.0.message})))
        }
        Err(e) => Err(e.into()),
    }
}
