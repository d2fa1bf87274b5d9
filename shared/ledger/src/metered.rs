//! A ledger decorator that counts every call by operation and result and
//! times it, for `/metrics`. Result labels are bounded: `ok`, `refused`,
//! `already_committed`, or the error kind.

use crate::QuotaLedger;
use crate::types::*;
use async_trait::async_trait;
use cspm_domain::TenantId;
use cspm_domain::billing::QuotaGrant;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const LEDGER_CALLS_TOTAL: &str = "cspm_ledger_calls_total";
pub const LEDGER_CALL_DURATION_SECONDS: &str = "cspm_ledger_call_duration_seconds";

#[derive(Clone)]
pub struct LedgerMetrics {
    calls: IntCounterVec,
    duration: HistogramVec,
}

impl LedgerMetrics {
    pub fn new(registry: &Registry) -> Self {
        let calls = IntCounterVec::new(
            Opts::new(LEDGER_CALLS_TOTAL, "Quota ledger calls by operation and result"),
            &["operation", "result"],
        )
        .expect("metric definition is valid");
        let duration = HistogramVec::new(
            HistogramOpts::new(LEDGER_CALL_DURATION_SECONDS, "Quota ledger call duration")
                .buckets(vec![0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0]),
            &["operation"],
        )
        .expect("metric definition is valid");
        registry.register(Box::new(calls.clone())).expect("metric registered once");
        registry.register(Box::new(duration.clone())).expect("metric registered once");
        Self { calls, duration }
    }

    /// Records one call of `operation` that started at `started`.
    pub fn record(&self, operation: &str, started: Instant, result: &str) {
        self.duration.with_label_values(&[operation]).observe(started.elapsed().as_secs_f64());
        self.calls.with_label_values(&[operation, result]).inc();
    }
}

/// The result label of an error.
pub fn error_label(e: &LedgerError) -> &'static str {
    match e {
        LedgerError::InvalidArgument(_) => "invalid_argument",
        LedgerError::NoReservation(_) => "no_reservation",
        LedgerError::ExceedsReservation { .. } => "exceeds_reservation",
        LedgerError::GrantBelowUsage { .. } => "grant_below_usage",
        LedgerError::StaleGrant { .. } => "stale_grant",
        LedgerError::Backend(_) => "backend_error",
    }
}

pub struct MeteredLedger {
    inner: Arc<dyn QuotaLedger>,
    metrics: LedgerMetrics,
}

impl MeteredLedger {
    pub fn new(inner: Arc<dyn QuotaLedger>, metrics: LedgerMetrics) -> Self {
        Self { inner, metrics }
    }

    fn observe<T>(&self, op: &str, started: Instant, r: &Result<T, LedgerError>, ok: impl FnOnce(&T) -> &'static str) {
        let label = match r {
            Ok(v) => ok(v),
            Err(e) => error_label(e),
        };
        self.metrics.record(op, started, label);
    }
}

fn ok<T>(_: &T) -> &'static str {
    "ok"
}

#[async_trait]
impl QuotaLedger for MeteredLedger {
    async fn set_grant(&self, tenant: &TenantId, grant: QuotaGrant) -> Result<Snapshot, LedgerError> {
        let t = Instant::now();
        let r = self.inner.set_grant(tenant, grant).await;
        self.observe("set_grant", t, &r, ok);
        r
    }

    async fn reserve(
        &self,
        tenant: &TenantId,
        job: &JobId,
        request: ReserveRequest,
    ) -> Result<ReserveOutcome, LedgerError> {
        let t = Instant::now();
        let r = self.inner.reserve(tenant, job, request).await;
        self.observe("reserve", t, &r, |o| match o {
            ReserveOutcome::Reserved { .. } => "ok",
            ReserveOutcome::AlreadyCommitted { .. } => "already_committed",
            ReserveOutcome::Refused { .. } => "refused",
        });
        r
    }

    async fn commit(&self, tenant: &TenantId, job: &JobId, units_used: u64) -> Result<CommitOutcome, LedgerError> {
        let t = Instant::now();
        let r = self.inner.commit(tenant, job, units_used).await;
        self.observe("commit", t, &r, |o| if o.repeated { "repeated" } else { "ok" });
        r
    }

    async fn release(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        let t = Instant::now();
        let r = self.inner.release(tenant, job).await;
        self.observe("release", t, &r, ok);
        r
    }

    async fn committed(&self, tenant: &TenantId, job: &JobId) -> Result<Option<u64>, LedgerError> {
        let t = Instant::now();
        let r = self.inner.committed(tenant, job).await;
        self.observe("committed", t, &r, ok);
        r
    }

    async fn settle(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        let t = Instant::now();
        let r = self.inner.settle(tenant, job).await;
        self.observe("settle", t, &r, ok);
        r
    }

    async fn extend(&self, tenant: &TenantId, job: &JobId, lease: Duration) -> Result<(), LedgerError> {
        let t = Instant::now();
        let r = self.inner.extend(tenant, job, lease).await;
        self.observe("extend", t, &r, ok);
        r
    }

    async fn snapshot(&self, tenant: &TenantId) -> Result<Snapshot, LedgerError> {
        let t = Instant::now();
        let r = self.inner.snapshot(tenant).await;
        self.observe("snapshot", t, &r, ok);
        r
    }
}
