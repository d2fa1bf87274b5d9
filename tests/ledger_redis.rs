//! Properties of the Redis ledger a single-threaded contract cannot show:
//! the invariant under 64 concurrent clients, idempotency under concurrency,
//! leases on the server's own clock, and surviving a flushed server.

use cspm_domain::Site;
use cspm_domain::billing::{GrantLimit, QuotaGrant};
use cspm_ledger::*;
use cspm_tests::{redis_url, unique_tenant};
use rand::Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

async fn ledger() -> RedisLedger {
    RedisLedger::connect(&redis_url(), Clock::Real).await.expect("Redis at CSPM_TEST_REDIS_URL")
}

fn grant(limit: GrantLimit) -> QuotaGrant {
    QuotaGrant { limit, period: 1, expires_at: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_invariant_holds_under_64_concurrent_clients() {
    const CLIENTS: usize = 64;
    const CYCLES: usize = 80;
    const LIMIT: u64 = 4_000;
    let tenant = unique_tenant(Site::Cn);
    ledger().await.set_grant(&tenant, grant(GrantLimit::Units(LIMIT))).await.unwrap();

    let committed = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let running = Arc::new(AtomicBool::new(true));

    // The sampler checks the invariant continuously while the clients run.
    let sampler = {
        let (l, tenant, running) = (ledger().await, tenant.clone(), running.clone());
        tokio::spawn(async move {
            let mut samples = 0u64;
            while running.load(Ordering::SeqCst) {
                let s = l.snapshot(&tenant).await.unwrap();
                assert!(s.used + s.reserved <= LIMIT, "invariant broken: {s:?}");
                samples += 1;
            }
            samples
        })
    };

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        // Each client has its own connection, like a separate worker.
        let (l, tenant, committed, refused) = (ledger().await, tenant.clone(), committed.clone(), refused.clone());
        clients.push(tokio::spawn(async move {
            for i in 0..CYCLES {
                let (units, up_to, action) = {
                    let mut rng = rand::rng();
                    (rng.random_range(1..=5u64), rng.random_bool(0.5), rng.random_range(0..10u8))
                };
                let job = JobId::new(format!("c{c}-{i}")).unwrap();
                let req = if up_to {
                    ReserveRequest::up_to(units, Duration::from_secs(60))
                } else {
                    ReserveRequest::all_or_nothing(units, Duration::from_secs(60))
                };
                let held = match l.reserve(&tenant, &job, req).await.unwrap() {
                    ReserveOutcome::Reserved { units, .. } => units,
                    ReserveOutcome::Refused { .. } => {
                        refused.fetch_add(1, Ordering::SeqCst);
                        continue;
                    }
                    other => panic!("unexpected {other:?}"),
                };
                match action {
                    0..=6 => {
                        let used = rand::rng().random_range(0..=held);
                        let out = l.commit(&tenant, &job, used).await.unwrap();
                        // A retried commit (e.g. after a lost reply) must not charge again.
                        assert!(l.commit(&tenant, &job, used).await.unwrap().repeated);
                        committed.fetch_add(out.charged, Ordering::SeqCst);
                    }
                    _ => {
                        assert_eq!(l.release(&tenant, &job).await.unwrap(), held);
                    }
                }
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    running.store(false, Ordering::SeqCst);
    let samples = sampler.await.unwrap();

    let s = ledger().await.snapshot(&tenant).await.unwrap();
    assert_eq!(s.used, committed.load(Ordering::SeqCst), "used is exactly the sum of committed units");
    assert_eq!(s.reserved, 0);
    assert!(samples > 10, "the sampler ran ({samples} samples)");
    assert!(refused.load(Ordering::SeqCst) > 0, "the test must exhaust the quota to mean anything");
    assert!(s.used <= LIMIT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_of_one_job_charge_once() {
    let tenant = unique_tenant(Site::Intl);
    ledger().await.set_grant(&tenant, grant(GrantLimit::Units(100))).await.unwrap();
    let job = JobId::new("redelivered-job").unwrap();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (l, tenant, job) = (ledger().await, tenant.clone(), job.clone());
        tasks.push(tokio::spawn(async move {
            let r = l.reserve(&tenant, &job, ReserveRequest::all_or_nothing(7, Duration::from_secs(60))).await.unwrap();
            match r {
                ReserveOutcome::Reserved { .. } | ReserveOutcome::AlreadyCommitted { .. } => {}
                other => panic!("{other:?}"),
            }
            l.commit(&tenant, &job, 7).await.unwrap().charged
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 7, "every copy learns the one charge");
    }
    let s = ledger().await.snapshot(&tenant).await.unwrap();
    assert_eq!((s.used, s.reserved, s.remaining), (7, 0, Some(93)));
}

#[tokio::test]
async fn a_vanished_holder_returns_its_units_on_the_server_clock() {
    let tenant = unique_tenant(Site::Cn);
    let l = ledger().await;
    l.set_grant(&tenant, grant(GrantLimit::Units(10))).await.unwrap();
    {
        // A worker that reserves and dies: its connection goes away with it.
        let dying = ledger().await;
        let r = dying
            .reserve(
                &tenant,
                &JobId::new("dies").unwrap(),
                ReserveRequest::all_or_nothing(10, Duration::from_millis(200)),
            )
            .await
            .unwrap();
        assert!(matches!(r, ReserveOutcome::Reserved { units: 10, .. }));
    }
    assert_eq!(l.snapshot(&tenant).await.unwrap().remaining, Some(0));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let s = l.snapshot(&tenant).await.unwrap();
    assert_eq!((s.reserved, s.remaining), (0, Some(10)));
}

#[tokio::test]
async fn calls_survive_a_flushed_script_cache_and_function_library() {
    let tenant = unique_tenant(Site::Cn);
    let l = ledger().await;
    l.set_grant(&tenant, grant(GrantLimit::Units(10))).await.unwrap();
    let mut conn = l.connection();
    let _: () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut conn).await.unwrap();
    assert_eq!(l.snapshot(&tenant).await.unwrap().remaining, Some(10), "functions are not scripts");
    // What a restarted server without persistence looks like to the client.
    // Other tests run concurrently; they reload the library the same way.
    let _: () = redis::cmd("FUNCTION").arg("DELETE").arg("cspm_ledger_v1").query_async(&mut conn).await.unwrap();
    let r = l
        .reserve(
            &tenant,
            &JobId::new("after-flush").unwrap(),
            ReserveRequest::all_or_nothing(3, Duration::from_secs(5)),
        )
        .await;
    assert!(matches!(r, Ok(ReserveOutcome::Reserved { units: 3, .. })), "{r:?}");
}

#[tokio::test]
async fn all_keys_of_a_tenant_share_one_hash_tag() {
    let tenant = unique_tenant(Site::Intl);
    let l = ledger().await;
    l.set_grant(&tenant, grant(GrantLimit::Units(10))).await.unwrap();
    let job = JobId::new("j").unwrap();
    l.reserve(&tenant, &job, ReserveRequest::all_or_nothing(1, Duration::from_secs(5))).await.unwrap();
    l.reserve(&tenant, &JobId::new("k").unwrap(), ReserveRequest::all_or_nothing(1, Duration::from_secs(5)))
        .await
        .unwrap();
    l.commit(&tenant, &job, 1).await.unwrap();
    let mut conn = l.connection();
    let tag = format!("{{{}}}", tenant.hash_tag());
    let keys: Vec<String> =
        redis::cmd("KEYS").arg(format!("*{}*", tenant.account_id)).query_async(&mut conn).await.unwrap();
    assert_eq!(keys.len(), 5, "{keys:?}");
    for k in keys {
        let open = k.find('{').unwrap();
        let close = k.find('}').unwrap();
        assert_eq!(&k[open..=close], tag, "{k}");
    }
}
