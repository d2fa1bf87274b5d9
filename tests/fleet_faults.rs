//! The fleet as separate processes under load and faults: concurrent starts
//! on scarce quota, Redis and NATS killed and restarted mid-scan (servers of
//! the test's own, never the shared ones), jobs longer than the ack wait.
//! What must hold every time: a start answers 202, 402, or a 503 that leaves
//! nothing behind (a retry with its client token pays once); every task
//! ends; the quota used equals the units the tasks report charged, and a
//! task that ran completely charged exactly its forecast.

use cspm_tests::fleet::{Fleet, FleetOptions, metric};
use cspm_tests::sample_units;
use cspm_tests::servers::OwnServer;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Scheduler settings that make the sweeper act within a test's patience.
fn quick_sweeps() -> Vec<(&'static str, String)> {
    vec![
        ("CSPM__SCHEDULER__STALL_SECONDS", "6".into()),
        ("CSPM__SCHEDULER__SWEEP_SECONDS", "1".into()),
        ("CSPM__SCHEDULER__START_TIMEOUT_SECONDS", "3".into()),
        ("CSPM__SCHEDULER__START_QUEUE_WAIT_SECONDS", "10".into()),
    ]
}

/// The body of start `i`: some reserve up front, some scan a pack only.
fn start_body(i: usize, token: &str) -> Value {
    let mut body = json!({"client_token": token, "reserve_upfront": i.is_multiple_of(3)});
    if i % 2 == 1 {
        body["pack"] = json!("security-group-best-practice");
    }
    body
}

/// Starts `bodies` at once; returns each answer's status and body.
async fn start_all(f: &Arc<Fleet>, bodies: Vec<Value>) -> Vec<(u16, Value)> {
    let mut calls = Vec::new();
    for body in bodies {
        let f = f.clone();
        calls.push(tokio::spawn(async move {
            match f.scheduler_call("POST", "/scans", Some(body)).await {
                Ok(v) => (202, v),
                Err(e) => e,
            }
        }));
    }
    let mut out = Vec::new();
    for c in calls {
        out.push(c.await.expect("the call task"));
    }
    out
}

/// Retries a start with its client token until it is accepted or refused
/// for quota (it may first answer 503 while a server is down).
async fn settle_start(f: &Fleet, body: &Value) -> (u16, Value) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match f.scheduler_call("POST", "/scans", Some(body.clone())).await {
            Ok(v) => return (202, v),
            Err((402, v)) => return (402, v),
            Err((status, v)) => {
                assert!(matches!(status, 0 | 503), "a start answered {status}: {v}");
                assert!(Instant::now() < deadline, "the start never settled: {status} {v}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Every task ends; the tasks that exist are the accepted ones; used equals
/// what the tasks report charged; nothing stays reserved; a task that ran
/// completely charged its forecast.
async fn check_accounts(f: &Fleet, accepted: &BTreeSet<String>, purchased: u64) {
    let mut charged = 0;
    for id in accepted {
        let t = f.wait(id).await;
        charged += t["units_charged"].as_u64().expect("units charged");
        if t["state"] == "done" {
            assert_eq!(t["units_charged"], t["units_needed"], "a complete task charges its forecast: {t}");
        }
    }
    let listed: BTreeSet<String> = f
        .scheduler_call("GET", "/tasks?limit=200", None)
        .await
        .expect("tasks")
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t["task_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(&listed, accepted, "only accepted starts left a task");
    // Leases of holders that died run out within seconds.
    let deadline = Instant::now() + Duration::from_secs(30);
    let q = loop {
        let q = f.quota().await;
        if q["reserved"] == 0 || Instant::now() > deadline {
            break q;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(q["reserved"], 0, "nothing stays held: {q}");
    assert_eq!(q["used"].as_u64(), Some(charged), "used = what the tasks charged: {q}");
    assert!(charged <= purchased, "never more than purchased: {q}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_on_scarce_quota_answer_202_or_402_and_charge_exactly() {
    let mut options = FleetOptions::new(&[0, 0]);
    options.env = quick_sweeps();
    let f = Arc::new(Fleet::start_with(options).await);
    let purchased = sample_units(None) * 3 / 2;
    f.authorize_and_buy(purchased).await;
    f.import_sample().await;
    let mut accepted = BTreeSet::new();
    for round in 0..2 {
        let bodies: Vec<Value> = (0..16).map(|i| start_body(i, &format!("r{round}-{i}"))).collect();
        for ((status, answer), body) in start_all(&f, bodies.clone()).await.into_iter().zip(&bodies) {
            assert!(matches!(status, 202 | 402 | 503), "{status} {answer}");
            let (status, answer) = if status == 503 { settle_start(&f, body).await } else { (status, answer) };
            if status == 202 {
                accepted.insert(answer["task_id"].as_str().expect("a task id").to_owned());
            } else {
                assert_eq!(answer["code"], "AuthorizationExhaust", "{answer}");
            }
        }
    }
    assert!(accepted.len() >= 2, "some starts were accepted: {accepted:?}");
    check_accounts(&f, &accepted, purchased).await;
    // A retry of an accepted start returns its task and pays nothing more.
    let used = f.quota().await["used"].clone();
    let again = settle_start(&f, &start_body(1, "r0-1")).await;
    if again.0 == 202 {
        assert!(accepted.contains(again.1["task_id"].as_str().unwrap()), "the first task: {}", again.1);
    }
    assert_eq!(f.quota().await["used"], used);
}

/// Starts scans, kills `server` while they run and while more are being
/// started, restarts it, and checks that every start settles and every
/// charge is accounted for.
async fn scans_survive_a_killed_server(f: Arc<Fleet>, server: &mut OwnServer, name: &str, outage: Duration) {
    let purchased = sample_units(None) * 20;
    f.authorize_and_buy(purchased).await;
    f.import_sample().await;
    let bodies: Vec<Value> = (0..8).map(|i| start_body(i, &format!("{name}-{i}"))).collect();
    let before = start_all(&f, bodies[..4].to_vec()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill();
    // Starts while the server is down: they answer 503 (or hang up) and leave nothing.
    let during = tokio::spawn({
        let (f, bodies) = (f.clone(), bodies[4..].to_vec());
        async move { start_all(&f, bodies).await }
    });
    tokio::time::sleep(outage).await;
    server.restart();
    let answers: Vec<(u16, Value)> = before.into_iter().chain(during.await.expect("starts")).collect();
    eprintln!("{name}: first answers {:?}", answers.iter().map(|(s, _)| *s).collect::<Vec<_>>());
    let mut accepted = BTreeSet::new();
    for ((status, answer), body) in answers.into_iter().zip(&bodies) {
        assert!(matches!(status, 0 | 202 | 503), "{status} {answer}");
        let (status, answer) = if status == 202 { (status, answer) } else { settle_start(&f, body).await };
        assert_eq!(status, 202, "plenty of quota: every start is accepted in the end: {answer}");
        accepted.insert(answer["task_id"].as_str().expect("a task id").to_owned());
    }
    assert_eq!(accepted.len(), bodies.len(), "one task per client token");
    check_accounts(&f, &accepted, purchased).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_and_restarted_mid_scan_loses_no_charge() {
    let mut redis = OwnServer::redis();
    let mut options = FleetOptions::new(&[2, 2]);
    options.redis_url = redis.url();
    options.env = quick_sweeps();
    let f = Arc::new(Fleet::start_with(options).await);
    // With Redis down, a read answers 503 quickly (not after a long backoff).
    redis.kill();
    let asked = Instant::now();
    let (status, body) = f.scheduler_call("GET", "/results", None).await.unwrap_err();
    let waited = asked.elapsed();
    assert_eq!((status, body["code"].as_str()), (503, Some("ServiceUnavailable")), "{body}");
    assert!(waited < Duration::from_millis(2000), "answered in {waited:?}");
    redis.restart();
    // The first call on each pooled connection after a restart may still
    // meet the dead socket (503) until the keep-alive has reopened them all.
    f.quota().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    scans_survive_a_killed_server(f, &mut redis, "redis", Duration::from_millis(1500)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_killed_and_restarted_mid_scan_loses_no_charge() {
    let mut nats = OwnServer::nats();
    let mut options = FleetOptions::new(&[2, 2]);
    options.nats_url = nats.url();
    options.env = quick_sweeps();
    let f = Arc::new(Fleet::start_with(options).await);
    // Longer than a start may take: starts during the outage are undone.
    scans_survive_a_killed_server(f, &mut nats, "nats", Duration::from_secs(4)).await;
}

/// The configured ack wait is the jobs consumer's, from the first delivery
/// on, and the worker's heartbeat comes well inside it: a job that takes
/// longer than JetStream's old 2 s first backoff is delivered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_longer_than_two_seconds_is_delivered_once() {
    let mut options = FleetOptions::new(&[]);
    options.env = vec![("CSPM__NATS__JOB_ACK_WAIT_SECONDS", "10".into())];
    let mut f = Fleet::start_with(options).await;
    let slow = [("CSPM__WORKER__LEASE_SECONDS", "60".to_owned())];
    for _ in 0..2 {
        let w = f.start_worker(1300, &slow).await;
        f.workers.push(w);
    }
    f.authorize_and_buy(3000).await;
    f.import_sample().await;
    let task = f.scan(json!({"items": ["ecs-disk-encrypted"]})).await;
    assert_eq!(task["state"], "done", "{task}");
    let client = async_nats::connect(f.options.nats_url.clone()).await.expect("NATS");
    let js = async_nats::jetstream::new(client);
    let mut consumer: async_nats::jetstream::consumer::PullConsumer = js
        .get_stream(format!("{}_JOBS", f.root.to_uppercase()))
        .await
        .expect("jobs stream")
        .get_consumer("scan-workers")
        .await
        .expect("jobs consumer");
    let info = consumer.info().await.expect("consumer info");
    assert_eq!(info.config.ack_wait, Duration::from_secs(10), "the configured ack wait");
    assert!(info.config.backoff.is_empty(), "no backoff overriding it: {:?}", info.config.backoff);
    assert_eq!(info.num_redelivered, 0, "no job was delivered twice");
    let mut runs = 0;
    for w in &f.workers {
        runs += metric(&w.metrics().await, "cspm_jobs_total{");
    }
    assert_eq!(runs, task["jobs"].as_u64().unwrap(), "each job ran once");
}
