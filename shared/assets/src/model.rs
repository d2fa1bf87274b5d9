//! Cloud resources as the check items see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The resource types assets come in: the hand-modelled ones, and every
/// type described by a [`crate::schema::Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetKind {
    EcsInstance,
    SecurityGroup,
    Disk,
    PasswordPolicy,
    RamUser,
    OssBucket,
    RdsInstance,
    /// A type known by its schema only, e.g. `ACS::REDIS::Instance`.
    Other(&'static str),
}

impl AssetKind {
    pub const TYPED: [AssetKind; 7] = [
        AssetKind::EcsInstance,
        AssetKind::SecurityGroup,
        AssetKind::Disk,
        AssetKind::PasswordPolicy,
        AssetKind::RamUser,
        AssetKind::OssBucket,
        AssetKind::RdsInstance,
    ];

    /// The Alibaba Cloud resource type name, e.g. `ACS::ECS::Instance`.
    pub fn as_str(self) -> &'static str {
        self.as_str_const()
    }

    /// [`AssetKind::as_str`], usable in constants.
    pub const fn as_str_const(self) -> &'static str {
        match self {
            AssetKind::EcsInstance => "ACS::ECS::Instance",
            AssetKind::SecurityGroup => "ACS::ECS::SecurityGroup",
            AssetKind::Disk => "ACS::ECS::Disk",
            AssetKind::PasswordPolicy => "ACS::RAM::PasswordPolicy",
            AssetKind::RamUser => "ACS::RAM::User",
            AssetKind::OssBucket => "ACS::OSS::Bucket",
            AssetKind::RdsInstance => "ACS::RDS::DBInstance",
            AssetKind::Other(name) => name,
        }
    }

    /// The kind named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<AssetKind> {
        AssetKind::TYPED
            .into_iter()
            .find(|k| k.as_str() == name)
            .or_else(|| crate::schema::by_kind(name).map(|s| AssetKind::Other(s.kind)))
    }

    /// The cloud service (product) the resource belongs to.
    pub fn product(self) -> &'static str {
        match self {
            AssetKind::EcsInstance | AssetKind::SecurityGroup | AssetKind::Disk => "ECS",
            AssetKind::PasswordPolicy | AssetKind::RamUser => "RAM",
            AssetKind::OssBucket => "OSS",
            AssetKind::RdsInstance => "RDS",
            AssetKind::Other(name) => crate::schema::by_kind(name).map_or("other", |s| s.product),
        }
    }
}

impl Serialize for AssetKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Serialized as its resource type name (see `Serialize` above); the names
/// of schema-only types grow with the schemas, so the document gives none.
impl utoipa::PartialSchema for AssetKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some("An Alibaba Cloud resource type, e.g. `ACS::ECS::Instance`."))
            .examples([serde_json::json!(AssetKind::EcsInstance.as_str())])
            .into()
    }
}

impl utoipa::ToSchema for AssetKind {}

impl<'de> Deserialize<'de> for AssetKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        AssetKind::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown resource type {name:?}")))
    }
}

impl fmt::Display for AssetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource: identity plus its typed configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Asset {
    /// The resource id (`i-…`, `sg-…`, the bucket or user name; `account` for
    /// account-wide settings such as the password policy; the resource's
    /// address for infrastructure as code).
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
    /// `{"type": <kind>, "config": <the typed configuration>}`.
    #[schema(value_type = Object)]
    pub spec: AssetSpec,
    /// The template and line it was declared at (infrastructure as code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::iac::SourceRef>,
    /// Properties described by the type's schema (see [`crate::schema`]).
    /// By name: `{"state": "absent" | "unknown" | "unreported"}` or `{"state": "known", "value": …}`.
    #[serde(default, skip_serializing_if = "Fields::is_empty")]
    #[schema(value_type = Object)]
    pub fields: Fields,
}

impl Asset {
    pub fn kind(&self) -> AssetKind {
        match &self.spec {
            AssetSpec::EcsInstance(_) => AssetKind::EcsInstance,
            AssetSpec::SecurityGroup(_) => AssetKind::SecurityGroup,
            AssetSpec::Disk(_) => AssetKind::Disk,
            AssetSpec::PasswordPolicy(_) => AssetKind::PasswordPolicy,
            AssetSpec::RamUser(_) => AssetKind::RamUser,
            AssetSpec::OssBucket(_) => AssetKind::OssBucket,
            AssetSpec::RdsInstance(_) => AssetKind::RdsInstance,
            AssetSpec::Resource(kind) => AssetKind::from_name(kind).unwrap_or(AssetKind::Other("unknown")),
        }
    }

    /// Whether checking this asset costs quota: stopped ECS instances and
    /// empty OSS buckets are evaluated but not charged.
    pub fn billable(&self) -> bool {
        match &self.spec {
            AssetSpec::EcsInstance(i) => !i.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("stopped")),
            AssetSpec::OssBucket(b) => b.object_count != Some(0),
            _ => true,
        }
    }

    /// A key unique within a tenant's inventory: `<kind>/<id>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind().as_str(), self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "config")]
pub enum AssetSpec {
    EcsInstance(EcsInstance),
    SecurityGroup(SecurityGroup),
    Disk(Disk),
    PasswordPolicy(PasswordPolicy),
    RamUser(RamUser),
    OssBucket(OssBucket),
    RdsInstance(RdsInstance),
    /// A type described only by its schema: the data is in [`Asset::fields`].
    Resource(String),
}

/// A schema field's value: left out (and no provider default), unknown until
/// deployment, known, or not reported by a runtime inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Slot {
    Absent,
    Unknown,
    Known(serde_json::Value),
    /// The inventory did not report it (the call that would was not imported).
    Unreported,
}

pub type Fields = std::collections::BTreeMap<String, Slot>;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EcsInstance {
    /// `Running`, `Stopped`, …
    pub status: Option<String>,
    pub public_ips: Vec<String>,
    pub eip: Option<String>,
    pub security_group_ids: Vec<String>,
    pub vpc_id: Option<String>,
    /// The Security Center agent's `ClientStatus` (`online`, `offline`,
    /// `pause`) from `sas:DescribeCloudCenterInstances`; `None`: not reported.
    pub agent_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub vpc_id: Option<String>,
    pub rules: Vec<SecurityGroupRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    pub direction: Direction,
    /// Lower case: `tcp`, `udp`, `icmp`, `all`, …
    pub protocol: String,
    /// Inclusive port range; `None` for protocols without ports or "all".
    pub ports: Option<(u16, u16)>,
    /// Source (ingress) or destination (egress) CIDR, when the rule names one.
    pub cidr: Option<String>,
    /// `true` for accept, `false` for drop.
    pub accept: bool,
    /// 1 (highest) to 100.
    pub priority: u32,
}

impl SecurityGroupRule {
    /// Whether the rule covers `port` (a rule without a port range covers all ports).
    pub fn covers_port(&self, port: u16) -> bool {
        self.ports.is_none_or(|(lo, hi)| lo <= port && port <= hi)
    }

    /// Whether the rule covers every port.
    pub fn covers_all_ports(&self) -> bool {
        self.ports.is_none_or(|(lo, hi)| lo <= 1 && hi == u16::MAX)
    }

    /// Whether the rule lets anyone on the Internet in.
    pub fn open_to_internet(&self) -> bool {
        self.direction == Direction::Ingress
            && self.accept
            && self.cidr.as_deref().is_some_and(|c| matches!(c, "0.0.0.0/0" | "::/0"))
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Disk {
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    /// `system` or `data`.
    pub disk_type: Option<String>,
    pub instance_id: Option<String>,
}

/// The account's RAM password policy (the id of its asset is `account`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: Option<u32>,
    pub require_uppercase: Option<bool>,
    pub require_lowercase: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_symbols: Option<bool>,
    /// Days; 0 means passwords never expire.
    pub max_password_age: Option<u32>,
    /// How many previous passwords may not be reused; 0 means none.
    pub reuse_prevention: Option<u32>,
    /// Failed logins within an hour before the user is locked; 0 means never locked.
    pub max_login_attempts: Option<u32>,
    pub hard_expiry: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RamUser {
    pub user_id: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Whether the user can log on to the console; `None`: not known.
    pub console_login: Option<bool>,
    /// Whether an MFA device is bound; `None`: not known.
    pub mfa_bound: Option<bool>,
    /// The user's AccessKeys (`ram:ListAccessKeys`); `None`: not reported.
    pub access_keys: Option<Vec<AccessKey>>,
    /// The last console logon (`ram:GetUser`); `None`: not reported.
    pub last_login: Option<LastLogin>,
    /// Policies attached to the user directly, as `Type:Name`
    /// (`ram:ListPoliciesForUser`); `None`: not reported.
    pub direct_policies: Option<Vec<String>>,
    /// The groups the user belongs to (`ram:ListGroupsForUser`); `None`: not reported.
    pub groups: Option<Vec<String>>,
    /// Policy documents a template writes into the user itself (ROS `Policies`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LastLogin {
    Never,
    At(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: String,
    pub active: bool,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OssBucket {
    /// `private`, `public-read` or `public-read-write`.
    pub acl: Option<String>,
    /// `AES256`, `KMS`, `SM4`, or `None` when not configured.
    pub sse_algorithm: Option<String>,
    /// Whether server-side encryption was reported at all (`Some(false)`: known to be off).
    pub sse_configured: Option<bool>,
    pub object_count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RdsInstance {
    pub engine: Option<String>,
    pub status: Option<String>,
    /// Every whitelist entry, from all whitelist groups.
    pub security_ips: Option<Vec<String>>,
    pub ssl_enabled: Option<bool>,
    pub net_type: Option<String>,
    /// Running engine parameters by name (`rds:DescribeParameters`).
    pub parameters: Option<std::collections::BTreeMap<String, String>>,
    /// Days SQL audit logs are kept (`rds:DescribeSQLCollectorRetention`).
    pub sql_audit_retention_days: Option<u32>,
}
