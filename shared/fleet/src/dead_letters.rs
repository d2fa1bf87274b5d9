//! Dead letters: posting them, reading them, replaying them. The
//! dead-letter stream keeps every letter (limits retention: two weeks, 256
//! MiB), whether or not the scheduler has applied it; people list them per
//! tenant and replay a job's.
//!
//! Posting a letter changes nothing else: the scheduler's follower settles a
//! job's quota only once it has checked that the letter's original is the
//! message its task planned (a forged job reusing a real job's id must not
//! free or close the real one).

use crate::messages::*;
use crate::metrics::FleetMetrics;
use crate::plan::ScanRequest;
use crate::scheduler::{Scheduler, unavailable};
use crate::store::{TaskProgress, sha256_hex};
use bytes::Bytes;
use chrono::Utc;
use cspm_bus::{Bus, BusError, Outgoing, Pulled};
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
        let queue = self.dead_letter_queue().await?;
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
        let queue = self.dead_letter_queue().await?;
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

/// The message being dead-lettered, as it was delivered.
pub struct Original<'a> {
    pub subject: &'a str,
    pub payload: &'a [u8],
    pub deliveries: u64,
    /// Whose it is, when known without a readable job.
    pub tenant: Option<&'a TenantId>,
}

impl<'a> Original<'a> {
    pub fn of(p: &'a Pulled, tenant: Option<&'a TenantId>) -> Self {
        Self { subject: &p.subject, payload: &p.payload, deliveries: p.delivered, tenant }
    }
}

/// Where dead letters go.
pub struct Letterbox<'a> {
    pub topology: &'a Topology,
    pub bus: &'a dyn Bus,
    pub metrics: &'a FleetMetrics,
}

impl Letterbox<'_> {
    /// Posts a letter (message id `dead-<job>`, or a digest of the body, so
    /// repeats collapse) and counts it; an error means it was not stored.
    pub async fn post(
        &self,
        original: Original<'_>,
        reason: DeadLetterReason,
        detail: String,
        job: Option<JobMessage>,
    ) -> Result<(), BusError> {
        let tenant = job.as_ref().map(|j| j.tenant.clone()).or_else(|| original.tenant.cloned());
        let payload = original.payload;
        let digest = sha256_hex(payload);
        let msg_id = job.as_ref().map_or_else(|| format!("dead-{}", &digest[..32]), |j| format!("dead-{}", j.job_id));
        let letter = DeadLetter {
            schema: DEAD_LETTER_SCHEMA.to_owned(),
            reason,
            detail,
            original_subject: original.subject.to_owned(),
            deliveries: original.deliveries,
            raw: job.is_none().then(|| String::from_utf8_lossy(&payload[..payload.len().min(4096)]).into_owned()),
            job,
            payload_digest: Some(digest),
            at: Utc::now(),
        };
        tracing::warn!(reason = reason.as_str(), detail = %letter.detail, "dead-lettered");
        let body = serde_json::to_vec(&letter).map_err(|e| BusError::Unavailable(e.to_string()))?;
        let out = Outgoing {
            subject: self.topology.dead_letter_subject(tenant.as_ref()),
            msg_id,
            headers: Vec::new(),
            payload: Bytes::from(body),
        };
        match self.bus.send(out).await {
            Ok(()) => {
                self.metrics.dead_letters.with_label_values(&[reason.as_str()]).inc();
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "could not store a dead letter; the message is kept for another try");
                Err(e)
            }
        }
    }
}
