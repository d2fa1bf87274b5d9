//! The activation JSON API.
//!
//! Every route under `/v1/tenants/{site}/{account_id}` needs a bearer token:
//! the admin token may do everything; a tenant token may only read its own
//! tenant. Errors are `{"code": …, "message": …}` with a stable code.

use crate::service::Activation;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cspm_accounts::{Access, Versioned};
use cspm_domain::authorization::Authorization;
use cspm_domain::billing::CspmBilling;
use cspm_domain::edition::{Edition, EditionPlan};
use cspm_domain::entitlement::Operation;
use cspm_domain::recommendation::{self, ServiceInstances};
use cspm_domain::{AccountCommand, ErrorCode, TenantId};
use cspm_runtime::api::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, bearer};
use cspm_runtime::health::Readiness;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub activation: Arc<Activation>,
}

/// The full router: the API plus `/metrics`; `/healthz` and `/readyz` are merged by the caller.
pub fn router(
    activation: Arc<Activation>,
    registry: prometheus::Registry,
    readiness: Readiness,
    max_body_bytes: usize,
) -> Router {
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
        .with_state(AppState { activation })
        .layer(DefaultBodyLimit::max(max_body_bytes));
    cspm_runtime::api::service(api, registry, readiness)
}

/// Parses the tenant from the path and checks the caller may `access` it.
async fn tenant_access(
    state: &AppState,
    headers: &HeaderMap,
    path: (String, String),
    access: Access,
) -> Result<TenantId, ApiError> {
    Ok(state.activation.authenticator().tenant(bearer(headers), path, access).await?)
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

type TenantPath = ApiPath<(String, String)>;

async fn create_tenant(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
) -> Result<Response, ApiError> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let (account, created) = s.activation.create(&tenant).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(TenantView::from(account))).into_response())
}

async fn get_tenant(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.activation.get(&tenant).await?.into()))
}

async fn issue_token(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<AuthorizeBody>,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::Authorize { client_token: b.client_token }).await
}

async fn revoke(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
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
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<HostSecurityBody>,
) -> ApiResult<TenantView> {
    let bound_edition = b.bound_edition.as_deref().map(str::parse).transpose()?;
    command(&s, &headers, p, AccountCommand::EnableHostSecurity { bound_edition }).await
}

async fn disable_host_security(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<UpgradeBody>,
) -> ApiResult<TenantView> {
    let cmd = AccountCommand::Upgrade {
        add_quota: b.add_quota,
        extend_months: b.extend_months,
        client_token: b.client_token,
    };
    command(&s, &headers, p, cmd).await
}

async fn unsubscribe(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
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
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<PayAsYouGoBody>,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::EnablePayAsYouGo { cap: b.cap }).await
}

async fn disable_pay_as_you_go(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::DisablePayAsYouGo).await
}

async fn quota(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
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
    ApiPath(p): TenantPath,
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
        Err(e) => Err(e.0.into()),
    }
}

impl From<crate::service::ServiceError> for ApiError {
    fn from(e: crate::service::ServiceError) -> Self {
        e.0.into()
    }
}
