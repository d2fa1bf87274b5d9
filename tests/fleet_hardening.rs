//! The fleet's defences, in one process (in-process bus, ledger and stores,
//! the same scheduler and worker code as the services): forged results and
//! jobs, client tokens, a commit that fails, a start that fails half-way, a
//! job whose message is lost, dead letters kept and replayed, and paged
//! results. Each defect found by the black-box run has a test here or in
//! `fleet_faults.rs` (the same over real NATS and Redis, with faults).

use async_trait::async_trait;
use bytes::Bytes;
use cspm_accounts::{AccountStore, MemoryStore};
use cspm_bus::{Bus, BusError, Delivered, MemoryBus, Outgoing, QueueSpec, WorkQueue};
use cspm_domain::billing::QuotaGrant;
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{Account, AccountCommand, ErrorCode, Site, TenantId};
use cspm_fleet::messages::*;
use cspm_fleet::metrics::FleetMetrics;
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::scheduler::{Scheduler, SchedulerLimits};
use cspm_fleet::store::{FleetStore, MemoryFleetStore, Page, ResultFilter, TaskProgress, TaskState};
use cspm_fleet::worker::{Worker, WorkerSettings};
use cspm_ledger::{
    Clock, CommitOutcome, JobId, LedgerError, MemoryLedger, QuotaLedger, ReserveOutcome, ReserveRequest, Snapshot,
};
use cspm_tests::{sample_inventory, sample_units, unique_tenant};
use futures::stream::BoxStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// A ledger whose next `fail_commits` commits fail, as when Redis drops a reply.
struct FlakyCommits {
    inner: Arc<MemoryLedger>,
    fail_commits: AtomicU32,
}

#[async_trait]
impl QuotaLedger for FlakyCommits {
    async fn set_grant(&self, t: &TenantId, g: QuotaGrant) -> Result<Snapshot, LedgerError> {
        self.inner.set_grant(t, g).await
    }
    async fn reserve(&self, t: &TenantId, j: &JobId, r: ReserveRequest) -> Result<ReserveOutcome, LedgerError> {
        self.inner.reserve(t, j, r).await
    }
    async fn commit(&self, t: &TenantId, j: &JobId, units: u64) -> Result<CommitOutcome, LedgerError> {
        if self.fail_commits.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(LedgerError::Backend("connection reset".into()));
        }
        self.inner.commit(t, j, units).await
    }
    async fn release(&self, t: &TenantId, j: &JobId) -> Result<u64, LedgerError> {
        self.inner.release(t, j).await
    }
    async fn committed(&self, t: &TenantId, j: &JobId) -> Result<Option<u64>, LedgerError> {
        self.inner.committed(t, j).await
    }
    async fn settle(&self, t: &TenantId, j: &JobId) -> Result<u64, LedgerError> {
        self.inner.settle(t, j).await
    }
    async fn extend(&self, t: &TenantId, j: &JobId, lease: Duration) -> Result<(), LedgerError> {
        self.inner.extend(t, j, lease).await
    }
    async fn snapshot(&self, t: &TenantId) -> Result<Snapshot, LedgerError> {
        self.inner.snapshot(t).await
    }
}

/// A bus that stops taking jobs after `jobs_left` of them, as NATS going away mid-start.
struct FailingJobs {
    inner: Arc<MemoryBus>,
    jobs_left: AtomicI64,
}

#[async_trait]
impl Bus for FailingJobs {
    async fn send(&self, m: Outgoing) -> Result<(), BusError> {
        if m.subject.contains(".v1.job.") && self.jobs_left.fetch_sub(1, Ordering::SeqCst) <= 0 {
            return Err(BusError::Unavailable("connection closed".into()));
        }
        self.inner.send(m).await
    }
    async fn subscribe(&self, filter: &str) -> Result<BoxStream<'static, Delivered>, BusError> {
        self.inner.subscribe(filter).await
    }
    async fn work_queue(&self, spec: &QueueSpec) -> Result<Arc<dyn WorkQueue>, BusError> {
        self.inner.work_queue(spec).await
    }
}

struct Fleet {
    bus: Arc<MemoryBus>,
    ledger: Arc<MemoryLedger>,
    accounts: Arc<MemoryStore>,
    scheduler: Arc<Scheduler>,
    tenant: TenantId,
    stop: watch::Sender<bool>,
}

struct Options {
    workers: usize,
    quota: u64,
    ledger: Option<Arc<dyn QuotaLedger>>,
    bus: Option<Arc<dyn Bus>>,
    store: Option<Arc<dyn FleetStore>>,
    limits: SchedulerLimits,
}

impl Default for Options {
    fn default() -> Self {
        Self { workers: 1, quota: 3000, ledger: None, bus: None, store: None, limits: SchedulerLimits::default() }
    }
}

impl Fleet {
    async fn start(o: Options, memory_ledger: Arc<MemoryLedger>, memory_bus: Arc<MemoryBus>) -> Self {
        let ledger = o.ledger.unwrap_or_else(|| memory_ledger.clone());
        let bus = o.bus.unwrap_or_else(|| memory_bus.clone());
        let accounts = Arc::new(MemoryStore::new(memory_ledger.clone()));
        let store = o.store.unwrap_or_else(|| Arc::new(MemoryFleetStore::default()));
        let metrics = FleetMetrics::new(&prometheus::Registry::new());
        let topology = Topology::default();
        let scheduler = Arc::new(Scheduler {
            topology: topology.clone(),
            bus: bus.clone(),
            ledger: ledger.clone(),
            accounts: accounts.clone(),
            store: store.clone(),
            metrics: metrics.clone(),
            batch: 20,
            upfront_lease: Duration::from_secs(600),
            starts: o.limits.turns(),
            queues: Default::default(),
            limits: o.limits,
        });
        let (stop, shutdown) = watch::channel(false);
        // The jobs queue, and followers (the sweeper is called by the tests that need it).
        memory_bus.work_queue(&topology.jobs()).await.unwrap();
        let me = scheduler.clone();
        tokio::spawn(
            me.clone().follow_results(memory_bus.work_queue(&topology.results()).await.unwrap(), shutdown.clone()),
        );
        tokio::spawn(
            me.clone()
                .follow_dead_letters(memory_bus.work_queue(&topology.dead_letters()).await.unwrap(), shutdown.clone()),
        );
        let tenant = unique_tenant(Site::Cn);
        let now = chrono::Utc::now();
        let mut account = Account::new(tenant.clone(), now);
        account.apply(AccountCommand::Authorize { client_token: "t".into(), role_arn: None }, now).unwrap();
        account.apply(AccountCommand::Subscribe { quota: o.quota, months: 12, client_token: None }, now).unwrap();
        accounts.save(&account, 0, &[]).await.unwrap();
        scheduler.import(&tenant, &sample_inventory(), false).await.unwrap();
        let fleet = Fleet { bus: memory_bus, ledger: memory_ledger, accounts, scheduler, tenant, stop };
        for _ in 0..o.workers {
            fleet.spawn_worker(ledger.clone(), bus.clone()).await;
        }
        fleet
    }

    async fn spawn_worker(&self, ledger: Arc<dyn QuotaLedger>, bus: Arc<dyn Bus>) {
        let topology = Topology::default();
        let worker = Arc::new(Worker {
            queue: self.bus.work_queue(&topology.jobs()).await.unwrap(),
            topology,
            bus,
            ledger,
            accounts: self.accounts.clone() as Arc<dyn AccountStore>,
            store: self.scheduler.store.clone(),
            metrics: self.scheduler.metrics.clone(),
            settings: WorkerSettings { lease: Duration::from_secs(5), ..WorkerSettings::default() },
        });
        tokio::spawn(worker.run(self.stop.subscribe()));
    }

    async fn new(o: Options) -> Self {
        Self::start(o, Arc::new(MemoryLedger::new(Clock::Real)), Arc::new(MemoryBus::default())).await
    }

    async fn scan(&self, request: ScanRequest) -> Result<TaskProgress, cspm_domain::DomainError> {
        self.scheduler.start(&self.tenant, CheckAction::Scan, request, "api").await
    }

    async fn wait(&self, task_id: &str) -> TaskProgress {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let p = self.scheduler.store.task(&self.tenant, task_id).await.unwrap().unwrap();
            if !matches!(p.state, TaskState::Running | TaskState::Starting) {
                return p;
            }
            assert!(Instant::now() < deadline, "task did not finish: {p:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn used(&self) -> u64 {
        self.ledger.snapshot(&self.tenant).await.unwrap().used
    }

    async fn dead_letters(&self) -> Vec<DeadLetter> {
        let listed = self.scheduler.dead_letters(Some(&self.tenant), 0, 100).await.unwrap();
        listed.into_iter().filter_map(|l| l.letter).collect()
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn one_item(item: &str) -> ScanRequest {
    ScanRequest { items: Some(vec![item.into()]), ..Default::default() }
}

/// A result nobody planned, or one that claims more than was charged, is
/// refused and kept as a dead letter; the task's numbers do not move.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_results_are_refused() {
    let f = Fleet::new(Options::default()).await;
    let done = f.scan(one_item("ecs-disk-encrypted")).await.unwrap();
    let done = f.wait(&done.task.task_id).await;
    assert_eq!((done.state, done.units_charged), (TaskState::Done, 3));
    let job_id = format!("{}-0001", done.task.task_id);
    let forge = |job_id: &str, units: u64| ResultMessage {
        schema: RESULT_SCHEMA.into(),
        job_id: job_id.into(),
        task_id: done.task.task_id.clone(),
        tenant: f.tenant.clone(),
        action: CheckAction::Scan,
        item_id: "ecs-disk-encrypted".into(),
        results: Vec::new(),
        units_charged: units,
        evaluated_at: chrono::Utc::now(),
    };
    let topology = Topology::default();
    for (i, msg) in [forge(&job_id, 1_000_019), forge(&format!("{}-0099", done.task.task_id), 0)].iter().enumerate() {
        let out = Outgoing {
            subject: topology.result_subject(&f.tenant),
            msg_id: format!("forged-{i}"),
            headers: Vec::new(),
            payload: Bytes::from(serde_json::to_vec(msg).unwrap()),
        };
        f.bus.send(out).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while f.dead_letters().await.len() < 2 {
        assert!(Instant::now() < deadline, "forged results were not dead-lettered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let letters = f.dead_letters().await;
    assert!(letters.iter().all(|l| l.reason == DeadLetterReason::InvalidResult), "{letters:?}");
    let after = f.scheduler.store.task(&f.tenant, &done.task.task_id).await.unwrap().unwrap();
    assert_eq!((after.finished, after.units_charged), (done.finished, 3), "the task did not move");
    assert_eq!(f.used().await, 3);
}

/// A well-formed job no task planned is not run and costs nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_job_is_not_run_or_charged() {
    let f = Fleet::new(Options::default()).await;
    let disks: Vec<_> = f
        .scheduler
        .store
        .assets(&f.tenant)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.kind() == cspm_assets::AssetKind::Disk)
        .cloned()
        .collect();
    let job = JobMessage {
        schema: JOB_SCHEMA.into(),
        job_id: "t20260101000000deadbeef-0001".into(),
        task_id: "t20260101000000deadbeef".into(),
        tenant: f.tenant.clone(),
        action: CheckAction::Scan,
        item_id: "ecs-disk-encrypted".into(),
        params: Default::default(),
        instances: disks,
        refused: None,
    };
    let out = Outgoing {
        subject: Topology::default().job_subject(&f.tenant, &job.item_id, &job.job_id),
        msg_id: job.job_id.clone(),
        headers: Vec::new(),
        payload: Bytes::from(serde_json::to_vec(&job).unwrap()),
    };
    f.bus.send(out).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while f.dead_letters().await.is_empty() {
        assert!(Instant::now() < deadline, "the forged job was not dead-lettered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(f.dead_letters().await[0].reason, DeadLetterReason::Unplanned);
    let snap = f.ledger.snapshot(&f.tenant).await.unwrap();
    assert_eq!((snap.used, snap.reserved), (0, 0), "nothing charged or held");
    assert!(f.scheduler.store.results(&f.tenant).await.unwrap().is_empty(), "nothing recorded");
}

/// A dead letter naming a real job whose original is not the planned
/// message (a forged job reusing the real id, or a forged letter) neither
/// frees nor closes the real job: the real one still runs and is charged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_letter_under_a_real_id_does_not_make_the_real_job_free() {
    let f = Fleet::new(Options { workers: 0, ..Options::default() }).await;
    let task = f.scan(one_item("ecs-disk-encrypted")).await.unwrap();
    let mut forged: JobMessage = {
        let jobs = f.bus.work_queue(&Topology::default().jobs()).await.unwrap();
        let queued = jobs.stored(">", 0, 10).await.unwrap();
        serde_json::from_slice(&queued[0].payload).unwrap()
    };
    forged.instances.truncate(1);
    let letter = DeadLetter {
        schema: DEAD_LETTER_SCHEMA.into(),
        reason: DeadLetterReason::Unplanned,
        detail: "the job message is not the one its task planned".into(),
        original_subject: "x".into(),
        deliveries: 1,
        payload_digest: Some(cspm_fleet::store::sha256_hex(&serde_json::to_vec(&forged).unwrap())),
        job: Some(forged),
        raw: None,
        at: chrono::Utc::now(),
    };
    let out = Outgoing {
        subject: Topology::default().dead_letter_subject(Some(&f.tenant)),
        msg_id: "forged-letter".into(),
        headers: Vec::new(),
        payload: Bytes::from(serde_json::to_vec(&letter).unwrap()),
    };
    f.bus.send(out).await.unwrap();
    let dead = f.bus.work_queue(&Topology::default().dead_letters()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while dead.pending().await.unwrap() > 0 {
        assert!(Instant::now() < deadline, "the letter was not read");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    f.spawn_worker(f.ledger.clone(), f.bus.clone()).await;
    let done = f.wait(&task.task.task_id).await;
    assert_eq!((done.state, done.units_charged), (TaskState::Done, 3), "{done:?}");
    assert_eq!(f.used().await, 3, "the real job was charged");
}

/// A start retried with its client token returns the first task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_start_returns_the_first_task() {
    let f = Fleet::new(Options::default()).await;
    let request = ScanRequest { client_token: Some("retry-1".into()), ..one_item("ecs-disk-encrypted") };
    let first = f.scan(request.clone()).await.unwrap();
    let again = f.scan(request).await.unwrap();
    assert_eq!(first.task.task_id, again.task.task_id);
    f.wait(&first.task.task_id).await;
    assert_eq!(f.scheduler.store.tasks(&f.tenant, 10).await.unwrap().len(), 1, "one task");
    assert_eq!(f.used().await, 3, "charged once");
    let bad = ScanRequest { client_token: Some("has space".into()), ..Default::default() };
    assert_eq!(f.scan(bad).await.unwrap_err().code, ErrorCode::InvalidParameter);
}

/// A commit that fails is not acknowledged: the job runs again and the
/// results report what the ledger charged, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_commit_is_retried_not_acknowledged() {
    let memory = Arc::new(MemoryLedger::new(Clock::Real));
    let flaky = Arc::new(FlakyCommits { inner: memory.clone(), fail_commits: AtomicU32::new(2) });
    let o = Options { ledger: Some(flaky.clone()), ..Options::default() };
    let f = Fleet::start(o, memory, Arc::new(MemoryBus::default())).await;
    let task = f.scan(one_item("ecs-disk-encrypted")).await.unwrap();
    let done = f.wait(&task.task.task_id).await;
    assert_eq!(flaky.fail_commits.load(Ordering::SeqCst), 0, "both failures happened");
    assert_eq!(done.state, TaskState::Done, "{done:?}");
    assert_eq!((done.units_charged, f.used().await), (3, 3), "charged once, and reported");
    let snap = f.ledger.snapshot(&f.tenant).await.unwrap();
    assert_eq!(snap.reserved, 0, "nothing left held");
}

/// A start whose jobs cannot all be published answers an error and leaves
/// nothing: no task, no reservation, no job in the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_fails_half_way_leaves_nothing() {
    let memory_bus = Arc::new(MemoryBus::default());
    let failing = Arc::new(FailingJobs { inner: memory_bus.clone(), jobs_left: AtomicI64::new(i64::MAX) });
    let o = Options { workers: 1, bus: Some(failing.clone()), ..Options::default() };
    let f = Fleet::start(o, Arc::new(MemoryLedger::new(Clock::Real)), memory_bus).await;
    failing.jobs_left.store(3, Ordering::SeqCst);
    let request = ScanRequest { reserve_upfront: true, client_token: Some("half".into()), ..Default::default() };
    let err = f.scan(request.clone()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ServiceUnavailable, "{err:?}");
    assert!(f.scheduler.store.tasks(&f.tenant, 10).await.unwrap().is_empty(), "no task left");
    let snap = f.ledger.snapshot(&f.tenant).await.unwrap();
    assert_eq!((snap.used, snap.reserved), (0, 0), "nothing charged or held");
    let jobs = f.bus.work_queue(&Topology::default().jobs()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(jobs.pending().await.unwrap(), 0, "the published jobs were taken back");
    // The same token works once the bus is back: the failed start left no claim on it.
    failing.jobs_left.store(i64::MAX, Ordering::SeqCst);
    let task = f.scan(request).await.unwrap();
    assert_eq!(f.wait(&task.task.task_id).await.state, TaskState::Done);
    assert_eq!(f.used().await, sample_units(None));
}

/// A job whose message vanished is finished as failed by the sweeper (after
/// the stall time), so the task ends; the rest of the task still runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_ends_a_task_whose_job_is_gone() {
    let limits = SchedulerLimits { stall: Duration::ZERO, ..SchedulerLimits::default() };
    let f = Fleet::new(Options { workers: 0, limits, ..Options::default() }).await;
    let task = f
        .scan(ScanRequest {
            items: Some(vec!["ecs-disk-encrypted".into(), "oss-bucket-public-read-prohibited".into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(task.task.jobs, 2);
    let jobs = f.bus.work_queue(&Topology::default().jobs()).await.unwrap();
    let lost = Topology::default().job_subject(&f.tenant, "ecs-disk-encrypted", &format!("{}-0001", task.task.task_id));
    jobs.remove(&lost).await.unwrap();
    assert_eq!(f.scheduler.sweep_once(&*jobs).await.unwrap(), 1, "only the lost job, not the queued one");
    assert_eq!(f.scheduler.sweep_once(&*jobs).await.unwrap(), 0, "once");
    // A worker comes and runs the job that is still queued.
    f.spawn_worker(f.ledger.clone(), f.bus.clone()).await;
    let done = f.wait(&task.task.task_id).await;
    assert_eq!(done.state, TaskState::Failed, "{done:?}");
    assert!(done.reason.as_deref().is_some_and(|r| r.starts_with("JobLost")), "{done:?}");
    assert_eq!(done.finished, done.task.total);
    assert_eq!(done.units_charged, f.used().await, "the task reports what the ledger charged");
}

/// Dead letters stay readable after the scheduler applied them, and a job's
/// letter can be replayed as a new task (once, whatever the retries).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_are_kept_listed_and_replayed() {
    let f = Fleet::new(Options::default()).await;
    let task = f.scan(one_item("ecs-disk-encrypted")).await.unwrap();
    f.wait(&task.task.task_id).await;
    let dead = Topology::default().dead_letters();
    // The tenant's job as a letter (as if it had run out of deliveries).
    let job: JobMessage = {
        let stored = f.scheduler.store.results(&f.tenant).await.unwrap();
        let disks: Vec<_> = f
            .scheduler
            .store
            .assets(&f.tenant)
            .await
            .unwrap()
            .iter()
            .filter(|a| stored.iter().any(|r| r.instance_id == a.id))
            .cloned()
            .collect();
        JobMessage {
            schema: JOB_SCHEMA.into(),
            job_id: format!("{}-0001", task.task.task_id),
            task_id: task.task.task_id.clone(),
            tenant: f.tenant.clone(),
            action: CheckAction::Scan,
            item_id: "ecs-disk-encrypted".into(),
            params: Default::default(),
            instances: disks,
            refused: None,
        }
    };
    let letter = DeadLetter {
        schema: DEAD_LETTER_SCHEMA.into(),
        reason: DeadLetterReason::MaxDeliveries,
        detail: "delivered 5 times without success".into(),
        original_subject: "x".into(),
        deliveries: 5,
        job: Some(job),
        raw: None,
        payload_digest: None,
        at: chrono::Utc::now(),
    };
    let out = Outgoing {
        subject: Topology::default().dead_letter_subject(Some(&f.tenant)),
        msg_id: "letter-1".into(),
        headers: Vec::new(),
        payload: Bytes::from(serde_json::to_vec(&letter).unwrap()),
    };
    f.bus.send(out).await.unwrap();
    let queue = f.bus.work_queue(&dead).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(queue.pending().await.unwrap(), 0, "the scheduler took it");
    let listed = f.scheduler.dead_letters(Some(&f.tenant), 0, 10).await.unwrap();
    assert_eq!(listed.len(), 1, "and it is still there");
    assert!(f.scheduler.dead_letters(Some(&unique_tenant(Site::Intl)), 0, 10).await.unwrap().is_empty());
    let replayed = f.scheduler.replay(listed[0].sequence).await.unwrap();
    let again = f.scheduler.replay(listed[0].sequence).await.unwrap();
    assert_eq!(replayed.task.task_id, again.task.task_id, "a replay is idempotent");
    assert_eq!(replayed.task.trigger, "replay");
    assert_eq!(f.wait(&replayed.task.task_id).await.state, TaskState::Done);
    assert_eq!(f.scheduler.replay(listed[0].sequence + 1000).await.unwrap_err().code, ErrorCode::NotFound);
}

/// Pages of results walk the filtered, ordered list exactly, in process and
/// in Redis (whose sorted indexes and counters follow results as they are
/// replaced by later scans).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_pages_cover_the_filtered_list_in_order() {
    check_pages(Fleet::new(Options { quota: sample_units(None) + 20, ..Options::default() }).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_pages_in_redis_cover_the_filtered_list_in_order() {
    let pool = cspm_ledger::RedisPool::connect(&cspm_ledger::RedisOptions::new(cspm_tests::redis_url())).await.unwrap();
    let store: Arc<dyn FleetStore> = Arc::new(cspm_fleet::store::RedisFleetStore::new(pool).await.unwrap());
    let quota = sample_units(None) + 20;
    check_pages(Fleet::new(Options { store: Some(store), quota, ..Options::default() }).await).await;
}

async fn check_pages(f: Fleet) {
    let task = f.scan(ScanRequest::default()).await.unwrap();
    f.wait(&task.task.task_id).await;
    // The quota runs short on a second scan: many results change status.
    let task = f.scan(ScanRequest::default()).await.unwrap();
    assert_eq!(f.wait(&task.task.task_id).await.state, TaskState::Partial);
    let all = f.scheduler.store.results(&f.tenant).await.unwrap();
    let mut counts: std::collections::BTreeMap<String, std::collections::BTreeMap<cspm_checks::Status, u64>> =
        Default::default();
    for r in &all {
        *counts.entry(r.item_id.clone()).or_default().entry(r.status).or_default() += 1;
    }
    assert_eq!(f.scheduler.store.item_counts(&f.tenant).await.unwrap(), counts, "roll-up counters follow the results");
    for filter in [
        ResultFilter::default(),
        ResultFilter { status: Some(cspm_checks::Status::NotPass), ..Default::default() },
        ResultFilter { product: Some("OSS".into()), ..Default::default() },
        ResultFilter {
            risk: Some(cspm_checks::Risk::High),
            status: Some(cspm_checks::Status::Pass),
            ..Default::default()
        },
        ResultFilter { item: Some("ecs-disk-encrypted".into()), ..Default::default() },
    ] {
        let expected = cspm_tests::filtered_results(&all, &filter);
        let mut paged = Vec::new();
        for number in 1.. {
            let page = f.scheduler.store.result_page(&f.tenant, &filter, Page { number, size: 7 }).await.unwrap();
            assert_eq!(page.total, expected.len(), "{filter:?}");
            if page.results.is_empty() {
                break;
            }
            paged.extend(page.results.into_iter().map(|r| (r.item_id, r.instance_id)));
        }
        assert_eq!(paged, expected, "{filter:?}");
    }
}
