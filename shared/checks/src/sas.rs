//! Security Center: the account's edition and the settings CIS v2.0 section 8
//! asks for, read from the `ACS::SAS::Account` asset.

use crate::item::*;
use cspm_assets::{Asset, AssetKind, Slot};
use serde_json::Value;

/// What the account's items share; each sets id, name, risk, standards, description, solution.
const ACCOUNT_ITEM: CheckMeta = CheckMeta {
    free: true,
    ..base_meta("Security Center", AssetKind::Other("ACS::SAS::Account"), Category::BasicProtection, Risk::Medium)
};

/// A setting the account asset holds, or the evaluation that says which call reports it.
fn setting<'a>(a: &'a Asset, field: &str, call: &str) -> Result<&'a Value, Evaluation> {
    match a.fields.get(field) {
        Some(Slot::Known(v)) => Ok(v),
        _ => Err(Evaluation::missing(call)),
    }
}

/// `sas:DescribeVersionConfig` Version codes that protect hosts beyond the
/// free Basic edition: Enterprise, Advanced, Ultimate, Multi-version.
const PROTECTING: &[u64] = &[3, 5, 7, 8];

static EDITION: Check = Check {
    meta: CheckMeta {
        id: "sas-edition-advanced-or-higher",
        name: "Security Center runs the Advanced edition or higher",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.1"],
        description: "The Basic and Anti-virus editions do not detect intrusions or fix vulnerabilities: hosts are left to themselves.",
        solution: "Security Center console > Overview: upgrade to the Advanced, Enterprise or Ultimate edition.",
        ..ACCOUNT_ITEM
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

static VIRUS_BLOCKING: Check = Check {
    meta: CheckMeta {
        id: "sas-virus-blocking-enabled",
        name: "Security Center quarantines malicious processes automatically",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.3"],
        description: "Without virus blocking, known malware found on a host keeps running until someone reads the alert and acts.",
        solution: "Security Center console > Settings > Host Protection Settings > Virus Blocking: turn it on (aliyun sas OperateSuspiciousOverallConfig --Type auto_breaking --On true).",
        ..ACCOUNT_ITEM
    },
    eval: Eval::Code(|a, _| {
        let call = "OverallConfig.Config (sas:DescribeSuspiciousOverallConfig --Type auto_breaking)";
        match setting(a, "virus_blocking", call) {
            Err(missing) => missing,
            Ok(v) if v.as_str().is_some_and(|c| c.eq_ignore_ascii_case("on")) => Evaluation::pass(),
            Ok(v) => Evaluation::from_findings(vec![Finding::new("auto_breaking", v.to_string(), "on")]),
        }
    }),
};

/// The notification items of high-risk events: vulnerabilities, baseline
/// risks, security alerts, AccessKey leaks.
const HIGH_RISK_NOTICES: &[&str] = &["sas_vulnerability", "sas_healthcheck", "sas_suspicious", "yundun_sas_ak_leakage"];

static NOTIFICATIONS: Check = Check {
    meta: CheckMeta {
        id: "sas-high-risk-notifications-enabled",
        name: "Security Center notifies someone of every high-risk item",
        category: Category::LogAudit,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.5"],
        description: "An alert nobody is told about is read days later, if at all: intrusions, leaked AccessKeys and urgent vulnerabilities need someone notified at once.",
        solution: "Security Center console > Settings > Notification: choose SMS, email or internal message for vulnerabilities, baseline risks, alerts and AccessKey leaks.",
        ..ACCOUNT_ITEM
    },
    eval: Eval::Code(|a, _| {
        let notices = match setting(a, "notices", "NoticeConfigList (sas:DescribeNoticeConfig)") {
            Err(missing) => return missing,
            Ok(v) => v,
        };
        let unlisted: Vec<&str> = HIGH_RISK_NOTICES.iter().copied().filter(|p| notices.get(*p).is_none()).collect();
        if !unlisted.is_empty() {
            return Evaluation::missing(&format!("the notice items {unlisted:?} (sas:DescribeNoticeConfig)"));
        }
        // Route 0 sends through no channel.
        let silent = HIGH_RISK_NOTICES.iter().filter(|p| notices.get(**p).and_then(Value::as_u64) == Some(0));
        Evaluation::from_findings(
            silent
                .map(|p| Finding::new(format!("notice {p}"), "no channel", "SMS, email or internal message"))
                .collect(),
        )
    }),
};

static CSPM_AUTHORIZED: Check = Check {
    meta: CheckMeta {
        id: "sas-config-assessment-authorized",
        name: "Security Center may assess cloud configuration (CSPM is authorized)",
        category: Category::IdentityAuthenticationAndPermissions,
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.6"],
        description: "Without the AliyunServiceRoleForSasCspm role, Security Center cannot read other products' configuration, and their misconfigurations go unreported.",
        solution: "Security Center console > Risk Governance > CSPM: authorize the service-linked role AliyunServiceRoleForSasCspm.",
        ..ACCOUNT_ITEM
    },
    eval: Eval::Code(|a, _| {
        let call =
            "RoleStatus.Status (sas:DescribeServiceLinkedRoleStatus --ServiceLinkedRole AliyunServiceRoleForSasCspm)";
        match setting(a, "cspm_role_authorized", call) {
            Err(missing) => missing,
            Ok(Value::Bool(true)) => Evaluation::pass(),
            Ok(v) => {
                Evaluation::from_findings(vec![Finding::new("AliyunServiceRoleForSasCspm", v.to_string(), "true")])
            }
        }
    }),
};

/// Vulnerability types CIS asks to scan: Linux software (cve), Windows
/// system (sys), web CMS (cms), urgent (emg).
const SCANNED_TYPES: &[&str] = &["cve", "sys", "cms", "emg"];
/// Necessity levels to scan for: high (asap) and medium (later).
const SCANNED_LEVELS: &[&str] = &["asap", "later"];

static VULNERABILITY_SCAN: Check = Check {
    meta: CheckMeta {
        id: "sas-scheduled-vulnerability-scan-enabled",
        name: "Security Center scans all servers for high and medium vulnerabilities of every type",
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.7"],
        description: "A vulnerability type or level left out of the periodic scan is never reported, so it is never patched.",
        solution: "Security Center console > Vulnerabilities > Settings: turn on Linux software, Windows system, Web-CMS and urgent vulnerability scans, for high and medium priority.",
        ..ACCOUNT_ITEM
    },
    eval: Eval::Code(|a, _| {
        let types = match setting(a, "vul_scan_types", "TargetConfigs (sas:DescribeVulConfig)") {
            Err(missing) => return missing,
            Ok(v) => v,
        };
        let levels = match setting(a, "vul_scan_levels", "ConcernNecessity (sas:DescribeConcernNecessity)") {
            Err(missing) => return missing,
            Ok(v) => v,
        };
        let mut findings: Vec<Finding> = SCANNED_TYPES
            .iter()
            .filter(|t| types.get(**t).and_then(Value::as_str).is_none_or(|c| c.eq_ignore_ascii_case("off")))
            .map(|t| {
                Finding::new(format!("scan of {t}"), types.get(*t).map_or("not set".into(), Value::to_string), "on")
            })
            .collect();
        let scanned: Vec<&str> = levels.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        findings.extend(
            SCANNED_LEVELS
                .iter()
                .filter(|l| !scanned.contains(l))
                .map(|l| Finding::new("ConcernNecessity", format!("{scanned:?}"), format!("includes {l}"))),
        );
        Evaluation::from_findings(findings)
    }),
};

/// The fingerprint schedules to check: listening ports, processes, accounts, software.
const FINGERPRINT_KINDS: &[&str] =
    &["scheduler_port_period", "scheduler_process_period", "scheduler_account_period", "scheduler_software_period"];

static FINGERPRINTS: Check = Check {
    meta: CheckMeta {
        id: "sas-asset-fingerprint-collection-scheduled",
        name: "Security Center collects asset fingerprints at least daily",
        params: &[ParamSpec {
            name: "max_hours",
            description: "longest acceptable interval between collections, in hours",
            min: 1,
            max: 168,
            default: 24,
        }],
        standards: &["CIS Alibaba Cloud Foundations Benchmark v2.0 8.8"],
        description: "Stale fingerprints (ports, processes, accounts, software) hide a new listening port or an added account until the next collection.",
        solution: "Security Center console > Settings > Asset Fingerprints: collect each kind at least once a day (aliyun sas ModifyPropertyScheduleConfig --Type scheduler_port_period --ScheduleTime 24).",
        ..ACCOUNT_ITEM
    },
    eval: Eval::Code(|a, ctx| {
        let call = "Config (sas:DescribePropertyScheduleConfig --Type scheduler_<kind>_period)";
        let schedules = match setting(a, "fingerprint_schedules", call) {
            Err(missing) => return missing,
            Ok(v) => v,
        };
        let unlisted: Vec<&str> = FINGERPRINT_KINDS.iter().copied().filter(|k| schedules.get(*k).is_none()).collect();
        if !unlisted.is_empty() {
            return Evaluation::missing(&format!("the schedules {unlisted:?} (sas:DescribePropertyScheduleConfig)"));
        }
        let max = ctx.param("max_hours");
        let findings = FINGERPRINT_KINDS
            .iter()
            .filter_map(|kind| {
                let shown = cspm_assets::iac::scalar_text(schedules.get(*kind)?).unwrap_or_default();
                let hours: Option<i64> = shown.trim().parse().ok();
                (!hours.is_some_and(|h| (1..=max).contains(&h)))
                    .then(|| Finding::new(*kind, format!("every {shown} hours"), format!("every 1 to {max} hours")))
            })
            .collect();
        Evaluation::from_findings(findings)
    }),
};

pub(crate) static CHECKS: &[&Check] =
    &[&EDITION, &VIRUS_BLOCKING, &NOTIFICATIONS, &CSPM_AUTHORIZED, &VULNERABILITY_SCAN, &FINGERPRINTS];
