//! What collection puts on the bus and keeps.

use chrono::{DateTime, Utc};
use cspm_cloud::collect::{Document, Slice};
use cspm_domain::{DomainError, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const COLLECT_SCHEMA: &str = "cspm.collect.v1";
pub const COLLECTED_SCHEMA: &str = "cspm.collected.v1";

/// Regions one collection may name.
pub const MAX_REGIONS: usize = 64;
/// Resources one focused collection may name.
pub const MAX_FOCUS: usize = 1000;

/// One slice of one collection, for a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectJob {
    pub schema: String,
    /// Unique; also the `Nats-Msg-Id`.
    pub job_id: String,
    pub collection_id: String,
    pub tenant: TenantId,
    pub slice: Slice,
}

/// Published by the worker that stored a collection's last slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectedMessage {
    pub schema: String,
    pub tenant: TenantId,
    pub collection_id: String,
}

/// What a user asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionRequest {
    /// Regions to read (e.g. `cn-hangzhou`); absent: every region the account can use.
    #[serde(default)]
    #[schema(value_type = Option<Vec<RegionId>>, min_items = 1, max_items = 64)]
    pub regions: Option<Vec<String>>,
    /// Scan what was collected once it is stored (charged like any scan).
    #[serde(default)]
    pub scan: bool,
    /// A retry with the same token returns the first collection.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub client_token: Option<String>,
}

/// A region id, e.g. `cn-hangzhou` (documentation only: requests carry plain strings).
#[derive(utoipa::ToSchema)]
#[schema(pattern = "^[a-z0-9-]{1,32}$")]
#[allow(dead_code)]
pub struct RegionId(String);

fn region_name_ok(r: &str) -> bool {
    !r.is_empty() && r.len() <= 32 && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl CollectionRequest {
    pub fn validate(&self) -> Result<(), DomainError> {
        if let Some(regions) = &self.regions {
            if regions.is_empty() || regions.len() > MAX_REGIONS {
                return Err(DomainError::invalid(format!("regions names 1 to {MAX_REGIONS} regions, or is left out")));
            }
            if let Some(bad) = regions.iter().find(|r| !region_name_ok(r)) {
                return Err(DomainError::invalid(format!("region {bad:?} is not a region id like cn-hangzhou")));
            }
        }
        crate::plan::validate_client_token(self.client_token.as_deref())
    }
}

/// A collection as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionRecord {
    pub collection_id: String,
    pub tenant: TenantId,
    /// `api`, `event`, …
    pub trigger: String,
    pub created_at: DateTime<Utc>,
    pub regions: Vec<String>,
    pub slices: Vec<Slice>,
    /// Only these resources' own calls are made (an event's re-read).
    #[serde(default)]
    pub focus: Option<Vec<String>>,
    /// Scan once stored: everything (`scan`), or the focus only (an event's).
    pub scan: bool,
    pub client_token: Option<String>,
}

/// What a worker read for one slice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SliceResult {
    pub slice: Option<Slice>,
    pub documents: Vec<Document>,
    /// `<product>:<Action>` refused, with the code.
    pub denied: BTreeMap<String, String>,
    /// Calls that failed otherwise (after retries), with why.
    pub failed: BTreeMap<String, String>,
    /// Signed requests made.
    pub calls: u64,
}

/// How a collection ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub assets: u64,
    pub changed: u64,
    pub calls: u64,
    pub denied: BTreeMap<String, String>,
    pub failed: BTreeMap<String, String>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The scan started after it, if any.
    pub scan_task: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CollectionState {
    Running,
    Done,
    Failed,
}

/// A collection as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CollectionProgress {
    pub collection_id: String,
    pub trigger: String,
    pub state: CollectionState,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub regions: Vec<String>,
    /// Slices (product × region) planned, and stored so far.
    pub jobs: u64,
    pub jobs_done: u64,
    /// The resources an event named, when it was one.
    pub focus: Option<Vec<String>>,
    /// Assets the collection yielded, and how many were new or changed.
    pub assets: u64,
    pub changed: u64,
    /// Signed API calls made.
    pub calls: u64,
    /// Calls the role may not make (`ram:GetLoginProfile` → `Forbidden.RAM`):
    /// the items that need them are `NOT_CHECK` naming the call.
    pub denied: BTreeMap<String, String>,
    /// Calls that failed for another reason, with why.
    pub failed: BTreeMap<String, String>,
    pub reason: Option<String>,
    /// The scan started once it was stored, if one was asked for.
    pub scan_task: Option<String>,
}

impl CollectionProgress {
    pub fn new(
        record: &CollectionRecord,
        state: CollectionState,
        jobs_done: u64,
        summary: Summary,
        reason: Option<String>,
    ) -> Self {
        Self {
            collection_id: record.collection_id.clone(),
            trigger: record.trigger.clone(),
            state,
            created_at: record.created_at,
            finished_at: summary.finished_at,
            regions: record.regions.clone(),
            jobs: record.slices.len() as u64,
            jobs_done,
            focus: record.focus.clone(),
            assets: summary.assets,
            changed: summary.changed,
            calls: summary.calls,
            denied: summary.denied,
            failed: summary.failed,
            reason,
            scan_task: summary.scan_task,
        }
    }
}
