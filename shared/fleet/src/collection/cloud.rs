//! Clients for a tenant's account: the operator's credentials assume the
//! role the tenant authorized; the temporary credentials are kept sealed in
//! Redis (when a credential key is set), so every worker shares one session
//! instead of assuming the role for each slice.

use super::store::CollectionStore;
use async_trait::async_trait;
use chrono::{Duration as ChronoDuration, Utc};
use cspm_cloud::client::{Client, ClientOptions};
use cspm_cloud::credentials::{Chain, Credentials, CredentialsError, CredentialsProvider, Refreshing};
use cspm_cloud::endpoints::Endpoints;
use cspm_cloud::retry::RetryPolicy;
use cspm_cloud::sts::AssumeRole;
use cspm_cloud::vault::{Vault, VaultError};
use cspm_domain::TenantId;
use std::sync::Arc;
use std::time::Duration;

/// A kept session is used until this long before it expires.
const MARGIN_MINUTES: i64 = 5;

/// How the fleet reaches tenants' accounts.
pub struct CloudAccess {
    /// Empty: Alibaba Cloud's endpoints of the tenant's site; else one base
    /// URL for every API (an emulator, a proxy, VPC endpoints behind one name).
    pub endpoint: String,
    /// The operator's own credentials, which assume tenants' roles.
    pub operator: Arc<dyn CredentialsProvider>,
    /// Seals kept sessions; without it, none is kept.
    pub vault: Option<Arc<Vault>>,
    pub store: Arc<CollectionStore>,
    /// Calls per second per product, for one slice's client.
    pub calls_per_second: u32,
}

impl CloudAccess {
    /// Access with the operator's credentials from the SDKs' default chain;
    /// `credential_key` (hex, 32 bytes) seals kept sessions, empty keeps none.
    pub fn new(endpoint: &str, credential_key: &str, store: Arc<CollectionStore>) -> Result<Self, VaultError> {
        let vault = match credential_key.is_empty() {
            true => None,
            false => Some(Arc::new(Vault::from_hex(credential_key)?)),
        };
        Ok(Self {
            endpoint: endpoint.to_owned(),
            operator: Arc::new(Refreshing::new(Arc::new(Chain::default_chain()))),
            vault,
            store,
            calls_per_second: 20,
        })
    }

    pub fn endpoints(&self, tenant: &TenantId) -> Endpoints {
        Endpoints::of(&tenant.site.to_string(), &self.endpoint)
    }

    /// A client for `tenant`'s account as `role_arn`.
    pub fn client(&self, tenant: &TenantId, role_arn: &str) -> Client {
        let mut options = ClientOptions::new(self.endpoints(tenant), tenant.account_id.to_string());
        // A collection can wait: ride out throttling longer than an interactive call would.
        options.retry = RetryPolicy { attempts: 10, base: Duration::from_millis(200), cap: Duration::from_secs(5) };
        options.calls_per_second = self.calls_per_second.max(1);
        let role = AssumeRole::new(self.operator.clone(), options.clone(), role_arn.to_owned());
        let shared = SharedSession {
            tenant: tenant.clone(),
            // Bound to the role too: a session of another role never opens for this one.
            purpose: format!("{tenant}|{role_arn}"),
            vault: self.vault.clone(),
            store: self.store.clone(),
            role,
        };
        Client::new(Arc::new(Refreshing::new(Arc::new(shared))), options)
    }

    /// Forgets the tenant's kept session (its authorization was revoked).
    pub async fn forget(&self, tenant: &TenantId) {
        if let Err(e) = self.store.drop_session(tenant).await {
            tracing::warn!(%tenant, error = %e, "could not drop a kept session; it expires by itself");
        }
    }
}

struct SharedSession {
    tenant: TenantId,
    purpose: String,
    vault: Option<Arc<Vault>>,
    store: Arc<CollectionStore>,
    role: AssumeRole,
}

impl SharedSession {
    async fn kept(&self, vault: &Vault) -> Option<Credentials> {
        let sealed = self.store.session(&self.tenant).await.ok()??;
        let c = vault.open(&sealed, &self.purpose).ok()?;
        (!c.expiring(Utc::now(), ChronoDuration::minutes(MARGIN_MINUTES))).then_some(c)
    }
}

#[async_trait]
impl CredentialsProvider for SharedSession {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(vault) = &self.vault
            && let Some(c) = self.kept(vault).await
        {
            return Ok(c);
        }
        let fresh = self.role.credentials().await?;
        if let (Some(vault), Some(expires)) = (&self.vault, fresh.expires_at) {
            let left = expires - Utc::now() - ChronoDuration::minutes(MARGIN_MINUTES);
            if let Ok(ttl) = left.to_std()
                && let Err(e) = self.store.put_session(&self.tenant, &vault.seal(&fresh, &self.purpose), ttl).await
            {
                tracing::warn!(tenant = %self.tenant, error = %e, "could not keep the session; the next slice assumes the role again");
            }
        }
        Ok(fresh)
    }
}
