//! Who may call: the admin token (from settings) manages every tenant; a
//! tenant token (issued per tenant, stored only as its SHA-256 digest) reads
//! its own tenant. Tokens are compared by digest, so neither timing nor the
//! store reveals one.

use crate::AccountStore;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Admin,
    Tenant(TenantId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Manage,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Clone)]
pub struct Authenticator {
    admin_hash: String,
    store: Arc<dyn AccountStore>,
}

impl Authenticator {
    pub fn new(admin_token: &str, store: Arc<dyn AccountStore>) -> Self {
        Self { admin_hash: hash_token(admin_token), store }
    }

    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, DomainError> {
        let digest = hash_token(token);
        if digest == self.admin_hash {
            return Ok(Some(Principal::Admin));
        }
        let tenant = self
            .store
            .tenant_of_token(&digest)
            .await
            .map_err(|e| DomainError::new(ErrorCode::ServiceUnavailable, e.to_string()))?;
        Ok(tenant.map(Principal::Tenant))
    }

    /// Parses the tenant of a `/v1/tenants/{site}/{account_id}` path and checks
    /// that the bearer of `token` may `access` it.
    pub async fn tenant(
        &self,
        token: Option<&str>,
        (site, account_id): (String, String),
        access: Access,
    ) -> Result<TenantId, DomainError> {
        let tenant = TenantId::parse(&site, &account_id)?;
        self.authorize(token, &tenant, access).await?;
        Ok(tenant)
    }

    /// Checks that the bearer of `token` may `access` `tenant`.
    pub async fn authorize(&self, token: Option<&str>, tenant: &TenantId, access: Access) -> Result<(), DomainError> {
        let token =
            token.ok_or_else(|| DomainError::new(ErrorCode::Unauthenticated, "send Authorization: Bearer <token>"))?;
        match self.authenticate(token).await? {
            Some(Principal::Admin) => Ok(()),
            Some(Principal::Tenant(own)) if &own == tenant && access == Access::Read => Ok(()),
            Some(Principal::Tenant(own)) if &own == tenant => Err(DomainError::new(
                ErrorCode::Forbidden,
                "a tenant token can only read; changes need the admin token",
            )),
            Some(Principal::Tenant(_)) => {
                Err(DomainError::new(ErrorCode::Forbidden, "this token belongs to another tenant"))
            }
            None => Err(DomainError::new(ErrorCode::Unauthenticated, "unknown or revoked token")),
        }
    }
}
