//! The peer fixture harness: every check item that carries an InfraGuard rule
//! id runs that rule's compliant and violation fixtures, ROS and Terraform,
//! read at test time from `../shared/oracle/infraguard-aliyun` (or the folder
//! `CSPM_INFRAGUARD_DIR` names; nothing is copied into the repository). A
//! compliant fixture must give no finding of the rule, a violation fixture
//! at least one. `baseline/*.txt` list the pairs that passed before: any of
//! them failing now is a regression and fails the test.

use chrono::Utc;
use cspm_assets::load::load_path;
use cspm_checks::{Check, Context, Status};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn oracle_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CSPM_INFRAGUARD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracle/infraguard-aliyun"));
    dir.join("index.json").exists().then_some(dir)
}

/// Findings of `check` on what `path` declares; `None` when it cannot be read.
fn not_passing(check: &Check, path: &Path) -> Result<usize, String> {
    let assets = load_path(path).map_err(|e| e.to_string())?;
    let params = Default::default();
    let ctx = Context { now: Utc::now(), params: &params, specs: check.meta.params };
    Ok(assets
        .iter()
        .filter(|a| a.kind() == check.meta.resource_type)
        .filter(|a| check.evaluate(a, &ctx).status == Status::NotPass)
        .count())
}

/// Every pair listed in `baseline/*.txt`.
fn baseline() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("baseline");
    let mut pairs = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("baseline folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("baseline file");
        pairs.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned));
    }
    pairs
}

#[test]
fn infraguard_fixtures() {
    let Some(dir) = oracle_dir() else {
        println!(
            "InfraGuard fixtures are absent (no ../shared/oracle/infraguard-aliyun, CSPM_INFRAGUARD_DIR unset): peer fixtures skipped; our own fixtures still cover every rule"
        );
        return;
    };
    let index: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let peer_ids: BTreeSet<&str> = index.iter().filter_map(|r| r["id"].as_str()).collect();
    let baseline = baseline();

    let mut passing = BTreeSet::new();
    let mut failing = Vec::new();
    let mut implemented = 0;
    for check in cspm_checks::catalogue().iter().filter(|c| peer_ids.contains(c.meta.id)) {
        implemented += 1;
        let rule_dir = dir.join("rules").join(check.meta.id);
        let fixtures = [
            ("ros", rule_dir.join("ros/compliant.yaml"), rule_dir.join("ros/violation.yaml")),
            ("terraform", rule_dir.join("terraform/compliant"), rule_dir.join("terraform/violation")),
        ];
        for (engine, compliant, violation) in fixtures {
            if !compliant.exists() || !violation.exists() {
                continue;
            }
            let pair = format!("{} {engine}", check.meta.id);
            match (not_passing(check, &compliant), not_passing(check, &violation)) {
                (Ok(0), Ok(n)) if n > 0 => {
                    passing.insert(pair);
                }
                (c, v) => failing.push(format!("{pair}: compliant gave {c:?} findings, violation gave {v:?}")),
            }
        }
    }
    println!(
        "InfraGuard harness: {implemented} of {} peer rules implemented; {} fixture pairs pass, {} fail",
        peer_ids.len(),
        passing.len(),
        failing.len()
    );
    for f in &failing {
        println!("  not yet: {f}");
    }
    let new: Vec<&String> = passing.difference(&baseline).collect();
    if !new.is_empty() {
        println!("  newly passing (add to baseline/<group>.txt): {new:?}");
    }
    let regressions: Vec<&String> = baseline.difference(&passing).collect();
    assert!(regressions.is_empty(), "fixture pairs that passed before fail now: {regressions:?}");
}
