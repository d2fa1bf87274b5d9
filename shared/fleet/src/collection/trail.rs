//! ActionTrail event records → what to read again. A record names its
//! service (`serviceName`, or the host in `eventSource`), its operation
//! (`eventName`), its region (`acsRegion`) and the resources it touched
//! (`referencedResources`, `resourceName`, and the operation's own request
//! parameters). Only changes to what the fleet reads are followed; other
//! records are skipped.

use cspm_cloud::collect::Slice;
use serde_json::Value;
use std::collections::BTreeSet;

/// Records one message may carry.
pub const MAX_RECORDS: usize = 1000;
/// Resources one record may name.
const MAX_NAMED: usize = 100;

/// A followed operation: the product the fleet reads it with, and the
/// request parameters that name the resources it changed.
struct Followed {
    service: &'static str,
    events: &'static [&'static str],
    product: &'static str,
    regional: bool,
    params: &'static [&'static str],
}

const FOLLOWED: &[Followed] = &[
    Followed {
        service: "ecs",
        events: &[
            "RunInstances",
            "CreateInstance",
            "ModifyInstanceAttribute",
            "ModifyInstanceMetadataOptions",
            "AllocatePublicIpAddress",
            "AttachInstanceRamRole",
            "CreateDisk",
            "ModifyDiskAttribute",
            "CreateSecurityGroup",
            "AuthorizeSecurityGroup",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroup",
            "RevokeSecurityGroupEgress",
            "ModifySecurityGroupRule",
            "ModifySecurityGroupPolicy",
            "JoinSecurityGroup",
        ],
        product: "ecs",
        regional: true,
        params: &["InstanceId", "InstanceIds", "DiskId", "SecurityGroupId"],
    },
    Followed {
        service: "oss",
        events: &[
            "PutBucket",
            "PutBucketAcl",
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "PutBucketEncryption",
            "DeleteBucketEncryption",
            "PutBucketLogging",
            "DeleteBucketLogging",
            "PutBucketVersioning",
            "PutBucketReferer",
        ],
        product: "oss",
        regional: false,
        params: &["BucketName", "bucketName"],
    },
    Followed {
        service: "ram",
        events: &[
            "CreateUser",
            "UpdateUser",
            "CreateAccessKey",
            "UpdateAccessKey",
            "DeleteAccessKey",
            "CreateLoginProfile",
            "UpdateLoginProfile",
            "DeleteLoginProfile",
            "AttachPolicyToUser",
            "DetachPolicyFromUser",
            "AddUserToGroup",
            "RemoveUserFromGroup",
            "AttachPolicyToRole",
            "AttachPolicyToGroup",
            "UpdateRole",
            "CreatePolicyVersion",
            "SetDefaultPolicyVersion",
            "BindMFADevice",
            "UnbindMFADevice",
            "SetPasswordPolicy",
        ],
        product: "ram",
        regional: false,
        params: &["UserName", "RoleName", "GroupName", "PolicyName"],
    },
    Followed {
        service: "rds",
        events: &[
            "CreateDBInstance",
            "ModifySecurityIps",
            "ModifyDBInstanceSSL",
            "ModifyParameter",
            "ModifySQLCollectorPolicy",
            "ModifySQLCollectorRetention",
            "AllocateInstancePublicConnection",
            "ModifyDBInstanceTDE",
        ],
        product: "rds",
        regional: true,
        params: &["DBInstanceId"],
    },
    Followed {
        service: "r-kvstore",
        events: &[
            "CreateInstance",
            "ModifySecurityIps",
            "ModifyInstanceSSL",
            "ModifyInstanceTDE",
            "ModifyBackupPolicy",
        ],
        product: "r-kvstore",
        regional: true,
        params: &["InstanceId"],
    },
    Followed {
        service: "slb",
        events: &[
            "CreateLoadBalancer",
            "SetLoadBalancerStatus",
            "ModifyLoadBalancerInternetSpec",
            "SetLoadBalancerDeleteProtection",
            "CreateLoadBalancerHTTPSListener",
            "SetLoadBalancerHTTPSListenerAttribute",
        ],
        product: "slb",
        regional: true,
        params: &["LoadBalancerId"],
    },
    Followed {
        service: "kms",
        events: &[
            "CreateKey",
            "EnableKey",
            "DisableKey",
            "UpdateRotationPolicy",
            "ScheduleKeyDeletion",
            "CancelKeyDeletion",
        ],
        product: "kms",
        regional: true,
        params: &["KeyId"],
    },
    Followed {
        service: "actiontrail",
        events: &["CreateTrail", "UpdateTrail", "StartLogging", "StopLogging", "DeleteTrail"],
        product: "actiontrail",
        regional: true,
        params: &["Name"],
    },
];

/// Resources an account-wide setting is kept under (the password policy, the trail summary).
const ACCOUNT_WIDE: &[&str] = &["SetPasswordPolicy", "StopLogging", "StartLogging", "DeleteTrail", "CreateTrail"];

/// What a message's records touched.
#[derive(Debug, Default, PartialEq)]
pub struct Touched {
    pub slices: BTreeSet<Slice>,
    pub resources: BTreeSet<String>,
}

impl Touched {
    pub fn slices(&self) -> Vec<Slice> {
        self.slices.iter().cloned().collect()
    }
}

/// The service a record is about, in the fleet's product names.
fn service_of(record: &Value) -> Option<String> {
    let named = record.get("serviceName").and_then(Value::as_str).map(str::to_ascii_lowercase);
    let from_host = || {
        let host = record.get("eventSource").and_then(Value::as_str)?;
        Some(host.split(['.', '-']).next()?.to_ascii_lowercase())
    };
    let service = named.or_else(from_host)?;
    Some(match service.as_str() {
        "kvstore" | "redis" | "r-kvstore" => "r-kvstore".to_owned(),
        _ => service,
    })
}

/// Resource names in a record: its referenced resources, its `resourceName`
/// (`;`- or `,`-separated), and the operation's request parameters.
fn named_in(record: &Value, params: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |v: &str| {
        for name in v.split([';', ',']).map(str::trim).filter(|n| !n.is_empty() && n.len() <= 256) {
            // `acs:oss:*:*:bucket` style names end with the resource's own name.
            out.insert(name.rsplit(':').next().unwrap_or(name).trim_start_matches("bucket/").to_owned());
        }
    };
    if let Some(Value::Object(by_type)) = record.get("referencedResources") {
        for ids in by_type.values().filter_map(Value::as_array) {
            ids.iter().filter_map(Value::as_str).for_each(&mut add);
        }
    }
    if let Some(name) = record.get("resourceName").and_then(Value::as_str) {
        add(name);
    }
    if let Some(Value::Object(request)) = record.get("requestParameters") {
        for p in params {
            match request.get(*p) {
                Some(Value::String(s)) => match serde_json::from_str::<Vec<String>>(s) {
                    // `InstanceIds` is a JSON list in text.
                    Ok(list) => list.iter().for_each(|s| add(s)),
                    Err(_) => add(s),
                },
                Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).for_each(&mut add),
                _ => {}
            }
        }
    }
    out
}

/// Reads a message of one record or a list of records.
pub fn read(payload: &[u8]) -> Result<Touched, String> {
    let value: Value = serde_json::from_slice(payload).map_err(|e| format!("not JSON: {e}"))?;
    let records = match value {
        Value::Array(list) => list,
        record @ Value::Object(_) => vec![record],
        _ => return Err("a message is one ActionTrail record (an object) or a list of them".into()),
    };
    if records.is_empty() || records.len() > MAX_RECORDS {
        return Err(format!("a message carries 1 to {MAX_RECORDS} records"));
    }
    let mut touched = Touched::default();
    for (i, record) in records.iter().enumerate() {
        let Some(event) = record.get("eventName").and_then(Value::as_str) else {
            return Err(format!("record {i} has no eventName"));
        };
        if record.get("errorCode").and_then(Value::as_str).is_some_and(|c| !c.is_empty()) {
            continue; // a failed operation changed nothing
        }
        let Some(service) = service_of(record) else { return Err(format!("record {i} names no service")) };
        let Some(followed) = FOLLOWED.iter().find(|f| f.service == service && f.events.contains(&event)) else {
            continue;
        };
        let region = record.get("acsRegion").and_then(Value::as_str).filter(|r| {
            !r.is_empty()
                && r.len() <= 32
                && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
        let region = match (followed.regional, region) {
            (true, None) => return Err(format!("record {i} ({event}) has no acsRegion")),
            (true, Some(r)) => Some(r.to_owned()),
            (false, _) => None,
        };
        let mut named = named_in(record, followed.params);
        if ACCOUNT_WIDE.contains(&event) {
            named.insert("account".to_owned());
        }
        if named.is_empty() || named.len() > MAX_NAMED {
            return Err(format!("record {i} ({event}) names 1 to {MAX_NAMED} resources"));
        }
        touched.slices.insert(Slice { product: followed.product.to_owned(), region });
        touched.resources.extend(named);
    }
    Ok(touched)
}

/// Every `(service, eventName)` followed, for the documentation.
pub fn followed() -> impl Iterator<Item = (&'static str, &'static str)> {
    FOLLOWED.iter().flat_map(|f| f.events.iter().map(move |e| (f.service, *e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_name_their_resources_and_slices() {
        let records = json!([
            {"eventName": "AuthorizeSecurityGroup", "serviceName": "Ecs", "acsRegion": "cn-hangzhou",
             "requestParameters": {"SecurityGroupId": "sg-1", "IpProtocol": "tcp"}},
            {"eventName": "PutBucketAcl", "eventSource": "oss-cn-hangzhou.aliyuncs.com",
             "referencedResources": {"ACS::OSS::Bucket": ["logs"]}},
            {"eventName": "RunInstances", "serviceName": "Ecs", "acsRegion": "cn-beijing",
             "requestParameters": {"InstanceIds": "[\"i-1\",\"i-2\"]"}},
            {"eventName": "DescribeInstances", "serviceName": "Ecs", "acsRegion": "cn-beijing"},
            {"eventName": "PutBucketAcl", "serviceName": "Oss", "errorCode": "AccessDenied", "resourceName": "x"},
        ]);
        let t = read(records.to_string().as_bytes()).unwrap();
        let keys: Vec<String> = t.slices.iter().map(Slice::key).collect();
        assert_eq!(keys, vec!["ecs@cn-beijing", "ecs@cn-hangzhou", "oss"]);
        let names: Vec<&str> = t.resources.iter().map(String::as_str).collect();
        assert_eq!(names, vec!["i-1", "i-2", "logs", "sg-1"]);
    }

    #[test]
    fn more_than_twenty_operations_are_followed_across_services() {
        let services: BTreeSet<&str> = followed().map(|(s, _)| s).collect();
        for s in ["ecs", "oss", "ram", "rds", "slb", "kms", "actiontrail"] {
            assert!(services.contains(s), "{s}");
        }
        assert!(followed().count() >= 20);
    }

    #[test]
    fn bad_messages_say_what_is_wrong() {
        assert!(read(b"not json").unwrap_err().contains("not JSON"));
        assert!(read(b"[]").unwrap_err().contains("1 to"));
        assert!(read(br#"[{"serviceName": "Ecs"}]"#).unwrap_err().contains("no eventName"));
        let no_region = br#"{"eventName": "RunInstances", "serviceName": "Ecs", "resourceName": "i-1"}"#;
        assert!(read(no_region).unwrap_err().contains("acsRegion"));
        let nothing = br#"{"eventName": "ModifyInstanceAttribute", "serviceName": "Ecs", "acsRegion": "cn-hangzhou"}"#;
        assert!(read(nothing).unwrap_err().contains("names 1 to"));
    }
}
