//! OpenAPI mappings: ECS instances, disks, security groups, launch
//! templates and automatic snapshot policies (`ecs`); ACK clusters (`cs`);
//! Auto Scaling groups, configurations and rules (`ess` 2014-08-28);
//! Function Compute services, functions and custom domains (`fc`,
//! fc-open 2021-04-06); MSE clusters and cloud-native gateways (`mse`
//! 2019-05-31).
//!
//! ESS answers RPC style (`ScalingGroups.ScalingGroup[]`, lists wrapped
//! twice), FC ROA style in camelCase with top-level arrays (`services[]`),
//! MSE under `Data`. The paths are the ones the generated SDK response
//! models confirm.
//!
//! Not mapped: the MSE cluster's
//! `AclEntryList` (text whose empty form is documented as `[]`, which would
//! read as set) and `Replicas` (no call reports it).

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[
    &ECS_INSTANCE,
    &ECS_RENEWAL,
    &ECS_DISK,
    &ECS_SECURITY_GROUP,
    &ECS_LAUNCH_TEMPLATE,
    &ECS_SNAPSHOT_POLICY,
    &ACK_CLUSTER,
    &ACK_NODE_POOL,
    &ESS_GROUP,
    &ESS_CONFIGURATION,
    &ESS_RULE,
    &FC_SERVICE,
    &FC_FUNCTION,
    &FC_CUSTOM_DOMAIN,
    &CR_REPOSITORY,
    &MSE_CLUSTER,
    &MSE_GATEWAY,
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
        ("os_name", ECS_INSTANCES, "OSName"),
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
        ("zone_id", ECS_INSTANCES, "ZoneId"),
        // The public addresses the instance was given (an empty list when none).
        ("allocate_public_ip", ECS_INSTANCES, "PublicIpAddress.IpAddress"),
        ("internet_max_bandwidth_out", ECS_INSTANCES, "InternetMaxBandwidthOut"),
        ("internet_charge_type", ECS_INSTANCES, "InternetChargeType"),
    ],
};

const ECS_RENEW: &str = "ecs:DescribeInstanceAutoRenewAttribute";

/// Renewal settings of subscription instances, `InstanceRenewAttributes.InstanceRenewAttribute[]`
/// keyed by `InstanceId` (no region in the items). `AutoRenewEnabled` is a
/// JSON boolean; `RenewalStatus` (`AutoRenewal`, `Normal`, `NotRenewal`) says
/// the same more finely and is not mapped.
static ECS_RENEWAL: ApiMapping = ApiMapping {
    kind: "ACS::ECS::Instance",
    list: Some(ApiList {
        api: ECS_RENEW,
        items: "InstanceRenewAttributes.InstanceRenewAttribute",
        id: "InstanceId",
        name: "",
        region: "",
    }),
    details: &[],
    fields: &[("auto_renew", ECS_RENEW, "AutoRenewEnabled")],
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

// ---------------------------------------------------------------------------
// Auto Scaling (ess 2014-08-28)

const ESS_GROUPS: &str = "ess:DescribeScalingGroups";

static ESS_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::ESS::ScalingGroup",
    list: Some(ApiList {
        api: ESS_GROUPS,
        items: "ScalingGroups.ScalingGroup",
        id: "ScalingGroupId",
        name: "ScalingGroupName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // `ECS`, `LOAD_BALANCER` or `NONE`.
        ("health_check_type", ESS_GROUPS, "HealthCheckType"),
        ("vswitch_ids", ESS_GROUPS, "VSwitchIds.VSwitchId"),
        // CLB (SLB) instances only; empty when none is attached.
        ("loadbalancer_ids", ESS_GROUPS, "LoadBalancerIds.LoadBalancerId"),
        // ALB and NLB server groups (`[{"ServerGroupId", "Type", "Port", "Weight"}]`), as the template's `ServerGroups`.
        ("server_groups", ESS_GROUPS, "ServerGroups.ServerGroup"),
        ("min_size", ESS_GROUPS, "MinSize"),
        ("max_size", ESS_GROUPS, "MaxSize"),
        // Seconds.
        ("default_cooldown", ESS_GROUPS, "DefaultCooldown"),
    ],
};

const ESS_CONFIGURATIONS: &str = "ess:DescribeScalingConfigurations";

/// ECS scaling configurations. The items carry no `RegionId`: the region is the request's.
static ESS_CONFIGURATION: ApiMapping = ApiMapping {
    kind: "ACS::ESS::ScalingConfiguration",
    list: Some(ApiList {
        api: ESS_CONFIGURATIONS,
        items: "ScalingConfigurations.ScalingConfiguration",
        id: "ScalingConfigurationId",
        name: "ScalingConfigurationName",
        region: "",
    }),
    details: &[],
    fields: &[
        // The response's keys are `SystemDisk.Encrypted` (true/false) and
        // `SystemDisk.EncryptAlgorithm`, dots included.
        ("system_disk_encrypted", ESS_CONFIGURATIONS, "SystemDisk.Encrypted"),
        ("system_disk_encrypt_algorithm", ESS_CONFIGURATIONS, "SystemDisk.EncryptAlgorithm"),
        ("security_group_id", ESS_CONFIGURATIONS, "SecurityGroupId"),
        ("security_group_ids", ESS_CONFIGURATIONS, "SecurityGroupIds.SecurityGroupId"),
        // Whole data disk entries, each with `Encrypted` ("true" / "false").
        ("data_disks", ESS_CONFIGURATIONS, "DataDisks.DataDisk"),
        // Mbit/s; 0 gives the instances no public IP.
        ("internet_max_bandwidth_out", ESS_CONFIGURATIONS, "InternetMaxBandwidthOut"),
        ("image_id", ESS_CONFIGURATIONS, "ImageId"),
        ("image_family", ESS_CONFIGURATIONS, "ImageFamily"),
        // Empty when the configuration picks types by `InstancePatternInfos` instead.
        ("instance_type", ESS_CONFIGURATIONS, "InstanceType"),
        ("instance_types", ESS_CONFIGURATIONS, "InstanceTypes.InstanceType"),
    ],
};

const ESS_RULES: &str = "ess:DescribeScalingRules";

static ESS_RULE: ApiMapping = ApiMapping {
    kind: "ACS::ESS::ScalingRule",
    list: Some(ApiList {
        api: ESS_RULES,
        items: "ScalingRules.ScalingRule",
        id: "ScalingRuleId",
        name: "ScalingRuleName",
        region: "",
    }),
    details: &[],
    fields: &[
        // `QuantityChangeInCapacity`, `PercentChangeInCapacity` or `TotalCapacity`.
        ("adjustment_type", ESS_RULES, "AdjustmentType"),
        // `SimpleScalingRule`, `TargetTrackingScalingRule`, `StepScalingRule` or `PredictiveScalingRule`.
        ("scaling_rule_type", ESS_RULES, "ScalingRuleType"),
    ],
};

// ---------------------------------------------------------------------------
// Function Compute (fc-open 2021-04-06, ROA, camelCase)

const FC_SERVICES: &str = "fc:ListServices";

/// Services, named by `serviceId` (a service name is unique in its region only).
static FC_SERVICE: ApiMapping = ApiMapping {
    kind: "ACS::FC::Service",
    list: Some(ApiList { api: FC_SERVICES, items: "services", id: "serviceId", name: "serviceName", region: "" }),
    details: &[],
    fields: &[
        ("service_name", FC_SERVICES, "serviceName"),
        // The role's ARN; empty when the service has none.
        ("role", FC_SERVICES, "role"),
        // A JSON boolean.
        ("internet_access", FC_SERVICES, "internetAccess"),
        // Both empty when logging is off.
        ("log_project", FC_SERVICES, "logConfig.project"),
        ("log_store", FC_SERVICES, "logConfig.logstore"),
        // `Jaeger`; left out (or null) when tracing is off.
        ("tracing_type", FC_SERVICES, "tracingConfig.type"),
        // Empty when the service is not bound to a VPC.
        ("vpc_id", FC_SERVICES, "vpcConfig.vpcId"),
        ("vswitch_ids", FC_SERVICES, "vpcConfig.vSwitchIds"),
    ],
};

const FC_FUNCTIONS: &str = "fc:ListFunctions";

/// Functions of one service (`GET /services/<name>/functions`), named by `functionId`.
static FC_FUNCTION: ApiMapping = ApiMapping {
    kind: "ACS::FC::Function",
    list: Some(ApiList { api: FC_FUNCTIONS, items: "functions", id: "functionId", name: "functionName", region: "" }),
    details: &[],
    fields: &[
        ("runtime", FC_FUNCTIONS, "runtime"),
        ("handler", FC_FUNCTIONS, "handler"),
        // Seconds.
        ("timeout", FC_FUNCTIONS, "timeout"),
        ("instance_concurrency", FC_FUNCTIONS, "instanceConcurrency"),
    ],
};

const FC_DOMAINS: &str = "fc:ListCustomDomains";

static FC_CUSTOM_DOMAIN: ApiMapping = ApiMapping {
    kind: "ACS::FC::CustomDomain",
    list: Some(ApiList { api: FC_DOMAINS, items: "customDomains", id: "domainName", name: "domainName", region: "" }),
    details: &[],
    fields: &[
        // `HTTP`, `HTTPS` or `HTTP,HTTPS`.
        ("protocol", FC_DOMAINS, "protocol"),
        // The certificate's name: every certificate is given one (`CertName`
        // is required with it), so it is set exactly when HTTPS has a certificate.
        ("cert_config", FC_DOMAINS, "certConfig.certName"),
        ("routed_services", FC_DOMAINS, "routeConfig.routes[].serviceName"),
    ],
};

// ---------------------------------------------------------------------------
// Container Registry Enterprise Edition (cr 2018-12-01)

const CR_REPOSITORIES: &str = "cr:ListRepository";

/// Repositories of one instance (`ListRepository --InstanceId`), named by `RepoId`.
static CR_REPOSITORY: ApiMapping = ApiMapping {
    kind: "ACS::CR::Repository",
    list: Some(ApiList { api: CR_REPOSITORIES, items: "Repositories", id: "RepoId", name: "RepoName", region: "" }),
    details: &[],
    fields: &[
        // PRIVATE / PUBLIC, as in the templates.
        ("repo_type", CR_REPOSITORIES, "RepoType"),
        // A JSON boolean.
        ("tag_immutability", CR_REPOSITORIES, "TagImmutability"),
    ],
};

// ---------------------------------------------------------------------------
// MSE (mse 2019-05-31)

const MSE_CLUSTERS: &str = "mse:ListClusters";
const MSE_CLUSTER_DETAIL: &str = "mse:QueryClusterDetail";

/// Registry and configuration centres. `ListClusters` gives the node count,
/// edition and version; `QueryClusterDetail` (its fields under `Data`) adds
/// the network settings.
static MSE_CLUSTER: ApiMapping = ApiMapping {
    kind: "ACS::MSE::Cluster",
    list: Some(ApiList { api: MSE_CLUSTERS, items: "Data", id: "InstanceId", name: "ClusterAliasName", region: "" }),
    details: &[ApiDetail { api: MSE_CLUSTER_DETAIL, param: "InstanceId" }],
    fields: &[
        ("instance_count", MSE_CLUSTERS, "InstanceCount"),
        // `mse_dev`, `mse_basic` or `mse_pro`.
        ("mse_version", MSE_CLUSTERS, "MseVersion"),
        // Engine and version as in the templates, `ZooKeeper_3_8_0`
        // (`ClusterVersion` in the detail call is the bare number, `3.8.0`).
        ("cluster_version", MSE_CLUSTERS, "VersionCode"),
        ("instance_count", MSE_CLUSTER_DETAIL, "Data.InstanceCount"),
        ("mse_version", MSE_CLUSTER_DETAIL, "Data.MseVersion"),
        // `privatenet` or `pubnet`.
        ("net_type", MSE_CLUSTER_DETAIL, "Data.NetType"),
        // Mbit/s as text ("0": no Internet access).
        ("pub_network_flow", MSE_CLUSTER_DETAIL, "Data.PubNetworkFlow"),
    ],
};

const MSE_GATEWAYS: &str = "mse:ListGateway";

/// Cloud-native gateways, listed under `Data.Result`.
static MSE_GATEWAY: ApiMapping = ApiMapping {
    kind: "ACS::MSE::Gateway",
    list: Some(ApiList {
        api: MSE_GATEWAYS,
        items: "Data.Result",
        id: "GatewayUniqueId",
        name: "Name",
        region: "Region",
    }),
    details: &[],
    fields: &[
        // Nodes, without the ones auto scale-out adds (`TotalReplica`).
        ("replica", MSE_GATEWAYS, "Replica"),
        // The secondary vSwitch; empty or left out when the gateway has none.
        ("backup_vswitch_id", MSE_GATEWAYS, "Vswitch2"),
    ],
};
