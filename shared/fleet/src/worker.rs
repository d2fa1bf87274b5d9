//! The scan-worker loop: pull a job → check it against its task's plan and
//! the tenant's entitlement → reserve its billable units → evaluate → commit
//! what was consumed → publish the results → ack.
//!
//! Why this order: the charge is committed before the results that report it
//! are published, and both come before the ack, so nothing is acknowledged
//! before it is durable and a result never claims a charge the ledger does
//! not hold. A worker that dies anywhere leaves a job that is redelivered:
//! before the commit, the redelivery finds its reservation (or reserves
//! again) and runs it; after the commit, the ledger answers "already
//! committed" with the units charged, and the redelivery evaluates again and
//! publishes results carrying exactly that charge, under the same message id
//! (the stream and the scheduler de-duplicate them). Either way the job is
//! charged once.

use crate::dead_letters::{Letterbox, Original};
use crate::messages::*;
use crate::metrics::FleetMetrics;
use crate::store::{FleetStore, JobGate, PlannedJob, sha256_hex};
use bytes::Bytes;
use chrono::Utc;
use cspm_accounts::AccountStore;
use cspm_assets::Asset;
use cspm_bus::{Bus, Outgoing, Pulled, WorkQueue};
use cspm_checks::{Check, Context, Evaluation};
use cspm_domain::entitlement::{self, Charge, CheckAction, ItemPricing, Operation, QuotaView};
use cspm_domain::{ErrorCode, TenantId};
use cspm_ledger::{JobId, QuotaLedger, ReserveOutcome, ReserveRequest};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tracing::Instrument;

/// Instances one job may carry.
pub const MAX_INSTANCES_PER_JOB: usize = 1000;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The quota lease a job takes; renewed every third of it while working.
    pub lease: Duration,
    /// Jobs processed at once by this worker.
    pub concurrency: usize,
    /// How long one pull waits for a job.
    pub poll: Duration,
    /// Artificial work per evaluation, for tests and benchmarks that need long jobs.
    pub evaluation_delay: Duration,
    /// How long a job of a task that is still being started is held before
    /// it is handed back.
    pub start_wait: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            concurrency: 4,
            poll: Duration::from_secs(1),
            evaluation_delay: Duration::ZERO,
            start_wait: Duration::from_secs(20),
        }
    }
}

pub struct Worker {
    pub topology: Topology,
    pub queue: Arc<dyn WorkQueue>,
    pub bus: Arc<dyn Bus>,
    pub ledger: Arc<dyn QuotaLedger>,
    pub accounts: Arc<dyn AccountStore>,
    /// The scheduler's store, where the worker reads each job's plan.
    pub store: Arc<dyn FleetStore>,
    pub metrics: FleetMetrics,
    pub settings: WorkerSettings,
}

/// What happened to a job (also the `outcome` metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The quota ran out part-way: some instances are `NOT_CHECK`.
    Exhausted,
    /// Entitlement refused: every instance `NOT_CHECK` with the reason.
    Refused,
    /// Already committed by an earlier delivery.
    Duplicate,
    DeadLetter,
    /// A transient failure: delivered again later.
    Retry,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Exhausted => "exhausted",
            Outcome::Refused => "refused",
            Outcome::Duplicate => "duplicate",
            Outcome::DeadLetter => "dead_letter",
            Outcome::Retry => "retry",
        }
    }
}

/// A job that may run: its message, check item, plan entry, and the tenant's account as of now.
struct Runnable {
    job: JobMessage,
    check: &'static Check,
    planned: PlannedJob,
    account: cspm_domain::Account,
}

/// A job that can never succeed.
struct Poison {
    reason: DeadLetterReason,
    detail: String,
    job: Option<JobMessage>,
}

fn poison(reason: DeadLetterReason, detail: impl Into<String>, job: Option<JobMessage>) -> Poison {
    Poison { reason, detail: detail.into(), job }
}

impl Worker {
    /// Pulls and processes jobs until `shutdown` turns true, then finishes
    /// what it holds and returns.
    pub async fn run(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        let loops = self.settings.concurrency;
        crate::pulling::in_parallel(self, loops, move |me| {
            let stop = shutdown.clone();
            async move {
                let queue = me.queue.clone();
                let pulling = (1, me.settings.poll);
                crate::pulling::each_message(&*queue, stop, pulling, "jobs", |job| {
                    let me = me.clone();
                    async move {
                        me.handle(job).await;
                    }
                })
                .await;
            }
        })
        .await;
    }

    /// Processes one pulled job to its end (ack, nak or dead letter).
    pub async fn handle(&self, pulled: Pulled) -> Outcome {
        let started = Instant::now();
        let span = tracing::info_span!("job", subject = %pulled.subject, delivered = pulled.delivered, job_id = tracing::field::Empty);
        crate::trace::continue_trace(&span, &pulled.headers);
        let (kind, outcome) = self.process(&pulled).instrument(span).await;
        self.metrics.jobs.with_label_values(&[kind, outcome.as_str()]).inc();
        self.metrics.job_duration.with_label_values(&[kind]).observe(started.elapsed().as_secs_f64());
        outcome
    }

    async fn process(&self, pulled: &Pulled) -> (&'static str, Outcome) {
        let job = match self.validate(pulled).await {
            Ok(Ok(runnable)) => {
                tracing::Span::current().record("job_id", runnable.job.job_id.as_str());
                return (kind_of(runnable.job.action), self.run_job(pulled, runnable).await);
            }
            Ok(Err(p)) => p,
            Err(()) => return ("unknown", self.retry(pulled).await),
        };
        let kind = job.job.as_ref().map_or("unknown", |j| kind_of(j.action));
        (kind, self.dead_letter(pulled, job).await)
    }

    /// The job's plan, waiting (and keeping the delivery alive) while its task
    /// is still being started; `Err(())` when the store is unreachable or the
    /// start takes too long (the job is handed back).
    async fn planned(&self, pulled: &Pulled, job: &JobMessage) -> Result<Result<PlannedJob, Poison>, ()> {
        let deadline = Instant::now() + self.settings.start_wait;
        loop {
            match self.store.job_gate(&job.tenant, &job.task_id, &job.job_id).await {
                Ok(JobGate::Open(planned)) if planned.payload_digest == sha256_hex(&pulled.payload) => {
                    return Ok(Ok(planned));
                }
                Ok(JobGate::Open(_)) => {
                    let detail = "the job message is not the one its task planned";
                    return Ok(Err(poison(DeadLetterReason::Unplanned, detail, Some(job.clone()))));
                }
                Ok(JobGate::Unplanned) => {
                    let detail = "no live task planned this job (forged, or left by a start that failed)";
                    return Ok(Err(poison(DeadLetterReason::Unplanned, detail, Some(job.clone()))));
                }
                Ok(JobGate::Starting) if Instant::now() < deadline => {
                    let _ = pulled.acker.progress().await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Ok(JobGate::Starting) => return Err(()),
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler store unreachable; the job will be retried");
                    return Err(());
                }
            }
        }
    }

    /// The job and its check item, or why it can never run; `Err(())` for a
    /// transient failure (the account store is unreachable).
    async fn validate(&self, pulled: &Pulled) -> Result<Result<Runnable, Poison>, ()> {
        let job: JobMessage = match serde_json::from_slice(&pulled.payload) {
            Ok(j) => j,
            Err(e) => return Ok(Err(poison(DeadLetterReason::Malformed, format!("not a job message: {e}"), None))),
        };
        let malformed = |detail: String| Ok(Err(poison(DeadLetterReason::Malformed, detail, Some(job.clone()))));
        if job.schema != JOB_SCHEMA {
            return malformed(format!("schema {:?} is not {JOB_SCHEMA}", job.schema));
        }
        if let Err(e) = JobId::new(job.job_id.clone()) {
            return malformed(e.to_string());
        }
        if job.instances.is_empty() || job.instances.len() > MAX_INSTANCES_PER_JOB {
            return malformed(format!("a job carries 1 to {MAX_INSTANCES_PER_JOB} instances"));
        }
        if job.action == CheckAction::Fix {
            return malformed("fix jobs are not handled by the scan pipeline".into());
        }
        let Some(check) = cspm_checks::find(&job.item_id) else {
            let detail = format!("unknown check item {:?}", job.item_id);
            return Ok(Err(poison(DeadLetterReason::UnknownCheckItem, detail, Some(job))));
        };
        if let Some(bad) = job.instances.iter().find(|a| a.kind() != check.meta.resource_type) {
            return malformed(format!("{} is a {}, not a {}", bad.id, bad.kind(), check.meta.resource_type));
        }
        if let Err(e) = check.validate_params(&job.params) {
            return malformed(e);
        }
        let planned = match self.planned(pulled, &job).await? {
            Ok(p) => p,
            Err(p) => return Ok(Err(p)),
        };
        match self.accounts.load(&job.tenant).await {
            Ok(Some(v)) => Ok(Ok(Runnable { job, check, planned, account: v.account })),
            Ok(None) => {
                let detail = format!("tenant {} does not exist", job.tenant);
                Ok(Err(poison(DeadLetterReason::TenantGone, detail, Some(job))))
            }
            Err(e) => {
                tracing::warn!(error = %e, "account store unreachable; the job will be retried");
                Err(())
            }
        }
    }

    async fn run_job(&self, pulled: &Pulled, runnable: Runnable) -> Outcome {
        let Runnable { job, check, planned, account } = runnable;
        let tenant = job.tenant.clone();
        let Ok(job_id) = JobId::new(job.job_id.clone()) else { return Outcome::Retry };
        // Entitlement now (authorization or billing may have changed since the task started).
        let pricing = if check.meta.free { ItemPricing::Free } else { ItemPricing::Paid };
        let op = Operation::ConfigCheck { action: job.action, item: pricing };
        let unlimited = QuotaView { remaining: None };
        let decided = entitlement::decide(&account, unlimited, op, job.instances.len() as u64, Utc::now());
        let charge = match (decided, &job.refused) {
            (Ok(a), None) => a.charge,
            // Refused by entitlement, or the data cannot be trusted (a call was refused): nothing is judged.
            (decided, refused) => {
                let reason = match decided {
                    Err(e) => format!("{}: {}", e.code, e.message),
                    Ok(_) => refused.clone().unwrap_or_default(),
                };
                let results =
                    job.instances.iter().map(|a| result_of(a, Evaluation::not_check(reason.clone()), false)).collect();
                let Ok(charged) = self.settle(&tenant, &job_id).await else { return self.retry(pulled).await };
                return self.publish(pulled, &job, results, charged, Outcome::Refused).await;
            }
        };
        // Never more than the plan allows, whatever the message asks.
        let billable = if charge == Charge::PerEvaluation {
            (job.instances.iter().filter(|a| a.billable()).count() as u64).min(planned.units)
        } else {
            0
        };
        let (granted, committed_before) = if billable == 0 {
            (0, None)
        } else {
            match self.ledger.reserve(&tenant, &job_id, ReserveRequest::up_to(billable, self.settings.lease)).await {
                Ok(ReserveOutcome::Reserved { units, repeated, .. }) => {
                    if !repeated {
                        self.metrics.quota_units.with_label_values(&["reserved"]).inc_by(units);
                    }
                    (units, None)
                }
                // An earlier delivery committed; its results were not (all) acknowledged.
                Ok(ReserveOutcome::AlreadyCommitted { units }) => (units, Some(units)),
                Ok(ReserveOutcome::Refused { needed, .. }) => {
                    self.metrics.quota_units.with_label_values(&["refused"]).inc_by(needed);
                    (0, None)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "quota ledger unreachable; the job will be retried");
                    return self.retry(pulled).await;
                }
            }
        };
        let (mut results, charged) = tokio::select! {
            r = self.evaluate(&job, check, charge, granted) => r,
            never = self.heartbeat(pulled, &tenant, &job_id, granted > 0 && committed_before.is_none()) => match never {},
        };
        let outcome = if results.iter().any(|r| {
            r.evaluation.reason.as_deref().is_some_and(|x| x.starts_with(ErrorCode::AuthorizationExhaust.as_str()))
        }) {
            Outcome::Exhausted
        } else {
            Outcome::Done
        };
        // The ledger's word on the charge is what the results report.
        let charged = match committed_before {
            Some(units) => units,
            None if granted > 0 => match self.ledger.commit(&tenant, &job_id, charged).await {
                Ok(c) => {
                    if !c.repeated {
                        self.metrics.quota_units.with_label_values(&["committed"]).inc_by(c.charged);
                    }
                    self.metrics.quota_units.with_label_values(&["released"]).inc_by(c.returned);
                    c.charged
                }
                Err(e) => {
                    // Nothing is published or acknowledged: the job runs again
                    // (and finds its reservation held, or reserves anew once its lease ended).
                    tracing::warn!(error = %e, "commit failed; the job will be retried");
                    return self.retry(pulled).await;
                }
            },
            None => match self.settle(&tenant, &job_id).await {
                Ok(units) => units,
                Err(()) => return self.retry(pulled).await,
            },
        };
        limit_charged(&mut results, charged);
        if committed_before.is_some() {
            return self.publish(pulled, &job, results, charged, Outcome::Duplicate).await;
        }
        self.publish(pulled, &job, results, charged, outcome).await
    }

    /// Closes a job that reserved nothing in the ledger (free, refused, or no
    /// billable instance), so every finished job has a ledger record the
    /// scheduler and the sweeper can rely on; returns what it charged (0,
    /// unless an earlier delivery committed).
    async fn settle(&self, tenant: &TenantId, job: &JobId) -> Result<u64, ()> {
        self.ledger.settle(tenant, job).await.map_err(|e| {
            tracing::warn!(error = %e, "quota ledger unreachable; the job will be retried");
        })
    }

    /// Evaluates every instance in order; checks of billable instances beyond
    /// the `granted` units are `NOT_CHECK` / `AuthorizationExhaust`. Returns
    /// the results and the units consumed (checks of billable instances that ran).
    async fn evaluate(
        &self,
        job: &JobMessage,
        check: &Check,
        charge: Charge,
        granted: u64,
    ) -> (Vec<InstanceResult>, u64) {
        let now = Utc::now();
        let ctx = Context { now, params: &job.params, specs: check.meta.params };
        let mut slots = granted;
        let mut charged = 0;
        let mut results = Vec::with_capacity(job.instances.len());
        for (i, asset) in job.instances.iter().enumerate() {
            if !self.settings.evaluation_delay.is_zero() {
                tokio::time::sleep(self.settings.evaluation_delay).await;
            } else if i % 64 == 63 {
                // Lets the heartbeat beside this run during a long job.
                tokio::task::yield_now().await;
            }
            let evaluation = check.evaluate(asset, &ctx);
            // Only a check that ran costs a unit: an instance the item cannot
            // check (missing data, not applicable) takes none of the job's units.
            let charge_it = charge == Charge::PerEvaluation && asset.billable() && evaluation.is_checked();
            if charge_it && slots == 0 {
                let reason =
                    format!("{}: the quota ran out before this instance was checked", ErrorCode::AuthorizationExhaust);
                results.push(result_of(asset, Evaluation::not_check(reason), false));
                continue;
            }
            if charge_it {
                slots -= 1;
                charged += 1;
            }
            self.metrics
                .evaluations
                .with_label_values(&[check.meta.id, crate::store::status_name(evaluation.status)])
                .inc();
            results.push(result_of(asset, evaluation, charge_it));
        }
        (results, charged)
    }

    /// Keeps the job's ack-wait (and, when it holds quota, its lease) alive
    /// while it works, well inside both; runs until the evaluation beside it finishes.
    async fn heartbeat(
        &self,
        pulled: &Pulled,
        tenant: &TenantId,
        job: &JobId,
        holds_quota: bool,
    ) -> std::convert::Infallible {
        let lease = self.settings.lease;
        let every = lease.min(self.topology.job_ack_wait()) / 3;
        loop {
            tokio::time::sleep(every).await;
            if holds_quota && let Err(e) = self.ledger.extend(tenant, job, lease).await {
                tracing::warn!(error = %e, "could not extend the quota lease");
            }
            if let Err(e) = pulled.acker.progress().await {
                tracing::warn!(error = %e, "could not signal progress");
            }
        }
    }

    /// Publishes the results (their charge already committed), then acknowledges.
    async fn publish(
        &self,
        pulled: &Pulled,
        job: &JobMessage,
        results: Vec<InstanceResult>,
        charged: u64,
        outcome: Outcome,
    ) -> Outcome {
        let message = ResultMessage {
            schema: RESULT_SCHEMA.to_owned(),
            job_id: job.job_id.clone(),
            task_id: job.task_id.clone(),
            tenant: job.tenant.clone(),
            action: job.action,
            item_id: job.item_id.clone(),
            results,
            units_charged: charged,
            evaluated_at: Utc::now(),
        };
        let payload = match serde_json::to_vec(&message) {
            Ok(p) => Bytes::from(p),
            Err(_) => return self.retry(pulled).await,
        };
        let out = Outgoing {
            subject: self.topology.result_subject(&job.tenant),
            msg_id: format!("result-{}", job.job_id),
            headers: crate::trace::current_headers(),
            payload,
        };
        if let Err(e) = self.bus.send(out).await {
            // The charge stands; the redelivery finds it committed and publishes again.
            tracing::warn!(error = %e, "publishing results failed; the job will be retried");
            return self.retry(pulled).await;
        }
        if let Err(e) = pulled.acker.ack().await {
            tracing::warn!(error = %e, "ack failed; the job will be redelivered and found committed");
        }
        outcome
    }

    async fn retry(&self, pulled: &Pulled) -> Outcome {
        let _ = pulled.acker.nak(retry_delay(pulled.delivered)).await;
        Outcome::Retry
    }

    /// Publishes the job to the dead-letter stream with its reason, then
    /// terminates it (or, if the letter could not be stored, hands it back).
    async fn dead_letter(&self, pulled: &Pulled, p: Poison) -> Outcome {
        let letterbox = Letterbox { topology: &self.topology, bus: &*self.bus, metrics: &self.metrics };
        let original = Original::of(pulled, None);
        match letterbox.post(original, p.reason, p.detail, p.job).await {
            Ok(()) => {
                let _ = pulled.acker.term().await;
                Outcome::DeadLetter
            }
            Err(_) => self.retry(pulled).await,
        }
    }
}

/// How long a message that failed for a moment waits before its next
/// delivery: 1, 2, 4 … seconds, at most 30, so an outage of a minute or two
/// does not use up its deliveries.
pub fn retry_delay(delivered: u64) -> Duration {
    Duration::from_secs(1u64 << delivered.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

pub(crate) fn kind_of(action: CheckAction) -> &'static str {
    match action {
        CheckAction::Scan => "scan",
        CheckAction::Verify => "verify",
        CheckAction::Fix => "fix",
    }
}

/// Keeps the first `units` charged flags: when the ledger charged fewer units
/// than this delivery counted (an earlier delivery, or a settled job), the
/// rows say so too.
fn limit_charged(results: &mut [InstanceResult], units: u64) {
    let mut left = units;
    for r in results.iter_mut().filter(|r| r.charged) {
        if left == 0 {
            r.charged = false;
        } else {
            left -= 1;
        }
    }
}

fn result_of(asset: &Asset, evaluation: Evaluation, charged: bool) -> InstanceResult {
    InstanceResult {
        instance_id: asset.id.clone(),
        resource_type: asset.kind(),
        instance_name: asset.name.clone(),
        region: asset.region.clone(),
        evaluation,
        charged,
    }
}
