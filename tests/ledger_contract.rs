//! One contract, every ledger: each test body below runs unchanged against the
//! in-process ledger and the Redis ledger (a fresh tenant on the local Redis).
//! Time is a manual clock, so lease expiry is exact, not slept for.

use chrono::{DateTime, Utc};
use cspm_domain::billing::{GrantLimit, QuotaGrant};
use cspm_domain::{Site, TenantId};
use cspm_ledger::*;
use cspm_tests::{redis_url, unique_tenant};
use std::sync::Arc;
use std::time::Duration;

const T0: i64 = 1_800_000_000_000;
const LEASE: Duration = Duration::from_secs(30);

struct Harness {
    ledger: Arc<dyn QuotaLedger>,
    clock: Clock,
    tenant: TenantId,
}

impl Harness {
    async fn memory() -> Self {
        let clock = Clock::manual(T0);
        Self { ledger: Arc::new(MemoryLedger::new(clock.clone())), clock, tenant: unique_tenant(Site::Cn) }
    }

    async fn redis() -> Self {
        let clock = Clock::manual(T0);
        let ledger = RedisLedger::connect(&redis_url(), clock.clone()).await.expect("Redis at CSPM_TEST_REDIS_URL");
        Self { ledger: Arc::new(ledger), clock, tenant: unique_tenant(Site::Cn) }
    }

    async fn grant(&self, limit: GrantLimit, period: u64) -> Result<Snapshot, LedgerError> {
        self.grant_until(limit, period, None).await
    }

    async fn grant_until(&self, limit: GrantLimit, period: u64, expires: Option<i64>) -> Result<Snapshot, LedgerError> {
        let expires_at = expires.map(|ms| DateTime::<Utc>::from_timestamp_millis(ms).unwrap());
        self.ledger.set_grant(&self.tenant, QuotaGrant { limit, period, expires_at }).await
    }

    async fn reserve(&self, job: &str, units: u64) -> ReserveOutcome {
        self.ledger.reserve(&self.tenant, &job_id(job), ReserveRequest::all_or_nothing(units, LEASE)).await.unwrap()
    }

    async fn reserve_up_to(&self, job: &str, units: u64) -> ReserveOutcome {
        self.ledger.reserve(&self.tenant, &job_id(job), ReserveRequest::up_to(units, LEASE)).await.unwrap()
    }

    async fn commit(&self, job: &str, units: u64) -> Result<CommitOutcome, LedgerError> {
        self.ledger.commit(&self.tenant, &job_id(job), units).await
    }

    async fn release(&self, job: &str) -> u64 {
        self.ledger.release(&self.tenant, &job_id(job)).await.unwrap()
    }

    async fn snap(&self) -> Snapshot {
        self.ledger.snapshot(&self.tenant).await.unwrap()
    }

    async fn used_reserved_remaining(&self) -> (u64, u64, Option<u64>) {
        let s = self.snap().await;
        (s.used, s.reserved, s.remaining)
    }
}

fn job_id(s: &str) -> JobId {
    JobId::new(s).unwrap()
}

fn reserved(units: u64) -> impl Fn(&ReserveOutcome) -> bool {
    move |o| matches!(o, ReserveOutcome::Reserved { units: u, .. } if *u == units)
}

/// Expands each contract test into one `#[tokio::test]` per backend.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $( #[tokio::test] async fn $name() { super::$name(super::Harness::memory().await).await } )*
        }
        mod redis {
            $( #[tokio::test] async fn $name() { super::$name(super::Harness::redis().await).await } )*
        }
    };
}

contract!(
    a_new_tenant_has_nothing,
    grant_then_reserve_and_commit_returns_the_rest,
    all_or_nothing_refusal_says_needed_and_remaining,
    up_to_reserves_what_remains,
    a_repeated_reserve_holds_once,
    a_repeated_commit_charges_once_even_after_the_reservation_is_gone,
    commits_are_checked,
    release_returns_units_once,
    an_expired_lease_returns_its_units_without_release,
    extend_keeps_a_long_job_alive,
    uncapped_pay_as_you_go_never_refuses,
    a_cap_behaves_like_a_subscription,
    closing_refuses_new_work_but_lets_held_work_commit,
    an_expired_subscription_refuses_new_work,
    a_new_period_starts_from_zero,
    grants_never_break_the_invariant,
    bad_arguments_are_refused,
    tenants_and_sites_are_isolated,
);

async fn a_new_tenant_has_nothing(h: Harness) {
    let s = h.snap().await;
    assert_eq!(s.limit, GrantLimit::Closed);
    assert_eq!((s.used, s.reserved, s.remaining), (0, 0, Some(0)));
    let r = h.reserve("j", 1).await;
    assert!(matches!(r, ReserveOutcome::Refused { reason: Refusal::Closed, needed: 1, remaining: 0 }), "{r:?}");
}

async fn grant_then_reserve_and_commit_returns_the_rest(h: Harness) {
    let s = h.grant(GrantLimit::Units(100), 1).await.unwrap();
    assert_eq!((s.bound, s.remaining), (Some(100), Some(100)));
    assert!(reserved(10)(&h.reserve("j1", 10).await));
    assert_eq!(h.used_reserved_remaining().await, (0, 10, Some(90)));
    let c = h.commit("j1", 7).await.unwrap();
    assert_eq!(c, CommitOutcome { charged: 7, returned: 3, repeated: false });
    assert_eq!(h.used_reserved_remaining().await, (7, 0, Some(93)));
}

async fn all_or_nothing_refusal_says_needed_and_remaining(h: Harness) {
    h.grant(GrantLimit::Units(5), 1).await.unwrap();
    let r = h.reserve("j", 6).await;
    assert_eq!(r, ReserveOutcome::Refused { reason: Refusal::Exhausted, needed: 6, remaining: 5 });
    assert_eq!(h.used_reserved_remaining().await, (0, 0, Some(5)));
}

async fn up_to_reserves_what_remains(h: Harness) {
    h.grant(GrantLimit::Units(5), 1).await.unwrap();
    assert!(reserved(5)(&h.reserve_up_to("a", 8).await));
    let r = h.reserve_up_to("b", 8).await;
    assert_eq!(r, ReserveOutcome::Refused { reason: Refusal::Exhausted, needed: 8, remaining: 0 });
}

async fn a_repeated_reserve_holds_once(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    assert!(matches!(h.reserve("j", 4).await, ReserveOutcome::Reserved { units: 4, repeated: false, .. }));
    assert!(matches!(h.reserve("j", 4).await, ReserveOutcome::Reserved { units: 4, repeated: true, .. }));
    // A retry asking for more still holds what the first call holds.
    assert!(matches!(h.reserve("j", 9).await, ReserveOutcome::Reserved { units: 4, repeated: true, .. }));
    assert_eq!(h.used_reserved_remaining().await, (0, 4, Some(6)));
}

async fn a_repeated_commit_charges_once_even_after_the_reservation_is_gone(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("j", 4).await;
    assert_eq!(h.commit("j", 3).await.unwrap(), CommitOutcome { charged: 3, returned: 1, repeated: false });
    for _ in 0..3 {
        assert_eq!(h.commit("j", 3).await.unwrap(), CommitOutcome { charged: 3, returned: 0, repeated: true });
    }
    // A redelivered job that reserves again learns it already committed.
    assert_eq!(h.reserve("j", 4).await, ReserveOutcome::AlreadyCommitted { units: 3 });
    h.clock.advance_ms(3_600_000);
    assert!(h.commit("j", 3).await.unwrap().repeated);
    assert_eq!(h.used_reserved_remaining().await, (3, 0, Some(7)));
}

async fn commits_are_checked(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    assert!(matches!(h.commit("never", 1).await, Err(LedgerError::NoReservation(_))));
    h.reserve("j", 2).await;
    let err = h.commit("j", 3).await.unwrap_err();
    assert!(matches!(err, LedgerError::ExceedsReservation { reserved: 2, requested: 3, .. }), "{err:?}");
    // A failed fix commits zero: nothing is charged and the job is done.
    assert_eq!(h.commit("j", 0).await.unwrap(), CommitOutcome { charged: 0, returned: 2, repeated: false });
    assert_eq!(h.used_reserved_remaining().await, (0, 0, Some(10)));
}

async fn release_returns_units_once(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("j", 6).await;
    assert_eq!(h.release("j").await, 6);
    assert_eq!(h.release("j").await, 0);
    assert_eq!(h.used_reserved_remaining().await, (0, 0, Some(10)));
    // A released job may reserve again (it never committed).
    assert!(reserved(6)(&h.reserve("j", 6).await));
}

async fn an_expired_lease_returns_its_units_without_release(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("vanished", 8).await;
    assert!(matches!(h.reserve("other", 5).await, ReserveOutcome::Refused { remaining: 2, .. }));
    h.clock.advance_ms(LEASE.as_millis() as i64 - 1);
    assert_eq!(h.used_reserved_remaining().await, (0, 8, Some(2)), "still held just before the lease ends");
    h.clock.advance_ms(1);
    assert_eq!(h.used_reserved_remaining().await, (0, 0, Some(10)), "returned when the lease ends");
    assert!(matches!(h.commit("vanished", 8).await, Err(LedgerError::NoReservation(_))));
    assert!(reserved(5)(&h.reserve("other", 5).await));
}

async fn extend_keeps_a_long_job_alive(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("long", 3).await;
    for _ in 0..5 {
        h.clock.advance_ms(20_000);
        h.ledger.extend(&h.tenant, &job_id("long"), LEASE).await.unwrap();
    }
    assert_eq!(h.used_reserved_remaining().await, (0, 3, Some(7)));
    assert_eq!(h.commit("long", 3).await.unwrap().charged, 3);
    let err = h.ledger.extend(&h.tenant, &job_id("long"), LEASE).await.unwrap_err();
    assert!(matches!(err, LedgerError::NoReservation(_)));
}

async fn uncapped_pay_as_you_go_never_refuses(h: Harness) {
    let s = h.grant(GrantLimit::Unlimited, 1).await.unwrap();
    assert_eq!((s.bound, s.remaining), (None, None));
    for i in 0..50 {
        let job = format!("j{i}");
        assert!(reserved(1_000_000)(&h.reserve(&job, 1_000_000).await));
        h.commit(&job, 1_000_000).await.unwrap();
    }
    let s = h.snap().await;
    assert_eq!((s.used, s.remaining), (50_000_000, None));
}

async fn a_cap_behaves_like_a_subscription(h: Harness) {
    h.grant(GrantLimit::Unlimited, 1).await.unwrap();
    h.reserve("a", 30).await;
    h.commit("a", 30).await.unwrap();
    // Same period: capping keeps what was used.
    let s = h.grant(GrantLimit::Units(40), 1).await.unwrap();
    assert_eq!((s.used, s.remaining), (30, Some(10)));
    let r = h.reserve("b", 11).await;
    assert_eq!(r, ReserveOutcome::Refused { reason: Refusal::Exhausted, needed: 11, remaining: 10 });
    assert!(reserved(10)(&h.reserve("b", 10).await));
}

async fn closing_refuses_new_work_but_lets_held_work_commit(h: Harness) {
    h.grant(GrantLimit::Units(100), 1).await.unwrap();
    h.reserve("inflight", 5).await;
    let s = h.grant(GrantLimit::Closed, 1).await.unwrap();
    assert_eq!((s.limit, s.remaining, s.reserved), (GrantLimit::Closed, Some(0), 5));
    assert!(matches!(h.reserve("new", 1).await, ReserveOutcome::Refused { reason: Refusal::Closed, .. }));
    assert_eq!(h.commit("inflight", 5).await.unwrap().charged, 5);
    let s = h.snap().await;
    assert!(s.used + s.reserved <= s.bound.unwrap());
}

async fn an_expired_subscription_refuses_new_work(h: Harness) {
    h.grant_until(GrantLimit::Units(100), 1, Some(T0 + 1_000)).await.unwrap();
    h.reserve("inflight", 5).await;
    h.clock.advance_ms(1_000);
    let r = h.reserve("late", 1).await;
    assert_eq!(r, ReserveOutcome::Refused { reason: Refusal::Expired, needed: 1, remaining: 0 });
    assert_eq!(h.snap().await.remaining, Some(0));
    assert_eq!(h.commit("inflight", 5).await.unwrap().charged, 5);
}

async fn a_new_period_starts_from_zero(h: Harness) {
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("a", 4).await;
    h.commit("a", 4).await.unwrap();
    h.reserve("old", 3).await;
    let s = h.grant(GrantLimit::Unlimited, 2).await.unwrap();
    assert_eq!((s.used, s.reserved, s.period), (0, 0, 2));
    assert!(matches!(h.commit("old", 3).await, Err(LedgerError::NoReservation(_))));
    // Commits of the old period stay idempotent.
    assert!(h.commit("a", 4).await.unwrap().repeated);
}

async fn grants_never_break_the_invariant(h: Harness) {
    h.grant(GrantLimit::Units(10), 2).await.unwrap();
    h.reserve("a", 6).await;
    h.commit("a", 6).await.unwrap();
    h.reserve("b", 3).await;
    let err = h.grant(GrantLimit::Units(8), 2).await.unwrap_err();
    assert_eq!(err, LedgerError::GrantBelowUsage { needed: 9, limit: 8 });
    assert_eq!(h.snap().await.bound, Some(10), "a refused grant changes nothing");
    let err = h.grant(GrantLimit::Units(1000), 1).await.unwrap_err();
    assert_eq!(err, LedgerError::StaleGrant { current: 2, offered: 1 });
    // The same grant twice is a no-op.
    let a = h.grant(GrantLimit::Units(20), 2).await.unwrap();
    let b = h.grant(GrantLimit::Units(20), 2).await.unwrap();
    assert_eq!(a, b);
}

async fn bad_arguments_are_refused(h: Harness) {
    let t = &h.tenant;
    let j = job_id("j");
    for req in [ReserveRequest::all_or_nothing(0, LEASE), ReserveRequest::all_or_nothing(1, Duration::ZERO)] {
        assert!(matches!(h.ledger.reserve(t, &j, req).await, Err(LedgerError::InvalidArgument(_))));
    }
    assert!(matches!(h.ledger.extend(t, &j, Duration::from_secs(90_000)).await, Err(LedgerError::InvalidArgument(_))));
    for bad in ["", "has space", &"x".repeat(201)] {
        assert!(JobId::new(bad).is_err());
    }
}

async fn tenants_and_sites_are_isolated(h: Harness) {
    let other_site = TenantId::new(Site::Intl, h.tenant.account_id.clone());
    h.grant(GrantLimit::Units(10), 1).await.unwrap();
    h.reserve("j", 10).await;
    let other = h.ledger.snapshot(&other_site).await.unwrap();
    assert_eq!((other.limit, other.reserved), (GrantLimit::Closed, 0));
    assert!(matches!(h.ledger.commit(&other_site, &job_id("j"), 1).await, Err(LedgerError::NoReservation(_))));
}
