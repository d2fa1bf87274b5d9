//! Which calls each resource type's data comes from: what a collection that
//! was refused a call cannot know. An item over a type fed by a refused call
//! is `NOT_CHECK` naming the call, never judged on what is left.

use super::{derived, mapped, security_center};
use crate::model::AssetKind;
use std::collections::BTreeSet;

/// The hand-modelled types and the calls the hand-written adapters read for them.
const TYPED: &[(AssetKind, &[&str])] = &[
    (
        AssetKind::EcsInstance,
        &[
            "ecs:DescribeInstances",
            "ecs:DescribeInstanceRamRole",
            "sas:DescribeCloudCenterInstances",
            "sas:DescribeVulList",
        ],
    ),
    (AssetKind::SecurityGroup, &["ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute"]),
    (AssetKind::Disk, &["ecs:DescribeDisks"]),
    (AssetKind::PasswordPolicy, &["ram:GetPasswordPolicy"]),
    (
        AssetKind::RamUser,
        &[
            "ram:ListUsers",
            "ram:GetUser",
            "ram:GetLoginProfile",
            "ram:ListAccessKeys",
            "ram:ListPoliciesForUser",
            "ram:ListGroupsForUser",
            "ram:ListVirtualMFADevices",
            "ims:GetCredentialReport",
        ],
    ),
    (
        AssetKind::OssBucket,
        &[
            "oss:ListBuckets",
            "oss:GetBucketInfo",
            "oss:GetBucketAcl",
            "oss:GetBucketStat",
            "oss:GetBucketPolicy",
            "oss:GetBucketReferer",
            "oss:GetBucketTagging",
            "oss:GetBucketLogging",
            "oss:GetBucketEncryption",
            "oss:GetBucketVersioning",
        ],
    ),
    (
        AssetKind::RdsInstance,
        &[
            "rds:DescribeDBInstances",
            "rds:DescribeDBInstanceIPArrayList",
            "rds:DescribeDBInstanceNetInfo",
            "rds:DescribeDBInstanceSSL",
            "rds:DescribeParameters",
            "rds:DescribeSQLCollectorRetention",
        ],
    ),
];

/// Types read by hand-written adapters besides the typed ones.
const OTHERS: &[(&str, &str)] = &[
    ("ACS::CS::ManagedKubernetesCluster", "cs:DescribeClusterDetail"),
    ("ACS::CS::ManagedKubernetesCluster", "cs:DescribeClusterAddonsVersion"),
    ("ACS::SLS::AlertRules", "sls:ListAlerts"),
    ("ACS::VPC::VPC", "vpc:DescribeFlowLogs"),
    ("ACS::NAS::MountTarget", "nas:DescribeFileSystems"),
    ("ACS::NAS::AccessRule", "nas:DescribeAccessRules"),
    ("ACS::ActionTrail::Account", "actiontrail:DescribeTrails"),
    ("ACS::ActionTrail::Account", "actiontrail:GetTrailStatus"),
    ("ACS::RAM::RootAccount", "ims:GetCredentialReport"),
];

/// Every call whose answer feeds resources of `kind`.
pub fn feeding(kind: AssetKind) -> BTreeSet<&'static str> {
    let mut apis: BTreeSet<&'static str> =
        TYPED.iter().filter(|(k, _)| *k == kind).flat_map(|(_, apis)| apis.iter().copied()).collect();
    let name = kind.as_str();
    for m in mapped::registry().iter().filter(|m| m.kind == name) {
        apis.extend(m.list.iter().map(|l| l.api));
        apis.extend(m.details.iter().map(|d| d.api));
        apis.extend(m.fields.iter().map(|f| f.1));
    }
    apis.extend(derived::calls_for(name));
    apis.extend(OTHERS.iter().filter(|(k, _)| *k == name).map(|(_, api)| *api));
    if name == security_center::ACCOUNT {
        apis.extend(security_center::APIS);
    }
    apis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_is_fed_by_the_calls_that_describe_it() {
        assert!(feeding(AssetKind::RamUser).contains("ram:GetLoginProfile"));
        assert!(!feeding(AssetKind::RamUser).contains("ram:GetPasswordPolicy"));
        assert!(feeding(AssetKind::Other("ACS::REDIS::Instance")).contains("r-kvstore:DescribeSecurityIps"));
        assert!(feeding(AssetKind::Other("ACS::SAS::Account")).contains("sas:DescribeVersionConfig"));
    }

    /// Every call an adapter reads feeds some type (no call is forgotten here).
    #[test]
    fn every_supported_call_feeds_a_type() {
        let kinds: Vec<AssetKind> = AssetKind::TYPED
            .into_iter()
            .chain(crate::schema::registry().iter().map(|s| AssetKind::Other(s.kind)))
            .chain(OTHERS.iter().map(|(k, _)| AssetKind::Other(k)))
            .collect();
        let fed: BTreeSet<&str> = kinds.into_iter().flat_map(feeding).collect();
        let unfed: Vec<&str> = super::super::supported().into_iter().filter(|api| !fed.contains(api)).collect();
        assert!(unfed.is_empty(), "calls that feed no type: {unfed:?}");
    }
}
