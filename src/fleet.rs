//! A fleet of service processes for end-to-end tests: cspm-activation,
//! cspm-scheduler and cspm-scan-workers, under a subject root of their own
//! (their own streams), with one tenant, driven over HTTP as a user would.

use crate::{ServiceProcess, free_port, nats_url, redis_url, sample_inventory, unique_tenant};
use cspm_domain::TenantId;
use rand::Rng;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const ADMIN: &str = "e2e-admin-token-0123456789";

/// Where the fleet's servers are and how its processes are set.
#[derive(Clone)]
pub struct FleetOptions {
    /// One worker per entry: its artificial delay per evaluation (ms).
    pub workers: Vec<u64>,
    /// Extra settings for every process.
    pub env: Vec<(&'static str, String)>,
    pub redis_url: String,
    pub nats_url: String,
}

impl FleetOptions {
    pub fn new(workers: &[u64]) -> Self {
        Self { workers: workers.to_vec(), env: Vec::new(), redis_url: redis_url(), nats_url: nats_url() }
    }
}

pub struct Fleet {
    pub root: String,
    pub options: FleetOptions,
    pub activation: ServiceProcess,
    pub scheduler: ServiceProcess,
    pub workers: Vec<ServiceProcess>,
    pub tenant: TenantId,
    pub http: reqwest::Client,
}

impl Drop for Fleet {
    /// Deletes the fleet's streams, so test runs leave nothing on the server.
    fn drop(&mut self) {
        let prefix = format!("{}_", self.root.to_uppercase());
        let url = self.options.nats_url.clone();
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                let Ok(Ok(client)) = tokio::time::timeout(Duration::from_secs(2), async_nats::connect(url)).await
                else {
                    return;
                };
                let js = async_nats::jetstream::new(client);
                for kind in ["JOBS", "RESULTS", "DEAD_LETTERS", "ASSETS", "ACCOUNT", "COLLECT", "CLOUD_EVENTS"] {
                    let _ = js.delete_stream(format!("{prefix}{kind}")).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

impl Fleet {
    pub async fn start(workers: &[u64]) -> Self {
        Self::start_with(FleetOptions::new(workers)).await
    }

    pub async fn start_with(options: FleetOptions) -> Self {
        let root = format!("e2e{}", rand::rng().random::<u32>());
        let env = Self::env_of(&root, &options);
        let activation = ServiceProcess::start("cspm-activation", free_port(), &env).await;
        let scheduler = ServiceProcess::start("cspm-scheduler", free_port(), &env).await;
        let mut fleet = Fleet {
            root,
            options,
            activation,
            scheduler,
            workers: Vec::new(),
            tenant: unique_tenant(cspm_domain::Site::Cn),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("an HTTP client"),
        };
        for delay in fleet.options.workers.clone() {
            fleet.workers.push(fleet.start_worker(delay, &[]).await);
        }
        fleet.activation_call("PUT", "", None).await.expect("tenant created");
        fleet
    }

    /// Settings every process of one fleet shares.
    fn env_of(root: &str, options: &FleetOptions) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("CSPM__REDIS__URL", options.redis_url.clone()),
            ("CSPM__NATS__URL", options.nats_url.clone()),
            ("CSPM__NATS__SUBJECT_ROOT", root.to_owned()),
            ("CSPM__NATS__JOB_ACK_WAIT_SECONDS", "2".into()),
            ("CSPM__ACTIVATION__ADMIN_TOKEN", ADMIN.into()),
            ("CSPM__SCHEDULER__ADMIN_TOKEN", ADMIN.into()),
        ];
        env.extend(options.env.iter().cloned());
        env
    }

    pub fn env(&self) -> Vec<(&'static str, String)> {
        Self::env_of(&self.root, &self.options)
    }

    /// A scan-worker of this fleet, with `extra` settings on top.
    pub async fn start_worker(&self, evaluation_delay_ms: u64, extra: &[(&'static str, String)]) -> ServiceProcess {
        let mut env = vec![
            ("CSPM__WORKER__CONCURRENCY", "1".to_owned()),
            ("CSPM__WORKER__LEASE_SECONDS", "3".into()),
            ("CSPM__WORKER__EVALUATION_DELAY_MS", evaluation_delay_ms.to_string()),
        ];
        env.extend(self.env());
        env.extend_from_slice(extra);
        ServiceProcess::start("cspm-scan-worker", free_port(), &env).await
    }

    pub fn path(&self) -> String {
        format!("/v1/tenants/{}/{}", self.tenant.site, self.tenant.account_id)
    }

    /// A call under the tenant's path with the admin token: the body, or the
    /// status and body of an error (status 0: no answer at all).
    pub async fn call(&self, base: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value, (u16, Value)> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self.http.request(method, format!("{base}{}{path}", self.path())).bearer_auth(ADMIN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return Err((0, Value::String(e.to_string()))),
        };
        let status = resp.status().as_u16();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        if (200..300).contains(&status) { Ok(v) } else { Err((status, v)) }
    }

    pub async fn activation_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, (u16, Value)> {
        self.call(&self.activation.base, method, path, body).await
    }

    pub async fn scheduler_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, (u16, Value)> {
        self.call(&self.scheduler.base, method, path, body).await
    }

    pub async fn authorize_and_buy(&self, quota: u64) {
        self.activation_call("PUT", "/authorization", Some(json!({"client_token": "e2e"}))).await.expect("authorized");
        let body = json!({"quota": quota, "months": 12});
        self.activation_call("PUT", "/cspm/subscription", Some(body)).await.expect("subscribed");
    }

    pub async fn import_sample(&self) {
        let body = json!({"responses": sample_inventory()});
        self.scheduler_call("POST", "/assets", Some(body)).await.expect("imported");
    }

    pub async fn scan(&self, body: Value) -> Value {
        let task = self.scheduler_call("POST", "/scans", Some(body)).await.expect("started");
        self.wait(task["task_id"].as_str().expect("a task id")).await
    }

    /// The task once it is no longer starting or running.
    pub async fn wait(&self, task_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Ok(t) = self.scheduler_call("GET", &format!("/tasks/{task_id}"), None).await
                && t["state"] != "running"
                && t["state"] != "starting"
            {
                return t;
            }
            assert!(Instant::now() < deadline, "task {task_id} did not finish");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The tenant's quota (retried while the service answers 503, as after an outage).
    pub async fn quota(&self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.activation_call("GET", "/quota", None).await {
                Ok(q) => return q,
                Err((503, e)) if Instant::now() < deadline => {
                    eprintln!("quota: 503 {e}; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("quota: {e:?}"),
            }
        }
    }

    pub async fn results(&self, query: &str) -> Value {
        self.scheduler_call("GET", &format!("/results?page_size=500&{query}"), None).await.expect("results")
    }
}

/// The sum of the samples of a metric in Prometheus text whose line starts with `prefix`.
pub fn metric(text: &str, prefix: &str) -> u64 {
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}
