//! `cspm-scan-worker`: pulls jobs from the shared JetStream consumer,
//! reserves quota, evaluates check items, publishes results, commits what it
//! consumed; and reads slices of tenants' accounts for collections. Run any
//! number of them. On SIGTERM it stops pulling, finishes
//! the jobs it holds, and exits.

use anyhow::Context;
use cspm_accounts::RedisStore;
use cspm_bus::{Bus, NatsBus};
use cspm_fleet::collection::cloud::CloudAccess;
use cspm_fleet::collection::collector::Collector;
use cspm_fleet::collection::store::CollectionStore;
use cspm_fleet::messages::Topology;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::store::RedisFleetStore;
use cspm_fleet::worker::{Worker, WorkerSettings};
use cspm_ledger::{Clock, LedgerMetrics, MeteredLedger, RedisLedger};
use cspm_runtime::settings::{self, Common};
use cspm_runtime::{health, shutdown_signal, telemetry};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Settings {
    #[serde(flatten)]
    common: Common,
    worker: Tuning,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tuning {
    /// Jobs processed at once.
    concurrency: usize,
    /// Quota lease per job in seconds (renewed every third of it).
    lease_seconds: u64,
    /// Artificial delay per evaluation, in milliseconds (tests and benchmarks only).
    evaluation_delay_ms: u64,
    /// Seconds a job of a task still being started is held before it is handed back.
    start_wait_seconds: u64,
    /// Collection slices read at once (each makes up to 8 calls at a time).
    collect_concurrency: usize,
}

const DEFAULTS: &str = r#"
[http]
listen = "127.0.0.1:8083"
[worker]
concurrency = 4
lease_seconds = 60
evaluation_delay_ms = 0
start_wait_seconds = 20
collect_concurrency = 2
"#;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut s: Settings = settings::load(DEFAULTS, settings::config_file_from_args().as_deref())?;
    s.worker.concurrency = s.worker.concurrency.clamp(1, 256);
    // The lease (and the job's ack wait) is renewed every third of the lease;
    // keep that well inside the jobs' ack wait.
    let topology = Topology::new(&s.common.nats.subject_root)
        .map_err(anyhow::Error::msg)?
        .with_job_ack_wait(Duration::from_secs(s.common.nats.job_ack_wait_seconds));
    let max_lease = topology.jobs().ack_wait * 3 / 2;
    let lease = Duration::from_secs(s.worker.lease_seconds.max(1)).min(max_lease);
    let _telemetry = telemetry::init("cspm-scan-worker", &s.common.telemetry)?;
    let redacted = Settings { common: s.common.redacted(), ..s.clone() };
    tracing::info!(settings = %serde_json::to_string(&redacted)?, "starting cspm-scan-worker");

    let redis =
        RedisLedger::connect_with(&s.common.redis.options(), Clock::Real).await.context("connecting to Redis")?;
    let bus = NatsBus::connect_as(&s.common.nats.url, s.common.nats.credentials(), &[])
        .await
        .context("connecting to NATS")?;
    let registry = prometheus::Registry::new();
    let metrics = FleetMetrics::new(&registry);
    let accounts = Arc::new(RedisStore::new(redis.clone()));
    let store = Arc::new(RedisFleetStore::new(redis.pool()).await?);
    let collection_store = Arc::new(CollectionStore::new(redis.pool()));
    let mut cloud =
        CloudAccess::new(&s.common.cloud.endpoint, &s.common.cloud.credential_key, collection_store.clone())
            .context("cloud.credential_key")?;
    cloud.calls_per_second = s.common.cloud.calls_per_second;
    let collector = Arc::new(Collector {
        topology: topology.clone(),
        queue: bus.work_queue(&topology.collect_jobs()).await?,
        bus: Arc::new(bus.clone()),
        accounts: accounts.clone(),
        store: collection_store,
        inventory: store.clone(),
        cloud: Arc::new(cloud),
        metrics: metrics.clone(),
        concurrency: s.worker.collect_concurrency.clamp(1, 64),
    });
    let worker = Arc::new(Worker {
        queue: bus.work_queue(&topology.jobs()).await?,
        topology,
        bus: Arc::new(bus.clone()),
        ledger: Arc::new(MeteredLedger::new(Arc::new(redis.clone()), LedgerMetrics::new(&registry))),
        accounts,
        store,
        metrics,
        settings: WorkerSettings {
            lease,
            concurrency: s.worker.concurrency,
            poll: Duration::from_secs(1),
            evaluation_delay: Duration::from_millis(s.worker.evaluation_delay_ms),
            start_wait: Duration::from_secs(s.worker.start_wait_seconds),
        },
    });

    let (stop, shutdown) = watch::channel(false);
    let work = tokio::spawn(worker.run(shutdown.clone()));
    let collecting = tokio::spawn(collector.run(shutdown));
    let readiness = health::Readiness::default().probe("redis", redis, |r| async move { r.ping().await }).probe(
        "nats",
        bus,
        |b| async move { b.ping().await },
    );
    let app = cspm_runtime::api::service(axum::Router::new(), registry, readiness);
    let listener = tokio::net::TcpListener::bind(&s.common.http.listen)
        .await
        .with_context(|| format!("binding {}", s.common.http.listen))?;
    tracing::info!(listen = %listener.local_addr()?, "cspm-scan-worker ready");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = work.await; // finishes the jobs it holds
    let _ = collecting.await;
    server.abort();
    tracing::info!("cspm-scan-worker stopped");
    Ok(())
}
