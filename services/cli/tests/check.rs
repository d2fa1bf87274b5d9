//! `cspm check` offline: exit codes, filters, and the four output formats.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The rules the module below exercises (others, e.g. tagging rules, find more).
const RULES: &str = "oss-bucket-public-read-prohibited,oss-bucket-server-side-encryption-enabled,rds-instance-enabled-ssl,rds-white-list-internet-ip-access-check";

fn cspm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cspm")).args(args).output().expect("cspm runs")
}

/// A Terraform module in a folder of the calling test's own (tests run in parallel).
fn module(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cspm-check-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        r#"resource "alicloud_oss_bucket" "public" {
  bucket = "open"
  acl    = "public-read"
  server_side_encryption_rule {
    sse_algorithm = "KMS"
  }
}

resource "alicloud_db_instance" "db" {
  engine       = "MySQL"
  security_ips = ["10.0.0.0/8"]
  ssl_action   = "Open"
}
"#,
    )
    .unwrap();
    dir
}

#[test]
fn findings_name_rule_resource_file_line_and_value_and_fail_the_run() {
    let dir = module("findings_name_rule_resource_file_line_and_value_and_fail_the_run");
    let out = cspm(&["check", dir.to_str().unwrap(), "--format", "json", "--rules", RULES]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    let f = &findings[0];
    assert_eq!(f["rule_id"], "oss-bucket-public-read-prohibited");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["resource_type"], "ACS::OSS::Bucket");
    assert_eq!(f["resource"], "alicloud_oss_bucket.public");
    assert_eq!(f["line"], 1);
    assert!(f["file"].as_str().unwrap().ends_with("main.tf"));
    assert!(f["values"][0].as_str().unwrap().contains("public-read"));
}

#[test]
fn severity_and_rules_filter_and_a_clean_run_exits_zero() {
    let dir = module("severity_and_rules_filter_and_a_clean_run_exits_zero");
    let path = dir.to_str().unwrap();
    assert_eq!(cspm(&["check", path, "--rules", "rds-instance-enabled-ssl"]).status.code(), Some(0));
    assert_eq!(cspm(&["check", path, "--severity", "high", "--rules", RULES]).status.code(), Some(1));
    let out = cspm(&["check", path, "--rules", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown check items"));
    assert_eq!(cspm(&["check", "/no/such/path"]).status.code(), Some(2));
}

#[test]
fn sarif_is_2_1_0_with_rules_results_and_locations() {
    let dir = module("sarif_is_2_1_0_with_rules_results_and_locations");
    let out = cspm(&["check", dir.to_str().unwrap(), "--format", "sarif", "--rules", RULES]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cspm");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the rule");
    assert_eq!(result["level"], "error");
    assert!(result["message"]["text"].as_str().unwrap().contains("alicloud_oss_bucket.public"));
    let physical = &result["locations"][0]["physicalLocation"];
    assert!(physical["artifactLocation"]["uri"].as_str().unwrap().ends_with("main.tf"));
    assert_eq!(physical["region"]["startLine"], 1);
    assert!(
        rules
            .iter()
            .all(|r| r["shortDescription"]["text"].is_string() && r["defaultConfiguration"]["level"].is_string())
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_finding() {
    let dir = module("csv_has_a_header_and_one_row_per_finding");
    let out = cspm(&["check", dir.to_str().unwrap(), "--format", "csv", "--rules", RULES]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "rule_id,severity,resource_type,resource,file,line,offending_value");
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].starts_with("oss-bucket-public-read-prohibited,high,ACS::OSS::Bucket,alicloud_oss_bucket.public,")
    );
}

#[test]
fn openapi_responses_are_checked_offline_too() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/assets/samples/demo-inventory.json");
    let out = cspm(&["check", sample, "--format", "json", "--rules", "rds-white-list-internet-ip-access-check"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["resource"], "rm-bp1orders000000001");
}

#[test]
fn a_pack_selects_its_rules_only() {
    let dir = module("a_pack_selects_its_rules_only");
    let out = cspm(&[
        "check",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--pack",
        "oss-compliance-management-best-practice",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pack = cspm_checks::find_pack("oss-compliance-management-best-practice").unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["rule_id"] == "oss-bucket-public-read-prohibited"), "{v}");
    assert!(findings.iter().all(|f| pack.rules.iter().any(|r| f["rule_id"] == *r)), "{v}");
    assert_eq!(v["rules"], pack.items().count());
    let out = cspm(&["check", dir.to_str().unwrap(), "--pack", "no-such-pack"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown pack"));
}
