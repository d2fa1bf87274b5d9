//! Requests, outcomes and errors of the ledger.

use cspm_domain::billing::GrantLimit;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The id of the job a ledger call is for: the idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobId(String);

impl JobId {
    pub const MAX_LEN: usize = 200;

    pub fn new(id: impl Into<String>) -> Result<Self, LedgerError> {
        let id = id.into();
        if id.is_empty() || id.len() > Self::MAX_LEN || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(LedgerError::InvalidArgument(format!(
                "job id must be 1 to {} printable ASCII characters",
                Self::MAX_LEN
            )));
        }
        Ok(JobId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for JobId {
    type Error = LedgerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        JobId::new(s)
    }
}

impl From<JobId> for String {
    fn from(j: JobId) -> String {
        j.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReserveMode {
    /// Reserve exactly the units asked for, or nothing.
    AllOrNothing,
    /// Reserve as many as remain, up to the units asked for (at least one).
    UpTo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReserveRequest {
    pub units: u64,
    pub mode: ReserveMode,
    pub lease: Duration,
}

impl ReserveRequest {
    /// Longest lease one call may take; long jobs extend.
    pub const MAX_LEASE: Duration = Duration::from_secs(24 * 3600);
    pub const MAX_UNITS: u64 = 1_000_000_000;

    pub fn all_or_nothing(units: u64, lease: Duration) -> Self {
        Self { units, mode: ReserveMode::AllOrNothing, lease }
    }

    pub fn up_to(units: u64, lease: Duration) -> Self {
        Self { units, mode: ReserveMode::UpTo, lease }
    }

    pub(crate) fn validate(&self) -> Result<(), LedgerError> {
        if self.units == 0 || self.units > Self::MAX_UNITS {
            return Err(LedgerError::InvalidArgument(format!("units must be between 1 and {}", Self::MAX_UNITS)));
        }
        validate_lease(self.lease)
    }
}

pub(crate) fn validate_lease(lease: Duration) -> Result<(), LedgerError> {
    if lease.is_zero() || lease > ReserveRequest::MAX_LEASE {
        return Err(LedgerError::InvalidArgument("lease must be between 1 ms and 24 h".into()));
    }
    Ok(())
}

/// Why a reservation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not enough units remain.
    Exhausted,
    /// The tenant has no CSPM billing (never bought, unsubscribed, turned off).
    Closed,
    /// The subscription has expired.
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReserveOutcome {
    /// The job holds `units` (fewer than asked only in `UpTo` mode).
    /// `repeated`: the job already held them; nothing new was reserved.
    Reserved { units: u64, repeated: bool, lease_until_ms: i64 },
    /// The job already committed; a redelivered job must not run again at a cost.
    AlreadyCommitted { units: u64 },
    /// Nothing reserved: `needed` units were asked for and `remaining` remain.
    Refused { reason: Refusal, needed: u64, remaining: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOutcome {
    /// Units charged for the job (the first commit's, when repeated).
    pub charged: u64,
    /// Units returned to the pool by this call.
    pub returned: u64,
    /// The job had committed before; nothing was charged now.
    pub repeated: bool,
}

/// A tenant's quota at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub limit: GrantLimit,
    /// The number `used + reserved` may never exceed: the units of a
    /// `Units` grant, the last limit of a `Closed` one (work reserved before
    /// closing may still commit), `None` when unlimited.
    pub bound: Option<u64>,
    pub period: u64,
    /// Subscription end (ms since epoch), if any.
    pub expires_at_ms: Option<i64>,
    pub used: u64,
    pub reserved: u64,
    /// Units that may still be reserved now; `None` when there is no limit.
    pub remaining: Option<u64>,
    /// Reservations currently held.
    pub reservations: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("job {0} holds no reservation (it was never made, already released, or its lease ran out)")]
    NoReservation(JobId),
    #[error("job {job} reserved {reserved} units and cannot commit {requested}")]
    ExceedsReservation { job: JobId, reserved: u64, requested: u64 },
    #[error("a limit of {limit} units is below the {needed} units already used or reserved in this period")]
    GrantBelowUsage { needed: u64, limit: u64 },
    #[error("grant for period {offered} is older than the ledger's period {current}")]
    StaleGrant { current: u64, offered: u64 },
    #[error("quota ledger backend: {0}")]
    Backend(String),
}
