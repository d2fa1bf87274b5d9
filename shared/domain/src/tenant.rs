//! Sites and tenants.
//!
//! The two sites are separate data planes: nothing of `cn` is visible from
//! `intl`. The tenant key everywhere is `(site, account_id)`; its
//! [`TenantId::hash_tag`] keeps all of one tenant's Redis keys in one slot.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    /// China.
    Cn,
    /// Outside China.
    Intl,
}

impl Site {
    pub const ALL: [Site; 2] = [Site::Cn, Site::Intl];

    pub fn as_str(self) -> &'static str {
        match self {
            Site::Cn => "cn",
            Site::Intl => "intl",
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Site {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cn" => Ok(Site::Cn),
            "intl" => Ok(Site::Intl),
            other => Err(DomainError::invalid(format!(
                "unknown site {:?}: use \"cn\" (China) or \"intl\" (Outside China)",
                truncate(other)
            ))),
        }
    }
}

/// An Alibaba Cloud account UID: 6 to 20 ASCII digits (real UIDs have 16).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
// Keep the pattern in step with MIN_LEN and MAX_LEN.
#[schema(pattern = "^[0-9]{6,20}$", example = "1234567890123456")]
pub struct AccountId(String);

impl AccountId {
    pub const MIN_LEN: usize = 6;
    pub const MAX_LEN: usize = 20;

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let ok_len = (Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len());
        if ok_len && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(DomainError::invalid(format!(
                "malformed account id {:?}: an Alibaba Cloud account id is {} to {} digits, e.g. 1234567890123456",
                truncate(s),
                Self::MIN_LEN,
                Self::MAX_LEN
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AccountId::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TenantId {
    pub site: Site,
    pub account_id: AccountId,
}

impl TenantId {
    pub fn new(site: Site, account_id: AccountId) -> Self {
        Self { site, account_id }
    }

    /// Parses the two path segments `<site>/<account_id>`.
    pub fn parse(site: &str, account_id: &str) -> Result<Self, DomainError> {
        Ok(Self::new(site.parse()?, AccountId::parse(account_id)?))
    }

    /// `cn:1234567890123456` — used inside Redis hash tags (`{cn:…}`) so every
    /// key of one tenant hashes to one Cluster slot, and as a log field.
    pub fn hash_tag(&self) -> String {
        format!("{}:{}", self.site, self.account_id)
    }

    /// Parses what [`TenantId::hash_tag`] produced.
    pub fn from_hash_tag(tag: &str) -> Result<Self, DomainError> {
        let (site, account) = tag
            .split_once(':')
            .ok_or_else(|| DomainError::invalid(format!("malformed tenant tag {:?}", truncate(tag))))?;
        Self::parse(site, account)
    }

    /// `cn.1234567890123456` — the tenant part of a NATS subject.
    pub fn subject_part(&self) -> String {
        format!("{}.{}", self.site, self.account_id)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.site, self.account_id)
    }
}

/// Keeps echoed user input short in error messages.
pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_parse_and_only_two_exist() {
        assert_eq!("cn".parse::<Site>().unwrap(), Site::Cn);
        assert_eq!("intl".parse::<Site>().unwrap(), Site::Intl);
        for bad in ["", "CN", "us", "cn ", "china"] {
            assert!(bad.parse::<Site>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn account_ids_are_digits_of_bounded_length() {
        assert!(AccountId::parse("1234567890123456").is_ok());
        assert!(AccountId::parse("123456").is_ok());
        for bad in ["", "12345", "123456789012345678901", "12345a7890", "-123456", "１２３４５６"] {
            let err = AccountId::parse(bad).unwrap_err();
            assert_eq!(err.code, crate::ErrorCode::InvalidParameter, "{bad:?}");
        }
    }

    #[test]
    fn same_account_on_two_sites_is_two_tenants() {
        let a = TenantId::parse("cn", "1234567890123456").unwrap();
        let b = TenantId::parse("intl", "1234567890123456").unwrap();
        assert_ne!(a, b);
        assert_ne!(a.hash_tag(), b.hash_tag());
        assert_eq!(a.hash_tag(), "cn:1234567890123456");
        assert_eq!(b.subject_part(), "intl.1234567890123456");
        assert_eq!(TenantId::from_hash_tag(&a.hash_tag()).unwrap(), a);
        assert!(TenantId::from_hash_tag("cn-123456").is_err());
    }

    #[test]
    fn account_id_deserialization_validates() {
        assert!(serde_json::from_str::<AccountId>("\"1234567\"").is_ok());
        assert!(serde_json::from_str::<AccountId>("\"abc\"").is_err());
    }
}
