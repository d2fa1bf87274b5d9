//! OpenAPI mappings: RDS, Redis/Tair (`r-kvstore`), PolarDB (`polardb`),
//! MongoDB (`dds`), Elasticsearch (`elasticsearch` 2017-06-13), HBase
//! (`hbase` 2019-01-01) and Kafka (`alikafka` 2019-09-16).
//!
//! RDS calls come from the OpenAPI field catalogue; the other paths are the
//! ones the generated SDK response models confirm. Elasticsearch answers ROA
//! style, in camelCase under `Result`.
//! Fields whose meaning needs more than a path are left `Unreported` here:
//! public endpoints (an entry of the endpoint list with `IPType`/`NetType`
//! `Public`), whitelists spread over several comma-separated groups, the
//! per-endpoint PolarDB SSL status, the PolarDB standby zone and time-zone
//! parameter, MongoDB's `NoActiveBYOK` key placeholder, Redis's
//! password-free mode (the negation of `VpcAuthMode`) and renewal period
//! (read in `openapi/derived.rs`), HBase's auto-renewal
//! period (`Duration` is documented as the renewal cycle of any subscription,
//! not as absent when `AutoRenewal` is off) and Kafka's zones (no call
//! reports the cross-zone deployment or the selected zones).
//! RDS's `tags` are not mapped either (`DescribeDBInstances` items carry
//! none, and `DescribeTags` / `ListTagResources` list tags, leaving untagged
//! instances out), nor its `storage_auto_scale` (only the undocumented
//! `DescribeDasInstanceConfig` of older SDKs reads it back).

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[
    &RDS,
    &RDS_ATTRIBUTE,
    &RDS_RENEWAL,
    &REDIS,
    &REDIS_ATTRIBUTE,
    &REDIS_RENEWAL,
    &POLARDB,
    &POLARDB_RENEWAL,
    &MONGODB,
    &MONGODB_ATTRIBUTE,
    &MONGODB_RENEWAL,
    &ELASTICSEARCH,
    &ELASTICSEARCH_DETAIL,
    &HBASE,
    &KAFKA,
];

const RDS_LIST: &str = "rds:DescribeDBInstances";
const RDS_ATTR: &str = "rds:DescribeDBInstanceAttribute";
const RDS_SSL: &str = "rds:DescribeDBInstanceSSL";
const RDS_TDE: &str = "rds:DescribeDBInstanceTDE";
const RDS_SQL_COLLECTOR: &str = "rds:DescribeSQLCollectorPolicy";
const RDS_BACKUP: &str = "rds:DescribeBackupPolicy";
const RDS_DISK_KEY: &str = "rds:DescribeDBInstanceEncryptionKey";
const RDS_RENEW: &str = "rds:DescribeInstanceAutoRenewalAttribute";

/// RDS instances. The typed adapter creates the asset from
/// `rds:DescribeDBInstances`; these mappings only add schema fields to it
/// (`Builder::entry` joins them by kind and id). The per-instance fields in
/// a list call are inside an array, which only a list mapping can read, so
/// both `DescribeDBInstances` and `DescribeDBInstanceAttribute` (whose
/// response also wraps the instance in `Items.DBInstanceAttribute[]`) are
/// read as lists: one mapping each, reading disjoint fields.
static RDS: ApiMapping = ApiMapping {
    kind: "ACS::RDS::DBInstance",
    list: Some(ApiList {
        api: RDS_LIST,
        items: "Items.DBInstance",
        id: "DBInstanceId",
        name: "DBInstanceDescription",
        region: "RegionId",
    }),
    details: &[
        ApiDetail { api: RDS_SSL, param: "DBInstanceId" },
        ApiDetail { api: RDS_TDE, param: "DBInstanceId" },
        ApiDetail { api: RDS_SQL_COLLECTOR, param: "DBInstanceId" },
        ApiDetail { api: RDS_BACKUP, param: "DBInstanceId" },
        ApiDetail { api: RDS_DISK_KEY, param: "DBInstanceId" },
    ],
    fields: &[
        ("deletion_protection", RDS_LIST, "DeletionProtection"),
        ("pay_type", RDS_LIST, "PayType"),
        ("category", RDS_LIST, "Category"),
        ("zone_id", RDS_LIST, "ZoneId"),
        // The API's own (misspelt) name: whether the instance spans zones.
        ("multi_az", RDS_LIST, "MutriORsignle"),
        ("vpc_id", RDS_LIST, "VpcId"),
        ("vswitch_id", RDS_LIST, "VSwitchId"),
        ("storage_type", RDS_LIST, "DBInstanceStorageType"),
        // `Yes`/`No` (MySQL, SQL Server) or `on`/`off` (PostgreSQL).
        ("ssl_setting", RDS_SSL, "SSLEnabled"),
        // `Enabled` or `Disabled`.
        ("tde_status", RDS_TDE, "TDEStatus"),
        // `Aliyun_Generate_Key` (the service's key) or `Customer_Provided_Key`; and the custom key's id.
        ("tde_mode", RDS_TDE, "TDEMode"),
        ("tde_encryption_key", RDS_TDE, "EncryptionKey"),
        // `Enable` or `Disabled`.
        ("sql_collector_status", RDS_SQL_COLLECTOR, "SQLCollectorStatus"),
        // Text: `1` (on) or `0` (off), `True`/`False` in older answers; all read as booleans.
        ("backup_log", RDS_BACKUP, "EnableBackupLog"),
        // The disk encryption key's id; empty when the disks are not encrypted.
        ("encryption_key", RDS_DISK_KEY, "EncryptionKey"),
    ],
};

static RDS_ATTRIBUTE: ApiMapping = ApiMapping {
    kind: "ACS::RDS::DBInstance",
    list: Some(ApiList {
        api: RDS_ATTR,
        items: "Items.DBInstanceAttribute",
        id: "DBInstanceId",
        name: "DBInstanceDescription",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        ("maintain_time", RDS_ATTR, "MaintainTime"),
        // Comma-separated, as in the template property.
        ("security_ips", RDS_ATTR, "SecurityIPList"),
        // The secondary nodes' zones (`[{"ZoneId": …}]`); empty or left out on the Basic edition.
        ("zone_id_slave", RDS_ATTR, "SlaveZones.SlaveZone"),
    ],
};

/// Auto-renewal lists `Items.Item[]` keyed by `DBInstanceId`; `AutoRenew` is
/// text, `True` or `False`.
static RDS_RENEWAL: ApiMapping = ApiMapping {
    kind: "ACS::RDS::DBInstance",
    list: Some(ApiList { api: RDS_RENEW, items: "Items.Item", id: "DBInstanceId", name: "", region: "RegionId" }),
    details: &[],
    fields: &[("auto_renew", RDS_RENEW, "AutoRenew")],
};

// ---------------------------------------------------------------------------
// Redis / Tair (r-kvstore 2015-01-01)

const REDIS_LIST: &str = "r-kvstore:DescribeInstances";
const REDIS_ATTR: &str = "r-kvstore:DescribeInstanceAttribute";
const REDIS_SSL: &str = "r-kvstore:DescribeInstanceSSL";
const REDIS_TDE: &str = "r-kvstore:DescribeInstanceTDEStatus";
const REDIS_BACKUP: &str = "r-kvstore:DescribeBackupPolicy";
const REDIS_RENEW: &str = "r-kvstore:DescribeInstanceAutoRenewalAttribute";

/// Redis/Tair instances from `DescribeInstances`, with the per-instance
/// SSL, TDE and backup-policy calls (flat responses, named by `InstanceId`).
static REDIS: ApiMapping = ApiMapping {
    kind: "ACS::REDIS::Instance",
    list: Some(ApiList {
        api: REDIS_LIST,
        items: "Instances.KVStoreInstance",
        id: "InstanceId",
        name: "InstanceName",
        region: "RegionId",
    }),
    details: &[
        ApiDetail { api: REDIS_SSL, param: "InstanceId" },
        ApiDetail { api: REDIS_TDE, param: "InstanceId" },
        ApiDetail { api: REDIS_BACKUP, param: "InstanceId" },
    ],
    fields: &[
        ("instance_class", REDIS_LIST, "InstanceClass"),
        ("instance_name", REDIS_LIST, "InstanceName"),
        // `double` or `single`.
        ("node_type", REDIS_LIST, "NodeType"),
        // Both empty on the classic network.
        ("vpc_id", REDIS_LIST, "VpcId"),
        ("vswitch_id", REDIS_LIST, "VSwitchId"),
        // Left out unless the replica is in a second zone.
        ("secondary_zone_id", REDIS_LIST, "SecondaryZoneId"),
        // Only on cloud-native cluster and read/write-splitting instances.
        ("shard_count", REDIS_LIST, "ShardCount"),
        // MB, as in the templates.
        ("capacity", REDIS_LIST, "Capacity"),
        // `PrePaid` or `PostPaid`.
        ("charge_type", REDIS_LIST, "ChargeType"),
        // `Enable` or `Disable` (text). No call reports a minimum TLS version.
        ("ssl", REDIS_SSL, "SSLEnabled"),
        // `Enabled` or `Disable`: the API's own, inconsistent spelling; both read as booleans.
        ("tde_status", REDIS_TDE, "TDEStatus"),
        // `05:00Z-06:00Z` (UTC), and a comma list of weekdays.
        ("backup_time", REDIS_BACKUP, "PreferredBackupTime"),
        ("backup_period", REDIS_BACKUP, "PreferredBackupPeriod"),
        // A number, 1 (on) or 0 (off), not a boolean.
        ("backup_log", REDIS_BACKUP, "EnableBackupLog"),
    ],
};

/// `DescribeInstanceAttribute` wraps the instance in `Instances.DBInstanceAttribute[]`,
/// so it is read as a list (see `RDS_ATTRIBUTE`).
static REDIS_ATTRIBUTE: ApiMapping = ApiMapping {
    kind: "ACS::REDIS::Instance",
    list: Some(ApiList {
        api: REDIS_ATTR,
        items: "Instances.DBInstanceAttribute",
        id: "InstanceId",
        name: "InstanceName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        ("instance_class", REDIS_ATTR, "InstanceClass"),
        ("node_type", REDIS_ATTR, "NodeType"),
        ("vpc_id", REDIS_ATTR, "VpcId"),
        ("vswitch_id", REDIS_ATTR, "VSwitchId"),
        ("secondary_zone_id", REDIS_ATTR, "SecondaryZoneId"),
        ("shard_count", REDIS_ATTR, "ShardCount"),
        ("capacity", REDIS_ATTR, "Capacity"),
        ("charge_type", REDIS_ATTR, "ChargeType"),
        // A JSON boolean.
        ("deletion_protection", REDIS_ATTR, "InstanceReleaseProtection"),
        // `Open`: a password is required inside the VPC; `Close`: password-free
        // access. (`password_free` is its negation, which a path cannot express.)
        ("vpc_auth_mode", REDIS_ATTR, "VpcAuthMode"),
    ],
};

/// Auto-renewal lists `Items.Item[]` keyed by `DBInstanceId`. `AutoRenew` is
/// text, `"true"` or `"false"`. `Duration` is documented only as "the
/// auto-renewal period", not as absent when auto-renewal is off, so
/// `openapi/derived.rs` reads it as `auto_renew_duration` only while
/// `AutoRenew` is on.
static REDIS_RENEWAL: ApiMapping = ApiMapping {
    kind: "ACS::REDIS::Instance",
    list: Some(ApiList { api: REDIS_RENEW, items: "Items.Item", id: "DBInstanceId", name: "", region: "RegionId" }),
    details: &[],
    fields: &[("auto_renew", REDIS_RENEW, "AutoRenew")],
};

// ---------------------------------------------------------------------------
// PolarDB (polardb 2017-08-01)

const POLARDB_LIST: &str = "polardb:DescribeDBClusters";
const POLARDB_ATTR: &str = "polardb:DescribeDBClusterAttribute";
const POLARDB_TDE: &str = "polardb:DescribeDBClusterTDE";
const POLARDB_RENEW: &str = "polardb:DescribeAutoRenewAttribute";

/// PolarDB clusters from `DescribeDBClusters`; `DescribeDBClusterAttribute`
/// and `DescribeDBClusterTDE` answer flat, named by `DBClusterId`.
static POLARDB: ApiMapping = ApiMapping {
    kind: "ACS::POLARDB::DBCluster",
    list: Some(ApiList {
        api: POLARDB_LIST,
        items: "Items.DBCluster",
        id: "DBClusterId",
        name: "DBClusterDescription",
        region: "RegionId",
    }),
    details: &[
        ApiDetail { api: POLARDB_ATTR, param: "DBClusterId" },
        ApiDetail { api: POLARDB_TDE, param: "DBClusterId" },
    ],
    fields: &[
        // A number, 1 (locked) or 0, in both calls.
        ("deletion_protection", POLARDB_LIST, "DeletionLock"),
        ("deletion_protection", POLARDB_ATTR, "DeletionLock"),
        // `Prepaid` or `Postpaid` (lower-case p).
        ("pay_type", POLARDB_LIST, "PayType"),
        ("pay_type", POLARDB_ATTR, "PayType"),
        // The primary zone only; the standby zone has no field of its own.
        ("zone_id", POLARDB_LIST, "ZoneId"),
        ("db_version", POLARDB_LIST, "DBVersion"),
        ("db_version", POLARDB_ATTR, "DBVersion"),
        ("network_type", POLARDB_LIST, "DBClusterNetworkType"),
        ("network_type", POLARDB_ATTR, "DBClusterNetworkType"),
        // Spelt `VswitchId` in the list, `VSwitchId` in the attribute call.
        ("vswitch_id", POLARDB_LIST, "VswitchId"),
        ("vswitch_id", POLARDB_ATTR, "VSwitchId"),
        // `[{"Key", "Value"}]`: under `Tags.Tag` in the list, directly under `Tags` in the attribute call.
        ("tags", POLARDB_LIST, "Tags.Tag"),
        ("tags", POLARDB_ATTR, "Tags"),
        // `18:00Z-19:00Z` (UTC).
        ("maintain_time", POLARDB_ATTR, "MaintainTime"),
        // `Enabled` or `Disabled`.
        ("tde_status", POLARDB_TDE, "TDEStatus"),
    ],
};

/// `Items.AutoRenewAttribute[]`: `RenewalStatus` is `AutoRenewal`, `Normal`
/// (renewed by hand) or `NotRenewal`, as in the templates.
static POLARDB_RENEWAL: ApiMapping = ApiMapping {
    kind: "ACS::POLARDB::DBCluster",
    list: Some(ApiList {
        api: POLARDB_RENEW,
        items: "Items.AutoRenewAttribute",
        id: "DBClusterId",
        name: "",
        region: "RegionId",
    }),
    details: &[],
    fields: &[("renewal_status", POLARDB_RENEW, "RenewalStatus")],
};

// ---------------------------------------------------------------------------
// MongoDB (dds 2015-12-01)

const MONGODB_LIST: &str = "dds:DescribeDBInstances";
const MONGODB_ATTR: &str = "dds:DescribeDBInstanceAttribute";
const MONGODB_SSL: &str = "dds:DescribeDBInstanceSSL";
const MONGODB_TDE: &str = "dds:DescribeDBInstanceTDEInfo";
const MONGODB_AUDIT: &str = "dds:DescribeAuditPolicy";
const MONGODB_RENEW: &str = "dds:DescribeInstanceAutoRenewalAttribute";

/// MongoDB instances from `DescribeDBInstances` (which reports no VPC or
/// vSwitch), with the flat SSL, TDE and audit calls named by `DBInstanceId`.
static MONGODB: ApiMapping = ApiMapping {
    kind: "ACS::MONGODB::Instance",
    list: Some(ApiList {
        api: MONGODB_LIST,
        items: "DBInstances.DBInstance",
        id: "DBInstanceId",
        name: "DBInstanceDescription",
        region: "RegionId",
    }),
    details: &[
        ApiDetail { api: MONGODB_SSL, param: "DBInstanceId" },
        ApiDetail { api: MONGODB_TDE, param: "DBInstanceId" },
        ApiDetail { api: MONGODB_AUDIT, param: "DBInstanceId" },
    ],
    fields: &[
        // `PrePaid` or `PostPaid`.
        ("charge_type", MONGODB_LIST, "ChargeType"),
        ("instance_class", MONGODB_LIST, "DBInstanceClass"),
        // `Classic` or `VPC` (mixed case, unlike Redis's `CLASSIC`).
        ("network_type", MONGODB_LIST, "NetworkType"),
        // Text ("3"); replica sets only.
        ("replication_factor", MONGODB_LIST, "ReplicationFactor"),
        ("secondary_zone_id", MONGODB_LIST, "SecondaryZoneId"),
        // `Open` or `Closed`: the state the template's `SSLAction: Open` asks for.
        ("ssl_action", MONGODB_SSL, "SSLStatus"),
        // Lower case: `enabled` or `disabled`. (`EncryptionKey` in the same
        // response reads `NoActiveBYOK` when there is no key, so it is not mapped.)
        ("tde_status", MONGODB_TDE, "TDEStatus"),
        // `Enable` or `Disabled`.
        ("audit_status", MONGODB_AUDIT, "LogAuditStatus"),
    ],
};

/// `DescribeDBInstanceAttribute` wraps the instance in `DBInstances.DBInstance[]`
/// like the list call, so it is read as a list of its own.
static MONGODB_ATTRIBUTE: ApiMapping = ApiMapping {
    kind: "ACS::MONGODB::Instance",
    list: Some(ApiList {
        api: MONGODB_ATTR,
        items: "DBInstances.DBInstance",
        id: "DBInstanceId",
        name: "DBInstanceDescription",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        ("charge_type", MONGODB_ATTR, "ChargeType"),
        ("instance_class", MONGODB_ATTR, "DBInstanceClass"),
        ("network_type", MONGODB_ATTR, "NetworkType"),
        ("replication_factor", MONGODB_ATTR, "ReplicationFactor"),
        ("secondary_zone_id", MONGODB_ATTR, "SecondaryZoneId"),
        // Capital `VPCId` here.
        ("vpc_id", MONGODB_ATTR, "VPCId"),
        ("vswitch_id", MONGODB_ATTR, "VSwitchId"),
        // A JSON boolean.
        ("release_protection", MONGODB_ATTR, "DBInstanceReleaseProtection"),
    ],
};

/// `Items.Item[]` keyed by `DbInstanceId` (this spelling); `AutoRenew` is text, `"true"` or `"false"`.
static MONGODB_RENEWAL: ApiMapping = ApiMapping {
    kind: "ACS::MONGODB::Instance",
    list: Some(ApiList { api: MONGODB_RENEW, items: "Items.Item", id: "DbInstanceId", name: "", region: "RegionId" }),
    details: &[],
    fields: &[("auto_renew", MONGODB_RENEW, "AutoRenew")],
};

// ---------------------------------------------------------------------------
// Elasticsearch (elasticsearch 2017-06-13, ROA)

const ES_LIST: &str = "elasticsearch:ListInstance";
const ES_DETAIL: &str = "elasticsearch:DescribeInstance";

/// Instances from `ListInstance` (`Result[]`), which reports neither the
/// public endpoint switch nor the zone count.
static ELASTICSEARCH: ApiMapping = ApiMapping {
    kind: "ACS::Elasticsearch::Instance",
    list: Some(ApiList { api: ES_LIST, items: "Result", id: "instanceId", name: "description", region: "" }),
    details: &[],
    fields: &[
        // A JSON boolean; one setting, read by both schema spellings.
        ("data_node_disk_encryption", ES_LIST, "nodeSpec.diskEncryption"),
        ("data_node_disk_encrypted", ES_LIST, "nodeSpec.diskEncryption"),
        // The public Kibana whitelist (`kibanaPrivateIPWhitelist` is the VPC one).
        ("kibana_whitelist", ES_LIST, "kibanaIPWhitelist"),
        ("public_whitelist", ES_LIST, "publicIpWhitelist"),
        // e.g. `7.10_with_X-Pack`.
        ("version", ES_LIST, "esVersion"),
    ],
};

/// `DescribeInstance` (`GET /openapi/instances/<id>`) names the instance in
/// the path, not in a request parameter; its `Result` object names it too,
/// so it is read as a one-item list of itself.
static ELASTICSEARCH_DETAIL: ApiMapping = ApiMapping {
    kind: "ACS::Elasticsearch::Instance",
    list: Some(ApiList { api: ES_DETAIL, items: "Result", id: "instanceId", name: "description", region: "" }),
    details: &[],
    fields: &[
        ("data_node_disk_encryption", ES_DETAIL, "nodeSpec.diskEncryption"),
        ("data_node_disk_encrypted", ES_DETAIL, "nodeSpec.diskEncryption"),
        ("kibana_whitelist", ES_DETAIL, "kibanaIPWhitelist"),
        // A JSON boolean: whether the cluster has a public endpoint.
        ("enable_public", ES_DETAIL, "enablePublic"),
        ("public_whitelist", ES_DETAIL, "publicIpWhitelist"),
        ("zone_count", ES_DETAIL, "zoneCount"),
        ("version", ES_DETAIL, "esVersion"),
    ],
};

// ---------------------------------------------------------------------------
// HBase (hbase 2019-01-01)

const HBASE_LIST: &str = "hbase:DescribeInstances";

static HBASE: ApiMapping = ApiMapping {
    kind: "ACS::HBase::Cluster",
    list: Some(ApiList {
        api: HBASE_LIST,
        items: "Instances.Instance",
        id: "InstanceId",
        name: "InstanceName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // A JSON boolean.
        ("deletion_protection", HBASE_LIST, "IsDeletionProtection"),
        // `Prepaid` or `Postpaid`.
        ("pay_type", HBASE_LIST, "PayType"),
        // Core nodes, as the templates' `NodeCount` / `core_instance_quantity`.
        ("node_count", HBASE_LIST, "CoreNodeCount"),
        // Both empty on the classic network.
        ("vpc_id", HBASE_LIST, "VpcId"),
        ("vswitch_id", HBASE_LIST, "VswitchId"),
        // `hbase`, `hbaseue`, `serverlesshbase` or `bds`.
        ("engine", HBASE_LIST, "Engine"),
    ],
};

// ---------------------------------------------------------------------------
// Kafka (alikafka 2019-09-16)

const KAFKA_LIST: &str = "alikafka:GetInstanceList";

static KAFKA: ApiMapping = ApiMapping {
    kind: "ACS::KAFKA::Instance",
    list: Some(ApiList {
        api: KAFKA_LIST,
        items: "InstanceList.InstanceVO",
        id: "InstanceId",
        name: "Name",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // Empty when the disks are not encrypted.
        ("kms_key_id", KAFKA_LIST, "KmsKeyId"),
        // A number: 4 (VPC only) or 5 (Internet and VPC), as the templates' `DeployType`.
        ("deploy_type", KAFKA_LIST, "DeployType"),
    ],
};
