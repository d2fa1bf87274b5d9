//! Facts one asset needs from another, joined once every asset is known
//! (the same for OpenAPI inventories and templates).

use crate::model::{Asset, AssetSpec, Slot};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// On an ActionTrail trail: the ACL of the OSS bucket it delivers to.
pub const LOG_BUCKET_ACL: &str = "log_bucket_acl";

/// Every join, in place.
pub(crate) fn apply(assets: &mut [Asset]) {
    trail_log_buckets(assets);
    alb_listener_tls_versions(assets);
    system_disk_sizes(assets);
    server_group_zones(assets);
    fc_custom_domains(assets);
}

/// At runtime an FC service is bound to a custom domain when a domain of its
/// region routes to it by name (service names are unique in a region; import
/// with `params.RegionId` to tell regions apart). A region says so only once
/// its `fc:ListCustomDomains` was imported, which a region without domains
/// cannot show: there the field stays unreported. Templates are joined by
/// reference in `iac/map.rs`.
fn fc_custom_domains(assets: &mut [Asset]) {
    let mut routed = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut unknown_routes = BTreeSet::new();
    for domain in assets.iter().filter(|a| a.kind().as_str() == "ACS::FC::CustomDomain" && a.source.is_none()) {
        let region = domain.region.clone();
        regions.insert(region.clone());
        match domain.fields.get("routed_services") {
            Some(Slot::Known(Value::Array(names))) => {
                routed.extend(names.iter().filter_map(Value::as_str).map(|n| (region.clone(), n.to_owned())))
            }
            Some(Slot::Known(Value::String(name))) => {
                routed.insert((region, name.clone()));
            }
            Some(Slot::Absent) | None => {}
            Some(_) => {
                unknown_routes.insert(region);
            }
        }
    }
    for service in assets.iter_mut().filter(|a| a.kind().as_str() == "ACS::FC::Service" && a.source.is_none()) {
        let Some(Slot::Known(Value::String(name))) = service.fields.get("service_name") else { continue };
        let region = service.region.clone();
        let bound = if routed.contains(&(region.clone(), name.clone())) {
            true
        } else if regions.contains(&region) && !unknown_routes.contains(&region) {
            false
        } else {
            continue;
        };
        service.fields.insert("custom_domain_bound".into(), Slot::Known(Value::Bool(bound)));
    }
}

/// A load balancer server group's zones are the zones of its ECS servers,
/// and a template's server count is the number of servers it attaches
/// (`ListServerGroups` reports `ServerCount` itself). A server not in the
/// inventory, or of unknown zone, leaves the zones unknown (unreported at runtime).
fn server_group_zones(assets: &mut [Asset]) {
    let zones: HashMap<String, Option<String>> = assets
        .iter()
        .filter(|a| matches!(a.spec, AssetSpec::EcsInstance(_)))
        .map(|a| {
            let zone = match a.fields.get("zone_id") {
                Some(Slot::Known(Value::String(z))) => Some(z.clone()),
                _ => None,
            };
            (a.id.clone(), zone)
        })
        .collect();
    let groups = ["ACS::ALB::ServerGroup", "ACS::NLB::ServerGroup"];
    for group in assets.iter_mut().filter(|a| groups.contains(&a.kind().as_str())) {
        // IP and Function Compute groups have no instances, so no zones to read.
        let of_instances = match group.fields.get("server_group_type") {
            Some(Slot::Known(Value::String(t))) => t.eq_ignore_ascii_case("Instance"),
            _ => true,
        };
        let (count, group_zones) = match group.fields.get("server_ids") {
            Some(Slot::Known(Value::Array(ids))) => {
                // One instance attached on two ports is one server.
                let distinct: BTreeSet<&str> = ids.iter().filter_map(Value::as_str).collect();
                let found: Option<BTreeSet<String>> =
                    distinct.iter().map(|id| zones.get(*id).cloned().flatten()).collect();
                let group_zones = match found {
                    Some(found) => Slot::Known(found.into_iter().map(Value::String).collect()),
                    None if group.source.is_none() => Slot::Unreported,
                    None => Slot::Unknown,
                };
                (Slot::Known(Value::from(distinct.len())), group_zones)
            }
            // Unknown or unreported servers: so are their number and zones.
            Some(other) => (other.clone(), other.clone()),
            None => continue,
        };
        if matches!(group.fields.get("server_count"), None | Some(Slot::Absent)) {
            group.fields.insert("server_count".into(), count);
        }
        group.fields.insert("server_zones".into(), if of_instances { group_zones } else { Slot::Absent });
    }
}

/// An ECS instance's system disk size is its system disk's (`ecs:DescribeDisks`
/// names the instance a disk is attached to). Templates write it on the
/// instance itself, which this leaves alone.
fn system_disk_sizes(assets: &mut [Asset]) {
    let sizes: HashMap<String, Value> = assets
        .iter()
        .filter_map(|a| match (&a.spec, a.fields.get("size")) {
            (AssetSpec::Disk(d), Some(Slot::Known(size)))
                if d.disk_type.as_deref() == Some("system") && a.source.is_none() =>
            {
                Some((d.instance_id.clone()?, size.clone()))
            }
            _ => None,
        })
        .collect();
    for instance in assets.iter_mut().filter(|a| matches!(a.spec, AssetSpec::EcsInstance(_)) && a.source.is_none()) {
        if let Some(size) = sizes.get(&instance.id) {
            instance.fields.insert("system_disk_size".into(), Slot::Known(size.clone()));
        }
    }
}

/// An ALB listener naming a custom security policy accepts the policy's TLS
/// versions. This joins by policy id (OpenAPI inventories); a template names
/// its own policy by reference, joined in `iac/map.rs`.
fn alb_listener_tls_versions(assets: &mut [Asset]) {
    let policies: HashMap<String, Value> = assets
        .iter()
        .filter(|a| a.kind().as_str() == "ACS::ALB::SecurityPolicy")
        .filter_map(|a| match a.fields.get("tls_versions") {
            Some(Slot::Known(v)) => Some((a.id.clone(), v.clone())),
            _ => None,
        })
        .collect();
    for listener in assets.iter_mut().filter(|a| a.kind().as_str() == "ACS::ALB::Listener") {
        let Some(Slot::Known(Value::String(policy))) = listener.fields.get("security_policy_id") else { continue };
        if let Some(versions) = policies.get(policy) {
            listener.fields.insert("tls_versions".into(), Slot::Known(versions.clone()));
        }
    }
}

/// Whether a trail's own audit log is public depends on its bucket's ACL.
/// Left out when the bucket is not in the inventory or its ACL is unknown.
fn trail_log_buckets(assets: &mut [Asset]) {
    let mut acls = HashMap::new();
    for a in assets.iter() {
        if let AssetSpec::OssBucket(b) = &a.spec
            && let Some(acl) = &b.acl
        {
            // OpenAPI names a bucket by its id, a template by its name property.
            acls.insert(a.id.clone(), acl.clone());
            if let Some(name) = &a.name {
                acls.insert(name.clone(), acl.clone());
            }
        }
    }
    for trail in assets.iter_mut().filter(|a| a.kind().as_str() == "ACS::ActionTrail::Trail") {
        let Some(Slot::Known(Value::String(bucket))) = trail.fields.get("oss_bucket_name") else { continue };
        if let Some(acl) = acls.get(bucket) {
            trail.fields.insert(LOG_BUCKET_ACL.to_owned(), Slot::Known(Value::String(acl.clone())));
        }
    }
}
