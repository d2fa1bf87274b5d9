//! `cspm-scheduler`: the process skeleton — settings, telemetry, Redis and NATS
//! connections, `/metrics`, `/healthz`, `/readyz`, graceful shutdown.
//! Its work (issue 3: scans over JetStream) plugs into this.

use anyhow::Context;
use cspm_bus::NatsBus;
use cspm_ledger::{Clock, RedisLedger};
use cspm_runtime::settings::{self, Common};
use cspm_runtime::{health, telemetry};

const DEFAULTS: &str = "[http]\nlisten = \"127.0.0.1:8082\"\n";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings: Common = settings::load(DEFAULTS, settings::config_file_from_args().as_deref())?;
    let _telemetry = telemetry::init("cspm-scheduler", &settings.telemetry)?;
    tracing::info!(settings = %serde_json::to_string(&settings.redacted())?, "starting cspm-scheduler");

    let redis = RedisLedger::connect(&settings.redis.url, Clock::Real).await.context("connecting to Redis")?;
    let bus = NatsBus::connect(&settings.nats.url, &[]).await.context("connecting to NATS")?;
    let registry = prometheus::Registry::new();
    let readiness = health::Readiness::default().probe("redis", redis, |r| async move { r.ping().await }).probe(
        "nats",
        bus,
        |b| async move { b.ping().await },
    );
    let app = cspm_runtime::metrics::router(registry).merge(health::router(readiness));
    cspm_runtime::serve("cspm-scheduler", &settings.http.listen, app).await
}
