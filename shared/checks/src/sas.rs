//! Security Center: the account's edition.

use crate::item::*;
use cspm_assets::{AssetKind, Slot};

/// `sas:DescribeVersionConfig` Version codes that protect hosts beyond the
/// free Basic edition: Enterprise, Advanced, Ultimate, Multi-version.
const PROTECTING: &[u64] = &[3, 5, 7, 8];

static EDITION: Check = Check {
    meta: CheckMeta {
        id: "sas-edition-advanced-or-higher",
        name: "Security Center runs the Advanced edition or higher",
        vendor: "ALIYUN",
        product: "Security Center",
        resource_type: AssetKind::Other("ACS::SAS::Account"),
        category: Category::BasicProtection,
        risk: Risk::Medium,
        free: true,
        fix: FixSupport::None,
        params: &[],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.1"],
        description: "The Basic and Anti-virus editions do not detect intrusions or fix vulnerabilities: hosts are left to themselves.",
        solution: "Security Center console > Overview: upgrade to the Advanced, Enterprise or Ultimate edition.",
    },
    eval: Eval::Code(|a, _| {
        let Some(Slot::Known(v)) = a.fields.get("edition") else {
            return Evaluation::missing("Version (sas:DescribeVersionConfig)");
        };
        match v.as_u64() {
            Some(code) if PROTECTING.contains(&code) => Evaluation::pass(),
            _ => Evaluation::from_findings(vec![Finding::new(
                "Version",
                v.to_string(),
                "3 (Enterprise), 5 (Advanced), 7 (Ultimate) or 8 (Multi-version)",
            )]),
        }
    }),
};

pub(crate) static CHECKS: &[&Check] = &[&EDITION];
