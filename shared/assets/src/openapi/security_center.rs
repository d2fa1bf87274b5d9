//! Security Center (`sas:`): the account's edition and settings, each host's
//! agent, and each host's vulnerabilities.
//!
//! Account-wide answers become fields of the one `ACS::SAS::Account` asset;
//! agents and vulnerabilities are joined onto the ECS instances.

use super::quirks::*;
use super::shape::{self, At};
use super::{ApiResponse, Builder, IngestError, malformed, required_str};
use crate::model::{AssetKind, AssetSpec, EcsInstance, Slot};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) const ACCOUNT: &str = "ACS::SAS::Account";

/// The service-linked role CSPM (configuration assessment) runs as.
const CSPM_ROLE: &str = "AliyunServiceRoleForSasCspm";

/// The calls this module reads.
pub(super) const APIS: &[&str] = &[
    "sas:DescribeVersionConfig",
    "sas:DescribeCloudCenterInstances",
    "sas:DescribeSuspiciousOverallConfig",
    "sas:DescribeNoticeConfig",
    "sas:DescribeServiceLinkedRoleStatus",
    "sas:DescribeVulConfig",
    "sas:DescribeConcernNecessity",
    "sas:DescribePropertyScheduleConfig",
    "sas:DescribeVulList",
];

/// A vulnerability record of one host, as `DescribeVulList` reports it.
#[derive(Debug, Clone)]
struct VulRecord {
    instance_id: String,
    kind: String,
    name: String,
    necessity: String,
    status: u64,
}

/// The `DescribeVulList` pages imported: their records, and per type
/// (`cve` Linux, `sys` Windows) how many records were read of how many.
#[derive(Debug, Default)]
pub(super) struct Vulnerabilities {
    records: Vec<VulRecord>,
    read: BTreeMap<String, (u64, u64)>,
}

/// Reads one Security Center response, one of [`APIS`] (others are ignored).
pub(super) fn read(b: &mut Builder, r: &ApiResponse) -> Result<(), IngestError> {
    let (api, body) = (r.api.as_str(), &r.response);
    match api {
        "sas:DescribeVersionConfig" => {
            let version = u64_field(body, "Version").ok_or_else(|| malformed(api, "lacks Version"))?;
            set(b, "edition", Value::from(version));
        }
        "sas:DescribeCloudCenterInstances" => agents(b, api, body)?,
        // `--Type auto_breaking` is virus blocking (automatic quarantine); other types are other switches.
        "sas:DescribeSuspiciousOverallConfig" => {
            let config = body.get("OverallConfig").ok_or_else(|| malformed(api, "lacks OverallConfig"))?;
            let kind = str_field(config, "Type").or_else(|| r.params.get("Type").cloned());
            if kind.as_deref() == Some("auto_breaking") {
                set(b, "virus_blocking", Value::String(required_str(api, config, "Config")?));
            }
        }
        // Each notification item (Project) with its channels (Route: a bitmask of SMS 1, email 2, internal message 4).
        "sas:DescribeNoticeConfig" => {
            let items = body.get("NoticeConfigList").and_then(Value::as_array);
            let items = items.ok_or_else(|| malformed(api, "lacks NoticeConfigList"))?;
            let mut routes = Map::new();
            for n in items {
                let route = u64_field(n, "Route").ok_or_else(|| malformed(api, "a notice item lacks Route"))?;
                routes.insert(required_str(api, n, "Project")?, Value::from(route));
            }
            merge(b, "notices", routes);
        }
        // Without the parameter the call answers for the default role, not CSPM's.
        "sas:DescribeServiceLinkedRoleStatus"
            if r.params.get("ServiceLinkedRole").map(String::as_str) == Some(CSPM_ROLE) =>
        {
            let status = body.get("RoleStatus").and_then(|s| bool_field(s, "Status"));
            let status = status.ok_or_else(|| malformed(api, "lacks RoleStatus.Status"))?;
            set(b, "cspm_role_authorized", Value::Bool(status));
        }
        // Scan switches per vulnerability type (cve, sys, cms, emg, app, …): "on" / "off".
        "sas:DescribeVulConfig" => {
            let targets = body.get("TargetConfigs").and_then(Value::as_array);
            let targets = targets.ok_or_else(|| malformed(api, "lacks TargetConfigs"))?;
            let types = targets
                .iter()
                .filter_map(|t| Some((str_field(t, "Type")?, Value::String(str_field(t, "Config")?))))
                .collect();
            merge(b, "vul_scan_types", types);
        }
        // The levels scanned for: asap (high), later (medium), nntf (low).
        "sas:DescribeConcernNecessity" => {
            let levels = body.get("ConcernNecessity").filter(|l| l.is_array());
            let levels = levels.ok_or_else(|| malformed(api, "lacks the ConcernNecessity list"))?;
            set(b, "vul_scan_levels", levels.clone());
        }
        // One call per `--Type scheduler_<what>_period`; Config is the interval in hours ("0": off).
        "sas:DescribePropertyScheduleConfig" => {
            let kind =
                r.params.get("Type").ok_or_else(|| malformed(api, "needs params.Type (the schedule asked for)"))?;
            let hours = required_str(api, body, "Config")?;
            merge(b, "fingerprint_schedules", Map::from_iter([(kind.clone(), Value::String(hours))]));
        }
        "sas:DescribeVulList" => vulnerabilities(b, r)?,
        _ => {}
    }
    Ok(())
}

fn account(b: &mut Builder) -> &mut crate::model::Asset {
    let kind = AssetKind::Other(ACCOUNT);
    let asset = b.entry(kind, "account", || AssetSpec::Resource(ACCOUNT.to_owned()));
    asset.name = Some("Security Center subscription".into());
    asset
}

fn set(b: &mut Builder, field: &str, value: Value) {
    account(b).fields.insert(field.to_owned(), Slot::Known(value));
}

/// Adds `entries` to an object field (several calls each report part of it).
fn merge(b: &mut Builder, field: &str, entries: Map<String, Value>) {
    let fields = &mut account(b).fields;
    let mut all = match fields.get(field) {
        Some(Slot::Known(Value::Object(m))) => m.clone(),
        _ => Map::new(),
    };
    all.extend(entries);
    fields.insert(field.to_owned(), Slot::Known(Value::Object(all)));
}

/// Each Alibaba Cloud ECS host's agent status. Hosts of other clouds or
/// data centres (no ECS id) are not ECS assets.
fn agents(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    for h in &shape::required_list(api, &At::body(body), "Instances")? {
        // Vendor 0 is Alibaba Cloud.
        if str_field(h, "Vendor").is_some_and(|v| v != "0") {
            continue;
        }
        let Some(id) = shape::optional_id(api, h, "InstanceId")?.filter(|id| id.starts_with("i-")) else { continue };
        if let Some(os) = str_field(h, "Os") {
            b.host_os.insert(id.clone(), os.to_ascii_lowercase());
        }
        let asset = b.entry(AssetKind::EcsInstance, &id, || AssetSpec::EcsInstance(EcsInstance::default()));
        if let AssetSpec::EcsInstance(spec) = &mut asset.spec {
            spec.agent_status = str_field(h, "ClientStatus").map(|s| s.to_ascii_lowercase());
        }
    }
    Ok(())
}

fn vulnerabilities(b: &mut Builder, r: &ApiResponse) -> Result<(), IngestError> {
    let (api, body) = (r.api.as_str(), &r.response);
    let kind =
        r.params.get("Type").ok_or_else(|| malformed(api, "needs params.Type (cve for Linux, sys for Windows)"))?;
    let records = body.get("VulRecords").and_then(Value::as_array).ok_or_else(|| malformed(api, "lacks VulRecords"))?;
    let total = u64_field(body, "TotalCount").ok_or_else(|| malformed(api, "lacks TotalCount"))?;
    let seen = b.vulnerabilities.get_or_insert_with(Vulnerabilities::default);
    let read = seen.read.entry(kind.clone()).or_insert((0, 0));
    *read = (read.0 + records.len() as u64, total);
    for v in records {
        // Hosts outside Alibaba Cloud have no ECS instance id.
        let Some(instance_id) = str_field(v, "InstanceId").filter(|id| id.starts_with("i-")) else { continue };
        seen.records.push(VulRecord {
            instance_id,
            kind: kind.clone(),
            name: str_field(v, "AliasName").or_else(|| str_field(v, "Name")).unwrap_or_default(),
            necessity: str_field(v, "Necessity").unwrap_or_default(),
            status: u64_field(v, "Status").ok_or_else(|| malformed(api, "a vulnerability record lacks Status"))?,
        });
    }
    Ok(())
}

/// Statuses of a vulnerability that no longer needs a patch: fixed (7),
/// ignored by decision (10), no longer found (12), expired (20).
const SETTLED: &[u64] = &[7, 10, 12, 20];

/// Once `DescribeVulList` was imported, each ECS host whose agent is online
/// and whose OS's type was imported (`cve` for Linux, `sys` for Windows) gets
/// its list of unsettled vulnerabilities (empty when it has none), with their
/// necessity: `asap` (high), `later` (medium), `nntf` (low). Other hosts stay
/// unreported: nothing says they are clean. A type imported in part (fewer
/// records than `TotalCount`) refuses the import.
pub(super) fn join_vulnerabilities(b: &mut Builder) -> Result<(), IngestError> {
    let Some(vulns) = b.vulnerabilities.take() else { return Ok(()) };
    if let Some((kind, (read, total))) = vulns.read.iter().find(|(_, (read, total))| read < total) {
        return Err(malformed(
            "sas:DescribeVulList",
            format!("--Type {kind}: {read} of {total} records imported; import every page (--CurrentPage)"),
        ));
    }
    for asset in b.assets.values_mut() {
        let AssetSpec::EcsInstance(host) = &asset.spec else { continue };
        let os = b.host_os.get(&asset.id).map(String::as_str).unwrap_or_default();
        let kind = if os.contains("windows") { "sys" } else { "cve" };
        if host.agent_status.as_deref() != Some("online") || os.is_empty() || !vulns.read.contains_key(kind) {
            continue;
        }
        let open: Vec<Value> = vulns
            .records
            .iter()
            .filter(|r| r.instance_id == asset.id && r.kind == kind && !SETTLED.contains(&r.status))
            .map(|r| serde_json::json!({"name": r.name, "necessity": r.necessity, "status": r.status}))
            .collect();
        asset.fields.insert("open_vulnerabilities".into(), Slot::Known(Value::Array(open)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::openapi::{ApiResponse, ingest};
    use crate::{AssetSpec, Slot};
    use serde_json::json;

    fn agents() -> ApiResponse {
        let host =
            |id: &str, status: &str| json!({"InstanceId": id, "Vendor": 0, "ClientStatus": status, "Os": "linux"});
        serde_json::from_value(json!({"api": "sas:DescribeCloudCenterInstances", "response": {
            "Instances": [host("i-online", "online"), host("i-offline", "offline")]}}))
        .unwrap()
    }

    fn vul_page(records: serde_json::Value, total: u64) -> ApiResponse {
        serde_json::from_value(json!({"api": "sas:DescribeVulList", "params": {"Type": "cve"},
            "response": {"TotalCount": total, "VulRecords": records}}))
        .unwrap()
    }

    #[test]
    fn only_hosts_security_center_covers_get_a_vulnerability_list() {
        let record = json!([{"InstanceId": "i-online", "Name": "CVE-1", "Necessity": "asap", "Status": 1}]);
        let assets = ingest(&[agents(), vul_page(record, 1)]).unwrap();
        let open = |id: &str| {
            let host = assets.iter().find(|a| a.id == id && matches!(a.spec, AssetSpec::EcsInstance(_))).unwrap();
            host.fields.get("open_vulnerabilities").cloned()
        };
        assert!(matches!(open("i-online"), Some(Slot::Known(v)) if v.as_array().map(Vec::len) == Some(1)));
        assert!(!matches!(open("i-offline"), Some(Slot::Known(_))), "an offline agent says nothing about the host");
    }

    #[test]
    fn a_type_imported_in_part_is_refused() {
        let err = ingest(&[agents(), vul_page(json!([]), 57)]).unwrap_err().to_string();
        assert!(err.contains("0 of 57"), "{err}");
    }
}
