//! Check items: RDS, PolarDB, MongoDB, Redis/KVStore, GPDB, Lindorm, HBase, OTS, ADB, ClickHouse, Elasticsearch, Kafka.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[&REDIS_DOUBLE_NODE, &REDIS_SSL, &REDIS_IN_VPC, &REDIS_MULTI_ZONE];

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
