//! The quota ledger: every scan, verification and fix draws on it.
//!
//! Work **reserves** units before it runs, **commits** what it actually
//! consumed (the rest returns), or **releases** them. Reservations are
//! **leased**: a holder that dies holds nothing once its lease ends. Every
//! call carries the job's id and is **idempotent**: a repeated reserve holds
//! once, a repeated commit charges once, also after the reservation is gone.
//!
//! The invariant, for every tenant at every instant, under any concurrency:
//! `used + reserved <= limit` (the subscription's purchased quota, or the
//! pay-as-you-go cap; no bound when pay-as-you-go has no cap).
//!
//! Two implementations of one trait, [`QuotaLedger`]: [`RedisLedger`] (Redis
//! Functions, one atomic step per call) for the fleet, and [`MemoryLedger`]
//! for the demo and unit tests. The same contract suite runs against both.

mod book;
mod clock;
mod memory;
mod metered;
mod redis;
mod types;

pub use book::TenantBook;
pub use clock::Clock;
pub use memory::MemoryLedger;
pub use metered::{LedgerMetrics, MeteredLedger, error_label};
pub use redis::{AccountSaveOutcome, FunctionLibrary, RedisLedger, RedisOptions, RedisPool};
pub use types::*;

use async_trait::async_trait;
use cspm_domain::TenantId;
use cspm_domain::billing::QuotaGrant;

#[async_trait]
pub trait QuotaLedger: Send + Sync {
    /// Sets what the tenant may consume (absolute values: applying the same grant twice changes nothing).
    async fn set_grant(&self, tenant: &TenantId, grant: QuotaGrant) -> Result<Snapshot, LedgerError>;

    /// Holds units for `job` until the lease ends or the job commits or releases.
    async fn reserve(
        &self,
        tenant: &TenantId,
        job: &JobId,
        request: ReserveRequest,
    ) -> Result<ReserveOutcome, LedgerError>;

    /// Charges `units_used` (≤ reserved) for `job` and returns the rest.
    async fn commit(&self, tenant: &TenantId, job: &JobId, units_used: u64) -> Result<CommitOutcome, LedgerError>;

    /// Returns everything `job` holds; returns 0 if it holds nothing.
    async fn release(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError>;

    /// The units `job` committed, or `None` if it has not committed.
    async fn committed(&self, tenant: &TenantId, job: &JobId) -> Result<Option<u64>, LedgerError>;

    /// Closes `job` for good, for work that was given up (its messages are
    /// gone): returns the units it committed, or, when it never committed,
    /// returns what it holds to the pool and records a commit of 0, so a
    /// late worker's reserve answers `AlreadyCommitted` and its commit charges nothing.
    async fn settle(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError>;

    /// Renews `job`'s lease to end `lease` from now.
    async fn extend(&self, tenant: &TenantId, job: &JobId, lease: std::time::Duration) -> Result<(), LedgerError>;

    /// The tenant's quota now (expired leases already returned).
    async fn snapshot(&self, tenant: &TenantId) -> Result<Snapshot, LedgerError>;
}
