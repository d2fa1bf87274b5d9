//! Live collection end to end: cspm-activation, cspm-scheduler and a
//! cspm-scan-worker as processes over real NATS and Redis, reading a seeded
//! account from the Alibaba Cloud emulator (its own process) with signed
//! calls, through the role the tenant authorized.

use cspm_tests::fleet::{Fleet, FleetOptions};
use cspm_tests::{ServiceProcess, free_port, nats_url, unique_tenant};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const OPERATOR: &str = "5555555555555555";
const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// The sample documents of the calls a collection makes, and the answer
/// OSS gives for the policy of a bucket that has none (which the sample
/// leaves out): the emulator serves exactly these, and they import alike.
fn collectable_sample() -> Vec<Value> {
    let apis: BTreeSet<&str> = cspm_cloud::collect::PLANS
        .iter()
        .map(|p| p.api)
        .chain(cspm_cloud::collect::OSS_CALLS.iter().map(|(_, api)| *api))
        .collect();
    let all: Vec<Value> =
        serde_json::from_str(include_str!("../shared/assets/samples/demo-inventory.json")).expect("the sample");
    let mut docs: Vec<Value> =
        all.into_iter().filter(|d| d["api"].as_str().is_some_and(|a| apis.contains(a))).collect();
    let no_policy =
        "<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist.</Message></Error>";
    for bucket in ["acme-backups", "acme-public-assets", "acme-scratch"] {
        docs.push(json!({"api": "oss:GetBucketPolicy", "params": {"BucketName": bucket}, "response": no_policy}));
    }
    docs
}

/// A fleet whose processes reach the emulator (started with `emulator_args`) as Alibaba Cloud.
async fn fleet_with_emulator(emulator_args: &[&str]) -> (Fleet, ServiceProcess, String) {
    fleet_with_emulator_and_workers(emulator_args, 1).await
}

async fn fleet_with_emulator_and_workers(emulator_args: &[&str], workers: usize) -> (Fleet, ServiceProcess, String) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let tenant = unique_tenant(cspm_domain::Site::Cn);
    let role = format!("acs:ram::{}:role/cspm-reader", tenant.account_id);
    let seed = std::env::temp_dir().join(format!("cspm-collection-seed-{port}.json"));
    std::fs::write(&seed, serde_json::to_vec(&collectable_sample()).unwrap()).expect("seed written");
    let mut args: Vec<String> = vec![
        "--listen".into(),
        format!("127.0.0.1:{port}"),
        "--seed".into(),
        seed.display().to_string(),
        "--key".into(),
        format!("LTAIoperator:operator-secret:{OPERATOR}"),
        "--role".into(),
        format!("{role}={OPERATOR}"),
    ];
    args.extend(emulator_args.iter().map(|a| (*a).to_owned()));
    let emulator = ServiceProcess::start_listening("cspm-cloud-emulator", &args, port).await;
    let mut options = FleetOptions::new(&vec![0; workers]);
    options.env = vec![
        ("CSPM__CLOUD__ENDPOINT", base),
        ("CSPM__CLOUD__CREDENTIAL_KEY", KEY.into()),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIoperator".into()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "operator-secret".into()),
    ];
    let mut fleet = Fleet::start_with(options).await;
    fleet.tenant = tenant;
    fleet.activation_call("PUT", "", None).await.expect("tenant created");
    let auth = json!({"client_token": "e2e-role", "role_arn": role});
    fleet.activation_call("PUT", "/authorization", Some(auth)).await.expect("authorized with the role");
    fleet.activation_call("PUT", "/cspm/subscription", Some(json!({"quota": 5000, "months": 12}))).await.unwrap();
    (fleet, emulator, role)
}

/// The collection once it has ended.
async fn wait_collection(f: &Fleet, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let c = f.scheduler_call("GET", &format!("/collections/{id}"), None).await.expect("collection");
        if c["state"] != "running" {
            return c;
        }
        assert!(Instant::now() < deadline, "collection {id} did not end: {c}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The collection's scan task once it has ended.
async fn wait_scan(f: &Fleet, collection_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let c = wait_collection(f, collection_id).await;
        if let Some(task) = c["scan_task"].as_str() {
            return f.wait(task).await;
        }
        assert!(Instant::now() < deadline, "no scan followed collection {collection_id}: {c}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn collect(f: &Fleet, body: Value) -> Value {
    let started = f.scheduler_call("POST", "/collections", Some(body)).await.expect("collection started");
    wait_collection(f, started["collection_id"].as_str().expect("an id")).await
}

type Row = (String, String, String, String, String);

/// (item, instance, status) of each row.
fn strip(rows: Vec<Row>) -> Vec<(String, String, String)> {
    rows.into_iter().map(|(i, n, s, _, _)| (i, n, s)).collect()
}

/// Every latest result, as (item, instance, status, reason, task).
async fn all_results(f: &Fleet) -> Vec<Row> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = f.results(&format!("page={page}")).await;
        let rows = r["results"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let s = |k: &str| row[k].as_str().unwrap_or_default().to_owned();
            out.push((s("item_id"), s("instance_id"), s("status"), s("reason"), s("task_id")));
        }
    }
    out.sort();
    out
}

async fn publish(subject: String, payload: Vec<u8>) {
    let client = async_nats::connect(nats_url()).await.expect("NATS");
    let js = async_nats::jetstream::new(client);
    js.publish(subject, payload.into()).await.expect("published").await.expect("stored");
}

/// Collecting a seeded account yields what importing the same documents
/// yields; a change event re-reads and re-scans only the resource it names,
/// charged for exactly those evaluations; a malformed event is dead-lettered;
/// revoking the authorization stops collection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collected_account_matches_its_import_and_events_rescan_what_they_name() {
    let (mut f, _emulator, _) = fleet_with_emulator(&[]).await;
    let collected = collect(&f, json!({"scan": true, "client_token": "first"})).await;
    assert_eq!(collected["state"], "done", "{collected}");
    assert!(collected["denied"].as_object().unwrap().is_empty(), "{collected}");
    assert!(collected["calls"].as_u64().unwrap() > 50, "{collected}");
    let scan = wait_scan(&f, collected["collection_id"].as_str().unwrap()).await;
    assert_eq!(scan["state"], "done", "{scan}");
    let retried = f.scheduler_call("POST", "/collections", Some(json!({"client_token": "first"}))).await.unwrap();
    assert_eq!(retried["collection_id"], collected["collection_id"], "a retry returns the first collection");

    // The same documents imported into another tenant of the same fleet give the same results.
    let ours = strip(all_results(&f).await);
    let collector = std::mem::replace(&mut f.tenant, unique_tenant(cspm_domain::Site::Cn));
    f.activation_call("PUT", "", None).await.unwrap();
    f.authorize_and_buy(5000).await;
    f.scheduler_call("POST", "/assets", Some(json!({"responses": collectable_sample()}))).await.unwrap();
    assert_eq!(f.scan(json!({})).await["state"], "done");
    let theirs = strip(all_results(&f).await);
    f.tenant = collector;
    assert!(ours.len() > 100, "{}", ours.len());
    let only_ours: Vec<_> = ours.iter().filter(|r| !theirs.contains(r)).collect();
    let only_theirs: Vec<_> = theirs.iter().filter(|r| !ours.contains(r)).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "collected and imported inventories are judged differently: collected {only_ours:?}, imported {only_theirs:?}"
    );

    // A change event on one bucket: that bucket alone is read again and re-scanned.
    let used_before = f.quota().await["used"].as_u64().unwrap();
    let record = json!({
        "eventName": "PutBucketAcl", "serviceName": "Oss", "acsRegion": "cn-hangzhou",
        "eventType": "ApiCall", "referencedResources": {"ACS::OSS::Bucket": ["acme-public-assets"]},
        "requestParameters": {"BucketName": "acme-public-assets", "x-oss-acl": "public-read"}
    });
    let subject = format!("{}.v1.cloud.{}.trail", f.root, f.tenant.subject_part());
    publish(subject.clone(), serde_json::to_vec(&json!([record])).unwrap()).await;
    let event_collection = wait_for_event_collection(&f).await;
    assert_eq!(event_collection["focus"], json!(["acme-public-assets"]), "{event_collection}");
    let task = wait_scan(&f, event_collection["collection_id"].as_str().unwrap()).await;
    let task_id = task["task_id"].as_str().unwrap().to_owned();
    let rescanned: Vec<_> = all_results(&f).await.into_iter().filter(|r| r.4 == task_id).collect();
    assert!(!rescanned.is_empty());
    assert!(rescanned.iter().all(|r| r.1 == "acme-public-assets"), "only the named bucket: {rescanned:?}");
    assert_eq!(rescanned.len() as u64, task["total"].as_u64().unwrap());
    let used_after = f.quota().await["used"].as_u64().unwrap();
    assert_eq!(used_after - used_before, task["units_charged"].as_u64().unwrap(), "charged for exactly those");
    assert!(task["units_charged"].as_u64().unwrap() > 0, "{task}");

    // A malformed event is kept as a dead letter, with the reason.
    publish(subject, br#"[{"serviceName": "Ecs"}]"#.to_vec()).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let letters = f.scheduler_call("GET", "/dead-letters", None).await.expect("letters");
        let found = letters["dead_letters"].as_array().into_iter().flatten().any(|l| {
            l["letter"]["reason"] == "invalid_cloud_event"
                && l["letter"]["detail"].as_str().is_some_and(|d| d.contains("no eventName"))
        });
        if found {
            break;
        }
        assert!(Instant::now() < deadline, "no dead letter for the malformed event: {letters}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Revoked: nothing more is read.
    f.activation_call("DELETE", "/authorization", None).await.expect("revoked");
    let (status, err) = f.scheduler_call("POST", "/collections", Some(json!({}))).await.unwrap_err();
    assert_eq!((status, err["code"].as_str()), (403, Some("NotAuthorized")), "{err}");
}

async fn wait_for_event_collection(f: &Fleet) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = f.scheduler_call("GET", "/collections", None).await.expect("collections");
        if let Some(c) = list.as_array().into_iter().flatten().find(|c| c["trigger"] == "event") {
            return wait_collection(f, c["collection_id"].as_str().unwrap()).await;
        }
        assert!(Instant::now() < deadline, "no collection followed the event: {list}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// With 30 % of calls throttled, the collection still reads everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_account_is_still_read_completely() {
    let (f, _emulator, _) = fleet_with_emulator(&["--throttle", "0.3"]).await;
    let c = collect(&f, json!({})).await;
    assert_eq!(c["state"], "done", "{c}");
    let responses: Vec<cspm_assets::openapi::ApiResponse> =
        serde_json::from_value(json!(collectable_sample())).unwrap();
    let expected = cspm_assets::openapi::ingest(&responses).unwrap().len() as u64;
    let listed = f.scheduler_call("GET", "/assets?page_size=500", None).await.unwrap();
    assert_eq!(listed["total"].as_u64(), Some(expected), "{c}");
    let throttled = c["failed"].as_object().unwrap().values().filter(|v| v.as_str().unwrap().contains("Throttling"));
    assert_eq!(throttled.count(), 0, "no call given up for throttling: {c}");
}

/// A call the role may not make: the items whose data it feeds are
/// NOT_CHECK naming the call, never PASS, and uncharged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_call_makes_its_items_not_checked_naming_it() {
    let (f, _emulator, _) = fleet_with_emulator(&["--deny", "ram:GetLoginProfile"]).await;
    let c = collect(&f, json!({"scan": true})).await;
    assert_eq!(c["denied"]["ram:GetLoginProfile"], "Forbidden.RAM", "{c}");
    let task = wait_scan(&f, c["collection_id"].as_str().unwrap()).await;
    assert_eq!(task["state"], "done", "{task}");
    let ram_user_items: BTreeSet<&str> = cspm_checks::catalogue()
        .iter()
        .filter(|i| i.meta.resource_type == cspm_assets::AssetKind::RamUser)
        .map(|i| i.meta.id)
        .collect();
    let results = all_results(&f).await;
    let on_users: Vec<_> = results.iter().filter(|r| ram_user_items.contains(r.0.as_str())).collect();
    assert!(!on_users.is_empty());
    for r in &on_users {
        assert_eq!(r.2, "NOT_CHECK", "{r:?}");
        assert!(r.3.contains("ram:GetLoginProfile"), "{r:?}");
    }
    // Other products are judged as usual.
    assert!(results.iter().any(|r| r.0.starts_with("oss-") && (r.2 == "PASS" || r.2 == "NOT_PASS")));
}

/// Revoked after a collection was queued: its slices read nothing, and it
/// ends failed, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_stops_a_queued_collection() {
    let (mut f, _emulator, _) = fleet_with_emulator_and_workers(&[], 0).await;
    let started = f.scheduler_call("POST", "/collections", Some(json!({"regions": ["cn-hangzhou"]}))).await.unwrap();
    f.activation_call("DELETE", "/authorization", None).await.expect("revoked");
    let worker = f.start_worker(0, &[]).await;
    f.workers.push(worker);
    let c = wait_collection(&f, started["collection_id"].as_str().unwrap()).await;
    assert_eq!(c["state"], "failed", "{c}");
    assert!(c["reason"].as_str().unwrap().contains("revoked"), "{c}");
    assert_eq!(c["calls"], 0, "nothing was read: {c}");
    let listed = f.scheduler_call("GET", "/assets", None).await.unwrap();
    assert_eq!(listed["total"], 0, "{listed}");
}
