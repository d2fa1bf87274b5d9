//! The activation JSON API.
//!
//! Every route under `/v1/tenants/{site}/{account_id}` needs a bearer token:
//! the admin token may do everything; a tenant token may only read its own
//! tenant. Errors are `{"code": …, "message": …}` with a stable code.
//!
//! Each handler carries its OpenAPI description (`#[utoipa::path]`), and the
//! router is built from those handlers, so `/openapi.json` lists exactly the
//! routes served, with the types they really send and take.

use crate::service::{Activation, QuotaReport};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use cspm_accounts::{Access, Versioned};
use cspm_domain::authorization::Authorization;
use cspm_domain::billing::CspmBilling;
use cspm_domain::edition::{Edition, EditionPlan};
use cspm_domain::entitlement::{Allowance, Operation};
use cspm_domain::recommendation::{self, Recommendation, ServiceInstances};
use cspm_domain::{AccountCommand, ErrorCode, TenantId};
use cspm_runtime::api::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, bearer};
use cspm_runtime::health::Readiness;
use cspm_runtime::openapi::{
    BadRequest, Conflict, Forbidden, Internal, NotFound, PayloadTooLarge, TenantPath as TenantParams, Unauthenticated,
    Unavailable, UnsupportedMediaType,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Clone)]
pub struct AppState {
    pub activation: Arc<Activation>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CSPM activation API",
        description = "Tenants of the CSPM fleet: authorization of the service-linked role, Security Center \
            editions, the CSPM billing method and purchases, quota, and the recommendation and entitlement queries. \
            Errors are `{code, message}`; `code` is stable. A route called with a method it does not take \
            answers 405 `MethodNotAllowed`, an unknown path 404 `NotFound`.",
    ),
    tags(
        (name = "tenants", description = "Creating and reading tenants, and their read tokens"),
        (name = "billing", description = "Authorization, editions and the CSPM billing method (admin token)"),
        (name = "quota", description = "Quota, the purchase recommendation and the entitlement query"),
    ),
)]
struct ActivationApi;

/// The full router: the API, `/openapi.json`, `/metrics`, `/healthz` and `/readyz`.
pub fn router(
    activation: Arc<Activation>,
    registry: prometheus::Registry,
    readiness: Readiness,
    max_body_bytes: usize,
) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(ActivationApi::openapi())
        .routes(routes!(create_tenant, get_tenant))
        .routes(routes!(issue_token))
        .routes(routes!(authorize, revoke))
        .routes(routes!(set_edition))
        .routes(routes!(enable_host_security, disable_host_security))
        .routes(routes!(subscribe, unsubscribe))
        .routes(routes!(upgrade))
        .routes(routes!(enable_pay_as_you_go, disable_pay_as_you_go))
        .routes(routes!(quota))
        .routes(routes!(recommend_uniform, recommend_inventory))
        .routes(routes!(entitlement))
        .with_state(AppState { activation })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .split_for_parts();
    let doc = cspm_runtime::openapi::complete(doc);
    cspm_runtime::api::service(api.merge(cspm_runtime::openapi::document_route(&doc)), registry, readiness)
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
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub tenant: TenantId,
    /// Bumped by every change.
    pub version: u64,
    pub created_at: DateTime<Utc>,
    /// Whether the service-linked role is authorized now (not revoked).
    pub authorized: bool,
    /// The authorization record, kept (with `revoked_at`) after a revocation.
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

/// A newly issued read token: shown once; the previous one stops working.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub tenant: TenantId,
    pub token: String,
    /// Always `read`.
    pub access: &'static str,
}

/// The answer to an entitlement query: `allowance` when allowed, `code` and
/// `message` when not.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntitlementView {
    pub allowed: bool,
    pub operation: Operation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowance: Option<Allowance>,
    /// `NotAuthorized`, `NotEntitled` or `AuthorizationExhaust`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

// ---------- handlers ----------

type TenantPath = ApiPath<(String, String)>;

/// Creates the tenant, or returns it unchanged if it exists.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}", tag = "tenants", params(TenantParams),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant already existed", body = TenantView),
        (status = 201, description = "The tenant was created", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, Internal, Unavailable,
    ))]
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

/// The tenant (an ended subscription is expired first).
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}", tag = "tenants", params(TenantParams),
    security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The tenant", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn get_tenant(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.activation.get(&tenant).await?.into()))
}

/// Issues a new read token for the tenant; the previous one stops working.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/tokens", tag = "tenants", params(TenantParams),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The new token", body = TokenView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Internal, Unavailable,
    ))]
async fn issue_token(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TokenView> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let token = s.activation.issue_token(&tenant).await?;
    Ok(Json(TokenView { tenant, token, access: "read" }))
}

/// Runs one account command for a manage-access caller.
async fn command(s: &AppState, headers: &HeaderMap, p: (String, String), cmd: AccountCommand) -> ApiResult<TenantView> {
    let tenant = tenant_access(s, headers, p, Access::Manage).await?;
    Ok(Json(s.activation.execute(&tenant, cmd).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AuthorizeBody {
    /// Idempotency key: 1 to 64 printable ASCII characters without spaces.
    #[schema(pattern = "^[!-~]{1,64}$")]
    client_token: String,
    /// A RAM role in the tenant's own account that trusts the operator's
    /// account (`acs:ram::<account>:role/<name>`); the service assumes it once
    /// to verify it before recording the authorization.
    #[serde(default)]
    #[schema(pattern = "^acs:ram::[0-9]{6,20}:role/[A-Za-z0-9._-]{1,64}$")]
    role_arn: Option<String>,
}

/// Authorizes the service-linked role `AliyunServiceRoleForSasCspm`; a retry
/// with the same client token changes nothing.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}/authorization", tag = "billing", params(TenantParams),
    request_body = AuthorizeBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant, authorized", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
async fn authorize(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<AuthorizeBody>,
) -> ApiResult<TenantView> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    Ok(Json(s.activation.authorize(&tenant, b.client_token, b.role_arn).await?.into()))
}

/// Revokes the authorization: configuration checks stop; stored results stay readable.
#[utoipa::path(delete, path = "/v1/tenants/{site}/{account_id}/authorization", tag = "billing", params(TenantParams),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant, not authorized", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn revoke(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::RevokeAuthorization).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EditionBody {
    #[schema(value_type = Edition)]
    edition: String,
}

/// Sets the subscription Security Center edition.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}/edition", tag = "billing", params(TenantParams),
    request_body = EditionBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with its edition", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
async fn set_edition(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<EditionBody>,
) -> ApiResult<TenantView> {
    let edition: Edition = b.edition.parse()?;
    command(&s, &headers, p, AccountCommand::SetEdition { edition }).await
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
struct HostSecurityBody {
    /// The edition to bind: `anti_virus`, `advanced`, `enterprise` (the default) or `ultimate`.
    #[schema(value_type = Option<Edition>)]
    bound_edition: Option<String>,
}

/// Turns on pay-as-you-go host and container security, bound to an edition.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}/host-security", tag = "billing", params(TenantParams),
    request_body = HostSecurityBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with its edition plan", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
async fn enable_host_security(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<HostSecurityBody>,
) -> ApiResult<TenantView> {
    let bound_edition = b.bound_edition.as_deref().map(str::parse).transpose()?;
    command(&s, &headers, p, AccountCommand::EnableHostSecurity { bound_edition }).await
}

/// Turns pay-as-you-go host and container security off (back to the basic edition).
#[utoipa::path(delete, path = "/v1/tenants/{site}/{account_id}/host-security", tag = "billing", params(TenantParams),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with its edition plan", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn disable_host_security(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::DisableHostSecurity).await
}

// The ranges below are those of `cspm_domain::billing` (MAX_QUOTA, MAX_SUBSCRIPTION_MONTHS).

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SubscribeBody {
    /// Units to buy.
    #[schema(minimum = 1, maximum = 100000000)]
    quota: u64,
    #[schema(minimum = 1, maximum = 60)]
    months: u32,
    /// Idempotency key: a retried purchase with the same token is not applied twice.
    #[schema(pattern = "^[!-~]{1,64}$")]
    client_token: Option<String>,
}

/// Buys a CSPM subscription: `quota` units for `months` months.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}/cspm/subscription", tag = "billing", params(TenantParams),
    request_body = SubscribeBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with its subscription", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UpgradeBody {
    /// Units to add; the total stays at most 100000000.
    #[schema(minimum = 1, maximum = 100000000)]
    add_quota: u64,
    #[schema(minimum = 1, maximum = 60)]
    extend_months: Option<u32>,
    #[schema(pattern = "^[!-~]{1,64}$")]
    client_token: Option<String>,
}

/// Adds quota (and optionally months) to the active subscription.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/cspm/subscription/upgrade", tag = "billing",
    params(TenantParams), request_body = UpgradeBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with its subscription", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
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

/// Ends the CSPM subscription.
#[utoipa::path(delete, path = "/v1/tenants/{site}/{account_id}/cspm/subscription", tag = "billing",
    params(TenantParams), security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant without CSPM", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn unsubscribe(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::Unsubscribe).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PayAsYouGoBody {
    /// Spending cap in units; none when absent or null.
    #[schema(minimum = 1, maximum = 100000000)]
    cap: Option<u64>,
}

/// Turns pay-as-you-go CSPM on, or changes its cap.
#[utoipa::path(put, path = "/v1/tenants/{site}/{account_id}/cspm/pay-as-you-go", tag = "billing",
    params(TenantParams), request_body = PayAsYouGoBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant with pay-as-you-go CSPM", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
async fn enable_pay_as_you_go(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<PayAsYouGoBody>,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::EnablePayAsYouGo { cap: b.cap }).await
}

/// Turns pay-as-you-go CSPM off.
#[utoipa::path(delete, path = "/v1/tenants/{site}/{account_id}/cspm/pay-as-you-go", tag = "billing",
    params(TenantParams), security(("admin_token" = [])),
    responses(
        (status = 200, description = "The tenant without CSPM", body = TenantView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn disable_pay_as_you_go(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
) -> ApiResult<TenantView> {
    command(&s, &headers, p, AccountCommand::DisablePayAsYouGo).await
}

/// The quota as the console shows it.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/quota", tag = "quota", params(TenantParams),
    security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The tenant's quota", body = QuotaReport),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, Internal, Unavailable,
    ))]
async fn quota(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<QuotaReport> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(s.activation.quota(&tenant).await?))
}

// The ranges below are those of `cspm_domain::recommendation`.

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UniformQuery {
    /// Cloud services in use.
    #[param(minimum = 1, maximum = 1000)]
    services: u64,
    #[param(minimum = 0, maximum = 1000000)]
    instances_per_service: u64,
}

/// How much quota to buy for a uniform estate: services × instances × 20.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/recommendation", tag = "quota",
    params(TenantParams, UniformQuery), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The recommendation", body = Recommendation),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn recommend_uniform(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<UniformQuery>,
) -> ApiResult<Recommendation> {
    tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(recommendation::recommend_uniform(q.services, q.instances_per_service)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InventoryBody {
    /// 1 to 1000 services, each named (1 to 64 characters) with at most 1000000 instances.
    #[schema(min_items = 1, max_items = 1000)]
    services: Vec<ServiceInstances>,
}

/// How much quota to buy for a real inventory: the sum over its services.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/recommendation", tag = "quota",
    params(TenantParams), request_body = InventoryBody, security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The recommendation", body = Recommendation),
        BadRequest, Unauthenticated, Forbidden, PayloadTooLarge, UnsupportedMediaType, Unavailable,
    ))]
async fn recommend_inventory(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<InventoryBody>,
) -> ApiResult<Recommendation> {
    tenant_access(&s, &headers, p, Access::Read).await?;
    Ok(Json(recommendation::recommend(&b.services)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EntitlementBody {
    operation: Operation,
    /// Instances the operation would cover (`cspm_domain::entitlement::MAX_INSTANCES` at most).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 1000000, default = 1)]
    instances: u64,
}

fn one() -> u64 {
    1
}

/// Whether the tenant may run an operation now, and what it would cost.
/// Answers 200 whether or not it is allowed: the query itself succeeded.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/entitlement", tag = "quota",
    params(TenantParams), request_body = EntitlementBody, security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The decision", body = EntitlementView),
        BadRequest, Unauthenticated, Forbidden, NotFound, Conflict, PayloadTooLarge, UnsupportedMediaType,
        Internal, Unavailable,
    ))]
async fn entitlement(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(b): ApiJson<EntitlementBody>,
) -> ApiResult<EntitlementView> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let operation = b.operation;
    match s.activation.entitlement(&tenant, operation, b.instances).await {
        Ok(allowance) => Ok(Json(EntitlementView {
            allowed: true,
            operation,
            allowance: Some(allowance),
            code: None,
            message: None,
        })),
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::NotAuthorized | ErrorCode::NotEntitled | ErrorCode::AuthorizationExhaust
            ) =>
        {
            let (code, message) = (Some(e.code()), Some(e.0.message));
            Ok(Json(EntitlementView { allowed: false, operation, allowance: None, code, message }))
        }
        Err(e) => Err(e.0.into()),
    }
}

impl From<crate::service::ServiceError> for ApiError {
    fn from(e: crate::service::ServiceError) -> Self {
        e.0.into()
    }
}
