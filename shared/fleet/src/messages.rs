//! Messages on the bus. Bodies are JSON with a `schema` version; subjects are
//! `cspm.v1.<kind>.<site>.<account>…`. `docs/asyncapi.yaml` documents them for
//! outside publishers.

use chrono::{DateTime, Utc};
use cspm_assets::{Asset, AssetKind};
use cspm_bus::{QueueSpec, Retention};
use cspm_checks::Evaluation;
use cspm_domain::TenantId;
use cspm_domain::entitlement::CheckAction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

pub const JOB_SCHEMA: &str = "cspm.job.v1";
pub const RESULT_SCHEMA: &str = "cspm.result.v1";
pub const DEAD_LETTER_SCHEMA: &str = "cspm.dead_letter.v1";
pub const ASSET_CHANGED_SCHEMA: &str = "cspm.asset_changed.v1";

/// Where the fleet's messages go: streams and subjects under one root
/// (`cspm` in production, so `cspm.v1.job.…` on stream `CSPM_JOBS`). Tests
/// give each fleet its own root so fleets never share a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    root: String,
    job_ack_wait: Duration,
}

impl Default for Topology {
    fn default() -> Self {
        Self { root: "cspm".into(), job_ack_wait: Duration::from_secs(30) }
    }
}

impl Topology {
    /// `root` is 1 to 32 lower-case letters, digits or `_`.
    pub fn new(root: &str) -> Result<Self, String> {
        let ok = !root.is_empty()
            && root.len() <= 32
            && root.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self { root: root.to_owned(), ..Self::default() })
        } else {
            Err(format!("subject root {root:?} must be 1 to 32 of [a-z0-9_]"))
        }
    }

    /// How long a worker may hold a job without acknowledging or signalling
    /// progress before it is delivered to another (the jobs consumer is
    /// brought to it whenever a service opens the queue).
    pub fn with_job_ack_wait(mut self, ack_wait: Duration) -> Self {
        self.job_ack_wait = ack_wait.max(Duration::from_secs(1));
        self
    }

    /// The subject root (`cspm` in production).
    pub fn root(&self) -> &str {
        &self.root
    }

    /// How long a worker may hold a job without a sign of life.
    pub fn job_ack_wait(&self) -> Duration {
        self.job_ack_wait
    }

    fn queue(&self, kind: &str, stream: &str, consumer: &str, ack_wait: Duration, max_deliver: u32) -> QueueSpec {
        QueueSpec {
            stream: format!("{}_{stream}", self.root.to_uppercase()),
            retention: Retention::WorkQueue,
            subjects: format!("{}.v1.{kind}.>", self.root),
            consumer: consumer.to_owned(),
            ack_wait,
            max_deliver,
            max_ack_pending: 1000,
        }
    }

    /// Jobs: one work-queue stream, one durable consumer shared by every
    /// scan-worker. No server-side backoff: JetStream's first backoff step
    /// would replace the ack wait of the first delivery; workers that fail
    /// for a moment nak with a delay instead.
    pub fn jobs(&self) -> QueueSpec {
        // With `retry_delay`'s growing naps, 8 deliveries ride out about two minutes of outage.
        self.queue("job", "JOBS", "scan-workers", self.job_ack_wait, 8)
    }

    /// Results, followed by the scheduler (which retries a result until it is applied).
    pub fn results(&self) -> QueueSpec {
        self.queue("result", "RESULTS", "scheduler", Duration::from_secs(30), 100)
    }

    /// Dead letters: messages that can never succeed, with the reason. Kept
    /// after the scheduler has read them (two weeks, 256 MiB at most), so
    /// people can list and replay them.
    pub fn dead_letters(&self) -> QueueSpec {
        let retention =
            Retention::Limits { max_age: Duration::from_secs(14 * 24 * 3600), max_bytes: 256 * 1024 * 1024 };
        QueueSpec { retention, ..self.queue("dead", "DEAD_LETTERS", "scheduler", Duration::from_secs(30), 10) }
    }

    /// Asset-change events from outside publishers.
    pub fn assets(&self) -> QueueSpec {
        self.queue("asset", "ASSETS", "scheduler", Duration::from_secs(30), 100)
    }

    /// Collection jobs: their own work queue and consumer, read by every
    /// scan-worker. A slice of a large account takes minutes; the worker
    /// signals progress while it reads.
    pub fn collect_jobs(&self) -> QueueSpec {
        self.queue("collect", "COLLECT", "collectors", Duration::from_secs(60), 5)
    }

    /// Cloud events, followed by the scheduler: ActionTrail records from
    /// outside publishers, and the workers' word that a collection is stored.
    pub fn cloud_events(&self) -> QueueSpec {
        self.queue("cloud", "CLOUD_EVENTS", "scheduler", Duration::from_secs(60), 20)
    }

    /// `cspm.v1.collect.<site>.<account>.<job>`
    pub fn collect_subject(&self, tenant: &TenantId, job_id: &str) -> String {
        format!("{}.v1.collect.{}.{job_id}", self.root, tenant.subject_part())
    }

    /// `cspm.v1.cloud.<site>.<account>.trail`: ActionTrail event records.
    pub fn trail_subject(&self, tenant: &TenantId) -> String {
        format!("{}.v1.cloud.{}.trail", self.root, tenant.subject_part())
    }

    /// `cspm.v1.cloud.<site>.<account>.collected`: a collection is stored.
    pub fn collected_subject(&self, tenant: &TenantId) -> String {
        format!("{}.v1.cloud.{}.collected", self.root, tenant.subject_part())
    }

    /// `cspm.v1.job.<site>.<account>.<item>.<job>`: one subject per job, so
    /// the scheduler can tell whether a job is still in the stream.
    pub fn job_subject(&self, tenant: &TenantId, item: &str, job_id: &str) -> String {
        format!("{}.v1.job.{}.{item}.{job_id}", self.root, tenant.subject_part())
    }

    /// `cspm.v1.dead.<site>.<account>` and `cspm.v1.dead.unknown`: every dead letter.
    pub fn dead_letters_filter(&self, tenant: Option<&TenantId>) -> String {
        match tenant {
            Some(t) => self.dead_letter_subject(Some(t)),
            None => format!("{}.v1.dead.>", self.root),
        }
    }

    /// `cspm.v1.result.<site>.<account>`
    pub fn result_subject(&self, tenant: &TenantId) -> String {
        format!("{}.v1.result.{}", self.root, tenant.subject_part())
    }

    /// `cspm.v1.dead.<site>.<account>`, or `cspm.v1.dead.unknown` when the tenant is unreadable.
    pub fn dead_letter_subject(&self, tenant: Option<&TenantId>) -> String {
        let tail = tenant.map_or_else(|| "unknown".to_owned(), TenantId::subject_part);
        format!("{}.v1.dead.{tail}", self.root)
    }

    /// `cspm.v1.asset.<site>.<account>.changed`
    pub fn asset_changed_subject(&self, tenant: &TenantId) -> String {
        format!("{}.v1.asset.{}.changed", self.root, tenant.subject_part())
    }
}

/// One batch of instances of one check item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobMessage {
    pub schema: String,
    /// Unique; also the `Nats-Msg-Id` and the quota ledger's idempotency key.
    pub job_id: String,
    pub task_id: String,
    pub tenant: TenantId,
    pub action: CheckAction,
    pub item_id: String,
    /// The tenant's parameter values for the item (defaults apply to the rest).
    #[serde(default)]
    pub params: BTreeMap<String, i64>,
    /// The assets to evaluate, in order: the worker needs nothing else, so a
    /// redelivered job evaluates exactly the same inputs.
    pub instances: Vec<Asset>,
    /// Set when the tenant's role was refused a call the item's data comes
    /// from: every instance is `NOT_CHECK` with this reason, and uncharged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The outcome of one (item, instance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceResult {
    pub instance_id: String,
    pub resource_type: AssetKind,
    pub instance_name: Option<String>,
    pub region: Option<String>,
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Whether this evaluation was charged a quota unit.
    pub charged: bool,
}

/// What a worker publishes for a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultMessage {
    pub schema: String,
    pub job_id: String,
    pub task_id: String,
    pub tenant: TenantId,
    pub action: CheckAction,
    pub item_id: String,
    pub results: Vec<InstanceResult>,
    pub units_charged: u64,
    pub evaluated_at: DateTime<Utc>,
}

/// Why a job was dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadLetterReason {
    /// Not JSON, wrong schema, or fields missing or invalid.
    Malformed,
    UnknownCheckItem,
    /// The tenant no longer exists.
    TenantGone,
    /// Delivered `max_deliver` times without success.
    MaxDeliveries,
    /// No live task planned this job (forged, or left by a start that failed).
    Unplanned,
    /// A result that is not JSON, or does not match its task's plan.
    InvalidResult,
    /// An asset-change event that is not JSON or does not import.
    InvalidAssetEvent,
    /// A cloud event (ActionTrail records) that is not JSON or names no
    /// resource the fleet reads.
    InvalidCloudEvent,
}

impl DeadLetterReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadLetterReason::Malformed => "malformed",
            DeadLetterReason::UnknownCheckItem => "unknown_check_item",
            DeadLetterReason::TenantGone => "tenant_gone",
            DeadLetterReason::MaxDeliveries => "max_deliveries",
            DeadLetterReason::Unplanned => "unplanned",
            DeadLetterReason::InvalidResult => "invalid_result",
            DeadLetterReason::InvalidAssetEvent => "invalid_asset_event",
            DeadLetterReason::InvalidCloudEvent => "invalid_cloud_event",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadLetter {
    pub schema: String,
    pub reason: DeadLetterReason,
    pub detail: String,
    pub original_subject: String,
    pub deliveries: u64,
    /// The job, when it could be read.
    pub job: Option<JobMessage>,
    /// The first 4 KiB of the original body, when it could not.
    pub raw: Option<String>,
    /// SHA-256 of the original body: a job's letter changes its task only
    /// when this is the digest the task planned.
    #[serde(default)]
    pub payload_digest: Option<String>,
    pub at: DateTime<Utc>,
}

/// Published by outside systems when a tenant's cloud resources change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetChanged {
    pub schema: String,
    pub tenant: TenantId,
    /// The new state, as OpenAPI responses (the same format the import API takes).
    pub responses: Vec<cspm_assets::openapi::ApiResponse>,
}
