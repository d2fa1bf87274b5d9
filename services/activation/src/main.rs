//! `cspm-activation`: tenants, authorization, editions, billing and quota grants.

use anyhow::Context;
use cspm_accounts::RedisStore;
use cspm_activation::events::EventPublisher;
use cspm_activation::settings::Settings;
use cspm_activation::{Activation, http};
use cspm_bus::{NatsBus, account_stream};
use cspm_cloud::credentials::{Chain, Refreshing};
use cspm_ledger::{Clock, LedgerMetrics, MeteredLedger, RedisLedger};
use cspm_runtime::{health, settings, shutdown_signal, telemetry};
use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load(settings::config_file_from_args().as_deref())?;
    let _telemetry = telemetry::init("cspm-activation", &settings.common.telemetry)?;
    tracing::info!(settings = %serde_json::to_string(&settings.redacted())?, "starting cspm-activation");

    let redis = RedisLedger::connect_with(&settings.common.redis.options(), Clock::Real)
        .await
        .context("connecting to Redis")?;
    let streams = [account_stream(&settings.common.nats.subject_root)];
    let bus = NatsBus::connect_as(&settings.common.nats.url, settings.common.nats.credentials(), &streams)
        .await
        .context("connecting to NATS")?;

    let registry = prometheus::Registry::new();
    let ledger = Arc::new(MeteredLedger::new(Arc::new(redis.clone()), LedgerMetrics::new(&registry)));
    let store = Arc::new(RedisStore::new(redis.clone()));
    let events =
        EventPublisher::new(store.clone(), Arc::new(bus.clone()), &settings.common.nats.subject_root, &registry);
    let roles = cspm_activation::roles::CloudRoles {
        endpoint: settings.common.cloud.endpoint.clone(),
        operator: Arc::new(Refreshing::new(Arc::new(Chain::default_chain()))),
    };
    let activation = Arc::new(
        Activation::new(store, ledger, events.clone(), &settings.activation.admin_token).with_roles(Arc::new(roles)),
    );

    let retry_every = Duration::from_secs(settings.activation.event_retry_seconds.max(1));
    let retry_loop = tokio::spawn(events.retry_loop(retry_every, shutdown_signal()));

    let readiness = health::Readiness::default().probe("redis", redis, |r| async move { r.ping().await }).probe(
        "nats",
        bus,
        |b| async move { b.ping().await },
    );
    let app = http::router(activation, registry, readiness, settings.activation.max_body_bytes);
    cspm_runtime::serve("cspm-activation", &settings.common.http.listen, app).await?;
    retry_loop.abort();
    Ok(())
}
