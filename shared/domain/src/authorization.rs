//! The authorization record: the service-linked role the tenant lets us assume.
//!
//! Authorizing is idempotent by client token: a retry with the same token gets
//! the first result back unchanged. Revoking keeps the record (for audit) but
//! stops configuration checks; stored results stay readable.

use crate::error::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const SERVICE_LINKED_ROLE: &str = "AliyunServiceRoleForSasCspm";
pub const SERVICE_NAME: &str = "cspm.sas.aliyuncs.com";

/// A client token: 1 to 64 printable ASCII characters.
pub fn validate_client_token(token: &str) -> Result<(), DomainError> {
    let printable = token.bytes().all(|b| b.is_ascii_graphic());
    if token.is_empty() || token.len() > 64 || !printable {
        return Err(DomainError::invalid("client_token must be 1 to 64 printable ASCII characters without spaces"));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Authorization {
    pub role_name: String,
    pub service_name: String,
    pub client_token: String,
    pub authorized_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Authorization {
    pub fn new(client_token: String, now: DateTime<Utc>) -> Self {
        Self {
            role_name: SERVICE_LINKED_ROLE.to_owned(),
            service_name: SERVICE_NAME.to_owned(),
            client_token,
            authorized_at: now,
            revoked_at: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}
