//! STS: assuming a role in the tenant's account (the self-hosted stand-in
//! for the service-linked role: the tenant creates a RAM role that trusts the
//! operator's account, and the fleet works with the role's temporary keys),
//! and asking who a set of credentials is.

use crate::client::{Call, Client, ClientOptions};
use crate::credentials::{Credentials, CredentialsError, CredentialsProvider, Secret};
use crate::error::CloudError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// Temporary keys of `role_arn`, assumed with the operator's own credentials.
pub struct AssumeRole {
    client: Client,
    pub role_arn: String,
    pub session_name: String,
    /// 900 to 3600 s (the role's maximum session may allow more).
    pub duration_seconds: u32,
    pub external_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleAnswer {
    credentials: StsCredentials,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: DateTime<Utc>,
}

impl AssumeRole {
    /// `source` are the operator's credentials; `options` where STS is.
    pub fn new(source: Arc<dyn CredentialsProvider>, options: ClientOptions, role_arn: String) -> Self {
        Self {
            client: Client::new(source, options),
            role_arn,
            session_name: "cspm-collector".into(),
            duration_seconds: 3600,
            external_id: None,
        }
    }

    async fn assume(&self) -> Result<Credentials, CloudError> {
        let mut params = vec![
            ("RoleArn".to_owned(), self.role_arn.clone()),
            ("RoleSessionName".to_owned(), self.session_name.clone()),
            ("DurationSeconds".to_owned(), self.duration_seconds.to_string()),
        ];
        if let Some(id) = &self.external_id {
            params.push(("ExternalId".to_owned(), id.clone()));
        }
        let answer = self.client.call(&Call::rpc("sts", "AssumeRole", "cn-hangzhou", params)).await?;
        let parsed: AssumeRoleAnswer = serde_json::from_value(answer)
            .map_err(|e| CloudError::Malformed { action: "sts:AssumeRole".into(), message: e.to_string() })?;
        let c = parsed.credentials;
        Ok(Credentials {
            access_key_id: c.access_key_id,
            access_key_secret: Secret::new(c.access_key_secret),
            security_token: Some(Secret::new(c.security_token)),
            expires_at: Some(c.expiration),
        })
    }
}

#[async_trait]
impl CredentialsProvider for AssumeRole {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.assume().await.map_err(|e| match e {
            CloudError::Credentials(c) => c,
            CloudError::Denied { .. } | CloudError::Api { .. } => {
                CredentialsError::Invalid(format!("cannot assume {}: {e}", self.role_arn))
            }
            other => CredentialsError::Unavailable(format!("cannot assume {}: {other}", self.role_arn)),
        })
    }
}

/// Who a set of credentials is (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account_id: String,
    pub arn: String,
    pub identity_type: String,
}

pub async fn caller_identity(client: &Client) -> Result<Identity, CloudError> {
    let answer = client.call(&Call::rpc("sts", "GetCallerIdentity", "cn-hangzhou", Vec::new())).await?;
    let field = |k: &str| answer.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let identity = Identity { account_id: field("AccountId"), arn: field("Arn"), identity_type: field("IdentityType") };
    if identity.account_id.is_empty() {
        return Err(CloudError::Malformed {
            action: "sts:GetCallerIdentity".into(),
            message: "the answer names no AccountId".into(),
        });
    }
    Ok(identity)
}
