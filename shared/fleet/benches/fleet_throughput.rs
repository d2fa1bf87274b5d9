//! End-to-end (item, instance) evaluations per second through the fleet —
//! scheduler → NATS JetStream → scan-workers → Redis ledger → results back —
//! with 1 and with 2 workers, as a ratio to the same evaluations done
//! directly in process (no bus, no ledger), measured in the same run.
//!
//!     cargo bench -p cspm-fleet --bench fleet_throughput
//!
//! Needs Redis and NATS (`CSPM_BENCH_REDIS_URL`, `CSPM_BENCH_NATS_URL`;
//! defaults on localhost). `CSPM_BENCH_SCALE` multiplies the inventory (default 1:
//! about 7,000 evaluations).

mod support;
use chrono::Utc;
use cspm_accounts::{AccountStore, RedisStore};
use cspm_assets::*;
use cspm_bus::{Bus, NatsBus};
use cspm_checks::Context;
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{Account, AccountCommand, AccountId, Site, TenantId};
use cspm_fleet::messages::Topology;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::store::{FleetStore, RedisFleetStore, TaskState};
use cspm_fleet::worker::{Worker, WorkerSettings};
use cspm_ledger::{Clock, QuotaLedger, RedisLedger};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Because, cleanup};
use tokio::sync::watch;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let redis_url = std::env::var("CSPM_BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let nats_url = std::env::var("CSPM_BENCH_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let scale: usize = std::env::var("CSPM_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let assets = inventory(scale);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;

    let (evaluations, direct, charged) = direct_rate(&assets);
    println!("fleet throughput: {} assets, {evaluations} (item, instance) evaluations per scan", assets.len());
    println!("{:<34} {:>14} {:>12}", "setup", "evaluations/s", "ratio");
    println!("{:<34} {:>14.0} {:>12}", "in process, no fleet (reference)", direct, "1");
    for workers in [1, 2] {
        let rate = rt.block_on(fleet_rate(&redis_url, &nats_url, &assets, workers, evaluations, charged))?;
        println!("{:<34} {:>14.0} {:>12.5}", format!("fleet, NATS + Redis, {workers} worker(s)"), rate, rate / direct);
    }
    Ok(())
}

/// A synthetic estate of every asset type, half of each compliant.
fn inventory(scale: usize) -> Vec<Asset> {
    let mut out = vec![Asset {
        id: "account".into(),
        name: None,
        region: None,
        spec: AssetSpec::PasswordPolicy(PasswordPolicy { minimum_length: Some(8), ..Default::default() }),
        source: None,
        fields: Fields::default(),
    }];
    let asset = |id: String, spec| Asset {
        id,
        name: None,
        region: Some("cn-hangzhou".into()),
        spec,
        source: None,
        fields: Fields::default(),
    };
    for i in 0..1000 * scale {
        out.push(asset(
            format!("i-{i}"),
            AssetSpec::EcsInstance(EcsInstance {
                status: Some("Running".into()),
                public_ips: if i % 2 == 0 { vec!["47.0.0.1".into()] } else { vec![] },
                ..Default::default()
            }),
        ));
        out.push(asset(format!("d-{i}"), AssetSpec::Disk(Disk { encrypted: Some(i % 2 == 0), ..Default::default() })));
    }
    for i in 0..500 * scale {
        let open = SecurityGroupRule {
            direction: Direction::Ingress,
            protocol: "tcp".into(),
            ports: Some((22, 22)),
            cidr: Some(if i % 2 == 0 { "0.0.0.0/0" } else { "10.0.0.0/8" }.into()),
            accept: true,
            priority: 1,
        };
        out.push(asset(format!("sg-{i}"), AssetSpec::SecurityGroup(SecurityGroup { vpc_id: None, rules: vec![open] })));
        out.push(asset(
            format!("bucket-{i}"),
            AssetSpec::OssBucket(OssBucket {
                acl: Some("private".into()),
                sse_configured: Some(i % 2 == 0),
                ..Default::default()
            }),
        ));
        out.push(asset(
            format!("rm-{i}"),
            AssetSpec::RdsInstance(RdsInstance {
                security_ips: Some(vec!["10.0.0.0/8".into()]),
                ssl_enabled: Some(true),
                ..Default::default()
            }),
        ));
        out.push(asset(
            format!("user-{i}"),
            AssetSpec::RamUser(RamUser {
                console_login: Some(true),
                mfa_bound: Some(i % 2 == 0),
                ..Default::default()
            }),
        ));
    }
    out
}

/// Every (item, instance) the fleet plans, evaluated directly; returns the
/// count, the rate, and the units the fleet must charge for them.
fn direct_rate(assets: &[Asset]) -> (u64, f64, u64) {
    let params = BTreeMap::new();
    let (mut count, mut charged) = (0u64, 0u64);
    let mut best = f64::MAX;
    // The best of five runs: the reference should not be the noisy side.
    for _ in 0..5 {
        let started = Instant::now();
        (count, charged) = (0, 0);
        for check in cspm_checks::catalogue() {
            let ctx = Context { now: Utc::now(), params: &params, specs: check.meta.params };
            for a in assets.iter().filter(|a| a.kind() == check.meta.resource_type && check.has_data(a)) {
                let e = std::hint::black_box(check.evaluate(a, &ctx));
                count += 1;
                charged += u64::from(!check.meta.free && a.billable() && e.is_checked());
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    (count, count as f64 / best, charged)
}

async fn fleet_rate(
    redis_url: &str,
    nats_url: &str,
    assets: &[Asset],
    workers: usize,
    expected: u64,
    charged: u64,
) -> Result<f64, String> {
    let root = format!("bench{}", std::process::id() as u64 * 10 + workers as u64);
    let topology = Topology::new(&root).because("valid root")?;
    let tenant = TenantId::new(
        Site::Cn,
        AccountId::parse(&format!("8{:015}", std::process::id() as u64 * 10 + workers as u64)).because("id")?,
    );
    let ledger = RedisLedger::connect(redis_url, Clock::Real).await.because("connecting to Redis")?;
    let accounts = Arc::new(RedisStore::new(ledger.clone()));
    let store = Arc::new(RedisFleetStore::new(ledger.pool()).await.because("store")?);
    let bus = NatsBus::connect(nats_url, &[]).await.because("connecting to NATS")?;

    // A tenant that may run everything, with plenty of quota.
    let now = Utc::now();
    let mut account = Account::new(tenant.clone(), now);
    account
        .apply(AccountCommand::Authorize { client_token: "bench".into(), role_arn: None }, now)
        .because("authorize")?;
    account
        .apply(AccountCommand::Subscribe { quota: 10_000_000, months: 1, client_token: None }, now)
        .because("subscribe")?;
    let version = accounts.load(&tenant).await.because("load")?.map_or(0, |v| v.version);
    accounts.save(&account, version, &[]).await.because("save account")?;
    store.put_assets(&tenant, assets).await.because("assets")?;

    let metrics = FleetMetrics::new(&prometheus::Registry::new());
    let scheduler = support::scheduler(&topology, &bus, &ledger, accounts.clone(), store.clone(), &metrics);
    let (stop, shutdown) = watch::channel(false);
    let mut tasks = scheduler.clone().spawn_followers(&bus, shutdown.clone()).await.because("followers")?;
    for _ in 0..workers {
        // Each worker has its own NATS and Redis connections, like a separate process.
        let wbus = NatsBus::connect(nats_url, &[]).await.because("connecting to NATS")?;
        let wledger = RedisLedger::connect(redis_url, Clock::Real).await.because("connecting to Redis")?;
        let worker = Arc::new(Worker {
            topology: topology.clone(),
            queue: wbus.work_queue(&topology.jobs()).await.because("queue")?,
            bus: Arc::new(wbus),
            ledger: Arc::new(wledger.clone()),
            store: Arc::new(RedisFleetStore::new(wledger.pool()).await.because("store")?),
            accounts: Arc::new(RedisStore::new(wledger)),
            metrics: metrics.clone(),
            settings: WorkerSettings::default(),
        });
        tasks.push(tokio::spawn(worker.run(shutdown.clone())));
    }

    let started = Instant::now();
    let task =
        scheduler.start(&tenant, CheckAction::Scan, ScanRequest::default(), "bench").await.because("scan starts")?;
    assert_eq!(task.task.total, expected, "the fleet evaluates what the reference evaluates");
    let elapsed = loop {
        let p = store.task(&tenant, &task.task.task_id).await.because("task")?.ok_or("the task vanished")?;
        if p.state != TaskState::Running {
            assert_eq!(p.state, TaskState::Done);
            break started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let used = ledger.snapshot(&tenant).await.because("snapshot")?.used;
    assert_eq!(used, charged, "charged exactly the successful billable evaluations");

    let _ = stop.send(true);
    for t in tasks {
        let _ = t.await;
    }
    cleanup(&ledger, &tenant, nats_url, &root).await;
    Ok(expected as f64 / elapsed.as_secs_f64())
}
