//! Ledger throughput against a real Redis, as a ratio to `redis-benchmark`
//! running a one-line script on the same server in the same run (these
//! machines are noisy; only the ratio is comparable across runs).
//!
//!     cargo bench -p cspm-ledger --bench ledger_throughput
//!
//! `CSPM_BENCH_REDIS_URL` (default `redis://127.0.0.1:6379`) picks the server;
//! `CSPM_BENCH_SECONDS` (default 3) the time per measurement.

use cspm_domain::billing::{GrantLimit, QuotaGrant};
use cspm_domain::{AccountId, Site, TenantId};
use cspm_ledger::{Clock, JobId, QuotaLedger, RedisLedger, ReserveOutcome, ReserveRequest};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let url = std::env::var("CSPM_BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let seconds: u64 = std::env::var("CSPM_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let (host, port) = host_port(&url);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");

    println!("quota ledger reserve+commit vs redis-benchmark on {host}:{port}, {seconds} s per measurement");
    println!(
        "{:>7}  {:>14}  {:>15}  {:>24}  {:>28}",
        "clients", "pairs/s", "ledger calls/s", "script calls/s (r-b)", "ratio ledger calls/script"
    );
    for clients in [1usize, 64] {
        let pairs = rt.block_on(ledger_pairs_per_second(&url, clients, Duration::from_secs(seconds)));
        let script = redis_benchmark_script(&host, port, clients, seconds);
        let calls = pairs * 2.0;
        let ratio = script.map(|s| format!("{:.2}", calls / s)).unwrap_or_else(|| "n/a".into());
        let script = script.map(|s| format!("{s:.0}")).unwrap_or_else(|| "redis-benchmark missing".into());
        println!("{clients:>7}  {pairs:>14.0}  {calls:>15.0}  {script:>24}  {ratio:>28}");
    }
}

/// Reserve+commit pairs per second with `clients` connections working at once.
async fn ledger_pairs_per_second(url: &str, clients: usize, duration: Duration) -> f64 {
    let tenant = TenantId::new(Site::Cn, AccountId::parse(&format!("9{:015}", std::process::id())).expect("valid id"));
    let setup = RedisLedger::connect(url, Clock::Real).await.expect("Redis reachable");
    let grant = QuotaGrant { limit: GrantLimit::Units(u64::MAX >> 12), period: 1, expires_at: None };
    // A fresh period each run (the tenant id repeats across runs of one process id).
    let period = setup.snapshot(&tenant).await.expect("snapshot").period + 1;
    setup.set_grant(&tenant, QuotaGrant { period, ..grant }).await.expect("grant");

    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..clients {
        // One connection per client, like separate workers.
        let ledger = RedisLedger::connect(url, Clock::Real).await.expect("Redis reachable");
        let (tenant, done, stop) = (tenant.clone(), done.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let job = JobId::new(format!("bench-{period}-{c}-{i}")).expect("valid job id");
                let r = ledger.reserve(&tenant, &job, ReserveRequest::all_or_nothing(2, Duration::from_secs(60))).await;
                assert!(matches!(r, Ok(ReserveOutcome::Reserved { .. })), "{r:?}");
                ledger.commit(&tenant, &job, 1).await.expect("commit");
                done.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("client task");
    }
    let pairs = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    let s = setup.snapshot(&tenant).await.expect("snapshot");
    assert_eq!(s.used, done.load(Ordering::Relaxed), "every pair charged exactly once");
    cleanup(&setup, &tenant).await;
    pairs
}

async fn cleanup(ledger: &RedisLedger, tenant: &TenantId) {
    let mut conn = ledger.connection();
    let keys: Vec<String> = ["grant", "res", "lease", "done", "done_at"]
        .iter()
        .map(|k| format!("cspm:{{{}}}:{k}", tenant.hash_tag()))
        .collect();
    let _: Result<(), _> = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await;
}

/// `redis-benchmark` running `EVAL "return 1" 0` for about `seconds` with `clients` clients.
fn redis_benchmark_script(host: &str, port: u16, clients: usize, seconds: u64) -> Option<f64> {
    // Size the request count so the run takes about as long as the ledger's.
    let requests = (if clients == 1 { 25_000 } else { 90_000 }) * seconds;
    let out = Command::new("redis-benchmark")
        .args(["-h", host, "-p", &port.to_string(), "-c", &clients.to_string(), "-n", &requests.to_string()])
        .args(["--csv", "EVAL", "return 1", "0"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // CSV: "test","rps",…  — the data line is the last one.
    let line = text.lines().last()?;
    line.split(',').nth(1)?.trim_matches('"').parse().ok()
}

fn host_port(url: &str) -> (String, u16) {
    let rest = url.trim_start_matches("redis://");
    let authority = rest.split('/').next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_owned(), p.parse().unwrap_or(6379)),
        None => (authority.to_owned(), 6379),
    }
}
