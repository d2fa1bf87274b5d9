//! The fleet as separate processes — cspm-activation, cspm-scheduler and
//! cspm-scan-workers — over real NATS JetStream and Redis. Each test runs its
//! own fleet under its own subject root (its own streams), and its own tenant.

use cspm_tests::fleet::{ADMIN, Fleet, FleetOptions, metric};
use cspm_tests::{ServiceProcess, free_port, nats_url, sample_units};
use futures::StreamExt;
use rand::Rng;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_used_equals_the_billable_evaluations() {
    let f = Fleet::start(&[0]).await;
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let task = f.scan(json!({})).await;
    assert_eq!(task["state"], "done", "{task}");
    assert_eq!(task["finished"], task["total"]);
    let q = f.quota().await;
    let charged = sample_units(None);
    assert_eq!(q["used"].as_u64(), Some(charged), "{q}");
    assert_eq!(q["remaining"].as_u64(), Some(3000 - charged));
    let r = f.results("status=NOT_PASS&product=OSS").await;
    assert!(r["total"].as_u64().unwrap() >= 3, "{r}");
    let items = f.scheduler_call("GET", "/results/items", None).await.unwrap();
    assert!(
        items.as_array().unwrap().iter().any(|i| i["item_id"] == "ecs-disk-encrypted" && i["status"] == "NOT_PASS")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_subscription_ends_partial_and_a_new_scan_is_refused() {
    let f = Fleet::start(&[0]).await;
    f.authorize_and_buy(5).await;
    f.import_sample().await;
    let task = f.scan(json!({})).await;
    assert_eq!(task["state"], "partial", "{task}");
    let q = f.quota().await;
    assert_eq!((q["used"].as_u64(), q["remaining"].as_u64()), (Some(5), Some(0)), "used equals purchased: {q}");
    let not_checked = f.results("status=NOT_CHECK").await;
    let exhausted = not_checked["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reason"].as_str().is_some_and(|x| x.starts_with("AuthorizationExhaust")))
        .count() as u64;
    let units = sample_units(None);
    assert_eq!(exhausted, units - 5, "every check that would cost a unit got one of the 5 or ran out");
    let (status, err) = f.scheduler_call("POST", "/scans", Some(json!({}))).await.unwrap_err();
    assert_eq!((status, err["code"].as_str()), (402, Some("AuthorizationExhaust")), "{err}");
    assert!(err["message"].as_str().unwrap().contains(&format!("needs {units} units, 0 remaining")), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_one_task() {
    let f = Fleet::start(&[30, 30]).await;
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let task = f.scan(json!({})).await;
    assert_eq!(task["state"], "done", "{task}");
    let mut per_worker = Vec::new();
    for w in &f.workers {
        per_worker.push(metric(&w.metrics().await, "cspm_jobs_total{"));
    }
    assert!(per_worker.iter().all(|n| *n > 0), "both workers took jobs: {per_worker:?}");
    assert_eq!(per_worker.iter().sum::<u64>(), task["jobs"].as_u64().unwrap());
    assert_eq!(f.quota().await["used"].as_u64(), Some(sample_units(None)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_job_is_replaced_and_the_job_charged_once() {
    let mut f = Fleet::start(&[700]).await;
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let items = ["ecs-instance-no-public-ip", "ecs-disk-encrypted", "oss-bucket-server-side-encryption-enabled"];
    let task = f.scheduler_call("POST", "/scans", Some(json!({"items": items}))).await.unwrap();
    // The slow worker is inside its first job (4 instances × 700 ms) and holds its quota.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let reserved = f.quota().await["reserved"].as_u64().unwrap();
    assert!(reserved > 0, "the worker holds a reservation when it dies");
    f.workers.pop().unwrap().kill();
    f.workers.push(f.start_worker(0, &[]).await);
    let done = f.wait(task["task_id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["finished"], done["total"]);
    let q = f.quota().await;
    let charged = sample_units(Some(&items));
    assert_eq!((q["used"].as_u64(), q["reserved"].as_u64()), (Some(charged), Some(0)), "{q}");
    assert_eq!(done["units_charged"].as_u64(), Some(charged));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_and_free_items_gate_the_scan() {
    let f = Fleet::start(&[0]).await;
    f.import_sample().await;
    let (status, err) = f.scheduler_call("POST", "/scans", Some(json!({}))).await.unwrap_err();
    assert_eq!((status, err["code"].as_str()), (403, Some("NotAuthorized")), "{err}");
    f.activation_call("PUT", "/authorization", Some(json!({"client_token": "e2e"}))).await.unwrap();
    let task = f.scan(json!({})).await;
    assert_eq!(task["state"], "done");
    assert!(!task["skipped"].as_array().unwrap().is_empty(), "paid items were skipped: {task}");
    let results = f.results("").await;
    for r in results["results"].as_array().unwrap() {
        assert!(cspm_checks::find(r["item_id"].as_str().unwrap()).unwrap().meta.free, "{r}");
    }
    let q = f.quota().await;
    assert_eq!((q["used"].as_u64(), q["reserved"].as_u64()), (Some(0), Some(0)));
    let (status, err) =
        f.scheduler_call("POST", "/scans", Some(json!({"items": ["ecs-disk-encrypted"]}))).await.unwrap_err();
    assert_eq!((status, err["code"].as_str()), (403, Some("NotEntitled")), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_job_is_dead_lettered_and_the_worker_keeps_serving() {
    let f = Fleet::start(&[0]).await;
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let client = async_nats::connect(nats_url()).await.unwrap();
    let mut dead = client.subscribe(format!("{}.v1.dead.>", f.root)).await.unwrap();
    let js = async_nats::jetstream::new(client.clone());
    let subject = format!("{}.v1.job.{}.ecs-disk-encrypted", f.root, f.tenant.subject_part());
    js.publish(subject, "{\"schema\": \"cspm.job.v1\", \"oops\": true}".into()).await.unwrap().await.unwrap();
    let letter =
        tokio::time::timeout(Duration::from_secs(10), dead.next()).await.expect("dead letter in time").unwrap();
    let body: Value = serde_json::from_slice(&letter.payload).unwrap();
    assert_eq!(body["reason"], "malformed", "{body}");
    assert!(body["raw"].as_str().unwrap().contains("oops"));
    // The worker counts the letter once it is stored, which may be just after
    // a subscriber sees it.
    let mut counted = 0;
    for _ in 0..50 {
        counted = metric(&f.workers[0].metrics().await, "cspm_dead_letters_total{reason=\"malformed\"}");
        if counted > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(counted, 1);
    let task = f.scan(json!({"items": ["ecs-disk-encrypted"]})).await;
    assert_eq!(task["state"], "done", "the worker still serves");
}

/// A stand-in OTLP/HTTP collector that keeps the bodies it receives.
async fn collector() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    use std::sync::{Arc, Mutex};
    let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let kept = bodies.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(body.to_vec());
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, bodies)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_runs_from_the_scan_request_through_nats_to_the_worker() {
    let (otlp, bodies) = collector().await;
    let mut options = FleetOptions::new(&[0]);
    options.env.push(("CSPM__TELEMETRY__OTLP_ENDPOINT", otlp));
    let mut f = Fleet::start_with(options).await;
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let client = async_nats::connect(nats_url()).await.unwrap();
    let mut jobs = client.subscribe(format!("{}.v1.job.>", f.root)).await.unwrap();
    let mut results = client.subscribe(format!("{}.v1.result.>", f.root)).await.unwrap();
    let trace_id = format!("{:032x}", rand::rng().random::<u128>());
    let resp = f
        .http
        .post(format!("{}{}/scans", f.scheduler.base, f.path()))
        .bearer_auth(ADMIN)
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({"items": ["ecs-disk-encrypted"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let task: Value = resp.json().await.unwrap();
    let header_trace = |m: &async_nats::Message| {
        m.headers
            .as_ref()
            .and_then(|h| h.get("traceparent"))
            .map(|v| v.as_str().split('-').nth(1).unwrap_or_default().to_owned())
    };
    let job = tokio::time::timeout(Duration::from_secs(10), jobs.next()).await.unwrap().unwrap();
    assert_eq!(header_trace(&job).as_deref(), Some(trace_id.as_str()), "the job carries the request's trace");
    let result = tokio::time::timeout(Duration::from_secs(10), results.next()).await.unwrap().unwrap();
    assert_eq!(header_trace(&result).as_deref(), Some(trace_id.as_str()), "the worker's result continues it");
    f.wait(task["task_id"].as_str().unwrap()).await;
    // Stopping flushes the exporters; both services exported spans of this trace.
    let replacement = ServiceProcess::start("cspm-scheduler", free_port(), &f.env()).await;
    let scheduler = std::mem::replace(&mut f.scheduler, replacement);
    assert!(scheduler.stop().success());
    assert!(f.workers.pop().unwrap().stop().success());
    let wanted = hex_bytes(&trace_id);
    let bodies = bodies.lock().unwrap().clone();
    for service in ["cspm-scheduler", "cspm-scan-worker"] {
        let found = bodies.iter().any(|b| {
            let has = |needle: &[u8]| b.windows(needle.len()).any(|w| w == needle);
            has(service.as_bytes()) && has(&wanted)
        });
        assert!(found, "{service} exported spans of the trace ({} bodies)", bodies.len());
    }
}
