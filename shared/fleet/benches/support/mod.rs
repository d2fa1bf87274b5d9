//! What the fleet benchmarks share: setup errors that say which step
//! failed, a scheduler with the default limits, and removing what a run
//! left in Redis and NATS.

use cspm_accounts::RedisStore;
use cspm_bus::NatsBus;
use cspm_domain::TenantId;
use cspm_fleet::messages::Topology;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::scheduler::{Scheduler, SchedulerLimits};
use cspm_fleet::store::RedisFleetStore;
use cspm_ledger::RedisLedger;
use std::sync::Arc;
use std::time::Duration;

/// A step of the setup that failed, and why.
pub trait Because<T> {
    fn because(self, step: &str) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Because<T> for Result<T, E> {
    fn because(self, step: &str) -> Result<T, String> {
        self.map_err(|e| format!("{step}: {e}"))
    }
}

/// Deletes the tenant's keys and the run's streams.
pub async fn cleanup(ledger: &RedisLedger, tenant: &TenantId, nats_url: &str, root: &str) {
    let mut conn = ledger.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("cspm:{{{}}}:*", tenant.hash_tag()))
        .query_async(&mut conn)
        .await
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<(), _> = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await;
    }
    if let Ok(client) = async_nats::connect(nats_url).await {
        let js = async_nats::jetstream::new(client);
        for kind in ["JOBS", "RESULTS", "DEAD_LETTERS", "ASSETS", "COLLECT", "CLOUD_EVENTS"] {
            let _ = js.delete_stream(format!("{}_{kind}", root.to_uppercase())).await;
        }
    }
}

/// A scheduler over real NATS and Redis with the default limits.
pub fn scheduler(
    topology: &Topology,
    bus: &NatsBus,
    ledger: &RedisLedger,
    accounts: Arc<RedisStore>,
    store: Arc<RedisFleetStore>,
    metrics: &FleetMetrics,
) -> Arc<Scheduler> {
    Arc::new(Scheduler {
        topology: topology.clone(),
        bus: Arc::new(bus.clone()),
        ledger: Arc::new(ledger.clone()),
        accounts,
        store,
        metrics: metrics.clone(),
        batch: cspm_fleet::plan::DEFAULT_BATCH,
        upfront_lease: Duration::from_secs(600),
        starts: SchedulerLimits::default().turns(),
        queues: Default::default(),
        limits: SchedulerLimits::default(),
    })
}
