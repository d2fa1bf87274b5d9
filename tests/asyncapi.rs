//! `docs/asyncapi.json` documents the messages for outside publishers. This
//! test runs the fleet in process, captures real messages of every kind, and
//! validates each against the schema the document gives for its channel.

use bytes::Bytes;
use cspm_activation::Activation;
use cspm_activation::events::EventPublisher;
use cspm_bus::{Bus, Outgoing};
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{AccountCommand, Site};
use cspm_fleet::local::LocalFleet;
use cspm_fleet::messages::{ASSET_CHANGED_SCHEMA, AssetChanged, Topology};
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::worker::WorkerSettings;
use cspm_tests::{sample_inventory, unique_tenant};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

fn document() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/asyncapi.json"))
        .expect("docs/asyncapi.json");
    serde_json::from_str(&text).expect("the AsyncAPI document is JSON")
}

/// A validator for one component schema, resolving `$ref`s inside the document.
fn validator(doc: &Value, schema: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#/components/schemas/{schema}"));
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema {schema}: {e}"))
}

/// The message schema the document names for the channel a subject belongs to.
fn schema_for(subject: &str) -> &'static str {
    match subject.split('.').nth(2) {
        Some("job") => "Job",
        Some("result") => "Result",
        Some("dead") => "DeadLetter",
        Some("asset") => "AssetChanged",
        Some("account") => "AccountEvent",
        other => panic!("undocumented subject kind {other:?} in {subject}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_messages_match_the_asyncapi_document() {
    let doc = document();
    assert_eq!(doc["asyncapi"], "2.6.0");
    for channel in [
        "cspm.v1.job.{site}.{account_id}.{item_id}.{job_id}",
        "cspm.v1.result.{site}.{account_id}",
        "cspm.v1.dead.{site}.{account_id}",
        "cspm.v1.asset.{site}.{account_id}.changed",
        "cspm.v1.account.{site}.{account_id}.{event}",
    ] {
        assert!(doc["channels"].get(channel).is_some(), "channel {channel} is documented");
    }

    let fleet = LocalFleet::start(1, WorkerSettings::default()).await.unwrap();
    let mut captured = fleet.bus.subscribe("cspm.>").await.unwrap();
    let events = EventPublisher::new(fleet.accounts.clone(), fleet.bus.clone(), "cspm", &prometheus::Registry::new());
    let activation = Activation::new(fleet.accounts.clone(), fleet.ledger.clone(), events, "asyncapi-admin-token-0123");
    let tenant = unique_tenant(Site::Intl);
    activation.create(&tenant).await.unwrap();
    activation.execute(&tenant, AccountCommand::Authorize { client_token: "a".into(), role_arn: None }).await.unwrap();
    activation.execute(&tenant, AccountCommand::Subscribe { quota: 3, months: 1, client_token: None }).await.unwrap();
    fleet.scheduler.import(&tenant, &sample_inventory(), false).await.unwrap();
    fleet.scheduler.start(&tenant, CheckAction::Scan, ScanRequest::default(), "api").await.unwrap();
    let topology = Topology::default();
    let change = AssetChanged {
        schema: ASSET_CHANGED_SCHEMA.into(),
        tenant: tenant.clone(),
        responses: sample_inventory()[..1].to_vec(),
    };
    fleet
        .bus
        .send(Outgoing {
            subject: topology.asset_changed_subject(&tenant),
            msg_id: "change-1".into(),
            headers: Vec::new(),
            payload: Bytes::from(serde_json::to_vec(&change).unwrap()),
        })
        .await
        .unwrap();
    let unknown_item = json!({"schema": "cspm.job.v1", "job_id": "j-unknown", "task_id": "t", "tenant": tenant, "action": "scan", "item_id": "no-such-item", "instances": [{"id": "x", "name": null, "region": null, "spec": {"type": "Disk", "config": {}}}]});
    fleet
        .bus
        .send(Outgoing {
            subject: topology.job_subject(&tenant, "no-such-item", "forged-job-1"),
            msg_id: "bad-1".into(),
            headers: Vec::new(),
            payload: Bytes::from(unknown_item.to_string()),
        })
        .await
        .unwrap();

    let mut validated: BTreeMap<&str, usize> = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while validated.len() < 5 && tokio::time::Instant::now() < deadline {
        let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(500), captured.next()).await else { continue };
        let schema = schema_for(&m.subject);
        let body: Value = serde_json::from_slice(&m.payload).unwrap();
        let v = validator(&doc, schema);
        let errors: Vec<String> = v.iter_errors(&body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "{} message on {} does not match the document: {errors:?}\n{body}",
            schema,
            m.subject
        );
        *validated.entry(schema).or_default() += 1;
    }
    assert_eq!(
        validated.keys().copied().collect::<Vec<_>>(),
        ["AccountEvent", "AssetChanged", "DeadLetter", "Job", "Result"],
        "{validated:?}"
    );
    fleet.shutdown().await;
}

#[test]
fn the_document_rejects_what_the_fleet_rejects() {
    let doc = document();
    let job = validator(&doc, "Job");
    assert!(!job.is_valid(&json!({"schema": "cspm.job.v1"})), "required fields");
    assert!(!job.is_valid(&json!({"schema": "cspm.job.v2", "job_id": "j", "task_id": "t", "tenant": {"site": "cn", "account_id": "1234567"}, "action": "scan", "item_id": "x", "instances": []})));
    let change = validator(&doc, "AssetChanged");
    assert!(!change.is_valid(
        &json!({"schema": "cspm.asset_changed.v1", "tenant": {"site": "us", "account_id": "1234567"}, "responses": []})
    ));
}

/// The collection messages, as the fleet serializes them, match the
/// document, and the trail channel lists every operation the fleet follows.
#[test]
fn collection_messages_and_followed_operations_are_documented() {
    use cspm_fleet::collection::trail;
    use cspm_fleet::collection::types::*;
    let doc = document();
    let tenant = unique_tenant(Site::Cn);
    let slice = cspm_cloud::collect::Slice { product: "ecs".into(), region: Some("cn-hangzhou".into()) };
    let job = CollectJob {
        schema: COLLECT_SCHEMA.into(),
        job_id: "c1-0001".into(),
        collection_id: "c1".into(),
        tenant: tenant.clone(),
        slice,
    };
    let collected = CollectedMessage { schema: COLLECTED_SCHEMA.into(), tenant, collection_id: "c1".into() };
    for (schema, body) in [("CollectJob", json!(job)), ("Collected", json!(collected))] {
        let errors: Vec<String> = validator(&doc, schema).iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{schema}: {errors:?}\n{body}");
    }
    let records = validator(&doc, "TrailRecords");
    let record = json!({"eventName": "PutBucketAcl", "serviceName": "Oss", "resourceName": "logs"});
    assert!(records.is_valid(&record) && records.is_valid(&json!([record])));
    assert!(!records.is_valid(&json!([])) && !records.is_valid(&json!({"serviceName": "Ecs"})));
    let described = doc["channels"]["cspm.v1.cloud.{site}.{account_id}.trail"]["description"].as_str().unwrap();
    for (service, event) in trail::followed() {
        assert!(described.contains(event), "{service}:{event} is not documented");
    }
    assert!(trail::followed().count() >= 20);
}
