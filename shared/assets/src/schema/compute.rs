//! Schemas: ECS instances, instance groups, disks, security groups, launch templates, snapshot policies, ESS scaling, ECI, ACK/ACS clusters, FC, MSE, CR.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[
    &ECS_INSTANCE,
    &ECS_DISK,
    &ECS_SECURITY_GROUP,
    &ECS_LAUNCH_TEMPLATE,
    &ECS_AUTO_SNAPSHOT_POLICY,
    &ESS_SCALING_CONFIGURATION,
    &ESS_SCALING_GROUP,
    &ESS_SCALING_RULE,
    &FC_SERVICE,
    &FC_FUNCTION,
    &FC_TRIGGER,
    &FC_CUSTOM_DOMAIN,
    &CR_INSTANCE,
    &CR_REPOSITORY,
    &CR_ENDPOINT_ACL_POLICY,
    &ACK_MANAGED_CLUSTER,
    &ACK_NODE_POOL,
    &ACS_CLUSTER,
    &ECI_CONTAINER_GROUP,
    &MSE_CLUSTER,
    &MSE_GATEWAY,
    &ROCKETMQ5_INSTANCE,
];

/// Extra properties of the hand-modelled ECS instance (ROS instance groups included).
static ECS_INSTANCE: Schema = Schema {
    kind: "ACS::ECS::Instance",
    product: "ECS",
    ros_types: &["ALIYUN::ECS::Instance", "ALIYUN::ECS::InstanceGroup"],
    tf_types: &["alicloud_instance", "alicloud_ecs_instance"],
    fields: &[
        f("instance_name", "InstanceName", "instance_name"),
        // Runtime only: the host's unsettled vulnerabilities (`sas:DescribeVulList`).
        f("open_vulnerabilities", "", ""),
        f("instance_type", "InstanceType", "instance_type"),
        f("image_id", "ImageId", "image_id"),
        // Runtime only: the OS release an image (custom ones too) runs, e.g. `CentOS  7.9 64位`.
        f("os_name", "", ""),
        f("charge_type", "InstanceChargeType", "instance_charge_type"),
        f("auto_renew", "AutoRenew", "auto_renew"),
        f("deletion_protection", "DeletionProtection", "deletion_protection"),
        f("security_enhancement_strategy", "SecurityEnhancementStrategy", "security_enhancement_strategy"),
        f("key_pair_name", "KeyPairName", "key_name"),
        f("ram_role_name", "RamRoleName", "ram_role_name"),
        // Terraform takes the metadata options as top-level arguments or a `metadata_options` block.
        f("http_tokens", "HttpTokens", "http_tokens"),
        f("metadata_http_tokens", "", "metadata_options.http_tokens"),
        f("network_interface_ids", "", "network_interface_ids"),
        f("tags", "Tags", "tags"),
        // One security group (ROS `SecurityGroupId`, Terraform's list) or several (ROS `SecurityGroupIds`).
        f("security_group_id", "SecurityGroupId", "security_groups"),
        f("security_group_ids", "SecurityGroupIds", ""),
        f("vpc_id", "VpcId", ""),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("zone_id", "ZoneId", "availability_zone"),
        f("allocate_public_ip", "AllocatePublicIP", ""),
        // As written, and with the providers' default of no public bandwidth.
        f("internet_max_bandwidth_out_set", "InternetMaxBandwidthOut", "internet_max_bandwidth_out"),
        fd("internet_max_bandwidth_out", "InternetMaxBandwidthOut", "internet_max_bandwidth_out", "0"),
        f("internet_charge_type", "InternetChargeType", "internet_charge_type"),
        // Both providers create a 40 GiB system disk unless told otherwise.
        fd("system_disk_size", "SystemDiskSize", "system_disk_size", "40"),
        f("max_amount", "MaxAmount", ""),
        f("min_amount", "MinAmount", ""),
    ],
};

/// Extra properties of the hand-modelled ECS disk.
static ECS_DISK: Schema = Schema {
    kind: "ACS::ECS::Disk",
    product: "ECS",
    ros_types: &["ALIYUN::ECS::Disk"],
    tf_types: &["alicloud_ecs_disk", "alicloud_disk"],
    fields: &[
        f("encrypted", "Encrypted", "encrypted"),
        f("kms_key_id", "KMSKeyId", "kms_key_id"),
        f("category", "DiskCategory", "category"),
        f("size", "Size", "size"),
        f("auto_snapshot_policy_id", "AutoSnapshotPolicyId", ""),
        f("enable_auto_snapshot", "", "enable_auto_snapshot"),
        f("delete_auto_snapshot", "DeleteAutoSnapshot", "delete_auto_snapshot"),
    ],
};

/// Extra properties of the hand-modelled ECS security group.
static ECS_SECURITY_GROUP: Schema = Schema {
    kind: "ACS::ECS::SecurityGroup",
    product: "ECS",
    ros_types: &["ALIYUN::ECS::SecurityGroup"],
    tf_types: &["alicloud_security_group"],
    fields: &[
        f("description", "Description", "description"),
        // Both providers create basic ("normal") groups unless told otherwise.
        fd("security_group_type", "SecurityGroupType", "security_group_type", "\"normal\""),
        f("vpc_id", "VpcId", "vpc_id"),
    ],
};

static ECS_LAUNCH_TEMPLATE: Schema = Schema {
    kind: "ACS::ECS::LaunchTemplate",
    product: "ECS",
    ros_types: &["ALIYUN::ECS::LaunchTemplate"],
    tf_types: &["alicloud_ecs_launch_template", "alicloud_launch_template"],
    fields: &[
        f("network_type", "NetworkType", "network_type"),
        f("security_group_id", "SecurityGroupId", "security_group_id"),
        f("security_group_ids", "SecurityGroupIds", "security_group_ids"),
        // Whole data disk entries: their encryption is read per disk.
        f("data_disks", "DiskMappings", "data_disks"),
        f("image_id", "ImageId", "image_id"),
    ],
};

static ECS_AUTO_SNAPSHOT_POLICY: Schema = Schema {
    kind: "ACS::ECS::AutoSnapshotPolicy",
    product: "ECS",
    ros_types: &["ALIYUN::ECS::AutoSnapshotPolicy"],
    tf_types: &["alicloud_ecs_auto_snapshot_policy", "alicloud_auto_snapshot_policy"],
    fields: &[
        f("time_points", "TimePoints", "time_points"),
        f("repeat_weekdays", "RepeatWeekdays", "repeat_weekdays"),
        f("retention_days", "RetentionDays", "retention_days"),
    ],
};

static ESS_SCALING_CONFIGURATION: Schema = Schema {
    kind: "ACS::ESS::ScalingConfiguration",
    product: "ESS",
    ros_types: &["ALIYUN::ESS::ScalingConfiguration"],
    tf_types: &["alicloud_ess_scaling_configuration"],
    fields: &[
        f("security_group_id", "SecurityGroupId", "security_group_id"),
        f("security_group_ids", "SecurityGroupIds", "security_group_ids"),
        // Whole data disk entries: their encryption is read per disk.
        f("data_disks", "DiskMappings", "data_disk"),
        // No public bandwidth unless asked for, in both providers.
        fd("internet_max_bandwidth_out", "InternetMaxBandwidthOut", "internet_max_bandwidth_out", "0"),
        f("image_id", "ImageId", "image_id"),
        f("image_family", "ImageFamily", ""),
        f("instance_type", "InstanceType", "instance_type"),
        f("instance_types", "InstanceTypes", "instance_types"),
        f("system_disk_encrypted", "SystemDiskEncrypted", "system_disk_encrypted"),
        f("system_disk_encrypt_algorithm", "SystemDiskEncryptAlgorithm", "system_disk_encrypt_algorithm"),
    ],
};

static ESS_SCALING_GROUP: Schema = Schema {
    kind: "ACS::ESS::ScalingGroup",
    product: "ESS",
    ros_types: &["ALIYUN::ESS::ScalingGroup"],
    tf_types: &["alicloud_ess_scaling_group"],
    fields: &[
        f("health_check_type", "HealthCheckType", "health_check_type"),
        f("vswitch_ids", "VSwitchIds", "vswitch_ids"),
        f("loadbalancer_ids", "LoadBalancerIds", "loadbalancer_ids"),
        f("server_groups", "ServerGroups", ""),
        f("min_size", "MinSize", "min_size"),
        f("max_size", "MaxSize", "max_size"),
        f("default_cooldown", "DefaultCooldown", "default_cooldown"),
    ],
};

static ESS_SCALING_RULE: Schema = Schema {
    kind: "ACS::ESS::ScalingRule",
    product: "ESS",
    ros_types: &["ALIYUN::ESS::ScalingRule"],
    tf_types: &["alicloud_ess_scaling_rule"],
    fields: &[
        f("adjustment_type", "AdjustmentType", "adjustment_type"),
        f("scaling_rule_type", "ScalingRuleType", "scaling_rule_type"),
    ],
};

static FC_SERVICE: Schema = Schema {
    kind: "ACS::FC::Service",
    product: "FC",
    ros_types: &["ALIYUN::FC::Service"],
    tf_types: &["alicloud_fc_service"],
    fields: &[
        f("service_name", "ServiceName", "name"),
        // Whether a custom domain routes to the service (joined in `iac/map.rs`
        // for templates, `joins.rs` for OpenAPI inventories).
        f("custom_domain_bound", "", ""),
        f("role", "Role", "role"),
        // Function Compute services reach the Internet unless told otherwise.
        fd("internet_access", "InternetAccess", "internet_access", "true"),
        f("log_project", "LogConfig.Project", "log_config.project"),
        f("log_store", "LogConfig.Logstore", "log_config.logstore"),
        f("tracing_type", "TracingConfig.Type", "tracing_config.type"),
        f("vpc_id", "VpcConfig.VpcId", "vpc_config.vpc_id"),
        f("vswitch_ids", "VpcConfig.VSwitchIds", "vpc_config.vswitch_ids"),
    ],
};

static FC_FUNCTION: Schema = Schema {
    kind: "ACS::FC::Function",
    product: "FC",
    ros_types: &["ALIYUN::FC::Function"],
    tf_types: &["alicloud_fc_function"],
    fields: &[
        f("runtime", "Runtime", "runtime"),
        f("handler", "Handler", "handler"),
        f("timeout", "Timeout", "timeout"),
        f("instance_concurrency", "InstanceConcurrency", "instance_concurrency"),
    ],
};

static FC_TRIGGER: Schema = Schema {
    kind: "ACS::FC::Trigger",
    product: "FC",
    ros_types: &["ALIYUN::FC::Trigger"],
    tf_types: &["alicloud_fc_trigger"],
    fields: &[
        f("trigger_type", "TriggerType", "type"),
        // An object in ROS, a JSON text in Terraform.
        f("trigger_config", "TriggerConfig", "config"),
    ],
};

static FC_CUSTOM_DOMAIN: Schema = Schema {
    kind: "ACS::FC::CustomDomain",
    product: "FC",
    ros_types: &["ALIYUN::FC::CustomDomain"],
    tf_types: &["alicloud_fc_custom_domain"],
    fields: &[
        f("protocol", "Protocol", "protocol"),
        f("cert_config", "CertConfig", "cert_config"),
        // The services its routes send requests to, by name (templates are
        // joined by reference in `iac/map.rs`).
        f("routed_services", "RouteConfig.Routes.ServiceName", "route_config.service_name"),
    ],
};

static CR_INSTANCE: Schema = Schema {
    kind: "ACS::CR::Instance",
    product: "CR",
    ros_types: &["ALIYUN::CR::Instance"],
    tf_types: &["alicloud_cr_ee_instance"],
    fields: &[
        f("image_scanner", "ImageScanner", "image_scanner"),
        f("instance_type", "InstanceType", "instance_type"),
        // The redundancy of the OSS bucket holding the images, joined in `iac/map.rs`.
        f("storage_redundancy_type", "", ""),
    ],
};

static CR_REPOSITORY: Schema = Schema {
    kind: "ACS::CR::Repository",
    product: "CR",
    ros_types: &["ALIYUN::CR::Repository"],
    tf_types: &["alicloud_cr_ee_repo"],
    fields: &[f("repo_type", "RepoType", "repo_type"), f("tag_immutability", "TagImmutability", "tag_immutability")],
};

static CR_ENDPOINT_ACL_POLICY: Schema = Schema {
    kind: "ACS::CR::InstanceEndpointAclPolicy",
    product: "CR",
    ros_types: &["ALIYUN::CR::InstanceEndpointAclPolicy"],
    tf_types: &["alicloud_cr_endpoint_acl_policy"],
    fields: &[f("entry", "Entry", "entry"), f("endpoint_type", "EndpointType", "endpoint_type")],
};

static ACK_MANAGED_CLUSTER: Schema = Schema {
    kind: "ACS::CS::ManagedKubernetesCluster",
    product: "ACK",
    ros_types: &["ALIYUN::CS::ManagedKubernetesCluster"],
    tf_types: &["alicloud_cs_managed_kubernetes"],
    fields: &[
        f("cluster_spec", "ClusterSpec", "cluster_spec"),
        f("encryption_provider_key", "EncryptionProviderKey", "encryption_provider_key"),
        f("version", "KubernetesVersion", "version"),
        f("addon_names", "Addons.Name", "addons.name"),
        // Whole add-on entries: name and config (JSON text), e.g. Terway's NetworkPolicy.
        f("addons", "Addons", "addons"),
        f("vswitch_ids", "VSwitchIds", "worker_vswitch_ids"),
        f("zone_ids", "ZoneIds", "zone_ids"),
        f("endpoint_public_access", "EndpointPublicAccess", "endpoint_public_access_enabled"),
        f("rrsa_enabled", "RrsaConfig.Enabled", "enable_rrsa"),
        // Runtime only: the version ACK offers to upgrade to (`cs:DescribeClustersV1`).
        f("next_version", "", ""),
        // Runtime only: when a cluster check last succeeded (`cs:ListClusterChecks`).
        f("last_cluster_check", "", ""),
    ],
};

/// ACK node pools.
static ACK_NODE_POOL: Schema = Schema {
    kind: "ACS::CS::NodePool",
    product: "ACK",
    ros_types: &["ALIYUN::CS::ClusterNodePool"],
    tf_types: &["alicloud_cs_kubernetes_node_pool"],
    // No default: ROS leaves the agent out, the provider's default changed between versions.
    fields: &[f("cms_enabled", "KubernetesConfig.CmsEnabled", "install_cloud_monitor")],
};

static ACS_CLUSTER: Schema = Schema {
    kind: "ACS::ACS::Cluster",
    product: "ACS",
    ros_types: &["ALIYUN::ACS::Cluster"],
    tf_types: &[],
    fields: &[f("vswitch_ids", "VSwitchIds", ""), f("zone_ids", "ZoneIds", "")],
};

static ECI_CONTAINER_GROUP: Schema = Schema {
    kind: "ACS::ECI::ContainerGroup",
    product: "ECI",
    ros_types: &["ALIYUN::ECI::ContainerGroup"],
    tf_types: &["alicloud_eci_container_group"],
    fields: &[
        f("volumes", "Volume", "volumes"),
        f("env_keys", "Container.EnvironmentVar.Key", "containers.environment_vars.key"),
    ],
};

static MSE_CLUSTER: Schema = Schema {
    kind: "ACS::MSE::Cluster",
    product: "MSE",
    ros_types: &["ALIYUN::MSE::Cluster"],
    tf_types: &["alicloud_mse_cluster"],
    fields: &[
        f("instance_count", "InstanceCount", "instance_count"),
        f("mse_version", "MseVersion", "mse_version"),
        f("cluster_version", "ClusterVersion", "cluster_version"),
        f("net_type", "NetType", "net_type"),
        // No public bandwidth unless asked for.
        fd("pub_network_flow", "PubNetworkFlow", "pub_network_flow", "0"),
        f("acl_entry_list", "AclEntryList", "acl_entry_list"),
        f("replicas", "Replicas", ""),
    ],
};

static MSE_GATEWAY: Schema = Schema {
    kind: "ACS::MSE::Gateway",
    product: "MSE",
    ros_types: &["ALIYUN::MSE::Gateway"],
    tf_types: &["alicloud_mse_gateway"],
    fields: &[f("replica", "Replica", "replica"), f("backup_vswitch_id", "BackupVSwitchId", "backup_vswitch_id")],
};

static ROCKETMQ5_INSTANCE: Schema = Schema {
    kind: "ACS::ROCKETMQ5::Instance",
    product: "RocketMQ",
    ros_types: &["ALIYUN::ROCKETMQ5::Instance"],
    tf_types: &["alicloud_rocketmq_instance"],
    fields: &[f("sub_series_code", "SubSeriesCode", "sub_series_code")],
};
