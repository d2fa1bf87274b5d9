//! Collecting an emulated account of about 10,000 resources through the
//! fleet — scheduler → NATS JetStream (one job per slice) → collectors
//! reading over signed HTTP from the Alibaba Cloud emulator → Redis — with 1
//! and with 2 workers, against the same account read in one process the way
//! `cspm collect` reads it (every plan in turn, 8 calls in flight), measured
//! in the same run: the time, and the calls made by each.
//!
//!     cargo bench -p cspm-fleet --bench fleet_collection
//!
//! Needs Redis and NATS (`CSPM_BENCH_REDIS_URL`, `CSPM_BENCH_NATS_URL`;
//! defaults on localhost).

mod support;
use chrono::Utc;
use cspm_accounts::{AccountStore, RedisStore};
use cspm_bus::{Bus, NatsBus};
use cspm_cloud::client::{Client, ClientOptions};
use cspm_cloud::collect::{self, For};
use cspm_cloud::credentials::{Credentials, Static};
use cspm_cloud::endpoints::Endpoints;
use cspm_cloud_emulator::{Emulator, Faults, synthetic};
use cspm_domain::{Account, AccountCommand, AccountId, Site, TenantId};
use cspm_fleet::collection::cloud::CloudAccess;
use cspm_fleet::collection::collector::Collector;
use cspm_fleet::collection::start::{Collections, Scope};
use cspm_fleet::collection::store::CollectionStore;
use cspm_fleet::collection::types::CollectionState;
use cspm_fleet::messages::Topology;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::store::RedisFleetStore;
use cspm_ledger::{Clock, RedisLedger};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Because, cleanup};
use tokio::sync::watch;

const OPERATOR: &str = "5555555555555555";
const REGION: &str = "cn-hangzhou";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let redis_url = std::env::var("CSPM_BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let nats_url = std::env::var("CSPM_BENCH_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let (docs, _) = synthetic::account();
        let minimum = minimum_calls();
        let tenant_of = |n: u64| TenantId::new(Site::Cn, AccountId::parse(&format!("7{:015}", n)).expect("16 digits"));
        let tenants: Vec<TenantId> = (0..3).map(|i| tenant_of(u64::from(std::process::id()) * 10 + i)).collect();
        let mut emulator = Emulator::new(docs, Faults::default()).with_key("LTAIoperator", "operator-secret", OPERATOR);
        for t in &tenants {
            emulator = emulator.with_role(&role_of(t), &[OPERATOR]);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let emulator = Arc::new(emulator);
        tokio::spawn(emulator.clone().serve(listener));

        println!(
            "fleet collection: an emulated account of {} resources in {REGION}; every planned call at least once: {minimum} calls",
            synthetic::resources()
        );
        println!("{:<44}{:>8}{:>15}{:>8}{:>10}{:>16}", "setup", "calls", "calls/minimum", "assets", "seconds", "time/reference");
        let (calls, seconds) = in_process(&base, &tenants[0]).await?;
        let per_minimum = calls as f64 / minimum as f64;
        println!(
            "{:<44}{calls:>8}{per_minimum:>15.3}{:>8}{seconds:>10.2}{:>16}",
            "in one process, 8 calls in flight (reference)", "-", "1"
        );
        for (workers, tenant) in [(1usize, &tenants[1]), (2, &tenants[2])] {
            let (calls, assets, took) = through_fleet(&redis_url, &nats_url, &base, tenant, workers).await?;
            println!(
                "{:<44}{calls:>8}{:>15.3}{assets:>8}{took:>10.2}{:>16.2}",
                format!("fleet, NATS + Redis, {workers} worker(s)"),
                calls as f64 / minimum as f64,
                took / seconds
            );
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

/// The calls a whole collection of the account needs at least: each list
/// call in its largest pages (one call when it lists nothing), and one call
/// per resource for each call about single resources.
fn minimum_calls() -> u64 {
    let mut calls = 1; // oss:ListBuckets (the account has no bucket)
    for plan in collect::PLANS {
        calls += match plan.per {
            For::Account => synthetic::listed(plan.api).map_or(1, |(items, page)| items.div_ceil(page).max(1)),
            For::Each { source, .. } => synthetic::listed(source).map_or(0, |(items, _)| items),
        } as u64;
    }
    calls
}

fn role_of(tenant: &TenantId) -> String {
    format!("acs:ram::{}:role/cspm-reader", tenant.account_id)
}

/// The account read in one process, as `cspm collect` reads it.
async fn in_process(base: &str, tenant: &TenantId) -> Result<(u64, f64), String> {
    let mut options = ClientOptions::new(Endpoints::Override { base: base.into() }, tenant.account_id.to_string());
    options.calls_per_second = 100_000;
    let operator = Arc::new(Static(Credentials::new("LTAIoperator", "operator-secret")));
    let role = cspm_cloud::sts::AssumeRole::new(operator, options.clone(), role_of(tenant));
    let client = Client::new(Arc::new(role), options);
    let started = Instant::now();
    let mut read = collect::collect(&client, &[REGION.to_owned()], collect::PLANS).await;
    collect::collect_oss(&client, REGION, &mut read).await;
    Ok((client.requests(), started.elapsed().as_secs_f64()))
}

/// The account read by the fleet with `workers` collectors.
async fn through_fleet(
    redis_url: &str,
    nats_url: &str,
    base: &str,
    tenant: &TenantId,
    workers: usize,
) -> Result<(u64, u64, f64), String> {
    let root = format!("benchc{}{workers}", std::process::id());
    let topology = Topology::new(&root).because("valid root")?;
    let ledger = RedisLedger::connect(redis_url, Clock::Real).await.because("connecting to Redis")?;
    let accounts = Arc::new(RedisStore::new(ledger.clone()));
    let bus = NatsBus::connect(nats_url, &[]).await.because("connecting to NATS")?;
    let now = Utc::now();
    let mut account = Account::new(tenant.clone(), now);
    let authorize = AccountCommand::Authorize { client_token: "bench".into(), role_arn: Some(role_of(tenant)) };
    account.apply(authorize, now).because("authorize")?;
    let version = accounts.load(tenant).await.because("load")?.map_or(0, |v| v.version);
    accounts.save(&account, version, &[]).await.because("save account")?;

    let metrics = FleetMetrics::new(&prometheus::Registry::new());
    let store = Arc::new(RedisFleetStore::new(ledger.pool()).await.because("store")?);
    let scheduler = support::scheduler(&topology, &bus, &ledger, accounts.clone(), store.clone(), &metrics);
    let access = |store: Arc<CollectionStore>| {
        let operator = Arc::new(Static(Credentials::new("LTAIoperator", "operator-secret")));
        CloudAccess { endpoint: base.into(), operator, vault: None, store, calls_per_second: 100_000 }
    };
    let collection_store = Arc::new(CollectionStore::new(ledger.pool()));
    bus.work_queue(&topology.collect_jobs()).await.because("collect queue")?;
    let collections = Arc::new(Collections {
        scheduler: scheduler.clone(),
        store: collection_store.clone(),
        cloud: Arc::new(access(collection_store.clone())),
    });
    let (stop, shutdown) = watch::channel(false);
    let events = bus.work_queue(&topology.cloud_events()).await.because("cloud events")?;
    let mut tasks = vec![tokio::spawn(collections.clone().follow_events(events, shutdown.clone()))];
    for _ in 0..workers {
        // Each worker has its own NATS and Redis connections, like a separate process.
        let wbus = NatsBus::connect(nats_url, &[]).await.because("connecting to NATS")?;
        let wledger = RedisLedger::connect(redis_url, Clock::Real).await.because("connecting to Redis")?;
        let wstore = Arc::new(CollectionStore::new(wledger.pool()));
        let collector = Arc::new(Collector {
            topology: topology.clone(),
            queue: wbus.work_queue(&topology.collect_jobs()).await.because("queue")?,
            bus: Arc::new(wbus),
            accounts: Arc::new(RedisStore::new(wledger.clone())),
            store: wstore.clone(),
            inventory: Arc::new(RedisFleetStore::new(wledger.pool()).await.because("store")?),
            cloud: Arc::new(access(wstore)),
            metrics: metrics.clone(),
            concurrency: 2,
        });
        tasks.push(tokio::spawn(collector.run(shutdown.clone())));
    }

    let started = Instant::now();
    let scope = Scope::Regions(Some(vec![REGION.to_owned()]));
    let c = collections.start_scoped(tenant, scope, false, None, "bench").await.because("collection starts")?;
    let done = loop {
        let p = collections.progress(tenant, &c.collection_id).await.because("progress")?;
        if p.state != CollectionState::Running {
            break p;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = started.elapsed().as_secs_f64();
    if done.state != CollectionState::Done {
        return Err(format!("the collection ended {:?}: {:?}", done.state, done.reason));
    }
    let _ = stop.send(true);
    for t in tasks {
        let _ = t.await;
    }
    cleanup(&ledger, tenant, nats_url, &root).await;
    Ok((done.calls, done.assets, took))
}
