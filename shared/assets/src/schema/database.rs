//! Schemas: RDS, PolarDB, MongoDB, Redis/KVStore, GPDB, Lindorm, HBase, OTS, ADB, ClickHouse, Elasticsearch, Kafka.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[
    &REDIS,
    &RDS,
    &POLARDB,
    &POLARDBX,
    &MONGODB,
    &ELASTICSEARCH,
    &HBASE,
    &KAFKA,
    &LINDORM,
    &OTS,
    &GPDB,
    &ADB_LAKE,
    &CLICKHOUSE,
    &TSDB,
];

static REDIS: Schema = Schema {
    kind: "ACS::REDIS::Instance",
    product: "Redis",
    ros_types: &["ALIYUN::REDIS::Instance"],
    tf_types: &["alicloud_kvstore_instance"],
    fields: &[
        f("instance_class", "InstanceClass", "instance_class"),
        f("instance_name", "InstanceName", "db_instance_name"),
        // The provider creates dual-node (master-replica) instances unless told otherwise.
        fd("node_type", "NodeType", "node_type", "\"double\""),
        f("ssl", "SSLEnabled", "ssl_enable"),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("vpc_id", "VpcId", ""),
        f("secondary_zone_id", "SecondaryZoneId", "secondary_zone_id"),
        f("shard_count", "ShardCount", "shard_number"),
        f("backup_time", "BackupPolicy.PreferredBackupTime", "backup_time"),
        f("backup_period", "BackupPolicy.PreferredBackupPeriod", "backup_period"),
        f("backup_log", "BackupPolicy.EnableBackupLog", "enable_backup_log"),
        f("tde_status", "", "tde_status"),
        f("charge_type", "ChargeType", "payment_type"),
        f("auto_renew", "", "auto_renew"),
        f("auto_renew_duration", "AutoRenewDuration", ""),
        // ROS: the public endpoint's port (required when one is declared; a
        // number reads as "on"); Terraform: the switch for it.
        f("public_connection", "Connections.PublicConnection.ConnectionPort", "enable_public"),
        f("password_free", "VpcPasswordFree", ""),
        // The provider requires a password inside the VPC unless told otherwise.
        fd("vpc_auth_mode", "", "vpc_auth_mode", "\"Open\""),
        f("deletion_protection", "DeletionProtection", "instance_release_protection"),
        f("capacity", "Capacity", "capacity"),
        f("security_ips", "SecurityIps", "security_ips"),
    ],
};

/// ApsaraDB RDS instances (the typed kind; these are its extra properties).
static RDS: Schema = Schema {
    kind: "ACS::RDS::DBInstance",
    product: "RDS",
    ros_types: &["ALIYUN::RDS::DBInstance"],
    tf_types: &["alicloud_db_instance"],
    fields: &[
        f("deletion_protection", "DeletionProtection", "deletion_protection"),
        f("sql_collector_status", "SQLCollectorStatus", "sql_collector_status"),
        f("encryption_key", "EncryptionKey", "encryption_key"),
        f("tde_status", "TDEStatus", "tde_status"),
        // The TDE key: runtime `TDEMode`, and the custom key (Terraform's `tde_encryption_key`).
        f("tde_mode", "", ""),
        f("tde_encryption_key", "", "tde_encryption_key"),
        f("backup_log", "EnableBackupLog", "enable_backup_log"),
        f("pay_type", "PayType", "instance_charge_type"),
        f("auto_renew", "AutoRenew", "auto_renew"),
        f("category", "Category", "category"),
        f("maintain_time", "MaintainTime", "maintain_time"),
        f("zone_id", "ZoneId", "zone_id"),
        f("zone_id_slave", "ZoneIdSlave1", "zone_id_slave_a"),
        f("multi_az", "MultiAZ", ""),
        f("storage_auto_scale", "StorageAutoScale", "storage_auto_scale"),
        f("tags", "Tags", "tags"),
        f("vpc_id", "VpcId", ""),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("storage_type", "DBInstanceStorageType", "db_instance_storage_type"),
        f("public_connection", "AllocatePublicConnection", ""),
        f("security_ips", "SecurityIPList", "security_ips"),
        f("ssl_setting", "SSLSetting", "ssl_action"),
    ],
};

static POLARDB: Schema = Schema {
    kind: "ACS::POLARDB::DBCluster",
    product: "PolarDB",
    ros_types: &["ALIYUN::POLARDB::DBCluster"],
    tf_types: &["alicloud_polardb_cluster"],
    fields: &[
        // ROS passes the parameters as one JSON text (`{"default_time_zone": "+08:00"}`),
        // which paths cannot descend into: its names are matched as a substring of
        // that text and its values are not read. Terraform: `parameters { name value }` blocks.
        f("parameter_names", "DBClusterParameters.Parameters", "parameters.name"),
        f("parameter_values", "", "parameters.value"),
        f("deletion_protection", "DeletionProtection", "deletion_lock"),
        f("ssl", "SSLEnabled", "ssl_enabled"),
        f("tls_service_status", "", "tls_service_status"),
        f("tde_status", "TDEStatus", "tde_status"),
        f("pay_type", "PayType", "pay_type"),
        f("renewal_status", "RenewalStatus", "renewal_status"),
        f("maintain_time", "MaintainTime", "maintain_time"),
        f("zone_id", "ZoneId", "zone_id"),
        f("standby_az", "StandbyAZ", "standby_az"),
        f("tags", "Tags", "tags"),
        f("network_type", "ClusterNetworkType", ""),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("security_ips", "SecurityIPList", "security_ips"),
        f("db_version", "DBVersion", "db_version"),
    ],
};

static POLARDBX: Schema = Schema {
    kind: "ACS::PolarDBX::DBInstance",
    product: "PolarDB-X",
    ros_types: &["ALIYUN::PolarDBX::DBInstance"],
    tf_types: &["alicloud_drds_polardbx_instance"],
    fields: &[f("topology_type", "TopologyType", "topology_type"), f("zone_id", "PrimaryZone", "zone_id")],
};

static MONGODB: Schema = Schema {
    kind: "ACS::MONGODB::Instance",
    product: "MongoDB",
    ros_types: &["ALIYUN::MONGODB::Instance"],
    tf_types: &["alicloud_mongodb_instance"],
    fields: &[
        f("charge_type", "ChargeType", "instance_charge_type"),
        f("auto_renew", "AutoRenew", "auto_renew"),
        f("instance_class", "DBInstanceClass", "db_instance_class"),
        f("ssl_action", "SSLOptions.SSLAction", "ssl_action"),
        f("tde_status", "TDEStatus", "tde_status"),
        f("encryption_key", "EncryptionKey", "encryption_key"),
        f("vpc_id", "VpcId", "vpc_id"),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("network_type", "NetworkType", "network_type"),
        f("audit_status", "AuditPolicyOptions.AuditStatus", "audit_status"),
        f("replication_factor", "ReplicationFactor", "replication_factor"),
        f("secondary_zone_id", "SecondaryZoneId", "secondary_zone_id"),
        f("release_protection", "DBInstanceReleaseProtection", "release_protection"),
        f("security_ips", "SecurityIPArray", "security_ip_list"),
    ],
};

static ELASTICSEARCH: Schema = Schema {
    kind: "ACS::Elasticsearch::Instance",
    product: "Elasticsearch",
    ros_types: &["ALIYUN::ElasticSearch::Instance", "ALIYUN::Elasticsearch::Instance"],
    tf_types: &["alicloud_elasticsearch_instance"],
    fields: &[
        f("data_node_disk_encryption", "DataNode.DiskEncryption", "data_node.disk_encryption"),
        f("data_node_disk_encrypted", "", "data_node_disk_encrypted"),
        f("kibana_whitelist", "KibanaWhitelist", "kibana_whitelist"),
        f("enable_public", "EnablePublic", "enable_public"),
        f("public_whitelist", "PublicWhitelist", "public_whitelist"),
        // Both the provider and ROS deploy to a single zone unless told otherwise.
        fd("zone_count", "ZoneCount", "zone_count", "1"),
        f("version", "Version", "version"),
    ],
};

static HBASE: Schema = Schema {
    kind: "ACS::HBase::Cluster",
    product: "HBase",
    ros_types: &["ALIYUN::HBase::Cluster"],
    tf_types: &["alicloud_hbase_instance"],
    fields: &[
        f("deletion_protection", "DeletionProtection", "deletion_protection"),
        f("pay_type", "PayType", "pay_type"),
        f("auto_renew_period", "AutoRenewPeriod", "auto_renew_period"),
        f("node_count", "NodeCount", "core_instance_quantity"),
        f("vpc_id", "VpcId", "vpc_id"),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("engine", "Engine", "engine"),
    ],
};

static KAFKA: Schema = Schema {
    kind: "ACS::KAFKA::Instance",
    product: "Kafka",
    ros_types: &["ALIYUN::KAFKA::Instance"],
    tf_types: &["alicloud_alikafka_instance"],
    fields: &[
        f("kms_key_id", "DeployOption.KMSKeyId", "kms_key_id"),
        f("cross_zone", "DeployOption.CrossZone", ""),
        f("selected_zones", "DeployOption.SelectedZones", "selected_zones"),
        f("deploy_type", "DeployType", "deploy_type"),
    ],
};

static LINDORM: Schema = Schema {
    kind: "ACS::Lindorm::Instance",
    product: "Lindorm",
    ros_types: &["ALIYUN::Lindorm::Instance"],
    tf_types: &["alicloud_lindorm_instance"],
    fields: &[f("vpc_id", "VpcId", "vpc_id"), f("table_node_count", "LindormNum", "table_engine_node_count")],
};

static OTS: Schema = Schema {
    kind: "ACS::OTS::Instance",
    product: "Tablestore",
    ros_types: &["ALIYUN::OTS::Instance"],
    tf_types: &["alicloud_ots_instance"],
    fields: &[f("network", "Network", "accessed_by")],
};

static GPDB: Schema = Schema {
    kind: "ACS::GPDB::DBInstance",
    product: "AnalyticDB for PostgreSQL",
    ros_types: &["ALIYUN::GPDB::DBInstance"],
    tf_types: &["alicloud_gpdb_instance"],
    fields: &[
        f("encryption_key", "EncryptionKey", "encryption_key"),
        f("standby_zone_id", "StandbyZoneId", "standby_zone_id"),
    ],
};

static ADB_LAKE: Schema = Schema {
    kind: "ACS::ADBLake::DBCluster",
    product: "AnalyticDB for MySQL",
    ros_types: &["ALIYUN::ADBLake::DBCluster"],
    tf_types: &["alicloud_adb_db_cluster_lake_version"],
    fields: &[f("secondary_zone_id", "SecondaryZoneId", "secondary_zone_id")],
};

static CLICKHOUSE: Schema = Schema {
    kind: "ACS::ClickHouse::DBCluster",
    product: "ClickHouse",
    ros_types: &["ALIYUN::ClickHouse::DBCluster"],
    tf_types: &["alicloud_click_house_db_cluster"],
    fields: &[f("category", "Category", "category")],
};

static TSDB: Schema = Schema {
    kind: "ACS::TSDB::Instance",
    product: "TSDB",
    ros_types: &["ALIYUN::TSDB::HiTSDBInstance"],
    tf_types: &["alicloud_tsdb_instance"],
    fields: &[f("security_ips", "SecurityIpList", "security_ip_list")],
};
