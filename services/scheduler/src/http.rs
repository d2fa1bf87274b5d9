//! The scheduler's JSON API: the catalogue, inventories, scans and
//! verifications, tasks and results. Same tokens as the activation service:
//! the admin token starts work; a tenant token reads its own tenant.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cspm_accounts::{Access, Authenticator};
use cspm_assets::openapi::ApiResponse;
use cspm_checks::{Risk, Status};
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::scheduler::Scheduler;
use cspm_fleet::store::{StoredResult, TaskProgress};
use cspm_runtime::api::{ApiError, ApiJson, ApiQuery, ApiResult, bearer, not_found};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub scheduler: Arc<Scheduler>,
    pub auth: Authenticator,
}

pub fn router(state: AppState, registry: prometheus::Registry, max_body_bytes: usize) -> Router {
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
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body_bytes));
    cspm_runtime::api::instrumented(api, registry)
}

async fn tenant_access(
    s: &AppState,
    headers: &HeaderMap,
    path: (String, String),
    access: Access,
) -> Result<TenantId, ApiError> {
    Ok(s.auth.tenant(bearer(headers), path, access).await?)
}

type TenantPath = Path<(String, String)>;

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
    Path(p): TenantPath,
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

async fn assets(State(s): State<AppState>, headers: HeaderMap, Path(p): TenantPath) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let assets = s
        .scheduler
        .store
        .assets(&tenant)
        .await
        .map_err(|e| DomainError::new(ErrorCode::ServiceUnavailable, e.to_string()))?;
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &assets {
        *by_type.entry(a.kind().as_str()).or_default() += 1;
    }
    let list: Vec<Value> = assets
        .iter()
        .map(|a| json!({"id": a.id, "type": a.kind(), "name": a.name, "region": a.region, "billable": a.billable()}))
        .collect();
    Ok(Json(json!({"total": assets.len(), "by_type": by_type, "assets": list})))
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
    Path(p): TenantPath,
    ApiJson(r): ApiJson<ScanRequest>,
) -> Result<Response, ApiError> {
    start(s, headers, p, CheckAction::Scan, r).await
}

async fn verify(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(p): TenantPath,
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
    Path(p): TenantPath,
    ApiQuery(q): ApiQuery<TaskListQuery>,
) -> ApiResult<Vec<TaskProgress>> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let limit = q.limit.clamp(1, 200);
    Ok(Json(s.scheduler.store.tasks(&tenant, limit).await.map_err(unavailable)?))
}

async fn task(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((site, account, task_id)): Path<(String, String, String)>,
) -> ApiResult<TaskProgress> {
    let tenant = tenant_access(&s, &headers, (site, account), Access::Read).await?;
    match s.scheduler.store.task(&tenant, &task_id).await.map_err(unavailable)? {
        Some(t) => Ok(Json(t)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::InvalidParameter,
            format!("no task {task_id:?} for {tenant}"),
        )),
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
    Path(p): TenantPath,
    ApiQuery(q): ApiQuery<ResultQuery>,
) -> ApiResult<Value> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    if q.page == 0 || q.page_size == 0 || q.page_size > 500 {
        return Err(DomainError::invalid("page starts at 1; page_size is 1 to 500").into());
    }
    let all = s.scheduler.store.results(&tenant).await.map_err(unavailable)?;
    let mut matching: Vec<ResultView> = all
        .into_iter()
        .filter_map(with_meta)
        .filter(|r| q.status.is_none_or(|s| r.result.status == s))
        .filter(|r| q.risk.is_none_or(|k| r.risk == k))
        .filter(|r| q.product.as_deref().is_none_or(|p| r.product.eq_ignore_ascii_case(p)))
        .filter(|r| q.item.as_deref().is_none_or(|i| r.result.item_id == i))
        .collect();
    matching.sort_by(|a, b| {
        (a.risk, &a.result.item_id, &a.result.instance_id).cmp(&(b.risk, &b.result.item_id, &b.result.instance_id))
    });
    let total = matching.len();
    let page: Vec<ResultView> = matching.into_iter().skip((q.page - 1) * q.page_size).take(q.page_size).collect();
    Ok(Json(json!({"total": total, "page": q.page, "page_size": q.page_size, "results": page})))
}

/// An item's status from its instances': any failure shows.
fn roll_up(counts: &BTreeMap<Status, u64>) -> Status {
    [Status::NotPass, Status::Error, Status::NotCheck, Status::Pass, Status::Whitelist]
        .into_iter()
        .find(|s| counts.get(s).is_some_and(|n| *n > 0))
        .unwrap_or(Status::NotCheck)
}

async fn items(State(s): State<AppState>, headers: HeaderMap, Path(p): TenantPath) -> ApiResult<Vec<Value>> {
    let tenant = tenant_access(&s, &headers, p, Access::Read).await?;
    let mut per_item: BTreeMap<String, BTreeMap<Status, u64>> = BTreeMap::new();
    for r in s.scheduler.store.results(&tenant).await.map_err(unavailable)? {
        *per_item.entry(r.item_id).or_default().entry(r.status).or_default() += 1;
    }
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
