//! The sweeper: no task stays `starting` or `running` once the work behind
//! it is gone.
//!
//! - A task still `starting` long after its start should have ended (the
//!   scheduler died mid-start) is undone like a failed start.
//! - A running task with no finished job for `stall` has each unfinished job
//!   whose message is no longer in the jobs stream (purged, lost), and which
//!   no worker closed in the ledger (a closed job's results are on their
//!   way), finished as failed.
//! - A task running past `deadline` has every unfinished job removed from
//!   the stream and finished as failed (this also ends jobs that ran out of
//!   deliveries while no scheduler was there to dead-letter them).
//!
//! Each job is closed in the quota ledger first (`settle`): it reports what
//! the job charged, and no late worker can charge it afterwards, so the
//! task's charge stays equal to the ledger's. Sweeping is idempotent, so
//! several scheduler replicas may sweep at once.

use crate::scheduler::{Scheduler, unavailable};
use crate::store::OpenTask;
use chrono::Utc;
use cspm_bus::WorkQueue;
use cspm_domain::DomainError;
use cspm_ledger::JobId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

impl Scheduler {
    /// Sweeps every `limits.sweep_every` until `shutdown`.
    pub async fn sweep(self: Arc<Self>, jobs: Arc<dyn WorkQueue>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tokio::time::sleep(self.limits.sweep_every) => {}
            }
            if let Err(e) = self.sweep_once(&*jobs).await {
                tracing::warn!(error = %e.message, "sweep failed; will try again");
            }
        }
    }

    /// One pass over every open task; returns how many jobs it finished or
    /// undid. A task that cannot be swept now is skipped, not the pass.
    pub async fn sweep_once(&self, jobs: &dyn WorkQueue) -> Result<usize, DomainError> {
        let now = Utc::now().timestamp_millis();
        let mut swept = 0;
        for task in self.store.open_tasks().await.map_err(unavailable)? {
            let done = if task.starting {
                // Twice the start's time limit, and the cancelling step after it.
                if now - task.created_at_ms <= 2 * ms(self.limits.start_timeout) + 5_000 {
                    continue;
                }
                self.undo_start(&task).await
            } else {
                let overdue = now - task.created_at_ms >= ms(self.limits.deadline);
                let stalled = now - task.progress_at_ms >= ms(self.limits.stall);
                if !overdue && !stalled {
                    continue;
                }
                self.finish_lost_jobs(&task, jobs, overdue).await
            };
            match done {
                Ok(n) => swept += n,
                Err(e) => {
                    tracing::warn!(tenant = %task.tenant, task_id = %task.task_id, error = %e.message, "could not sweep a task")
                }
            }
        }
        Ok(swept)
    }

    async fn undo_start(&self, task: &OpenTask) -> Result<usize, DomainError> {
        // Exclusive with opening: a task that opened meanwhile is left alone.
        if !self.store.cancel_start(&task.tenant, &task.task_id).await.map_err(unavailable)? {
            return Ok(0);
        }
        let Some(progress) = self.store.task(&task.tenant, &task.task_id).await.map_err(unavailable)? else {
            return Ok(0);
        };
        let plan = self.store.unfinished_jobs(&task.tenant, &task.task_id).await.map_err(unavailable)?;
        self.abandon(&task.tenant, &progress.task, &plan, &plan).await;
        Ok(plan.len().max(1))
    }

    async fn finish_lost_jobs(
        &self,
        task: &OpenTask,
        jobs: &dyn WorkQueue,
        overdue: bool,
    ) -> Result<usize, DomainError> {
        let tenant = &task.tenant;
        let mut swept = 0;
        for job in self.store.unfinished_jobs(tenant, &task.task_id).await.map_err(unavailable)? {
            let Ok(id) = JobId::new(job.job_id.clone()) else { continue };
            let subject = self.topology.job_subject(tenant, &job.item_id, &job.job_id);
            let reason = if overdue {
                jobs.remove(&subject).await.map_err(unavailable)?;
                format!("TimedOut: the task did not finish within {} s", self.limits.deadline.as_secs())
            } else if jobs.holds(&subject).await.map_err(unavailable)? {
                continue; // queued, being worked on, or waiting for a redelivery
            } else if self.ledger.committed(tenant, &id).await.map_err(unavailable)?.is_some() {
                // Finished: a worker closes a job in the ledger before it
                // publishes the results, which are on their way.
                continue;
            } else {
                "JobLost: a job's message is gone from the jobs stream before its results came".to_owned()
            };
            let charged = self.ledger.settle(tenant, &id).await.map_err(unavailable)?;
            if self.store.apply_lost(tenant, &task.task_id, &job, charged, &reason).await.map_err(unavailable)? {
                let what = if overdue { "job_timed_out" } else { "job_lost" };
                self.metrics.swept.with_label_values(&[what]).inc();
                tracing::warn!(%tenant, task_id = %task.task_id, job_id = %job.job_id, %reason, "finished a job as failed");
                swept += 1;
            }
        }
        Ok(swept)
    }
}
