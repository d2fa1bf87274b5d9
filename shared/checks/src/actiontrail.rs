//! ActionTrail: the account has a trail at all, and the trail's own log
//! bucket is not public.

use crate::item::*;
use cspm_assets::joins::LOG_BUCKET_ACL;
use cspm_assets::{AssetKind, Slot};
use serde_json::Value;

static LOG_BUCKET_PRIVATE: Check = Check {
    meta: CheckMeta {
        id: "actiontrail-log-bucket-not-public",
        name: "The OSS bucket an ActionTrail trail delivers to is not public",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.2"],
        description: "A public audit-log bucket shows an attacker every call the account makes, and with public-read-write lets them erase their tracks.",
        solution: "Set the bucket's ACL to private (aliyun oss set-acl oss://<bucket> private) and grant the readers of the logs access by RAM policy.",
        ..base_meta("ActionTrail", AssetKind::Other("ACS::ActionTrail::Trail"), Category::LogAudit, Risk::High)
    },
    eval: Eval::Code(|a, _| {
        let bucket = match a.fields.get("oss_bucket_name") {
            None | Some(Slot::Unreported) => return Evaluation::missing("OssBucketName (actiontrail:DescribeTrails)"),
            Some(Slot::Unknown) => {
                return Evaluation::not_check("Unknown: OssBucketName is known only after deployment");
            }
            Some(Slot::Known(Value::String(b))) if !b.is_empty() => b,
            Some(_) => return Evaluation::not_check("NotApplicable: the trail delivers to no OSS bucket"),
        };
        match a.fields.get(LOG_BUCKET_ACL) {
            Some(Slot::Known(Value::String(acl))) if acl.starts_with("public") => {
                Evaluation::from_findings(vec![Finding::new(format!("bucket {bucket} ACL"), acl, "private")])
            }
            Some(Slot::Known(_)) => Evaluation::pass(),
            _ => Evaluation::missing(&format!("the ACL of bucket {bucket} (oss:GetBucketInfo or oss:GetBucketAcl)")),
        }
    }),
};

static ENABLED: Check = Check {
    meta: CheckMeta {
        id: "actiontrail-enabled",
        name: "The account has an ActionTrail trail recording events",
        free: true,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.1"],
        description: "Without a trail, API calls and console actions stay 90 days in the event history and reach no log store: an intrusion leaves no lasting record.",
        solution: "Create a trail for all regions and all events, delivering to OSS and Log Service (ActionTrail console > Trails > Create Trail).",
        ..base_meta("ActionTrail", AssetKind::Other("ACS::ActionTrail::Account"), Category::LogAudit, Risk::High)
    },
    // Templates hold no account: the asset exists only for imported `actiontrail:DescribeTrails`.
    eval: Eval::Code(|a, _| match a.fields.get("enabled_trails") {
        Some(Slot::Known(n)) if n.as_u64().unwrap_or(0) > 0 => Evaluation::pass(),
        Some(Slot::Known(n)) => {
            Evaluation::from_findings(vec![Finding::new("trails recording events", n.to_string(), "at least 1")])
        }
        _ => Evaluation::missing("TrailList (actiontrail:DescribeTrails)"),
    }),
};

pub(crate) static CHECKS: &[&Check] = &[&ENABLED, &LOG_BUCKET_PRIVATE];
