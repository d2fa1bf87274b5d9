//! Check items: OSS, SLS, ActionTrail, KMS, RAM, MaxCompute, NAS, and a few
//! others of this group (CloudMonitor, EMR, GWLB). Declared expectations,
//! and two coded items: the tunable logstore retention and the bucket
//! policy's anonymous grants.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[
    // OSS
    &OSS_ANONYMOUS,
    &OSS_AUTHORIZE_IP,
    &OSS_BACKUP,
    &OSS_LOGGING,
    &OSS_HTTPS_ONLY,
    &OSS_OPERATIONAL_LOGGING,
    &OSS_REFERER,
    &OSS_TAGS,
    &OSS_TLS,
    &OSS_VERSIONING,
    &OSS_KMS,
    &OSS_BYOK,
    &OSS_STORAGE_CLASS,
    &OSS_ZRS,
    &OSS_SEC_ENCRYPTION,
    &OSS_SEC_LOGGING,
    &OSS_SEC_PRIVATE_ACL,
    // SLS
    &LOGSTORE_TTL_REQUIRED,
    &LOGSTORE_TTL_CONFIGURED,
    &LOGSTORE_RETENTION,
    &LOGSTORE_SHARDS,
    &LOGSTORE_ENCRYPT,
    &LOGSTORE_BYOK,
    &LOGSTORE_HOT_TTL,
    &SLS_PROJECT_DESCRIPTION,
    &SLS_PROJECT_ZRS,
    // ActionTrail
    &TRAIL_INTACT,
    &TRAIL_EXPORTS_ALL,
    // KMS
    &KMS_INSTANCE_MULTI_ZONE,
    &KMS_KEY_DELETE_PROTECTION,
    &KMS_KEY_DESCRIPTION,
    &KMS_KEY_ROTATION,
    &KMS_SECRET_ROTATION,
    // MaxCompute
    &MAXCOMPUTE_ENCRYPTION,
    &MAXCOMPUTE_WHITELIST,
    // NAS
    &NAS_RULE_NOT_PUBLIC,
    &NAS_ENCRYPTED,
    &NAS_MOUNT_GROUP,
    &OSS_POLICY_NO_ANONYMOUS,
    &OSS_REPLICATION,
    // RAM
    &RAM_PASSWORD_POLICY,
    &RAM_GROUP_HAS_MEMBER,
    &RAM_GROUP_IN_USE,
    &RAM_POLICY_IN_USE,
    // Others
    &CMS_ALARM_NAME,
    &EMR_MASTER_NO_PUBLIC_IP,
    &GWLB_MULTI_ZONE,
];

const OSS: &str = "ACS::OSS::Bucket";
const LOGSTORE: &str = "ACS::SLS::Logstore";
const SLS_PROJECT: &str = "ACS::SLS::Project";
const TRAIL: &str = "ACS::ActionTrail::Trail";
const KMS_KEY: &str = "ACS::KMS::Key";
const MAXCOMPUTE: &str = "ACS::MaxCompute::Project";

// ---------------------------------------------------------------- OSS

static OSS_ANONYMOUS: Check = declare(
    "oss-bucket-anonymous-prohibited",
    "OSS buckets give anonymous users no access through their ACL",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::High,
    Excludes("acl", &["public-read", "public-read-write"]),
    "A public-read or public-read-write ACL lets anyone on the Internet read, or also change, the bucket's objects without signing in.",
    "OSS console > the bucket > Permission Control > ACL: set Private, and grant access to named accounts with RAM or bucket policies.",
);

static OSS_AUTHORIZE_IP: Check = declare(
    "oss-bucket-authorize-specified-ip",
    "OSS bucket policies restrict access to specified source IP addresses",
    "OSS",
    OSS,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[ContainsAny("policy_text", &["acs:SourceIp"]), Present("source_ip_condition")]),
    "Without a source-IP condition, a bucket policy grant works from any network, so leaked credentials can be used from anywhere.",
    "OSS console > the bucket > Permission Control > Bucket Policy: add an acs:SourceIp (IpAddress) condition to the statements that grant access.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 5.7"]);

static OSS_BACKUP: Check = declare(
    "oss-bucket-backup-enable",
    "OSS buckets keep earlier object versions as a backup",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("versioning_status", &["Enabled"]),
    "Without versioning or another backup, an overwritten or deleted object cannot be recovered.",
    "OSS console > the bucket > Redundancy for Fault Tolerance > Versioning: enable it (or configure a backup plan for the bucket).",
);

static OSS_LOGGING: Check = declare(
    "oss-bucket-logging-enabled",
    "OSS buckets write access logs",
    "OSS",
    OSS,
    Category::LogAudit,
    Risk::Medium,
    Present("logging_target_bucket"),
    "Without access logs, reads, writes and deletions of objects cannot be audited or investigated.",
    "OSS console > the bucket > Logging > Log Storage: enable logging and choose a target bucket (LoggingConfiguration / logging block).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 5.3"]);

static OSS_HTTPS_ONLY: Check = declare(
    "oss-bucket-only-https-enabled",
    "OSS bucket policies refuse requests not sent over HTTPS",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::High,
    Any(&[ContainsAny("policy_text", &["acs:SecureTransport"]), ContainsAny("secure_transport_condition", &["false"])]),
    "A bucket that accepts plain HTTP lets requests, signatures and object data cross the network unencrypted.",
    "Add a bucket policy statement that denies oss:* when the condition Bool acs:SecureTransport is false.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 5.4"]);

static OSS_OPERATIONAL_LOGGING: Check = declare(
    "oss-bucket-operational-access-logging",
    "OSS buckets record operations in access logs",
    "OSS",
    OSS,
    Category::LogAudit,
    Risk::Medium,
    Present("logging_target_bucket"),
    "Operations on a bucket without logging leave no record for audits or incident response.",
    "Set LoggingConfiguration (ROS) or a logging block (Terraform) with a target bucket for the logs.",
);

static OSS_REFERER: Check = declare(
    "oss-bucket-referer-limit",
    "OSS buckets allow only listed referers (hotlink protection)",
    "OSS",
    OSS,
    Category::NetworkAccessControl,
    Risk::Low,
    All(&[LengthAtLeast("referers", 1), False("referer_allow_empty")]),
    "Without a referer whitelist, other sites can embed and serve the bucket's objects at the owner's expense.",
    "OSS console > the bucket > Hotlink Protection: enable it, list the allowed referers, and do not allow empty referers.",
);

static OSS_TAGS: Check = declare(
    "oss-bucket-tags-required",
    "OSS buckets carry tags",
    "OSS",
    OSS,
    Category::BasicProtection,
    Risk::Medium,
    Present("tags"),
    "Untagged buckets cannot be attributed to an owner or environment, so they escape cost and security reviews.",
    "Add tags (for example owner and environment) to the bucket in the template or the OSS console.",
);

static OSS_TLS: Check = declare(
    "oss-bucket-tls-version-check",
    "OSS bucket policies refuse TLS versions below 1.2",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[ContainsAny("policy_text", &["acs:TLSVersion"]), Present("tls_version_condition")]),
    "Clients may reach the bucket over TLS 1.0 or 1.1, whose known weaknesses put data in transit at risk.",
    "Add a bucket policy statement that denies oss:* under NumericLessThan acs:TLSVersion 1.2.",
);

static OSS_VERSIONING: Check = declare(
    "oss-bucket-versioning-enabled",
    "OSS buckets have versioning enabled",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("versioning_status", &["Enabled"]),
    "Without versioning, an accidental overwrite or deletion destroys the only copy of an object.",
    "OSS console > the bucket > Versioning: enable it (VersioningConfiguration Status or versioning block status = Enabled).",
);

static OSS_KMS: Check = declare(
    "oss-default-encryption-kms",
    "OSS buckets encrypt objects with KMS by default",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("sse_algorithm", &["KMS"]),
    "Without KMS server-side encryption, key use is neither controlled by KMS permissions nor audited.",
    "OSS console > the bucket > Server-side Encryption: choose KMS (SSEAlgorithm / sse_algorithm = KMS).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 5.8"]);

static OSS_BYOK: Check = declare(
    "oss-encryption-byok-check",
    "OSS buckets encrypt objects with a customer-managed KMS key",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    All(&[OneOf("sse_algorithm", &["KMS"]), Present("sse_kms_key_id")]),
    "With the default service key, the owner cannot rotate, disable or restrict the key that protects the data.",
    "Set server-side encryption to KMS and name your own key (KMSMasterKeyID / kms_master_key_id).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 5.9"]);

static OSS_STORAGE_CLASS: Check = declare(
    "oss-storage-class-required",
    "OSS buckets declare their storage class",
    "OSS",
    OSS,
    Category::BasicProtection,
    Risk::Medium,
    Present("storage_class"),
    "A bucket whose storage class is left implicit may not match the access pattern and retention its data needs.",
    "Set StorageClass (ROS) or storage_class (Terraform) explicitly, e.g. Standard, IA or Archive.",
);

static OSS_ZRS: Check = declare(
    "oss-zrs-enabled",
    "OSS buckets use zone-redundant storage",
    "OSS",
    OSS,
    Category::BasicProtection,
    Risk::Medium,
    OneOf("redundancy_type", &["ZRS"]),
    "Locally redundant storage keeps every copy in one zone, so a zone outage makes the data unavailable.",
    "Create the bucket with RedundancyType / redundancy_type = ZRS (or convert it to ZRS in the OSS console).",
);

static OSS_SEC_ENCRYPTION: Check = declare(
    "security-oss-bucket-encryption-configured",
    "OSS buckets configure server-side encryption",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::High,
    NoneOf("sse_algorithm", &["None", ""]),
    "Objects in a bucket without server-side encryption are stored unencrypted at rest.",
    "Add ServerSideEncryptionConfiguration (ROS) or a server_side_encryption_rule block (Terraform) with AES256 or KMS.",
);

static OSS_SEC_LOGGING: Check = declare(
    "security-oss-bucket-logging-configured",
    "OSS buckets configure access logging",
    "OSS",
    OSS,
    Category::LogAudit,
    Risk::Medium,
    Present("logging_target_bucket"),
    "Access to a bucket without logging cannot be reviewed after a leak or misuse.",
    "Add LoggingConfiguration with a TargetBucket (ROS) or a logging block with target_bucket (Terraform).",
);

static OSS_SEC_PRIVATE_ACL: Check = declare(
    "security-oss-bucket-private-acl",
    "OSS buckets have a private ACL",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::High,
    OneOf("acl", &["private"]),
    "Any ACL other than private opens the bucket's objects to reading or writing by anyone.",
    "Set AccessControl / acl to private and grant access through RAM or bucket policies.",
);

// ---------------------------------------------------------------- SLS

static LOGSTORE_TTL_REQUIRED: Check = declare(
    "logstore-ttl-required",
    "SLS logstores set their retention period",
    "SLS",
    LOGSTORE,
    Category::LogAudit,
    Risk::Medium,
    Present("ttl"),
    "A logstore that leaves its retention implicit may keep logs for less time than audits require.",
    "Set TTL (ROS) or retention_period (Terraform) to the number of days the logs must be kept.",
);

/// Logs are kept for at least `min_days` days (CIS asks for a year).
fn retention_at_least(asset: &cspm_assets::Asset, ctx: &Context) -> Evaluation {
    use cspm_assets::Slot;
    let min = ctx.param("min_days");
    let kept_forever = matches!(asset.fields.get("preserve_storage"), Some(Slot::Known(v)) if v == true || v == "true");
    match asset.fields.get("retention_days") {
        _ if kept_forever => Evaluation::pass(),
        None | Some(Slot::Unreported) => Evaluation::missing("ttl (sls:GetLogStore)"),
        Some(Slot::Unknown) => Evaluation::not_check("Unknown: the retention is known only after deployment"),
        Some(Slot::Absent) => {
            Evaluation::from_findings(vec![Finding::new("ttl", "not set", format!("{min} days or more"))])
        }
        Some(Slot::Known(v)) => match v.as_i64().or_else(|| v.as_str().and_then(|t| t.trim().parse().ok())) {
            Some(days) if days >= min => Evaluation::pass(),
            _ => Evaluation::from_findings(vec![Finding::new("ttl", v.to_string(), format!("{min} days or more"))]),
        },
    }
}

static LOGSTORE_RETENTION: Check = super::coded(
    "sls-logstore-retention-check",
    "SLS logstores keep logs for at least a year",
    "SLS",
    LOGSTORE,
    Category::LogAudit,
    Risk::Medium,
    &[ParamSpec {
        name: "min_days",
        description: "shortest acceptable retention, in days (3650 means kept forever)",
        min: 1,
        max: 3650,
        default: 365,
    }],
    retention_at_least,
    "Intrusions are often found months later; logs deleted before then cannot show how the attacker got in or what they took.",
    "Set the logstore's data retention (TTL / retention_period) to 365 days or more, or keep data permanently.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 2.23"]);

static LOGSTORE_TTL_CONFIGURED: Check = declare(
    "sls-logstore-ttl-configured",
    "SLS logstores declare a log retention (TTL)",
    "SLS",
    LOGSTORE,
    Category::LogAudit,
    Risk::Medium,
    Present("ttl"),
    "Without an explicit TTL the logstore's retention is whatever the default is, not what the audit policy asks for.",
    "Give the logstore a TTL in days that matches the retention policy.",
);

static LOGSTORE_SHARDS: Check = declare(
    "sls-logstore-shard-count-configured",
    "SLS logstores declare their shard count",
    "SLS",
    LOGSTORE,
    Category::BasicProtection,
    Risk::Medium,
    Present("shard_count"),
    "A logstore with too few shards for its write load throttles ingestion and can drop logs.",
    "Set ShardCount (ROS) or shard_count (Terraform) sized for the expected write throughput.",
);

static LOGSTORE_ENCRYPT: Check = declare(
    "sls-logstore-enabled-encrypt",
    "SLS logstores encrypt data at rest",
    "SLS",
    LOGSTORE,
    Category::DataSecurity,
    Risk::Medium,
    True("encrypt_enabled"),
    "Logs often hold personal data and secrets; without encryption they are stored in plaintext.",
    "Add EncryptConf (ROS) or an encrypt_conf block (Terraform) with Enable / enable = true.",
);

static LOGSTORE_BYOK: Check = declare(
    "sls-logstore-encrypt-key-origin-check",
    "SLS logstores encrypt data with a customer-managed key",
    "SLS",
    LOGSTORE,
    Category::DataSecurity,
    Risk::Medium,
    All(&[True("encrypt_enabled"), Present("encrypt_cmk_key_id")]),
    "With the service key, the owner cannot rotate, disable or audit the key protecting the logs.",
    "In the logstore's encryption settings, enable encryption and give a KMS key in UserCmkInfo / user_cmk_info.",
);

static LOGSTORE_HOT_TTL: Check = declare(
    "sls-logstore-hot-ttl-check",
    "SLS logstores keep logs for more than 7 days",
    "SLS",
    LOGSTORE,
    Category::LogAudit,
    Risk::Low,
    Any(&[True("preserve_storage"), AtLeast("retention_days", 8.0)]),
    "Logs kept for a week or less are gone before most incidents are noticed and investigated.",
    "Raise TTL / retention_period above 7 days (tiering older data to cold storage if cost matters).",
);

static SLS_PROJECT_DESCRIPTION: Check = declare(
    "sls-project-description-required",
    "SLS projects carry a description",
    "SLS",
    SLS_PROJECT,
    Category::BasicProtection,
    Risk::Medium,
    Present("description"),
    "A project without a description is hard to attribute to an owner and purpose during reviews.",
    "Set Description (ROS) or description (Terraform) on the project.",
);

static SLS_PROJECT_ZRS: Check = declare(
    "sls-project-multi-zone",
    "SLS projects use zone-redundant storage",
    "SLS",
    SLS_PROJECT,
    Category::BasicProtection,
    Risk::Medium,
    OneOf("data_redundancy_type", &["ZRS"]),
    "With locally redundant storage, a zone outage makes the project's logs unavailable.",
    "Create the project with DataRedundancyType / data_redundancy_type = ZRS.",
);

// ---------------------------------------------------------------- ActionTrail

static TRAIL_INTACT: Check = declare(
    "actiontrail-trail-intact-enabled",
    "ActionTrail trails record both read and write events and are not turned off",
    "ActionTrail",
    TRAIL,
    Category::LogAudit,
    Risk::High,
    // The OpenAPI spells "off" as Disable, or Fresh (created, never started),
    // in DescribeTrails, and as IsLogging false in GetTrailStatus.
    All(&[OneOf("event_rw", &["All"]), Excludes("status", &["Disable", "Disabled", "Fresh", "false"])]),
    "A trail that records only some event types, or is turned off, leaves account activity unaudited.",
    "Set EventRW / event_rw to All and keep the trail's logging enabled (status Enable, or an ALIYUN::ACTIONTRAIL::TrailLogging with Enable true).",
);

static TRAIL_EXPORTS_ALL: Check = declare(
    "actiontrail-trail-exports-all-regions",
    "An ActionTrail trail records every region's events and delivers them to OSS or Log Service",
    "ActionTrail",
    TRAIL,
    Category::LogAudit,
    Risk::Medium,
    All(&[
        OneOf("trail_region", &["All"]),
        OneOf("event_rw", &["All"]),
        Any(&[Present("oss_bucket_name"), Present("sls_project_arn")]),
    ]),
    "ActionTrail keeps events for 90 days only; a trail that covers some regions, or delivers nowhere, loses the history an investigation needs.",
    "Set TrailRegion / trail_region and EventRW / event_rw to All, and deliver to an OSS bucket (OssBucketName) or a Log Service project (SlsProjectArn).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 2.1"]);

// ---------------------------------------------------------------- KMS

static KMS_INSTANCE_MULTI_ZONE: Check = declare(
    "kms-instance-multi-zone",
    "KMS instances span at least two zones",
    "KMS",
    "ACS::KMS::Instance",
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("zone_ids", 2),
    "A KMS instance in a single zone stops serving keys, and everything that depends on them, when that zone fails.",
    "Give the instance two or more zones (Connection.ZoneIds / zone_ids) with a vSwitch in each.",
);

static KMS_KEY_DELETE_PROTECTION: Check = declare(
    "kms-key-delete-protection-enabled",
    "KMS keys are protected against deletion",
    "KMS",
    KMS_KEY,
    Category::DataSecurity,
    Risk::Medium,
    True("deletion_protection"),
    "Deleting a key makes every piece of data encrypted with it unrecoverable.",
    "KMS console > the key > enable deletion protection (DeletionProtection / deletion_protection).",
);

static KMS_KEY_DESCRIPTION: Check = declare(
    "kms-key-description-required",
    "KMS keys carry a description",
    "KMS",
    KMS_KEY,
    Category::BasicProtection,
    Risk::Medium,
    Present("description"),
    "A key without a description is hard to attribute, so it may be disabled or deleted by mistake.",
    "Set Description (ROS) or description (Terraform) saying what the key protects.",
);

static KMS_KEY_ROTATION: Check = declare(
    "kms-key-rotation-enabled",
    "KMS keys rotate automatically",
    "KMS",
    KMS_KEY,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[True("automatic_rotation"), OneOf("origin", &["EXTERNAL"])]),
    "A key that never rotates protects ever more data with the same material, widening the impact of its exposure.",
    "Enable automatic rotation with a rotation interval (EnableAutomaticRotation / automatic_rotation). Keys with imported material cannot rotate and are exempt.",
);

static KMS_SECRET_ROTATION: Check = declare(
    "kms-secret-rotation-enabled",
    "KMS secrets rotate automatically",
    "KMS",
    "ACS::KMS::Secret",
    Category::DataSecurity,
    Risk::Medium,
    True("automatic_rotation"),
    "A secret that never rotates stays valid indefinitely once it leaks.",
    "Enable automatic rotation with a rotation interval on the secret (EnableAutomaticRotation / enable_automatic_rotation).",
);

// ---------------------------------------------------------------- MaxCompute

static MAXCOMPUTE_ENCRYPTION: Check = declare(
    "maxcompute-project-encryption-enabled",
    "MaxCompute projects encrypt stored data",
    "MaxCompute",
    MAXCOMPUTE,
    Category::DataSecurity,
    Risk::High,
    True("encryption_enabled"),
    "Tables and resources of an unencrypted project are stored in plaintext.",
    "Enable data encryption for the project (Properties.Encryption.Enable / encryption_enable); it can only be turned on, not off.",
);

static MAXCOMPUTE_WHITELIST: Check = declare(
    "maxcompute-project-ip-whitelist-enabled",
    "MaxCompute projects accept connections only from whitelisted IPs",
    "MaxCompute",
    MAXCOMPUTE,
    Category::NetworkAccessControl,
    Risk::High,
    Present("ip_whitelist"),
    "Without an IP whitelist, the project accepts requests with valid credentials from any network.",
    "Set the project's IP whitelist (IpWhiteList.IpList / ip_white_list) to the addresses that need access.",
);

// ---------------------------------------------------------------- NAS

static NAS_RULE_NOT_PUBLIC: Check = declare(
    "nas-access-group-public-access-check",
    "NAS access rules do not admit every address",
    "NAS",
    "ACS::NAS::AccessRule",
    Category::NetworkAccessControl,
    Risk::High,
    All(&[Excludes("source_cidr_ip", &["0.0.0.0/0"]), Excludes("ipv6_source_cidr_ip", &["::/0"])]),
    "An access rule for 0.0.0.0/0 lets any host that can reach the mount target mount the file system.",
    "Narrow the rule's SourceCidrIp / source_cidr_ip to the clients' subnets.",
);

static NAS_ENCRYPTED: Check = declare(
    "nas-filesystem-encrypt-type-check",
    "NAS file systems encrypt data at rest",
    "NAS",
    "ACS::NAS::FileSystem",
    Category::DataSecurity,
    Risk::Low,
    AtLeast("encrypt_type", 1.0),
    "Files on an unencrypted NAS file system are stored in plaintext.",
    "Create the file system with EncryptType / encrypt_type 1 (NAS-managed key) or 2 (KMS key); it cannot be changed afterwards.",
);

static NAS_MOUNT_GROUP: Check = declare(
    "nas-filesystem-mount-target-access-group-check",
    "NAS mount targets use a custom permission group",
    "NAS",
    "ACS::NAS::MountTarget",
    Category::NetworkAccessControl,
    Risk::Medium,
    NoneOf("access_group_name", &["DEFAULT_VPC_GROUP_NAME"]),
    "The default VPC permission group lets every address in the VPC mount the file system with read-write access.",
    "Create a permission group with rules for the clients that need access and bind the mount target to it.",
);

// ---------------------------------------------------------------- RAM

/// Whether a principal (`"*"`, `["*"]`, `{"RAM": ["*"]}`) admits anyone.
fn anyone(principal: &serde_json::Value) -> bool {
    match principal {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Array(items) => items.iter().any(anyone),
        serde_json::Value::Object(m) => m.values().any(anyone),
        _ => false,
    }
}

/// No Allow statement of the bucket policy names `*` as its principal.
fn no_anonymous_grant(asset: &cspm_assets::Asset, _: &Context) -> Evaluation {
    use cspm_assets::Slot;
    let policy = match asset.fields.get("policy") {
        None | Some(Slot::Unreported) => return Evaluation::missing("the bucket policy (oss:GetBucketPolicy)"),
        Some(Slot::Unknown) => return Evaluation::not_check("Unknown: the policy is known only after deployment"),
        Some(Slot::Absent) => return Evaluation::pass(),
        Some(Slot::Known(serde_json::Value::String(text))) => match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Evaluation::error(format!("the bucket policy is not JSON: {e}")),
        },
        Some(Slot::Known(v)) => v.clone(),
    };
    let open = crate::ram::statements(&policy).into_iter().enumerate().filter(|(_, st)| {
        let allows =
            st.get("Effect").and_then(serde_json::Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case("Allow"));
        allows && st.get("Principal").is_some_and(anyone)
    });
    let findings: Vec<Finding> = open
        .map(|(i, _)| Finding::new(format!("Statement[{i}].Principal"), "*", "named accounts or RAM identities"))
        .collect();
    if findings.is_empty() && cspm_assets::iac::contains_unknown(&policy) {
        return Evaluation::not_check("Unknown: part of the policy is known only after deployment");
    }
    Evaluation::from_findings(findings)
}

static OSS_POLICY_NO_ANONYMOUS: Check = super::coded(
    "oss-bucket-policy-no-any-anonymous",
    "OSS bucket policies grant nothing to anonymous users",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::High,
    &[],
    no_anonymous_grant,
    "A policy statement allowing principal * lets anyone on the Internet, without credentials, do what it allows, whatever the bucket ACL says.",
    "Replace the * principal with the account or RAM identities that need access (OSS console > the bucket > Bucket Policy), or delete the statement.",
);

static OSS_REPLICATION: Check = declare(
    "oss-bucket-remote-replication",
    "OSS buckets replicate to another region",
    "OSS",
    OSS,
    Category::DataSecurity,
    Risk::Medium,
    True("cross_region_replication"),
    "A bucket in one region loses its data, or access to it, when that region has an outage or the bucket is deleted.",
    "Add a cross-region replication rule (OSS console > the bucket > Redundancy for Fault Tolerance, or alicloud_oss_bucket_replication).",
);

const RAM_GROUP: &str = "ACS::RAM::Group";

static RAM_GROUP_HAS_MEMBER: Check = declare(
    "ram-group-has-member-check",
    "RAM groups have at least one member",
    "RAM",
    RAM_GROUP,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Low,
    AtLeast("member_count", 1.0),
    "An empty group is dead weight in the permission model: its policies confuse reviews and wait for someone to be added by mistake.",
    "Add the users the group is for (UserToGroupAddition / alicloud_ram_group_membership), or delete the group.",
);

static RAM_GROUP_IN_USE: Check = declare(
    "ram-group-in-use-check",
    "RAM groups have members and permissions",
    "RAM",
    RAM_GROUP,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Low,
    All(&[
        AtLeast("member_count", 1.0),
        Any(&[AtLeast("policy_count", 1.0), Present("attached_policies"), Present("inline_policies")]),
    ]),
    "A group without members or without policies grants nothing: it is idle, and idle identities are where mistakes and abuse hide.",
    "Give the group its members and policies (PolicyAttachments / alicloud_ram_group_policy_attachment), or delete it.",
);

static RAM_POLICY_IN_USE: Check = declare(
    "ram-policy-in-use-check",
    "Custom RAM policies are attached to a user, group or role",
    "RAM",
    "ACS::RAM::ManagedPolicy",
    Category::IdentityAuthenticationAndPermissions,
    Risk::Low,
    When("policy_type", &["Custom"], &AtLeast("attachment_count", 1.0)),
    "An unattached custom policy is unreviewed permission waiting to be attached, often a leftover with broader rights than anyone now needs.",
    "Attach the policy where it is needed (AttachPolicyTo* / alicloud_ram_*_policy_attachment), or delete it.",
);

static RAM_PASSWORD_POLICY: Check = declare(
    "ram-password-policy-check",
    "The RAM password policy requires long passwords of all character types",
    "RAM",
    "ACS::RAM::PasswordPolicy",
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    All(&[
        AtLeast("minimum_length", 8.0),
        True("require_lowercase"),
        True("require_uppercase"),
        True("require_numbers"),
        True("require_symbols"),
    ]),
    "Short passwords or passwords from few character types are easy to guess or brute-force.",
    "RAM console > Settings > Security Settings > Password Strength: at least 8 characters with lowercase, uppercase, digits and symbols.",
);

// ---------------------------------------------------------------- others

static CMS_ALARM_NAME: Check = declare(
    "cms-alarm-name-required",
    "CloudMonitor alarm rules are named",
    "CloudMonitor",
    "ACS::CMS::Alarm",
    Category::MonitoringAndAlerting,
    Risk::Medium,
    Any(&[Present("name"), Present("legacy_name")]),
    "An unnamed alarm rule makes notifications hard to recognise and act on.",
    "Give the alarm rule a descriptive name (Name / rule_name).",
);

static EMR_MASTER_NO_PUBLIC_IP: Check = declare(
    "emr-cluster-master-public-access-check",
    "EMR cluster master nodes have no public IP",
    "EMR",
    "ACS::EMR::Cluster",
    Category::NetworkAccessControl,
    Risk::Medium,
    False("public_ip"),
    "A public IP on the master node exposes the cluster's management services to the Internet.",
    "Create the cluster with IsOpenPublicIp / is_open_public_ip = false and reach it through a VPN or bastion host.",
);

static GWLB_MULTI_ZONE: Check = declare(
    "gwlb-loadbalancer-multi-zone",
    "Gateway load balancers span at least two zones",
    "GWLB",
    "ACS::GWLB::LoadBalancer",
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("zone_ids", 2),
    "A gateway load balancer in one zone stops forwarding traffic to its appliances when that zone fails.",
    "Add zone mappings in at least two zones, each with its own vSwitch.",
);
