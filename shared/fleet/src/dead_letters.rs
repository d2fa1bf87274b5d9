//! Reading and replaying dead letters. The dead-letter stream keeps every
//! letter (limits retention: two weeks, 256 MiB), whether or not the
//! scheduler has applied it; people list them per tenant and replay a job's.

use crate::messages::DeadLetter;
use crate::plan::ScanRequest;
use crate::scheduler::{Scheduler, unavailable};
use crate::store::TaskProgress;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use serde::Serialize;

/// Most letters one listing returns.
pub const MAX_LISTED: usize = 100;

/// A stored dead letter: its place in the stream and what it says.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredLetter {
    pub sequence: u64,
    pub subject: String,
    /// `None` when the stored body is not a dead letter (published by someone else).
    pub letter: Option<DeadLetter>,
}

impl Scheduler {
    /// Up to `limit` dead letters from stream sequence `from` on, oldest
    /// first: one tenant's, or every one (`tenant` = `None`).
    pub async fn dead_letters(
        &self,
        tenant: Option<&TenantId>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredLetter>, DomainError> {
        let queue = self.bus.work_queue(&self.topology.dead_letters()).await.map_err(unavailable)?;
        let filter = self.topology.dead_letters_filter(tenant);
        let stored = queue.stored(&filter, from, limit.clamp(1, MAX_LISTED)).await.map_err(unavailable)?;
        Ok(stored
            .into_iter()
            .map(|m| StoredLetter {
                sequence: m.sequence,
                subject: m.subject,
                letter: serde_json::from_slice(&m.payload).ok(),
            })
            .collect())
    }

    /// Runs a dead-lettered job's check again, as a new task of the same
    /// item and instances (with the tenant's current inventory, entitlement
    /// and quota). Idempotent: replaying one letter twice returns the first task.
    pub async fn replay(&self, sequence: u64) -> Result<TaskProgress, DomainError> {
        let queue = self.bus.work_queue(&self.topology.dead_letters()).await.map_err(unavailable)?;
        let Some(stored) = queue.stored_at(sequence).await.map_err(unavailable)? else {
            return Err(DomainError::new(ErrorCode::NotFound, format!("no dead letter {sequence}")));
        };
        let letter: Option<DeadLetter> = serde_json::from_slice(&stored.payload).ok();
        let Some(job) = letter.and_then(|l| l.job) else {
            return Err(DomainError::invalid(format!(
                "dead letter {sequence} holds no readable job; only a job can be replayed"
            )));
        };
        let request = ScanRequest {
            items: Some(vec![job.item_id.clone()]),
            instances: Some(job.instances.iter().map(|a| a.id.clone()).collect()),
            client_token: Some(format!("replay-{sequence}")),
            ..Default::default()
        };
        self.start(&job.tenant, job.action, request, "replay").await
    }
}
