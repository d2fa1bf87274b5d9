//! Declared check items: each reads only fields its resource type's schema
//! declares, and each has a pass and a fail example of our own in
//! `fixtures/iac/<group>.json` — `{"<rule id>": {"pass": {"file": "main.tf",
//! "text": "…"}, "fail": {…}}}` — a Terraform or ROS snippet that must give
//! no finding and at least one finding of the item. Coded items written for
//! templates have such examples too, and run here as well.

use chrono::Utc;
use cspm_assets::load::load_path;
use cspm_assets::schema;
use cspm_checks::{Check, Context, Eval, Status};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn declared() -> Vec<(&'static Check, &'static cspm_checks::Expect)> {
    cspm_checks::catalogue()
        .iter()
        .filter_map(|c| match &c.eval {
            Eval::Expect(e) => Some((*c, e)),
            Eval::Code(_) => None,
        })
        .collect()
}

fn examples() -> BTreeMap<String, Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/iac");
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/iac") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let map: BTreeMap<String, Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (id, v) in map {
            assert!(all.insert(id.clone(), v).is_none(), "{id} has examples in two files");
        }
    }
    all
}

#[test]
fn declared_items_read_only_fields_their_schema_declares() {
    for (check, expect) in declared() {
        let kind = check.meta.resource_type.as_str();
        let schema = schema::by_kind(kind).unwrap_or_else(|| panic!("{}: no schema for {kind}", check.meta.id));
        for field in expect.fields() {
            assert!(schema.fields.iter().any(|f| f.name == field), "{}: {kind} has no field {field:?}", check.meta.id);
        }
    }
}

/// Statuses of `check` on the example, written to a fresh folder and loaded like `cspm check` does.
fn run(check: &Check, example: &Value, case: &str) -> Vec<Status> {
    let file = example["file"].as_str().unwrap_or_else(|| panic!("{}: {case} example needs \"file\"", check.meta.id));
    let text = example["text"].as_str().unwrap_or_else(|| panic!("{}: {case} example needs \"text\"", check.meta.id));
    let dir = std::env::temp_dir().join(format!("cspm-declared-{}-{}-{case}", std::process::id(), check.meta.id));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
    let target = if file.ends_with(".tf") { dir.clone() } else { dir.join(file) };
    let assets = load_path(&target).unwrap_or_else(|e| panic!("{}: {case} example: {e}", check.meta.id));
    let params = BTreeMap::new();
    let ctx = Context { now: Utc::now(), params: &params, specs: check.meta.params };
    assets.iter().filter(|a| a.kind() == check.meta.resource_type).map(|a| check.evaluate(a, &ctx).status).collect()
}

#[test]
fn every_declared_item_passes_its_pass_example_and_fails_its_fail_example() {
    let examples = examples();
    let declared = declared();
    for id in examples.keys() {
        assert!(cspm_checks::find(id).is_some(), "fixtures/iac has examples for {id}, which is not in the catalogue");
    }
    let with_examples = cspm_checks::catalogue().iter().copied().filter(|c| examples.contains_key(c.meta.id));
    let items: BTreeMap<&str, &Check> =
        declared.iter().map(|(c, _)| *c).chain(with_examples).map(|c| (c.meta.id, c)).collect();
    for check in items.into_values() {
        let id = check.meta.id;
        let ex = examples.get(id).unwrap_or_else(|| panic!("{id} has no examples in fixtures/iac"));
        let pass = run(check, &ex["pass"], "pass");
        assert!(!pass.is_empty() && pass.iter().all(|s| *s == Status::Pass), "{id}: pass example gave {pass:?}");
        let fail = run(check, &ex["fail"], "fail");
        assert!(fail.contains(&Status::NotPass), "{id}: fail example gave {fail:?}");
    }
    println!(
        "{} declared items; {} items with Terraform/ROS examples, each passing and failing as it should",
        declared.len(),
        examples.len()
    );
}

/// `fixtures/api/<group>.json`: `{"<rule id>": {"pass": [ApiResponse…], "fail": [ApiResponse…]}}` —
/// OpenAPI responses shaped like the real ones, for the items whose fields a
/// runtime inventory reports (see `cspm_assets::openapi::mapped`).
fn api_examples() -> BTreeMap<String, Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/api");
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/api") {
        let path = entry.expect("entry").path();
        let map: BTreeMap<String, Value> = serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        all.extend(map);
    }
    all
}

fn run_api(check: &Check, responses: &Value) -> Vec<Status> {
    let responses: Vec<cspm_assets::openapi::ApiResponse> =
        serde_json::from_value(responses.clone()).unwrap_or_else(|e| panic!("{}: {e}", check.meta.id));
    let assets = cspm_assets::openapi::ingest(&responses).unwrap_or_else(|e| panic!("{}: {e}", check.meta.id));
    let params = BTreeMap::new();
    let ctx = Context { now: Utc::now(), params: &params, specs: check.meta.params };
    assets
        .iter()
        .filter(|a| a.kind() == check.meta.resource_type && check.has_data(a))
        .map(|a| check.evaluate(a, &ctx).status)
        .collect()
}

#[test]
fn items_run_on_openapi_responses_where_a_mapping_reports_their_fields() {
    let examples = api_examples();
    for (id, ex) in &examples {
        let check = cspm_checks::find(id)
            .unwrap_or_else(|| panic!("fixtures/api has examples for {id}, which is not in the catalogue"));
        let pass = run_api(check, &ex["pass"]);
        assert!(!pass.is_empty() && pass.iter().all(|s| *s == Status::Pass), "{id}: pass responses gave {pass:?}");
        let fail = run_api(check, &ex["fail"]);
        assert!(fail.contains(&Status::NotPass), "{id}: fail responses gave {fail:?}");
    }
    println!("{} items with OpenAPI examples, each passing and failing as it should", examples.len());
}
