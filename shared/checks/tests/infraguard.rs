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

/// Findings of the `checks` on what `path` declares; an error when it cannot be read.
fn findings(checks: &[&Check], path: &Path) -> Result<usize, String> {
    let assets = load_path(path).map_err(|e| e.to_string())?;
    let params = Default::default();
    Ok(checks
        .iter()
        .map(|check| {
            let ctx = Context { now: Utc::now(), params: &params, specs: check.meta.params };
            assets
                .iter()
                .filter(|a| a.kind() == check.meta.resource_type)
                .filter(|a| check.evaluate(a, &ctx).status == Status::NotPass)
                .count()
        })
        .sum())
}

/// The pair's name when its compliant fixture gives no finding of `checks`
/// and its violation fixture at least one; otherwise why not.
fn run_pair(pair: String, checks: &[&Check], compliant: &Path, violation: &Path) -> Result<String, String> {
    match (findings(checks, compliant), findings(checks, violation)) {
        (Ok(0), Ok(n)) if n > 0 => Ok(pair),
        (c, v) => Err(format!("{pair}: compliant gave {c:?} findings, violation gave {v:?}")),
    }
}

/// The ROS and Terraform fixture pairs under `dir` that exist.
fn fixture_pairs(dir: &Path) -> impl Iterator<Item = (&'static str, PathBuf, PathBuf)> {
    [
        ("ros", dir.join("ros/compliant.yaml"), dir.join("ros/violation.yaml")),
        ("terraform", dir.join("terraform/compliant"), dir.join("terraform/violation")),
    ]
    .into_iter()
    .filter(|(_, compliant, violation)| compliant.exists() && violation.exists())
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
        for (engine, compliant, violation) in fixture_pairs(&dir.join("rules").join(check.meta.id)) {
            let pair = format!("{} {engine}", check.meta.id);
            match run_pair(pair, &[check], &compliant, &violation) {
                Ok(pair) => {
                    passing.insert(pair);
                }
                Err(why) => failing.push(why),
            }
        }
    }
    // A pack's compliant fixture must give no finding of any of the pack's
    // rules we implement, its violation fixture at least one.
    let mut packs = 0;
    for pack in cspm_checks::packs() {
        let pack_dir = dir.join("packs").join(pack.id);
        if !pack_dir.exists() {
            continue;
        }
        packs += 1;
        let items: Vec<&Check> = pack.items().collect();
        println!("  pack {}: {} of {} rules implemented", pack.id, items.len(), pack.rules.len());
        for (engine, compliant, violation) in fixture_pairs(&pack_dir) {
            match run_pair(format!("pack {} {engine}", pack.id), &items, &compliant, &violation) {
                Ok(pair) => {
                    passing.insert(pair);
                }
                Err(why) => failing.push(why),
            }
        }
    }
    println!(
        "InfraGuard harness: {implemented} of {} peer rules implemented, {packs} packs run; {} fixture pairs pass, {} fail",
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
