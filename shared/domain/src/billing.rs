//! How CSPM is paid for, and what that grants the quota ledger.
//!
//! One billing method at a time: a subscription (a purchased quantity for a
//! duration; the console shows *Remaining Quota*) or pay-as-you-go (no cap by
//! default; the console shows *Used Quota*). Each activation of a billing
//! method starts a new *billing period*: the ledger counts usage per period,
//! so switching method starts from zero used.

use crate::error::DomainError;
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// Larger orders are a typo, not a purchase (the seed's example buys 3,000).
pub const MAX_QUOTA: u64 = 100_000_000;
pub const MAX_SUBSCRIPTION_MONTHS: u32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum CspmBilling {
    #[default]
    None,
    Subscription {
        /// Total units bought in this subscription (purchase plus upgrades).
        quota: u64,
        purchased_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        period: u64,
    },
    PayAsYouGo {
        /// Optional spending cap set by the user; `None` never refuses.
        cap: Option<u64>,
        started_at: DateTime<Utc>,
        period: u64,
    },
}

impl CspmBilling {
    /// The method name as the API shows it.
    pub fn method(&self) -> &'static str {
        match self {
            CspmBilling::None => "none",
            CspmBilling::Subscription { .. } => "subscription",
            CspmBilling::PayAsYouGo { .. } => "pay_as_you_go",
        }
    }

    /// Whether CSPM is usable at `now`; a subscription past `expires_at` is not.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        match self {
            CspmBilling::None => false,
            CspmBilling::Subscription { expires_at, .. } => now < *expires_at,
            CspmBilling::PayAsYouGo { .. } => true,
        }
    }

    /// What the quota ledger must enforce for this billing.
    pub fn grant(&self, last_period: u64) -> QuotaGrant {
        match *self {
            CspmBilling::None => QuotaGrant { limit: GrantLimit::Closed, period: last_period, expires_at: None },
            CspmBilling::Subscription { quota, expires_at, period, .. } => {
                QuotaGrant { limit: GrantLimit::Units(quota), period, expires_at: Some(expires_at) }
            }
            CspmBilling::PayAsYouGo { cap, period, .. } => {
                QuotaGrant { limit: cap.map_or(GrantLimit::Unlimited, GrantLimit::Units), period, expires_at: None }
            }
        }
    }
}

/// What the ledger may hand out, in absolute terms, so that applying the same
/// grant twice changes nothing (grants are idempotent by construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaGrant {
    pub limit: GrantLimit,
    /// Usage is counted per period; a new period starts at zero used.
    pub period: u64,
    /// No new reservations at or after this instant.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantLimit {
    /// No CSPM: nothing new may be reserved; reservations already held may still commit.
    Closed,
    /// At most this many units in the period (subscription quota, or pay-as-you-go cap).
    Units(u64),
    /// Pay-as-you-go without a cap.
    Unlimited,
}

pub fn validate_quota(field: &str, units: u64) -> Result<(), DomainError> {
    if units == 0 || units > MAX_QUOTA {
        return Err(DomainError::invalid(format!("{field} must be between 1 and {MAX_QUOTA} units, got {units}")));
    }
    Ok(())
}

pub fn validate_months(field: &str, months: u32) -> Result<(), DomainError> {
    if months == 0 || months > MAX_SUBSCRIPTION_MONTHS {
        return Err(DomainError::invalid(format!(
            "{field} must be between 1 and {MAX_SUBSCRIPTION_MONTHS} months, got {months}"
        )));
    }
    Ok(())
}

/// A time as messages show it: `2027-11-28T07:44:52Z`.
pub fn display_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `start + months`, clamped to the end of a shorter month (Jan 31 + 1 = Feb 28/29).
pub fn add_months(start: DateTime<Utc>, months: u32) -> Result<DateTime<Utc>, DomainError> {
    start
        .checked_add_months(Months::new(months))
        .ok_or_else(|| DomainError::invalid("subscription end date is out of range"))
}
