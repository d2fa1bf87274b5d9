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

/// A RAM role in the tenant's own account that the fleet assumes to read it
/// (the self-hosted stand-in for the service-linked role):
/// `acs:ram::<the tenant's account>:role/<name>`, the name 1 to 64 of
/// `A-Z a-z 0-9 . _ -`.
pub fn validate_role_arn(arn: &str, account_id: &str) -> Result<(), DomainError> {
    let bad = |why: &str| {
        DomainError::invalid(format!("role_arn {arn:?}: {why}; expected acs:ram::{account_id}:role/<name>"))
    };
    let rest = arn.strip_prefix("acs:ram::").ok_or_else(|| bad("not a RAM role ARN"))?;
    let (account, role) = rest.split_once(":role/").ok_or_else(|| bad("not a RAM role ARN"))?;
    if account != account_id {
        return Err(bad("the role must be in the tenant's own account"));
    }
    let ok_char = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
    if role.is_empty() || role.len() > 64 || !role.chars().all(ok_char) {
        return Err(bad("the role name is 1 to 64 of A-Z a-z 0-9 . _ -"));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Authorization {
    pub role_name: String,
    pub service_name: String,
    pub client_token: String,
    /// The role in the tenant's account the fleet assumes to read it (verified when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub authorized_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Authorization {
    pub fn new(client_token: String, role_arn: Option<String>, now: DateTime<Utc>) -> Self {
        Self {
            role_name: SERVICE_LINKED_ROLE.to_owned(),
            service_name: SERVICE_NAME.to_owned(),
            client_token,
            role_arn,
            authorized_at: now,
            revoked_at: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_must_be_of_the_tenants_own_account() {
        assert!(validate_role_arn("acs:ram::1234567890123456:role/cspm-scanner", "1234567890123456").is_ok());
        for bad in [
            "acs:ram::6543210987654321:role/cspm-scanner",
            "acs:ram::1234567890123456:user/alice",
            "acs:ram::1234567890123456:role/",
            "acs:ram::1234567890123456:role/has space",
            "arn:aws:iam::1234567890123456:role/x",
        ] {
            assert!(validate_role_arn(bad, "1234567890123456").is_err(), "{bad}");
        }
    }
}
