//! Reading an account: which calls to make, in which regions, for which
//! resources, and the answers as documents in the import format
//! (`{"api", "params", "response"}`), so a collected inventory goes through
//! the same adapters as an imported one and can be saved and re-imported.
//!
//! A call is made once (global services), once per region, or once per
//! resource another call listed (each RAM user, each RDS instance, each
//! security group). A call the credentials may not make is recorded as
//! denied, naming the action, and the rest goes on.

use crate::client::{Call, Client, OssCall};
use crate::error::CloudError;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One answer, as `cspm import` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub api: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    pub response: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// One call for the account.
    Global,
    /// One call per region (`RegionId`).
    Regional,
}

/// Which resources a call is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    Account,
    /// Each item at `items` (`Users.User[]`) in the answers to `source`;
    /// the call gets each `(param, field)` of `params` from the item.
    Each {
        source: &'static str,
        items: &'static str,
        params: &'static [(&'static str, &'static str)],
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub api: &'static str,
    pub at: Where,
    pub per: For,
    /// Fixed parameters the call needs.
    pub fixed: &'static [(&'static str, &'static str)],
    /// Error codes that are an answer, not a failure (recorded as the response).
    pub answers: &'static [&'static str],
}

const fn once(api: &'static str, at: Where) -> Plan {
    Plan { api, at, per: For::Account, fixed: &[], answers: &[] }
}

/// Items of one list call, and the parameters each drives.
type Source = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const fn each(api: &'static str, at: Where, (source, items, params): Source) -> Plan {
    Plan { api, at, per: For::Each { source, items, params }, fixed: &[], answers: &[] }
}

const SECURITY_GROUPS: Source =
    ("ecs:DescribeSecurityGroups", "SecurityGroups.SecurityGroup[]", &[("SecurityGroupId", "SecurityGroupId")]);
const USERS: Source = ("ram:ListUsers", "Users.User[]", &[("UserName", "UserName")]);
const ROLES: Source = ("ram:ListRoles", "Roles.Role[]", &[("RoleName", "RoleName")]);
const GROUPS: Source = ("ram:ListGroups", "Groups.Group[]", &[("GroupName", "GroupName")]);
/// The default version of each custom policy.
const POLICIES: Source = (
    "ram:ListPolicies",
    "Policies.Policy[]",
    &[("PolicyName", "PolicyName"), ("PolicyType", "PolicyType"), ("VersionId", "DefaultVersion")],
);
const LOAD_BALANCERS: Source =
    ("slb:DescribeLoadBalancers", "LoadBalancers.LoadBalancer[]", &[("LoadBalancerId", "LoadBalancerId")]);
const KMS_KEYS: Source = ("kms:ListKeys", "Keys.Key[]", &[("KeyId", "KeyId")]);
const TRAILS: Source = ("actiontrail:DescribeTrails", "TrailList[]", &[("Name", "Name")]);
const REDIS: Source = ("r-kvstore:DescribeInstances", "Instances.KVStoreInstance[]", &[("InstanceId", "InstanceId")]);
const POLARDB: Source = ("polardb:DescribeDBClusters", "Items.DBCluster[]", &[("DBClusterId", "DBClusterId")]);
const MONGODB: Source = ("dds:DescribeDBInstances", "DBInstances.DBInstance[]", &[("DBInstanceId", "DBInstanceId")]);
const RDS: Source = ("rds:DescribeDBInstances", "Items.DBInstance[]", &[("DBInstanceId", "DBInstanceId")]);
const INSTANCES: Source = ("ecs:DescribeInstances", "Instances.Instance[]", &[("InstanceId", "InstanceId")]);
const NAT_GATEWAYS: Source =
    ("vpc:DescribeNatGateways", "NatGateways.NatGateway[]", &[("NatGatewayId", "NatGatewayId")]);
const ALB_LOAD_BALANCERS: Source =
    ("alb:ListLoadBalancers", "LoadBalancers[]", &[("LoadBalancerId", "LoadBalancerId")]);
const ALB_LISTENERS: Source = ("alb:ListListeners", "Listeners[]", &[("ListenerId", "ListenerId")]);
const ALB_ACLS: Source = ("alb:ListAcls", "Acls[]", &[("AclId", "AclId")]);
const ALB_SERVER_GROUPS: Source = ("alb:ListServerGroups", "ServerGroups[]", &[("ServerGroupId", "ServerGroupId")]);
const NLB_LOAD_BALANCERS: Source =
    ("nlb:ListLoadBalancers", "LoadBalancers[]", &[("LoadBalancerId", "LoadBalancerId")]);
const NLB_SERVER_GROUPS: Source = ("nlb:ListServerGroups", "ServerGroups[]", &[("ServerGroupId", "ServerGroupId")]);
const SECRETS: Source = ("kms:ListSecrets", "SecretList.Secret[]", &[("SecretName", "SecretName")]);
const API_GROUPS: Source =
    ("cloudapi:DescribeApiGroups", "ApiGroupAttributes.ApiGroupAttribute[]", &[("GroupId", "GroupId")]);

/// The calls, in an order where each source comes before what it drives.
pub const PLANS: &[Plan] = &[
    once("ecs:DescribeInstances", Where::Regional),
    // One instance per call: the call takes an instance or a renewal status, and every status is wanted.
    each("ecs:DescribeInstanceAutoRenewAttribute", Where::Regional, INSTANCES),
    once("ecs:DescribeDisks", Where::Regional),
    once("ecs:DescribeSecurityGroups", Where::Regional),
    each("ecs:DescribeSecurityGroupAttribute", Where::Regional, SECURITY_GROUPS),
    once("ram:ListUsers", Where::Global),
    once("ram:GetPasswordPolicy", Where::Global),
    once("ram:ListVirtualMFADevices", Where::Global),
    each("ram:GetUser", Where::Global, USERS),
    Plan { answers: &["EntityNotExist.User.LoginProfile"], ..each("ram:GetLoginProfile", Where::Global, USERS) },
    each("ram:ListAccessKeys", Where::Global, USERS),
    each("ram:ListPoliciesForUser", Where::Global, USERS),
    each("ram:ListGroupsForUser", Where::Global, USERS),
    once("ram:ListRoles", Where::Global),
    each("ram:GetRole", Where::Global, ROLES),
    each("ram:ListPoliciesForRole", Where::Global, ROLES),
    once("ram:ListGroups", Where::Global),
    // One page (up to 100 members): the group checks need only whether it has any.
    each("ram:ListUsersForGroup", Where::Global, GROUPS),
    each("ram:ListPoliciesForGroup", Where::Global, GROUPS),
    // The account's own policies (Alibaba's system policies are not the tenant's to fix).
    Plan { fixed: &[("PolicyType", "Custom")], ..once("ram:ListPolicies", Where::Global) },
    each("ram:GetPolicyVersion", Where::Global, POLICIES),
    once("ims:GetCredentialReport", Where::Global),
    once("rds:DescribeDBInstances", Where::Regional),
    each("rds:DescribeDBInstanceIPArrayList", Where::Regional, RDS),
    each("rds:DescribeDBInstanceNetInfo", Where::Regional, RDS),
    each("rds:DescribeDBInstanceSSL", Where::Regional, RDS),
    each("rds:DescribeParameters", Where::Regional, RDS),
    each("rds:DescribeSQLCollectorRetention", Where::Regional, RDS),
    each("rds:DescribeDBInstanceAttribute", Where::Regional, RDS),
    each("rds:DescribeDBInstanceTDE", Where::Regional, RDS),
    each("rds:DescribeSQLCollectorPolicy", Where::Regional, RDS),
    each("rds:DescribeBackupPolicy", Where::Regional, RDS),
    each("rds:DescribeDBInstanceEncryptionKey", Where::Regional, RDS),
    once("rds:DescribeInstanceAutoRenewalAttribute", Where::Regional),
    once("r-kvstore:DescribeInstances", Where::Regional),
    each("r-kvstore:DescribeInstanceSSL", Where::Regional, REDIS),
    each("r-kvstore:DescribeInstanceTDEStatus", Where::Regional, REDIS),
    each("r-kvstore:DescribeBackupPolicy", Where::Regional, REDIS),
    each("r-kvstore:DescribeInstanceAttribute", Where::Regional, REDIS),
    each("r-kvstore:DescribeSecurityIps", Where::Regional, REDIS),
    each("r-kvstore:DescribeDBInstanceNetInfo", Where::Regional, REDIS),
    once("r-kvstore:DescribeInstanceAutoRenewalAttribute", Where::Regional),
    once("polardb:DescribeDBClusters", Where::Regional),
    each("polardb:DescribeDBClusterAttribute", Where::Regional, POLARDB),
    each("polardb:DescribeDBClusterTDE", Where::Regional, POLARDB),
    each("polardb:DescribeDBClusterAccessWhitelist", Where::Regional, POLARDB),
    each("polardb:DescribeDBClusterSSL", Where::Regional, POLARDB),
    once("polardb:DescribeAutoRenewAttribute", Where::Regional),
    once("dds:DescribeDBInstances", Where::Regional),
    each("dds:DescribeDBInstanceSSL", Where::Regional, MONGODB),
    each("dds:DescribeDBInstanceTDEInfo", Where::Regional, MONGODB),
    each("dds:DescribeAuditPolicy", Where::Regional, MONGODB),
    each("dds:DescribeDBInstanceAttribute", Where::Regional, MONGODB),
    each("dds:DescribeSecurityIps", Where::Regional, MONGODB),
    // Replica sets by default; sharded clusters only when asked.
    once("dds:DescribeInstanceAutoRenewalAttribute", Where::Regional),
    Plan {
        fixed: &[("DBInstanceType", "sharding")],
        ..once("dds:DescribeInstanceAutoRenewalAttribute", Where::Regional)
    },
    once("vpc:DescribeVpcs", Where::Regional),
    once("vpc:DescribeFlowLogs", Where::Regional),
    once("vpc:DescribeVSwitches", Where::Regional),
    once("vpc:DescribeNetworkAcls", Where::Regional),
    once("vpc:DescribeEipAddresses", Where::Regional),
    once("vpc:DescribeNatGateways", Where::Regional),
    each("vpc:DescribeForwardTableEntries", Where::Regional, NAT_GATEWAYS),
    once("vpc:DescribeVpnGateways", Where::Regional),
    once("vpc:DescribeVpnConnections", Where::Regional),
    once("alb:ListLoadBalancers", Where::Regional),
    each("alb:GetLoadBalancerAttribute", Where::Regional, ALB_LOAD_BALANCERS),
    once("alb:ListListeners", Where::Regional),
    each("alb:GetListenerAttribute", Where::Regional, ALB_LISTENERS),
    once("alb:ListAcls", Where::Regional),
    each("alb:ListAclEntries", Where::Regional, ALB_ACLS),
    once("alb:ListServerGroups", Where::Regional),
    each("alb:ListServerGroupServers", Where::Regional, ALB_SERVER_GROUPS),
    once("alb:ListSecurityPolicies", Where::Regional),
    once("nlb:ListLoadBalancers", Where::Regional),
    each("nlb:GetLoadBalancerAttribute", Where::Regional, NLB_LOAD_BALANCERS),
    once("nlb:ListServerGroups", Where::Regional),
    each("nlb:ListServerGroupServers", Where::Regional, NLB_SERVER_GROUPS),
    once("cloudapi:DescribeApiGroups", Where::Regional),
    each("cloudapi:DescribeApiGroup", Where::Regional, API_GROUPS),
    once("ess:DescribeScalingGroups", Where::Regional),
    once("ess:DescribeScalingConfigurations", Where::Regional),
    once("ess:DescribeScalingRules", Where::Regional),
    once("hbase:DescribeInstances", Where::Regional),
    once("alikafka:GetInstanceList", Where::Regional),
    once("slb:DescribeLoadBalancers", Where::Regional),
    each("slb:DescribeLoadBalancerAttribute", Where::Regional, LOAD_BALANCERS),
    once("slb:DescribeLoadBalancerListeners", Where::Regional),
    once("slb:ListTLSCipherPolicies", Where::Regional),
    once("kms:ListKeys", Where::Regional),
    each("kms:DescribeKey", Where::Regional, KMS_KEYS),
    once("kms:ListSecrets", Where::Regional),
    each("kms:DescribeSecret", Where::Regional, SECRETS),
    once("actiontrail:DescribeTrails", Where::Regional),
    each("actiontrail:GetTrailStatus", Where::Regional, TRAILS),
    once("sas:DescribeCloudCenterInstances", Where::Global),
    once("sas:DescribeVersionConfig", Where::Global),
    Plan {
        fixed: &[("ServiceLinkedRole", "AliyunServiceRoleForSasCspm")],
        ..once("sas:DescribeServiceLinkedRoleStatus", Where::Global)
    },
    Plan { fixed: &[("Type", "auto_breaking")], ..once("sas:DescribeSuspiciousOverallConfig", Where::Global) },
    Plan { fixed: &[("Type", "cve")], ..once("sas:DescribeVulList", Where::Global) },
    once("sas:DescribeNoticeConfig", Where::Global),
    once("sas:DescribeVulConfig", Where::Global),
    once("sas:DescribeConcernNecessity", Where::Global),
    // One call per asset-fingerprint schedule the items read.
    Plan { fixed: &[("Type", "scheduler_port_period")], ..once("sas:DescribePropertyScheduleConfig", Where::Global) },
    Plan {
        fixed: &[("Type", "scheduler_process_period")],
        ..once("sas:DescribePropertyScheduleConfig", Where::Global)
    },
    Plan {
        fixed: &[("Type", "scheduler_account_period")],
        ..once("sas:DescribePropertyScheduleConfig", Where::Global)
    },
    Plan {
        fixed: &[("Type", "scheduler_software_period")],
        ..once("sas:DescribePropertyScheduleConfig", Where::Global)
    },
];

/// What a collection found, and what it could not read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collected {
    pub documents: Vec<Document>,
    /// `<product>:<Action>` the credentials may not call, with the code.
    pub denied: BTreeMap<String, String>,
    /// Calls that failed for another reason (after retries), with why.
    pub failed: BTreeMap<String, String>,
    /// How many of those failed for a passing reason (throttled, unreachable):
    /// reading again later may succeed.
    pub transient: usize,
}

impl Collected {
    fn fail(&mut self, api: &str, e: &CloudError) {
        self.transient += usize::from(e.retryable());
        self.failed.insert(api.to_owned(), e.to_string());
    }
}

/// Values at a path like `Users.User[].UserName` in an answer.
pub fn values_at(answer: &Value, path: &str) -> Vec<String> {
    let (items, field) = path.rsplit_once('.').unwrap_or(("", path));
    items_at(answer, items).into_iter().filter_map(|item| scalar(item.get(field)?)).collect()
}

/// The values at a path like `Users.User[]` (`[]`: each element of a list;
/// a lone object where a list is expected counts as a list of one).
fn items_at<'a>(answer: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![answer];
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, many) = part.strip_suffix("[]").map_or((part, false), |n| (n, true));
        let mut next = Vec::new();
        for v in current {
            let Some(child) = v.get(name) else { continue };
            match (many, child) {
                (true, Value::Array(items)) => next.extend(items.iter()),
                (_, other) => next.push(other),
            }
        }
        current = next;
    }
    current
}

/// A text or number as a request parameter.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// OSS sub-resources read for each bucket, and error codes that are answers.
pub const OSS_CALLS: &[(&str, &str)] = &[
    ("bucketInfo", "oss:GetBucketInfo"),
    ("acl", "oss:GetBucketAcl"),
    ("stat", "oss:GetBucketStat"),
    ("policy", "oss:GetBucketPolicy"),
    ("referer", "oss:GetBucketReferer"),
    ("tagging", "oss:GetBucketTagging"),
    ("logging", "oss:GetBucketLogging"),
    ("encryption", "oss:GetBucketEncryption"),
    ("versioning", "oss:GetBucketVersioning"),
];
/// Error codes that are an answer the adapters read: no policy, no encryption rule.
/// (A bucket without tags answers an empty `<Tagging/>`, not an error.)
const OSS_ANSWERS: &[&str] = &["NoSuchBucketPolicy", "NoSuchServerSideEncryptionRule"];

/// The regions the account can use (`ecs:DescribeRegions`, asked in `home`):
/// what a collection reads when no regions are named.
pub async fn regions(client: &Client, home: &str) -> Result<Vec<String>, CloudError> {
    let answer = client.call(&Call::rpc("ecs", "DescribeRegions", home, Vec::new())).await?;
    let regions = values_at(&answer, "Regions.Region[].RegionId");
    if regions.is_empty() {
        return Err(CloudError::Malformed { action: "ecs:DescribeRegions".into(), message: "no region listed".into() });
    }
    Ok(regions)
}

/// `(name, region)` of each bucket a ListBuckets answer names (`oss-cn-hangzhou` → `cn-hangzhou`).
pub fn buckets_in(xml: &str) -> Result<Vec<(String, String)>, String> {
    let doc = roxmltree::Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 1_000_000, ..Default::default() },
    )
    .map_err(|e| e.to_string())?;
    let text = |node: roxmltree::Node, tag: &str| {
        node.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).unwrap_or_default().trim().to_owned()
    };
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name("Bucket"))
        .map(|b| {
            let location = text(b, "Location");
            (text(b, "Name"), location.strip_prefix("oss-").unwrap_or(&location).to_owned())
        })
        .filter(|(name, region)| !name.is_empty() && !region.is_empty())
        .collect())
}

/// Reads every bucket's settings (listing the buckets from `region`).
pub async fn collect_oss(client: &Client, region: &str, out: &mut Collected) {
    collect_oss_focused(client, region, None, out).await;
}

/// Reads the settings of every bucket, or of those `focus` names.
async fn collect_oss_focused(client: &Client, region: &str, focus: Option<&BTreeSet<String>>, out: &mut Collected) {
    let listing = OssCall { api: "oss:ListBuckets", region, bucket: None, query: Vec::new() };
    let buckets = match client.oss(&listing).await.map(|xml| buckets_in(&xml)) {
        Ok(Ok(b)) => b,
        Ok(Err(why)) => return drop(out.failed.insert("oss:ListBuckets".into(), why)),
        Err(CloudError::Denied { code, .. }) => return drop(out.denied.insert("oss:ListBuckets".into(), code)),
        Err(e) => return out.fail("oss:ListBuckets", &e),
    };
    for (bucket, region) in buckets.iter().filter(|(b, _)| focus.is_none_or(|f| f.contains(b))) {
        for (sub, api) in OSS_CALLS {
            let call = OssCall { api, region, bucket: Some(bucket), query: vec![((*sub).to_owned(), String::new())] };
            let params = BTreeMap::from([("BucketName".to_owned(), bucket.clone())]);
            let response = match client.oss(&call).await {
                Ok(xml) => Value::String(xml),
                Err(CloudError::Api { code, message, .. }) if OSS_ANSWERS.contains(&code.as_str()) => {
                    Value::String(format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"))
                }
                Err(CloudError::Denied { code, .. }) => {
                    out.denied.insert((*api).into(), code);
                    continue;
                }
                Err(e) => {
                    out.fail(api, &e);
                    continue;
                }
            };
            out.documents.push(Document { api: (*api).into(), params, response });
        }
    }
}

/// Reads the account through `client` in `regions`, making the calls of
/// `plans` (up to 8 at once; the client's own bound applies too).
pub async fn collect(client: &Client, regions: &[String], plans: &[Plan]) -> Collected {
    collect_concurrently(client, regions, plans, 8).await
}

/// The product that answers `api` (`ecs` for `ecs:DescribeInstances`).
pub fn product_of(api: &str) -> &str {
    api.split_once(':').map_or(api, |(p, _)| p)
}

/// OSS, read apart from [`PLANS`]: one listing for the whole account.
pub const OSS: &str = "oss";

/// One share of a collection: one product, in one region or (for products
/// answered account-wide, and OSS) for the whole account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slice {
    pub product: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Slice {
    /// `ecs@cn-hangzhou`, `ram`.
    pub fn key(&self) -> String {
        match &self.region {
            Some(r) => format!("{}@{r}", self.product),
            None => self.product.clone(),
        }
    }
}

/// The slices that read the account in `regions`: each regional product in
/// each region, each account-wide product once, and OSS.
pub fn slices(regions: &[String]) -> Vec<Slice> {
    let mut products: Vec<(&str, Where)> = Vec::new();
    for plan in PLANS {
        let product = product_of(plan.api);
        if !products.iter().any(|(p, _)| *p == product) {
            products.push((product, plan.at));
        }
    }
    let mut out = Vec::new();
    for (product, at) in products {
        match at {
            Where::Global => out.push(Slice { product: product.to_owned(), region: None }),
            Where::Regional => {
                out.extend(regions.iter().map(|r| Slice { product: product.to_owned(), region: Some(r.clone()) }));
            }
        }
    }
    out.push(Slice { product: OSS.to_owned(), region: None });
    out
}

/// Reads one slice. With `focus`, the calls about single resources are made
/// only for the resources named (the listings still run whole: they are
/// how a resource is found). `home` is where account-wide calls are asked.
pub async fn collect_slice(client: &Client, slice: &Slice, home: &str, focus: Option<&BTreeSet<String>>) -> Collected {
    if slice.product == OSS {
        let mut out = Collected::default();
        collect_oss_focused(client, slice.region.as_deref().unwrap_or(home), focus, &mut out).await;
        return out;
    }
    let plans: Vec<Plan> = PLANS.iter().filter(|p| product_of(p.api) == slice.product).copied().collect();
    let regions: Vec<String> = slice.region.iter().cloned().collect();
    collect_in(client, &regions, &plans, 8, focus).await
}

/// Whether `doc` is the answer about one resource that `focus` names
/// (the target of a per-resource call).
fn about(doc: &Document, focus: &BTreeSet<String>) -> bool {
    per_resource(&doc.api) && doc.params.values().any(|v| focus.contains(v))
}

/// Calls made once per resource another call listed.
fn per_resource(api: &str) -> bool {
    OSS_CALLS.iter().any(|(_, a)| *a == api) || PLANS.iter().any(|p| p.api == api && matches!(p.per, For::Each { .. }))
}

/// A slice's documents after a focused re-read: the new answers, and the
/// earlier answers about single resources the re-read did not ask about.
pub fn merge_focused(earlier: Vec<Document>, fresh: Vec<Document>, focus: &BTreeSet<String>) -> Vec<Document> {
    let mut out: Vec<Document> = earlier.into_iter().filter(|d| per_resource(&d.api) && !about(d, focus)).collect();
    out.extend(fresh);
    out
}

/// The same, with up to `at_once` calls of one plan in flight.
pub async fn collect_concurrently(client: &Client, regions: &[String], plans: &[Plan], at_once: usize) -> Collected {
    collect_in(client, regions, plans, at_once, None).await
}

async fn collect_in(
    client: &Client,
    regions: &[String],
    plans: &[Plan],
    at_once: usize,
    focus: Option<&BTreeSet<String>>,
) -> Collected {
    let mut out = Collected::default();
    // Answers by call, for the calls that drive others.
    let mut answers: BTreeMap<&str, Vec<(Option<String>, Value)>> = BTreeMap::new();
    for plan in plans {
        let (product, action) = plan.api.split_once(':').unwrap_or((plan.api, ""));
        let mut calls = Vec::new();
        let places: Vec<Option<&String>> = match plan.at {
            Where::Global => vec![None],
            Where::Regional => regions.iter().map(Some).collect(),
        };
        for region in places {
            let targets: Vec<Option<Vec<(String, String)>>> = match plan.per {
                For::Account => vec![None],
                For::Each { source, items, params } => {
                    let driven: BTreeSet<Vec<(String, String)>> = answers
                        .get(source)
                        .into_iter()
                        .flatten()
                        .filter(|(r, _)| region.is_none() || r.as_ref() == region)
                        .flat_map(|(_, a)| items_at(a, items))
                        .filter_map(|item| {
                            // An item lacking a field the call needs is not called for.
                            params
                                .iter()
                                .map(|(param, field)| Some(((*param).to_owned(), scalar(item.get(*field)?)?)))
                                .collect()
                        })
                        .collect();
                    driven
                        .into_iter()
                        .filter(|t| focus.is_none_or(|f| t.iter().any(|(_, v)| f.contains(v))))
                        .map(Some)
                        .collect()
                }
            };
            for target in targets {
                let mut params: BTreeMap<String, String> =
                    plan.fixed.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
                params.extend(target.into_iter().flatten());
                calls.push((region.cloned(), params));
            }
        }
        let results: Vec<_> = futures::stream::iter(calls)
            .map(|(region, params)| async move {
                let mut query: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                if let Some(r) = &region {
                    query.push(("RegionId".into(), r.clone()));
                }
                let at = region.as_deref().unwrap_or("cn-hangzhou");
                let pages = client.all_pages(product, action, at, &query).await;
                (region, params, pages)
            })
            .buffer_unordered(at_once.max(1))
            .collect()
            .await;
        for (region, params, pages) in results {
            match pages {
                Ok(pages) => {
                    for page in pages {
                        answers.entry(plan.api).or_default().push((region.clone(), page.clone()));
                        out.documents.push(Document { api: plan.api.into(), params: params.clone(), response: page });
                    }
                }
                Err(CloudError::Api { ref code, .. }) if plan.answers.contains(&code.as_str()) => {
                    let response = serde_json::json!({"Code": code});
                    out.documents.push(Document { api: plan.api.into(), params, response });
                }
                Err(CloudError::Denied { code, .. }) => {
                    out.denied.insert(plan.api.into(), code);
                }
                Err(e) => out.fail(plan.api, &e),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_read_through_wrapped_lists() {
        let a = json!({"Users": {"User": [{"UserName": "a"}, {"UserName": "b"}]}});
        assert_eq!(values_at(&a, "Users.User[].UserName"), vec!["a", "b"]);
        let lone = json!({"Items": {"DBInstance": {"DBInstanceId": "rm-1"}}});
        assert_eq!(values_at(&lone, "Items.DBInstance[].DBInstanceId"), vec!["rm-1"]);
        assert!(values_at(&json!({}), "Items.DBInstance[].DBInstanceId").is_empty());
    }

    /// The README's read-only policy for the collector's role names every
    /// action it calls (in RAM, Security Center is `yundun-sas`, Redis `kvstore`
    /// and API Gateway `apigateway`).
    #[test]
    fn the_documented_role_policy_allows_every_call() {
        let readme = include_str!("../../../README.md");
        let apis = PLANS
            .iter()
            .map(|p| p.api)
            .chain(OSS_CALLS.iter().map(|(_, api)| *api))
            .chain(["oss:ListBuckets", "ecs:DescribeRegions"]);
        for api in apis {
            let (product, name) = api.split_once(':').unwrap();
            let ram_code = match product {
                "sas" => "yundun-sas",
                "r-kvstore" => "kvstore",
                "cloudapi" => "apigateway",
                other => other,
            };
            let action = format!("{ram_code}:{name}");
            assert!(readme.contains(&format!("\"{action}\"")), "the README's policy lacks {action}");
        }
    }

    #[test]
    fn a_product_is_read_in_each_region_or_once() {
        let regions = vec!["cn-hangzhou".to_owned(), "cn-beijing".to_owned()];
        let keys: Vec<String> = slices(&regions).iter().map(Slice::key).collect();
        for key in ["ecs@cn-hangzhou", "ecs@cn-beijing", "ram", "ims", "sas", "oss", "rds@cn-beijing"] {
            assert!(keys.contains(&key.to_owned()), "{key} in {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.starts_with("ram@")), "{keys:?}");
        // Each product's calls are all account-wide or all regional.
        for plan in PLANS {
            let first = PLANS.iter().find(|p| product_of(p.api) == product_of(plan.api)).map(|p| p.at);
            assert_eq!(first, Some(plan.at), "{}", plan.api);
        }
    }

    #[test]
    fn a_focused_read_replaces_only_what_it_asked_about() {
        let doc = |api: &str, param: Option<&str>, n: u64| Document {
            api: api.into(),
            params: param.map(|p| BTreeMap::from([("UserName".to_owned(), p.to_owned())])).unwrap_or_default(),
            response: json!(n),
        };
        let earlier = vec![
            doc("ram:ListUsers", None, 1),
            doc("ram:GetUser", Some("alice"), 1),
            doc("ram:GetUser", Some("bob"), 1),
        ];
        let fresh = vec![doc("ram:ListUsers", None, 2), doc("ram:GetUser", Some("alice"), 2)];
        let focus = BTreeSet::from(["alice".to_owned()]);
        let merged = merge_focused(earlier, fresh, &focus);
        let mut seen: Vec<(String, u64)> = merged
            .iter()
            .map(|d| (format!("{}{:?}", d.api, d.params.values().collect::<Vec<_>>()), d.response.as_u64().unwrap()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                ("ram:GetUser[\"alice\"]".to_owned(), 2),
                ("ram:GetUser[\"bob\"]".to_owned(), 1),
                ("ram:ListUsers[]".to_owned(), 2),
            ]
        );
    }

    #[test]
    fn every_source_comes_before_what_it_drives() {
        for (i, plan) in PLANS.iter().enumerate() {
            if let For::Each { source, .. } = plan.per {
                let at = PLANS.iter().position(|p| p.api == source);
                assert!(at.is_some_and(|s| s < i), "{} is driven by {source}, planned later or not at all", plan.api);
            }
        }
    }
}
