//! One tenant's state and the commands that change it.
//!
//! [`Account::apply`] is the only way to change an account: it validates the
//! command against the current state, mutates, and returns the events to
//! publish. A refused command leaves the account untouched.

use crate::authorization::{Authorization, validate_client_token};
use crate::billing::{CspmBilling, QuotaGrant, add_months, display_time, validate_months, validate_quota};
use crate::edition::{Edition, EditionPlan};
use crate::error::DomainError;
use crate::tenant::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Purchase client tokens remembered per tenant for idempotent retries.
const REMEMBERED_TOKENS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub tenant: TenantId,
    pub created_at: DateTime<Utc>,
    pub authorization: Option<Authorization>,
    pub edition_plan: EditionPlan,
    pub cspm: CspmBilling,
    /// Number of the latest billing period started (0 = never billed).
    pub last_period: u64,
    /// Client tokens of purchases already applied, newest last.
    #[serde(default)]
    pub applied_tokens: Vec<String>,
}

/// A change a user asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum AccountCommand {
    Authorize {
        client_token: String,
        /// A role in the tenant's account to read it with (see [`crate::authorization::validate_role_arn`]).
        #[serde(default)]
        role_arn: Option<String>,
    },
    RevokeAuthorization,
    /// Buy or upgrade the subscription edition.
    SetEdition {
        edition: Edition,
    },
    /// Turn on pay-as-you-go host and container security (bound edition
    /// defaults to `enterprise`), or change its bound edition.
    EnableHostSecurity {
        bound_edition: Option<Edition>,
    },
    DisableHostSecurity,
    Subscribe {
        quota: u64,
        months: u32,
        client_token: Option<String>,
    },
    Upgrade {
        add_quota: u64,
        extend_months: Option<u32>,
        client_token: Option<String>,
    },
    Unsubscribe,
    /// Turn pay-as-you-go CSPM on, or change its cap.
    EnablePayAsYouGo {
        cap: Option<u64>,
    },
    DisablePayAsYouGo,
}

/// What happened, for the account event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountEvent {
    Authorized,
    AuthorizationRevoked,
    EditionChanged,
    BillingChanged,
    QuotaChanged,
}

impl AccountEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountEvent::Authorized => "authorized",
            AccountEvent::AuthorizationRevoked => "authorization_revoked",
            AccountEvent::EditionChanged => "edition_changed",
            AccountEvent::BillingChanged => "billing_changed",
            AccountEvent::QuotaChanged => "quota_changed",
        }
    }
}

impl Account {
    pub fn new(tenant: TenantId, now: DateTime<Utc>) -> Self {
        Self {
            tenant,
            created_at: now,
            authorization: None,
            edition_plan: EditionPlan::default(),
            cspm: CspmBilling::None,
            last_period: 0,
            applied_tokens: Vec::new(),
        }
    }

    pub fn is_authorized(&self) -> bool {
        self.authorization.as_ref().is_some_and(Authorization::is_active)
    }

    /// The grant the quota ledger must hold for this account.
    pub fn quota_grant(&self) -> QuotaGrant {
        self.cspm.grant(self.last_period)
    }

    /// Ends a subscription whose time is up. Returns the events if it did.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Vec<AccountEvent> {
        match self.cspm {
            CspmBilling::Subscription { expires_at, .. } if now >= expires_at => {
                self.cspm = CspmBilling::None;
                vec![AccountEvent::BillingChanged, AccountEvent::QuotaChanged]
            }
            _ => Vec::new(),
        }
    }

    /// Applies a command at `now`. On refusal the account is unchanged.
    pub fn apply(&mut self, command: AccountCommand, now: DateTime<Utc>) -> Result<Vec<AccountEvent>, DomainError> {
        let mut next = self.clone();
        let mut events = next.expire(now);
        events.extend(next.apply_fresh(command, now)?);
        *self = next;
        Ok(events)
    }

    fn apply_fresh(&mut self, command: AccountCommand, now: DateTime<Utc>) -> Result<Vec<AccountEvent>, DomainError> {
        use AccountCommand::*;
        match command {
            Authorize { client_token, role_arn } => self.authorize(client_token, role_arn, now),
            RevokeAuthorization => Ok(self.revoke(now)),
            SetEdition { edition } => self.set_edition(edition),
            EnableHostSecurity { bound_edition } => self.enable_host_security(bound_edition),
            DisableHostSecurity => self.disable_host_security(),
            Subscribe { quota, months, client_token } => self.once(client_token, |a| a.subscribe(quota, months, now)),
            Upgrade { add_quota, extend_months, client_token } => {
                self.once(client_token, |a| a.upgrade(add_quota, extend_months))
            }
            Unsubscribe => self.unsubscribe(),
            EnablePayAsYouGo { cap } => self.enable_pay_as_you_go(cap, now),
            DisablePayAsYouGo => self.disable_pay_as_you_go(),
        }
    }

    /// Runs a purchase at most once per client token: a retry is a no-op.
    fn once(
        &mut self,
        client_token: Option<String>,
        purchase: impl FnOnce(&mut Self) -> Result<Vec<AccountEvent>, DomainError>,
    ) -> Result<Vec<AccountEvent>, DomainError> {
        let Some(token) = client_token else { return purchase(self) };
        validate_client_token(&token)?;
        if self.applied_tokens.contains(&token) {
            return Ok(Vec::new());
        }
        let events = purchase(self)?;
        self.applied_tokens.push(token);
        if self.applied_tokens.len() > REMEMBERED_TOKENS {
            self.applied_tokens.remove(0);
        }
        Ok(events)
    }

    fn authorize(
        &mut self,
        client_token: String,
        role_arn: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountEvent>, DomainError> {
        validate_client_token(&client_token)?;
        if let Some(arn) = &role_arn {
            crate::authorization::validate_role_arn(arn, self.tenant.account_id.as_str())?;
        }
        match &self.authorization {
            // A retry with the first token returns the first result unchanged.
            Some(existing) if existing.client_token == client_token => Ok(Vec::new()),
            // Already authorized: a new token changes nothing unless it names another role.
            Some(existing) if existing.is_active() && (role_arn.is_none() || existing.role_arn == role_arn) => {
                Ok(Vec::new())
            }
            _ => {
                self.authorization = Some(Authorization::new(client_token, role_arn, now));
                Ok(vec![AccountEvent::Authorized])
            }
        }
    }

    fn revoke(&mut self, now: DateTime<Utc>) -> Vec<AccountEvent> {
        match &mut self.authorization {
            Some(auth) if auth.is_active() => {
                auth.revoked_at = Some(now);
                vec![AccountEvent::AuthorizationRevoked]
            }
            _ => Vec::new(),
        }
    }

    fn set_edition(&mut self, edition: Edition) -> Result<Vec<AccountEvent>, DomainError> {
        match self.edition_plan {
            EditionPlan::PayAsYouGo { bound_edition } => Err(DomainError::conflict(format!(
                "pay-as-you-go host and container security is on (bound edition {bound_edition}); \
                 change the bound edition instead, or turn it off before buying a subscription edition"
            ))),
            EditionPlan::Subscription { edition: current } if current == edition => Ok(Vec::new()),
            EditionPlan::Subscription { .. } => {
                self.edition_plan = EditionPlan::Subscription { edition };
                Ok(vec![AccountEvent::EditionChanged])
            }
        }
    }

    fn enable_host_security(&mut self, bound: Option<Edition>) -> Result<Vec<AccountEvent>, DomainError> {
        let bound_edition = bound.unwrap_or(EditionPlan::DEFAULT_BOUND_EDITION);
        if !bound_edition.can_be_bound() {
            return Err(DomainError::invalid(format!(
                "edition {bound_edition} cannot be bound to host and container security: use anti_virus, advanced, enterprise or ultimate"
            )));
        }
        match self.edition_plan {
            EditionPlan::Subscription { edition } if edition != Edition::Basic => Err(DomainError::conflict(format!(
                "the tenant holds the subscription edition {edition}; it must end before pay-as-you-go host and container security can be turned on"
            ))),
            EditionPlan::PayAsYouGo { bound_edition: current } if current == bound_edition => Ok(Vec::new()),
            _ => {
                self.edition_plan = EditionPlan::PayAsYouGo { bound_edition };
                Ok(vec![AccountEvent::EditionChanged])
            }
        }
    }

    fn disable_host_security(&mut self) -> Result<Vec<AccountEvent>, DomainError> {
        match self.edition_plan {
            EditionPlan::PayAsYouGo { .. } => {
                self.edition_plan = EditionPlan::default();
                Ok(vec![AccountEvent::EditionChanged])
            }
            EditionPlan::Subscription { .. } => Ok(Vec::new()),
        }
    }

    fn subscribe(&mut self, quota: u64, months: u32, now: DateTime<Utc>) -> Result<Vec<AccountEvent>, DomainError> {
        validate_quota("quota", quota)?;
        validate_months("months", months)?;
        match self.cspm {
            CspmBilling::PayAsYouGo { .. } => Err(DomainError::conflict(
                "CSPM is already billed pay-as-you-go; an account uses one billing method at a time: \
                 turn pay-as-you-go off before subscribing",
            )),
            CspmBilling::Subscription { expires_at, .. } => Err(DomainError::conflict(format!(
                "a CSPM subscription is already active until {}; use upgrade to add quota",
                display_time(expires_at)
            ))),
            CspmBilling::None => {
                self.last_period += 1;
                self.cspm = CspmBilling::Subscription {
                    quota,
                    purchased_at: now,
                    expires_at: add_months(now, months)?,
                    period: self.last_period,
                };
                Ok(vec![AccountEvent::BillingChanged, AccountEvent::QuotaChanged])
            }
        }
    }

    fn upgrade(&mut self, add_quota: u64, extend_months: Option<u32>) -> Result<Vec<AccountEvent>, DomainError> {
        validate_quota("add_quota", add_quota)?;
        let CspmBilling::Subscription { quota, expires_at, .. } = &mut self.cspm else {
            return Err(DomainError::conflict("there is no active CSPM subscription to upgrade; subscribe first"));
        };
        let total = *quota + add_quota;
        validate_quota("quota after upgrade", total)?;
        if let Some(months) = extend_months {
            validate_months("extend_months", months)?;
            *expires_at = add_months(*expires_at, months)?;
        }
        *quota = total;
        Ok(vec![AccountEvent::QuotaChanged])
    }

    fn unsubscribe(&mut self) -> Result<Vec<AccountEvent>, DomainError> {
        match self.cspm {
            CspmBilling::Subscription { .. } => {
                // The remaining quota is forfeited: the ledger grant closes.
                self.cspm = CspmBilling::None;
                Ok(vec![AccountEvent::BillingChanged, AccountEvent::QuotaChanged])
            }
            _ => Err(DomainError::conflict("there is no active CSPM subscription to unsubscribe")),
        }
    }

    fn enable_pay_as_you_go(&mut self, cap: Option<u64>, now: DateTime<Utc>) -> Result<Vec<AccountEvent>, DomainError> {
        if let Some(cap) = cap {
            validate_quota("cap", cap)?;
        }
        match &mut self.cspm {
            CspmBilling::Subscription { expires_at, .. } => Err(DomainError::conflict(format!(
                "a CSPM subscription is active until {}; an account uses one billing method at a time: \
                 unsubscribe (forfeiting the remaining quota) or wait for it to expire",
                display_time(*expires_at)
            ))),
            CspmBilling::PayAsYouGo { cap: current, .. } if *current == cap => Ok(Vec::new()),
            CspmBilling::PayAsYouGo { cap: current, .. } => {
                *current = cap;
                Ok(vec![AccountEvent::QuotaChanged])
            }
            CspmBilling::None => {
                self.last_period += 1;
                self.cspm = CspmBilling::PayAsYouGo { cap, started_at: now, period: self.last_period };
                Ok(vec![AccountEvent::BillingChanged, AccountEvent::QuotaChanged])
            }
        }
    }

    fn disable_pay_as_you_go(&mut self) -> Result<Vec<AccountEvent>, DomainError> {
        match self.cspm {
            CspmBilling::PayAsYouGo { .. } => {
                self.cspm = CspmBilling::None;
                Ok(vec![AccountEvent::BillingChanged, AccountEvent::QuotaChanged])
            }
            _ => Err(DomainError::conflict("pay-as-you-go CSPM is not on")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::GrantLimit;
    use crate::error::ErrorCode;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 31, 12, 0, 0).unwrap()
    }

    fn account() -> Account {
        Account::new(TenantId::parse("cn", "1234567890123456").unwrap(), now())
    }

    fn subscribe(quota: u64) -> AccountCommand {
        AccountCommand::Subscribe { quota, months: 12, client_token: None }
    }

    #[test]
    fn authorize_is_idempotent_by_client_token_and_revocable() {
        let mut a = account();
        let events = a.apply(AccountCommand::Authorize { client_token: "t1".into(), role_arn: None }, now()).unwrap();
        assert_eq!(events, vec![AccountEvent::Authorized]);
        let first = a.authorization.clone().unwrap();
        assert_eq!(first.role_name, "AliyunServiceRoleForSasCspm");
        assert_eq!(first.service_name, "cspm.sas.aliyuncs.com");

        let later = now() + chrono::Duration::hours(1);
        assert!(
            a.apply(AccountCommand::Authorize { client_token: "t1".into(), role_arn: None }, later).unwrap().is_empty()
        );
        assert_eq!(a.authorization.as_ref(), Some(&first), "a retry returns the first result");

        assert_eq!(
            a.apply(AccountCommand::RevokeAuthorization, later).unwrap(),
            vec![AccountEvent::AuthorizationRevoked]
        );
        assert!(!a.is_authorized());
        assert!(a.apply(AccountCommand::RevokeAuthorization, later).unwrap().is_empty());

        a.apply(AccountCommand::Authorize { client_token: "t2".into(), role_arn: None }, later).unwrap();
        assert!(a.is_authorized());
        assert_eq!(a.authorization.unwrap().authorized_at, later);
    }

    #[test]
    fn bad_client_tokens_are_refused() {
        for bad in ["", "has space", &"x".repeat(65)] {
            let err = account()
                .apply(AccountCommand::Authorize { client_token: bad.into(), role_arn: None }, now())
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParameter);
        }
    }

    #[test]
    fn subscription_purchase_upgrade_unsubscribe() {
        let mut a = account();
        a.apply(subscribe(3000), now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Units(3000));
        assert_eq!(a.quota_grant().period, 1);
        let CspmBilling::Subscription { expires_at, .. } = a.cspm else { panic!() };
        assert_eq!(expires_at, Utc.with_ymd_and_hms(2027, 1, 31, 12, 0, 0).unwrap());

        a.apply(AccountCommand::Upgrade { add_quota: 500, extend_months: Some(1), client_token: None }, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Units(3500));
        let CspmBilling::Subscription { expires_at, .. } = a.cspm else { panic!() };
        assert_eq!(expires_at, Utc.with_ymd_and_hms(2027, 2, 28, 12, 0, 0).unwrap(), "clamped to month end");

        assert_eq!(a.apply(subscribe(10), now()).unwrap_err().code, ErrorCode::Conflict);
        a.apply(AccountCommand::Unsubscribe, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Closed);
        assert_eq!(a.apply(AccountCommand::Unsubscribe, now()).unwrap_err().code, ErrorCode::Conflict);

        a.apply(subscribe(10), now()).unwrap();
        assert_eq!(a.quota_grant().period, 2, "a new subscription starts a new period");
    }

    #[test]
    fn purchases_with_a_client_token_apply_once() {
        let mut a = account();
        let sub = AccountCommand::Subscribe { quota: 100, months: 1, client_token: Some("buy-1".into()) };
        a.apply(sub.clone(), now()).unwrap();
        assert!(a.apply(sub, now()).unwrap().is_empty(), "retry is not a second subscription");
        let up = AccountCommand::Upgrade { add_quota: 50, extend_months: None, client_token: Some("up-1".into()) };
        a.apply(up.clone(), now()).unwrap();
        a.apply(up, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Units(150));
    }

    #[test]
    fn one_billing_method_at_a_time() {
        let mut a = account();
        a.apply(subscribe(100), now()).unwrap();
        let err = a.apply(AccountCommand::EnablePayAsYouGo { cap: None }, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(err.message.contains("one billing method at a time"), "{}", err.message);
        assert_eq!(a.cspm.method(), "subscription", "refusal leaves the account unchanged");

        a.apply(AccountCommand::Unsubscribe, now()).unwrap();
        a.apply(AccountCommand::EnablePayAsYouGo { cap: None }, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Unlimited);
        let err = a.apply(subscribe(100), now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);

        a.apply(AccountCommand::EnablePayAsYouGo { cap: Some(40) }, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Units(40));
        assert_eq!(a.quota_grant().period, 2, "changing the cap keeps the period");
        a.apply(AccountCommand::DisablePayAsYouGo, now()).unwrap();
        assert_eq!(a.quota_grant().limit, GrantLimit::Closed);
    }

    #[test]
    fn subscription_expires_and_then_allows_another_method() {
        let mut a = account();
        a.apply(AccountCommand::Subscribe { quota: 100, months: 1, client_token: None }, now()).unwrap();
        assert!(a.cspm.is_active(now()));
        let after = now() + chrono::Duration::days(40);
        assert!(!a.cspm.is_active(after));
        a.apply(AccountCommand::EnablePayAsYouGo { cap: None }, after).unwrap();
        assert_eq!(a.cspm.method(), "pay_as_you_go");
    }

    #[test]
    fn absurd_purchases_are_invalid() {
        for cmd in [
            subscribe(0),
            subscribe(crate::billing::MAX_QUOTA + 1),
            AccountCommand::Subscribe { quota: 10, months: 0, client_token: None },
            AccountCommand::Subscribe { quota: 10, months: 61, client_token: None },
            AccountCommand::EnablePayAsYouGo { cap: Some(0) },
        ] {
            assert_eq!(account().apply(cmd, now()).unwrap_err().code, ErrorCode::InvalidParameter);
        }
    }

    #[test]
    fn host_security_binds_enterprise_by_default_and_can_change() {
        let mut a = account();
        a.apply(AccountCommand::EnableHostSecurity { bound_edition: None }, now()).unwrap();
        assert_eq!(a.edition_plan.effective_edition(), Edition::Enterprise);
        a.apply(AccountCommand::EnableHostSecurity { bound_edition: Some(Edition::Ultimate) }, now()).unwrap();
        assert_eq!(a.edition_plan.effective_edition(), Edition::Ultimate);
        let err =
            a.apply(AccountCommand::EnableHostSecurity { bound_edition: Some(Edition::Basic) }, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidParameter);
        assert_eq!(
            a.apply(AccountCommand::SetEdition { edition: Edition::Advanced }, now()).unwrap_err().code,
            ErrorCode::Conflict
        );
        a.apply(AccountCommand::DisableHostSecurity, now()).unwrap();
        a.apply(AccountCommand::SetEdition { edition: Edition::Advanced }, now()).unwrap();
        let err = a.apply(AccountCommand::EnableHostSecurity { bound_edition: None }, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
    }
}
