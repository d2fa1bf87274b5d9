//! The scheduler's core: import inventories, start scans and verifications
//! (entitlement and quota forecast first, optionally reserving the whole
//! task up front), publish jobs, and follow results, dead letters and
//! asset-change events until each task is done, partial or failed.
//!
//! A start is all or nothing for the client: the task and its plan are
//! stored `starting`, the jobs published, then the task opened; if any step
//! fails, what was done is undone (reservations released, published jobs
//! removed, the task deleted) and the client hears an error; workers run no
//! job of a task that is not open. A client token makes a retried start
//! return the first task. The sweeper ([`crate::sweeper`]) finishes what a
//! crash leaves behind.

use crate::dead_letters::{Letterbox, Original};
use crate::messages::*;
use crate::metrics::FleetMetrics;
use crate::plan::{self, PlanInput, ScanRequest};
use crate::store::{
    Applied, Created, DEAD_LETTER_REASON, FleetStore, FleetStoreError, JobGate, PlannedJob, TaskProgress, TaskRecord,
    TaskState, instances_digest, sha256_hex,
};
use crate::worker::retry_delay;
use bytes::Bytes;
use chrono::Utc;
use cspm_accounts::AccountStore;
use cspm_assets::openapi::{ApiResponse, ingest};
use cspm_bus::{Bus, BusError, Outgoing, Pulled, WorkQueue};
use cspm_checks::Evaluation;
use cspm_domain::entitlement::{CheckAction, QuotaView};
use cspm_domain::{Account, DomainError, ErrorCode, TenantId};
use cspm_ledger::{JobId, QuotaLedger, ReserveOutcome, ReserveRequest};
use futures::StreamExt;
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

/// Bounds on starting and finishing tasks.
#[derive(Debug, Clone)]
pub struct SchedulerLimits {
    /// Starts planned at once; more wait for a turn.
    pub concurrent_starts: usize,
    /// How long a start waits for its turn before answering 503.
    pub start_queue_wait: Duration,
    /// How long publishing a task's jobs may take before the start is undone.
    pub start_timeout: Duration,
    /// A running task with no finished job for this long has its lost jobs
    /// (gone from the jobs stream) finished as failed.
    pub stall: Duration,
    /// A task still running this long after it started has every unfinished
    /// job removed and finished as failed.
    pub deadline: Duration,
    /// How often the sweeper looks.
    pub sweep_every: Duration,
}

impl SchedulerLimits {
    /// The scheduler's turns to plan starts.
    pub fn turns(&self) -> Semaphore {
        Semaphore::new(self.concurrent_starts.max(1))
    }
}

impl Default for SchedulerLimits {
    fn default() -> Self {
        Self {
            concurrent_starts: 4,
            start_queue_wait: Duration::from_secs(5),
            start_timeout: Duration::from_secs(10),
            stall: Duration::from_secs(120),
            deadline: Duration::from_secs(6 * 3600),
            sweep_every: Duration::from_secs(15),
        }
    }
}

pub struct Scheduler {
    pub topology: Topology,
    pub bus: Arc<dyn Bus>,
    pub ledger: Arc<dyn QuotaLedger>,
    pub accounts: Arc<dyn AccountStore>,
    pub store: Arc<dyn FleetStore>,
    pub metrics: FleetMetrics,
    /// Instances per job.
    pub batch: usize,
    /// Lease of quota reserved up front (workers renew it when they start).
    pub upfront_lease: Duration,
    pub limits: SchedulerLimits,
    /// Turns to plan a start (`limits.concurrent_starts` of them).
    pub starts: Semaphore,
    pub queues: QueueHandles,
}

/// Queues the scheduler reads besides following them, opened on first use.
#[derive(Default)]
pub struct QueueHandles {
    jobs: tokio::sync::OnceCell<Arc<dyn WorkQueue>>,
    dead_letters: tokio::sync::OnceCell<Arc<dyn WorkQueue>>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub assets: usize,
    pub changed: usize,
    pub by_type: BTreeMap<String, usize>,
    /// The re-scan started for changed assets, if any.
    pub rescan_task: Option<String>,
}

pub(crate) fn unavailable(e: impl std::fmt::Display) -> DomainError {
    DomainError::new(ErrorCode::ServiceUnavailable, e.to_string())
}

/// Job publishes awaiting their acknowledgement at once during a start.
const PUBLISHES_IN_FLIGHT: usize = 32;

fn new_task_id() -> String {
    format!("t{}{:08x}", Utc::now().format("%Y%m%d%H%M%S"), rand::rng().random::<u32>())
}

/// A planned job, serialized once: the bytes published are the bytes whose digest the plan holds.
struct Prepared {
    job: JobMessage,
    payload: Bytes,
    planned: PlannedJob,
}

impl Scheduler {
    async fn account(&self, tenant: &TenantId) -> Result<Account, DomainError> {
        match self.accounts.load(tenant).await {
            Ok(Some(v)) => Ok(v.account),
            Ok(None) => Err(DomainError::new(
                ErrorCode::TenantNotFound,
                format!("tenant {tenant} does not exist; create it in the activation service first"),
            )),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The jobs queue, opened once (opening touches the stream and consumer).
    pub(crate) async fn jobs_queue(&self) -> Result<Arc<dyn WorkQueue>, DomainError> {
        let open = || async { self.bus.work_queue(&self.topology.jobs()).await.map_err(unavailable) };
        self.queues.jobs.get_or_try_init(open).await.cloned()
    }

    /// The dead-letter queue, opened once.
    pub(crate) async fn dead_letter_queue(&self) -> Result<Arc<dyn WorkQueue>, DomainError> {
        let open = || async { self.bus.work_queue(&self.topology.dead_letters()).await.map_err(unavailable) };
        self.queues.dead_letters.get_or_try_init(open).await.cloned()
    }

    /// Imports OpenAPI responses as the tenant's inventory. With `rescan`,
    /// changed assets are re-checked by every item that applies to them.
    pub async fn import(
        &self,
        tenant: &TenantId,
        responses: &[ApiResponse],
        rescan: bool,
    ) -> Result<ImportReport, DomainError> {
        let (mut report, changed) = self.store_inventory(tenant, responses).await?;
        if rescan && !changed.is_empty() {
            match self.rescan(tenant, changed, None).await {
                Ok(task) => report.rescan_task = Some(task.task.task_id),
                Err(e) => tracing::info!(%tenant, code = %e.code, reason = %e.message, "no re-scan for changed assets"),
            }
        }
        Ok(report)
    }

    /// Stores the assets the responses describe; returns the report and the
    /// ids of the assets that are new or changed.
    async fn store_inventory(
        &self,
        tenant: &TenantId,
        responses: &[ApiResponse],
    ) -> Result<(ImportReport, Vec<String>), DomainError> {
        self.account(tenant).await?;
        let assets = ingest(responses).map_err(|e| DomainError::invalid(e.to_string()))?;
        let changed = self.store.put_assets(tenant, &assets).await.map_err(unavailable)?;
        let mut by_type = BTreeMap::new();
        for a in &assets {
            *by_type.entry(a.kind().as_str().to_owned()).or_default() += 1;
        }
        let report = ImportReport { assets: assets.len(), changed: changed.len(), by_type, rescan_task: None };
        Ok((report, changed.into_iter().map(|a| a.id).collect()))
    }

    async fn rescan(
        &self,
        tenant: &TenantId,
        instances: Vec<String>,
        client_token: Option<String>,
    ) -> Result<TaskProgress, DomainError> {
        let request = ScanRequest { instances: Some(instances), client_token, ..Default::default() };
        self.start(tenant, CheckAction::Scan, request, "asset_change").await
    }

    /// Starts a scan or verification: entitlement and quota forecast first,
    /// then the jobs. All or nothing (see the module comment).
    pub async fn start(
        &self,
        tenant: &TenantId,
        action: CheckAction,
        request: ScanRequest,
        trigger: &str,
    ) -> Result<TaskProgress, DomainError> {
        if action == CheckAction::Fix {
            return Err(DomainError::invalid("fixes are not run by the scan pipeline"));
        }
        request.validate()?;
        // A token whose first start is still under way: wait for it (without
        // holding a turn), or start anew if that start failed and was undone.
        for _ in 0..2 {
            match self.start_once(tenant, action, &request, trigger).await? {
                Ok(task) => return Ok(task),
                Err(existing) => {
                    if let Some(task) = self.settled_task(tenant, &existing).await? {
                        return Ok(task);
                    }
                }
            }
        }
        Err(unavailable("a start with this client_token keeps failing; retry later"))
    }

    /// `Ok(Err(id))` when the client token names an earlier task.
    async fn start_once(
        &self,
        tenant: &TenantId,
        action: CheckAction,
        request: &ScanRequest,
        trigger: &str,
    ) -> Result<Result<TaskProgress, String>, DomainError> {
        let _turn = tokio::time::timeout(self.limits.start_queue_wait, self.starts.acquire())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| {
                unavailable("too many scans are being started at once; retry shortly with the same client_token")
            })?;
        let account = self.account(tenant).await?;
        let snapshot = self.ledger.snapshot(tenant).await.map_err(unavailable)?;
        let inventory = self.store.assets(tenant).await.map_err(unavailable)?;
        let denied = self.store.denied_calls(tenant).await.map_err(unavailable)?;
        let task_id = new_task_id();
        let plan = plan::plan(PlanInput {
            task_id: &task_id,
            account: &account,
            quota: QuotaView { remaining: snapshot.remaining },
            inventory: &inventory,
            action,
            request,
            params: &BTreeMap::new(),
            denied: &denied,
            batch: self.batch,
            now: Utc::now(),
        })?;
        let prepared = prepare(&plan)?;
        let mut items: Vec<String> = plan.jobs.iter().map(|j| j.item_id.clone()).collect();
        items.dedup();
        let record = TaskRecord {
            task_id: task_id.clone(),
            tenant: tenant.clone(),
            action,
            trigger: trigger.to_owned(),
            created_at: Utc::now(),
            items,
            jobs: plan.jobs.len() as u64,
            total: plan.evaluations,
            units_needed: plan.units_needed,
            remaining_at_start: plan.remaining,
            reserve_upfront: request.reserve_upfront,
            skipped: plan.skipped.clone(),
            client_token: request.client_token.clone(),
        };
        let planned: Vec<PlannedJob> = prepared.iter().map(|p| p.planned.clone()).collect();
        if let Created::Existing(first) = self.store.create_task(&record, &planned).await.map_err(unavailable)? {
            return Ok(Err(first));
        }
        let mut published = false;
        let launched = tokio::time::timeout(
            self.limits.start_timeout,
            self.launch(tenant, &record, &plan, &prepared, &mut published),
        )
        .await
        .unwrap_or_else(|_| Err(unavailable("the start did not finish in time; nothing was started")));
        if let Err(e) = launched {
            // Whether the task opened (a lost reply) is decided atomically here.
            match self.store.cancel_start(tenant, &task_id).await {
                Ok(false) => tracing::info!(%tenant, task_id, "the task opened after all"),
                Ok(true) => {
                    self.abandon(tenant, &record, if published { &planned } else { &[] }, &planned).await;
                    return Err(e);
                }
                // Unknown: the sweeper settles it (cancelling or finding it open).
                Err(_) => return Err(e),
            }
        }
        self.metrics.tasks.with_label_values(&[crate::worker::kind_of(action), trigger]).inc();
        tracing::info!(%tenant, task_id, jobs = plan.jobs.len(), evaluations = plan.evaluations, units = plan.units_needed, "task started");
        // Built here, not read back: a failed read must not turn a started task into an error.
        Ok(Ok(TaskProgress::new(record, &BTreeMap::new(), false, None)))
    }

    /// Reserves (when asked), publishes every job (`published` turns true
    /// once the first may have been stored), and opens the task.
    async fn launch(
        &self,
        tenant: &TenantId,
        record: &TaskRecord,
        plan: &plan::Plan,
        prepared: &[Prepared],
        published: &mut bool,
    ) -> Result<(), DomainError> {
        if record.reserve_upfront {
            self.reserve_upfront(tenant, plan).await?;
        }
        let headers = crate::trace::current_headers();
        *published = true;
        // Many publishes in flight at once: a large task does not wait for
        // one acknowledgement after another.
        let mut sends = Vec::with_capacity(prepared.len());
        for p in prepared {
            sends.push(self.bus.send(Outgoing {
                subject: self.topology.job_subject(tenant, &p.job.item_id, &p.job.job_id),
                msg_id: p.job.job_id.clone(),
                headers: headers.clone(),
                payload: p.payload.clone(),
            }));
        }
        let sent: Vec<Result<(), BusError>> =
            futures::stream::iter(sends).buffer_unordered(PUBLISHES_IN_FLIGHT).collect().await;
        if let Some(Err(e)) = sent.into_iter().find(Result::is_err) {
            return Err(unavailable(format!("{e}; nothing was started")));
        }
        if !self.store.open_task(tenant, &record.task_id).await.map_err(unavailable)? {
            return Err(unavailable("the start took too long and was given up; nothing was started"));
        }
        Ok(())
    }

    /// Undoes a cancelled start: returns reserved quota, removes the jobs
    /// that may have been published, deletes the task. Only for a task that
    /// `cancel_start` cancelled: no worker runs its jobs. Best effort:
    /// whatever fails here, the sweeper finishes.
    pub(crate) async fn abandon(
        &self,
        tenant: &TenantId,
        record: &TaskRecord,
        published: &[PlannedJob],
        plan: &[PlannedJob],
    ) {
        tracing::warn!(%tenant, task_id = %record.task_id, "undoing a start that failed");
        for job in plan {
            let Ok(id) = JobId::new(job.job_id.clone()) else { continue };
            // No worker has reserved for a job of a task that never opened;
            // this returns what was reserved up front.
            if record.reserve_upfront && self.ledger.release(tenant, &id).await.is_err() {
                break;
            }
        }
        if let Ok(jobs) = self.jobs_queue().await {
            for job in published {
                // The bus failing is often why the start failed: stop at the first error.
                if jobs.remove(&self.topology.job_subject(tenant, &job.item_id, &job.job_id)).await.is_err() {
                    break;
                }
            }
        }
        if let Err(e) = self.store.delete_task(tenant, &record.task_id).await {
            tracing::warn!(%tenant, error = %e, "could not delete a task that did not start; the sweeper will");
        }
        self.metrics.swept.with_label_values(&["start_undone"]).inc();
    }

    /// The task a client token named, once its start has settled: `None`
    /// if that start failed (the task is gone).
    async fn settled_task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, DomainError> {
        let deadline = tokio::time::Instant::now() + self.limits.start_timeout * 2;
        loop {
            match self.store.task(tenant, task_id).await.map_err(unavailable)? {
                Some(t) if t.state == TaskState::Starting && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Some(t) if t.state == TaskState::Starting => {
                    return Err(unavailable("the first start with this client_token is still under way; retry"));
                }
                other => return Ok(other),
            }
        }
    }

    /// Reserves every job's units under the job's own id, so the worker's
    /// reserve finds them held. All or nothing: on a refusal, everything
    /// reserved so far is released.
    async fn reserve_upfront(&self, tenant: &TenantId, plan: &plan::Plan) -> Result<(), DomainError> {
        let mut held = Vec::new();
        let mut failure = None;
        for (job, units) in plan.jobs.iter().zip(&plan.units_per_job).filter(|(_, u)| **u > 0) {
            let id = JobId::new(job.job_id.clone()).map_err(|e| DomainError::invalid(e.to_string()))?;
            match self.ledger.reserve(tenant, &id, ReserveRequest::all_or_nothing(*units, self.upfront_lease)).await {
                Ok(ReserveOutcome::Reserved { .. }) => held.push(id),
                Ok(_) => {
                    failure = Some(None);
                    break;
                }
                Err(e) => {
                    failure = Some(Some(unavailable(e)));
                    break;
                }
            }
        }
        let Some(failure) = failure else { return Ok(()) };
        for id in &held {
            let _ = self.ledger.release(tenant, id).await;
        }
        if let Some(e) = failure {
            return Err(e);
        }
        let remaining = self.ledger.snapshot(tenant).await.map_err(unavailable)?.remaining.unwrap_or(0);
        Err(DomainError::new(
            ErrorCode::AuthorizationExhaust,
            format!("the task needs {} units up front, {remaining} remaining; nothing was started", plan.units_needed),
        ))
    }

    /// Starts every follower (results, dead letters, asset events, exhausted
    /// jobs, jobs lag) and the sweeper on `bus`; they stop when `shutdown` turns true.
    pub async fn spawn_followers(
        self: Arc<Self>,
        bus: &dyn Bus,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Vec<JoinHandle<()>>, BusError> {
        let t = &self.topology;
        let jobs = bus.work_queue(&t.jobs()).await?;
        Ok(vec![
            tokio::spawn(self.clone().follow_results(bus.work_queue(&t.results()).await?, shutdown.clone())),
            tokio::spawn(self.clone().follow_dead_letters(bus.work_queue(&t.dead_letters()).await?, shutdown.clone())),
            tokio::spawn(self.clone().follow_asset_events(bus.work_queue(&t.assets()).await?, shutdown.clone())),
            tokio::spawn(self.clone().follow_exhausted_jobs(jobs.clone(), shutdown.clone())),
            tokio::spawn(self.clone().watch_lag("jobs", jobs.clone(), shutdown.clone())),
            tokio::spawn(self.clone().sweep(jobs, shutdown)),
        ])
    }

    /// Applies results until `shutdown`; each message once.
    pub async fn follow_results(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        // Results of different jobs are independent (each applies atomically, the newest evaluation wins).
        self.consume(queue, shutdown, ("results", 8), |me, p| async move { me.on_result(p).await }).await;
    }

    /// Marks dead-lettered jobs' instances `ERROR` so their tasks end.
    pub async fn follow_dead_letters(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        self.consume(queue, shutdown, ("dead_letters", 8), |me, p| async move { me.on_dead_letter(p).await }).await;
    }

    /// Re-imports assets that outside systems report changed, and re-scans them.
    pub async fn follow_asset_events(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        // In order: a later event about a resource must win.
        self.consume(queue, shutdown, ("assets", 1), |me, p| async move { me.on_asset_event(p).await }).await;
    }

    /// Dead-letters jobs that ran out of deliveries (a worker died holding
    /// them every time), returning their quota.
    pub async fn follow_exhausted_jobs(self: Arc<Self>, jobs: Arc<dyn WorkQueue>, mut shutdown: watch::Receiver<bool>) {
        let mut stream = match jobs.exhausted().await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot watch for exhausted jobs");
                return;
            }
        };
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                next = stream.next() => {
                    let Some(e) = next else { return };
                    let job: Option<JobMessage> = serde_json::from_slice(&e.payload).ok();
                    let detail = format!("delivered {} times without success", e.deliveries);
                    let original = Original { subject: &e.subject, payload: &e.payload, deliveries: e.deliveries, tenant: None };
                    // Without a stored letter the job stays in the stream; the task's deadline ends it.
                    let posted = self.letterbox().post(original, DeadLetterReason::MaxDeliveries, detail, job).await;
                    if posted.is_ok() && let Err(err) = jobs.discard(e.sequence).await {
                        tracing::warn!(error = %err, "could not remove an exhausted job");
                    }
                }
            }
        }
    }

    /// Reports the jobs queue's lag as a gauge every few seconds.
    pub async fn watch_lag(
        self: Arc<Self>,
        name: &'static str,
        queue: Arc<dyn WorkQueue>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            if let Ok(n) = queue.pending().await {
                self.metrics.pending.with_label_values(&[name]).set(i64::try_from(n).unwrap_or(i64::MAX));
            }
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    }

    fn letterbox(&self) -> Letterbox<'_> {
        Letterbox { topology: &self.topology, bus: &*self.bus, metrics: &self.metrics }
    }

    /// Handles what `queue` delivers, `at_once` messages at a time, until `shutdown`.
    async fn consume<F, Fut>(
        self: Arc<Self>,
        queue: Arc<dyn WorkQueue>,
        mut shutdown: watch::Receiver<bool>,
        (name, at_once): (&'static str, usize),
        handle: F,
    ) where
        F: Fn(Arc<Self>, Pulled) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        while !*shutdown.borrow_and_update() {
            match queue.pull(32, Duration::from_millis(500)).await {
                Ok(batch) => {
                    let me = &self;
                    let handle = &handle;
                    futures::stream::iter(batch)
                        .for_each_concurrent(at_once, |p| async move { handle(me.clone(), p).await })
                        .await;
                }
                Err(e) => {
                    tracing::warn!(queue = name, error = %e, "pull failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// Dead-letters a message that can never be applied, and terminates it
    /// (or hands it back when the letter could not be stored).
    async fn reject(&self, p: &Pulled, reason: DeadLetterReason, detail: String, tenant: Option<&TenantId>) {
        match self.letterbox().post(Original::of(p, tenant), reason, detail, None).await {
            Ok(()) => drop(p.acker.term().await),
            Err(_) => drop(p.acker.nak(retry_delay(p.delivered)).await),
        }
    }

    async fn on_result(&self, p: Pulled) {
        let span = tracing::info_span!("apply_results", subject = %p.subject);
        crate::trace::continue_trace(&span, &p.headers);
        self.apply_result(p).instrument(span).await;
    }

    async fn apply_result(&self, p: Pulled) {
        let msg = match serde_json::from_slice::<ResultMessage>(&p.payload) {
            Ok(m) if m.schema == RESULT_SCHEMA => m,
            Ok(m) => {
                let detail = format!("schema {:?} is not {RESULT_SCHEMA}", m.schema);
                return self.reject(&p, DeadLetterReason::InvalidResult, detail, Some(&m.tenant)).await;
            }
            Err(e) => {
                return self.reject(&p, DeadLetterReason::InvalidResult, format!("not a result: {e}"), None).await;
            }
        };
        let Ok(job) = JobId::new(msg.job_id.clone()) else {
            let detail = "the job id is not valid".to_owned();
            return self.reject(&p, DeadLetterReason::InvalidResult, detail, Some(&msg.tenant)).await;
        };
        let committed = match self.ledger.committed(&msg.tenant, &job).await {
            Ok(c) => c.unwrap_or(0),
            Err(e) => {
                tracing::warn!(error = %e, "quota ledger unreachable; the result will be retried");
                return drop(p.acker.nak(retry_delay(p.delivered)).await);
            }
        };
        match self.store.apply_results(&msg, committed).await {
            Ok(Applied::Applied | Applied::Duplicate) => drop(p.acker.ack().await),
            Ok(Applied::Rejected(why)) => {
                tracing::warn!(task_id = %msg.task_id, job_id = %msg.job_id, reason = %why, "rejected a result");
                self.reject(&p, DeadLetterReason::InvalidResult, why, Some(&msg.tenant)).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "storing results failed; retrying");
                let _ = p.acker.nak(retry_delay(p.delivered)).await;
            }
        }
    }

    async fn on_dead_letter(&self, p: Pulled) {
        let letter = serde_json::from_slice::<DeadLetter>(&p.payload).ok();
        let Some((letter, job)) = letter.and_then(|l| l.job.clone().map(|j| (l, j))) else {
            // Nothing to attribute to a task: the stream keeps it for people to read.
            let _ = p.acker.ack().await;
            return;
        };
        match self.verified(&letter, &job).await {
            Ok(true) => {}
            // Not the message its task planned (forged, or its task is gone): kept, nothing changed.
            Ok(false) => return drop(p.acker.ack().await),
            Err(_) => return drop(p.acker.nak(retry_delay(p.delivered)).await),
        }
        let Ok(id) = JobId::new(job.job_id.clone()) else { return drop(p.acker.ack().await) };
        // Close the job in the ledger first: whatever it charged is what its task reports.
        let charged = match self.ledger.settle(&job.tenant, &id).await {
            Ok(c) => c,
            Err(_) => return drop(p.acker.nak(retry_delay(p.delivered)).await),
        };
        let reason = format!("{DEAD_LETTER_REASON}: {} ({})", letter.reason.as_str(), letter.detail);
        let msg = ResultMessage {
            schema: RESULT_SCHEMA.to_owned(),
            job_id: job.job_id.clone(),
            task_id: job.task_id.clone(),
            tenant: job.tenant.clone(),
            action: job.action,
            item_id: job.item_id.clone(),
            results: job
                .instances
                .iter()
                .map(|a| InstanceResult {
                    instance_id: a.id.clone(),
                    resource_type: a.kind(),
                    instance_name: a.name.clone(),
                    region: a.region.clone(),
                    evaluation: Evaluation::error(reason.clone()),
                    charged: false,
                })
                .collect(),
            units_charged: charged,
            evaluated_at: letter.at,
        };
        match self.store.apply_results(&msg, charged).await {
            Ok(_) => drop(p.acker.ack().await),
            Err(_) => drop(p.acker.nak(retry_delay(p.delivered)).await),
        }
    }

    /// Whether a letter's job is the very message an open task planned.
    async fn verified(&self, letter: &DeadLetter, job: &JobMessage) -> Result<bool, FleetStoreError> {
        let gate = self.store.job_gate(&job.tenant, &job.task_id, &job.job_id).await?;
        Ok(
            matches!(gate, JobGate::Open(planned) if letter.payload_digest.as_deref() == Some(planned.payload_digest.as_str())),
        )
    }

    async fn on_asset_event(&self, p: Pulled) {
        let event = match serde_json::from_slice::<AssetChanged>(&p.payload) {
            Ok(e) if e.schema == ASSET_CHANGED_SCHEMA => e,
            Ok(e) => {
                let detail = format!("schema {:?} is not {ASSET_CHANGED_SCHEMA}", e.schema);
                return self.reject(&p, DeadLetterReason::InvalidAssetEvent, detail, Some(&e.tenant)).await;
            }
            Err(e) => return self.reject(&p, DeadLetterReason::InvalidAssetEvent, e.to_string(), None).await,
        };
        let tenant = &event.tenant;
        let changed = match self.store_inventory(tenant, &event.responses).await {
            Ok((_, changed)) => changed,
            Err(e) if e.code == ErrorCode::ServiceUnavailable => {
                return drop(p.acker.nak(retry_delay(p.delivered)).await);
            }
            Err(e) => {
                let detail = format!("{}: {}", e.code, e.message);
                return self.reject(&p, DeadLetterReason::InvalidAssetEvent, detail, Some(tenant)).await;
            }
        };
        // A redelivery finds the assets stored already: it re-scans all the
        // event names, under the event's own token, so the re-scan runs once.
        let targets = if p.delivered > 1 {
            ingest(&event.responses).map(|a| a.into_iter().map(|a| a.id).collect()).unwrap_or_default()
        } else {
            changed
        };
        if !targets.is_empty() {
            let token = format!("asset-{}", &sha256_hex(&p.payload)[..40]);
            match self.rescan(tenant, targets, Some(token)).await {
                Ok(task) => tracing::info!(%tenant, task_id = %task.task.task_id, "asset change re-scanned"),
                Err(e) if e.code == ErrorCode::ServiceUnavailable => {
                    return drop(p.acker.nak(retry_delay(p.delivered)).await);
                }
                Err(e) => tracing::info!(%tenant, code = %e.code, reason = %e.message, "no re-scan for changed assets"),
            }
        }
        let _ = p.acker.ack().await;
    }
}

/// Serializes each job once and records what its plan entry must hold.
fn prepare(plan: &plan::Plan) -> Result<Vec<Prepared>, DomainError> {
    plan.jobs
        .iter()
        .zip(&plan.units_per_job)
        .map(|(job, units)| {
            let payload = Bytes::from(serde_json::to_vec(job).map_err(unavailable)?);
            let keys: Vec<String> = job.instances.iter().map(cspm_assets::Asset::key).collect();
            let planned = PlannedJob {
                job_id: job.job_id.clone(),
                item_id: job.item_id.clone(),
                units: *units,
                instances: job.instances.len() as u64,
                payload_digest: sha256_hex(&payload),
                instances_digest: instances_digest(&job.item_id, keys.iter().map(String::as_str)),
            };
            Ok(Prepared { job: job.clone(), payload, planned })
        })
        .collect()
}
