//! Property test: random interleavings of grant / reserve / commit / release /
//! extend / time passing (leases and subscriptions expiring) run against a
//! deliberately simple model, the in-process ledger and the Redis ledger. All
//! three must give identical outcomes and snapshots at every step, and the
//! invariant `used + reserved <= bound` must hold after every step.

use chrono::{DateTime, Utc};
use cspm_domain::Site;
use cspm_domain::billing::{GrantLimit, QuotaGrant};
use cspm_ledger::*;
use cspm_tests::{redis_url, unique_tenant};
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::Duration;

const T0: i64 = 1_800_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    Grant { limit: GrantLimit, period_step: i64, expires_in_ms: Option<i64> },
    Reserve { job: u8, units: u64, up_to: bool, lease_ms: u64 },
    Commit { job: u8, units: u64 },
    Release { job: u8 },
    Extend { job: u8, lease_ms: u64 },
    Wait { ms: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    let limit = prop_oneof![
        1 => Just(GrantLimit::Closed),
        4 => (0..40u64).prop_map(GrantLimit::Units),
        1 => Just(GrantLimit::Unlimited),
    ];
    prop_oneof![
        2 => (limit, prop_oneof![8 => Just(0i64), 3 => Just(1), 1 => Just(-1)], proptest::option::of(0..6_000i64))
            .prop_map(|(limit, period_step, expires_in_ms)| Op::Grant { limit, period_step, expires_in_ms }),
        6 => (0..6u8, 1..9u64, any::<bool>(), 1..5_000u64)
            .prop_map(|(job, units, up_to, lease_ms)| Op::Reserve { job, units, up_to, lease_ms }),
        4 => (0..6u8, 0..9u64).prop_map(|(job, units)| Op::Commit { job, units }),
        2 => (0..6u8).prop_map(|job| Op::Release { job }),
        1 => (0..6u8, 1..5_000u64).prop_map(|(job, lease_ms)| Op::Extend { job, lease_ms }),
        2 => (0..3_000i64).prop_map(|ms| Op::Wait { ms }),
    ]
}

/// What a step returned, comparable across implementations.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Snapshot(Snapshot),
    Reserve(ReserveOutcome),
    Commit(CommitOutcome),
    Released(u64),
    Extended,
    Waited,
    Err(LedgerError),
}

fn out<T>(r: Result<T, LedgerError>, f: impl FnOnce(T) -> Out) -> Out {
    r.map_or_else(Out::Err, f)
}

/// The simple model: lists and arithmetic, written from the rules, not from the ledger's code.
#[derive(Default)]
struct Model {
    kind: Option<GrantLimit>, // None: never granted (closed)
    limit: u64,
    period: u64,
    expires: i64,
    used: u64,
    holds: Vec<(String, u64, i64)>,
    done: Vec<(String, u64)>,
}

impl Model {
    fn sweep(&mut self, now: i64) {
        self.holds.retain(|(_, _, until)| *until > now);
    }
    fn reserved(&self) -> u64 {
        self.holds.iter().map(|h| h.1).sum()
    }
    fn closed(&self) -> bool {
        matches!(self.kind, None | Some(GrantLimit::Closed))
    }
    fn expired(&self, now: i64) -> bool {
        self.expires > 0 && now >= self.expires
    }
    fn remaining(&self, now: i64) -> Option<u64> {
        if self.closed() || self.expired(now) {
            Some(0)
        } else if self.kind == Some(GrantLimit::Unlimited) {
            None
        } else {
            Some(self.limit.saturating_sub(self.used + self.reserved()))
        }
    }
    fn snapshot(&mut self, now: i64) -> Snapshot {
        self.sweep(now);
        let limit = match self.kind {
            None | Some(GrantLimit::Closed) => GrantLimit::Closed,
            Some(GrantLimit::Units(_)) => GrantLimit::Units(self.limit),
            Some(GrantLimit::Unlimited) => GrantLimit::Unlimited,
        };
        Snapshot {
            limit,
            bound: (limit != GrantLimit::Unlimited).then_some(self.limit),
            period: self.period,
            expires_at_ms: (self.expires > 0).then_some(self.expires),
            used: self.used,
            reserved: self.reserved(),
            remaining: self.remaining(now),
            reservations: self.holds.len() as u64,
        }
    }
    fn hold(&self, job: &str) -> Option<usize> {
        self.holds.iter().position(|h| h.0 == job)
    }

    fn step(&mut self, op: &Op, job: &str, period: u64, expires: i64, now: i64) -> Out {
        self.sweep(now);
        match *op {
            Op::Grant { limit, .. } => {
                if period < self.period {
                    return Out::Err(LedgerError::StaleGrant { current: self.period, offered: period });
                }
                let fresh = period > self.period;
                if fresh {
                    self.holds.clear();
                    self.used = 0;
                }
                let in_use = self.used + self.reserved();
                match limit {
                    GrantLimit::Units(n) if n < in_use => {
                        return Out::Err(LedgerError::GrantBelowUsage { needed: in_use, limit: n });
                    }
                    GrantLimit::Units(n) => self.limit = n,
                    GrantLimit::Unlimited => self.limit = 0,
                    GrantLimit::Closed => {
                        if fresh || self.kind == Some(GrantLimit::Unlimited) {
                            self.limit = in_use;
                        }
                    }
                }
                self.kind = Some(limit);
                self.period = period;
                self.expires = expires;
                Out::Snapshot(self.snapshot(now))
            }
            Op::Reserve { units, up_to, lease_ms, .. } => {
                if let Some(d) = self.done.iter().find(|d| d.0 == job) {
                    return Out::Reserve(ReserveOutcome::AlreadyCommitted { units: d.1 });
                }
                if let Some(i) = self.hold(job) {
                    self.holds[i].2 = self.holds[i].2.max(now + lease_ms as i64);
                    let h = &self.holds[i];
                    return Out::Reserve(ReserveOutcome::Reserved { units: h.1, repeated: true, lease_until_ms: h.2 });
                }
                let refused =
                    |reason, remaining| Out::Reserve(ReserveOutcome::Refused { reason, needed: units, remaining });
                if self.closed() {
                    return refused(Refusal::Closed, 0);
                }
                if self.expired(now) {
                    return refused(Refusal::Expired, 0);
                }
                let granted = match self.remaining(now) {
                    None => units,
                    Some(r) if r >= units => units,
                    Some(r) if up_to && r > 0 => r,
                    Some(r) => return refused(Refusal::Exhausted, r),
                };
                self.holds.push((job.to_owned(), granted, now + lease_ms as i64));
                Out::Reserve(ReserveOutcome::Reserved {
                    units: granted,
                    repeated: false,
                    lease_until_ms: now + lease_ms as i64,
                })
            }
            Op::Commit { units, .. } => {
                if let Some(d) = self.done.iter().find(|d| d.0 == job) {
                    return Out::Commit(CommitOutcome { charged: d.1, returned: 0, repeated: true });
                }
                let Some(i) = self.hold(job) else {
                    return Out::Err(LedgerError::NoReservation(JobId::new(job).unwrap()));
                };
                let held = self.holds[i].1;
                if units > held {
                    return Out::Err(LedgerError::ExceedsReservation {
                        job: JobId::new(job).unwrap(),
                        reserved: held,
                        requested: units,
                    });
                }
                self.holds.remove(i);
                self.used += units;
                self.done.push((job.to_owned(), units));
                Out::Commit(CommitOutcome { charged: units, returned: held - units, repeated: false })
            }
            Op::Release { .. } => Out::Released(self.hold(job).map_or(0, |i| self.holds.remove(i).1)),
            Op::Extend { lease_ms, .. } => match self.hold(job) {
                Some(i) => {
                    self.holds[i].2 = now + lease_ms as i64;
                    Out::Extended
                }
                None => Out::Err(LedgerError::NoReservation(JobId::new(job).unwrap())),
            },
            Op::Wait { .. } => Out::Waited,
        }
    }
}

async fn run_on(ledger: &dyn QuotaLedger, clock: &Clock, ops: &[Op]) -> Vec<(Out, Snapshot)> {
    let tenant = unique_tenant(Site::Cn);
    let mut period = 1u64;
    let mut trace = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let job_name = |j: u8| format!("job-{j}");
        let now = clock.now_ms();
        let o = match *op {
            Op::Grant { limit, period_step, expires_in_ms } => {
                let p = period.saturating_add_signed(period_step).max(1);
                if period_step >= 0 {
                    period = p;
                }
                let expires_at = expires_in_ms.map(|ms| DateTime::<Utc>::from_timestamp_millis(now + ms).unwrap());
                out(ledger.set_grant(&tenant, QuotaGrant { limit, period: p, expires_at }).await, Out::Snapshot)
            }
            Op::Reserve { job, units, up_to, lease_ms } => {
                let lease = Duration::from_millis(lease_ms);
                let req = if up_to {
                    ReserveRequest::up_to(units, lease)
                } else {
                    ReserveRequest::all_or_nothing(units, lease)
                };
                out(ledger.reserve(&tenant, &JobId::new(job_name(job)).unwrap(), req).await, Out::Reserve)
            }
            Op::Commit { job, units } => {
                out(ledger.commit(&tenant, &JobId::new(job_name(job)).unwrap(), units).await, Out::Commit)
            }
            Op::Release { job } => {
                out(ledger.release(&tenant, &JobId::new(job_name(job)).unwrap()).await, Out::Released)
            }
            Op::Extend { job, lease_ms } => out(
                ledger.extend(&tenant, &JobId::new(job_name(job)).unwrap(), Duration::from_millis(lease_ms)).await,
                |()| Out::Extended,
            ),
            Op::Wait { ms } => {
                clock.advance_ms(ms);
                Out::Waited
            }
        };
        let s = ledger.snapshot(&tenant).await.unwrap();
        if let Some(bound) = s.bound {
            assert!(s.used + s.reserved <= bound, "invariant broken after step {i} {op:?}: {s:?}");
        }
        trace.push((o, s));
    }
    trace
}

fn run_model(ops: &[Op]) -> Vec<(Out, Snapshot)> {
    let mut m = Model::default();
    let mut now = T0;
    let mut period = 1u64;
    ops.iter()
        .map(|op| {
            let (job, p, expires) = match *op {
                Op::Grant { period_step, expires_in_ms, .. } => {
                    let p = period.saturating_add_signed(period_step).max(1);
                    if period_step >= 0 {
                        period = p;
                    }
                    (String::new(), p, expires_in_ms.map_or(0, |ms| now + ms))
                }
                Op::Reserve { job, .. } | Op::Commit { job, .. } | Op::Release { job } | Op::Extend { job, .. } => {
                    (format!("job-{job}"), 0, 0)
                }
                Op::Wait { ms } => {
                    now += ms;
                    (String::new(), 0, 0)
                }
            };
            let o = m.step(op, &job, p, expires, now);
            (o, m.snapshot(now))
        })
        .collect()
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn model_memory_and_redis_agree(ops in proptest::collection::vec(op(), 1..60)) {
        let expected = run_model(&ops);
        let rt = runtime();
        let memory_clock = Clock::manual(T0);
        let memory = rt.block_on(run_on(&MemoryLedger::new(memory_clock.clone()), &memory_clock, &ops));
        let redis_clock = Clock::manual(T0);
        let redis = rt.block_on(async {
            let l = RedisLedger::connect(&redis_url(), redis_clock.clone()).await.expect("Redis at CSPM_TEST_REDIS_URL");
            run_on(&l, &redis_clock, &ops).await
        });
        for (i, ((m, mem), red)) in expected.iter().zip(&memory).zip(&redis).enumerate() {
            prop_assert_eq!(m, mem, "model vs memory at step {} ({:?})", i, ops[i]);
            prop_assert_eq!(m, red, "model vs redis at step {} ({:?})", i, ops[i]);
        }
    }
}
