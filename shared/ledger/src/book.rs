//! One tenant's ledger state and its transitions, as plain values.
//!
//! This is the in-process ledger's engine, and the Redis Functions in
//! `redis/ledger.lua` implement exactly the same steps (the contract and
//! property tests hold them to it). `now_ms` is always passed in.

use crate::types::*;
use cspm_domain::billing::{GrantLimit, QuotaGrant};
use std::collections::{BTreeMap, HashMap};

/// Commits are remembered this long; a job cannot be redelivered later than this.
pub const DONE_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Debug, Clone, Default)]
pub struct TenantBook {
    kind: Kind,
    /// Units of a `Units` grant; for `Closed`, the limit kept when closing.
    limit: u64,
    period: u64,
    expires_ms: i64,
    used: u64,
    reserved: u64,
    /// job → (units, lease end ms)
    held: BTreeMap<String, (u64, i64)>,
    /// job → (units committed, commit time ms)
    done: HashMap<String, (u64, i64)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Closed,
    Units,
    Unlimited,
}

impl TenantBook {
    /// Returns expired leases' units and forgets old commits.
    fn sweep(&mut self, now: i64) {
        let expired: Vec<String> =
            self.held.iter().filter(|(_, (_, until))| *until <= now).map(|(j, _)| j.clone()).collect();
        for job in expired {
            if let Some((units, _)) = self.held.remove(&job) {
                self.reserved -= units;
            }
        }
        self.done.retain(|_, (_, at)| *at > now - DONE_RETENTION_MS);
    }

    fn remaining(&self, now: i64) -> Option<u64> {
        if self.kind == Kind::Closed || (self.expires_ms > 0 && now >= self.expires_ms) {
            return Some(0);
        }
        match self.kind {
            Kind::Unlimited => None,
            _ => Some(self.limit.saturating_sub(self.used + self.reserved)),
        }
    }

    fn snapshot_at(&self, now: i64) -> Snapshot {
        Snapshot {
            limit: match self.kind {
                Kind::Closed => GrantLimit::Closed,
                Kind::Units => GrantLimit::Units(self.limit),
                Kind::Unlimited => GrantLimit::Unlimited,
            },
            bound: (self.kind != Kind::Unlimited).then_some(self.limit),
            period: self.period,
            expires_at_ms: (self.expires_ms > 0).then_some(self.expires_ms),
            used: self.used,
            reserved: self.reserved,
            remaining: self.remaining(now),
            reservations: self.held.len() as u64,
        }
    }

    pub fn snapshot(&mut self, now: i64) -> Snapshot {
        self.sweep(now);
        self.snapshot_at(now)
    }

    pub fn set_grant(&mut self, grant: QuotaGrant, now: i64) -> Result<Snapshot, LedgerError> {
        self.sweep(now);
        if grant.period < self.period {
            return Err(LedgerError::StaleGrant { current: self.period, offered: grant.period });
        }
        let new_period = grant.period > self.period;
        if new_period {
            // A new billing period counts from zero; the old period's holders lose their reservations.
            self.held.clear();
            self.used = 0;
            self.reserved = 0;
        }
        let (kind, limit) = match grant.limit {
            GrantLimit::Units(n) if n < self.used + self.reserved => {
                return Err(LedgerError::GrantBelowUsage { needed: self.used + self.reserved, limit: n });
            }
            GrantLimit::Units(n) => (Kind::Units, n),
            GrantLimit::Unlimited => (Kind::Unlimited, 0),
            // Closing keeps a limit that what is already reserved still fits in.
            GrantLimit::Closed if new_period || self.kind == Kind::Unlimited => {
                (Kind::Closed, self.used + self.reserved)
            }
            GrantLimit::Closed => (Kind::Closed, self.limit),
        };
        self.kind = kind;
        self.limit = limit;
        self.period = grant.period;
        self.expires_ms = grant.expires_at.map_or(0, |t| t.timestamp_millis());
        Ok(self.snapshot_at(now))
    }

    pub fn reserve(&mut self, job: &JobId, req: ReserveRequest, now: i64) -> ReserveOutcome {
        self.sweep(now);
        let job = job.as_str();
        if let Some((units, _)) = self.done.get(job) {
            return ReserveOutcome::AlreadyCommitted { units: *units };
        }
        let lease_ms = req.lease.as_millis() as i64;
        if let Some((units, until)) = self.held.get_mut(job) {
            // A repeated reserve holds once; it renews the live holder's lease.
            *until = (*until).max(now + lease_ms);
            return ReserveOutcome::Reserved { units: *units, repeated: true, lease_until_ms: *until };
        }
        let refuse = |reason, remaining| ReserveOutcome::Refused { reason, needed: req.units, remaining };
        if self.kind == Kind::Closed {
            return refuse(Refusal::Closed, 0);
        }
        if self.expires_ms > 0 && now >= self.expires_ms {
            return refuse(Refusal::Expired, 0);
        }
        let units = match self.remaining(now) {
            Some(rem) if rem < req.units => match req.mode {
                ReserveMode::UpTo if rem > 0 => rem,
                _ => return refuse(Refusal::Exhausted, rem),
            },
            _ => req.units,
        };
        self.held.insert(job.to_owned(), (units, now + lease_ms));
        self.reserved += units;
        ReserveOutcome::Reserved { units, repeated: false, lease_until_ms: now + lease_ms }
    }

    pub fn commit(&mut self, job: &JobId, units_used: u64, now: i64) -> Result<CommitOutcome, LedgerError> {
        self.sweep(now);
        if let Some((units, _)) = self.done.get(job.as_str()) {
            return Ok(CommitOutcome { charged: *units, returned: 0, repeated: true });
        }
        let Some(&(held, _)) = self.held.get(job.as_str()) else {
            return Err(LedgerError::NoReservation(job.clone()));
        };
        if units_used > held {
            return Err(LedgerError::ExceedsReservation { job: job.clone(), reserved: held, requested: units_used });
        }
        self.held.remove(job.as_str());
        self.reserved -= held;
        self.used += units_used;
        self.done.insert(job.as_str().to_owned(), (units_used, now));
        Ok(CommitOutcome { charged: units_used, returned: held - units_used, repeated: false })
    }

    pub fn release(&mut self, job: &JobId, now: i64) -> u64 {
        self.sweep(now);
        match self.held.remove(job.as_str()) {
            Some((units, _)) => {
                self.reserved -= units;
                units
            }
            None => 0,
        }
    }

    /// The units `job` committed, if it did (and is still remembered).
    pub fn committed(&self, job: &JobId) -> Option<u64> {
        self.done.get(job.as_str()).map(|(units, _)| *units)
    }

    /// Closes a job's account for good: the units it committed, or, when it
    /// never committed, returns what it holds and records a commit of 0.
    pub fn settle(&mut self, job: &JobId, now: i64) -> u64 {
        self.sweep(now);
        if let Some((units, _)) = self.done.get(job.as_str()) {
            return *units;
        }
        self.release(job, now);
        self.done.insert(job.as_str().to_owned(), (0, now));
        0
    }

    pub fn extend(&mut self, job: &JobId, lease_ms: i64, now: i64) -> Result<(), LedgerError> {
        self.sweep(now);
        match self.held.get_mut(job.as_str()) {
            Some((_, until)) => {
                *until = now + lease_ms;
                Ok(())
            }
            None => Err(LedgerError::NoReservation(job.clone())),
        }
    }
}
