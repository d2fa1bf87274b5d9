//! RDS: whitelists open to the Internet, SSL.

use crate::item::*;
use cspm_assets::{AssetKind, AssetSpec};

static WHITELIST: Check = Check {
    meta: CheckMeta {
        id: "rds-white-list-internet-ip-access-check",
        name: "RDS whitelists do not allow 0.0.0.0/0",
        vendor: "ALIYUN",
        product: "RDS",
        resource_type: AssetKind::RdsInstance,
        category: Category::NetworkAccessControl,
        risk: Risk::High,
        free: false,
        fix: FixSupport::FixAndRollback,
        params: &[],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.2"],
        description: "A whitelist entry of 0.0.0.0/0 lets every address on the Internet reach the database port.",
        solution: "RDS console > the instance > Whitelist and SecGroup: replace 0.0.0.0/0 with the application servers' addresses.",
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
        vendor: "ALIYUN",
        product: "RDS",
        resource_type: AssetKind::RdsInstance,
        category: Category::DataSecurity,
        risk: Risk::Medium,
        free: false,
        fix: FixSupport::FixOnly,
        params: &[],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 6.1"],
        description: "Without SSL, credentials and data cross the network in plaintext.",
        solution: "RDS console > the instance > Data Security > SSL: enable SSL encryption and have clients verify the certificate.",
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

pub(crate) static CHECKS: &[&Check] = &[&WHITELIST, &SSL];
