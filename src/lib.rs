//! Support for the fleet-level tests under `tests/`: where the real servers
//! are, and unique tenants so tests never share data.
//!
//! Redis and NATS must be listening (`.ci/run` starts them when they are not);
//! `CSPM_TEST_REDIS_URL` and `CSPM_TEST_NATS_URL` point elsewhere.

use cspm_domain::{AccountId, Site, TenantId};
use rand::Rng;

pub mod fleet;
pub mod servers;

pub fn redis_url() -> String {
    std::env::var("CSPM_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn nats_url() -> String {
    std::env::var("CSPM_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// A tenant no other test (or earlier run) uses: a random 16-digit account.
pub fn unique_tenant(site: Site) -> TenantId {
    TenantId::new(site, unique_account())
}

pub fn unique_account() -> AccountId {
    let n: u64 = rand::rng().random_range(1_000_000_000_000_000..10_000_000_000_000_000);
    AccountId::parse(&n.to_string()).expect("16 digits is a valid account id")
}

/// A freshly built service binary of this workspace (`cspm-activation`, …),
/// found beside the test executable (`target/<profile>/`).
pub fn service_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` (cargo test --workspace builds it)",
        path.display()
    );
    path
}

/// A free TCP port on localhost.
/// A port nothing listens on, never handed out twice in one test process:
/// tests start services in parallel, and the OS may offer a released port
/// again before the first service has bound it (two services would then
/// share one address, and a test would talk to another test's service).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        if GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(port) {
            return port;
        }
    }
}

/// The bundled sample inventory (OpenAPI responses), as the demo imports it.
pub fn sample_inventory() -> Vec<cspm_assets::openapi::ApiResponse> {
    serde_json::from_str(include_str!("../shared/assets/samples/demo-inventory.json"))
        .expect("the bundled sample parses")
}

/// A service binary running as its own process for a test: started with
/// `CSPM__…` settings, ready once `/readyz` answers 200, killed when dropped.
pub struct ServiceProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServiceProcess {
    /// Starts `binary` listening on `port` with the test servers and `env`.
    pub async fn start(binary: &str, port: u16, env: &[(&str, String)]) -> Self {
        let mut cmd = std::process::Command::new(service_binary(binary));
        cmd.env("CSPM__HTTP__LISTEN", format!("127.0.0.1:{port}"))
            .env("CSPM__REDIS__URL", redis_url())
            .env("CSPM__NATS__URL", nats_url())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null());
        // CSPM_TEST_SERVICE_LOGS=1 shows the services' logs while debugging a test.
        if std::env::var_os("CSPM_TEST_SERVICE_LOGS").is_none() {
            cmd.stderr(std::process::Stdio::null());
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap_or_else(|e| panic!("start {binary}: {e}"));
        // Owned from here on: a panic below kills and reaps it.
        let mut process = ServiceProcess { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Ok(r) = reqwest::get(format!("{}/readyz", process.base)).await
                && r.status().is_success()
            {
                return process;
            }
            // Exited (its port taken, its settings refused): it will never be ready.
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!("{binary} exited before it was ready: {status}");
            }
            assert!(std::time::Instant::now() < deadline, "{binary} did not become ready");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Starts `binary` with `args`, ready once it accepts connections on `port`
    /// (for servers without `/readyz`, like the cloud emulator).
    pub async fn start_listening(binary: &str, args: &[String], port: u16) -> Self {
        let mut cmd = std::process::Command::new(service_binary(binary));
        cmd.args(args).env("RUST_LOG", "warn").stdout(std::process::Stdio::null());
        if std::env::var_os("CSPM_TEST_SERVICE_LOGS").is_none() {
            cmd.stderr(std::process::Stdio::null());
        }
        let child = cmd.spawn().unwrap_or_else(|e| panic!("start {binary}: {e}"));
        let mut process = ServiceProcess { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            if let Ok(Some(status)) = process.child.try_wait() {
                panic!("{binary} exited before it listened: {status}");
            }
            assert!(std::time::Instant::now() < deadline, "{binary} did not listen on {port}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        process
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGKILL: the process dies holding whatever it holds.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "the service did not stop on SIGTERM");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// The body of `GET /metrics`.
    pub async fn metrics(&self) -> String {
        reqwest::get(format!("{}/metrics", self.base)).await.expect("metrics").text().await.unwrap_or_default()
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The units a scan of the sample inventory charges for paid `items` (all
/// when `None`): every check of a paid item on a billable asset that runs
/// (not `NOT_CHECK`), computed by evaluating directly — the reference the
/// fleet's forecast and accounting must both match.
pub fn sample_units(items: Option<&[&str]>) -> u64 {
    let assets = cspm_assets::openapi::ingest(&sample_inventory()).expect("the sample ingests");
    let params = std::collections::BTreeMap::new();
    let mut units = 0;
    for check in
        cspm_checks::catalogue().iter().filter(|c| !c.meta.free && items.is_none_or(|i| i.contains(&c.meta.id)))
    {
        let ctx = cspm_checks::Context { now: chrono::Utc::now(), params: &params, specs: check.meta.params };
        for a in assets.iter().filter(|a| a.kind() == check.meta.resource_type && a.billable() && check.has_data(a)) {
            units += u64::from(check.evaluate(a, &ctx).is_checked());
        }
    }
    units
}

/// The reference for paged results: `all` filtered as the API filters and
/// ordered as the result index orders, by risk, then item and instance key
/// as text; as (item, instance) pairs.
pub fn filtered_results(
    all: &[cspm_fleet::store::StoredResult],
    filter: &cspm_fleet::store::ResultFilter,
) -> Vec<(String, String)> {
    let mut rows: Vec<(String, (String, String))> = all
        .iter()
        .filter_map(|r| Some((r, cspm_checks::find(&r.item_id)?)))
        .filter(|(r, _)| filter.status.is_none_or(|s| r.status == s))
        .filter(|(_, c)| filter.risk.is_none_or(|k| c.meta.risk == k))
        .filter(|(_, c)| filter.product.as_deref().is_none_or(|p| c.meta.product.eq_ignore_ascii_case(p)))
        .filter(|(r, _)| filter.item.as_deref().is_none_or(|i| r.item_id == i))
        .map(|(r, c)| {
            let key = cspm_fleet::store::result_key(r.resource_type, &r.instance_id);
            let member = format!("{}|{}|{key}", cspm_fleet::store::risk_rank(c.meta.risk), r.item_id);
            (member, (r.item_id.clone(), r.instance_id.clone()))
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, pair)| pair).collect()
}
