//! Log Service alerts on audit events (CIS v2.0 2.10–2.22): for each kind of
//! change the benchmark names, some enabled alert's query must watch for it.
//!
//! A query watches a kind of change when it names, for every group of terms
//! below, at least one of the group's terms as a whole word (any case): the
//! event names of ActionTrail (or, for object ACLs, of the OSS access log),
//! so `CreateVpc` is not satisfied by `CreateVpcFirewallControlPolicy`. A name
//! excluded by the query (`not event.eventName: X`, `!= X`) does not count.
//! The trail must
//! deliver to Log Service for these alerts to see anything; the ActionTrail
//! items check that.

use crate::item::*;
use cspm_assets::openapi::ALERTS;
use cspm_assets::{Asset, AssetKind, Slot};
use serde_json::Value;

const ALERT_ITEM: CheckMeta = base_meta("SLS", AssetKind::Other(ALERTS), Category::LogAudit, Risk::Medium);

/// Pass when an enabled alert's query mentions a term of every group.
fn watched(asset: &Asset, groups: &[&[&str]]) -> Evaluation {
    let Some(Slot::Known(Value::Array(queries))) = asset.fields.get("enabled_alert_queries") else {
        return Evaluation::missing("results (sls:ListAlerts, once per project)");
    };
    let covers = |query: &str| {
        let query = query.replace("!=", " not ");
        let words: Vec<String> = query
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        // A name is watched when it appears with no `not` among the three words
        // before it (`not event.eventName: X`).
        let watched = |term: &str| {
            let term = term.to_ascii_lowercase();
            words
                .iter()
                .enumerate()
                .any(|(i, w)| *w == term && !words[i.saturating_sub(3)..i].iter().any(|p| p == "not"))
        };
        groups.iter().all(|terms| terms.iter().any(|t| watched(t)))
    };
    if queries.iter().filter_map(Value::as_str).any(covers) {
        return Evaluation::pass();
    }
    let wanted: Vec<String> = groups.iter().map(|terms| terms.join(" or ")).collect();
    Evaluation::from_findings(vec![Finding::new(
        "enabled alert queries",
        format!("{} enabled, none watching these events", queries.len()),
        format!("an enabled alert on {}", wanted.join(", ")),
    )])
}

/// Builds one alert item; `eval` calls [`watched`] with the item's terms.
const fn alert(
    id: &'static str,
    name: &'static str,
    cis: &'static [&'static str],
    risk: Risk,
    description: &'static str,
    eval: fn(&Asset, &Context) -> Evaluation,
) -> Check {
    Check {
        meta: CheckMeta {
            id,
            name,
            risk,
            standards: cis,
            description,
            solution: "Deliver ActionTrail to a Log Service logstore, then in Log Service create an alert on that logstore whose query matches these events, and give it a notification channel.",
            ..ALERT_ITEM
        },
        eval: Eval::Code(eval),
    }
}

static RAM_POLICY: Check = alert(
    "sls-alert-ram-policy-changes",
    "An alert watches RAM policy changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.10"],
    Risk::Medium,
    "A new or changed policy can quietly grant someone full access; without an alert it is noticed only in the next audit.",
    |a, _| watched(a, &[&["CreatePolicy"], &["DeletePolicy"], &["CreatePolicyVersion"], &["SetDefaultPolicyVersion"]]),
);

static CLOUD_FIREWALL: Check = alert(
    "sls-alert-cloud-firewall-changes",
    "An alert watches Cloud Firewall policy changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.11"],
    Risk::Medium,
    "Opening a firewall policy is how an attacker (or a hurried change) exposes internal networks.",
    |a, _| {
        watched(
            a,
            &[
                &["CreateVpcFirewallControlPolicy"],
                &["DeleteVpcFirewallControlPolicy"],
                &["ModifyVpcFirewallControlPolicy"],
            ],
        )
    },
);

static ROUTES: Check = alert(
    "sls-alert-vpc-route-changes",
    "An alert watches VPC route changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.12"],
    Risk::Medium,
    "A changed route can send traffic through a host the attacker controls, or cut a network off.",
    |a, _| watched(a, &[&["CreateRouteEntry"], &["DeleteRouteEntry"], &["ModifyRouteEntry"], &["AssociateRouteTable"]]),
);

static VPC: Check = alert(
    "sls-alert-vpc-changes",
    "An alert watches VPC and vSwitch changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.13"],
    Risk::Medium,
    "New VPCs, vSwitches or CIDR blocks change what can reach what; unwatched, they grow into shadow networks.",
    |a, _| watched(a, &[&["CreateVpc"], &["DeleteVpc"], &["CreateVSwitch"], &["DeleteVSwitch"]]),
);

static OSS_PERMISSIONS: Check = alert(
    "sls-alert-oss-permission-changes",
    "An alert watches OSS bucket and object ACL changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.14"],
    Risk::Medium,
    "One ACL change makes a bucket or an object public; the OSS access log records it, an alert makes someone see it.",
    |a, _| watched(a, &[&["PutObjectAcl"], &["PutBucketAcl", "PutBucket"]]),
);

static RDS_CONFIG: Check = alert(
    "sls-alert-rds-config-changes",
    "An alert watches RDS security configuration changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.15"],
    Risk::Medium,
    "Whitelist, SSL, public endpoint and backup changes decide who can reach the data and whether it can be recovered.",
    |a, _| {
        watched(
            a,
            &[
                &["ModifySecurityIps"],
                &["ModifyDBInstanceSSL"],
                &["AllocateInstancePublicConnection"],
                &["ModifyBackupPolicy"],
            ],
        )
    },
);

static UNAUTHORIZED_CALLS: Check = alert(
    "sls-alert-unauthorized-api-calls",
    "An alert watches API calls refused for lack of permission",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.16"],
    Risk::High,
    "Refused calls are how a stolen AccessKey explores what it may do; an alert catches the exploration before it finds something.",
    |a, _| watched(a, &[&["NoPermission"], &["Forbidden"], &["InvalidAccessKeyId"]]),
);

static SIGNIN_WITHOUT_MFA: Check = alert(
    "sls-alert-console-signin-without-mfa",
    "An alert watches console sign-ins without MFA",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.17"],
    Risk::Medium,
    "A sign-in without MFA is one password away from an account takeover.",
    |a, _| watched(a, &[&["ConsoleSignin"], &["mfaChecked", "loginAccount"]]),
);

static ROOT_USAGE: Check = alert(
    "sls-alert-root-account-usage",
    "An alert watches sign-ins of the Alibaba Cloud account (root)",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.18"],
    Risk::High,
    "The root identity should almost never be used; each use is worth a look, and an unexpected one is an incident.",
    |a, _| watched(a, &[&["ConsoleSignin"], &["root-account"]]),
);

static SIGNIN_FAILURES: Check = alert(
    "sls-alert-console-auth-failures",
    "An alert watches failed console sign-ins",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.19"],
    Risk::Medium,
    "Repeated failed sign-ins are password guessing; noticed early, the account can be locked down before a guess succeeds.",
    |a, _| watched(a, &[&["ConsoleSignin"], &["errorCode"]]),
);

static KMS_KEYS: Check = alert(
    "sls-alert-kms-key-disable-deletion",
    "An alert watches KMS keys being disabled or scheduled for deletion",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.20"],
    Risk::Medium,
    "Data encrypted under a deleted key is lost for good; the deletion window is the only time to stop it.",
    |a, _| watched(a, &[&["DisableKey"], &["ScheduleKeyDeletion"], &["DeleteKeyMaterial"]]),
);

static OSS_BUCKET_POLICY: Check = alert(
    "sls-alert-oss-bucket-policy-changes",
    "An alert watches OSS bucket policy changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.21"],
    Risk::Medium,
    "Bucket policies, encryption and replication settings decide who reads the data and where copies go.",
    |a, _| {
        watched(
            a,
            &[&["PutBucketPolicy"], &["DeleteBucketPolicy"], &["PutBucketEncryption"], &["DeleteBucketEncryption"]],
        )
    },
);

static SECURITY_GROUPS: Check = alert(
    "sls-alert-security-group-changes",
    "An alert watches security group changes",
    &["CIS Alibaba Cloud Foundations Benchmark v2.0 2.22"],
    Risk::Medium,
    "An added rule opens a port to the Internet in seconds; an alert makes the change visible while it is still small.",
    |a, _| {
        watched(
            a,
            &[
                &["CreateSecurityGroup"],
                &["AuthorizeSecurityGroup"],
                &["RevokeSecurityGroup"],
                &["DeleteSecurityGroup"],
            ],
        )
    },
);

pub(crate) static CHECKS: &[&Check] = &[
    &RAM_POLICY,
    &CLOUD_FIREWALL,
    &ROUTES,
    &VPC,
    &OSS_PERMISSIONS,
    &RDS_CONFIG,
    &UNAUTHORIZED_CALLS,
    &SIGNIN_WITHOUT_MFA,
    &ROOT_USAGE,
    &SIGNIN_FAILURES,
    &KMS_KEYS,
    &OSS_BUCKET_POLICY,
    &SECURITY_GROUPS,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn alerts(queries: &[&str]) -> Asset {
        let mut a = Asset {
            id: "account".into(),
            name: None,
            region: None,
            spec: cspm_assets::AssetSpec::Resource(ALERTS.into()),
            source: None,
            fields: Default::default(),
        };
        a.fields.insert("enabled_alert_queries".into(), Slot::Known(json!(queries)));
        a
    }

    #[test]
    fn event_names_match_as_whole_words_and_not_when_excluded() {
        let vpc: &[&[&str]] = &[&["CreateVpc"], &["DeleteVpc"]];
        let status = |q: &str| watched(&alerts(&[q]), vpc).status;
        assert_eq!(status("event.eventName: CreateVpc or event.eventName: DeleteVpc"), Status::Pass);
        assert_eq!(
            status(
                "event.eventName: CreateVpcFirewallControlPolicy or event.eventName: DeleteVpcFirewallControlPolicy"
            ),
            Status::NotPass
        );
        assert_eq!(status("event.eventName: CreateVpc and not event.eventName: DeleteVpc"), Status::NotPass);
        assert_eq!(status("event.eventName: CreateVpc and event.eventName != DeleteVpc"), Status::NotPass);
    }
}
