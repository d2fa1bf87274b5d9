//! Every coded check item has a pass and a fail fixture of our own, shaped
//! like the real OpenAPI responses (`fixtures/<id>.json`), run through the
//! OpenAPI adapter: the pass fixture yields no finding of the item, the fail
//! fixture at least one. (Declared items have Terraform/ROS examples; see
//! `tests/declared.rs`.)

use crate::*;
use chrono::TimeZone;
use cspm_assets::openapi::{ApiResponse, ingest};
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Fixture {
    pass: Vec<ApiResponse>,
    fail: Vec<ApiResponse>,
}

fn statuses(check: &Check, responses: &[ApiResponse]) -> Vec<Status> {
    let assets = ingest(responses).unwrap_or_else(|e| panic!("{}: fixture does not ingest: {e}", check.meta.id));
    let params = BTreeMap::new();
    let ctx = Context {
        now: chrono::Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
        params: &params,
        specs: check.meta.params,
    };
    let out: Vec<Status> = assets
        .iter()
        .filter(|a| a.kind() == check.meta.resource_type)
        .map(|a| check.evaluate(a, &ctx).status)
        .collect();
    assert!(!out.is_empty(), "{}: fixture has no {} asset", check.meta.id, check.meta.resource_type);
    out
}

#[test]
fn every_item_passes_its_pass_fixture_and_fails_its_fail_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    // Coded items written for templates carry Terraform/ROS examples instead (tests/declared.rs).
    let iac_examples = std::fs::read_dir(dir.join("iac"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    for check in catalogue().iter().filter(|c| matches!(c.eval, Eval::Code(_))) {
        if iac_examples.contains(&format!("\"{}\"", check.meta.id)) {
            continue;
        }
        let path = dir.join(format!("{}.json", check.meta.id));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no fixture {}", check.meta.id, path.display()));
        let fixture: Fixture = serde_json::from_str(&text).unwrap();
        let pass = statuses(check, &fixture.pass);
        assert!(pass.iter().all(|s| *s == Status::Pass), "{}: pass fixture gave {pass:?}", check.meta.id);
        let fail = statuses(check, &fixture.fail);
        assert!(fail.contains(&Status::NotPass), "{}: fail fixture gave {fail:?}", check.meta.id);
    }
}

#[test]
fn the_catalogue_is_well_formed() {
    let items = catalogue();
    assert!(items.len() >= 15, "{} items", items.len());
    let mut ids: Vec<_> = items.iter().map(|c| c.meta.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), items.len(), "ids are unique");
    assert!(items.iter().any(|c| c.meta.free) && items.iter().any(|c| !c.meta.free));
    for c in items {
        assert!(
            c.meta.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{}",
            c.meta.id
        );
        assert!(!c.meta.description.is_empty() && !c.meta.solution.is_empty(), "{}", c.meta.id);
        for p in c.meta.params {
            assert!(p.min <= p.default && p.default <= p.max, "{}.{}", c.meta.id, p.name);
        }
    }
}

#[test]
fn parameters_are_validated_and_take_effect() {
    let check = find("ram-password-policy-minimum-length").unwrap();
    assert!(check.validate_params(&[("min_length".to_owned(), 8)].into()).is_ok());
    assert!(check.validate_params(&[("min_length".to_owned(), 4)].into()).is_err());
    assert!(check.validate_params(&[("colour".to_owned(), 1)].into()).is_err());
    let assets = ingest(
        &serde_json::from_str::<Fixture>(include_str!("../fixtures/ram-password-policy-minimum-length.json"))
            .unwrap()
            .fail,
    )
    .unwrap();
    let lenient = [("min_length".to_owned(), 8)].into();
    let ctx = Context { now: chrono::Utc::now(), params: &lenient, specs: check.meta.params };
    assert_eq!(check.evaluate(&assets[0], &ctx).status, Status::Pass, "a length of 8 passes when 8 is required");
}

#[test]
fn missing_data_is_not_checked_rather_than_guessed() {
    let check = find("rds-instance-enabled-ssl").unwrap();
    let assets = ingest(&[ApiResponse {
        api: "rds:DescribeDBInstances".into(),
        params: BTreeMap::new(),
        response: serde_json::json!({"Items": {"DBInstance": [{"DBInstanceId": "rm-1"}]}}),
    }])
    .unwrap();
    let params = BTreeMap::new();
    let ctx = Context { now: chrono::Utc::now(), params: &params, specs: &[] };
    let e = check.evaluate(&assets[0], &ctx);
    assert_eq!(e.status, Status::NotCheck);
    assert!(e.reason.unwrap().contains("MissingData"));
}

/// A security group seen only in `ecs:DescribeSecurityGroups` (no rule
/// listing) is missing data for the rule items, not an error.
#[test]
fn a_resource_without_its_detail_call_is_not_checked() {
    let assets = ingest(&[ApiResponse {
        api: "ecs:DescribeSecurityGroups".into(),
        params: BTreeMap::new(),
        response: serde_json::json!({"SecurityGroups": {"SecurityGroup": [
            {"SecurityGroupId": "sg-1", "RegionId": "cn-hangzhou", "VpcId": "vpc-1", "Description": "web"}
        ]}}),
    }])
    .unwrap();
    let group = assets.iter().find(|a| a.id == "sg-1").expect("the group is imported");
    let params = BTreeMap::new();
    let ctx = Context { now: chrono::Utc::now(), params: &params, specs: &[] };
    for id in ["ecs-security-group-ssh-not-open-to-internet", "sg-risky-ports-check", "security-group-vpc-required"] {
        let check = find(id).unwrap();
        let status = check.evaluate(group, &ctx).status;
        assert_ne!(status, Status::Error, "{id}");
        assert_eq!(status == Status::Pass, id == "security-group-vpc-required", "{id}: {status:?}");
    }
}

/// The PostgreSQL logging items do not apply to other engines: not checked,
/// so never charged, rather than passed.
#[test]
fn postgres_items_do_not_apply_to_mysql() {
    let assets = ingest(&[
        ApiResponse {
            api: "rds:DescribeDBInstances".into(),
            params: BTreeMap::new(),
            response: serde_json::json!({"Items": {"DBInstance": [{"DBInstanceId": "rm-1", "Engine": "MySQL"}]}}),
        },
        ApiResponse {
            api: "rds:DescribeParameters".into(),
            params: [("DBInstanceId".to_owned(), "rm-1".to_owned())].into(),
            response: serde_json::json!({"RunningParameters": {"DBInstanceParameter": []}}),
        },
    ])
    .unwrap();
    let params = BTreeMap::new();
    let ctx = Context { now: chrono::Utc::now(), params: &params, specs: &[] };
    let e = find("rds-postgresql-log-connections-enabled").unwrap().evaluate(&assets[0], &ctx);
    assert_eq!(e.status, Status::NotCheck);
    assert!(e.reason.unwrap().starts_with("NotApplicable"));
}

/// A policy document that is not JSON is an error naming the document, not a pass.
#[test]
fn a_policy_document_that_is_not_json_is_an_error() {
    let assets = ingest(&[
        ApiResponse {
            api: "ram:ListPolicies".into(),
            params: BTreeMap::new(),
            response: serde_json::json!({"Policies": {"Policy": [{"PolicyName": "p", "PolicyType": "Custom"}]}}),
        },
        ApiResponse {
            api: "ram:GetPolicyVersion".into(),
            params: [("PolicyName".to_owned(), "p".to_owned())].into(),
            response: serde_json::json!({"PolicyVersion": {"PolicyDocument": "{\"Statement\": ["}}),
        },
    ])
    .unwrap();
    let params = BTreeMap::new();
    let ctx = Context { now: chrono::Utc::now(), params: &params, specs: &[] };
    let e = find("ram-policy-no-statements-with-admin-access-check").unwrap().evaluate(&assets[0], &ctx);
    assert_eq!(e.status, Status::Error);
    assert!(e.reason.unwrap().contains("PolicyDocument is not a JSON policy"));
}

/// A policy document is JSON text inside the response: read with serde_json's
/// recursion limit, one nested 10,000 deep is an error, not a stack overflow.
#[test]
fn a_deeply_nested_policy_document_is_an_error() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let assets = ingest(&[
        ApiResponse {
            api: "ram:ListPolicies".into(),
            params: BTreeMap::new(),
            response: serde_json::json!({"Policies": {"Policy": [{"PolicyName": "p", "PolicyType": "Custom"}]}}),
        },
        ApiResponse {
            api: "ram:GetPolicyVersion".into(),
            params: [("PolicyName".to_owned(), "p".to_owned())].into(),
            response: serde_json::json!({"PolicyVersion": {"PolicyDocument": deep}}),
        },
    ])
    .unwrap();
    let params = BTreeMap::new();
    let ctx = Context { now: chrono::Utc::now(), params: &params, specs: &[] };
    let e = find("ram-policy-no-statements-with-admin-access-check").unwrap().evaluate(&assets[0], &ctx);
    assert_eq!(e.status, Status::Error);
    assert!(e.reason.unwrap().contains("recursion limit"));
}
