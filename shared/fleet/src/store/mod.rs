//! Where the scheduler keeps each tenant's inventory, tasks and latest
//! results. Applying a job's results is idempotent by job id, so a result
//! message delivered twice counts once.

mod memory;
mod redis_store;

pub use memory::MemoryFleetStore;
pub use redis_store::RedisFleetStore;

use crate::messages::ResultMessage;
use crate::plan::Skipped;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cspm_assets::{Asset, AssetKind};
use cspm_checks::{Finding, Status};
use cspm_domain::TenantId;
use cspm_domain::entitlement::CheckAction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum FleetStoreError {
    #[error("scheduler store: {0}")]
    Backend(String),
    #[error("scheduler store holds unreadable data: {0}")]
    Corrupt(String),
}

/// A task as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub task_id: String,
    pub tenant: TenantId,
    pub action: CheckAction,
    /// What started it: `api` or `asset_change`.
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Running,
    /// Everything was checked.
    Done,
    /// The quota ran out: some instances are `NOT_CHECK` / `AuthorizationExhaust`.
    Partial,
    /// Some jobs were dead-lettered.
    Failed,
}

/// A task and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskProgress {
    #[serde(flatten)]
    pub task: TaskRecord,
    pub state: TaskState,
    pub finished: u64,
    pub by_status: BTreeMap<Status, u64>,
    pub not_checked_for_quota: u64,
    pub dead_lettered: u64,
    pub units_charged: u64,
}

impl TaskProgress {
    pub fn new(task: TaskRecord, counters: &BTreeMap<String, u64>) -> Self {
        let get = |k: &str| counters.get(k).copied().unwrap_or(0);
        let by_status: BTreeMap<Status, u64> =
            [Status::Pass, Status::NotPass, Status::NotCheck, Status::Whitelist, Status::Error]
                .into_iter()
                .filter_map(|s| Some((s, get(&format!("s:{}", status_name(s))))).filter(|(_, n)| *n > 0))
                .collect();
        let finished = get("finished");
        let (exhausted, dead) = (get("exhausted"), get("dead"));
        let state = if finished < task.total {
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
        }
    }
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::NotPass => "NOT_PASS",
        Status::NotCheck => "NOT_CHECK",
        Status::Whitelist => "WHITELIST",
        Status::Error => "ERROR",
    }
}

/// The latest result of one (item, instance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// One result as the store applies it: key, time, body, status, and which counter it feeds.
pub(crate) struct ResultRow {
    pub field: String,
    pub at_ms: i64,
    pub json: String,
    pub status: Status,
    pub flag: &'static str,
}

pub(crate) fn rows(msg: &ResultMessage) -> Vec<ResultRow> {
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
            ResultRow {
                field: format!("{}|{}/{}", msg.item_id, r.resource_type.as_str(), r.instance_id),
                at_ms: msg.evaluated_at.timestamp_millis(),
                json: serde_json::to_string(&stored).expect("a result always serializes"),
                status: r.evaluation.status,
                flag,
            }
        })
        .collect()
}

#[async_trait]
pub trait FleetStore: Send + Sync {
    /// Stores assets (replacing same-key ones); returns those that are new or changed.
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError>;

    async fn assets(&self, tenant: &TenantId) -> Result<Vec<Asset>, FleetStoreError>;

    async fn create_task(&self, task: &TaskRecord) -> Result<(), FleetStoreError>;

    async fn task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError>;

    /// The newest tasks first.
    async fn tasks(&self, tenant: &TenantId, limit: usize) -> Result<Vec<TaskProgress>, FleetStoreError>;

    /// Applies a job's results once; `false` when this job was applied before.
    async fn apply_results(&self, msg: &ResultMessage) -> Result<bool, FleetStoreError>;

    /// The latest result per (item, instance).
    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError>;
}
