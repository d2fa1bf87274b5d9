//! The scheduler's core: import inventories, start scans and verifications
//! (entitlement and quota forecast first, optionally reserving the whole
//! task up front), publish jobs, and follow results, dead letters and
//! asset-change events until each task is done, partial or failed.

use crate::messages::*;
use crate::metrics::FleetMetrics;
use crate::plan::{self, PlanInput, ScanRequest};
use crate::store::{DEAD_LETTER_REASON, FleetStore, FleetStoreError, TaskProgress, TaskRecord};
use crate::worker::{Original, Ports, publish_dead_letter};
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
use tokio::sync::watch;
use tokio::task::JoinHandle;

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
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub assets: usize,
    pub changed: usize,
    pub by_type: BTreeMap<String, usize>,
    /// The re-scan started for changed assets, if any.
    pub rescan_task: Option<String>,
}

fn store_error(e: FleetStoreError) -> DomainError {
    DomainError::new(ErrorCode::ServiceUnavailable, e.to_string())
}

fn unavailable(e: impl std::fmt::Display) -> DomainError {
    DomainError::new(ErrorCode::ServiceUnavailable, e.to_string())
}

fn new_task_id() -> String {
    format!("t{}{:08x}", Utc::now().format("%Y%m%d%H%M%S"), rand::rng().random::<u32>())
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

    /// Imports OpenAPI responses as the tenant's inventory. With `rescan`,
    /// changed assets are re-checked by every item that applies to them.
    pub async fn import(
        &self,
        tenant: &TenantId,
        responses: &[ApiResponse],
        rescan: bool,
    ) -> Result<ImportReport, DomainError> {
        self.account(tenant).await?;
        let assets = ingest(responses).map_err(|e| DomainError::invalid(e.to_string()))?;
        let changed = self.store.put_assets(tenant, &assets).await.map_err(store_error)?;
        let mut by_type = BTreeMap::new();
        for a in &assets {
            *by_type.entry(a.kind().as_str().to_owned()).or_default() += 1;
        }
        let mut report = ImportReport { assets: assets.len(), changed: changed.len(), by_type, rescan_task: None };
        if rescan && !changed.is_empty() {
            let request =
                ScanRequest { instances: Some(changed.iter().map(|a| a.id.clone()).collect()), ..Default::default() };
            match self.start(tenant, CheckAction::Scan, request, "asset_change").await {
                Ok(task) => report.rescan_task = Some(task.task.task_id),
                Err(e) => tracing::info!(%tenant, code = %e.code, reason = %e.message, "no re-scan for changed assets"),
            }
        }
        Ok(report)
    }

    /// Starts a scan or verification: entitlement and quota forecast first,
    /// then the jobs.
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
        let account = self.account(tenant).await?;
        let snapshot = self.ledger.snapshot(tenant).await.map_err(unavailable)?;
        let inventory = self.store.assets(tenant).await.map_err(store_error)?;
        let task_id = new_task_id();
        let plan = plan::plan(PlanInput {
            task_id: &task_id,
            account: &account,
            quota: QuotaView { remaining: snapshot.remaining },
            inventory: &inventory,
            action,
            request: &request,
            params: &BTreeMap::new(),
            batch: self.batch,
            now: Utc::now(),
        })?;
        if request.reserve_upfront {
            self.reserve_upfront(tenant, &plan).await?;
        }
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
        };
        self.store.create_task(&record).await.map_err(store_error)?;
        self.metrics.tasks.with_label_values(&[crate::worker::kind_of(action), trigger]).inc();
        let headers = crate::trace::current_headers();
        for job in &plan.jobs {
            let payload = serde_json::to_vec(job).map_err(unavailable)?;
            let out = Outgoing {
                subject: self.topology.job_subject(tenant, &job.item_id),
                msg_id: job.job_id.clone(),
                headers: headers.clone(),
                payload: Bytes::from(payload),
            };
            self.bus.send(out).await.map_err(unavailable)?;
        }
        tracing::info!(%tenant, task_id, jobs = plan.jobs.len(), evaluations = plan.evaluations, units = plan.units_needed, "task started");
        self.store.task(tenant, &task_id).await.map_err(store_error)?.ok_or_else(|| unavailable("task vanished"))
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
    /// jobs, jobs lag) on `bus`; they stop when `shutdown` turns true.
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
            tokio::spawn(self.clone().watch_lag("jobs", jobs, shutdown)),
        ])
    }

    /// Applies results until `shutdown`; each message once.
    pub async fn follow_results(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        self.consume(queue, shutdown, "results", |me, p| async move { me.on_result(p).await }).await;
    }

    /// Marks dead-lettered jobs' instances `ERROR` so their tasks end.
    pub async fn follow_dead_letters(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        self.consume(queue, shutdown, "dead_letters", |me, p| async move { me.on_dead_letter(p).await }).await;
    }

    /// Re-imports assets that outside systems report changed, and re-scans them.
    pub async fn follow_asset_events(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        self.consume(queue, shutdown, "assets", |me, p| async move { me.on_asset_event(p).await }).await;
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
                    let ports = Ports { topology: &self.topology, bus: &*self.bus, ledger: &*self.ledger, metrics: &self.metrics };
                    let original = Original { subject: &e.subject, payload: &e.payload, deliveries: e.deliveries };
                    publish_dead_letter(ports, original, DeadLetterReason::MaxDeliveries, detail, job).await;
                    if let Err(err) = jobs.discard(e.sequence).await {
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

    async fn consume<F, Fut>(
        self: Arc<Self>,
        queue: Arc<dyn WorkQueue>,
        mut shutdown: watch::Receiver<bool>,
        name: &'static str,
        handle: F,
    ) where
        F: Fn(Arc<Self>, Pulled) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        while !*shutdown.borrow_and_update() {
            match queue.pull(32, Duration::from_millis(500)).await {
                Ok(batch) => {
                    for p in batch {
                        handle(self.clone(), p).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(queue = name, error = %e, "pull failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    async fn on_result(&self, p: Pulled) {
        let span = tracing::info_span!("apply_results", subject = %p.subject);
        crate::trace::continue_trace(&span, &p.headers);
        let _e = span.enter();
        let Ok(msg) = serde_json::from_slice::<ResultMessage>(&p.payload) else {
            tracing::error!(subject = %p.subject, "dropping an unreadable result message");
            let _ = p.acker.term().await;
            return;
        };
        match self.store.apply_results(&msg).await {
            Ok(_) => {
                let _ = p.acker.ack().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "storing results failed; retrying");
                let _ = p.acker.nak(Duration::from_secs(1)).await;
            }
        }
    }

    async fn on_dead_letter(&self, p: Pulled) {
        let letter = serde_json::from_slice::<DeadLetter>(&p.payload).ok();
        let Some((letter, job)) = letter.and_then(|l| l.job.clone().map(|j| (l, j))) else {
            // Nothing to attribute to a task (an unreadable job): it stays in the stream for people to read.
            let _ = p.acker.ack().await;
            return;
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
            units_charged: 0,
            evaluated_at: letter.at,
        };
        match self.store.apply_results(&msg).await {
            Ok(_) => drop(p.acker.ack().await),
            Err(_) => drop(p.acker.nak(Duration::from_secs(1)).await),
        }
    }

    async fn on_asset_event(&self, p: Pulled) {
        let event = match serde_json::from_slice::<AssetChanged>(&p.payload) {
            Ok(e) if e.schema == ASSET_CHANGED_SCHEMA => e,
            Ok(e) => return self.drop_event(p, &format!("schema {:?} is not {ASSET_CHANGED_SCHEMA}", e.schema)).await,
            Err(e) => return self.drop_event(p, &e.to_string()).await,
        };
        match self.import(&event.tenant, &event.responses, true).await {
            Ok(report) => {
                tracing::info!(tenant = %event.tenant, changed = report.changed, rescan = ?report.rescan_task, "asset change applied");
                let _ = p.acker.ack().await;
            }
            Err(e) if e.code == ErrorCode::ServiceUnavailable => drop(p.acker.nak(Duration::from_secs(2)).await),
            Err(e) => self.drop_event(p, &format!("{}: {}", e.code, e.message)).await,
        }
    }

    async fn drop_event(&self, p: Pulled, why: &str) {
        tracing::warn!(subject = %p.subject, reason = why, "rejected an asset-change event");
        self.metrics.dead_letters.with_label_values(&["invalid_asset_event"]).inc();
        let _ = p.acker.term().await;
    }
}
