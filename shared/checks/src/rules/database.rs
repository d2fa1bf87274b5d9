//! Check items: RDS, PolarDB, MongoDB, Redis/KVStore, GPDB, Lindorm, HBase, OTS, ADB, ClickHouse, Elasticsearch, Kafka.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[
    &REDIS_DOUBLE_NODE,
    &REDIS_SSL,
    &REDIS_IN_VPC,
    &REDIS_MULTI_ZONE,
    &REDIS_CLUSTER_ARCH,
    &REDIS_BACKUP_POLICY,
    &REDIS_BACKUP_LOG,
    &REDIS_BACKUP_TIME,
    &REDIS_CLASS_REQUIRED,
    &REDIS_BYOK_TDE,
    &REDIS_EXPIRED,
    &REDIS_NAME_REQUIRED,
    &REDIS_NO_PUBLIC,
    &REDIS_AUTH,
    &REDIS_RELEASE_PROTECTION,
    &REDIS_TLS,
    &REDIS_MIN_CAPACITY,
    &REDIS_PUBLIC_ANY_IP,
    &REDIS_VPC_REQUIRED,
    &RDS_DELETE_PROTECTION,
    &RDS_DELETION_PROTECTION,
    &RDS_AUDITING,
    &RDS_DISK_ENCRYPTION,
    &RDS_LOG_BACKUP,
    &RDS_TDE_OR_DISK,
    &RDS_TDE,
    &RDS_TDE_BYOK,
    &RDS_EXPIRED,
    &RDS_GUARD,
    &RDS_MAINTAIN_TIME,
    &RDS_SECONDARY_ZONE,
    &RDS_STORAGE_AUTOSCALE,
    &RDS_TAGS,
    &RDS_ZONE,
    &RDS_IN_VPC,
    &RDS_MULTI_AZ,
    &RDS_PAY_TYPE,
    &RDS_PUBLIC,
    &RDS_PUBLIC_ANY_IP,
    &RDS_STORAGE_TYPE,
    &RDS_SSL_REQUIRED,
    &RDS_TDE_REQUIRED,
    &RDS_VPC_REQUIRED,
    &POLARDB_TIME_ZONE,
    &POLARDB_DELETE_PROTECTION,
    &POLARDB_SSL,
    &POLARDB_TDE,
    &POLARDB_EXPIRED,
    &POLARDB_MAINTAIN_TIME,
    &POLARDB_MULTI_ZONE,
    &POLARDB_TAGS,
    &POLARDB_IN_VPC,
    &POLARDB_PUBLIC,
    &POLARDB_PUBLIC_ANY_IP,
    &POLARDB_VERSION,
    &POLARDBX_MULTI_ZONE,
    &MONGODB_EXPIRED,
    &MONGODB_SSL,
    &MONGODB_BYOK,
    &MONGODB_IN_VPC,
    &MONGODB_AUDIT,
    &MONGODB_MULTI_NODE,
    &MONGODB_MULTI_ZONE,
    &MONGODB_RELEASE_PROTECTION,
    &MONGODB_NOT_SHARED,
    &MONGODB_PUBLIC,
    &MONGODB_PUBLIC_ANY_IP,
    &ES_DATA_NODE_ENCRYPTION,
    &ES_NODE_CONFIG_ENCRYPTION,
    &ES_KIBANA_PUBLIC,
    &ES_PUBLIC,
    &ES_MULTI_ZONE,
    &ES_VERSION,
    &ES_PUBLIC_ANY_IP,
    &HBASE_DELETION_PROTECTION,
    &HBASE_EXPIRED,
    &HBASE_HA,
    &HBASE_IN_VPC,
    &HBASE_MULTI_ZONE,
    &KAFKA_DISK_ENCRYPTED,
    &KAFKA_MULTI_ZONE,
    &KAFKA_PUBLIC,
    &LINDORM_IN_VPC,
    &LINDORM_MULTI_ZONE,
    &OTS_NETWORK,
    &GPDB_ENCRYPTION,
    &GPDB_MULTI_ZONE,
    &ADB_MULTI_ZONE,
    &CLICKHOUSE_MULTI_ZONE,
    &TSDB_WHITELIST,
];

const REDIS: &str = "ACS::REDIS::Instance";

static REDIS_DOUBLE_NODE: Check = declare(
    "redis-instance-double-node-type",
    "Redis instances run a master and a replica",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    OneOf("node_type", &["double"]),
    "A single-node Redis instance loses its data and service when its one node fails.",
    "Create the instance with the dual-node (master-replica) architecture, or migrate a single-node instance to it.",
);

static REDIS_SSL: Check = declare(
    "redis-instance-enabled-ssl",
    "Redis instances encrypt connections with SSL",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("ssl", &["Enable", "Enabled", "true"]),
    "Without SSL, commands and data travel between clients and Redis in plaintext.",
    "Tair (Redis) console > the instance > Data Security > SSL: enable SSL, and have clients connect with TLS.",
);

static REDIS_IN_VPC: Check = declare(
    "redis-instance-in-vpc",
    "Redis instances are deployed in a VPC",
    "Redis",
    REDIS,
    Category::NetworkAccessControl,
    Risk::Medium,
    Present("vswitch_id"),
    "An instance on the classic network shares a flat network with other tenants' resources.",
    "Create the instance in a VPC vSwitch, or switch the classic-network instance to a VPC.",
);

static REDIS_MULTI_ZONE: Check = declare(
    "redis-instance-multi-zone",
    "Redis instances place their replica in a second zone",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    Present("secondary_zone_id"),
    "With both nodes in one zone, a zone outage takes the instance down.",
    "Set a secondary zone for the replica when creating the instance, or migrate it to a multi-zone deployment.",
);

/// Whitelist entries that admit every address.
const ANY_IP: &[&str] = &["0.0.0.0/0", "0.0.0.0", "::/0"];

// ---------------------------------------------------------------------------
// Redis / Tair

static REDIS_CLUSTER_ARCH: Check = declare(
    "redis-architecturetype-cluster-check",
    "Redis instances use the cluster (sharded) architecture",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    // Classic cluster classes are named `redis.logic.sharding…`; cloud-native ones report ShardCount.
    Any(&[AtLeast("shard_count", 2.0), ContainsAny("instance_class", &["cluster", "sharding"])]),
    "A standard (unsharded) instance is bounded by one shard's memory and throughput, and one shard's failure stops it.",
    "Choose a cluster instance class, or set two or more shards (ShardCount / shard_number), when creating the instance.",
);

static REDIS_BACKUP_POLICY: Check = declare(
    "redis-backup-policy-required",
    "Redis instances declare a backup policy",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[Present("backup_time"), Present("backup_period")]),
    "Without a declared backup schedule, the instance's backups follow whatever default applies and may not meet recovery needs.",
    "Set BackupPolicy (PreferredBackupTime, PreferredBackupPeriod) in ROS, or backup_time / backup_period in Terraform.",
);

static REDIS_BACKUP_LOG: Check = declare(
    "redis-instance-backup-log-enabled",
    "Redis instances keep log backups on a schedule",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[True("backup_log"), Present("backup_period")]),
    "Without log or scheduled backups, data written since the last snapshot cannot be recovered.",
    "Enable log backup (enable_backup_log) or set the backup days (backup_period) on the instance's backup policy.",
);

static REDIS_BACKUP_TIME: Check = declare(
    "redis-instance-backup-time-check",
    "Redis instances set a backup window",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Low,
    Present("backup_time"),
    "Without a chosen backup window, backups may run during peak traffic and slow the instance.",
    "Set the preferred backup time (BackupPolicy.PreferredBackupTime / backup_time) to an off-peak window.",
);

static REDIS_CLASS_REQUIRED: Check = declare(
    "redis-instance-class-required",
    "Redis instances state their instance class",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    Present("instance_class"),
    "An instance without an explicit class gets whatever capacity the service picks, which may not fit the workload.",
    "Set InstanceClass (instance_class) to the specification the workload needs.",
);

static REDIS_BYOK_TDE: Check = declare(
    "redis-instance-enabled-byok-tde",
    "Redis instances encrypt data at rest with TDE",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Medium,
    True("tde_status"),
    "Without transparent data encryption, persisted data and backups are readable by anyone who obtains the files.",
    "Tair (Redis) console > the instance > Data Security > TDE: enable it with a KMS key, or set tde_status = \"Enabled\".",
);

static REDIS_EXPIRED: Check = declare(
    "redis-instance-expired-check",
    "Subscription Redis instances renew automatically",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::High,
    When("charge_type", &["PrePaid", "Prepaid"], &Any(&[True("auto_renew"), AtLeast("auto_renew_duration", 1.0)])),
    "A subscription instance that is not renewed in time is stopped and later released, with its data.",
    "Turn on auto-renewal for the subscription (AutoRenewDuration in ROS, auto_renew in Terraform).",
);

static REDIS_NAME_REQUIRED: Check = declare(
    "redis-instance-name-required",
    "Redis instances have a name",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    Present("instance_name"),
    "Unnamed instances are hard to attribute to an owner or workload during audits and incidents.",
    "Set InstanceName (db_instance_name) to a name that identifies the workload.",
);

static REDIS_NO_PUBLIC: Check = declare(
    "redis-instance-no-public-ip",
    "Redis instances have no public endpoint",
    "Redis",
    REDIS,
    Category::NetworkAccessControl,
    Risk::High,
    False("public_connection"),
    "A public endpoint exposes the Redis port to the Internet, where it is scanned and attacked.",
    "Release the public endpoint and reach the instance over its VPC endpoint; remove PublicConnection / enable_public.",
);

static REDIS_AUTH: Check = declare(
    "redis-instance-open-auth-mode",
    "Redis instances require a password inside the VPC",
    "Redis",
    REDIS,
    Category::IdentityAuthenticationAndPermissions,
    Risk::High,
    All(&[False("password_free"), OneOf("vpc_auth_mode", &["Open"])]),
    "In password-free mode, anything in the VPC can read and change the data without credentials.",
    "Turn off password-free access (VpcPasswordFree: false, or vpc_auth_mode = \"Open\") and give clients an account.",
);

static REDIS_RELEASE_PROTECTION: Check = declare(
    "redis-instance-release-protection",
    "Redis instances have release protection on",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "Without release protection, one mistaken call or template change deletes the instance and its data.",
    "Enable release protection (DeletionProtection in ROS, instance_release_protection in Terraform).",
);

static REDIS_TLS: Check = declare(
    "redis-instance-tls-version-check",
    "Redis instances accept only TLS-encrypted connections",
    "Redis",
    REDIS,
    Category::DataSecurity,
    Risk::Medium,
    True("ssl"),
    "With TLS off, clients fall back to plaintext connections that can be read or altered on the network.",
    "Enable SSL/TLS on the instance (SSLEnabled / ssl_enable = \"Enable\") and keep the minimum TLS version at 1.2.",
);

static REDIS_MIN_CAPACITY: Check = declare(
    "redis-min-capacity-limit",
    "Redis instances have at least 1 GB of memory",
    "Redis",
    REDIS,
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("capacity", 1024.0),
    "An undersized instance evicts keys or rejects writes once its memory fills.",
    "Choose a specification with at least 1 GB (Capacity / capacity of 1024 MB or more).",
);

static REDIS_PUBLIC_ANY_IP: Check = declare(
    "redis-public-and-any-ip-access-check",
    "Redis instances are neither public nor open to every address",
    "Redis",
    REDIS,
    Category::NetworkAccessControl,
    Risk::High,
    All(&[False("public_connection"), Excludes("security_ips", ANY_IP)]),
    "A public endpoint or a whitelist admitting 0.0.0.0/0 lets any Internet host try to reach the data.",
    "Release the public endpoint and replace 0.0.0.0/0 in the whitelist with the application servers' addresses.",
);

static REDIS_VPC_REQUIRED: Check = declare(
    "security-redis-instance-vpc-required",
    "Redis instances are created in a VPC",
    "Redis",
    REDIS,
    Category::NetworkAccessControl,
    Risk::High,
    Any(&[Present("vpc_id"), Present("vswitch_id")]),
    "An instance on the classic network is reachable from a network shared with other tenants.",
    "Set VpcId and VSwitchId (vswitch_id) so the instance is created in a VPC.",
);

// ---------------------------------------------------------------------------
// RDS

const RDS: &str = "ACS::RDS::DBInstance";

static RDS_DELETE_PROTECTION: Check = declare(
    "rds-instacne-delete-protection-enabled",
    "RDS instances have deletion protection on",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "Without deletion protection, one mistaken call or template change releases the database.",
    "RDS console > the instance > Basic Information: enable release protection, or set DeletionProtection / deletion_protection to true.",
);

static RDS_DELETION_PROTECTION: Check = declare(
    "rds-instance-deletion-protection-enabled",
    "RDS instances are protected from deletion",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "An unprotected instance can be released by accident, together with its data.",
    "Set DeletionProtection: true on the instance in the template, or enable release protection in the console.",
);

static RDS_AUDITING: Check = declare(
    "rds-instance-enabled-auditing",
    "RDS instances record SQL audit logs",
    "RDS",
    RDS,
    Category::LogAudit,
    Risk::Medium,
    True("sql_collector_status"),
    "Without SQL auditing, there is no record of who ran which statements when investigating an incident.",
    "Enable SQL Explorer and Audit (SQLCollectorStatus / sql_collector_status = \"Enabled\").",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 6.3"]);

static RDS_DISK_ENCRYPTION: Check = declare(
    "rds-instance-enabled-disk-encryption",
    "RDS instances encrypt their disks with a KMS key",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::High,
    Present("encryption_key"),
    "Unencrypted cloud disks expose the database files to anyone who gains access to the storage or snapshots.",
    "Create the instance with cloud disk encryption: set EncryptionKey / encryption_key to a KMS key.",
);

static RDS_LOG_BACKUP: Check = declare(
    "rds-instance-enabled-log-backup",
    "RDS instances back up their logs",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::Medium,
    True("backup_log"),
    "Without log backups the database can be restored only to a full backup, not to a point in time.",
    "Enable log backup in the backup settings (EnableBackupLog / enable_backup_log = true).",
);

static RDS_TDE_OR_DISK: Check = declare(
    "rds-instance-enabled-tde-disk-encryption",
    "RDS instances encrypt data at rest (TDE or disk encryption)",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[Present("encryption_key"), True("tde_status")]),
    "Without TDE or disk encryption, data files and backups are stored in plaintext.",
    "Enable TDE (TDEStatus / tde_status = \"Enabled\") or create the instance with an encryption key.",
);

static RDS_TDE: Check = declare(
    "rds-instance-tde-enabled",
    "RDS instances encrypt data files with TDE",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::Medium,
    True("tde_status"),
    "Without transparent data encryption, the data files and their backups can be read by anyone who obtains them.",
    "RDS console > the instance > Data Security > TDE: enable TDE (with a KMS key of your own for BYOK), or set TDEStatus / tde_status = \"Enabled\".",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 6.5"]);

static RDS_TDE_BYOK: Check = declare(
    "rds-instance-tde-byok",
    "RDS instances encrypt data files with TDE under a key of their own (BYOK)",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::Medium,
    All(&[True("tde_status"), Any(&[OneOf("tde_mode", &["Customer_Provided_Key"]), Present("tde_encryption_key")])]),
    "With the service-generated key, the owner cannot rotate, disable or audit the key that protects the data.",
    "Enable TDE with a KMS key you created (ModifyDBInstanceTDE --EncryptionKey, or tde_encryption_key in Terraform).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 6.6"]);

static RDS_EXPIRED: Check = declare(
    "rds-instance-expired-check",
    "Subscription RDS instances renew automatically",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::High,
    When("pay_type", &["Prepaid", "PrePaid"], &True("auto_renew")),
    "A subscription instance that is not renewed in time is locked and then released.",
    "Turn on auto-renewal for the subscription (AutoRenew / auto_renew = true).",
);

static RDS_GUARD: Check = declare(
    "rds-instance-has-guard-instance",
    "RDS instances run with a standby node (not the Basic edition)",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    NoneOf("category", &["Basic", "serverless_basic"]),
    "A Basic-edition instance has a single node; a node failure stops the database until it is rebuilt.",
    "Choose the High-availability (or a cluster/Finance) edition for the instance (Category / category).",
);

static RDS_MAINTAIN_TIME: Check = declare(
    "rds-instance-maintain-time-check",
    "RDS instances set a maintenance window",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Low,
    Present("maintain_time"),
    "Without a chosen window, maintenance switchovers may happen during business hours.",
    "Set MaintainTime / maintain_time to an off-peak window, e.g. 02:00Z-06:00Z.",
);

static RDS_SECONDARY_ZONE: Check = declare(
    "rds-instance-secondary-zone-required",
    "RDS instances place their secondary node in a named zone",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::High,
    Present("zone_id_slave"),
    "When the secondary node shares the primary's zone, a zone outage takes both down.",
    "Set ZoneIdSlave1 (zone_id_slave_a) to a zone other than the primary's.",
);

static RDS_STORAGE_AUTOSCALE: Check = declare(
    "rds-instance-storage-autoscale-enable",
    "RDS instances grow their storage automatically",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Low,
    True("storage_auto_scale"),
    "When storage fills up the instance becomes read-only and writes fail.",
    "Enable storage auto-scaling (StorageAutoScale / storage_auto_scale = \"Enable\") with a sensible threshold and limit.",
);

static RDS_TAGS: Check = declare(
    "rds-instance-tags-required",
    "RDS instances are tagged",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    Present("tags"),
    "Untagged instances cannot be attributed to an owner, cost centre or environment.",
    "Add tags (Tags / tags) such as env and owner to the instance.",
);

static RDS_ZONE: Check = declare(
    "rds-instance-zone-required",
    "RDS instances name their primary zone",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    Present("zone_id"),
    "Without an explicit zone, placement (and so failover and latency planning) is left to chance.",
    "Set ZoneId / zone_id to the zone the instance should run in.",
);

static RDS_IN_VPC: Check = declare(
    "rds-instances-in-vpc",
    "RDS instances are deployed in a VPC",
    "RDS",
    RDS,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("vswitch_id"), Present("vpc_id")]),
    "An instance on the classic network is reachable from a network shared with other tenants.",
    "Create the instance in a VPC vSwitch (VSwitchId / vswitch_id), or switch the classic-network instance to a VPC.",
);

static RDS_MULTI_AZ: Check = declare(
    "rds-multi-az-support",
    "RDS instances are deployed across zones",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[True("multi_az"), Present("zone_id_slave")]),
    "With all nodes in one zone, a zone outage stops the database.",
    "Deploy the instance in multi-zone mode: MultiAZ: true, or a secondary zone (ZoneIdSlave1 / zone_id_slave_a).",
);

static RDS_PAY_TYPE: Check = declare(
    "rds-pay-type-required",
    "RDS instances state their billing method",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    Present("pay_type"),
    "Leaving the billing method implicit makes renewal and cost planning for the instance unclear.",
    "Set PayType / instance_charge_type to Postpaid or Prepaid explicitly.",
);

static RDS_PUBLIC: Check = declare(
    "rds-public-access-check",
    "RDS instances do not allocate a public endpoint",
    "RDS",
    RDS,
    Category::NetworkAccessControl,
    Risk::High,
    False("public_connection"),
    "A public endpoint puts the database port on the Internet, where it is scanned and attacked.",
    "Do not allocate a public connection (AllocatePublicConnection: false); reach the database over the VPC.",
);

static RDS_PUBLIC_ANY_IP: Check = declare(
    "rds-public-connection-and-any-ip-access-check",
    "RDS instances do not combine reachability with a whitelist open to all",
    "RDS",
    RDS,
    Category::NetworkAccessControl,
    Risk::High,
    Any(&[OneOf("public_connection", &["false"]), Excludes("security_ips", ANY_IP)]),
    "A public endpoint with a 0.0.0.0/0 whitelist lets any Internet host try to log in to the database.",
    "Replace 0.0.0.0/0 in the whitelist (SecurityIPList / security_ips) with specific addresses, or release the public endpoint.",
);

static RDS_STORAGE_TYPE: Check = declare(
    "rds-storage-type-required",
    "RDS instances state their storage type",
    "RDS",
    RDS,
    Category::BasicProtection,
    Risk::Medium,
    Present("storage_type"),
    "Without an explicit storage type the instance may land on slower or non-encryptable storage.",
    "Set DBInstanceStorageType / db_instance_storage_type, e.g. cloud_essd.",
);

static RDS_SSL_REQUIRED: Check = declare(
    "security-rds-instance-ssl-required",
    "RDS instances are created with SSL configured",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::High,
    // OpenAPI reports SSLEnabled: `No` (MySQL, SQL Server) or `off` (PostgreSQL) when SSL is off.
    NoneOf("ssl_setting", &["Disabled", "Close", "No", "off"]),
    "Without SSL, credentials and query results cross the network in plaintext.",
    "Set SSLSetting (ROS) or ssl_action = \"Open\" (Terraform) so the instance serves SSL connections.",
);

static RDS_TDE_REQUIRED: Check = declare(
    "security-rds-instance-tde-enabled",
    "RDS instances enable transparent data encryption",
    "RDS",
    RDS,
    Category::DataSecurity,
    Risk::High,
    True("tde_status"),
    "Without TDE, data files and backups are stored in plaintext.",
    "Enable TDE on the instance (TDEStatus / tde_status = \"Enabled\").",
);

static RDS_VPC_REQUIRED: Check = declare(
    "security-rds-instance-vpc-required",
    "RDS instances are created in a VPC",
    "RDS",
    RDS,
    Category::NetworkAccessControl,
    Risk::High,
    Any(&[Present("vpc_id"), Present("vswitch_id")]),
    "An instance on the classic network is reachable from a network shared with other tenants.",
    "Set VpcId and VSwitchId (vswitch_id) so the instance is created in a VPC.",
);

// ---------------------------------------------------------------------------
// PolarDB

const POLARDB: &str = "ACS::POLARDB::DBCluster";

static POLARDB_TIME_ZONE: Check = declare(
    "polardb-cluster-default-time-zone-not-system",
    "PolarDB clusters set an explicit default time zone",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Medium,
    All(&[ContainsAny("parameter_names", &["default_time_zone"]), Excludes("parameter_values", &["SYSTEM"])]),
    "With default_time_zone SYSTEM, every time-zone conversion goes through the OS and can become a contention point under load.",
    "Set the cluster parameter default_time_zone to an explicit offset such as +08:00.",
);

static POLARDB_DELETE_PROTECTION: Check = declare(
    "polardb-cluster-delete-protection-enabled",
    "PolarDB clusters have deletion protection on",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "Without deletion protection, one mistaken call or template change releases the cluster and its data.",
    "Enable deletion protection (DeletionProtection: true in ROS, deletion_lock = 1 in Terraform).",
);

static POLARDB_SSL: Check = declare(
    "polardb-cluster-enabled-ssl",
    "PolarDB clusters encrypt connections with SSL",
    "PolarDB",
    POLARDB,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[True("ssl"), True("tls_service_status")]),
    "Without SSL, credentials and query results cross the network in plaintext.",
    "Enable SSL on the cluster endpoint (SSLEnabled: Enable, or the Terraform SSL/TLS setting).",
);

static POLARDB_TDE: Check = declare(
    "polardb-cluster-enabled-tde",
    "PolarDB clusters enable transparent data encryption",
    "PolarDB",
    POLARDB,
    Category::DataSecurity,
    Risk::High,
    True("tde_status"),
    "Without TDE, data files and backups are stored in plaintext.",
    "Enable TDE on the cluster (TDEStatus / tde_status = \"Enabled\").",
);

static POLARDB_EXPIRED: Check = declare(
    "polardb-cluster-expired-check",
    "Subscription PolarDB clusters renew automatically",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::High,
    When("pay_type", &["Prepaid", "PrePaid"], &OneOf("renewal_status", &["AutoRenewal"])),
    "A subscription cluster that is not renewed in time is locked and then released.",
    "Set RenewalStatus / renewal_status to AutoRenewal for subscription clusters.",
);

static POLARDB_MAINTAIN_TIME: Check = declare(
    "polardb-cluster-maintain-time-check",
    "PolarDB clusters set a maintenance window",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Low,
    Present("maintain_time"),
    "Without a chosen window, maintenance may happen during business hours.",
    "Set MaintainTime / maintain_time to an off-peak window, e.g. 02:00Z-03:00Z.",
);

static POLARDB_MULTI_ZONE: Check = declare(
    "polardb-cluster-multi-zone",
    "PolarDB clusters span more than one zone",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("standby_az"), ContainsAny("zone_id", &["MAZ"])]),
    "A single-zone cluster stops when its zone fails.",
    "Set a standby zone (StandbyAZ / standby_az) or deploy into a multi-zone (MAZ) zone.",
);

static POLARDB_TAGS: Check = declare(
    "polardb-cluster-tags-required",
    "PolarDB clusters are tagged",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Medium,
    Present("tags"),
    "Untagged clusters cannot be attributed to an owner, cost centre or environment.",
    "Add tags (Tags / tags) such as env and owner to the cluster.",
);

static POLARDB_IN_VPC: Check = declare(
    "polardb-dbcluster-in-vpc",
    "PolarDB clusters are deployed in a VPC",
    "PolarDB",
    POLARDB,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[OneOf("network_type", &["VPC"]), Present("vswitch_id")]),
    "A cluster outside a VPC is reachable from a network shared with other tenants.",
    "Create the cluster in a VPC: ClusterNetworkType: VPC with a VSwitchId (vswitch_id).",
);

static POLARDB_PUBLIC: Check = declare(
    "polardb-public-access-check",
    "PolarDB whitelists do not allow 0.0.0.0/0",
    "PolarDB",
    POLARDB,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("security_ips", ANY_IP),
    "A whitelist of 0.0.0.0/0 lets every address reach the database port.",
    "Replace 0.0.0.0/0 in SecurityIPList / security_ips with the application servers' addresses.",
);

static POLARDB_PUBLIC_ANY_IP: Check = declare(
    "polardb-public-and-any-ip-access-check",
    "PolarDB clusters are not open to every address",
    "PolarDB",
    POLARDB,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("security_ips", ANY_IP),
    "A cluster whose whitelist admits any address can be reached by every host that finds an endpoint.",
    "Remove 0.0.0.0/0 (and 0.0.0.0) from the whitelist and list only the clients that need access.",
);

static POLARDB_VERSION: Check = declare(
    "polardb-revision-version-used-check",
    "PolarDB clusters pin a database version",
    "PolarDB",
    POLARDB,
    Category::BasicProtection,
    Risk::Medium,
    Present("db_version"),
    "A cluster without an explicit version may be created on a version the application was not tested against.",
    "Set DBVersion / db_version to a supported, stable version such as 8.0.",
);

static POLARDBX_MULTI_ZONE: Check = declare(
    "polardb-x2-instance-multi-zone",
    "PolarDB-X instances are deployed across three zones",
    "PolarDB-X",
    "ACS::PolarDBX::DBInstance",
    Category::BasicProtection,
    Risk::Medium,
    Any(&[OneOf("topology_type", &["3azones"]), ContainsAny("zone_id", &["MAZ"])]),
    "A single-zone PolarDB-X instance stops when its zone fails.",
    "Create the instance with the three-zone topology (TopologyType: 3azones, or a MAZ zone_id).",
);

// ---------------------------------------------------------------------------
// MongoDB

const MONGODB: &str = "ACS::MONGODB::Instance";

static MONGODB_EXPIRED: Check = declare(
    "mongodb-cluster-expired-check",
    "Subscription MongoDB instances renew automatically",
    "MongoDB",
    MONGODB,
    Category::BasicProtection,
    Risk::High,
    When("charge_type", &["PrePaid", "Prepaid"], &True("auto_renew")),
    "A subscription instance that is not renewed in time is locked and then released.",
    "Turn on auto-renewal for the subscription (AutoRenew / auto_renew = true).",
);

static MONGODB_SSL: Check = declare(
    "mongodb-instance-enabled-ssl",
    "MongoDB instances encrypt connections with SSL",
    "MongoDB",
    MONGODB,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("ssl_action", &["Open", "Update"]),
    "Without SSL, credentials and documents cross the network in plaintext.",
    "Enable SSL (SSLOptions.SSLAction / ssl_action = \"Open\").",
);

static MONGODB_BYOK: Check = declare(
    "mongodb-instance-encryption-byok-check",
    "MongoDB instances encrypt data with TDE and their own KMS key",
    "MongoDB",
    MONGODB,
    Category::DataSecurity,
    Risk::Medium,
    All(&[True("tde_status"), Present("encryption_key")]),
    "Without TDE under a key you control, stored data is readable from the files and you cannot revoke access to it.",
    "Enable TDE (TDEStatus / tde_status) and set EncryptionKey / encryption_key to your KMS key.",
);

static MONGODB_IN_VPC: Check = declare(
    "mongodb-instance-in-vpc",
    "MongoDB instances are deployed in a VPC",
    "MongoDB",
    MONGODB,
    Category::NetworkAccessControl,
    Risk::Medium,
    All(&[
        Any(&[Present("vswitch_id"), Present("vpc_id"), OneOf("network_type", &["VPC"])]),
        Excludes("network_type", &["Classic"]),
    ]),
    "An instance on the classic network is reachable from a network shared with other tenants.",
    "Create the instance in a VPC vSwitch (VpcId and VSwitchId / vswitch_id).",
);

static MONGODB_AUDIT: Check = declare(
    "mongodb-instance-log-audit",
    "MongoDB instances record audit logs",
    "MongoDB",
    MONGODB,
    Category::LogAudit,
    Risk::Medium,
    True("audit_status"),
    "Without audit logs, there is no record of who read or changed which data.",
    "Enable the audit log (AuditPolicyOptions.AuditStatus: enable, or audit_status = \"enable\").",
);

static MONGODB_MULTI_NODE: Check = declare(
    "mongodb-instance-multi-node",
    "MongoDB instances run a replica set of three or more nodes",
    "MongoDB",
    MONGODB,
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("replication_factor", 3.0),
    "A single-node instance has no replica to fail over to, so a node failure stops the database.",
    "Create a replica set with three or more nodes (ReplicationFactor / replication_factor).",
);

static MONGODB_MULTI_ZONE: Check = declare(
    "mongodb-instance-multi-zone",
    "MongoDB instances place replicas in a second zone",
    "MongoDB",
    MONGODB,
    Category::BasicProtection,
    Risk::Medium,
    Present("secondary_zone_id"),
    "With all replicas in one zone, a zone outage stops the database.",
    "Set a secondary zone (SecondaryZoneId / secondary_zone_id) for the replica set.",
);

static MONGODB_NOT_SHARED: Check = declare(
    "mongodb-instance-class-not-shared",
    "MongoDB instances use dedicated instance classes",
    "MongoDB",
    MONGODB,
    Category::BasicProtection,
    Risk::Medium,
    ContainsNone("instance_class", &["shared"]),
    "A shared-resource class competes with other instances for CPU and I/O, so its performance and availability are not guaranteed.",
    "Choose a dedicated (exclusive) instance class (DBInstanceClass / db_instance_class) for production instances.",
);

static MONGODB_RELEASE_PROTECTION: Check = declare(
    "mongodb-instance-release-protection",
    "MongoDB instances have release protection on",
    "MongoDB",
    MONGODB,
    Category::BasicProtection,
    Risk::Medium,
    True("release_protection"),
    "Without release protection, one mistaken call or template change deletes the instance and its data.",
    "Enable release protection (DBInstanceReleaseProtection / release_protection = true).",
);

static MONGODB_PUBLIC: Check = declare(
    "mongodb-public-access-check",
    "MongoDB whitelists do not allow 0.0.0.0/0",
    "MongoDB",
    MONGODB,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("security_ips", ANY_IP),
    "A whitelist of 0.0.0.0/0 lets every address reach the database port.",
    "Replace 0.0.0.0/0 in SecurityIPArray / security_ip_list with the application servers' addresses.",
);

static MONGODB_PUBLIC_ANY_IP: Check = declare(
    "mongodb-public-and-any-ip-access-check",
    "MongoDB instances are not open to every address",
    "MongoDB",
    MONGODB,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("security_ips", ANY_IP),
    "An instance whose whitelist admits any address can be reached by every host that finds an endpoint.",
    "Remove 0.0.0.0/0 from the whitelist and list only the clients that need access.",
);

// ---------------------------------------------------------------------------
// Elasticsearch

const ES: &str = "ACS::Elasticsearch::Instance";

static ES_DATA_NODE_ENCRYPTION: Check = declare(
    "elasticsearch-instance-enabled-data-node-encryption",
    "Elasticsearch data nodes encrypt their disks",
    "Elasticsearch",
    ES,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[True("data_node_disk_encryption"), True("data_node_disk_encrypted")]),
    "Unencrypted data-node disks expose the indexed data to anyone who gains access to the storage or snapshots.",
    "Create the instance with data-node disk encryption enabled (DataNode.DiskEncryption / data_node disk_encryption).",
);

static ES_NODE_CONFIG_ENCRYPTION: Check = declare(
    "elasticsearch-instance-enabled-node-config-disk-encryption",
    "Elasticsearch node configurations enable disk encryption",
    "Elasticsearch",
    ES,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[True("data_node_disk_encryption"), True("data_node_disk_encrypted")]),
    "A node configuration without disk encryption stores index data in plaintext.",
    "Turn on disk encryption in the data node configuration (DiskEncryption: true).",
);

static ES_KIBANA_PUBLIC: Check = declare(
    "elasticsearch-instance-enabled-kibana-public-check",
    "Elasticsearch Kibana whitelists do not allow every address",
    "Elasticsearch",
    ES,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("kibana_whitelist", ANY_IP),
    "A Kibana whitelist of 0.0.0.0/0 lets any Internet host reach the Kibana login page and its data.",
    "Replace 0.0.0.0/0 in KibanaWhitelist / kibana_whitelist with your office or bastion addresses.",
);

static ES_PUBLIC: Check = declare(
    "elasticsearch-instance-enabled-public-check",
    "Elasticsearch instances have no public endpoint",
    "Elasticsearch",
    ES,
    Category::NetworkAccessControl,
    Risk::High,
    False("enable_public"),
    "A public endpoint exposes the cluster's REST API to the Internet.",
    "Disable public network access (EnablePublic / enable_public = false) and use the VPC endpoint.",
);

static ES_MULTI_ZONE: Check = declare(
    "elasticsearch-instance-multi-zone",
    "Elasticsearch instances span two or more zones",
    "Elasticsearch",
    ES,
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("zone_count", 2.0),
    "A single-zone instance becomes unavailable when its zone fails.",
    "Deploy the instance across two or three zones (ZoneCount / zone_count).",
);

static ES_VERSION: Check = declare(
    "elasticsearch-instance-version-not-deprecated",
    "Elasticsearch instances run a supported version",
    "Elasticsearch",
    ES,
    Category::BasicProtection,
    Risk::High,
    // 5.5.3 and 6.3 are past end of life on Alibaba Cloud Elasticsearch.
    Excludes("version", &["5.5.3", "5.5.3_with_X-Pack", "6.3", "6.3_with_X-Pack", "6.3.2", "6.3.2_with_X-Pack"]),
    "A version past end of life no longer receives security fixes.",
    "Upgrade the instance to a supported version, e.g. 7.10_with_X-Pack (Version / version).",
);

static ES_PUBLIC_ANY_IP: Check = declare(
    "elasticsearch-public-and-any-ip-access-check",
    "Public Elasticsearch endpoints are not open to every address",
    "Elasticsearch",
    ES,
    Category::NetworkAccessControl,
    Risk::High,
    When("enable_public", &["true"], &Excludes("public_whitelist", ANY_IP)),
    "A public endpoint with a 0.0.0.0/0 whitelist lets any Internet host reach the cluster's REST API.",
    "Restrict PublicWhitelist / public_whitelist to known addresses, or disable the public endpoint.",
);

// ---------------------------------------------------------------------------
// HBase

const HBASE: &str = "ACS::HBase::Cluster";

static HBASE_DELETION_PROTECTION: Check = declare(
    "hbase-cluster-deletion-protection",
    "HBase clusters have deletion protection on",
    "HBase",
    HBASE,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "Without deletion protection, one mistaken call or template change releases the cluster and its data.",
    "Enable deletion protection (DeletionProtection / deletion_protection = true).",
);

static HBASE_EXPIRED: Check = declare(
    "hbase-cluster-expired-check",
    "Subscription HBase clusters renew automatically",
    "HBase",
    HBASE,
    Category::BasicProtection,
    Risk::High,
    When("pay_type", &["Prepaid", "PrePaid"], &AtLeast("auto_renew_period", 1.0)),
    "A subscription cluster that is not renewed in time is locked and then released.",
    "Set an auto-renewal period (AutoRenewPeriod / auto_renew_period of 1 or more).",
);

static HBASE_HA: Check = declare(
    "hbase-cluster-ha-check",
    "HBase clusters run two or more core nodes",
    "HBase",
    HBASE,
    Category::BasicProtection,
    Risk::High,
    AtLeast("node_count", 2.0),
    "A single-node cluster has no failover, so a node failure stops the service.",
    "Create the cluster with at least two core nodes (NodeCount / core_instance_quantity).",
);

static HBASE_IN_VPC: Check = declare(
    "hbase-cluster-in-vpc",
    "HBase clusters are deployed in a VPC",
    "HBase",
    HBASE,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("vpc_id"), Present("vswitch_id")]),
    "A cluster on the classic network is reachable from a network shared with other tenants.",
    "Create the cluster in a VPC (VpcId and VSwitchId / vpc_id and vswitch_id).",
);

static HBASE_MULTI_ZONE: Check = declare(
    "hbase-cluster-multi-zone",
    "HBase clusters run in cluster mode with two or more nodes",
    "HBase",
    HBASE,
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("node_count", 2.0),
    "A single-node deployment cannot survive the loss of its node or zone.",
    "Create the cluster with at least two core nodes (NodeCount / core_instance_quantity).",
);

// ---------------------------------------------------------------------------
// Kafka, Lindorm, Tablestore, GPDB, AnalyticDB, ClickHouse, TSDB

const KAFKA: &str = "ACS::KAFKA::Instance";

static KAFKA_DISK_ENCRYPTED: Check = declare(
    "kafka-instance-disk-encrypted",
    "Kafka instances encrypt their disks with a KMS key",
    "Kafka",
    KAFKA,
    Category::DataSecurity,
    Risk::High,
    Present("kms_key_id"),
    "Unencrypted disks expose the messages to anyone who gains access to the storage.",
    "Deploy the instance with a KMS key (DeployOption.KMSKeyId / kms_key_id); it can only be set at deployment.",
);

static KAFKA_MULTI_ZONE: Check = declare(
    "kafka-instance-multi-zone",
    "Kafka instances are deployed across zones",
    "Kafka",
    KAFKA,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[True("cross_zone"), LengthAtLeast("selected_zones", 2)]),
    "A single-zone instance stops when its zone fails.",
    "Deploy across zones (DeployOption.CrossZone: true, or two or more selected_zones).",
);

static KAFKA_PUBLIC: Check = declare(
    "kafka-instance-public-access-check",
    "Kafka instances are deployed for VPC access only",
    "Kafka",
    KAFKA,
    Category::NetworkAccessControl,
    Risk::High,
    NoneOf("deploy_type", &["5"]),
    "An Internet-and-VPC deployment puts the brokers on the Internet.",
    "Deploy the instance for VPC access only (DeployType / deploy_type = 4).",
);

const LINDORM: &str = "ACS::Lindorm::Instance";

static LINDORM_IN_VPC: Check = declare(
    "lindorm-instance-in-vpc",
    "Lindorm instances name their VPC",
    "Lindorm",
    LINDORM,
    Category::NetworkAccessControl,
    Risk::Medium,
    Present("vpc_id"),
    "An instance whose VPC is not declared may end up on a network other than the application's.",
    "Set VpcId / vpc_id (with the vSwitch) when creating the instance.",
);

static LINDORM_MULTI_ZONE: Check = declare(
    "lindorm-instance-multi-zone",
    "Lindorm instances run four or more LindormTable nodes",
    "Lindorm",
    LINDORM,
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("table_node_count", 4.0),
    "Fewer than four LindormTable nodes cannot be spread across zones for failover.",
    "Create the instance with at least four LindormTable nodes (LindormNum / table_engine_node_count) in multi-zone mode.",
);

static OTS_NETWORK: Check = declare(
    "ots-instance-network-not-normal",
    "Tablestore instances do not accept access from any network",
    "Tablestore",
    "ACS::OTS::Instance",
    Category::NetworkAccessControl,
    Risk::Medium,
    NoneOf("network", &["Normal", "Any"]),
    "An instance open to any network can be reached from the Internet by anyone holding a key.",
    "Restrict network access to VPCs (Network: VPC / accessed_by = \"Vpc\" or \"ConsoleOrVpc\").",
);

const GPDB: &str = "ACS::GPDB::DBInstance";

static GPDB_ENCRYPTION: Check = declare(
    "gpdb-instance-disk-encryption-enabled",
    "AnalyticDB for PostgreSQL instances encrypt their disks",
    "AnalyticDB for PostgreSQL",
    GPDB,
    Category::DataSecurity,
    Risk::High,
    Present("encryption_key"),
    "Unencrypted disks expose the warehouse data to anyone who gains access to the storage or snapshots.",
    "Create the instance with cloud disk encryption (EncryptionKey / encryption_key with encryption_type = \"CloudDisk\").",
);

static GPDB_MULTI_ZONE: Check = declare(
    "gpdb-instance-multi-zone",
    "AnalyticDB for PostgreSQL instances have a standby zone",
    "AnalyticDB for PostgreSQL",
    GPDB,
    Category::BasicProtection,
    Risk::Medium,
    Present("standby_zone_id"),
    "Without a standby zone, a zone outage stops the instance.",
    "Set a standby zone (StandbyZoneId / standby_zone_id) different from the primary zone.",
);

static ADB_MULTI_ZONE: Check = declare(
    "adb-cluster-multi-zone",
    "AnalyticDB for MySQL clusters have a secondary zone",
    "AnalyticDB for MySQL",
    "ACS::ADBLake::DBCluster",
    Category::BasicProtection,
    Risk::Medium,
    Present("secondary_zone_id"),
    "A single-zone cluster stops when its zone fails.",
    "Set a secondary zone (SecondaryZoneId / secondary_zone_id) when creating the cluster.",
);

static CLICKHOUSE_MULTI_ZONE: Check = declare(
    "clickhouse-dbcluster-multi-zone",
    "ClickHouse clusters use the high-availability (double-replica) edition",
    "ClickHouse",
    "ACS::ClickHouse::DBCluster",
    Category::BasicProtection,
    Risk::Medium,
    OneOf("category", &["HighAvailability"]),
    "A single-replica (Basic) cluster loses service when a node or zone fails.",
    "Create the cluster with the HighAvailability edition (Category / category).",
);

static TSDB_WHITELIST: Check = declare(
    "tsdb-instance-security-ip-check",
    "TSDB whitelists do not allow every address",
    "TSDB",
    "ACS::TSDB::Instance",
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("security_ips", ANY_IP),
    "A whitelist of 0.0.0.0/0 lets every address reach the database.",
    "Replace 0.0.0.0/0 in SecurityIpList / security_ip_list with the clients' addresses.",
);
