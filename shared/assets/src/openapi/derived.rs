//! Schema fields whose value needs more than a path into one response: a
//! predicate over a list, a flattened set of comma-separated whitelists, a
//! negated switch. Each reader sets fields of the resource the request names
//! (`params`); the mappings in `mapped/` still read the same responses for
//! their plain fields.

use super::quirks::{parse_time, split_list, str_field};
use super::shape::{self, At};
use super::{ApiResponse, Builder, IngestError, malformed};
use crate::model::{AssetKind, AssetSpec, Slot};
use serde_json::Value;

/// The calls read here, each with the request parameter naming its resource
/// (several, comma-separated, name it `a:b`, as in `mapped`) and its kind.
const CALLS: &[(&str, &str, &str)] = &[
    ("r-kvstore:DescribeDBInstanceNetInfo", "InstanceId", REDIS),
    ("r-kvstore:DescribeSecurityIps", "InstanceId", REDIS),
    ("r-kvstore:DescribeInstanceAttribute", "InstanceId", REDIS),
    ("polardb:DescribeDBClusterAccessWhitelist", "DBClusterId", POLARDB),
    ("polardb:DescribeDBClusterSSL", "DBClusterId", POLARDB),
    ("polardb:DescribeDBClusterAttribute", "DBClusterId", POLARDB),
    ("dds:DescribeSecurityIps", "DBInstanceId", MONGODB),
    ("dds:DescribeDBInstanceTDEInfo", "DBInstanceId", MONGODB),
    ("cs:ListClusterChecks", "ClusterId", ACK),
    ("slb:DescribeLoadBalancerHTTPSListenerAttribute", "LoadBalancerId,ListenerPort", SLB_LISTENER),
    ("ram:ListUsersForGroup", "GroupName", RAM_GROUP),
    ("ram:ListPoliciesForGroup", "GroupName", RAM_GROUP),
    ("ram:ListPoliciesForRole", "RoleName", RAM_ROLE),
];

const REDIS: &str = "ACS::REDIS::Instance";
const POLARDB: &str = "ACS::POLARDB::DBCluster";
const MONGODB: &str = "ACS::MONGODB::Instance";
const ACK: &str = "ACS::CS::ManagedKubernetesCluster";
const SLB_LISTENER: &str = "ACS::SLB::Listener";
const RAM_GROUP: &str = "ACS::RAM::Group";
const RAM_ROLE: &str = "ACS::RAM::Role";

/// Lists whose items need a predicate: network ACLs (their rule entries),
/// EIPs (whether bound to an instance).
const NETWORK_ACLS: &str = "vpc:DescribeNetworkAcls";
const EIPS: &str = "vpc:DescribeEipAddresses";
/// ActionTrail's trails, counted for the account (whether any records events).
const TRAILS: &str = "actiontrail:DescribeTrails";
/// Custom TLS cipher policies, with the listeners using each.
const TLS_POLICIES: &str = "slb:ListTLSCipherPolicies";
/// The instances that have a RAM role, with its name (instances without one are not listed).
const INSTANCE_ROLES: &str = "ecs:DescribeInstanceRamRole";
/// Every listener of the load balancers asked, each protocol's settings in its own object.
const SLB_LISTENERS: &str = "slb:DescribeLoadBalancerListeners";
/// NAS file systems (for their mount targets) and an access group's rules.
const NAS_FILE_SYSTEMS: &str = "nas:DescribeFileSystems";
const NAS_ACCESS_RULES: &str = "nas:DescribeAccessRules";
/// Redis renewal: `Duration` counts only while `AutoRenew` is on.
const REDIS_RENEWAL: &str = "r-kvstore:DescribeInstanceAutoRenewalAttribute";

/// The calls read here that set fields of resources of `kind`.
pub(super) fn calls_for(kind: &str) -> impl Iterator<Item = &'static str> {
    let lists: &[(&str, &str)] = &[
        (NETWORK_ACLS, "ACS::VPC::NetworkAcl"),
        (EIPS, "ACS::EIP::Address"),
        (TLS_POLICIES, SLB_LISTENER),
        (SLB_LISTENERS, SLB_LISTENER),
        (REDIS_RENEWAL, REDIS),
        (NAS_FILE_SYSTEMS, "ACS::NAS::MountTarget"),
        (NAS_ACCESS_RULES, "ACS::NAS::AccessRule"),
        (INSTANCE_ROLES, "ACS::ECS::Instance"),
    ];
    let kind = kind.to_owned();
    CALLS.iter().map(|c| (c.0, c.2)).chain(lists.iter().copied()).filter(move |(_, k)| *k == kind).map(|(api, _)| api)
}

/// Every call read here.
pub(super) fn apis() -> impl Iterator<Item = &'static str> {
    CALLS.iter().map(|c| c.0).chain([
        NETWORK_ACLS,
        EIPS,
        TRAILS,
        TLS_POLICIES,
        INSTANCE_ROLES,
        REDIS_RENEWAL,
        SLB_LISTENERS,
        NAS_FILE_SYSTEMS,
        NAS_ACCESS_RULES,
    ])
}

/// Reads `r`, one of [`apis`] (others are ignored).
pub(super) fn read(b: &mut Builder, r: &ApiResponse) -> Result<(), IngestError> {
    if r.api == NETWORK_ACLS {
        return network_acls(b, &r.response);
    }
    if r.api == EIPS {
        return eips(b, &r.response);
    }
    if r.api == TRAILS {
        return trails(b, &r.response);
    }
    if r.api == TLS_POLICIES {
        return tls_policies(b, &r.response);
    }
    if r.api == INSTANCE_ROLES {
        return instance_roles(b, r);
    }
    if r.api == SLB_LISTENERS {
        return slb_listeners(b, &r.response);
    }
    if r.api == NAS_FILE_SYSTEMS {
        return nas_mount_targets(b, &r.response);
    }
    if r.api == NAS_ACCESS_RULES {
        return nas_access_rules(b, r);
    }
    if r.api == REDIS_RENEWAL {
        return redis_renewal(b, &r.response);
    }
    let Some(&(api, param, kind)) = CALLS.iter().find(|c| c.0 == r.api) else { return Ok(()) };
    let parts = param.split(',').map(|p| {
        shape::param(api, &r.params, p)?
            .ok_or_else(|| malformed(api, format!("needs params.{p} (the resource asked about)")))
    });
    let id = parts.collect::<Result<Vec<_>, _>>()?.join(":");
    let body = &r.response;
    let fields: Vec<(&str, Slot)> = match api {
        // A public endpoint is an entry of type Public.
        "r-kvstore:DescribeDBInstanceNetInfo" => {
            let entries = required_list(api, body, "NetInfoItems", "InstanceNetInfo")?;
            let public =
                entries.iter().any(|e| str_field(e, "IPType").is_some_and(|t| t.eq_ignore_ascii_case("Public")));
            vec![("public_connection", known(Value::Bool(public)))]
        }
        "r-kvstore:DescribeSecurityIps" | "dds:DescribeSecurityIps" => {
            let groups = required_list(api, body, "SecurityIpGroups", "SecurityIpGroup")?;
            vec![("security_ips", whitelist(&groups, "SecurityIpList", "SecurityIpGroupAttribute"))]
        }
        "polardb:DescribeDBClusterAccessWhitelist" => {
            let groups = required_list(api, body, "Items", "DBClusterIPArray")?;
            vec![("security_ips", whitelist(&groups, "SecurityIps", "DBClusterIPArrayAttribute"))]
        }
        // VpcAuthMode Close is password-free access.
        "r-kvstore:DescribeInstanceAttribute" => {
            let attrs = required_list(api, body, "Instances", "DBInstanceAttribute")?;
            match attrs.first().and_then(|a| str_field(a, "VpcAuthMode")) {
                Some(mode) => vec![("password_free", known(Value::Bool(mode.eq_ignore_ascii_case("Close"))))],
                None => Vec::new(),
            }
        }
        // SSL is per endpoint: on only when every endpoint has it. The API
        // has no separate TLS switch: `tls_service_status` is recorded as
        // not set, so the SSL status alone decides.
        "polardb:DescribeDBClusterSSL" => {
            let items = body.get("Items").and_then(Value::as_array).ok_or_else(|| malformed(api, "lacks Items"))?;
            let on = !items.is_empty()
                && items.iter().all(|i| str_field(i, "SSLEnabled").is_some_and(|s| s.eq_ignore_ascii_case("Enabled")));
            vec![("ssl", known(Value::Bool(on))), ("tls_service_status", Slot::Absent)]
        }
        // The standby zone is that of a node in the standby sub-cluster.
        "polardb:DescribeDBClusterAttribute" => {
            let nodes = shape::list(api, &At::body(body), "DBNodes")?;
            let standby = nodes
                .iter()
                .find(|n| str_field(n, "SubCluster").is_some_and(|s| s.eq_ignore_ascii_case("Standby")))
                .and_then(|n| str_field(n, "ZoneId"));
            vec![("standby_az", standby.map_or(Slot::Absent, |z| known(Value::String(z))))]
        }
        // `NoActiveBYOK` (or nothing) means the service's own key.
        "dds:DescribeDBInstanceTDEInfo" => {
            let key = str_field(body, "EncryptionKey").filter(|k| !k.is_empty() && k != "NoActiveBYOK");
            vec![("encryption_key", key.map_or(Slot::Absent, |k| known(Value::String(k))))]
        }
        // The newest succeeded check's finish time (RFC 3339), or null when none succeeded.
        "cs:ListClusterChecks" => {
            let checks = body.get("checks").and_then(Value::as_array).ok_or_else(|| malformed(api, "lacks checks"))?;
            let finished = checks
                .iter()
                .filter(|c| str_field(c, "status").is_some_and(|s| s.eq_ignore_ascii_case("Succeeded")))
                .filter_map(|c| str_field(c, "finished_at").and_then(|t| parse_time(&t)))
                .max();
            vec![("last_cluster_check", known(finished.map_or(Value::Null, |t| Value::String(t.to_rfc3339()))))]
        }
        // RAM groups and roles: members and attached policies counted or named.
        // The policies a template writes into the group or role itself
        // (ROS `PolicyAttachments`, `Policies`) do not exist at runtime.
        "ram:ListUsersForGroup" => {
            let users = required_list(api, body, "Users", "User")?;
            vec![("member_count", known(Value::from(users.len())))]
        }
        "ram:ListPoliciesForGroup" => {
            let policies = required_list(api, body, "Policies", "Policy")?;
            vec![
                ("policy_count", known(Value::from(policies.len()))),
                ("attached_policies", Slot::Absent),
                ("inline_policies", Slot::Absent),
            ]
        }
        "ram:ListPoliciesForRole" => {
            let policies = required_list(api, body, "Policies", "Policy")?;
            let names = policies
                .iter()
                .map(|p| match (str_field(p, "PolicyType"), str_field(p, "PolicyName")) {
                    (Some(kind), Some(name)) => Ok(Value::String(format!("{kind}:{name}"))),
                    _ => Err(malformed(api, "a policy lacks PolicyType or PolicyName")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            vec![
                ("attached_policy_names", known(Value::Array(names))),
                ("attached_policies", Slot::Absent),
                ("inline_policies", Slot::Absent),
            ]
        }
        // The call answers for HTTPS listeners only.
        "slb:DescribeLoadBalancerHTTPSListenerAttribute" => vec![("protocol", known(Value::String("https".into())))],
        _ => Vec::new(),
    };
    let kind = AssetKind::from_name(kind).ok_or_else(|| malformed(api, format!("{kind} has no schema")))?;
    let asset = b.entry(kind, &id, || AssetSpec::Resource(kind.as_str().to_owned()));
    for (field, slot) in fields {
        asset.fields.insert(field.to_owned(), slot);
    }
    Ok(())
}

fn known(v: Value) -> Slot {
    Slot::Known(v)
}

/// `outer.inner[]` of `at`, or `outer[]` when the API leaves out the inner
/// wrapper (see [`shape::list`]); none when missing.
fn list<'a>(api: &str, at: &At<'a>, outer: &str, inner: &str) -> Result<Vec<At<'a>>, IngestError> {
    shape::list(api, at, &format!("{outer}.{inner}"))
}

/// Like [`list`], for a list the response must hold: its absence is a malformed response, not an empty list.
fn required_list<'a>(api: &str, body: &'a Value, outer: &str, inner: &str) -> Result<Vec<At<'a>>, IngestError> {
    shape::required_list(api, &At::body(body), &format!("{outer}.{inner}"))
}

/// Every address of every whitelist group but the hidden (system) ones, as one list.
fn whitelist(groups: &[At], ips: &str, attribute: &str) -> Slot {
    let entries: Vec<Value> = groups
        .iter()
        .filter(|g| str_field(g, attribute).is_none_or(|a| !a.eq_ignore_ascii_case("hidden")))
        .filter_map(|g| str_field(g, ips))
        .flat_map(|text| split_list(&text))
        .map(Value::String)
        .collect();
    known(Value::Array(entries))
}

/// Each ACL's entries, as templates declare them: only the `custom` ones
/// (the list also holds the rules the system and cloud services add,
/// `EntryType` `system` or `service`).
fn network_acls(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let kind = AssetKind::Other("ACS::VPC::NetworkAcl");
    for acl in required_list(NETWORK_ACLS, body, "NetworkAcls", "NetworkAcl")? {
        let id = shape::id(NETWORK_ACLS, &acl, "NetworkAclId")?;
        let custom = |outer: &str, inner: &str| -> Result<Slot, IngestError> {
            let entries = list(NETWORK_ACLS, &acl, outer, inner)?.into_iter();
            let entries =
                entries.filter(|e| str_field(e, "EntryType").is_none_or(|t| t.eq_ignore_ascii_case("custom")));
            Ok(known(Value::Array(entries.map(|e| e.value.clone()).collect())))
        };
        let ingress = custom("IngressAclEntries", "IngressAclEntry")?;
        let egress = custom("EgressAclEntries", "EgressAclEntry")?;
        let asset = b.entry(kind, &id, || AssetSpec::Resource(kind.as_str().to_owned()));
        asset.fields.insert("ingress_entries".into(), ingress);
        asset.fields.insert("egress_entries".into(), egress);
    }
    Ok(())
}

/// An EIP is attached when it names the instance it is bound to.
fn eips(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let kind = AssetKind::Other("ACS::EIP::Address");
    for eip in required_list(EIPS, body, "EipAddresses", "EipAddress")? {
        let id = shape::id(EIPS, &eip, "AllocationId")?;
        let attached = str_field(&eip, "InstanceId").is_some_and(|i| !i.is_empty());
        let asset = b.entry(kind, &id, || AssetSpec::Resource(kind.as_str().to_owned()));
        asset.fields.insert("attached".into(), known(Value::Bool(attached)));
    }
    Ok(())
}

/// SLB listeners, named `lb-…:port` as the HTTPS listener detail call names
/// them (a UDP listener `lb-…:port/udp`: it may share its port with a TCP one).
/// A setting of another protocol (HTTP forwarding on a TCP listener, a cipher
/// policy on HTTP) is not set; one the protocol has but the response lacks is
/// unreported.
fn slb_listeners(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let kind = AssetKind::Other(SLB_LISTENER);
    for l in &shape::list(SLB_LISTENERS, &At::body(body), "Listeners")? {
        let (Some(lb), Some(port), Some(protocol)) = (
            shape::optional_id(SLB_LISTENERS, l, "LoadBalancerId")?,
            str_field(l, "ListenerPort"),
            str_field(l, "ListenerProtocol"),
        ) else {
            return Err(malformed(SLB_LISTENERS, "a listener lacks LoadBalancerId, ListenerPort or ListenerProtocol"));
        };
        let protocol = protocol.to_ascii_lowercase();
        let config = l.get(format!("{}ListenerConfig", protocol.to_ascii_uppercase()).as_str());
        let value = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned().map_or(Slot::Absent, known);
        // A setting this protocol has: unreported when its configuration object is missing.
        let own = |key: &str| if config.is_some() { value(config.and_then(|c| c.get(key))) } else { Slot::Unreported };
        let other = |key: &str, of: &str| if protocol == of { own(key) } else { Slot::Absent };
        let id = if protocol == "udp" { format!("{lb}:{port}/udp") } else { format!("{lb}:{port}") };
        let asset = b.entry(kind, &id, || AssetSpec::Resource(SLB_LISTENER.to_owned()));
        asset.fields.insert("port".into(), value(l.get("ListenerPort")));
        asset.fields.insert("acl_status".into(), value(l.get("AclStatus")));
        asset.fields.insert("acl_id".into(), value(l.get("AclId")));
        asset.fields.insert("health_check".into(), own("HealthCheck"));
        asset.fields.insert("listener_forward".into(), other("ListenerForward", "http"));
        asset.fields.insert("tls_cipher_policy".into(), other("TLSCipherPolicy", "https"));
        asset.fields.insert("protocol".into(), known(Value::String(protocol)));
    }
    Ok(())
}

/// Every mount target of every file system, named by its domain, with the
/// access group that governs it.
fn nas_mount_targets(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    const MOUNT_TARGET: &str = "ACS::NAS::MountTarget";
    for fs in required_list(NAS_FILE_SYSTEMS, body, "FileSystems", "FileSystem")? {
        for target in list(NAS_FILE_SYSTEMS, &fs, "MountTargets", "MountTarget")? {
            let domain = shape::id(NAS_FILE_SYSTEMS, &target, "MountTargetDomain")?;
            let kind = AssetKind::Other(MOUNT_TARGET);
            let asset = b.entry(kind, &domain, || AssetSpec::Resource(MOUNT_TARGET.to_owned()));
            let group = str_field(&target, "AccessGroupName").map_or(Slot::Absent, |g| known(Value::String(g)));
            asset.fields.insert("access_group_name".into(), group);
        }
    }
    Ok(())
}

/// The rules of the access group the request names (`params.AccessGroupName`),
/// each named `region:file-system-type:group:rule-id`: rule ids repeat from
/// group to group, and a group name (`DEFAULT_VPC_GROUP_NAME`) from region to
/// region and between standard and extreme file systems.
fn nas_access_rules(b: &mut Builder, r: &ApiResponse) -> Result<(), IngestError> {
    const ACCESS_RULE: &str = "ACS::NAS::AccessRule";
    let group = shape::param(NAS_ACCESS_RULES, &r.params, "AccessGroupName")?
        .ok_or_else(|| malformed(NAS_ACCESS_RULES, "needs params.AccessGroupName (the access group asked about)"))?;
    let region = shape::param(NAS_ACCESS_RULES, &r.params, "RegionId")?.unwrap_or("");
    let fs_type = shape::param(NAS_ACCESS_RULES, &r.params, "FileSystemType")?.unwrap_or("standard");
    for rule in required_list(NAS_ACCESS_RULES, &r.response, "AccessRules", "AccessRule")? {
        let id = shape::id(NAS_ACCESS_RULES, &rule, "AccessRuleId")?;
        let kind = AssetKind::Other(ACCESS_RULE);
        let name = format!("{region}:{fs_type}:{group}:{id}");
        let asset = b.entry(kind, &name, || AssetSpec::Resource(ACCESS_RULE.to_owned()));
        for (field, key) in [("source_cidr_ip", "SourceCidrIp"), ("ipv6_source_cidr_ip", "Ipv6SourceCidrIp")] {
            let value = str_field(&rule, key).map_or(Slot::Absent, |v| known(Value::String(v)));
            asset.fields.insert(field.into(), value);
        }
    }
    Ok(())
}

/// The account's trails that record events (`Status` `Enable`), added up over
/// the responses imported (one per region asked).
fn trails(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let list = body.get("TrailList").and_then(Value::as_array).ok_or_else(|| malformed(TRAILS, "lacks TrailList"))?;
    let enabled =
        list.iter().filter(|t| str_field(t, "Status").is_some_and(|s| s.eq_ignore_ascii_case("Enable"))).count();
    let kind = AssetKind::Other("ACS::ActionTrail::Account");
    let asset = b.entry(kind, "account", || AssetSpec::Resource(kind.as_str().to_owned()));
    asset.name = Some("ActionTrail".into());
    let before = match asset.fields.get("enabled_trails") {
        Some(Slot::Known(v)) => v.as_u64().unwrap_or(0),
        _ => 0,
    };
    asset.fields.insert("enabled_trails".into(), known(Value::from(before + enabled as u64)));
    Ok(())
}

/// Each listener using a custom policy (`RelateListeners`, named `lb:port`)
/// gets the TLS versions the policy accepts.
fn tls_policies(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let policies = shape::required_list(TLS_POLICIES, &At::body(body), "TLSCipherPolicies")?;
    let kind = AssetKind::Other(SLB_LISTENER);
    for policy in &policies {
        let versions = policy.get("TLSVersions").cloned().unwrap_or(Value::Array(Vec::new()));
        for listener in &shape::list(TLS_POLICIES, policy, "RelateListeners")? {
            let lb = shape::optional_id(TLS_POLICIES, listener, "LoadBalancerId")?;
            let (Some(lb), Some(port)) = (lb, str_field(listener, "Port")) else {
                return Err(malformed(TLS_POLICIES, "a related listener lacks LoadBalancerId or Port"));
            };
            let asset = b.entry(kind, &format!("{lb}:{port}"), || AssetSpec::Resource(SLB_LISTENER.to_owned()));
            asset.fields.insert("tls_versions".into(), known(versions.clone()));
        }
    }
    Ok(())
}

/// What `ecs:DescribeInstanceRamRole` said: the instances asked about
/// (`params.InstanceIds`, a JSON list; `all` when a response was for every
/// instance) and the roles of those that have one.
#[derive(Debug, Default)]
pub(super) struct InstanceRoles {
    all: bool,
    asked: Vec<String>,
    roles: std::collections::BTreeMap<String, String>,
}

fn instance_roles(b: &mut Builder, r: &ApiResponse) -> Result<(), IngestError> {
    let body = &r.response;
    let sets = required_list(INSTANCE_ROLES, body, "InstanceRamRoleSets", "InstanceRamRoleSet")?;
    let total = body.get("TotalCount").and_then(Value::as_u64).unwrap_or(sets.len() as u64);
    if (sets.len() as u64) < total {
        return Err(malformed(
            INSTANCE_ROLES,
            format!("{} of {total} instances listed; import every page (--PageNumber)", sets.len()),
        ));
    }
    let asked: Option<Vec<String>> = match r.params.get("InstanceIds") {
        None => None,
        Some(text) => Some(serde_json::from_str(text).map_err(|_| {
            malformed(INSTANCE_ROLES, "params.InstanceIds must be a JSON list of instance ids, as the request sends it")
        })?),
    };
    let seen = b.instance_roles.get_or_insert_with(InstanceRoles::default);
    match asked {
        Some(ids) => seen.asked.extend(ids),
        None => seen.all = true,
    }
    for set in sets {
        if let (Some(id), Some(role)) = (str_field(&set, "InstanceId"), str_field(&set, "RamRoleName")) {
            seen.roles.insert(id, role);
        }
    }
    Ok(())
}

/// Each ECS instance the call answered for gets its role name, or none.
pub(super) fn join_instance_roles(b: &mut Builder) {
    let Some(found) = b.instance_roles.take() else { return };
    for asset in b.assets.values_mut().filter(|a| a.kind() == AssetKind::EcsInstance) {
        let slot = match found.roles.get(&asset.id) {
            Some(role) => known(Value::String(role.clone())),
            None if found.all || found.asked.contains(&asset.id) => Slot::Absent,
            None => continue,
        };
        asset.fields.insert("ram_role_name".into(), slot);
    }
}

/// A Redis instance's auto-renewal period counts only while auto-renewal is
/// on (`AutoRenew` `"true"`); otherwise the instance renews for no period.
fn redis_renewal(b: &mut Builder, body: &Value) -> Result<(), IngestError> {
    let kind = AssetKind::Other(REDIS);
    for item in required_list(REDIS_RENEWAL, body, "Items", "Item")? {
        let id = shape::id(REDIS_RENEWAL, &item, "DBInstanceId")?;
        let on = item
            .get("AutoRenew")
            .is_some_and(|v| v == true || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")));
        let duration = match item.get("Duration") {
            Some(d) if on => known(d.clone()),
            _ => Slot::Absent,
        };
        let asset = b.entry(kind, &id, || AssetSpec::Resource(REDIS.to_owned()));
        asset.fields.insert("auto_renew_duration".into(), duration);
    }
    Ok(())
}
