//! OpenAPI mappings: ECS instances, disks, security groups, launch
//! templates and automatic snapshot policies (`ecs`); ACK clusters (`cs`).

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[
    &ECS_INSTANCE,
    &ECS_DISK,
    &ECS_SECURITY_GROUP,
    &ECS_LAUNCH_TEMPLATE,
    &ECS_SNAPSHOT_POLICY,
    &ACK_CLUSTER,
    &ACK_NODE_POOL,
];

const ECS_INSTANCES: &str = "ecs:DescribeInstances";

/// The typed adapter builds the instance from the same call; this adds the schema fields.
static ECS_INSTANCE: ApiMapping = ApiMapping {
    kind: "ACS::ECS::Instance",
    list: Some(ApiList {
        api: ECS_INSTANCES,
        items: "Instances.Instance",
        id: "InstanceId",
        name: "InstanceName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        ("instance_name", ECS_INSTANCES, "InstanceName"),
        ("instance_type", ECS_INSTANCES, "InstanceType"),
        ("image_id", ECS_INSTANCES, "ImageId"),
        // PrePaid | PostPaid, as in the templates.
        ("charge_type", ECS_INSTANCES, "InstanceChargeType"),
        ("deletion_protection", ECS_INSTANCES, "DeletionProtection"),
        ("key_pair_name", ECS_INSTANCES, "KeyPairName"),
        // One metadata setting, read by both spellings the templates use.
        ("http_tokens", ECS_INSTANCES, "MetadataOptions.HttpTokens"),
        ("metadata_http_tokens", ECS_INSTANCES, "MetadataOptions.HttpTokens"),
        // Every interface, the primary one included.
        ("network_interface_ids", ECS_INSTANCES, "NetworkInterfaces.NetworkInterface"),
        ("tags", ECS_INSTANCES, "Tags.Tag"),
        // The API lists the groups in one field; both schema spellings read it.
        ("security_group_id", ECS_INSTANCES, "SecurityGroupIds.SecurityGroupId"),
        ("security_group_ids", ECS_INSTANCES, "SecurityGroupIds.SecurityGroupId"),
        // Empty on the classic network.
        ("vpc_id", ECS_INSTANCES, "VpcAttributes.VpcId"),
        ("vswitch_id", ECS_INSTANCES, "VpcAttributes.VSwitchId"),
        // The public addresses the instance was given (an empty list when none).
        ("allocate_public_ip", ECS_INSTANCES, "PublicIpAddress.IpAddress"),
        ("internet_max_bandwidth_out", ECS_INSTANCES, "InternetMaxBandwidthOut"),
        ("internet_charge_type", ECS_INSTANCES, "InternetChargeType"),
    ],
};

const ECS_DISKS: &str = "ecs:DescribeDisks";

/// The typed adapter builds the disk from the same call; this adds the schema fields.
static ECS_DISK: ApiMapping = ApiMapping {
    kind: "ACS::ECS::Disk",
    list: Some(ApiList { api: ECS_DISKS, items: "Disks.Disk", id: "DiskId", name: "DiskName", region: "RegionId" }),
    details: &[],
    fields: &[
        ("encrypted", ECS_DISKS, "Encrypted"),
        ("kms_key_id", ECS_DISKS, "KMSKeyId"),
        ("category", ECS_DISKS, "Category"),
        ("size", ECS_DISKS, "Size"),
        ("auto_snapshot_policy_id", ECS_DISKS, "AutoSnapshotPolicyId"),
        // Whether a policy is applied to the disk (`EnableAutoSnapshot` is the account-wide feature switch).
        ("enable_auto_snapshot", ECS_DISKS, "EnableAutomatedSnapshotPolicy"),
        ("delete_auto_snapshot", ECS_DISKS, "DeleteAutoSnapshot"),
    ],
};

const ECS_SECURITY_GROUPS: &str = "ecs:DescribeSecurityGroups";

/// The group's rules come from `ecs:DescribeSecurityGroupAttribute` (typed adapter); its type only from the list.
static ECS_SECURITY_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::ECS::SecurityGroup",
    list: Some(ApiList {
        api: ECS_SECURITY_GROUPS,
        items: "SecurityGroups.SecurityGroup",
        id: "SecurityGroupId",
        name: "SecurityGroupName",
        // The region is named once, beside the list.
        region: "",
    }),
    details: &[],
    fields: &[
        ("description", ECS_SECURITY_GROUPS, "Description"),
        ("security_group_type", ECS_SECURITY_GROUPS, "SecurityGroupType"),
        ("vpc_id", ECS_SECURITY_GROUPS, "VpcId"),
    ],
};

const LT_VERSIONS: &str = "ecs:DescribeLaunchTemplateVersions";

/// One asset per template: import the versions you check (`DefaultVersion=true`);
/// when several versions of a template are imported, the last one read wins.
static ECS_LAUNCH_TEMPLATE: ApiMapping = ApiMapping {
    kind: "ACS::ECS::LaunchTemplate",
    list: Some(ApiList {
        api: LT_VERSIONS,
        items: "LaunchTemplateVersionSets.LaunchTemplateVersionSet",
        id: "LaunchTemplateId",
        name: "LaunchTemplateName",
        region: "",
    }),
    details: &[],
    fields: &[
        ("network_type", LT_VERSIONS, "LaunchTemplateData.NetworkType"),
        ("security_group_id", LT_VERSIONS, "LaunchTemplateData.SecurityGroupId"),
        ("security_group_ids", LT_VERSIONS, "LaunchTemplateData.SecurityGroupIds.SecurityGroupId"),
        // Whole data disk entries, each with `Encrypted` ("true" / "false").
        ("data_disks", LT_VERSIONS, "LaunchTemplateData.DataDisks.DataDisk"),
        ("image_id", LT_VERSIONS, "LaunchTemplateData.ImageId"),
    ],
};

const SNAPSHOT_POLICIES: &str = "ecs:DescribeAutoSnapshotPolicyEx";

/// Automatic snapshot policies. `TimePoints` and `RepeatWeekdays` are JSON
/// arrays held in text (`"[\"0\", \"1\"]"`), as Terraform may write them
/// too; the items reading them accept that form.
static ECS_SNAPSHOT_POLICY: ApiMapping = ApiMapping {
    kind: "ACS::ECS::AutoSnapshotPolicy",
    list: Some(ApiList {
        api: SNAPSHOT_POLICIES,
        items: "AutoSnapshotPolicies.AutoSnapshotPolicy",
        id: "AutoSnapshotPolicyId",
        name: "AutoSnapshotPolicyName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // A number of days; -1 keeps the snapshots until they are deleted.
        ("retention_days", SNAPSHOT_POLICIES, "RetentionDays"),
        ("time_points", SNAPSHOT_POLICIES, "TimePoints"),
        ("repeat_weekdays", SNAPSHOT_POLICIES, "RepeatWeekdays"),
    ],
};

const ACK_LIST: &str = "cs:DescribeClustersV1";
const ACK_DETAIL: &str = "cs:DescribeClusterDetail";

/// ACK answers in snake_case. Either call alone reports the mapped fields.
static ACK_CLUSTER: ApiMapping = ApiMapping {
    kind: "ACS::CS::ManagedKubernetesCluster",
    list: Some(ApiList { api: ACK_LIST, items: "clusters", id: "cluster_id", name: "name", region: "region_id" }),
    details: &[ApiDetail { api: ACK_DETAIL, param: "ClusterId" }],
    fields: &[
        ("cluster_spec", ACK_LIST, "cluster_spec"),
        ("version", ACK_LIST, "current_version"),
        // The version ACK offers to upgrade to; empty when the cluster runs the latest.
        ("next_version", ACK_LIST, "next_version"),
        // The cluster's vSwitches, comma-separated; and its one zone.
        ("vswitch_ids", ACK_LIST, "vswitch_id"),
        ("zone_ids", ACK_LIST, "zone_id"),
        ("cluster_spec", ACK_DETAIL, "cluster_spec"),
        ("version", ACK_DETAIL, "current_version"),
        ("vswitch_ids", ACK_DETAIL, "vswitch_id"),
        ("zone_ids", ACK_DETAIL, "zone_id"),
    ],
};

const ACK_NODE_POOLS: &str = "cs:DescribeClusterNodePools";

/// ACK node pools (`GET /clusters/<id>/nodepools`); `cms_enabled` is whether
/// the pool's nodes get the CloudMonitor agent.
static ACK_NODE_POOL: ApiMapping = ApiMapping {
    kind: "ACS::CS::NodePool",
    list: Some(ApiList {
        api: ACK_NODE_POOLS,
        items: "nodepools",
        id: "nodepool_info.nodepool_id",
        name: "nodepool_info.name",
        region: "nodepool_info.region_id",
    }),
    details: &[],
    fields: &[("cms_enabled", ACK_NODE_POOLS, "kubernetes_config.cms_enabled")],
};
