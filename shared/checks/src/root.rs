//! RAM: the Alibaba Cloud account's own (root) identity, as the credential
//! report (`ims:GetCredentialReport`) describes it. Templates cannot hold it.

use crate::item::*;
use cspm_assets::AssetKind;
use cspm_assets::openapi::ROOT_ACCOUNT;
use serde_json::Value;

const REPORT: &str = "the credential report (ims:GenerateCredentialReport, then ims:GetCredentialReport)";

/// What root items share; each sets id, name, risk, standards, description, solution.
const ROOT_ITEM: CheckMeta = CheckMeta {
    free: true,
    ..base_meta("RAM", AssetKind::Other(ROOT_ACCOUNT), Category::IdentityAuthenticationAndPermissions, Risk::High)
};

static ROOT_MFA: Check = Check {
    meta: CheckMeta {
        id: "root-mfa-check",
        name: "The Alibaba Cloud account (root) has MFA enabled",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.3"],
        description: "The root identity can do everything, including closing the account; with a password alone, one phished or reused password hands all of it over.",
        solution: "Sign in as the account owner > Security Settings > Multi-factor Authentication: bind a virtual MFA device (or a security key).",
        ..ROOT_ITEM
    },
    eval: Eval::Code(|a, _| match known_field(a, "mfa_active") {
        None => Evaluation::missing(REPORT),
        Some(Value::Bool(true)) => Evaluation::pass(),
        Some(v) => Evaluation::from_findings(vec![Finding::new("mfa_active", v.to_string(), "true")]),
    }),
};

static ROOT_ACCESS_KEY: Check = Check {
    meta: CheckMeta {
        id: "root-ak-check",
        name: "The Alibaba Cloud account (root) has no active AccessKey",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.2"],
        description: "A root AccessKey carries every permission of the account and no policy can narrow it; once leaked, nothing stops it but deleting it.",
        solution: "Sign in as the account owner > AccessKey Management: disable and delete the root AccessKeys, and give programs RAM users or roles with only the permissions they need.",
        ..ROOT_ITEM
    },
    eval: Eval::Code(|a, _| match known_field(a, "active_access_keys").and_then(Value::as_u64) {
        None => Evaluation::missing(REPORT),
        Some(0) => Evaluation::pass(),
        Some(n) => Evaluation::from_findings(vec![Finding::new("active AccessKeys", n.to_string(), "0")]),
    }),
};

static ROOT_UNUSED: Check = Check {
    meta: CheckMeta {
        id: "ram-root-account-not-used",
        name: "The Alibaba Cloud account (root) is not used to log on to the console",
        risk: Risk::Medium,
        params: &[ParamSpec {
            name: "days",
            description: "the period, in days, in which the root identity should not have logged on",
            min: 1,
            max: 365,
            default: 90,
        }],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 1.1"],
        description: "Daily work as root cannot be limited by policy, source address or time, and leaves every action attributed to the one identity nobody should share.",
        solution: "Create RAM users (or SSO) for administrators with the permissions they need, and keep the root credentials for the few tasks only root can do.",
        ..ROOT_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let days = ctx.param("days");
        match known_field(a, "last_console_logon") {
            None => Evaluation::missing(REPORT),
            Some(Value::Null) => Evaluation::pass(),
            Some(Value::String(at)) => match chrono::DateTime::parse_from_rfc3339(at) {
                // The adapter admits only RFC 3339 timestamps.
                Err(_) => Evaluation::missing(REPORT),
                Ok(t) if (ctx.now - t.to_utc()).num_days() < days => Evaluation::from_findings(vec![Finding::new(
                    "user_last_logon",
                    at.clone(),
                    format!("no console logon in the last {days} days"),
                )]),
                Ok(_) => Evaluation::pass(),
            },
            Some(_) => Evaluation::missing(REPORT),
        }
    }),
};

pub(crate) static CHECKS: &[&Check] = &[&ROOT_MFA, &ROOT_ACCESS_KEY, &ROOT_UNUSED];
