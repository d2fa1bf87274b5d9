//! The scheduler's JSON API: the catalogue, inventories, scans and
//! verifications, tasks and results. Same tokens as the activation service:
//! the admin token starts work; a tenant token reads its own tenant.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cspm_accounts::{Access, Authenticator};
use cspm_assets::openapi::ApiResponse;
use cspm_checks::{Risk, Status};
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use cspm_fleet::dead_letters::{MAX_LISTED, StoredLetter};
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::scheduler::Scheduler;
use cspm_fleet::store::{Page, ResultFilter, StoredResult, TaskProgress};
use cspm_runtime::api::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, bearer};
use cspm_runtime::health::Readiness;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub auth: Authenticator,
}

pub fn router(state: AppState, registry: prometheus::Registry, readiness: Readiness, max_body_bytes: usize) -> Router {
    let t = "/v1/tenants/{site}/{account_id}";
    let api = Router::new()
        .route("/v1/catalogue", get(catalogue))
        .route(&format!("{t}/assets"), post(import).get(assets))
        .route(&format!("{t}/scans"), post(scan))
        .route(&format!("{t}/verifications"), post(verify))
        .route(&format!("{t}/tasks"), get(tasks))
        .route(&format!("{t}/tasks/{{task_id}}"), get(task))
        .route(&format!("{t}/results"), get(results))
        .route(&format!("{t}/results/items"), get(items))
        .route(&format!("{t}/dead-letters"), get(tenant_dead_letters))
        .route("/v1/dead-letters", get(all_dead_letters))
        .route("/v1/dead-letters/{sequence}/replay", post(replay))
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body_bytes));
    cspm_runtime::api::service(api, registry, readiness)
}

async fn tenant_access(
    s: &AppState,
    headers: &HeaderMap,
    path: (String, String),
    access: Access,
) -> Result<TenantId, ApiError> {
    Ok(s.auth.tenant(bearer(headers), path, access).await?)
}

type TenantPath = ApiPath<(String, String)>;

/// Checks that the caller holds the admin token (for fleet-wide routes).
async fn admin(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    match s.auth.authenticate(bearer(headers).unwrap_or_default()).await? {
        Some(cspm_accounts::Principal::Admin) => Ok(()),
        Some(_) => Err(DomainError::new(ErrorCode::Forbidden, "this route needs the admin token").into()),
        None => Err(DomainError::new(ErrorCode::Unauthenticated, "send Authorization: Bearer <admin token>").into()),
    }
}

/// `page` (from 1) and `page_size` (1 to `max`) of a listing.
fn page_of(page: usize, page_size: usize, max: usize) -> Result<Page, ApiError> {
    if page == 0 || page_size == 0 || page_size > max || page > 1_000_000 {
        return Err(DomainError::invalid(format!("page is 1 to 1000000; page_size is 1 to {max}")).into());
    }
    Ok(Page { number: page, size: page_size })
}

// ---------- catalogue ----------

async fn catalogue() -> Json<cspm_checks::CatalogueView> {
    Json(cspm_checks::catalogue_view())
}

// ---------- inventory ----------

/// Either a bare array of responses, or `{"responses": [...], "rescan": bool}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ImportBody {
    Bare(Vec<ApiResponse>),
    Wrapped {
        responses: Vec<ApiResponse>,
        #[serde(default)]
        rescan: bool,
    },
}

async fn import(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(body): ApiJson<ImportBody>,
) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Manage).await?;
    let (responses, rescan) = match body {
        ImportBody::Bare(r) => (r, false),
        ImportBody::Wrapped { responses, rescan } => (responses, rescan),
    };
    if responses.is_empty() {
        return Err(DomainError::invalid("no responses to import").into());
    }
    let report = s.scheduler.import(&tenant, &responses, rescan).await?;
    Ok(Json(json!(report)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    #[serde(default = "first_page")]
    page: usize,
    #[serde(default = "default_page_size")]
    page_size: usize,
}

async fn assets(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let page = page_of(q.page, q.page_size, 500)?;
    let found = s.scheduler.store.asset_page(&tenant, page).await.map_err(unavailable)?;
    let list: Vec<Value> = found
        .assets
        .iter()
        .map(|a| json!({"id": a.id, "type": a.kind(), "name": a.name, "region": a.region, "billable": a.billable()}))
        .collect();
    Ok(Json(json!({
        "total": found.total, "by_type": found.by_type, "page": page.number, "page_size": page.size, "assets": list,
    })))
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
    let task = s.scheduler.start(&tenant, action, request, "api").await?;
    Ok((StatusCode::ACCEPTED, Json(task)).into_response())
}

async fn scan(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiJson(r): ApiJson<ScanRequest>,
) -> Result<Response, ApiError> {
    start(s, headers, p, CheckAction::Scan, r).await
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskListQuery {
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    20
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultQuery {
    status: Option<Status>,
    risk: Option<Risk>,
    product: Option<String>,
    item: Option<String>,
    #[serde(default = "first_page")]
    page: usize,
    #[serde(default = "default_page_size")]
    page_size: usize,
}

fn first_page() -> usize {
    1
}

fn default_page_size() -> usize {
    50
}

/// A stored result with its item's metadata.
#[derive(Serialize)]
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

async fn results(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<ResultQuery>,
) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let page = page_of(q.page, q.page_size, 500)?;
    let filter = ResultFilter { status: q.status, risk: q.risk, product: q.product, item: q.item };
    let found = s.scheduler.store.result_page(&tenant, &filter, page).await.map_err(unavailable)?;
    let results: Vec<ResultView> = found.results.into_iter().filter_map(with_meta).collect();
    Ok(Json(json!({"total": found.total, "page": page.number, "page_size": page.size, "results": results})))
}

/// An item's status from its instances': any failure shows.
fn roll_up(counts: &BTreeMap<Status, u64>) -> Status {
    [Status::NotPass, Status::Error, Status::NotCheck, Status::Pass, Status::Whitelist]
        .into_iter()
        .find(|s| counts.get(s).is_some_and(|n| *n > 0))
        .unwrap_or(Status::NotCheck)
}

async fn items(State(s): State<AppState>, headers: HeaderMap, ApiPath(p): TenantPath) -> ApiResult<Vec<Value>> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let per_item = s.scheduler.store.item_counts(&tenant).await.map_err(unavailable)?;
    Ok(Json(
        per_item
            .into_iter()
            .filter_map(|(id, counts)| {
                let c = cspm_checks::find(&id)?;
                Some(json!({
                    "item_id": id, "name": c.meta.name, "product": c.meta.product, "risk": c.meta.risk,
                    "free": c.meta.free, "status": roll_up(&counts), "instances": counts,
                }))
            })
            .collect(),
    ))
}

// ---------- dead letters ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LetterQuery {
    /// Stream sequence to start from (the `next` of the previous listing).
    #[serde(default)]
    from: u64,
    #[serde(default = "default_letters")]
    limit: usize,
}

fn default_letters() -> usize {
    50
}

fn letters_page(letters: Vec<StoredLetter>, limit: usize) -> Value {
    let next = (letters.len() == limit).then(|| letters.last().map(|l| l.sequence + 1)).flatten();
    json!({"dead_letters": letters, "next": next})
}

async fn tenant_dead_letters(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(p): TenantPath,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let limit = q.limit.clamp(1, MAX_LISTED);
    Ok(Json(letters_page(s.scheduler.dead_letters(Some(&tenant), q.from, limit).await?, limit)))
}

async fn all_dead_letters(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> ApiResult<Value> {
    admin(&s, &headers).await?;
    let limit = q.limit.clamp(1, MAX_LISTED);
    Ok(Json(letters_page(s.scheduler.dead_letters(None, q.from, limit).await?, limit)))
}

async fn replay(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(sequence): ApiPath<u64>,
) -> Result<Response, ApiError> {
    admin(&s, &headers).await?;
    let task = s.scheduler.replay(sequence).await?;
    Ok((StatusCode::ACCEPTED, Json(task)).into_response())
}
