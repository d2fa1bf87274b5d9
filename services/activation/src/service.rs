//! The activation operations, independent of HTTP.
//!
//! Every change goes through [`Activation::execute`]: read the account, apply
//! the domain command, save with the expected version (which also applies the
//! ledger grant and queues the events atomically), retry on a concurrent
//! change, then publish the events.

use crate::events::{AccountEventMessage, EventPublisher};
use chrono::{DateTime, Utc};
use cspm_accounts::{AccountStore, Authenticator, StoreError, Versioned, hash_token};
use cspm_domain::billing::{CspmBilling, GrantLimit};
use cspm_domain::entitlement::{self, Allowance, Operation, QuotaView};
use cspm_domain::{Account, AccountCommand, DomainError, ErrorCode, TenantId};
use cspm_ledger::{LedgerError, QuotaLedger, Snapshot};
use rand::RngCore;
use serde::Serialize;
use std::sync::Arc;

/// How often a save is retried when other writers keep winning.
const MAX_SAVE_ATTEMPTS: usize = 16;

/// An error with a stable code, ready for the HTTP edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ServiceError(pub DomainError);

impl ServiceError {
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        ServiceError(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Ledger(l) => l.into(),
            StoreError::Backend(m) => ServiceError(DomainError::new(ErrorCode::ServiceUnavailable, m)),
            StoreError::Corrupt(..) => ServiceError(DomainError::new(ErrorCode::InternalError, e.to_string())),
        }
    }
}

impl From<LedgerError> for ServiceError {
    fn from(e: LedgerError) -> Self {
        let code = match e {
            LedgerError::GrantBelowUsage { .. } | LedgerError::StaleGrant { .. } => ErrorCode::Conflict,
            LedgerError::Backend(_) => ErrorCode::ServiceUnavailable,
            LedgerError::InvalidArgument(_) => ErrorCode::InvalidParameter,
            _ => ErrorCode::InternalError,
        };
        let message = match e {
            LedgerError::GrantBelowUsage { needed, limit } => format!(
                "a limit of {limit} units is below the {needed} units already used or reserved in this billing period; choose at least {needed}"
            ),
            other => other.to_string(),
        };
        ServiceError(DomainError::new(code, message))
    }
}

/// The quota as the console shows it: **Remaining Quota** for a
/// subscription, **Used Quota** for pay-as-you-go.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuotaReport {
    pub tenant: TenantId,
    /// `none`, `subscription` or `pay_as_you_go` (`CspmBilling::method`).
    #[schema(pattern = "^(none|subscription|pay_as_you_go)$")]
    pub billing_method: &'static str,
    pub headline: Headline,
    /// Units bought (subscription) — `None` otherwise.
    pub purchased: Option<u64>,
    /// Pay-as-you-go spending cap, if set.
    pub cap: Option<u64>,
    pub used: u64,
    pub reserved: u64,
    /// `None`: no limit.
    pub remaining: Option<u64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub billing_period: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Headline {
    #[schema(pattern = "^(Remaining Quota|Used Quota)$")]
    pub label: &'static str,
    pub value: u64,
}

pub struct Activation {
    store: Arc<dyn AccountStore>,
    ledger: Arc<dyn QuotaLedger>,
    events: EventPublisher,
    authenticator: Authenticator,
    /// Checks the role a tenant names when it authorizes; `None`: naming one is refused.
    roles: Option<Arc<dyn crate::roles::RoleVerifier>>,
}

impl Activation {
    pub fn new(
        store: Arc<dyn AccountStore>,
        ledger: Arc<dyn QuotaLedger>,
        events: EventPublisher,
        admin_token: &str,
    ) -> Self {
        let authenticator = Authenticator::new(admin_token, store.clone());
        Self { store, ledger, events, authenticator, roles: None }
    }

    /// Verifies roles named at authorization with `roles`.
    pub fn with_roles(mut self, roles: Arc<dyn crate::roles::RoleVerifier>) -> Self {
        self.roles = Some(roles);
        self
    }

    /// Authorizes the tenant, after checking that the fleet can assume the
    /// role it names (when it names one). Nothing is recorded when it cannot.
    pub async fn authorize(
        &self,
        tenant: &TenantId,
        client_token: String,
        role_arn: Option<String>,
    ) -> Result<Versioned, ServiceError> {
        if let Some(arn) = &role_arn {
            cspm_domain::authorization::validate_role_arn(arn, tenant.account_id.as_str())?;
            let Some(roles) = &self.roles else {
                return Err(ServiceError(DomainError::new(
                    ErrorCode::ServiceUnavailable,
                    "this service is not set up to verify roles ([cloud] settings)",
                )));
            };
            roles.verify(tenant, arn).await?;
        }
        self.execute(tenant, AccountCommand::Authorize { client_token, role_arn }).await
    }

    pub fn events(&self) -> &EventPublisher {
        &self.events
    }

    pub fn store(&self) -> &Arc<dyn AccountStore> {
        &self.store
    }

    pub fn authenticator(&self) -> &Authenticator {
        &self.authenticator
    }

    /// Issues a new read token for the tenant; the previous one stops working.
    pub async fn issue_token(&self, tenant: &TenantId) -> Result<String, ServiceError> {
        self.load(tenant).await?;
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let token = format!("cspm_t_{}", hex::encode(bytes));
        self.store.rotate_token(tenant, &hash_token(&token)).await?;
        Ok(token)
    }

    /// Creates the tenant if absent. Returns the account and whether it was created.
    pub async fn create(&self, tenant: &TenantId) -> Result<(Versioned, bool), ServiceError> {
        if let Some(existing) = self.store.load(tenant).await? {
            return Ok((existing, false));
        }
        let account = Account::new(tenant.clone(), Utc::now());
        match self.store.save(&account, 0, &[]).await? {
            Some(version) => Ok((Versioned { version, account }, true)),
            // Created concurrently by another request: return theirs.
            None => Ok((self.load(tenant).await?, false)),
        }
    }

    /// The account, with an ended subscription expired first.
    pub async fn get(&self, tenant: &TenantId) -> Result<Versioned, ServiceError> {
        self.change(tenant, |account, now| Ok(account.expire(now))).await
    }

    pub async fn execute(&self, tenant: &TenantId, command: AccountCommand) -> Result<Versioned, ServiceError> {
        self.change(tenant, |account, now| account.apply(command.clone(), now)).await
    }

    async fn load(&self, tenant: &TenantId) -> Result<Versioned, ServiceError> {
        self.store.load(tenant).await?.ok_or_else(|| {
            ServiceError(DomainError::new(
                ErrorCode::TenantNotFound,
                format!("tenant {tenant} does not exist; create it with PUT /v1/tenants/{tenant}"),
            ))
        })
    }

    async fn change(
        &self,
        tenant: &TenantId,
        mut f: impl FnMut(&mut Account, DateTime<Utc>) -> Result<Vec<cspm_domain::AccountEvent>, DomainError>,
    ) -> Result<Versioned, ServiceError> {
        for _ in 0..MAX_SAVE_ATTEMPTS {
            let current = self.load(tenant).await?;
            let now = Utc::now();
            let mut account = current.account.clone();
            let events = f(&mut account, now)?;
            if account == current.account {
                return Ok(current);
            }
            let version = current.version + 1;
            let messages: Vec<String> = events
                .iter()
                .map(|e| serde_json::to_string(&AccountEventMessage::new(&account, version, *e, now)))
                .collect::<Result<_, _>>()
                .map_err(|e| ServiceError(DomainError::new(ErrorCode::InternalError, e.to_string())))?;
            if let Some(version) = self.store.save(&account, current.version, &messages).await? {
                if !messages.is_empty()
                    && let Err(e) = self.events.flush(tenant).await
                {
                    tracing::warn!(%tenant, error = %e, "account events queued; the retry loop will publish them");
                }
                return Ok(Versioned { version, account });
            }
        }
        Err(ServiceError(DomainError::conflict(format!("tenant {tenant} is being changed concurrently; try again"))))
    }

    pub async fn quota(&self, tenant: &TenantId) -> Result<QuotaReport, ServiceError> {
        let account = self.get(tenant).await?.account;
        let snapshot = self.ledger.snapshot(tenant).await?;
        Ok(quota_report(&account, &snapshot))
    }

    /// The entitlement decision with the tenant's real quota.
    pub async fn entitlement(
        &self,
        tenant: &TenantId,
        operation: Operation,
        instances: u64,
    ) -> Result<Allowance, ServiceError> {
        let account = self.get(tenant).await?.account;
        let snapshot = self.ledger.snapshot(tenant).await?;
        Ok(entitlement::decide(
            &account,
            QuotaView { remaining: snapshot.remaining },
            operation,
            instances,
            Utc::now(),
        )?)
    }
}

fn quota_report(account: &Account, s: &Snapshot) -> QuotaReport {
    let (purchased, cap, expires_at) = match &account.cspm {
        CspmBilling::Subscription { quota, expires_at, .. } => (Some(*quota), None, Some(*expires_at)),
        CspmBilling::PayAsYouGo { cap, .. } => (None, *cap, None),
        CspmBilling::None => (None, None, None),
    };
    let remaining = match s.limit {
        GrantLimit::Unlimited => None,
        _ => Some(s.remaining.unwrap_or(0)),
    };
    let headline = match account.cspm {
        CspmBilling::PayAsYouGo { .. } => Headline { label: "Used Quota", value: s.used },
        _ => Headline { label: "Remaining Quota", value: remaining.unwrap_or(0) },
    };
    QuotaReport {
        tenant: account.tenant.clone(),
        billing_method: account.cspm.method(),
        headline,
        purchased,
        cap,
        used: s.used,
        reserved: s.reserved,
        remaining,
        expires_at,
        billing_period: s.period,
    }
}
