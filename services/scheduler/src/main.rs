//! `cspm-scheduler`: inventories, tasks, jobs and results.

use anyhow::Context;
use cspm_accounts::{Authenticator, RedisStore};
use cspm_bus::{Bus, NatsBus};
use cspm_fleet::collection::cloud::CloudAccess;
use cspm_fleet::collection::start::Collections;
use cspm_fleet::collection::store::CollectionStore;
use cspm_fleet::messages::Topology;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::scheduler::Scheduler;
use cspm_fleet::store::RedisFleetStore;
use cspm_ledger::{Clock, LedgerMetrics, MeteredLedger, RedisLedger};
use cspm_runtime::{health, settings, telemetry};
use cspm_scheduler::http::{AppState, router};
use cspm_scheduler::settings::Settings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load(settings::config_file_from_args().as_deref())?;
    let _telemetry = telemetry::init("cspm-scheduler", &settings.common.telemetry)?;
    tracing::info!(settings = %serde_json::to_string(&settings.redacted())?, "starting cspm-scheduler");

    let redis = RedisLedger::connect_with(&settings.common.redis.options(), Clock::Real)
        .await
        .context("connecting to Redis")?;
    let bus = NatsBus::connect_as(&settings.common.nats.url, settings.common.nats.credentials(), &[])
        .await
        .context("connecting to NATS")?;
    let registry = prometheus::Registry::new();
    let metrics = FleetMetrics::new(&registry);
    let accounts = Arc::new(RedisStore::new(redis.clone()));
    let topology = Topology::new(&settings.common.nats.subject_root)
        .map_err(anyhow::Error::msg)?
        .with_job_ack_wait(Duration::from_secs(settings.common.nats.job_ack_wait_seconds));
    let limits = settings.scheduler.limits();
    let scheduler = Arc::new(Scheduler {
        topology,
        bus: Arc::new(bus.clone()),
        ledger: Arc::new(MeteredLedger::new(Arc::new(redis.clone()), LedgerMetrics::new(&registry))),
        accounts: accounts.clone(),
        store: Arc::new(RedisFleetStore::new(redis.pool()).await?),
        metrics,
        batch: settings.scheduler.batch,
        upfront_lease: Duration::from_secs(settings.scheduler.upfront_lease_seconds),
        starts: limits.turns(),
        queues: Default::default(),
        limits,
    });

    let collection_store = Arc::new(CollectionStore::new(redis.pool()));
    let mut cloud = CloudAccess::new(
        &settings.common.cloud.endpoint,
        &settings.common.cloud.credential_key,
        collection_store.clone(),
    )
    .context("cloud.credential_key")?;
    cloud.calls_per_second = settings.common.cloud.calls_per_second;
    // Created here when absent: collection jobs are published to it.
    bus.work_queue(&scheduler.topology.collect_jobs()).await?;
    let collections =
        Arc::new(Collections { scheduler: scheduler.clone(), store: collection_store, cloud: Arc::new(cloud) });

    // Followers: results, dead letters, asset and cloud events, exhausted jobs, lag, and the sweeper.
    let (stop, shutdown) = watch::channel(false);
    let mut followers = scheduler.clone().spawn_followers(&bus, shutdown.clone()).await?;
    let cloud_events = bus.work_queue(&scheduler.topology.cloud_events()).await?;
    followers.push(tokio::spawn(collections.clone().follow_events(cloud_events, shutdown)));

    let readiness = health::Readiness::default().probe("redis", redis, |r| async move { r.ping().await }).probe(
        "nats",
        bus,
        |b| async move { b.ping().await },
    );
    let state =
        AppState { scheduler, collections, auth: Authenticator::new(&settings.scheduler.admin_token, accounts) };
    let app = router(state, registry, readiness, settings.scheduler.max_body_bytes);
    cspm_runtime::serve("cspm-scheduler", &settings.common.http.listen, app).await?;

    let _ = stop.send(true);
    for f in followers {
        let _ = f.await;
    }
    Ok(())
}
