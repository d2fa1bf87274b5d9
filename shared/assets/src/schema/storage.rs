//! Schemas: OSS, SLS, ActionTrail, KMS, RAM, MaxCompute, NAS, and the few
//! other services whose rules this group carries (CloudMonitor, EMR, GWLB).

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[
    &OSS_BUCKET,
    &SLS_LOGSTORE,
    &SLS_PROJECT,
    &ACTIONTRAIL_TRAIL,
    &KMS_KEY,
    &KMS_SECRET,
    &KMS_INSTANCE,
    &RAM_PASSWORD_POLICY,
    &RAM_MANAGED_POLICY,
    &MAXCOMPUTE_PROJECT,
    &NAS_FILE_SYSTEM,
    &NAS_ACCESS_RULE,
    &NAS_MOUNT_TARGET,
    &CMS_ALARM,
    &SAS_ACCOUNT,
    &RAM_ROOT_ACCOUNT,
    &RAM_GROUP,
    &RAM_ROLE,
    &SLS_ALERT_RULES,
    &ACTIONTRAIL_ACCOUNT,
    &TEMPLATE_PARAMETER,
    &EMR_CLUSTER,
    &GWLB_LOAD_BALANCER,
];

/// Extra properties of the hand-modelled bucket (its ACL and encryption are typed).
static OSS_BUCKET: Schema = Schema {
    kind: "ACS::OSS::Bucket",
    product: "OSS",
    ros_types: &["ALIYUN::OSS::Bucket"],
    tf_types: &["alicloud_oss_bucket"],
    fields: &[
        // Also typed (with `alicloud_oss_bucket_acl` joined); here for declared items.
        fd("acl", "AccessControl", "acl", "\"private\""),
        // The bucket policy is a JSON text in Terraform, read as text, and an
        // object in ROS, whose statements' conditions the paths below reach.
        f("policy_text", "", "policy"),
        // The whole policy: an object (ROS, `oss:GetBucketPolicy`) or JSON text (Terraform).
        f("policy", "Policy", "policy"),
        // Set by a template's `alicloud_oss_bucket_replication`; off otherwise.
        fd("cross_region_replication", "", "", "false"),
        f("secure_transport_condition", "Policy.Statement.Condition.Bool.acs:SecureTransport", ""),
        f("tls_version_condition", "Policy.Statement.Condition.NumericLessThan.acs:TLSVersion", ""),
        f("source_ip_condition", "Policy.Statement.Condition.IpAddress.acs:SourceIp", ""),
        f("versioning_status", "VersioningConfiguration.Status", "versioning.status"),
        f("logging_target_bucket", "LoggingConfiguration.TargetBucket", "logging.target_bucket"),
        f(
            "sse_algorithm",
            "ServerSideEncryptionConfiguration.SSEAlgorithm",
            "server_side_encryption_rule.sse_algorithm",
        ),
        f(
            "sse_kms_key_id",
            "ServerSideEncryptionConfiguration.KMSMasterKeyID",
            "server_side_encryption_rule.kms_master_key_id",
        ),
        f("referers", "RefererConfiguration.RefererList", "referer_config.referers"),
        f("referer_allow_empty", "RefererConfiguration.AllowEmptyReferer", "referer_config.allow_empty"),
        f("redundancy_type", "RedundancyType", "redundancy_type"),
        f("storage_class", "StorageClass", "storage_class"),
        f("tags", "Tags", "tags"),
    ],
};

static SLS_LOGSTORE: Schema = Schema {
    kind: "ACS::SLS::Logstore",
    product: "SLS",
    ros_types: &["ALIYUN::SLS::Logstore"],
    tf_types: &["alicloud_log_store"],
    fields: &[
        // As written: the "must be set" rules read this one.
        f("ttl", "TTL", "retention_period"),
        // The retention in effect: both the provider and ROS keep logs 30 days unless told otherwise.
        fd("retention_days", "TTL", "retention_period", "30"),
        f("preserve_storage", "PreserveStorage", ""),
        f("shard_count", "ShardCount", "shard_count"),
        f("encrypt_enabled", "EncryptConf.Enable", "encrypt_conf.enable"),
        f("encrypt_cmk_key_id", "EncryptConf.UserCmkInfo.CmkKeyId", "encrypt_conf.user_cmk_info.cmk_key_id"),
    ],
};

static SLS_PROJECT: Schema = Schema {
    kind: "ACS::SLS::Project",
    product: "SLS",
    ros_types: &["ALIYUN::SLS::Project"],
    tf_types: &["alicloud_log_project"],
    fields: &[
        f("description", "Description", "description"),
        f("data_redundancy_type", "DataRedundancyType", "data_redundancy_type"),
    ],
};

static ACTIONTRAIL_TRAIL: Schema = Schema {
    kind: "ACS::ActionTrail::Trail",
    product: "ActionTrail",
    ros_types: &["ALIYUN::ACTIONTRAIL::Trail"],
    tf_types: &["alicloud_actiontrail_trail", "alicloud_actiontrail"],
    fields: &[
        f("name", "Name", "trail_name"),
        f("event_rw", "EventRW", "event_rw"),
        // ROS turns logging on with a separate ALIYUN::ACTIONTRAIL::TrailLogging resource.
        f("status", "", "status"),
        // Which regions' events the trail records; the services' default is All.
        fd("trail_region", "TrailRegion", "trail_region", "\"All\""),
        f("oss_bucket_name", "OssBucketName", "oss_bucket_name"),
        f("sls_project_arn", "SlsProjectArn", "sls_project_arn"),
    ],
};

static KMS_KEY: Schema = Schema {
    kind: "ACS::KMS::Key",
    product: "KMS",
    ros_types: &["ALIYUN::KMS::Key"],
    tf_types: &["alicloud_kms_key"],
    fields: &[
        f("description", "Description", "description"),
        f("deletion_protection", "DeletionProtection", "deletion_protection"),
        f("automatic_rotation", "EnableAutomaticRotation", "automatic_rotation"),
        f("origin", "Origin", "origin"),
    ],
};

static KMS_SECRET: Schema = Schema {
    kind: "ACS::KMS::Secret",
    product: "KMS",
    ros_types: &["ALIYUN::KMS::Secret"],
    tf_types: &["alicloud_kms_secret"],
    fields: &[
        f("secret_type", "SecretType", "secret_type"),
        f("automatic_rotation", "EnableAutomaticRotation", "enable_automatic_rotation"),
    ],
};

static KMS_INSTANCE: Schema = Schema {
    kind: "ACS::KMS::Instance",
    product: "KMS",
    ros_types: &["ALIYUN::KMS::Instance"],
    tf_types: &["alicloud_kms_instance"],
    fields: &[f("zone_ids", "Connection.ZoneIds", "zone_ids")],
};

/// The hand-modelled account password policy (map.rs reads it from Terraform only).
static RAM_PASSWORD_POLICY: Schema = Schema {
    kind: "ACS::RAM::PasswordPolicy",
    product: "RAM",
    ros_types: &[],
    tf_types: &["alicloud_ram_account_password_policy"],
    fields: &[
        // The provider's defaults, as map.rs applies them to the typed policy.
        fd("minimum_length", "", "minimum_password_length", "12"),
        fd("require_lowercase", "", "require_lowercase_characters", "true"),
        fd("require_uppercase", "", "require_uppercase_characters", "true"),
        fd("require_numbers", "", "require_numbers", "true"),
        fd("require_symbols", "", "require_symbols", "true"),
    ],
};

/// A custom policy: its document is an object in ROS and JSON text in
/// Terraform and in `ram:GetPolicyVersion` (the coded item parses either).
static RAM_MANAGED_POLICY: Schema = Schema {
    kind: "ACS::RAM::ManagedPolicy",
    product: "RAM",
    ros_types: &["ALIYUN::RAM::ManagedPolicy"],
    tf_types: &["alicloud_ram_policy"],
    fields: &[
        f("policy_document", "PolicyDocument", "policy_document"),
        // Templates only create custom policies; `ram:ListPolicies` also lists System ones.
        fd("policy_type", "", "", "\"Custom\""),
        // Users, groups and roles it is attached to: counted from a template's
        // attachment resources, `AttachmentCount` in `ram:ListPolicies`.
        fd("attachment_count", "", "", "0"),
    ],
};

/// RAM roles (at runtime: `ram:ListRoles`, `GetRole`, `ListPoliciesForRole`).
static RAM_ROLE: Schema = Schema {
    kind: "ACS::RAM::Role",
    product: "RAM",
    ros_types: &["ALIYUN::RAM::Role"],
    tf_types: &["alicloud_ram_role"],
    fields: &[
        // Who may assume the role: an object (ROS) or JSON text (Terraform's
        // `document`, or `assume_role_policy_document` in newer providers).
        f("trust_policy", "AssumeRolePolicyDocument", "document"),
        f("assume_role_policy", "", "assume_role_policy_document"),
        // ROS attaches policies in the role's own properties (`System` / `Custom` names, inline documents).
        f("attached_policies", "PolicyAttachments", ""),
        f("inline_policies", "Policies", ""),
        // Names attached by separate attachment resources, joined from the template.
        fd("attached_policy_names", "", "", "[]"),
    ],
};

/// RAM groups (at runtime: `ram:ListGroups`, `ListUsersForGroup`, `ListPoliciesForGroup`).
static RAM_GROUP: Schema = Schema {
    kind: "ACS::RAM::Group",
    product: "RAM",
    ros_types: &["ALIYUN::RAM::Group"],
    tf_types: &["alicloud_ram_group"],
    fields: &[
        // Counted from the template's membership and attachment resources.
        fd("member_count", "", "", "0"),
        fd("policy_count", "", "", "0"),
        // ROS attaches policies in the group's own properties too.
        f("attached_policies", "PolicyAttachments", ""),
        f("inline_policies", "Policies", ""),
    ],
};

static MAXCOMPUTE_PROJECT: Schema = Schema {
    kind: "ACS::MaxCompute::Project",
    product: "MaxCompute",
    ros_types: &["ALIYUN::MaxCompute::Project"],
    tf_types: &["alicloud_maxcompute_project"],
    fields: &[
        f("encryption_enabled", "Properties.Encryption.Enable", "encryption_enable"),
        f("ip_whitelist", "IpWhiteList.IpList", "ip_white_list"),
    ],
};

static NAS_FILE_SYSTEM: Schema = Schema {
    kind: "ACS::NAS::FileSystem",
    product: "NAS",
    ros_types: &["ALIYUN::NAS::FileSystem"],
    tf_types: &["alicloud_nas_file_system"],
    fields: &[
        // 0: not encrypted (the default), 1: NAS-managed key, 2: KMS key.
        fd("encrypt_type", "EncryptType", "encrypt_type", "0"),
    ],
};

static NAS_ACCESS_RULE: Schema = Schema {
    kind: "ACS::NAS::AccessRule",
    product: "NAS",
    ros_types: &["ALIYUN::NAS::AccessRule"],
    tf_types: &["alicloud_nas_access_rule"],
    fields: &[
        f("source_cidr_ip", "SourceCidrIp", "source_cidr_ip"),
        f("ipv6_source_cidr_ip", "Ipv6SourceCidrIp", "ipv6_source_cidr_ip"),
    ],
};

static NAS_MOUNT_TARGET: Schema = Schema {
    kind: "ACS::NAS::MountTarget",
    product: "NAS",
    ros_types: &["ALIYUN::NAS::MountTarget"],
    tf_types: &["alicloud_nas_mount_target"],
    fields: &[f("access_group_name", "AccessGroupName", "access_group_name")],
};

/// The account's Security Center subscription (runtime data only).
static SAS_ACCOUNT: Schema = Schema {
    kind: "ACS::SAS::Account",
    product: "Security Center",
    ros_types: &[],
    tf_types: &[],
    // `sas:DescribeVersionConfig` Version: 1 Basic, 3 Enterprise, 5 Advanced,
    // 6 Anti-virus, 7 Ultimate, 8 Multi-version, 10 value-added services only.
    // The settings CIS 8.3–8.8 ask about, each from its own `sas:` call
    // (see `openapi/security_center.rs`).
    fields: &[
        f("edition", "", ""),
        f("virus_blocking", "", ""),
        f("notices", "", ""),
        f("cspm_role_authorized", "", ""),
        f("vul_scan_types", "", ""),
        f("vul_scan_levels", "", ""),
        f("fingerprint_schedules", "", ""),
    ],
};

/// The Alibaba Cloud account's own identity, from `ims:GetCredentialReport`
/// (runtime data only): `mfa_active`, `active_access_keys`, `last_console_logon`.
static RAM_ROOT_ACCOUNT: Schema = Schema {
    kind: "ACS::RAM::RootAccount",
    product: "RAM",
    ros_types: &[],
    tf_types: &[],
    fields: &[
        f("mfa_active", "", ""),
        f("active_access_keys", "", ""),
        f("last_console_logon", "", ""),
        f("report_generated", "", ""),
    ],
};

/// A template's input: a ROS parameter or a Terraform variable (the loaders
/// emit them as `ROS::Parameter` / `terraform_variable`, without their defaults).
static TEMPLATE_PARAMETER: Schema = Schema {
    kind: "ACS::Template::Parameter",
    product: "Template",
    ros_types: &["ROS::Parameter"],
    tf_types: &["terraform_variable"],
    fields: &[
        f("name", "Name", "name"),
        // NoEcho (ROS) or sensitive (Terraform): the value is not displayed.
        f("hidden", "NoEcho", "sensitive"),
        f("association", "AssociationProperty", ""),
        f("has_default", "HasDefault", "has_default"),
    ],
};

/// The account's ActionTrail as a whole: how many trails record events
/// (`actiontrail:DescribeTrails`; runtime data only).
static ACTIONTRAIL_ACCOUNT: Schema = Schema {
    kind: "ACS::ActionTrail::Account",
    product: "ActionTrail",
    ros_types: &[],
    tf_types: &[],
    fields: &[f("enabled_trails", "", "")],
};

/// The account's enabled Log Service alert queries, all projects together,
/// from `sls:ListAlerts` (runtime data only).
static SLS_ALERT_RULES: Schema = Schema {
    kind: "ACS::SLS::AlertRules",
    product: "SLS",
    ros_types: &[],
    tf_types: &[],
    fields: &[f("enabled_alert_queries", "", "")],
};

static CMS_ALARM: Schema = Schema {
    kind: "ACS::CMS::Alarm",
    product: "CloudMonitor",
    ros_types: &["ALIYUN::CMS::Alarm"],
    tf_types: &["alicloud_cms_alarm"],
    fields: &[
        // The provider renamed `name` to `rule_name`.
        f("name", "Name", "rule_name"),
        f("legacy_name", "", "name"),
    ],
};

static EMR_CLUSTER: Schema = Schema {
    kind: "ACS::EMR::Cluster",
    product: "EMR",
    ros_types: &["ALIYUN::EMR::Cluster"],
    tf_types: &["alicloud_emr_cluster"],
    fields: &[f("public_ip", "IsOpenPublicIp", "is_open_public_ip")],
};

static GWLB_LOAD_BALANCER: Schema = Schema {
    kind: "ACS::GWLB::LoadBalancer",
    product: "GWLB",
    ros_types: &["ALIYUN::GWLB::LoadBalancer"],
    tf_types: &["alicloud_gwlb_load_balancer"],
    fields: &[f("zone_ids", "ZoneMappings.ZoneId", "zone_mappings.zone_id")],
};
