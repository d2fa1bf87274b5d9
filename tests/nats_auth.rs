//! NATS users and subject permissions (`deploy/nats/nats-server.conf`): each
//! test runs its own nats-server on that file (never the shared one on 4222),
//! on a free loopback port with a throw-away JetStream store.
//!
//! A plain publish is fire-and-forget, so a refusal is proven by what the
//! server says: it answers a denied publish or subscription with
//! `-ERR 'Permissions Violation for …'`, which async-nats reports as a server
//! error event; the JetStream publish of a denied message also gets no ack.

use async_nats::jetstream;
use cspm_bus::{Bus, NatsBus, account_stream};
use cspm_fleet::messages::{ASSET_CHANGED_SCHEMA, AssetChanged, Topology};
use cspm_tests::{ServiceProcess, free_port, sample_inventory, unique_tenant};
use rand::Rng;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const USERS: [&str; 4] = ["activation", "scheduler", "scan-worker", "asset-publisher"];
const ADMIN: &str = "nats-auth-admin-token-0123456789";

/// The environment variable holding `user`'s password (the config reads it).
fn password_var(user: &str) -> &'static str {
    match user {
        "activation" => "CSPM_NATS_ACTIVATION_PASSWORD",
        "scheduler" => "CSPM_NATS_SCHEDULER_PASSWORD",
        "scan-worker" => "CSPM_NATS_WORKER_PASSWORD",
        "asset-publisher" => "CSPM_NATS_ASSET_PUBLISHER_PASSWORD",
        other => panic!("no NATS user {other}"),
    }
}

/// A nats-server running the deployed config, with fresh random passwords;
/// killed and its store deleted when dropped.
struct AuthServer {
    child: Child,
    port: u16,
    dir: PathBuf,
    passwords: Vec<(&'static str, String)>,
}

impl AuthServer {
    fn start() -> Self {
        let binary = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join("nats-server"))
            .chain([PathBuf::from("/usr/sbin/nats-server")])
            .find(|p| p.is_file())
            .expect("nats-server is installed (Debian package nats-server)");
        let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/nats/nats-server.conf");
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("cspm-nats-auth-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let passwords: Vec<_> =
            USERS.iter().map(|u| (*u, format!("{u}-{:016x}", rand::rng().random::<u64>()))).collect();
        let mut cmd = Command::new(binary);
        cmd.arg("-c").arg(&config).args(["-a", "127.0.0.1", "-p", &port.to_string()]);
        cmd.arg("-sd").arg(dir.join("jetstream")).arg("-l").arg(dir.join("nats.log"));
        // It reports a config it refuses on stderr, before the log is open.
        let stderr = std::fs::File::create(dir.join("nats.stderr")).unwrap();
        cmd.stdout(Stdio::null()).stderr(stderr);
        for (user, password) in &passwords {
            cmd.env(password_var(user), password);
        }
        let child = cmd.spawn().expect("start nats-server");
        let mut server = AuthServer { child, port, dir, passwords };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("nats-server exited ({status}); its log:\n{}", server.log());
            }
            assert!(Instant::now() < deadline, "nats-server did not listen on {port}:\n{}", server.log());
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn password(&self, user: &str) -> String {
        self.passwords.iter().find(|(u, _)| *u == user).map(|(_, p)| p.clone()).expect("a configured user")
    }

    fn log(&self) -> String {
        let read = |name| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        read("nats.stderr") + &read("nats.log")
    }

    /// The server's log lines about permission violations.
    fn violations(&self) -> Vec<String> {
        self.log().lines().filter(|l| l.contains("Violation")).map(str::to_owned).collect()
    }

    /// Logs in as `user` the way the services do (`NatsBus::connect_as`:
    /// inbox prefix `_INBOX.<user>`), recording the server's error events.
    async fn login(&self, user: &str) -> Login {
        self.login_with(user, &self.password(user), &format!("_INBOX.{user}")).await.expect("login")
    }

    async fn login_with(&self, user: &str, password: &str, inbox: &str) -> Result<Login, async_nats::ConnectError> {
        let (tx, events) = mpsc::unbounded_channel();
        let client = async_nats::ConnectOptions::with_user_and_password(user.into(), password.into())
            .custom_inbox_prefix(inbox)
            .event_callback(move |event| {
                let tx = tx.clone();
                async move {
                    if let async_nats::Event::ServerError(e) = event {
                        let _ = tx.send(e.to_string());
                    }
                }
            })
            .connect(self.url())
            .await?;
        let mut js = jetstream::new(client.clone());
        // A denied publish is never acknowledged: do not wait long for it.
        js.set_timeout(Duration::from_secs(1));
        Ok(Login { client, js, events })
    }

    /// Creates the fleet's streams and consumers as the services do at start.
    async fn create_streams(&self) {
        let activation = NatsBus::connect_as(
            &self.url(),
            Some(("activation", &self.password("activation"))),
            &[account_stream("cspm")],
        )
        .await
        .unwrap();
        let scheduler =
            NatsBus::connect_as(&self.url(), Some(("scheduler", &self.password("scheduler"))), &[]).await.unwrap();
        let t = Topology::default();
        for spec in [t.jobs(), t.results(), t.dead_letters(), t.assets(), t.collect_jobs(), t.cloud_events()] {
            scheduler.work_queue(&spec).await.unwrap();
        }
        drop((activation, scheduler));
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Login {
    client: async_nats::Client,
    js: jetstream::Context,
    events: mpsc::UnboundedReceiver<String>,
}

impl Login {
    /// Publishes with JetStream and waits for the stream's ack: the stored
    /// stream and sequence, or why not.
    async fn js_publish(&self, subject: &str) -> Result<(String, u64), String> {
        let ack = self.js.publish(subject.to_owned(), "{}".into()).await.map_err(|e| e.to_string())?;
        let ack = ack.await.map_err(|e| e.to_string())?;
        Ok((ack.stream, ack.sequence))
    }

    /// Waits for the server's `Permissions Violation for <what>`, e.g.
    /// `Publish to "cspm.v1.job.x"`.
    async fn violation(&mut self, what: &str) -> String {
        let wanted = format!("Permissions Violation for {what}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(e)) if e.contains(&wanted) => return e,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("the server did not report {wanted:?}"),
            }
        }
    }

    /// The server errors reported so far.
    fn errors(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }
}

#[tokio::test]
async fn only_known_users_with_their_password_get_in() {
    let server = AuthServer::start();
    for (user, password) in [("scan-worker", "wrong-password".to_owned()), ("nobody", server.password("scan-worker"))] {
        let err = server.login_with(user, &password, "_INBOX").await.err().expect("refused");
        assert_eq!(err.kind(), async_nats::ConnectErrorKind::AuthorizationViolation, "{user}: {err}");
    }
    let anonymous = async_nats::ConnectOptions::new().connect(server.url()).await.expect_err("refused");
    assert_eq!(anonymous.kind(), async_nats::ConnectErrorKind::AuthorizationViolation);
    // async-nats ignores credentials in the URL (it connects without them),
    // so the bus refuses such a URL rather than fail later, unexplained.
    let url = format!("nats://scan-worker:{}@127.0.0.1:{}", server.password("scan-worker"), server.port);
    let ignored = async_nats::connect(&url).await.expect_err("connected without credentials");
    assert_eq!(ignored.kind(), async_nats::ConnectErrorKind::AuthorizationViolation);
    let err = NatsBus::connect(&url, &[]).await.err().expect("refused").to_string();
    assert!(err.contains("set nats.user and nats.password"), "{err}");
}

#[tokio::test]
async fn the_server_refuses_what_a_user_may_not_publish_or_read() {
    let server = AuthServer::start();
    server.create_streams().await;
    let t = Topology::default();
    let tenant = unique_tenant(cspm_domain::Site::Cn);
    let job = t.job_subject(&tenant, "ecs-disk-encrypted", "forged-0001");
    let result = t.result_subject(&tenant);
    let asset = t.asset_changed_subject(&tenant);
    let account = cspm_bus::account_subject("cspm", &tenant.subject_part(), "authorized");
    let trail = t.trail_subject(&tenant);
    let collect = t.collect_subject(&tenant, "forged-0001");
    let denied = [
        ("scan-worker", account.clone()),
        ("scan-worker", trail.clone()),
        ("scan-worker", collect.clone()),
        ("asset-publisher", collect.clone()),
        ("asset-publisher", t.collected_subject(&tenant)),
        ("scan-worker", job.clone()),
        ("scan-worker", asset.clone()),
        ("asset-publisher", job.clone()),
        ("asset-publisher", result.clone()),
        ("asset-publisher", account.clone()),
        ("scheduler", result.clone()),
        ("scheduler", account.clone()),
        ("activation", job.clone()),
        // The JetStream API beyond what each service needs.
        ("scan-worker", "$JS.API.STREAM.DELETE.CSPM_JOBS".into()),
        ("scan-worker", "$JS.API.STREAM.PURGE.CSPM_JOBS".into()),
        ("scan-worker", "$JS.API.CONSUMER.MSG.NEXT.CSPM_RESULTS.scheduler".into()),
        ("asset-publisher", "$JS.API.STREAM.UPDATE.CSPM_ASSETS".into()),
        ("scheduler", "$JS.API.STREAM.DELETE.CSPM_ACCOUNT".into()),
    ];
    // All at once: each waits out the ack timeout.
    let s = &server;
    futures::future::join_all(denied.iter().map(|(user, subject)| async move {
        let mut login = s.login(user).await;
        let refused = login.js_publish(subject).await;
        assert!(refused.is_err(), "{user} published to {subject}: {refused:?}");
        login.violation(&format!("Publish to \"{subject}\"")).await;
    }))
    .await;
    // Nothing forged was stored.
    let scheduler = server.login("scheduler").await;
    for name in ["CSPM_JOBS", "CSPM_RESULTS", "CSPM_ASSETS", "CSPM_COLLECT", "CSPM_CLOUD_EVENTS"] {
        let mut s = scheduler.js.get_stream(name).await.unwrap();
        assert_eq!(s.info().await.unwrap().state.messages, 0, "{name}");
    }
    // Subscriptions: nobody reads the jobs (they are pulled through the
    // consumer), nor another user's replies.
    let mut outsider = server.login("asset-publisher").await;
    for subject in ["cspm.v1.job.>", "_INBOX.>", "_INBOX.scheduler.>"] {
        let _sub = outsider.client.subscribe(subject).await.unwrap();
        outsider.violation(&format!("Subscription to \"{subject}\"")).await;
    }
    // An outside client with the default inbox prefix cannot get its acks.
    let mut default_inbox =
        server.login_with("asset-publisher", &server.password("asset-publisher"), "_INBOX").await.unwrap();
    assert!(default_inbox.js_publish(&asset).await.is_err());
    default_inbox.violation("Subscription to \"_INBOX.").await;
}

#[tokio::test]
async fn each_user_publishes_what_it_is_meant_to() {
    let server = AuthServer::start();
    server.create_streams().await;
    let t = Topology::default();
    let tenant = unique_tenant(cspm_domain::Site::Cn);
    let allowed = [
        ("asset-publisher", t.asset_changed_subject(&tenant), "CSPM_ASSETS"),
        ("asset-publisher", t.trail_subject(&tenant), "CSPM_CLOUD_EVENTS"),
        ("scan-worker", t.collected_subject(&tenant), "CSPM_CLOUD_EVENTS"),
        ("scheduler", t.collect_subject(&tenant, "c-0001"), "CSPM_COLLECT"),
        ("scan-worker", t.result_subject(&tenant), "CSPM_RESULTS"),
        ("scan-worker", t.dead_letter_subject(Some(&tenant)), "CSPM_DEAD_LETTERS"),
        ("scheduler", t.job_subject(&tenant, "ecs-disk-encrypted", "forged-0001"), "CSPM_JOBS"),
        ("scheduler", t.dead_letter_subject(None), "CSPM_DEAD_LETTERS"),
        ("activation", cspm_bus::account_subject("cspm", &tenant.subject_part(), "authorized"), "CSPM_ACCOUNT"),
    ];
    for (user, subject, stream) in &allowed {
        let mut login = server.login(user).await;
        let (stored_in, sequence) = login.js_publish(subject).await.unwrap_or_else(|e| panic!("{user}: {e}"));
        assert_eq!((stored_in.as_str(), sequence > 0), (*stream, true), "{user} → {subject}");
        assert_eq!(login.errors(), Vec::<String>::new(), "{user}");
    }
    // The scheduler reads and deletes a job that ran out of deliveries.
    let mut scheduler = server.login("scheduler").await;
    let jobs = scheduler.js.get_stream("CSPM_JOBS").await.unwrap();
    let job = jobs.get_raw_message(1).await.unwrap();
    assert_eq!(job.subject.as_str(), t.job_subject(&tenant, "ecs-disk-encrypted", "forged-0001"));
    assert!(jobs.delete_message(1).await.unwrap());
    assert_eq!(scheduler.errors(), Vec::<String>::new());
    assert_eq!(server.violations(), Vec::<String>::new());
}

/// One HTTP call with the admin token.
async fn call(http: &reqwest::Client, base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut req = http.request(method.parse().unwrap(), format!("{base}{path}")).bearer_auth(ADMIN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("service reachable");
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{method} {path}: {status} {v}");
    v
}

async fn wait_done(http: &reqwest::Client, scheduler: &str, tasks: &str, task_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t = call(http, scheduler, "GET", &format!("{tasks}/{task_id}"), None).await;
        if t["state"] != "running" {
            return t;
        }
        assert!(Instant::now() < deadline, "task did not finish: {t}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_scans_with_one_user_per_service() {
    let server = AuthServer::start();
    let service = |user: &str| {
        vec![
            ("CSPM__NATS__URL", server.url()),
            ("CSPM__NATS__USER", user.to_owned()),
            ("CSPM__NATS__PASSWORD", server.password(user)),
            ("CSPM__ACTIVATION__ADMIN_TOKEN", ADMIN.to_owned()),
            ("CSPM__SCHEDULER__ADMIN_TOKEN", ADMIN.to_owned()),
        ]
    };
    // The worker first: it must be able to create the jobs queue on its own.
    let worker = ServiceProcess::start("cspm-scan-worker", free_port(), &service("scan-worker")).await;
    let activation = ServiceProcess::start("cspm-activation", free_port(), &service("activation")).await;
    let scheduler = ServiceProcess::start("cspm-scheduler", free_port(), &service("scheduler")).await;

    let http = reqwest::Client::new();
    let tenant = unique_tenant(cspm_domain::Site::Cn);
    let path = format!("/v1/tenants/{}/{}", tenant.site, tenant.account_id);
    let (a, s) = (activation.base.as_str(), scheduler.base.as_str());
    call(&http, a, "PUT", &path, None).await;
    call(&http, a, "PUT", &format!("{path}/authorization"), Some(json!({"client_token": "nats-auth"}))).await;
    call(&http, a, "PUT", &format!("{path}/cspm/subscription"), Some(json!({"quota": 3000, "months": 12}))).await;
    call(&http, s, "POST", &format!("{path}/assets"), Some(json!({"responses": sample_inventory()}))).await;
    let items = ["ecs-disk-encrypted", "oss-bucket-server-side-encryption-enabled"];
    let task = call(&http, s, "POST", &format!("{path}/scans"), Some(json!({"items": items}))).await;
    let tasks = format!("{path}/tasks");
    let done = wait_done(&http, s, &tasks, task["task_id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert!(done["units_charged"].as_u64().unwrap() > 0, "{done}");

    // An outside system reports a change as asset-publisher; the scheduler re-scans.
    let mut responses = sample_inventory();
    let mfa = responses.iter_mut().find(|r| r.api == "ram:ListVirtualMFADevices").unwrap();
    mfa.response["VirtualMFADevices"]["VirtualMFADevice"]
        .as_array_mut()
        .unwrap()
        .push(json!({"SerialNumber": "acs:ram::1:mfa/bob", "User": {"UserName": "bob"}}));
    let change = AssetChanged { schema: ASSET_CHANGED_SCHEMA.into(), tenant: tenant.clone(), responses };
    let publisher = server.login("asset-publisher").await;
    let subject = Topology::default().asset_changed_subject(&tenant);
    publisher.js.publish(subject, serde_json::to_vec(&change).unwrap().into()).await.unwrap().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let rescan = loop {
        let list = call(&http, s, "GET", &tasks, None).await;
        if let Some(t) = list.as_array().unwrap().iter().find(|t| t["trigger"] == "asset_change") {
            break t["task_id"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no re-scan started: {list}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(wait_done(&http, s, &tasks, &rescan).await["state"], "done");

    // A job the worker cannot run: it dead-letters it, the scheduler takes the letter.
    let scheduler_login = server.login("scheduler").await;
    let bad_job = Topology::default().job_subject(&tenant, "no-such-item", "forged-0001");
    scheduler_login.js.publish(bad_job, "{}".into()).await.unwrap().await.unwrap();
    let mut dead = scheduler_login.js.get_stream("CSPM_DEAD_LETTERS").await.unwrap();
    let mut consumer: jetstream::consumer::PullConsumer = dead.get_consumer("scheduler").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let stored = dead.info().await.unwrap().state.messages;
        let info = consumer.info().await.unwrap().clone();
        // Limits retention: an acknowledged dead letter stays for people to read.
        if info.ack_floor.stream_sequence >= 1 && stored == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the dead letter was not taken: {info:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert_eq!(server.violations(), Vec::<String>::new(), "the fleet needed a permission it does not have");
    drop((worker, activation, scheduler));
}
