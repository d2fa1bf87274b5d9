//! Verifying the role a tenant names when it authorizes: the fleet must be
//! able to assume it, and it must be a role of the tenant's own account
//! (checked with `sts:GetCallerIdentity` as the assumed role), before the
//! authorization is recorded.

use async_trait::async_trait;
use cspm_cloud::client::{Client, ClientOptions};
use cspm_cloud::credentials::{CredentialsError, CredentialsProvider};
use cspm_cloud::endpoints::Endpoints;
use cspm_cloud::error::CloudError;
use cspm_cloud::sts::{AssumeRole, caller_identity};
use cspm_domain::{DomainError, ErrorCode, TenantId};
use std::sync::Arc;

#[async_trait]
pub trait RoleVerifier: Send + Sync {
    async fn verify(&self, tenant: &TenantId, role_arn: &str) -> Result<(), DomainError>;
}

/// Verifies against Alibaba Cloud (or the one endpoint override) with the operator's credentials.
pub struct CloudRoles {
    /// Empty: the real endpoints of the tenant's site.
    pub endpoint: String,
    pub operator: Arc<dyn CredentialsProvider>,
}

fn refused(role_arn: &str, why: impl std::fmt::Display) -> DomainError {
    DomainError::invalid(format!("cannot assume {role_arn}: {why}; make its trust policy name the operator's account"))
}

#[async_trait]
impl RoleVerifier for CloudRoles {
    async fn verify(&self, tenant: &TenantId, role_arn: &str) -> Result<(), DomainError> {
        let options =
            ClientOptions::new(Endpoints::of(&tenant.site.to_string(), &self.endpoint), tenant.account_id.to_string());
        let role = AssumeRole::new(self.operator.clone(), options.clone(), role_arn.to_owned());
        let client = Client::new(Arc::new(role), options);
        let identity = caller_identity(&client).await.map_err(|e| match e {
            // A setup problem of this service, not a passing outage: retrying will not help.
            CloudError::Credentials(CredentialsError::NotFound(why)) => DomainError::conflict(format!(
                "the service has no Alibaba Cloud credentials of its own to assume roles with: {why}"
            )),
            CloudError::Credentials(CredentialsError::Invalid(why)) => refused(role_arn, why),
            CloudError::Transport(..) | CloudError::Transient { .. } | CloudError::Credentials(_) => DomainError::new(
                ErrorCode::ServiceUnavailable,
                format!("cannot reach Alibaba Cloud to verify {role_arn}: {e}"),
            ),
            other => refused(role_arn, other),
        })?;
        if identity.account_id != tenant.account_id.as_str() {
            return Err(DomainError::invalid(format!(
                "{role_arn} belongs to account {}, not the tenant's {}",
                identity.account_id, tenant.account_id
            )));
        }
        Ok(())
    }
}
