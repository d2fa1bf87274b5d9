//! The in-process ledger, for `cspm demo` and unit tests: one mutex over a
//! map of [`TenantBook`]s, so every call is one atomic step, as in Redis.

use crate::QuotaLedger;
use crate::book::TenantBook;
use crate::clock::Clock;
use crate::types::*;
use async_trait::async_trait;
use cspm_domain::TenantId;
use cspm_domain::billing::QuotaGrant;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct MemoryLedger {
    clock: Clock,
    books: Mutex<HashMap<TenantId, TenantBook>>,
}

impl MemoryLedger {
    pub fn new(clock: Clock) -> Self {
        Self { clock, books: Mutex::default() }
    }

    /// Runs `f` on the tenant's book under the lock (the whole call is atomic).
    pub fn with_book<T>(&self, tenant: &TenantId, f: impl FnOnce(&mut TenantBook, i64) -> T) -> T {
        let now = self.clock.now_ms();
        // A panic inside `f` cannot leave a book half-changed in a way that
        // matters more than losing the ledger, so a poisoned lock is reused.
        let mut books = self.books.lock().unwrap_or_else(PoisonError::into_inner);
        f(books.entry(tenant.clone()).or_default(), now)
    }
}

#[async_trait]
impl QuotaLedger for MemoryLedger {
    async fn set_grant(&self, tenant: &TenantId, grant: QuotaGrant) -> Result<Snapshot, LedgerError> {
        self.with_book(tenant, |b, now| b.set_grant(grant, now))
    }

    async fn reserve(
        &self,
        tenant: &TenantId,
        job: &JobId,
        request: ReserveRequest,
    ) -> Result<ReserveOutcome, LedgerError> {
        request.validate()?;
        Ok(self.with_book(tenant, |b, now| b.reserve(job, request, now)))
    }

    async fn commit(&self, tenant: &TenantId, job: &JobId, units_used: u64) -> Result<CommitOutcome, LedgerError> {
        self.with_book(tenant, |b, now| b.commit(job, units_used, now))
    }

    async fn release(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        Ok(self.with_book(tenant, |b, now| b.release(job, now)))
    }

    async fn committed(&self, tenant: &TenantId, job: &JobId) -> Result<Option<u64>, LedgerError> {
        Ok(self.with_book(tenant, |b, _| b.committed(job)))
    }

    async fn settle(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        Ok(self.with_book(tenant, |b, now| b.settle(job, now)))
    }

    async fn extend(&self, tenant: &TenantId, job: &JobId, lease: Duration) -> Result<(), LedgerError> {
        validate_lease(lease)?;
        self.with_book(tenant, |b, now| b.extend(job, lease.as_millis() as i64, now))
    }

    async fn snapshot(&self, tenant: &TenantId) -> Result<Snapshot, LedgerError> {
        Ok(self.with_book(tenant, |b, now| b.snapshot(now)))
    }
}
