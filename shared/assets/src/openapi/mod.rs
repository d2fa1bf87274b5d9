//! Alibaba Cloud OpenAPI responses → assets.
//!
//! Input is what the `aliyun` CLI prints, one response per call, wrapped in an
//! [`ApiResponse`] that names the call (`ecs:DescribeInstances`) and the
//! request parameters the response does not repeat (`UserName` for
//! `ram:ListAccessKeys`, `DBInstanceId` for the RDS detail calls,
//! `BucketName` for the OSS ones). `response` is the JSON body, or the XML
//! text where that is what the API returns (OSS). Several calls describing
//! one resource are joined into one asset.

mod credential_report;
mod derived;
mod log_alerts;
pub mod mapped;
pub(crate) mod quirks;
mod security_center;
pub mod shape;
pub mod sources;
pub mod xml;

use crate::model::*;
pub use credential_report::ROOT_ACCOUNT;
pub use log_alerts::ALERTS;
use quirks::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shape::At;
use std::collections::BTreeMap;

/// One OpenAPI call's response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiResponse {
    /// `<product>:<Api>`, e.g. `ecs:DescribeInstances`.
    pub api: String,
    /// Request parameters the response does not repeat.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The call's JSON response body, or the XML text as a JSON string where
    /// that is what the API returns (OSS).
    pub response: Value,
}

/// The calls this adapter reads.
pub const SUPPORTED_APIS: &[&str] = &[
    "ecs:DescribeInstances",
    "ecs:DescribeSecurityGroupAttribute",
    "ecs:DescribeDisks",
    "ram:GetPasswordPolicy",
    "ram:ListUsers",
    "ram:GetUser",
    "ram:GetLoginProfile",
    "ram:ListAccessKeys",
    "ram:ListPoliciesForUser",
    "ram:ListGroupsForUser",
    "ram:ListVirtualMFADevices",
    "oss:GetBucketInfo",
    "oss:GetBucketAcl",
    "oss:GetBucketStat",
    "rds:DescribeDBInstances",
    "rds:DescribeDBInstanceIPArrayList",
    "rds:DescribeDBInstanceSSL",
    "rds:DescribeDBInstanceNetInfo",
    "rds:DescribeParameters",
    "rds:DescribeSQLCollectorRetention",
    "vpc:DescribeFlowLogs",
    "cs:DescribeClusterAddonsVersion",
    "ims:GetCredentialReport",
    "sls:ListAlerts",
];

/// Every call the adapter reads: the hand-written ones and the mapped ones.
pub fn supported() -> Vec<&'static str> {
    let mut all: Vec<&str> = SUPPORTED_APIS.to_vec();
    all.extend(security_center::APIS);
    all.extend(derived::apis());
    all.extend(mapped::apis());
    all.sort_unstable();
    all.dedup();
    all
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("unsupported API {0:?}; supported: {list}", list = supported().join(", "))]
    UnsupportedApi(String),
    #[error("{api}: {problem}")]
    Malformed { api: String, problem: String },
    /// An asset built from the responses holds text no real response has
    /// (see [`shape::check_assets`]).
    #[error("{asset}: {problem}")]
    Invalid { asset: String, problem: String },
}

pub(crate) fn malformed(api: &str, problem: impl Into<String>) -> IngestError {
    IngestError::Malformed { api: api.to_owned(), problem: problem.into() }
}

/// Assets being assembled from several calls, keyed by resource id.
#[derive(Default)]
pub(crate) struct Builder {
    assets: BTreeMap<(AssetKind, String), Asset>,
    /// Users named by a `ListVirtualMFADevices` response, if one was given.
    mfa_users: Option<Vec<String>>,
    /// VPCs with an active flow log, if a `DescribeFlowLogs` response was given.
    vpcs_with_flow_log: Option<Vec<String>>,
    /// Hosts' vulnerabilities, if a `DescribeVulList` response was given.
    vulnerabilities: Option<security_center::Vulnerabilities>,
    /// Each ECS host's operating system, as Security Center's agent reports it.
    host_os: BTreeMap<String, String>,
    /// Instances' RAM roles, if a `DescribeInstanceRamRole` response was given.
    instance_roles: Option<derived::InstanceRoles>,
}

impl Builder {
    pub(crate) fn entry(&mut self, kind: AssetKind, id: &str, empty: impl FnOnce() -> AssetSpec) -> &mut Asset {
        self.assets.entry((kind, id.to_owned())).or_insert_with(|| Asset {
            id: id.to_owned(),
            name: None,
            region: None,
            spec: empty(),
            source: None,
            fields: Fields::default(),
        })
    }
}

macro_rules! spec_mut {
    ($asset:expr, $variant:ident) => {
        match &mut $asset.spec {
            AssetSpec::$variant(s) => s,
            _ => unreachable!("entry() keys assets by kind"),
        }
    };
}

/// The error code of an error body. Some products put a `Code` in their
/// successful bodies too (Container Registry: `"Code": "success"` with
/// `"IsSuccess": true`); those are not errors.
pub(crate) fn error_code(body: &Value) -> Option<&str> {
    // OSS answers errors in XML: `<Error><Code>…</Code></Error>`.
    let code = body.get("Code").or_else(|| body.get("Error").and_then(|e| e.get("Code"))).and_then(Value::as_str)?;
    let succeeded = ["IsSuccess", "Success"].iter().any(|k| body.get(*k).and_then(Value::as_bool) == Some(true))
        || ["success", "ok", "200"].iter().any(|s| code.eq_ignore_ascii_case(s));
    (!succeeded).then_some(code)
}

fn oss_bucket_asset<'a>(b: &'a mut Builder, bucket: &str) -> &'a mut Asset {
    b.entry(AssetKind::OssBucket, bucket, || AssetSpec::OssBucket(OssBucket::default()))
}

/// Turns responses into assets. Any malformed response fails the whole
/// import, naming the call and what is wrong, so nothing is half-imported.
pub fn ingest(responses: &[ApiResponse]) -> Result<Vec<Asset>, IngestError> {
    let decoded = xml::decode_all(responses)?;
    let responses: &[ApiResponse] = &decoded;
    let mut b = Builder::default();
    for r in responses {
        let api = r.api.as_str();
        let body = &r.response;
        if let Some(code) = error_code(body) {
            // An error body: only "this user has no login profile", "this
            // bucket has no policy" and "this bucket has no encryption rule"
            // carry information.
            if api == "ram:GetLoginProfile" && code.contains("LoginProfile") {
                let user = param(r, "UserName")?;
                ram_user(&mut b, &user).console_login = Some(false);
                continue;
            }
            if api == "oss:GetBucketPolicy" && code == "NoSuchBucketPolicy" {
                let asset = oss_bucket_asset(&mut b, &param(r, "BucketName")?);
                for field in [
                    "policy",
                    "policy_text",
                    "secure_transport_condition",
                    "tls_version_condition",
                    "source_ip_condition",
                ] {
                    asset.fields.insert(field.into(), Slot::Absent);
                }
                continue;
            }
            if api == "oss:GetBucketEncryption" && code == "NoSuchServerSideEncryptionRule" {
                // As GetBucketInfo says it: SSEAlgorithm `None`, no key.
                let name = param(r, "BucketName")?;
                let spec = oss_bucket(&mut b, &name);
                (spec.sse_configured, spec.sse_algorithm) = (Some(false), None);
                let asset = oss_bucket_asset(&mut b, &name);
                asset.fields.insert("sse_algorithm".into(), Slot::Known(Value::String("None".into())));
                asset.fields.insert("sse_kms_key_id".into(), Slot::Absent);
                continue;
            }
            return Err(malformed(
                api,
                format!("the response is an API error ({code}); import the successful response"),
            ));
        }
        match api {
            "ecs:DescribeInstances" => ecs_instances(&mut b, api, body)?,
            "ecs:DescribeSecurityGroupAttribute" => security_group(&mut b, api, body)?,
            "ecs:DescribeDisks" => disks(&mut b, api, body)?,
            "ram:GetPasswordPolicy" => password_policy(&mut b, api, body)?,
            "ram:ListUsers" => ram_users(&mut b, api, body)?,
            "ram:GetUser" => get_user(&mut b, api, body)?,
            "ram:GetLoginProfile" => login_profile(&mut b, api, body)?,
            "ram:ListAccessKeys" => access_keys(&mut b, api, body, &param(r, "UserName")?)?,
            "ram:ListPoliciesForUser" => user_policies(&mut b, api, body, &param(r, "UserName")?)?,
            "ram:ListGroupsForUser" => user_groups(&mut b, api, body, &param(r, "UserName")?)?,
            "ram:ListVirtualMFADevices" => mfa_devices(&mut b, api, body)?,
            "oss:GetBucketInfo" => bucket_info(&mut b, api, body)?,
            "oss:GetBucketAcl" => bucket_acl(&mut b, api, body, &param(r, "BucketName")?)?,
            "oss:GetBucketStat" => bucket_stat(&mut b, api, body, &param(r, "BucketName")?)?,
            "rds:DescribeDBInstances" => rds_instances(&mut b, api, body)?,
            "rds:DescribeDBInstanceIPArrayList" => rds_whitelist(&mut b, api, body, &param(r, "DBInstanceId")?)?,
            "rds:DescribeDBInstanceSSL" => rds_ssl(&mut b, api, body, &param(r, "DBInstanceId")?)?,
            "rds:DescribeDBInstanceNetInfo" => rds_endpoints(&mut b, api, body, &param(r, "DBInstanceId")?)?,
            "rds:DescribeParameters" => rds_parameters(&mut b, api, body, &param(r, "DBInstanceId")?)?,
            "rds:DescribeSQLCollectorRetention" => rds_audit_retention(&mut b, api, body, &param(r, "DBInstanceId")?)?,
            "vpc:DescribeFlowLogs" => flow_logs(&mut b, api, body)?,
            // Mapped too; its `master_url` and `meta_data` are JSON text a mapping path cannot descend into.
            "cs:DescribeClusterDetail" => ack_detail(&mut b, api, body, &param(r, "ClusterId")?)?,
            "cs:DescribeClusterAddonsVersion" => ack_addons(&mut b, api, body, &param(r, "ClusterId")?)?,
            "ims:GetCredentialReport" => credential_report::credential_report(&mut b, api, body)?,
            "sls:ListAlerts" => log_alerts::list_alerts(&mut b, api, body)?,
            other if security_center::APIS.contains(&other) => {
                security_center::read(&mut b, r)?;
            }
            // Several of these are mapped too, for their plain fields.
            other if derived::apis().any(|a| a == other) => {
                derived::read(&mut b, r)?;
            }
            // Calls mapped onto schema fields are read by `mapped::apply`.
            other if mapped::handles(other) => {}
            other => return Err(IngestError::UnsupportedApi(other.to_owned())),
        }
    }
    security_center::join_vulnerabilities(&mut b)?;
    derived::join_instance_roles(&mut b);
    mapped::apply(responses, &mut b)?;
    if let Some(with_mfa) = &b.mfa_users {
        for asset in b.assets.values_mut() {
            if let AssetSpec::RamUser(u) = &mut asset.spec {
                u.mfa_bound = Some(with_mfa.contains(&asset.id));
            }
        }
    }
    if let Some(logged) = &b.vpcs_with_flow_log {
        for asset in b.assets.values_mut().filter(|a| a.kind().as_str() == "ACS::VPC::VPC") {
            let on = logged.contains(&asset.id);
            asset.fields.insert("flow_log_enabled".into(), Slot::Known(Value::Bool(on)));
        }
    }
    let mut assets: Vec<Asset> = b.assets.into_values().collect();
    crate::joins::apply(&mut assets);
    shape::check_assets(&assets)?;
    Ok(assets)
}

/// `master_url` and `meta_data` are JSON text. The API server is public when
/// `master_url` names an `api_server_endpoint` (the intranet one is
/// `intranet_api_server_endpoint`); `meta_data.Addons` lists the installed
/// add-ons with their configuration (itself JSON text).
fn ack_detail(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let json_text = |field: &str| -> Result<Option<Value>, IngestError> {
        let Some(text) = str_field(body, field) else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(|e| malformed(api, format!("{field} is not JSON: {e}")))
    };
    let public = json_text("master_url")?.map(|urls| str_field(&urls, "api_server_endpoint").is_some());
    // Only names, and Terway's configuration: other add-ons' settings are not ours to keep.
    let addons = json_text("meta_data")?
        .and_then(|meta| meta.get("Addons").and_then(Value::as_array).map(|all| essential_addons(all)));
    // Older responses lack `rrsa_config`: then whether RRSA is on is not reported.
    let rrsa = body.get("rrsa_config").and_then(|c| c.get("enabled")).and_then(Value::as_bool);
    let cluster = ack_cluster(b, id);
    if let Some(rrsa) = rrsa {
        cluster.fields.insert("rrsa_enabled".into(), Slot::Known(Value::Bool(rrsa)));
    }
    if let Some(public) = public {
        cluster.fields.insert("endpoint_public_access".into(), Slot::Known(Value::Bool(public)));
    }
    if let Some(addons) = addons {
        cluster.fields.insert("addons".into(), Slot::Known(addons));
    }
    Ok(())
}

/// The response is an object keyed by add-on name; an entry with
/// `"exist": false` is available but not installed.
fn ack_addons(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let addons = body.as_object().ok_or_else(|| malformed(api, "is not an object keyed by add-on name"))?;
    let installed: Vec<Value> = addons
        .iter()
        .filter(|(_, a)| a.get("exist").and_then(parse_bool) != Some(false))
        .map(|(name, _)| Value::String(name.clone()))
        .collect();
    ack_cluster(b, id).fields.insert("addon_names".into(), Slot::Known(Value::Array(installed)));
    Ok(())
}

fn ack_cluster<'a>(b: &'a mut Builder, id: &str) -> &'a mut Asset {
    let kind = AssetKind::Other("ACS::CS::ManagedKubernetesCluster");
    b.entry(kind, id, || AssetSpec::Resource(kind.as_str().to_owned()))
}

/// Flow logs are their own resources; what the checks need is, per VPC,
/// whether an active one covers it.
fn flow_logs(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let mut vpcs = b.vpcs_with_flow_log.take().unwrap_or_default();
    for log in wrapped_list(api, body, "FlowLogs", "FlowLog")? {
        let on_vpc = str_field(&log, "ResourceType").is_some_and(|t| t.eq_ignore_ascii_case("VPC"));
        let active = str_field(&log, "Status").is_some_and(|s| s.eq_ignore_ascii_case("Active"));
        if on_vpc && active {
            vpcs.push(shape::id(api, &log, "ResourceId")?);
        }
    }
    b.vpcs_with_flow_log = Some(vpcs);
    Ok(())
}

/// The request parameter naming the resource a call answers about.
fn param(r: &ApiResponse, name: &str) -> Result<String, IngestError> {
    shape::param(&r.api, &r.params, name)?
        .map(str::to_owned)
        .ok_or_else(|| malformed(&r.api, format!("needs the request parameter {name} in \"params\"")))
}

/// A text field the response must have (not an id: see [`shape::id`]).
fn required_str(api: &str, v: &Value, field: &str) -> Result<String, IngestError> {
    str_field(v, field).ok_or_else(|| malformed(api, format!("an item lacks {field}")))
}

fn ecs_instances(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    for i in wrapped_list(api, body, "Instances", "Instance")? {
        let id = shape::id(api, &i, "InstanceId")?;
        let (name, region) = (shape::text(api, &i, "InstanceName")?, shape::text(api, &i, "RegionId")?);
        let public_ips = shape::strings(api, &i, "PublicIpAddress.IpAddress")?;
        let security_group_ids = shape::strings(api, &i, "SecurityGroupIds.SecurityGroupId")?;
        let asset = b.entry(AssetKind::EcsInstance, &id, || AssetSpec::EcsInstance(EcsInstance::default()));
        asset.name = name;
        asset.region = region;
        let spec = spec_mut!(asset, EcsInstance);
        spec.status = str_field(&i, "Status");
        spec.public_ips = public_ips;
        spec.eip = i.get("EipAddress").and_then(|e| str_field(e, "IpAddress"));
        spec.security_group_ids = security_group_ids;
        spec.vpc_id = i.get("VpcAttributes").and_then(|v| str_field(v, "VpcId"));
    }
    Ok(())
}

fn security_group(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let id = shape::id(api, &At::body(body), "SecurityGroupId")?;
    let mut rules = Vec::new();
    for p in &wrapped_list(api, body, "Permissions", "Permission")? {
        let direction = match str_field(p, "Direction").map(|d| d.to_ascii_lowercase()).as_deref() {
            Some("egress") => Direction::Egress,
            Some("ingress") | None => Direction::Ingress,
            Some(other) => return Err(malformed(api, format!("unknown Direction {other:?}"))),
        };
        let cidr_field = if direction == Direction::Ingress { "SourceCidrIp" } else { "DestCidrIp" };
        let ipv6_field = if direction == Direction::Ingress { "Ipv6SourceCidrIp" } else { "Ipv6DestCidrIp" };
        let port_range = str_field(p, "PortRange").unwrap_or_else(|| "-1/-1".into());
        rules.push(SecurityGroupRule {
            direction,
            protocol: str_field(p, "IpProtocol").unwrap_or_else(|| "all".into()).to_ascii_lowercase(),
            ports: parse_port_range(&port_range).map_err(|e| malformed(api, e))?,
            cidr: str_field(p, cidr_field).or_else(|| str_field(p, ipv6_field)),
            accept: !str_field(p, "Policy").is_some_and(|s| s.eq_ignore_ascii_case("drop")),
            priority: u32_field(p, "Priority").unwrap_or(1),
        });
    }
    let name = shape::text(api, &At::body(body), "SecurityGroupName")?;
    let region = shape::text(api, &At::body(body), "RegionId")?;
    let asset = b.entry(AssetKind::SecurityGroup, &id, || AssetSpec::SecurityGroup(SecurityGroup::default()));
    asset.name = name;
    asset.region = region;
    let spec = spec_mut!(asset, SecurityGroup);
    spec.vpc_id = str_field(body, "VpcId");
    spec.rules = rules;
    Ok(())
}

fn disks(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    for d in wrapped_list(api, body, "Disks", "Disk")? {
        let id = shape::id(api, &d, "DiskId")?;
        let (name, region) = (shape::text(api, &d, "DiskName")?, shape::text(api, &d, "RegionId")?);
        let asset = b.entry(AssetKind::Disk, &id, || AssetSpec::Disk(Disk::default()));
        asset.name = name;
        asset.region = region;
        let spec = spec_mut!(asset, Disk);
        spec.encrypted = bool_field(&d, "Encrypted");
        spec.kms_key_id = str_field(&d, "KMSKeyId");
        spec.disk_type = str_field(&d, "Type");
        spec.instance_id = str_field(&d, "InstanceId");
    }
    Ok(())
}

fn password_policy(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let p = body.get("PasswordPolicy").ok_or_else(|| malformed(api, "lacks PasswordPolicy"))?;
    let asset = b.entry(AssetKind::PasswordPolicy, "account", || AssetSpec::PasswordPolicy(PasswordPolicy::default()));
    asset.name = Some("RAM password policy".into());
    let spec = spec_mut!(asset, PasswordPolicy);
    *spec = PasswordPolicy {
        minimum_length: u32_field(p, "MinimumPasswordLength"),
        require_uppercase: bool_field(p, "RequireUppercaseCharacters"),
        require_lowercase: bool_field(p, "RequireLowercaseCharacters"),
        require_numbers: bool_field(p, "RequireNumbers"),
        require_symbols: bool_field(p, "RequireSymbols"),
        max_password_age: u32_field(p, "MaxPasswordAge"),
        reuse_prevention: u32_field(p, "PasswordReusePrevention"),
        // RAM spells it MaxLoginAttemps; IMS and newer SDKs MaxLoginAttempts.
        max_login_attempts: u32_field(p, "MaxLoginAttemps").or_else(|| u32_field(p, "MaxLoginAttempts")),
        // RAM calls it HardExpiry, IMS HardExpire.
        hard_expiry: bool_field(p, "HardExpiry").or_else(|| bool_field(p, "HardExpire")),
    };
    // The same values as the schema fields declared items read.
    let known = |v: Option<Value>| v.map_or(Slot::Absent, Slot::Known);
    let fields = [
        ("minimum_length", known(spec.minimum_length.map(Value::from))),
        ("require_lowercase", known(spec.require_lowercase.map(Value::Bool))),
        ("require_uppercase", known(spec.require_uppercase.map(Value::Bool))),
        ("require_numbers", known(spec.require_numbers.map(Value::Bool))),
        ("require_symbols", known(spec.require_symbols.map(Value::Bool))),
    ];
    asset.fields.extend(fields.map(|(name, slot)| (name.to_owned(), slot)));
    Ok(())
}

fn ram_user<'a>(b: &'a mut Builder, name: &str) -> &'a mut RamUser {
    let asset = b.entry(AssetKind::RamUser, name, || AssetSpec::RamUser(RamUser::default()));
    spec_mut!(asset, RamUser)
}

fn ram_users(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    for u in wrapped_list(api, body, "Users", "User")? {
        let name = shape::id(api, &u, "UserName")?;
        let display = shape::text(api, &u, "DisplayName")?;
        let user = ram_user(b, &name);
        user.user_id = str_field(&u, "UserId");
        user.created_at = str_field(&u, "CreateDate").and_then(|t| parse_time(&t));
        user.updated_at = str_field(&u, "UpdateDate").and_then(|t| parse_time(&t));
        if let Some(a) = b.assets.get_mut(&(AssetKind::RamUser, name)) {
            a.name = display;
        }
    }
    Ok(())
}

/// `ram:GetUser` adds the last console logon; a user who never logged on has
/// no (or an empty) `LastLoginDate`.
fn get_user(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let u = At::body(body).at("User").ok_or_else(|| malformed(api, "lacks User"))?;
    let name = shape::id(api, &u, "UserName")?;
    let last_login = match str_field(&u, "LastLoginDate").filter(|t| !t.is_empty()) {
        None => LastLogin::Never,
        Some(t) => {
            LastLogin::At(parse_time(&t).ok_or_else(|| malformed(api, format!("LastLoginDate {t:?} is not a time")))?)
        }
    };
    let created_at = str_field(&u, "CreateDate").and_then(|t| parse_time(&t));
    let updated_at = str_field(&u, "UpdateDate").and_then(|t| parse_time(&t));
    let user = ram_user(b, &name);
    user.last_login = Some(last_login);
    user.created_at = user.created_at.or(created_at);
    user.updated_at = user.updated_at.or(updated_at);
    Ok(())
}

fn login_profile(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let p = At::body(body).at("LoginProfile").ok_or_else(|| malformed(api, "lacks LoginProfile"))?;
    let name = shape::id(api, &p, "UserName")?;
    ram_user(b, &name).console_login = Some(true);
    Ok(())
}

fn access_keys(b: &mut Builder, api: &str, body: &Value, user: &str) -> Result<(), IngestError> {
    let mut keys = Vec::new();
    for k in wrapped_list(api, body, "AccessKeys", "AccessKey")? {
        keys.push(AccessKey {
            id: shape::id(api, &k, "AccessKeyId")?,
            active: str_field(&k, "Status").is_none_or(|s| s.eq_ignore_ascii_case("active")),
            created_at: str_field(&k, "CreateDate").and_then(|t| parse_time(&t)),
        });
    }
    ram_user(b, user).access_keys = Some(keys);
    Ok(())
}

fn user_policies(b: &mut Builder, api: &str, body: &Value, user: &str) -> Result<(), IngestError> {
    let mut names = Vec::new();
    for p in wrapped_list(api, body, "Policies", "Policy")? {
        let name = shape::id(api, &p, "PolicyName")?;
        names.push(format!("{}:{name}", str_field(&p, "PolicyType").unwrap_or_else(|| "Custom".into())));
    }
    ram_user(b, user).direct_policies = Some(names);
    Ok(())
}

fn user_groups(b: &mut Builder, api: &str, body: &Value, user: &str) -> Result<(), IngestError> {
    let groups = wrapped_list(api, body, "Groups", "Group")?;
    let names = groups.iter().map(|g| shape::id(api, g, "GroupName")).collect::<Result<_, _>>()?;
    ram_user(b, user).groups = Some(names);
    Ok(())
}

fn mfa_devices(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let mut users = b.mfa_users.take().unwrap_or_default();
    for d in &wrapped_list(api, body, "VirtualMFADevices", "VirtualMFADevice")? {
        if let Some(name) = d.get("User").and_then(|u| str_field(u, "UserName")) {
            users.push(name);
        }
    }
    b.mfa_users = Some(users);
    Ok(())
}

fn oss_bucket<'a>(b: &'a mut Builder, name: &str) -> &'a mut OssBucket {
    let asset = oss_bucket_asset(b, name);
    asset.name.get_or_insert_with(|| name.to_owned());
    spec_mut!(asset, OssBucket)
}

fn bucket_info(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let bucket = At::body(body)
        .at("BucketInfo")
        .and_then(|i| i.at("Bucket"))
        .ok_or_else(|| malformed(api, "lacks BucketInfo.Bucket"))?;
    let name = shape::id(api, &bucket, "Name")?;
    let region = shape::text(api, &bucket, "Location")?;
    let acl = bucket.get("AccessControlList").and_then(|a| str_field(a, "Grant"));
    let sse = bucket.get("ServerSideEncryptionRule").and_then(|s| str_field(s, "SSEAlgorithm"));
    let spec = oss_bucket(b, &name);
    spec.acl = acl.map(|a| a.to_ascii_lowercase());
    spec.sse_configured = Some(sse.as_deref().is_some_and(|s| !s.eq_ignore_ascii_case("none")));
    spec.sse_algorithm = sse.filter(|s| !s.eq_ignore_ascii_case("none"));
    if let Some(a) = b.assets.get_mut(&(AssetKind::OssBucket, name)) {
        a.region = region;
    }
    Ok(())
}

fn bucket_acl(b: &mut Builder, api: &str, body: &Value, name: &str) -> Result<(), IngestError> {
    let grant = body
        .get("AccessControlPolicy")
        .and_then(|p| p.get("AccessControlList"))
        .and_then(|l| str_field(l, "Grant"))
        .ok_or_else(|| malformed(api, "lacks AccessControlPolicy.AccessControlList.Grant"))?;
    oss_bucket(b, name).acl = Some(grant.to_ascii_lowercase());
    Ok(())
}

fn bucket_stat(b: &mut Builder, api: &str, body: &Value, name: &str) -> Result<(), IngestError> {
    let count = body
        .get("BucketStat")
        .and_then(|s| u64_field(s, "ObjectCount"))
        .ok_or_else(|| malformed(api, "lacks BucketStat.ObjectCount"))?;
    oss_bucket(b, name).object_count = Some(count);
    Ok(())
}

fn rds_instance<'a>(b: &'a mut Builder, id: &str) -> &'a mut RdsInstance {
    let asset = b.entry(AssetKind::RdsInstance, id, || AssetSpec::RdsInstance(RdsInstance::default()));
    spec_mut!(asset, RdsInstance)
}

fn rds_instances(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    for i in wrapped_list(api, body, "Items", "DBInstance")? {
        let id = shape::id(api, &i, "DBInstanceId")?;
        let (name, region) = (shape::text(api, &i, "DBInstanceDescription")?, shape::text(api, &i, "RegionId")?);
        let spec = rds_instance(b, &id);
        spec.engine = str_field(&i, "Engine");
        spec.status = str_field(&i, "DBInstanceStatus");
        spec.net_type = str_field(&i, "DBInstanceNetType");
        if let Some(a) = b.assets.get_mut(&(AssetKind::RdsInstance, id)) {
            a.name = name;
            a.region = region;
        }
    }
    Ok(())
}

fn rds_whitelist(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let mut ips = Vec::new();
    for group in wrapped_list(api, body, "Items", "DBInstanceIPArray")? {
        ips.extend(split_list(&str_field(&group, "SecurityIPList").unwrap_or_default()));
    }
    rds_instance(b, id).security_ips = Some(ips);
    Ok(())
}

fn rds_ssl(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let enabled = bool_field(body, "SSLEnabled").ok_or_else(|| malformed(api, "lacks SSLEnabled"))?;
    rds_instance(b, id).ssl_enabled = Some(enabled);
    Ok(())
}

/// Whether any of the instance's endpoints is public (`IPType` Public), as
/// the schema field `public_connection` the endpoint items read.
fn rds_endpoints(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let endpoints = wrapped_list(api, body, "DBInstanceNetInfos", "DBInstanceNetInfo")?;
    let public = endpoints.iter().any(|e| str_field(e, "IPType").is_some_and(|t| t.eq_ignore_ascii_case("Public")));
    let asset = b.entry(AssetKind::RdsInstance, id, || AssetSpec::RdsInstance(RdsInstance::default()));
    asset.fields.insert("public_connection".into(), Slot::Known(Value::Bool(public)));
    Ok(())
}

/// The running parameters (what the engine uses now, not pending changes).
fn rds_parameters(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let mut parameters = BTreeMap::new();
    for p in wrapped_list(api, body, "RunningParameters", "DBInstanceParameter")? {
        let name = shape::id(api, &p, "ParameterName")?;
        parameters.insert(name, str_field(&p, "ParameterValue").unwrap_or_default());
    }
    rds_instance(b, id).parameters = Some(parameters);
    Ok(())
}

fn rds_audit_retention(b: &mut Builder, api: &str, body: &Value, id: &str) -> Result<(), IngestError> {
    let days = u32_field(body, "ConfigValue").ok_or_else(|| malformed(api, "lacks ConfigValue (days)"))?;
    rds_instance(b, id).sql_audit_retention_days = Some(days);
    Ok(())
}

#[cfg(test)]
mod tests;
