//! Schemas: RDS, PolarDB, MongoDB, Redis/KVStore, GPDB, Lindorm, HBase, OTS, ADB, ClickHouse, Elasticsearch, Kafka.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[&REDIS];

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
        f("secondary_zone_id", "SecondaryZoneId", "secondary_zone_id"),
    ],
};
