//! Template resources → typed assets, for Terraform and ROS alike.
//!
//! A property a template leaves out takes the provider's default (an
//! absent `acl` is `private`, absent encryption is off); a property that is
//! unknown until deployment stays `None`, which the check items report as
//! not checkable. Resources that configure another one (a login profile, a
//! security group rule, an EIP association, a user's AccessKey, policy
//! attachment or group membership) are joined into it. A template's RAM user
//! has exactly the AccessKeys, policies and groups the template gives it.

use super::{IacResource, UNKNOWN_NAME, is_unknown, referenced, scalar_text as text};
use crate::model::*;
use crate::openapi::quirks::{parse_bool, parse_port_range, split_list};
use crate::schema;
use serde_json::Value;
use std::collections::HashMap;

/// A property: left out, unknown until deployment, or known.
enum Prop<'a> {
    Absent,
    Unknown,
    Known(&'a Value),
}

fn prop<'a>(p: &'a Value, key: &str) -> Prop<'a> {
    match p.get(key) {
        None | Some(Value::Null) => Prop::Absent,
        Some(v) if is_unknown(v) => Prop::Unknown,
        Some(v) => Prop::Known(v),
    }
}

/// A string property, `default` when left out.
fn string(p: &Value, key: &str, default: Option<&str>) -> Option<String> {
    match prop(p, key) {
        Prop::Absent => default.map(str::to_owned),
        Prop::Unknown => None,
        Prop::Known(v) => text(v),
    }
}

fn boolean(p: &Value, key: &str, default: bool) -> Option<bool> {
    match prop(p, key) {
        Prop::Absent => Some(default),
        Prop::Unknown => None,
        Prop::Known(v) => parse_bool(v),
    }
}

fn number(p: &Value, key: &str, default: f64) -> Option<f64> {
    match prop(p, key) {
        Prop::Absent => Some(default),
        Prop::Unknown => None,
        Prop::Known(Value::Number(n)) => n.as_f64(),
        Prop::Known(Value::String(s)) => s.trim().parse().ok(),
        Prop::Known(_) => None,
    }
}

fn uint(p: &Value, key: &str, default: u32) -> Option<u32> {
    number(p, key, f64::from(default)).filter(|n| *n >= 0.0).map(|n| n as u32)
}

/// Strings of a list property (unknown elements left out).
fn strings(p: &Value, key: &str) -> Vec<String> {
    match p.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(v) => text(v).into_iter().collect(),
        None => Vec::new(),
    }
}

fn asset(r: &IacResource, name: Option<String>, spec: AssetSpec) -> Asset {
    let fields = schema::by_source_type(&r.resource_type)
        .map(|(s, src)| schema::fields_of(s, src, &r.properties))
        .unwrap_or_default();
    Asset { id: r.source.address.clone(), name, region: None, spec, source: Some(r.source.clone()), fields }
}

/// Typed assets from template resources; unsupported resource types are skipped.
pub fn to_assets(resources: &[IacResource]) -> Vec<Asset> {
    // Resources first, then what configures them.
    let mut out: Vec<Asset> = resources.iter().filter_map(resource).collect();
    let index = Index::new(resources, &out);
    let mut lone = Vec::new();
    let mut lone_rds = std::collections::HashSet::new();
    // AccessKeys of users the template does not declare, by user name.
    let mut lone_keys: Vec<(String, &IacResource, Vec<AccessKey>)> = Vec::new();
    for r in resources {
        if let Some(key) = eip_allocation_key(&r.resource_type) {
            // The association attaches the EIP, and gives the instance a public address (below).
            if let Some(i) =
                r.properties.get(key).and_then(|v| index.find(v, AssetKind::Other("ACS::EIP::Address"), &out))
            {
                out[i].fields.insert("attached".into(), Slot::Known(Value::Bool(true)));
            }
        }
        if attach(r, &mut out, &index) {
            continue;
        }
        match r.resource_type.as_str() {
            // A rule on a group the template does not declare: check the rule on its own.
            "alicloud_security_group_rule" => {
                if let Some(rule) = tf_rule(&r.properties) {
                    let group = SecurityGroup { vpc_id: None, rules: vec![rule] };
                    lone.push(asset(r, None, AssetSpec::SecurityGroup(group)));
                }
            }
            // A public endpoint of an instance the template does not declare (named
            // by its id): the instance is known only to be reachable. A reference
            // that did not join (a declared instance of unknown count) adds nothing.
            "alicloud_db_connection" => {
                let id = r.properties.get("instance_id").filter(|v| !is_unknown(v)).and_then(text);
                if let Some(id) = id.filter(|id| lone_rds.insert(id.clone())) {
                    lone.push(lone_public_rds(r, id));
                }
            }
            "alicloud_ram_access_key" | "ALIYUN::RAM::AccessKey" => {
                let user = string(&r.properties, "user_name", None).or_else(|| string(&r.properties, "UserName", None));
                let Some(user) = user else { continue };
                match lone_keys.iter_mut().find(|(name, _, _)| *name == user) {
                    Some((_, _, keys)) => keys.push(template_key(r)),
                    None => lone_keys.push((user, r, vec![template_key(r)])),
                }
            }
            _ => {}
        }
    }
    // A user known only from its AccessKeys: judge the keys (other properties are not known).
    for (name, first, access_keys) in lone_keys {
        lone.push(asset(
            first,
            Some(name),
            AssetSpec::RamUser(RamUser { access_keys: Some(access_keys), ..RamUser::default() }),
        ));
    }
    out.extend(lone);
    super::ram_joins::apply(resources, &mut out);
    keep_essential_addons(&mut out);
    alb_security_policies(resources, &mut out);
    registry_buckets(resources, &mut out, &index);
    scaled_server_groups(resources, &mut out, &index);
    fc_routes(resources, &mut out, &index);
    crate::joins::apply(&mut out);
    out
}

/// Finds the asset a configuring resource points at: by reference (the
/// resource's address) or by a literal name, of the kind it configures (a
/// user and a group of one name are different targets).
struct Index {
    by_address: HashMap<String, usize>,
    by_name: HashMap<(AssetKind, String), usize>,
}

impl Index {
    fn new(resources: &[IacResource], assets: &[Asset]) -> Self {
        let by_address: HashMap<String, usize> = assets.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let mut by_name = HashMap::new();
        for r in resources {
            let Some(&i) = by_address.get(&r.source.address) else { continue };
            for key in ["name", "bucket", "user_name", "UserName", "BucketName", "allocation_id", "ServiceName"] {
                if let Some(name) = r.properties.get(key).and_then(text) {
                    by_name.entry((assets[i].kind(), name)).or_insert(i);
                }
            }
        }
        Self { by_address, by_name }
    }

    fn find(&self, v: &Value, kind: AssetKind, assets: &[Asset]) -> Option<usize> {
        match referenced(v) {
            Some(addr) => self.by_address.get(addr).copied().filter(|&i| assets[i].kind() == kind),
            None => self.by_name.get(&(kind, text(v)?)).copied(),
        }
    }
}

fn resource(r: &IacResource) -> Option<Asset> {
    let p = &r.properties;
    Some(match r.resource_type.as_str() {
        "alicloud_oss_bucket" => asset(r, string(p, "bucket", None), AssetSpec::OssBucket(tf_bucket(p))),
        "ALIYUN::OSS::Bucket" => asset(r, string(p, "BucketName", None), AssetSpec::OssBucket(ros_bucket(p))),
        "alicloud_ecs_disk" | "alicloud_disk" => asset(
            r,
            string(p, "disk_name", None).or_else(|| string(p, "name", None)),
            AssetSpec::Disk(Disk {
                encrypted: boolean(p, "encrypted", false),
                kms_key_id: string(p, "kms_key_id", None),
                disk_type: Some("data".into()),
                // A disk may be created attached (`instance_id`), or by an attachment resource.
                instance_id: attached_to(p.get("instance_id")),
            }),
        ),
        "ALIYUN::ECS::Disk" => asset(
            r,
            string(p, "DiskName", None),
            AssetSpec::Disk(Disk {
                encrypted: boolean(p, "Encrypted", false),
                kms_key_id: string(p, "KMSKeyId", None),
                disk_type: Some("data".into()),
                instance_id: None,
            }),
        ),
        "alicloud_instance" | "alicloud_ecs_instance" => {
            let public = number(p, "internet_max_bandwidth_out", 0.0).is_some_and(|b| b > 0.0);
            asset(
                r,
                string(p, "instance_name", None),
                AssetSpec::EcsInstance(instance(public, strings(p, "security_groups"))),
            )
        }
        "ALIYUN::ECS::Instance" | "ALIYUN::ECS::InstanceGroup" => {
            let bandwidth = number(p, "InternetMaxBandwidthOut", 0.0).is_some_and(|b| b > 0.0);
            let allocate = boolean(p, "AllocatePublicIP", true) != Some(false);
            let mut groups = strings(p, "SecurityGroupIds");
            groups.extend(strings(p, "SecurityGroupId"));
            asset(r, string(p, "InstanceName", None), AssetSpec::EcsInstance(instance(bandwidth && allocate, groups)))
        }
        "alicloud_db_instance" => {
            let ips = match prop(p, "security_ips") {
                Prop::Absent => Some(vec!["127.0.0.1".to_owned()]),
                Prop::Unknown => None,
                Prop::Known(_) => Some(strings(p, "security_ips")),
            };
            let ssl = match prop(p, "ssl_action") {
                Prop::Absent => Some(false),
                Prop::Unknown => None,
                Prop::Known(v) => text(v).map(|s| s.eq_ignore_ascii_case("open") || s.eq_ignore_ascii_case("update")),
            };
            asset(
                r,
                string(p, "instance_name", None),
                AssetSpec::RdsInstance(RdsInstance {
                    engine: string(p, "engine", None),
                    status: None,
                    security_ips: ips,
                    ssl_enabled: ssl,
                    ..RdsInstance::default()
                }),
            )
        }
        "ALIYUN::RDS::DBInstance" => {
            let ips = match prop(p, "SecurityIPList") {
                Prop::Absent => Some(Vec::new()),
                Prop::Unknown => None,
                Prop::Known(v) => text(v).map(|s| split_list(&s)),
            };
            let ssl = match prop(p, "SSLSetting") {
                Prop::Absent => Some(false),
                Prop::Unknown => None,
                Prop::Known(v) => text(v).map(|s| !s.eq_ignore_ascii_case("disabled")),
            };
            asset(
                r,
                string(p, "DBInstanceDescription", None),
                AssetSpec::RdsInstance(RdsInstance {
                    engine: string(p, "Engine", None),
                    status: None,
                    security_ips: ips,
                    ssl_enabled: ssl,
                    ..RdsInstance::default()
                }),
            )
        }
        "alicloud_security_group" => asset(
            r,
            string(p, "name", None).or_else(|| string(p, "security_group_name", None)),
            AssetSpec::SecurityGroup(SecurityGroup::default()),
        ),
        "ALIYUN::ECS::SecurityGroup" => {
            let mut rules: Vec<SecurityGroupRule> =
                list(p, "SecurityGroupIngress").iter().filter_map(|x| ros_rule(x, Direction::Ingress)).collect();
            rules.extend(list(p, "SecurityGroupEgress").iter().filter_map(|x| ros_rule(x, Direction::Egress)));
            asset(
                r,
                string(p, "SecurityGroupName", None),
                AssetSpec::SecurityGroup(SecurityGroup { vpc_id: None, rules }),
            )
        }
        "alicloud_ram_account_password_policy" => {
            asset(r, Some("RAM password policy".into()), AssetSpec::PasswordPolicy(tf_password_policy(p)))
        }
        "alicloud_ram_user" => asset(r, string(p, "name", None), AssetSpec::RamUser(template_user(false, None))),
        "ALIYUN::RAM::User" => {
            let login = p.get("LoginProfile").filter(|v| v.is_object());
            let mfa = login.and_then(|l| boolean(l, "MFABindRequired", false));
            let mut user = template_user(login.is_some(), if login.is_some() { mfa } else { None });
            // Inline `Policies` are the user's own; its `PolicyAttachments`
            // are joined in `ram_joins` (which knows the names they refer to).
            let inline = list(p, "Policies");
            let policies = inline.iter().map(|pol| {
                format!("Inline:{}", pol.get("PolicyName").and_then(text).unwrap_or_else(|| UNKNOWN_NAME.into()))
            });
            user.direct_policies = Some(policies.collect());
            user.inline_policies = inline.iter().filter_map(|pol| pol.get("PolicyDocument").cloned()).collect();
            asset(r, string(p, "UserName", None), AssetSpec::RamUser(user))
        }
        "alicloud_alb_server_group"
        | "ALIYUN::ALB::ServerGroup"
        | "alicloud_nlb_server_group"
        | "ALIYUN::NLB::ServerGroup" => {
            let (schema, _) = schema::by_source_type(&r.resource_type)?;
            let mut a = asset(r, None, AssetSpec::Resource(schema.kind.to_owned()));
            // Terraform's inline `servers` blocks; ROS attaches every server separately.
            a.fields.insert("server_ids".into(), server_refs(p.get("servers"), "server_id"));
            a
        }
        other => {
            // Any other type with a schema: its fields are its data.
            let (schema, _) = schema::by_source_type(other)?;
            asset(r, None, AssetSpec::Resource(schema.kind.to_owned()))
        }
    })
}

/// ACK clusters keep add-on names and Terway's configuration only, as from the API.
fn keep_essential_addons(out: &mut [Asset]) {
    for a in out.iter_mut().filter(|a| a.kind().as_str() == "ACS::CS::ManagedKubernetesCluster") {
        if let Some(Slot::Known(Value::Array(all))) = a.fields.get("addons") {
            let kept = crate::openapi::quirks::essential_addons(all);
            a.fields.insert("addons".into(), Slot::Known(kept));
        }
    }
}

/// An ALB listener naming a security policy of the template (by reference)
/// accepts that policy's TLS versions.
fn alb_security_policies(resources: &[IacResource], out: &mut [Asset]) {
    for r in resources {
        let Some(policy) = ["security_policy_id", "SecurityPolicyId"].iter().find_map(|k| r.properties.get(*k)) else {
            continue;
        };
        let Some(address) = referenced(policy) else { continue };
        let versions = out.iter().find(|a| a.id == address && a.kind().as_str() == "ACS::ALB::SecurityPolicy");
        let Some(versions) = versions.and_then(|p| p.fields.get("tls_versions")).cloned() else { continue };
        if let Some(listener) =
            out.iter_mut().find(|a| a.id == r.source.address && a.kind().as_str() == "ACS::ALB::Listener")
        {
            listener.fields.insert("tls_versions".into(), versions);
        }
    }
}

/// A Container Registry instance keeps its images in the OSS bucket it names
/// (by reference or bucket name): the instance takes that bucket's redundancy,
/// LRS when the bucket leaves it out. A bucket the template does not declare,
/// or the one the registry creates when it names none, leaves it unknown.
fn registry_buckets(resources: &[IacResource], out: &mut [Asset], index: &Index) {
    for r in resources {
        let key = match r.resource_type.as_str() {
            "ALIYUN::CR::Instance" => "InstanceStorageName",
            "alicloud_cr_ee_instance" => "custom_oss_bucket",
            _ => continue,
        };
        let Some(&cr) = index.by_address.get(&r.source.address) else { continue };
        let bucket = r.properties.get(key).and_then(|named| index.find(named, AssetKind::OssBucket, out));
        let redundancy = match bucket.map(|b| out[b].fields.get("redundancy_type")) {
            Some(None | Some(Slot::Absent)) => Slot::Known(Value::String("LRS".into())),
            Some(Some(slot)) => slot.clone(),
            None => Slot::Unknown,
        };
        out[cr].fields.insert("storage_redundancy_type".into(), redundancy);
    }
}

/// A server group that an Auto Scaling group fills holds whatever instances
/// scaling adds: its servers are known only at runtime.
fn scaled_server_groups(resources: &[IacResource], out: &mut [Asset], index: &Index) {
    for r in resources {
        let p = &r.properties;
        let named: Vec<&Value> = match r.resource_type.as_str() {
            "alicloud_ess_server_group_attachment" => p.get("server_group_id").into_iter().collect(),
            "alicloud_ess_alb_server_group_attachment" => p.get("alb_server_group_id").into_iter().collect(),
            "alicloud_ess_scaling_group" => {
                list(p, "alb_server_group").into_iter().filter_map(|g| g.get("alb_server_group_id")).collect()
            }
            "ALIYUN::ESS::ScalingGroup" => {
                list(p, "ServerGroups").into_iter().filter_map(|g| g.get("ServerGroupId")).collect()
            }
            _ => continue,
        };
        for v in named {
            let group = [ALB_SERVER_GROUP, NLB_SERVER_GROUP]
                .into_iter()
                .find_map(|kind| index.find(v, AssetKind::Other(kind), out));
            if let Some(g) = group {
                out[g].fields.insert("server_ids".into(), Slot::Unknown);
            }
        }
    }
}

/// A template's FC service is bound to a custom domain when a domain's route
/// names it, by reference or service name. A route to a service known only
/// after deployment leaves the others unknown.
fn fc_routes(resources: &[IacResource], out: &mut [Asset], index: &Index) {
    let service = AssetKind::Other("ACS::FC::Service");
    let (mut bound, mut unknown) = (std::collections::HashSet::new(), false);
    for r in resources {
        let p = &r.properties;
        let (routes, key) = match r.resource_type.as_str() {
            "ALIYUN::FC::CustomDomain" => {
                let config = p.get("RouteConfig");
                (config.and_then(|c| if is_unknown(c) { Some(c) } else { c.get("Routes") }), "ServiceName")
            }
            "alicloud_fc_custom_domain" => (p.get("route_config"), "service_name"),
            _ => continue,
        };
        let Some(routes) = routes else { continue };
        let routes: Vec<&Value> = match routes {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for route in routes {
            match route.get(key).filter(|_| !is_unknown(route)) {
                Some(named) => match index.find(named, service, out) {
                    Some(i) => {
                        bound.insert(i);
                    }
                    // A name of a service elsewhere binds nothing here; an unresolved reference might.
                    None => unknown |= is_unknown(named),
                },
                None => unknown |= is_unknown(route),
            }
        }
    }
    for (i, a) in out.iter_mut().enumerate().filter(|(_, a)| a.kind() == service) {
        let slot = match (bound.contains(&i), unknown) {
            (true, _) => Slot::Known(Value::Bool(true)),
            (false, false) => Slot::Known(Value::Bool(false)),
            (false, true) => Slot::Unknown,
        };
        a.fields.insert("custom_domain_bound".into(), slot);
    }
}

/// The instance a disk property names: its id or address; [`UNKNOWN_NAME`]
/// when known only after deployment; `None` when left out, null or empty.
fn attached_to(v: Option<&Value>) -> Option<String> {
    let v = v?;
    if let Some(address) = referenced(v) {
        return Some(address.to_owned());
    }
    if is_unknown(v) {
        return Some(UNKNOWN_NAME.into());
    }
    text(v).filter(|t| !t.is_empty())
}

/// A RAM user as a template declares it: no AccessKey, policy or group until
/// other resources of the template add them.
fn template_user(console_login: bool, mfa_bound: Option<bool>) -> RamUser {
    RamUser {
        console_login: Some(console_login),
        mfa_bound,
        access_keys: Some(Vec::new()),
        direct_policies: Some(Vec::new()),
        groups: Some(Vec::new()),
        ..RamUser::default()
    }
}

/// An AccessKey resource's key: active unless created `Inactive`.
fn template_key(r: &IacResource) -> AccessKey {
    let status = string(&r.properties, "status", None).or_else(|| string(&r.properties, "Status", None));
    AccessKey {
        id: r.source.address.clone(),
        active: status.is_none_or(|s| !s.eq_ignore_ascii_case("Inactive")),
        created_at: None,
    }
}

/// Applies a resource that configures another (joined by reference or
/// name); returns whether it found the resource it configures.
fn attach(r: &IacResource, out: &mut [Asset], index: &Index) -> bool {
    let p = &r.properties;
    let Some((key, target)) = configured(&r.resource_type) else { return false };
    let Some(i) = p.get(key).and_then(|v| index.find(v, target.kind(), out)) else { return false };
    if let Configures::FlowLog = target {
        return flow_log(p, &mut out[i]);
    }
    match (target, &mut out[i].spec) {
        (Configures::Login, AssetSpec::RamUser(u)) => {
            u.console_login = Some(true);
            u.mfa_bound = boolean(p, "mfa_bind_required", false);
        }
        (Configures::Acl, AssetSpec::OssBucket(b)) => b.acl = string(p, "acl", None).map(|a| a.to_ascii_lowercase()),
        (Configures::Replication, AssetSpec::OssBucket(_)) => {
            out[i].fields.insert("cross_region_replication".into(), Slot::Known(Value::Bool(true)));
        }
        (Configures::TfRule, AssetSpec::SecurityGroup(g)) => g.rules.extend(tf_rule(p)),
        (Configures::RosRule(direction), AssetSpec::SecurityGroup(g)) => g.rules.extend(ros_rule(p, direction)),
        (Configures::Eip, AssetSpec::EcsInstance(inst)) => inst.eip = Some(format!("EIP of {}", r.source.address)),
        (Configures::DiskAttachment, AssetSpec::Disk(d)) => {
            // An attachment resource attaches the disk, whatever instance it names.
            let instance = p.get("instance_id").or_else(|| p.get("InstanceId"));
            d.instance_id = attached_to(instance).or(Some(UNKNOWN_NAME.into()));
        }
        (Configures::PublicDbConnection, AssetSpec::RdsInstance(_)) => {
            out[i].fields.insert("public_connection".into(), Slot::Known(Value::Bool(true)));
        }
        (Configures::NetworkInterface, AssetSpec::EcsInstance(_)) => {
            // Each attachment adds a secondary interface to the instance's primary
            // one (as `ecs:DescribeInstances` lists both); an unknown list stays unknown.
            let eni = Value::String(format!("ENI of {}", r.source.address));
            let primary = Value::String(format!("primary ENI of {}", out[i].id));
            match out[i].fields.entry("network_interface_ids".into()).or_insert(Slot::Absent) {
                Slot::Known(Value::Array(ids)) => ids.push(eni),
                slot @ Slot::Absent => *slot = Slot::Known(Value::Array(vec![primary, eni])),
                Slot::Known(one) => *one = Value::Array(vec![one.clone(), eni]),
                Slot::Unknown | Slot::Unreported => {}
            }
        }
        (Configures::GroupServers(_), AssetSpec::Resource(_)) => {
            // ROS attaches a list of servers, Terraform one server per resource.
            let added = if r.resource_type.starts_with("ALIYUN") {
                server_refs(p.get("Servers"), "ServerId")
            } else {
                server_refs(Some(p), "server_id")
            };
            let slot = out[i].fields.entry("server_ids".into()).or_insert(Slot::Known(Value::Array(Vec::new())));
            *slot = match (std::mem::replace(slot, Slot::Unknown), added) {
                (Slot::Known(Value::Array(mut ids)), Slot::Known(Value::Array(more))) => {
                    ids.extend(more);
                    Slot::Known(Value::Array(ids))
                }
                _ => Slot::Unknown,
            };
        }
        (Configures::ApiDomain, AssetSpec::Resource(_)) => {
            let key = if r.resource_type.starts_with("ALIYUN") { "DomainName" } else { "domain_name" };
            let domain = string(p, key, None).unwrap_or_else(|| format!("domain of {}", r.source.address));
            match out[i].fields.entry("custom_domains".into()).or_insert(Slot::Absent) {
                Slot::Known(Value::Array(domains)) => domains.push(Value::String(domain)),
                slot => *slot = Slot::Known(Value::Array(vec![Value::String(domain)])),
            }
        }
        (Configures::AccessKey, AssetSpec::RamUser(u)) => {
            u.access_keys.get_or_insert_with(Vec::new).push(template_key(r))
        }
        // It names a resource of another kind: nothing to join.
        _ => return false,
    }
    true
}

/// An RDS instance known only from a template's `alicloud_db_connection`
/// naming it: every field is unknown but its public endpoint.
fn lone_public_rds(r: &IacResource, instance_id: String) -> Asset {
    let mut fields: Fields = schema::by_kind(AssetKind::RdsInstance.as_str())
        .map(|s| s.fields.iter().map(|f| (f.name.to_owned(), Slot::Unknown)).collect())
        .unwrap_or_default();
    fields.insert("public_connection".into(), Slot::Known(Value::Bool(true)));
    let spec = AssetSpec::RdsInstance(RdsInstance::default());
    Asset {
        id: r.source.address.clone(),
        name: Some(instance_id),
        region: None,
        spec,
        source: Some(r.source.clone()),
        fields,
    }
}

/// The servers a list of server entries (or one entry) names: a referenced
/// instance by its address, any other by its id as written. Left out is none;
/// one server not known until deployment makes the list unknown.
fn server_refs(entries: Option<&Value>, key: &str) -> Slot {
    let entries: Vec<&Value> = match entries {
        None | Some(Value::Null) => Vec::new(),
        Some(v) if is_unknown(v) => return Slot::Unknown,
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    let mut ids = Vec::new();
    for entry in entries {
        let id = entry.get(key);
        match (id.and_then(referenced), id.filter(|v| !is_unknown(v)).and_then(text)) {
            (Some(address), _) => ids.push(Value::String(address.to_owned())),
            (None, Some(id)) => ids.push(Value::String(id)),
            (None, None) => return Slot::Unknown,
        }
    }
    Slot::Known(Value::Array(ids))
}

/// The property of an EIP association naming the EIP.
fn eip_allocation_key(resource_type: &str) -> Option<&'static str> {
    match resource_type {
        "alicloud_eip_association" => Some("allocation_id"),
        "ALIYUN::VPC::EIPAssociation" => Some("AllocationId"),
        _ => None,
    }
}

/// A flow log on a VPC (not a vSwitch or ENI) marks the VPC as logged,
/// unless the template creates it inactive (Terraform's `status`).
fn flow_log(p: &Value, vpc: &mut Asset) -> bool {
    let on_vpc = string(p, "resource_type", None)
        .or_else(|| string(p, "ResourceType", None))
        .is_some_and(|t| t.eq_ignore_ascii_case("VPC"));
    if vpc.kind().as_str() != "ACS::VPC::VPC" || !on_vpc {
        return false;
    }
    let active = string(p, "status", Some("Active")).is_some_and(|s| s.eq_ignore_ascii_case("Active"));
    vpc.fields.insert("flow_log_enabled".into(), Slot::Known(Value::Bool(active)));
    true
}

/// What a configuring resource type sets, and the property naming its target.
enum Configures {
    Login,
    Acl,
    TfRule,
    RosRule(Direction),
    Eip,
    FlowLog,
    AccessKey,
    DiskAttachment,
    Replication,
    PublicDbConnection,
    NetworkInterface,
    /// Servers attached to a load balancer server group of this kind.
    GroupServers(&'static str),
    ApiDomain,
}

impl Configures {
    /// The kind of asset it configures.
    fn kind(&self) -> AssetKind {
        match self {
            Configures::Login | Configures::AccessKey => AssetKind::RamUser,
            Configures::Acl | Configures::Replication => AssetKind::OssBucket,
            Configures::TfRule | Configures::RosRule(_) => AssetKind::SecurityGroup,
            Configures::Eip | Configures::NetworkInterface => AssetKind::EcsInstance,
            Configures::PublicDbConnection => AssetKind::RdsInstance,
            Configures::GroupServers(kind) => AssetKind::Other(kind),
            Configures::ApiDomain => AssetKind::Other("ACS::ApiGateway::Group"),
            Configures::FlowLog => AssetKind::Other("ACS::VPC::VPC"),
            Configures::DiskAttachment => AssetKind::Disk,
        }
    }
}

const ALB_SERVER_GROUP: &str = "ACS::ALB::ServerGroup";
const NLB_SERVER_GROUP: &str = "ACS::NLB::ServerGroup";

fn configured(resource_type: &str) -> Option<(&'static str, Configures)> {
    Some(match resource_type {
        "alicloud_ram_login_profile" => ("user_name", Configures::Login),
        "alicloud_oss_bucket_acl" => ("bucket", Configures::Acl),
        "alicloud_oss_bucket_replication" => ("bucket", Configures::Replication),
        "alicloud_security_group_rule" => ("security_group_id", Configures::TfRule),
        "alicloud_eip_association" => ("instance_id", Configures::Eip),
        "ALIYUN::VPC::EIPAssociation" => ("InstanceId", Configures::Eip),
        "alicloud_vpc_flow_log" => ("resource_id", Configures::FlowLog),
        "ALIYUN::VPC::FlowLog" => ("ResourceId", Configures::FlowLog),
        "ALIYUN::ECS::SecurityGroupIngress" => ("SecurityGroupId", Configures::RosRule(Direction::Ingress)),
        "ALIYUN::ECS::SecurityGroupEgress" => ("SecurityGroupId", Configures::RosRule(Direction::Egress)),
        "alicloud_ram_access_key" => ("user_name", Configures::AccessKey),
        "ALIYUN::RAM::AccessKey" => ("UserName", Configures::AccessKey),
        "alicloud_ecs_disk_attachment" | "alicloud_disk_attachment" => ("disk_id", Configures::DiskAttachment),
        "ALIYUN::ECS::DiskAttachment" => ("DiskId", Configures::DiskAttachment),
        "alicloud_db_connection" => ("instance_id", Configures::PublicDbConnection),
        "ALIYUN::ALB::BackendServerAttachment" => ("ServerGroupId", Configures::GroupServers(ALB_SERVER_GROUP)),
        "alicloud_alb_server_group_server_attachment" => {
            ("server_group_id", Configures::GroupServers(ALB_SERVER_GROUP))
        }
        "ALIYUN::NLB::BackendServerAttachment" => ("ServerGroupId", Configures::GroupServers(NLB_SERVER_GROUP)),
        "alicloud_nlb_server_group_server_attachment" => {
            ("server_group_id", Configures::GroupServers(NLB_SERVER_GROUP))
        }
        "ALIYUN::ApiGateway::CustomDomain" => ("GroupId", Configures::ApiDomain),
        "alicloud_api_gateway_domain" | "alicloud_api_gateway_custom_domain" => ("group_id", Configures::ApiDomain),
        "ALIYUN::ECS::NetworkInterfaceAttachment" => ("InstanceId", Configures::NetworkInterface),
        "alicloud_network_interface_attachment" | "alicloud_ecs_network_interface_attachment" => {
            ("instance_id", Configures::NetworkInterface)
        }
        _ => return None,
    })
}

fn list<'a>(p: &'a Value, key: &str) -> Vec<&'a Value> {
    match p.get(key) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn instance(public: bool, security_group_ids: Vec<String>) -> EcsInstance {
    EcsInstance {
        status: Some("Running".into()),
        public_ips: if public { vec!["(allocated at creation)".into()] } else { Vec::new() },
        eip: None,
        security_group_ids,
        vpc_id: None,
        agent_status: None,
    }
}

fn tf_bucket(p: &Value) -> OssBucket {
    let sse = match prop(p, "server_side_encryption_rule") {
        Prop::Absent => Some(None),
        Prop::Unknown => None,
        Prop::Known(rule) => Some(string(rule, "sse_algorithm", None)),
    };
    bucket(string(p, "acl", Some("private")), sse)
}

fn ros_bucket(p: &Value) -> OssBucket {
    let sse = match prop(p, "ServerSideEncryptionConfiguration") {
        Prop::Absent => Some(None),
        Prop::Unknown => None,
        Prop::Known(rule) => Some(string(rule, "SSEAlgorithm", None)),
    };
    bucket(string(p, "AccessControl", Some("private")), sse)
}

/// `sse`: `None` unknown; `Some(None)` not configured; `Some(Some(alg))` configured.
fn bucket(acl: Option<String>, sse: Option<Option<String>>) -> OssBucket {
    let algorithm = sse.clone().flatten().filter(|a| !a.eq_ignore_ascii_case("none"));
    OssBucket {
        acl: acl.map(|a| a.to_ascii_lowercase()),
        sse_configured: sse.map(|_| algorithm.is_some()),
        sse_algorithm: algorithm,
        object_count: None,
    }
}

fn tf_rule(p: &Value) -> Option<SecurityGroupRule> {
    let direction = if string(p, "type", Some("ingress"))?.eq_ignore_ascii_case("egress") {
        Direction::Egress
    } else {
        Direction::Ingress
    };
    rule(
        direction,
        string(p, "ip_protocol", Some("all"))?,
        &string(p, "port_range", Some("-1/-1"))?,
        string(p, "cidr_ip", None).or_else(|| string(p, "ipv6_cidr_ip", None)),
        string(p, "policy", Some("accept"))?,
        uint(p, "priority", 1)?,
    )
}

fn ros_rule(p: &Value, direction: Direction) -> Option<SecurityGroupRule> {
    let cidr_key = if direction == Direction::Ingress { "SourceCidrIp" } else { "DestCidrIp" };
    rule(
        direction,
        string(p, "IpProtocol", Some("all"))?,
        &string(p, "PortRange", Some("-1/-1"))?,
        string(p, cidr_key, None),
        string(p, "Policy", Some("accept"))?,
        uint(p, "Priority", 1)?,
    )
}

fn rule(
    direction: Direction,
    protocol: String,
    ports: &str,
    cidr: Option<String>,
    policy: String,
    priority: u32,
) -> Option<SecurityGroupRule> {
    Some(SecurityGroupRule {
        direction,
        protocol: protocol.to_ascii_lowercase(),
        ports: parse_port_range(ports).ok()?,
        cidr,
        accept: !policy.eq_ignore_ascii_case("drop"),
        priority,
    })
}

fn tf_password_policy(p: &Value) -> PasswordPolicy {
    // The provider's defaults for what a template leaves out.
    PasswordPolicy {
        minimum_length: uint(p, "minimum_password_length", 12),
        require_uppercase: boolean(p, "require_uppercase_characters", true),
        require_lowercase: boolean(p, "require_lowercase_characters", true),
        require_numbers: boolean(p, "require_numbers", true),
        require_symbols: boolean(p, "require_symbols", true),
        max_password_age: uint(p, "max_password_age", 0),
        reuse_prevention: uint(p, "password_reuse_prevention", 0),
        max_login_attempts: uint(p, "max_login_attempts", 5),
        hard_expiry: boolean(p, "hard_expiry", false),
    }
}
