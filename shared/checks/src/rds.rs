//! RDS: whitelists open to the Internet, SSL, SQL audit retention, and
//! PostgreSQL's connection and duration logging.

use crate::item::*;
use cspm_assets::{Asset, AssetKind, AssetSpec};

static WHITELIST: Check = Check {
    meta: CheckMeta {
        id: "rds-white-list-internet-ip-access-check",
        name: "RDS whitelists do not allow 0.0.0.0/0",
        fix: FixSupport::FixAndRollback,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.2"],
        description: "A whitelist entry of 0.0.0.0/0 lets every address on the Internet reach the database port.",
        solution: "RDS console > the instance > Whitelist and SecGroup: replace 0.0.0.0/0 with the application servers' addresses.",
        ..base_meta("RDS", AssetKind::RdsInstance, Category::NetworkAccessControl, Risk::High)
    },
    eval: Eval::Code(|a, _| {
        let AssetSpec::RdsInstance(r) = &a.spec else {
            return Evaluation::missing("the instance's attributes (rds:DescribeDBInstances)");
        };
        let Some(ips) = &r.security_ips else {
            return Evaluation::missing("SecurityIPList (rds:DescribeDBInstanceIPArrayList)");
        };
        Evaluation::from_findings(
            ips.iter()
                .filter(|ip| matches!(ip.as_str(), "0.0.0.0/0" | "0.0.0.0" | "::/0"))
                .map(|ip| Finding::new("SecurityIPList", ip, "specific addresses, not 0.0.0.0/0"))
                .collect(),
        )
    }),
};

static SSL: Check = Check {
    meta: CheckMeta {
        id: "rds-instance-enabled-ssl",
        name: "RDS instances enable SSL",
        fix: FixSupport::FixOnly,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.1"],
        description: "Without SSL, credentials and data cross the network in plaintext.",
        solution: "RDS console > the instance > Data Security > SSL: enable SSL encryption and have clients verify the certificate.",
        ..base_meta("RDS", AssetKind::RdsInstance, Category::DataSecurity, Risk::Medium)
    },
    eval: Eval::Code(|a, _| {
        let AssetSpec::RdsInstance(r) = &a.spec else {
            return Evaluation::missing("the instance's attributes (rds:DescribeDBInstances)");
        };
        match r.ssl_enabled {
            None => Evaluation::missing("SSLEnabled (rds:DescribeDBInstanceSSL)"),
            Some(true) => Evaluation::pass(),
            Some(false) => Evaluation::from_findings(vec![Finding::new("SSLEnabled", "No", "Yes")]),
        }
    }),
};

static AUDIT_RETENTION: Check = Check {
    meta: CheckMeta {
        id: "rds-sql-audit-retention-check",
        name: "RDS SQL audit logs are kept long enough",
        params: &[ParamSpec {
            name: "min_days",
            description: "shortest acceptable SQL audit log retention, in days",
            min: 1,
            max: 1825,
            default: 180,
        }],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.4"],
        description: "An intrusion is often found months after it began; audit logs deleted sooner cannot tell what was read or changed.",
        solution: "RDS console > the instance > SQL Explorer and Audit > Service Settings: keep logs for at least 180 days (aliyun rds ModifySQLCollectorRetention --ConfigValue 180).",
        ..RDS_LOG_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let AssetSpec::RdsInstance(r) = &a.spec else {
            return Evaluation::missing("the instance's attributes (rds:DescribeDBInstances)");
        };
        let Some(days) = r.sql_audit_retention_days else {
            return Evaluation::missing("ConfigValue (rds:DescribeSQLCollectorRetention)");
        };
        let min = ctx.param("min_days");
        if i64::from(days) >= min {
            return Evaluation::pass();
        }
        Evaluation::from_findings(vec![Finding::new("ConfigValue", format!("{days} days"), format!(">= {min} days"))])
    }),
};

/// What the RDS logging items share; each item names the rest.
const RDS_LOG_ITEM: CheckMeta = base_meta("RDS", AssetKind::RdsInstance, Category::LogAudit, Risk::Low);

/// A PostgreSQL logging parameter must be `on`. Other engines do not have
/// it, so the item does not apply to them (NOT_CHECK, never charged).
fn postgres_parameter_on(a: &Asset, parameter: &str) -> Evaluation {
    let AssetSpec::RdsInstance(r) = &a.spec else {
        return Evaluation::missing("the instance's attributes (rds:DescribeDBInstances)");
    };
    match r.engine.as_deref() {
        None => return Evaluation::missing("Engine (rds:DescribeDBInstances)"),
        Some(e) if !e.eq_ignore_ascii_case("PostgreSQL") => {
            return Evaluation::not_check(format!(
                "NotApplicable: {parameter} is a PostgreSQL parameter; the engine is {e}"
            ));
        }
        Some(_) => {}
    }
    let Some(parameters) = &r.parameters else {
        return Evaluation::missing("running parameters (rds:DescribeParameters)");
    };
    match parameters.get(parameter).map(|v| v.to_ascii_lowercase()) {
        Some(v) if matches!(v.as_str(), "on" | "true" | "1") => Evaluation::pass(),
        // Not in the running list: PostgreSQL's default, off.
        shown => Evaluation::from_findings(vec![Finding::new(
            parameter,
            shown.unwrap_or_else(|| "not set (default off)".into()),
            "on",
        )]),
    }
}

static PG_LOG_CONNECTIONS: Check = Check {
    meta: CheckMeta {
        id: "rds-postgresql-log-connections-enabled",
        name: "RDS PostgreSQL logs connection attempts",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.7"],
        description: "Without log_connections, brute-force and unexpected clients leave no trace in the database log.",
        solution: "RDS console > the instance > Parameters: set log_connections to on (aliyun rds ModifyParameter --Parameters '{\"log_connections\":\"on\"}').",
        ..RDS_LOG_ITEM
    },
    eval: Eval::Code(|a, _| postgres_parameter_on(a, "log_connections")),
};

static PG_LOG_DISCONNECTIONS: Check = Check {
    meta: CheckMeta {
        id: "rds-postgresql-log-disconnections-enabled",
        name: "RDS PostgreSQL logs the end of sessions",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.8"],
        description: "Without log_disconnections, the log cannot say how long a suspicious session lasted.",
        solution: "RDS console > the instance > Parameters: set log_disconnections to on.",
        ..RDS_LOG_ITEM
    },
    eval: Eval::Code(|a, _| postgres_parameter_on(a, "log_disconnections")),
};

static PG_LOG_DURATION: Check = Check {
    meta: CheckMeta {
        id: "rds-postgresql-log-duration-enabled",
        name: "RDS PostgreSQL logs statement durations",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.9"],
        description: "Statement durations reveal bulk reads and abnormal queries that plain statement logs hide.",
        solution: "RDS console > the instance > Parameters: set log_duration to on.",
        ..RDS_LOG_ITEM
    },
    eval: Eval::Code(|a, _| postgres_parameter_on(a, "log_duration")),
};

pub(crate) static CHECKS: &[&Check] =
    &[&WHITELIST, &SSL, &AUDIT_RETENTION, &PG_LOG_CONNECTIONS, &PG_LOG_DISCONNECTIONS, &PG_LOG_DURATION];
