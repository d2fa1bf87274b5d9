//! Where the scheduler keeps each tenant's inventory, tasks, their planned
//! jobs and the latest results.
//!
//! A task is created `starting` with its plan (one entry per job: the units
//! it may charge, how many instances it carries, and digests of its message
//! and of its instance set), opened once every job is published, and deleted
//! if the start fails, so a start the client was told failed leaves nothing.
//! Workers run only jobs of open tasks whose message matches the plan, and
//! the store applies only results that match it; applying a job's results is
//! idempotent by job id, so a result message delivered twice counts once.
//!
//! Every read the API makes is bounded: results and assets come a page at a
//! time from sorted indexes, item roll-ups from counters. Only planning reads
//! a whole inventory, in bounded chunks.

mod memory;
mod query;
pub(crate) mod redis_store;

pub use memory::MemoryFleetStore;
pub use query::{AssetPage, Page, ResultFilter, ResultPage};
pub use redis_store::RedisFleetStore;

use crate::messages::ResultMessage;
use crate::plan::Skipped;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cspm_assets::{Asset, AssetKind};
use cspm_checks::{Finding, Risk, Status};
use cspm_domain::TenantId;
use cspm_domain::entitlement::CheckAction;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum FleetStoreError {
    #[error("scheduler store: {0}")]
    Backend(String),
    #[error("scheduler store holds unreadable data: {0}")]
    Corrupt(String),
}

/// A task as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskRecord {
    pub task_id: String,
    pub tenant: TenantId,
    pub action: CheckAction,
    /// What started it: `api`, `asset_change` or `replay`.
    pub trigger: String,
    pub created_at: DateTime<Utc>,
    pub items: Vec<String>,
    pub jobs: u64,
    /// (item, instance) evaluations the task makes.
    pub total: u64,
    pub units_needed: u64,
    pub remaining_at_start: Option<u64>,
    pub reserve_upfront: bool,
    pub skipped: Vec<Skipped>,
    /// The idempotency key the start was called with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// One job of a task's plan: what a worker may run and a result may claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedJob {
    pub job_id: String,
    pub item_id: String,
    /// Units the job may charge at most (the forecast).
    pub units: u64,
    pub instances: u64,
    /// SHA-256 of the job message as published.
    pub payload_digest: String,
    /// SHA-256 of the item and the sorted instance keys.
    pub instances_digest: String,
}

impl PlannedJob {
    fn encode(&self) -> String {
        format!("{}|{}|{}|{}|{}", self.units, self.instances, self.payload_digest, self.instances_digest, self.item_id)
    }

    fn decode(job_id: &str, entry: &str) -> Option<Self> {
        let mut parts = entry.split('|');
        let units = parts.next()?.parse().ok()?;
        let instances = parts.next()?.parse().ok()?;
        let payload_digest = parts.next()?.to_owned();
        let instances_digest = parts.next()?.to_owned();
        let item_id = parts.next()?.to_owned();
        Some(Self { job_id: job_id.to_owned(), item_id, units, instances, payload_digest, instances_digest })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The digest binding a job's or result's instance set to its item.
pub fn instances_digest<'a>(item: &str, keys: impl Iterator<Item = &'a str>) -> String {
    let mut keys: Vec<&str> = keys.collect();
    keys.sort_unstable();
    let mut text = String::from(item);
    for k in keys {
        text.push('\n');
        text.push_str(k);
    }
    sha256_hex(text.as_bytes())
}

/// `<kind>/<id>` of one result row, as in [`Asset::key`].
pub fn result_key(kind: AssetKind, instance_id: &str) -> String {
    format!("{}/{instance_id}", kind.as_str())
}

/// Whether a worker may run a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobGate {
    /// No live task planned it: forged, or left by a start that failed.
    Unplanned,
    /// Its task is still being started: wait.
    Starting,
    Open(PlannedJob),
}

/// What creating a task did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    New,
    /// The client token was used before: this is the first task's id.
    Existing(String),
}

/// What applying a job's results did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Applied,
    /// This job was applied before.
    Duplicate,
    /// It does not match the task's plan (why).
    Rejected(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Jobs are being published; not yet accepted.
    Starting,
    Running,
    /// Everything was checked.
    Done,
    /// The quota ran out: some instances are `NOT_CHECK` / `AuthorizationExhaust`.
    Partial,
    /// Some jobs were dead-lettered or lost.
    Failed,
}

/// A task and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskProgress {
    #[serde(flatten)]
    pub task: TaskRecord,
    pub state: TaskState,
    pub finished: u64,
    pub by_status: BTreeMap<Status, u64>,
    pub not_checked_for_quota: u64,
    pub dead_lettered: u64,
    pub units_charged: u64,
    /// Why the task failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl TaskProgress {
    pub fn new(task: TaskRecord, counters: &BTreeMap<String, u64>, starting: bool, reason: Option<String>) -> Self {
        let get = |k: &str| counters.get(k).copied().unwrap_or(0);
        let by_status: BTreeMap<Status, u64> = ALL_STATUSES
            .into_iter()
            .filter_map(|s| Some((s, get(&format!("s:{}", status_name(s))))).filter(|(_, n)| *n > 0))
            .collect();
        let finished = get("finished");
        let (exhausted, dead) = (get("exhausted"), get("dead"));
        let state = if starting {
            TaskState::Starting
        } else if finished < task.total {
            TaskState::Running
        } else if dead > 0 {
            TaskState::Failed
        } else if exhausted > 0 {
            TaskState::Partial
        } else {
            TaskState::Done
        };
        Self {
            task,
            state,
            finished,
            by_status,
            not_checked_for_quota: exhausted,
            dead_lettered: dead,
            units_charged: get("charged"),
            reason,
        }
    }
}

pub(crate) const ALL_STATUSES: [Status; 5] =
    [Status::Pass, Status::NotPass, Status::NotCheck, Status::Whitelist, Status::Error];

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::NotPass => "NOT_PASS",
        Status::NotCheck => "NOT_CHECK",
        Status::Whitelist => "WHITELIST",
        Status::Error => "ERROR",
    }
}

/// The sort rank of a risk level in result indexes (high first).
pub fn risk_rank(r: Risk) -> u8 {
    match r {
        Risk::High => 1,
        Risk::Medium => 2,
        Risk::Low => 3,
    }
}

/// The latest result of one (item, instance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredResult {
    pub item_id: String,
    pub instance_id: String,
    pub resource_type: AssetKind,
    pub instance_name: Option<String>,
    pub region: Option<String>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub task_id: String,
    pub job_id: String,
    pub evaluated_at: DateTime<Utc>,
}

/// The reason prefixes counted specially in task progress.
pub const EXHAUSTED_REASON: &str = "AuthorizationExhaust";
pub const DEAD_LETTER_REASON: &str = "DeadLetter";

/// One result as the store applies it: key, time, body, status, sort rank,
/// and which counter it feeds.
pub(crate) struct ResultRow {
    pub field: String,
    pub at_ms: i64,
    pub json: String,
    pub status: Status,
    pub rank: u8,
    pub flag: &'static str,
}

pub(crate) fn rows(msg: &ResultMessage) -> Result<Vec<ResultRow>, FleetStoreError> {
    let rank = cspm_checks::find(&msg.item_id).map_or(9, |c| risk_rank(c.meta.risk));
    msg.results
        .iter()
        .map(|r| {
            let stored = StoredResult {
                item_id: msg.item_id.clone(),
                instance_id: r.instance_id.clone(),
                resource_type: r.resource_type,
                instance_name: r.instance_name.clone(),
                region: r.region.clone(),
                status: r.evaluation.status,
                findings: r.evaluation.findings.clone(),
                reason: r.evaluation.reason.clone(),
                task_id: msg.task_id.clone(),
                job_id: msg.job_id.clone(),
                evaluated_at: msg.evaluated_at,
            };
            let reason = r.evaluation.reason.as_deref().unwrap_or_default();
            let flag = if reason.starts_with(DEAD_LETTER_REASON) {
                "dead"
            } else if reason.starts_with(EXHAUSTED_REASON) {
                "exhausted"
            } else {
                "-"
            };
            Ok(ResultRow {
                field: format!("{}|{}", msg.item_id, result_key(r.resource_type, &r.instance_id)),
                at_ms: msg.evaluated_at.timestamp_millis(),
                json: serde_json::to_string(&stored).map_err(|e| FleetStoreError::Corrupt(e.to_string()))?,
                status: r.evaluation.status,
                rank,
                flag,
            })
        })
        .collect()
}

/// A result whose charge is not the ledger's is refused by every store.
pub(crate) fn charge_mismatch(msg: &ResultMessage, committed: u64) -> Option<Applied> {
    (msg.units_charged != committed).then(|| {
        Applied::Rejected(format!(
            "it claims {} units charged; the quota ledger charged {committed}",
            msg.units_charged
        ))
    })
}

/// The instance digest a result message claims.
pub fn result_digest(msg: &ResultMessage) -> String {
    let keys: Vec<String> = msg.results.iter().map(|r| result_key(r.resource_type, &r.instance_id)).collect();
    instances_digest(&msg.item_id, keys.iter().map(String::as_str))
}

/// A task whose jobs are not all finished, for the sweeper.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTask {
    pub tenant: TenantId,
    pub task_id: String,
    pub starting: bool,
    pub created_at_ms: i64,
    /// When a job of it last finished (its creation, before any did).
    pub progress_at_ms: i64,
}

#[async_trait]
pub trait FleetStore: Send + Sync {
    /// Stores assets (replacing same-key ones); returns those that are new or changed.
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError>;

    /// The whole inventory, for planning (read in bounded chunks).
    async fn assets(&self, tenant: &TenantId) -> Result<Arc<Vec<Asset>>, FleetStoreError>;

    /// One page of the inventory, ordered by key, with counts by type.
    async fn asset_page(&self, tenant: &TenantId, page: Page) -> Result<AssetPage, FleetStoreError>;

    /// Creates a `starting` task with its plan; with a client token already
    /// used, creates nothing and names the first task.
    async fn create_task(&self, task: &TaskRecord, plan: &[PlannedJob]) -> Result<Created, FleetStoreError>;

    /// Marks a starting task open (its jobs are all published); idempotent.
    /// `false` when it was cancelled or no longer exists.
    async fn open_task(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError>;

    /// Gives up a start unless the task is already open (`false`: it is,
    /// so the start succeeded and nothing may be undone). Opening and
    /// cancelling are exclusive.
    async fn cancel_start(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError>;

    /// Removes a cancelled task: record, plan, indexes, client token.
    async fn delete_task(&self, tenant: &TenantId, task_id: &str) -> Result<(), FleetStoreError>;

    async fn task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError>;

    /// The newest tasks first.
    async fn tasks(&self, tenant: &TenantId, limit: usize) -> Result<Vec<TaskProgress>, FleetStoreError>;

    /// Whether a worker may run `job_id` of `task_id`.
    async fn job_gate(&self, tenant: &TenantId, task_id: &str, job_id: &str) -> Result<JobGate, FleetStoreError>;

    /// Planned jobs of a task that have not been applied yet.
    async fn unfinished_jobs(&self, tenant: &TenantId, task_id: &str) -> Result<Vec<PlannedJob>, FleetStoreError>;

    /// Every tenant's tasks that are still starting or running.
    async fn open_tasks(&self) -> Result<Vec<OpenTask>, FleetStoreError>;

    /// Applies a job's results once, if they match the plan: a planned job
    /// of the task, the planned instance set, and `units_charged` equal to
    /// `committed` (what the quota ledger charged for the job).
    async fn apply_results(&self, msg: &ResultMessage, committed: u64) -> Result<Applied, FleetStoreError>;

    /// Finishes a job whose messages are gone: its instances count as
    /// finished and failed, `charged` (what the ledger charged) as charged.
    async fn apply_lost(
        &self,
        tenant: &TenantId,
        task_id: &str,
        job: &PlannedJob,
        charged: u64,
        reason: &str,
    ) -> Result<bool, FleetStoreError>;

    /// One page of the latest results, ordered by risk, item and instance.
    async fn result_page(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: Page,
    ) -> Result<ResultPage, FleetStoreError>;

    /// Instances per status of every item that has results.
    async fn item_counts(&self, tenant: &TenantId) -> Result<BTreeMap<String, BTreeMap<Status, u64>>, FleetStoreError>;

    /// Calls the tenant's role was refused in its latest collection
    /// (written by [`crate::collection`]), with the code.
    async fn denied_calls(&self, tenant: &TenantId) -> Result<BTreeMap<String, String>, FleetStoreError>;

    /// Every latest result (read in bounded chunks; for the demo and tests).
    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError>;
}
