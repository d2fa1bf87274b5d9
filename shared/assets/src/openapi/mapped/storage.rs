//! OpenAPI mappings: OSS, SLS, ActionTrail, KMS, RAM, NAS.
//!
//! OSS answers in XML; XML text is read into JSON under the same element
//! names (`BucketInfo.Bucket.Versioning`, see `openapi::xml`), as the SDKs
//! print it, and these paths read that. SLS answers in JSON with its own lower-case names
//! (`encrypt_conf.enable`, `shardCount`).
//!
//! Not mapped: the RAM password policy (the typed adapter reads
//! `ram:GetPasswordPolicy` into the account-wide asset `account` and fills
//! its schema fields itself); KMS instances. KMS secrets are named by their
//! name, which is unique in a region only: import one region's secrets per
//! inventory.

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[
    &OSS_BUCKET,
    &SLS_PROJECT,
    &SLS_LOGSTORE,
    &TRAIL,
    &RAM_POLICY,
    &RAM_ROLE,
    &RAM_GROUP,
    &KMS_KEY,
    &KMS_SECRET,
    &NAS_FILE_SYSTEM,
];

// ---------------------------------------------------------------- OSS

const OSS_INFO: &str = "oss:GetBucketInfo";
const OSS_ACL: &str = "oss:GetBucketAcl";
const OSS_VERSIONING: &str = "oss:GetBucketVersioning";
const OSS_LOGGING: &str = "oss:GetBucketLogging";
const OSS_ENCRYPTION: &str = "oss:GetBucketEncryption";
/// The body is the policy document itself; a bucket without one answers
/// `NoSuchBucketPolicy` (read in `openapi/mod.rs`).
const OSS_POLICY: &str = "oss:GetBucketPolicy";
const OSS_REFERER: &str = "oss:GetBucketReferer";
const OSS_TAGGING: &str = "oss:GetBucketTagging";

/// The typed adapter creates the bucket from `GetBucketInfo` (which names
/// it, so no request parameter is needed) or `GetBucketAcl`; the other calls
/// name it in `BucketName`. `GetBucketInfo` is read here as a one-item list
/// of itself, so its response is read whether or not `params` are given.
static OSS_BUCKET: ApiMapping = ApiMapping {
    kind: "ACS::OSS::Bucket",
    list: Some(ApiList { api: OSS_INFO, items: "BucketInfo.Bucket", id: "Name", name: "Name", region: "Location" }),
    details: &[
        ApiDetail { api: OSS_ACL, param: "BucketName" },
        ApiDetail { api: OSS_VERSIONING, param: "BucketName" },
        ApiDetail { api: OSS_LOGGING, param: "BucketName" },
        ApiDetail { api: OSS_ENCRYPTION, param: "BucketName" },
        ApiDetail { api: OSS_POLICY, param: "BucketName" },
        ApiDetail { api: OSS_REFERER, param: "BucketName" },
        ApiDetail { api: OSS_TAGGING, param: "BucketName" },
    ],
    fields: &[
        ("acl", OSS_INFO, "AccessControlList.Grant"),
        // Enabled / Disabled.
        ("cross_region_replication", OSS_INFO, "CrossRegionReplication"),
        // One referer is text, several a list; an empty `<RefererList/>` none.
        ("referers", OSS_REFERER, "RefererConfiguration.RefererList.Referer"),
        ("referer_allow_empty", OSS_REFERER, "RefererConfiguration.AllowEmptyReferer"),
        // `<Tag><Key>…</Key><Value>…</Value></Tag>` elements; an empty `<TagSet/>` none.
        ("tags", OSS_TAGGING, "Tagging.TagSet.Tag"),
        // Absent until versioning is first configured: never enabled.
        ("versioning_status", OSS_INFO, "Versioning"),
        // Empty when access logging is off.
        ("logging_target_bucket", OSS_INFO, "BucketPolicy.LogBucket"),
        // `None` when no default encryption is configured.
        ("sse_algorithm", OSS_INFO, "ServerSideEncryptionRule.SSEAlgorithm"),
        ("sse_kms_key_id", OSS_INFO, "ServerSideEncryptionRule.KMSMasterKeyID"),
        ("redundancy_type", OSS_INFO, "DataRedundancyType"),
        ("acl", OSS_ACL, "AccessControlPolicy.AccessControlList.Grant"),
        ("policy", OSS_POLICY, ""),
        // The statements' conditions the declared items read, as in a ROS policy;
        // `policy_text` (Terraform's JSON text) is the document itself here.
        ("policy_text", OSS_POLICY, ""),
        ("secure_transport_condition", OSS_POLICY, "Statement[].Condition.Bool.acs:SecureTransport"),
        ("tls_version_condition", OSS_POLICY, "Statement[].Condition.NumericLessThan.acs:TLSVersion"),
        ("source_ip_condition", OSS_POLICY, "Statement[].Condition.IpAddress.acs:SourceIp"),
        ("versioning_status", OSS_VERSIONING, "VersioningConfiguration.Status"),
        ("logging_target_bucket", OSS_LOGGING, "BucketLoggingStatus.LoggingEnabled.TargetBucket"),
        ("sse_algorithm", OSS_ENCRYPTION, "ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.SSEAlgorithm"),
        (
            "sse_kms_key_id",
            OSS_ENCRYPTION,
            "ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID",
        ),
    ],
};

// ---------------------------------------------------------------- SLS

const SLS_PROJECTS: &str = "sls:ListProject";
const SLS_LOGSTORE_DETAIL: &str = "sls:GetLogStore";

static SLS_PROJECT: ApiMapping = ApiMapping {
    kind: "ACS::SLS::Project",
    list: Some(ApiList {
        api: SLS_PROJECTS,
        items: "projects",
        id: "projectName",
        name: "projectName",
        region: "region",
    }),
    details: &[],
    fields: &[
        ("description", SLS_PROJECTS, "description"),
        ("data_redundancy_type", SLS_PROJECTS, "dataRedundancyType"),
    ],
};

/// `ListLogStores` gives names only, so each logstore comes from its
/// `GetLogStore` response, named `project:logstore` by the request's
/// parameters (a logstore name is unique within its project only).
static SLS_LOGSTORE: ApiMapping = ApiMapping {
    kind: "ACS::SLS::Logstore",
    list: None,
    details: &[ApiDetail { api: SLS_LOGSTORE_DETAIL, param: "project,logstore" }],
    fields: &[
        // The service always reports the retention (3650 days: kept forever).
        ("ttl", SLS_LOGSTORE_DETAIL, "ttl"),
        ("retention_days", SLS_LOGSTORE_DETAIL, "ttl"),
        ("shard_count", SLS_LOGSTORE_DETAIL, "shardCount"),
        ("encrypt_enabled", SLS_LOGSTORE_DETAIL, "encrypt_conf.enable"),
        ("encrypt_cmk_key_id", SLS_LOGSTORE_DETAIL, "encrypt_conf.user_cmk_info.cmk_key_id"),
    ],
};

// ---------------------------------------------------------------- ActionTrail

const TRAILS: &str = "actiontrail:DescribeTrails";
const TRAIL_STATUS: &str = "actiontrail:GetTrailStatus";

static TRAIL: ApiMapping = ApiMapping {
    kind: "ACS::ActionTrail::Trail",
    list: Some(ApiList { api: TRAILS, items: "TrailList", id: "Name", name: "Name", region: "HomeRegion" }),
    details: &[ApiDetail { api: TRAIL_STATUS, param: "Name" }],
    fields: &[
        ("name", TRAILS, "Name"),
        ("event_rw", TRAILS, "EventRW"),
        // Enable, Disable, or Fresh (created, logging never started).
        ("status", TRAILS, "Status"),
        // true / false: the same fact, from the trail's own status call.
        ("status", TRAIL_STATUS, "IsLogging"),
        ("trail_region", TRAILS, "TrailRegion"),
        ("oss_bucket_name", TRAILS, "OssBucketName"),
        ("sls_project_arn", TRAILS, "SlsProjectArn"),
    ],
};

// ---------------------------------------------------------------- RAM

const RAM_ROLES: &str = "ram:ListRoles";
const RAM_ROLE_DETAIL: &str = "ram:GetRole";

/// Roles, named by their (account-unique) name. `GetRole` gives the trust
/// policy as JSON text; the attached policies come from `ListPoliciesForRole`
/// (read in `openapi/derived.rs`).
static RAM_ROLE: ApiMapping = ApiMapping {
    kind: "ACS::RAM::Role",
    list: Some(ApiList { api: RAM_ROLES, items: "Roles.Role", id: "RoleName", name: "RoleName", region: "" }),
    details: &[ApiDetail { api: RAM_ROLE_DETAIL, param: "RoleName" }],
    fields: &[("trust_policy", RAM_ROLE_DETAIL, "Role.AssumeRolePolicyDocument")],
};

/// Groups, named by their name; members and policies are counted from
/// `ListUsersForGroup` and `ListPoliciesForGroup` (read in `openapi/derived.rs`).
static RAM_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::RAM::Group",
    list: Some(ApiList {
        api: "ram:ListGroups",
        items: "Groups.Group",
        id: "GroupName",
        name: "GroupName",
        region: "",
    }),
    details: &[],
    fields: &[],
};

const RAM_POLICIES: &str = "ram:ListPolicies";
const RAM_POLICY_VERSION: &str = "ram:GetPolicyVersion";

/// Import the default version (`VersionId` = the list's `DefaultVersion`):
/// the last version read for a policy is the one checked.
static RAM_POLICY: ApiMapping = ApiMapping {
    kind: "ACS::RAM::ManagedPolicy",
    list: Some(ApiList {
        api: RAM_POLICIES,
        items: "Policies.Policy",
        id: "PolicyName",
        name: "PolicyName",
        region: "",
    }),
    details: &[ApiDetail { api: RAM_POLICY_VERSION, param: "PolicyName" }],
    fields: &[
        // Custom / System.
        ("policy_type", RAM_POLICIES, "PolicyType"),
        ("attachment_count", RAM_POLICIES, "AttachmentCount"),
        ("policy_document", RAM_POLICY_VERSION, "PolicyVersion.PolicyDocument"),
    ],
};

// ---------------------------------------------------------------- KMS

const KMS_KEYS: &str = "kms:ListKeys";
const KMS_KEY_DETAIL: &str = "kms:DescribeKey";

static KMS_KEY: ApiMapping = ApiMapping {
    kind: "ACS::KMS::Key",
    list: Some(ApiList { api: KMS_KEYS, items: "Keys.Key", id: "KeyId", name: "", region: "" }),
    details: &[ApiDetail { api: KMS_KEY_DETAIL, param: "KeyId" }],
    fields: &[
        ("description", KMS_KEY_DETAIL, "KeyMetadata.Description"),
        // Enabled / Disabled.
        ("deletion_protection", KMS_KEY_DETAIL, "KeyMetadata.DeletionProtection"),
        // Enabled / Disabled / Suspended.
        ("automatic_rotation", KMS_KEY_DETAIL, "KeyMetadata.AutomaticRotation"),
        // Aliyun_KMS / EXTERNAL.
        ("origin", KMS_KEY_DETAIL, "KeyMetadata.Origin"),
    ],
};

const KMS_SECRETS: &str = "kms:ListSecrets";
const KMS_SECRET_DETAIL: &str = "kms:DescribeSecret";

/// Secrets Manager secrets, named by their name; `DescribeSecret` tells
/// whether they rotate.
static KMS_SECRET: ApiMapping = ApiMapping {
    kind: "ACS::KMS::Secret",
    list: Some(ApiList {
        api: KMS_SECRETS,
        items: "SecretList.Secret",
        id: "SecretName",
        name: "SecretName",
        region: "",
    }),
    details: &[ApiDetail { api: KMS_SECRET_DETAIL, param: "SecretName" }],
    fields: &[
        // Generic / Rds / Redis / RAMCredentials / ECS, as in the templates.
        ("secret_type", KMS_SECRETS, "SecretType"),
        ("secret_type", KMS_SECRET_DETAIL, "SecretType"),
        // Enabled / Disabled / Invalid (a secret that cannot rotate).
        ("automatic_rotation", KMS_SECRET_DETAIL, "AutomaticRotation"),
    ],
};

// ---------------------------------------------------------------- NAS

const NAS_FILE_SYSTEMS: &str = "nas:DescribeFileSystems";

/// File systems; their mount targets and the access groups' rules are read in
/// `openapi/derived.rs` (a mount target is named by its domain, a rule by its
/// access group and rule id).
static NAS_FILE_SYSTEM: ApiMapping = ApiMapping {
    kind: "ACS::NAS::FileSystem",
    list: Some(ApiList {
        api: NAS_FILE_SYSTEMS,
        items: "FileSystems.FileSystem",
        id: "FileSystemId",
        name: "Description",
        region: "RegionId",
    }),
    details: &[],
    // 0: not encrypted, 1: a NAS-managed key, 2: a KMS key of one's own.
    fields: &[("encrypt_type", NAS_FILE_SYSTEMS, "EncryptType")],
};
