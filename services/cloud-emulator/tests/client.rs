//! The real client against the emulator over HTTP on loopback: signed calls
//! answered, bad signatures, dates, keys and replays refused with Alibaba's
//! codes, roles assumed through STS, lists walked completely through
//! throttling, and a denied action named.

use cspm_cloud::client::{Call, Client, ClientOptions};
use cspm_cloud::credentials::{Credentials, CredentialsProvider, Static};
use cspm_cloud::endpoints::Endpoints;
use cspm_cloud::error::CloudError;
use cspm_cloud::retry::RetryPolicy;
use cspm_cloud::sign::v3;
use cspm_cloud::sts::{AssumeRole, caller_identity};
use cspm_cloud_emulator::state::Document;
use cspm_cloud_emulator::{Emulator, Faults};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const OPERATOR: &str = "1111111111111111";
const TENANT: &str = "2222222222222222";
const ROLE: &str = "acs:ram::2222222222222222:role/cspm-scanner";

fn seed(users: usize, instances: usize) -> Vec<Document> {
    let users: Vec<_> = (0..users).map(|i| json!({"UserName": format!("user{i}")})).collect();
    let instances: Vec<_> = (0..instances).map(|i| json!({"InstanceId": format!("i-{i:05}")})).collect();
    serde_json::from_value(json!([
        {"api": "ram:ListUsers", "response": {"IsTruncated": false, "Users": {"User": users}}},
        {"api": "ecs:DescribeInstances", "response": {"TotalCount": instances.len(), "Instances": {"Instance": instances}}},
    ]))
    .unwrap()
}

/// The demo's sample account: the documents of the calls `keep` names.
fn sample(keep: impl Fn(&str) -> bool) -> Vec<serde_json::Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/assets/samples/demo-inventory.json");
    let mut documents: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    documents.retain(|d| keep(d["api"].as_str().unwrap()));
    documents
}

async fn start(emulator: Emulator) -> (String, Arc<Emulator>) {
    let emulator =
        Arc::new(emulator.with_key("LTAIoperator", "operator-secret", OPERATOR).with_role(ROLE, &[OPERATOR]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(emulator.clone().serve(listener));
    (base, emulator)
}

fn options(base: &str) -> ClientOptions {
    let mut o = ClientOptions::new(Endpoints::Override { base: base.into() }, TENANT);
    o.calls_per_second = 1000;
    o.retry = RetryPolicy { attempts: 12, base: Duration::from_millis(5), cap: Duration::from_millis(50) };
    o
}

fn operator() -> Arc<dyn CredentialsProvider> {
    Arc::new(Static(Credentials::new("LTAIoperator", "operator-secret")))
}

#[tokio::test]
async fn a_signed_call_is_answered_and_bad_keys_are_refused() {
    let (base, _) = start(Emulator::new(seed(3, 3), Faults::default())).await;
    let client = Client::new(operator(), options(&base));
    let pages = client.all_pages("ecs", "DescribeInstances", "cn-hangzhou", &[]).await.unwrap();
    assert_eq!(pages[0]["Instances"]["Instance"].as_array().unwrap().len(), 3);
    assert!(pages[0]["RequestId"].is_string());

    let wrong = Client::new(Arc::new(Static(Credentials::new("LTAIoperator", "not-the-secret"))), options(&base));
    let e = wrong.call(&Call::rpc("ram", "ListUsers", "cn-hangzhou", Vec::new())).await.unwrap_err();
    assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e}");
    let unknown = Client::new(Arc::new(Static(Credentials::new("LTAInobody", "x"))), options(&base));
    let e = unknown.call(&Call::rpc("ram", "ListUsers", "cn-hangzhou", Vec::new())).await.unwrap_err();
    assert_eq!(e.code(), Some("InvalidAccessKeyId.NotFound"), "{e}");
}

/// A request signed an hour ago, or sent twice, is refused.
#[tokio::test]
async fn stale_dates_and_replayed_nonces_are_refused() {
    let (base, _) = start(Emulator::new(seed(1, 1), Faults::default())).await;
    let http = reqwest::Client::new();
    let send = |date: String, nonce: &str| {
        let headers = vec![
            ("host".to_owned(), "ram.aliyuncs.com".to_owned()),
            ("x-acs-action".to_owned(), "ListUsers".to_owned()),
            ("x-acs-version".to_owned(), "2015-05-01".to_owned()),
            ("x-acs-date".to_owned(), date),
            ("x-acs-signature-nonce".to_owned(), nonce.to_owned()),
        ];
        let req = v3::Request { method: "POST", path: "/", query: &[], headers: &headers, body: b"" };
        let signed = v3::sign(&req, "LTAIoperator", "operator-secret");
        let mut r = http.post(format!("{base}/"));
        for (k, v) in headers.iter().chain(&signed) {
            r = r.header(k.as_str(), v.as_str());
        }
        async move {
            let resp = r.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap())
        }
    };
    let old = v3::format_date(chrono::Utc::now() - chrono::Duration::hours(1));
    let (status, body) = send(old, "nonce-old").await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidTimeStamp.Expired")), "{body}");
    let now = v3::format_date(chrono::Utc::now());
    assert_eq!(send(now.clone(), "nonce-once").await.0, 200);
    let (status, body) = send(now, "nonce-once").await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("SignatureNonceUsed")), "{body}");
}

/// The operator assumes the tenant's role; calls then run as the tenant.
#[tokio::test]
async fn a_role_in_the_tenants_account_is_assumed() {
    let (base, _) = start(Emulator::new(seed(2, 2), Faults::default())).await;
    let role = AssumeRole::new(operator(), options(&base), ROLE.into());
    let client = Client::new(Arc::new(role), options(&base));
    let me = caller_identity(&client).await.unwrap();
    assert_eq!(me.account_id, TENANT);
    assert!(me.arn.contains("assumed-role/cspm-scanner"), "{me:?}");
    let pages = client.all_pages("ram", "ListUsers", "cn-hangzhou", &[]).await.unwrap();
    assert_eq!(pages[0]["Users"]["User"].as_array().unwrap().len(), 2);
    // A role that does not trust the operator's account cannot be assumed.
    let stranger = AssumeRole::new(operator(), options(&base), "acs:ram::2222222222222222:role/other".into());
    assert!(stranger.credentials().await.is_err());
}

/// With 30 % of calls throttled, every page still arrives (retried).
#[tokio::test]
async fn a_throttled_account_still_yields_every_item() {
    let faults = Faults { throttle: 0.3, ..Faults::default() };
    let (base, emulator) = start(Emulator::new(seed(2_500, 1_050), faults)).await;
    let client = Client::new(operator(), options(&base));
    let users = client.all_pages("ram", "ListUsers", "cn-hangzhou", &[]).await.unwrap();
    let n: usize = users.iter().map(|p| p["Users"]["User"].as_array().unwrap().len()).sum();
    assert_eq!((n, users.len()), (2_500, 3), "1,000 users a page");
    let instances = client.all_pages("ecs", "DescribeInstances", "cn-hangzhou", &[]).await.unwrap();
    let n: usize = instances.iter().map(|p| p["Instances"]["Instance"].as_array().unwrap().len()).sum();
    assert_eq!((n, instances.len()), (1_050, 11), "100 instances a page");
    assert!(emulator.calls() > 14, "some calls were throttled and retried: {}", emulator.calls());
}

/// A denied action is reported as such, naming it.
#[tokio::test]
async fn a_denied_action_is_named() {
    let faults = Faults { denied: ["ram:ListUsers".to_owned()].into(), ..Faults::default() };
    let (base, _) = start(Emulator::new(seed(1, 1), faults)).await;
    let client = Client::new(operator(), options(&base));
    let e = client.all_pages("ram", "ListUsers", "cn-hangzhou", &[]).await.unwrap_err();
    match e {
        CloudError::Denied { action, code, .. } => {
            assert_eq!((action.as_str(), code.as_str()), ("ram:ListUsers", "Forbidden.RAM"))
        }
        other => panic!("{other:?}"),
    }
    assert!(client.all_pages("ecs", "DescribeInstances", "cn-hangzhou", &[]).await.is_ok(), "other actions still work");
}

/// Collecting an emulated account gives exactly the assets that importing
/// the documents it was seeded with gives.
#[tokio::test]
async fn collecting_a_seeded_account_yields_the_imported_assets() {
    // OSS (its own API) and Log Service (its own signature) are collected elsewhere.
    let seeded = sample(|api| !api.starts_with("oss:") && !api.starts_with("sls:"));
    let documents: Vec<Document> = serde_json::from_value(json!(seeded)).unwrap();
    let (base, _) = start(Emulator::new(documents, Faults { throttle: 0.2, ..Faults::default() })).await;
    let client = Client::new(operator(), options(&base));
    let mut collected =
        cspm_cloud::collect::collect(&client, &["cn-hangzhou".to_owned()], cspm_cloud::collect::PLANS).await;
    cspm_cloud::collect::collect_oss(&client, "cn-hangzhou", &mut collected).await;
    // The sample does not describe every user and instance in every call: the
    // emulator answers those calls ResourceNotFound, and nothing else failed.
    assert!(collected.denied.is_empty(), "{:?}", collected.denied);
    assert!(collected.failed.values().all(|why| why.contains("ResourceNotFound")), "{:?}", collected.failed);
    let as_assets = |docs: serde_json::Value| {
        let responses: Vec<cspm_assets::openapi::ApiResponse> = serde_json::from_value(docs).unwrap();
        let mut assets: Vec<String> = cspm_assets::openapi::ingest(&responses)
            .unwrap()
            .iter()
            .map(|a| serde_json::to_string(a).unwrap())
            .collect();
        assets.sort();
        assets
    };
    let imported = as_assets(json!(seeded));
    let got = as_assets(serde_json::to_value(&collected.documents).unwrap());
    assert!(imported.len() > 10, "{}", imported.len());
    // RAM roles and groups are read through the calls their names drive.
    for name in ["\"ops-admin\"", "\"contractors\""] {
        assert!(got.iter().any(|a| a.contains(name)), "{name} not collected");
    }
    assert_eq!(got, imported, "collected and imported assets differ");
}

/// OSS answers a bucket without a default encryption rule with an error, and
/// one with a rule with the rule GetBucketInfo also shows: collected buckets
/// read as encrypted exactly when the account says so.
#[tokio::test]
async fn collected_buckets_read_their_encryption() {
    let seeded = sample(|api| api.starts_with("oss:"));
    let documents: Vec<Document> = serde_json::from_value(json!(seeded)).unwrap();
    let (base, _) = start(Emulator::new(documents, Faults::default())).await;
    let client = Client::new(operator(), options(&base));
    let mut collected = cspm_cloud::collect::Collected::default();
    cspm_cloud::collect::collect_oss(&client, "cn-hangzhou", &mut collected).await;
    assert!(!collected.failed.contains_key("oss:GetBucketEncryption"), "{:?}", collected.failed);
    let responses: Vec<cspm_assets::openapi::ApiResponse> =
        serde_json::from_value(serde_json::to_value(&collected.documents).unwrap()).unwrap();
    let assets = cspm_assets::openapi::ingest(&responses).unwrap();
    let field = |bucket: &str, name: &str| {
        let a = assets.iter().find(|a| a.id == bucket).unwrap_or_else(|| panic!("{bucket} not collected"));
        a.fields.get(name).cloned()
    };
    use cspm_assets::Slot;
    assert_eq!(field("acme-backups", "sse_algorithm"), Some(Slot::Known(json!("KMS"))));
    assert_eq!(field("acme-backups", "sse_kms_key_id"), Some(Slot::Known(json!("key-hzz6f2c8e0b0a1b2c3d4"))));
    assert_eq!(field("acme-public-assets", "sse_algorithm"), Some(Slot::Known(json!("None"))));
    assert_eq!(field("acme-scratch", "sse_kms_key_id"), Some(Slot::Absent));
    for (bucket, encrypted) in [("acme-backups", true), ("acme-public-assets", false), ("acme-scratch", false)] {
        let a = assets.iter().find(|a| a.id == bucket).unwrap();
        let cspm_assets::AssetSpec::OssBucket(spec) = &a.spec else { panic!("{bucket}: {:?}", a.spec) };
        assert_eq!(spec.sse_configured, Some(encrypted), "{bucket}");
    }
}

/// With no regions named, a collection asks the account which it has and
/// reads each: every instance once, in its own region.
#[tokio::test]
async fn every_region_the_account_has_is_read_once() {
    let instance = |id: &str, region: &str| json!({"InstanceId": id, "RegionId": region, "Status": "Running"});
    let documents: Vec<Document> = serde_json::from_value(json!([{"api": "ecs:DescribeInstances", "response": {
        "TotalCount": 3,
        "Instances": {"Instance": [
            instance("i-hz1", "cn-hangzhou"), instance("i-sh1", "cn-shanghai"), instance("i-hz2", "cn-hangzhou")
        ]}
    }}]))
    .unwrap();
    let (base, _) = start(Emulator::new(documents, Faults::default())).await;
    let client = Client::new(operator(), options(&base));
    let regions = cspm_cloud::collect::regions(&client, "cn-hangzhou").await.unwrap();
    assert_eq!(regions, ["cn-hangzhou", "cn-shanghai"]);
    let plans: Vec<_> =
        cspm_cloud::collect::PLANS.iter().filter(|p| p.api == "ecs:DescribeInstances").copied().collect();
    let collected = cspm_cloud::collect::collect(&client, &regions, &plans).await;
    let mut read: Vec<String> = collected
        .documents
        .iter()
        .flat_map(|d| cspm_cloud::collect::values_at(&d.response, "Instances.Instance[].InstanceId"))
        .collect();
    read.sort();
    assert_eq!(read, ["i-hz1", "i-hz2", "i-sh1"], "each instance once, from its own region");
}

/// A database listed in a region is read through the per-instance calls its
/// id drives (Redis: SSL, TDE, backup policy, attributes, whitelist and
/// endpoints), into one asset.
#[tokio::test]
async fn a_listed_database_is_read_through_its_detail_calls() {
    let documents: Vec<Document> = serde_json::from_value(json!([
        {"api": "r-kvstore:DescribeInstances", "response": {"Instances": {"KVStoreInstance": [
            {"InstanceId": "r-bp1cache", "InstanceName": "cache", "RegionId": "cn-hangzhou", "InstanceStatus": "Normal"}
        ]}}},
        {"api": "r-kvstore:DescribeInstanceSSL", "params": {"InstanceId": "r-bp1cache"},
         "response": {"InstanceId": "r-bp1cache", "SSLEnabled": "Disable"}},
        {"api": "r-kvstore:DescribeInstanceTDEStatus", "params": {"InstanceId": "r-bp1cache"},
         "response": {"TDEStatus": "Enabled"}},
        {"api": "r-kvstore:DescribeBackupPolicy", "params": {"InstanceId": "r-bp1cache"},
         "response": {"PreferredBackupTime": "02:00Z-03:00Z", "PreferredBackupPeriod": "Monday,Thursday", "EnableBackupLog": 1}},
        {"api": "r-kvstore:DescribeInstanceAttribute", "params": {"InstanceId": "r-bp1cache"},
         "response": {"Instances": {"DBInstanceAttribute": [{"InstanceId": "r-bp1cache", "VpcAuthMode": "Open"}]}}},
        {"api": "r-kvstore:DescribeSecurityIps", "params": {"InstanceId": "r-bp1cache"},
         "response": {"SecurityIpGroups": {"SecurityIpGroup": [{"SecurityIpGroupName": "default", "SecurityIpList": "0.0.0.0/0"}]}}},
        {"api": "r-kvstore:DescribeDBInstanceNetInfo", "params": {"InstanceId": "r-bp1cache"},
         "response": {"NetInfoItems": {"InstanceNetInfo": [{"IPType": "Private", "ConnectionString": "r-bp1cache.redis.rds.aliyuncs.com"}]}}},
    ]))
    .unwrap();
    let (base, _) = start(Emulator::new(documents, Faults::default())).await;
    let client = Client::new(operator(), options(&base));
    let plans: Vec<_> =
        cspm_cloud::collect::PLANS.iter().filter(|p| p.api.starts_with("r-kvstore:")).copied().collect();
    let collected = cspm_cloud::collect::collect(&client, &["cn-hangzhou".to_owned()], &plans).await;
    assert!(collected.failed.is_empty() && collected.denied.is_empty(), "{collected:?}");
    let responses: Vec<cspm_assets::openapi::ApiResponse> =
        serde_json::from_value(serde_json::to_value(&collected.documents).unwrap()).unwrap();
    let assets = cspm_assets::openapi::ingest(&responses).unwrap();
    let [cache] = assets.as_slice() else { panic!("{assets:?}") };
    use cspm_assets::Slot;
    assert_eq!(cache.fields.get("ssl"), Some(&Slot::Known(json!("Disable"))));
    assert_eq!(cache.fields.get("tde_status"), Some(&Slot::Known(json!("Enabled"))));
    assert_eq!(cache.fields.get("backup_period"), Some(&Slot::Known(json!("Monday,Thursday"))));
}
