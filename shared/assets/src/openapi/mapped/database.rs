//! OpenAPI mappings: RDS and other databases.
//!
//! Of this group, only RDS calls are in the OpenAPI field catalogue.

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[&RDS, &RDS_ATTRIBUTE];

const RDS_LIST: &str = "rds:DescribeDBInstances";
const RDS_ATTR: &str = "rds:DescribeDBInstanceAttribute";
const RDS_SSL: &str = "rds:DescribeDBInstanceSSL";
const RDS_TDE: &str = "rds:DescribeDBInstanceTDE";
const RDS_SQL_COLLECTOR: &str = "rds:DescribeSQLCollectorPolicy";

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
        // `Enable` or `Disabled`.
        ("sql_collector_status", RDS_SQL_COLLECTOR, "SQLCollectorStatus"),
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
