//! The scheduler's JSON API: the catalogue, inventories, scans and
//! verifications, tasks and results. Same tokens as the activation service:
//! the admin token starts work; a tenant token reads its own tenant.
//!
//! Each handler carries its OpenAPI description (`#[utoipa::path]`), and the
//! router is built from those handlers, so `/openapi.json` lists exactly the
//! routes served, with the types they really send and take.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use cspm_accounts::{Access, Authenticator};
use cspm_assets::AssetKind;
use cspm_assets::openapi::ApiResponse;
use cspm_checks::{Risk, Status};
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use cspm_fleet::collection::start::Collections;
use cspm_fleet::dead_letters::{MAX_LISTED, StoredLetter};
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::scheduler::{ImportReport, Scheduler};
use cspm_fleet::store::{Page, ResultFilter, StoredResult, TaskProgress};
use cspm_runtime::api::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, bearer};
use cspm_runtime::health::Readiness;
use cspm_runtime::openapi::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, QuotaExhausted, TenantPath as TenantParams, Unauthenticated,
    Unavailable, UnsupportedMediaType,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tracing::Instrument;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Clone)]
pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub collections: Arc<Collections>,
    pub auth: Authenticator,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CSPM scheduler API",
        description = "The check catalogue, tenants' inventories, scans and verifications, tasks, results and \
            dead letters. Errors are `{code, message}`; `code` is stable. A route called with a method it does \
            not take answers 405 `MethodNotAllowed`, an unknown path 404 `NotFound`.",
    ),
    tags(
        (name = "catalogue", description = "The check items and compliance packs; no token needed"),
        (name = "inventory", description = "Collecting, importing and listing a tenant's cloud resources"),
        (name = "tasks", description = "Starting scans and verifications, and following them"),
        (name = "results", description = "The latest result of each (item, instance)"),
        (name = "dead letters", description = "Jobs and messages the fleet could not process"),
    ),
)]
struct SchedulerApi;

/// The full router: the API, `/openapi.json`, `/metrics`, `/healthz` and `/readyz`.
pub fn router(state: AppState, registry: prometheus::Registry, readiness: Readiness, max_body_bytes: usize) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(SchedulerApi::openapi())
        .routes(routes!(catalogue))
        .routes(routes!(import, assets))
        .routes(routes!(crate::collections::collect, crate::collections::collections))
        .routes(routes!(crate::collections::collection))
        .routes(routes!(scan))
        .routes(routes!(verify))
        .routes(routes!(tasks))
        .routes(routes!(task))
        .routes(routes!(results))
        .routes(routes!(items))
        .routes(routes!(tenant_dead_letters))
        .routes(routes!(all_dead_letters))
        .routes(routes!(replay))
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .split_for_parts();
    let doc = cspm_runtime::openapi::complete(doc);
    cspm_runtime::api::service(api.merge(cspm_runtime::openapi::document_route(&doc)), registry, readiness)
}

pub(crate) async fn tenant_access(
    s: &AppState,
    headers: &HeaderMap,
    path: (String, String),
    access: Access,
) -> Result<TenantId, ApiError> {
    Ok(s.auth.tenant(bearer(headers), path, access).await?)
}

pub(crate) type TenantPath = ApiPath<(String, String)>;

/// Checks that the caller holds the admin token (for fleet-wide routes).
async fn admin(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    match s.auth.authenticate(bearer(headers).unwrap_or_default()).await? {
        Some(cspm_accounts::Principal::Admin) => Ok(()),
        Some(_) => Err(DomainError::new(ErrorCode::Forbidden, "this route needs the admin token").into()),
        None => Err(DomainError::new(ErrorCode::Unauthenticated, "send Authorization: Bearer <admin token>").into()),
    }
}

/// `page` (from 1) and `page_size` (1 to `max`) of a listing; the query
/// structs below document the same ranges.
fn page_of(page: usize, page_size: usize, max: usize) -> Result<Page, ApiError> {
    if page == 0 || page_size == 0 || page_size > max || page > 1_000_000 {
        return Err(DomainError::invalid(format!("page is 1 to 1000000; page_size is 1 to {max}")).into());
    }
    Ok(Page { number: page, size: page_size })
}

// ---------- catalogue ----------

/// Every check item's metadata, counts by product, category and risk, and the compliance packs.
#[utoipa::path(get, path = "/v1/catalogue", tag = "catalogue",
    responses((status = 200, description = "The catalogue", body = cspm_checks::CatalogueView)))]
async fn catalogue() -> Json<cspm_checks::CatalogueView> {
    Json(cspm_checks::catalogue_view())
}

// ---------- inventory ----------

/// Either a bare array of responses, or `{"responses": [...], "rescan": bool}`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
enum ImportBody {
    Bare(Vec<ApiResponse>),
    Wrapped {
        responses: Vec<ApiResponse>,
        /// Re-check changed assets with every item that applies to them.
        #[serde(default)]
        rescan: bool,
    },
}

/// Imports Alibaba Cloud OpenAPI responses (at least one) as the tenant's inventory.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/assets", tag = "inventory", params(TenantParams),
    request_body = ImportBody, security(("admin_token" = [])),
    responses(
        (status = 200, description = "What the import did", body = ImportReport),
        BadRequest, Unauthenticated, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, Unavailable,
    ))]
async fn import(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(body): ApiJson<ImportBody>,
) -> ApiResult<ImportReport> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let (responses, rescan) = match body {
        ImportBody::Bare(r) => (r, false),
        ImportBody::Wrapped { responses, rescan } => (responses, rescan),
    };
    if responses.is_empty() {
        return Err(DomainError::invalid("no responses to import").into());
    }
    Ok(Json(s.scheduler.import(&tenant, &responses, rescan).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    #[serde(default = "first_page")]
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    page: usize,
    #[serde(default = "default_page_size")]
    #[param(minimum = 1, maximum = 500, default = 50)]
    page_size: usize,
}

/// One asset in a listing.
#[derive(Serialize, ToSchema)]
struct AssetSummary {
    id: String,
    #[serde(rename = "type")]
    kind: AssetKind,
    name: Option<String>,
    region: Option<String>,
    /// Whether checking it costs quota (stopped instances and empty buckets do not).
    billable: bool,
}

#[derive(Serialize, ToSchema)]
struct AssetListing {
    total: usize,
    /// Assets by resource type, over the whole inventory.
    by_type: BTreeMap<String, u64>,
    page: usize,
    page_size: usize,
    assets: Vec<AssetSummary>,
}

/// A page of the tenant's inventory.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/assets", tag = "inventory",
    params(TenantParams, PageQuery), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "A page of assets", body = AssetListing),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn assets(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<AssetListing> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let page = page_of(q.page, q.page_size, 500)?;
    let found = s.scheduler.store.asset_page(&tenant, page).await.map_err(unavailable)?;
    let assets = found
        .assets
        .iter()
        .map(|a| AssetSummary {
            id: a.id.clone(),
            kind: a.kind(),
            name: a.name.clone(),
            region: a.region.clone(),
            billable: a.billable(),
        })
        .collect();
    Ok(Json(AssetListing {
        total: found.total,
        by_type: found.by_type,
        page: page.number,
        page_size: page.size,
        assets,
    }))
}

// ---------- tasks ----------

async fn start(
    s: AppState,
    headers: HeaderMap,
    p: (String, String),
    action: CheckAction,
    request: ScanRequest,
) -> Result<Response, ApiError> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    // In a task of its own: a client that hangs up does not cut a start off
    // half-way (it finishes, or is undone, either way).
    let scheduler = s.scheduler.clone();
    let started = tokio::spawn(
        async move { scheduler.start(&tenant, action, request, "api").await }.instrument(tracing::Span::current()),
    );
    let task =
        started.await.map_err(|e| ApiError::from(DomainError::new(ErrorCode::InternalError, e.to_string())))??;
    Ok((StatusCode::ACCEPTED, Json(task)).into_response())
}

/// Starts a scan: entitlement and quota forecast first, then the jobs. All or
/// nothing; a retry with the same `client_token` returns the first task.
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/scans", tag = "tasks", params(TenantParams),
    request_body = ScanRequest, security(("admin_token" = [])),
    responses(
        (status = 202, description = "The task, started", body = TaskProgress),
        BadRequest, Unauthenticated, QuotaExhausted, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType,
        Unavailable,
    ))]
async fn scan(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(r): ApiJson<ScanRequest>,
) -> Result<Response, ApiError> {
    start(s, headers, p, CheckAction::Scan, r).await
}

/// Starts a verification: re-checks the named items or instances (at least one of the two).
#[utoipa::path(post, path = "/v1/tenants/{site}/{account_id}/verifications", tag = "tasks", params(TenantParams),
    request_body = ScanRequest, security(("admin_token" = [])),
    responses(
        (status = 202, description = "The task, started", body = TaskProgress),
        BadRequest, Unauthenticated, QuotaExhausted, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType,
        Unavailable,
    ))]
async fn verify(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(r): ApiJson<ScanRequest>,
) -> Result<Response, ApiError> {
    if r.items.is_none() && r.instances.is_none() {
        return Err(DomainError::invalid("a verification names the items or instances to re-check").into());
    }
    start(s, headers, p, CheckAction::Verify, r).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TaskListQuery {
    /// Tasks to list, newest first; taken as 1 to 200.
    #[serde(default = "default_limit")]
    #[param(minimum = 0, default = 20)]
    limit: usize,
}

fn default_limit() -> usize {
    20
}

/// The tenant's latest tasks, newest first.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/tasks", tag = "tasks",
    params(TenantParams, TaskListQuery), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The tasks", body = Vec<TaskProgress>),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn tasks(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<TaskListQuery>,
) -> ApiResult<Vec<TaskProgress>> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let limit = q.limit.clamp(1, 200);
    Ok(Json(s.scheduler.store.tasks(&tenant, limit).await.map_err(unavailable)?))
}

/// One task and how far it got.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/tasks/{task_id}", tag = "tasks",
    params(TenantParams, ("task_id" = String, Path, description = "The task's id, as a start returned it")),
    security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The task", body = TaskProgress),
        BadRequest, Unauthenticated, Forbidden, NotFound, Unavailable,
    ))]
async fn task(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath((site, account, task_id)): ApiPath<(String, String, String)>,
) -> ApiResult<TaskProgress> {
    let tenant = tenant_access(&s, &headers, (site, account), Access::Read).await?;
    match s.scheduler.store.task(&tenant, &task_id).await.map_err(unavailable)? {
        Some(t) => Ok(Json(t)),
        None => Err(DomainError::new(ErrorCode::NotFound, format!("no task {task_id:?} for {tenant}")).into()),
    }
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    DomainError::new(ErrorCode::ServiceUnavailable, e.to_string()).into()
}

// ---------- results ----------

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ResultQuery {
    #[param(inline)]
    status: Option<Status>,
    #[param(inline)]
    risk: Option<Risk>,
    /// A product name as the catalogue spells it, e.g. `ECS`.
    product: Option<String>,
    /// A check item id.
    item: Option<String>,
    #[serde(default = "first_page")]
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    page: usize,
    #[serde(default = "default_page_size")]
    #[param(minimum = 1, maximum = 500, default = 50)]
    page_size: usize,
}

fn first_page() -> usize {
    1
}

fn default_page_size() -> usize {
    50
}

/// A stored result with its item's metadata.
#[derive(Serialize, ToSchema)]
struct ResultView {
    #[serde(flatten)]
    result: StoredResult,
    item_name: &'static str,
    product: &'static str,
    risk: Risk,
}

fn with_meta(r: StoredResult) -> Option<ResultView> {
    let c = cspm_checks::find(&r.item_id)?;
    Some(ResultView { item_name: c.meta.name, product: c.meta.product, risk: c.meta.risk, result: r })
}

#[derive(Serialize, ToSchema)]
struct ResultListing {
    /// Results matching the filter.
    total: usize,
    page: usize,
    page_size: usize,
    results: Vec<ResultView>,
}

/// The latest result of each (item, instance), filtered, high risk first.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/results", tag = "results",
    params(TenantParams, ResultQuery), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "A page of results", body = ResultListing),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn results(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<ResultQuery>,
) -> ApiResult<ResultListing> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let page = page_of(q.page, q.page_size, 500)?;
    let filter = ResultFilter { status: q.status, risk: q.risk, product: q.product, item: q.item };
    let found = s.scheduler.store.result_page(&tenant, &filter, page).await.map_err(unavailable)?;
    let results: Vec<ResultView> = found.results.into_iter().filter_map(with_meta).collect();
    Ok(Json(ResultListing { total: found.total, page: page.number, page_size: page.size, results }))
}

/// An item's status from its instances': any failure shows.
fn roll_up(counts: &BTreeMap<Status, u64>) -> Status {
    [Status::NotPass, Status::Error, Status::NotCheck, Status::Pass, Status::Whitelist]
        .into_iter()
        .find(|s| counts.get(s).is_some_and(|n| *n > 0))
        .unwrap_or(Status::NotCheck)
}

/// One check item's results over the tenant's instances.
#[derive(Serialize, ToSchema)]
struct ItemSummary {
    item_id: String,
    name: &'static str,
    product: &'static str,
    risk: Risk,
    free: bool,
    /// The worst status of its instances.
    status: Status,
    /// Instances by status.
    instances: BTreeMap<Status, u64>,
}

/// Each checked item's rolled-up status and its instances by status.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/results/items", tag = "results",
    params(TenantParams), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "The items", body = Vec<ItemSummary>),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn items(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<Vec<ItemSummary>> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let per_item = s.scheduler.store.item_counts(&tenant).await.map_err(unavailable)?;
    Ok(Json(
        per_item
            .into_iter()
            .filter_map(|(id, counts)| {
                let c = cspm_checks::find(&id)?;
                Some(ItemSummary {
                    item_id: id,
                    name: c.meta.name,
                    product: c.meta.product,
                    risk: c.meta.risk,
                    free: c.meta.free,
                    status: roll_up(&counts),
                    instances: counts,
                })
            })
            .collect(),
    ))
}

// ---------- dead letters ----------

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LetterQuery {
    /// Stream sequence to start from (the `next` of the previous listing).
    #[serde(default)]
    #[param(minimum = 0, default = 0)]
    from: u64,
    /// Letters to list; taken as 1 to 100.
    #[serde(default = "default_letters")]
    #[param(minimum = 0, default = 50)]
    limit: usize,
}

fn default_letters() -> usize {
    50
}

/// A page of dead letters, oldest first.
#[derive(Serialize, ToSchema)]
struct LetterPage {
    dead_letters: Vec<StoredLetter>,
    /// The `from` of the next page; null when this one is the last.
    next: Option<u64>,
}

fn letters_page(dead_letters: Vec<StoredLetter>, limit: usize) -> LetterPage {
    let next = (dead_letters.len() == limit).then(|| dead_letters.last().map(|l| l.sequence + 1)).flatten();
    LetterPage { dead_letters, next }
}

/// The tenant's dead letters.
#[utoipa::path(get, path = "/v1/tenants/{site}/{account_id}/dead-letters", tag = "dead letters",
    params(TenantParams, LetterQuery), security(("admin_token" = []), ("tenant_token" = [])),
    responses(
        (status = 200, description = "A page of dead letters", body = LetterPage),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn tenant_dead_letters(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> ApiResult<LetterPage> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let limit = q.limit.clamp(1, MAX_LISTED);
    Ok(Json(letters_page(s.scheduler.dead_letters(Some(&tenant), q.from, limit).await?, limit)))
}

/// Every tenant's dead letters (admin token).
#[utoipa::path(get, path = "/v1/dead-letters", tag = "dead letters", params(LetterQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "A page of dead letters", body = LetterPage),
        BadRequest, Unauthenticated, Forbidden, Unavailable,
    ))]
async fn all_dead_letters(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> ApiResult<LetterPage> {
    admin(&s, &headers).await?;
    let limit = q.limit.clamp(1, MAX_LISTED);
    Ok(Json(letters_page(s.scheduler.dead_letters(None, q.from, limit).await?, limit)))
}

/// Runs a dead-lettered job's check again as a new task (with the tenant's
/// current inventory, entitlement and quota); replaying a letter twice
/// returns the first task.
#[utoipa::path(post, path = "/v1/dead-letters/{sequence}/replay", tag = "dead letters",
    params(("sequence" = u64, Path, minimum = 1, description = "The letter's stream sequence (from 1)")),
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "The task, started", body = TaskProgress),
        BadRequest, Unauthenticated, QuotaExhausted, Forbidden, NotFound, Unavailable,
    ))]
async fn replay(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(sequence): ApiPath<u64>,
) -> Result<Response, ApiError> {
    admin(&s, &headers).await?;
    // Stream sequences start at 1; JetStream answers a request for 0 with an
    // error of its own, which would read as the bus being unavailable (503).
    if sequence == 0 {
        return Err(DomainError::invalid("dead letter sequences start at 1").into());
    }
    let task = s.scheduler.replay(sequence).await?;
    Ok((StatusCode::ACCEPTED, Json(task)).into_response())
}
