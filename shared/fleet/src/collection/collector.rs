//! The worker side of collection: pull a slice → check its collection and
//! the tenant's authorization → read the slice with signed calls → store
//! what was read → if it was the collection's last slice, build the
//! inventory from every slice's latest answers → announce → ack.
//!
//! Nothing is acknowledged before it is stored: a worker that dies anywhere
//! leaves the job to be delivered again; a redelivery finds its slice stored
//! and goes straight to the end, and building the inventory is idempotent.

use super::cloud::CloudAccess;
use super::store::CollectionStore;
use super::types::*;
use crate::dead_letters::{Letterbox, Original};
use crate::messages::{DeadLetterReason, Topology};
use crate::metrics::FleetMetrics;
use crate::store::FleetStore;
use crate::worker::retry_delay;
use bytes::Bytes;
use cspm_accounts::AccountStore;
use cspm_assets::openapi::{ApiResponse, ingest};
use cspm_bus::{Bus, Outgoing, Pulled, WorkQueue};
use cspm_cloud::collect::{collect_slice, merge_focused};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long building a tenant's inventory may hold its turn.
const BUILD_TURN: Duration = Duration::from_secs(120);
/// How often a worker reading a slice tells the queue it is alive.
const PROGRESS_EVERY: Duration = Duration::from_secs(15);
/// The delivery from which a slice keeps what it read even if some calls failed for now
/// (the collection queue delivers a job 5 times at most).
const LAST_TRY: u64 = 4;
/// The key under which a slice records that nothing was read for lack of authorization.
pub const NOT_AUTHORIZED: &str = "authorization";

pub struct Collector {
    pub topology: Topology,
    pub queue: Arc<dyn WorkQueue>,
    pub bus: Arc<dyn Bus>,
    pub accounts: Arc<dyn AccountStore>,
    pub store: Arc<CollectionStore>,
    /// Where the inventory is kept (the scheduler's store).
    pub inventory: Arc<dyn FleetStore>,
    pub cloud: Arc<CloudAccess>,
    pub metrics: FleetMetrics,
    /// Slices read at once by this worker.
    pub concurrency: usize,
}

/// Why a job did not end well.
enum Failure {
    /// Try again later (a store unreachable, another collection building).
    Retry(String),
    /// Never runnable: dead-lettered.
    Poison(DeadLetterReason, String),
}

fn retry(e: impl std::fmt::Display) -> Failure {
    Failure::Retry(e.to_string())
}

impl Collector {
    /// Pulls and runs collection jobs until `shutdown` turns true.
    pub async fn run(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        let loops = self.concurrency;
        crate::pulling::in_parallel(self, loops, move |me| {
            let stop = shutdown.clone();
            async move {
                let queue = me.queue.clone();
                crate::pulling::each_message(&*queue, stop, (1, Duration::from_secs(1)), "collect", |job| {
                    let me = me.clone();
                    async move { me.handle(job).await }
                })
                .await;
            }
        })
        .await;
    }

    /// Processes one pulled job to its end (ack, nak or dead letter).
    pub async fn handle(&self, p: Pulled) {
        let started = Instant::now();
        let job = match serde_json::from_slice::<CollectJob>(&p.payload) {
            Ok(j) if j.schema == COLLECT_SCHEMA => Ok(j),
            Ok(j) => Err((format!("schema {:?} is not {COLLECT_SCHEMA}", j.schema), Some(j.tenant))),
            Err(e) => Err((format!("not a collection job: {e}"), None)),
        };
        let outcome = match job {
            Ok(job) => self.run_job(&job, &p).await.map_err(|f| (f, Some(job.tenant))),
            Err((why, tenant)) => Err((Failure::Poison(DeadLetterReason::Malformed, why), tenant)),
        };
        let label = match outcome {
            Ok(()) => {
                let _ = p.acker.ack().await;
                "done"
            }
            Err((Failure::Retry(why), _)) => {
                tracing::warn!(subject = %p.subject, reason = %why, "collection job handed back");
                let _ = p.acker.nak(retry_delay(p.delivered)).await;
                "retry"
            }
            Err((Failure::Poison(reason, detail), tenant)) => {
                let letterbox = Letterbox { topology: &self.topology, bus: &*self.bus, metrics: &self.metrics };
                match letterbox.post(Original::of(&p, tenant.as_ref()), reason, detail, None).await {
                    Ok(()) => drop(p.acker.term().await),
                    Err(_) => drop(p.acker.nak(retry_delay(p.delivered)).await),
                }
                "dead_letter"
            }
        };
        self.metrics.jobs.with_label_values(&["collect", label]).inc();
        self.metrics.job_duration.with_label_values(&["collect"]).observe(started.elapsed().as_secs_f64());
    }

    async fn run_job(&self, job: &CollectJob, p: &Pulled) -> Result<(), Failure> {
        let (tenant, id) = (&job.tenant, &job.collection_id);
        let Some((record, state)) = self.store.record(tenant, id).await.map_err(retry)? else {
            let why = format!("no collection {id} of {tenant} planned this job (forged, or its start failed)");
            return Err(Failure::Poison(DeadLetterReason::Unplanned, why));
        };
        if !record.slices.contains(&job.slice) || !job.job_id.starts_with(id.as_str()) {
            let why = format!("collection {id} planned no job {} for {}", job.job_id, job.slice.key());
            return Err(Failure::Poison(DeadLetterReason::Unplanned, why));
        }
        if state != CollectionState::Running {
            return Ok(()); // a redelivery after the collection ended
        }
        if !self.store.has_slice(tenant, id, &job.job_id).await.map_err(retry)? {
            let result = tokio::select! {
                r = self.read(job, &record, p.delivered) => r?,
                never = keep_alive(p) => match never {},
            };
            self.metrics.cloud_calls.with_label_values(&[&job.slice.product]).inc_by(result.calls);
            let stored = self.store.put_slice(tenant, id, &job.job_id, &result).await.map_err(retry)?;
            if stored < record.slices.len() as u64 {
                return Ok(());
            }
        } else if let Some(progress) = self.store.progress(tenant, id).await.map_err(retry)?
            && progress.jobs_done < progress.jobs
        {
            return Ok(());
        }
        self.build(&record).await
    }

    /// Reads the job's slice as the tenant's authorized role.
    async fn read(&self, job: &CollectJob, record: &CollectionRecord, delivered: u64) -> Result<SliceResult, Failure> {
        let tenant = &job.tenant;
        let account = self.accounts.load(tenant).await.map_err(retry)?;
        let role = account
            .and_then(|v| v.account.authorization)
            .filter(cspm_domain::authorization::Authorization::is_active)
            .and_then(|a| a.role_arn);
        let Some(role) = role else {
            // Revoked (or never given a role): nothing is read, and no session is kept.
            self.cloud.forget(tenant).await;
            let why = "the tenant's authorization is revoked or names no role; nothing was read".to_owned();
            return Ok(SliceResult {
                slice: Some(job.slice.clone()),
                failed: BTreeMap::from([(NOT_AUTHORIZED.to_owned(), why)]),
                ..SliceResult::default()
            });
        };
        let client = self.cloud.client(tenant, &role);
        let home = self.cloud.endpoints(tenant).home_region();
        let focus: Option<BTreeSet<String>> = record.focus.as_ref().map(|f| f.iter().cloned().collect());
        let read = collect_slice(&client, &job.slice, home, focus.as_ref()).await;
        // Throttled or unreachable past the client's retries: read the slice
        // again later, while deliveries last (then keep what could be read).
        if read.transient > 0 && delivered < LAST_TRY {
            return Err(Failure::Retry(format!("{} calls failed for now; reading the slice again", read.transient)));
        }
        Ok(SliceResult {
            slice: Some(job.slice.clone()),
            documents: read.documents,
            denied: read.denied,
            failed: read.failed,
            calls: client.requests(),
        })
    }

    /// Builds the tenant's inventory from every slice's latest answers, once
    /// the collection's slices are all stored; one collection of a tenant at a time.
    async fn build(&self, record: &CollectionRecord) -> Result<(), Failure> {
        let tenant = &record.tenant;
        if !self.store.lock(tenant, &record.collection_id, BUILD_TURN).await.map_err(retry)? {
            return Err(Failure::Retry("another collection of the tenant is building its inventory".into()));
        }
        let built = self.build_locked(record).await;
        if let Err(e) = self.store.unlock(tenant, &record.collection_id).await {
            tracing::warn!(%tenant, error = %e, "could not give the inventory turn back; it lapses by itself");
        }
        built
    }

    async fn build_locked(&self, record: &CollectionRecord) -> Result<(), Failure> {
        let (tenant, id) = (&record.tenant, &record.collection_id);
        let read = self.store.slices(tenant, id).await.map_err(retry)?;
        let mut current = self.store.current(tenant).await.map_err(retry)?;
        let focus: BTreeSet<String> = record.focus.iter().flatten().cloned().collect();
        let mut summary = Summary::default();
        let mut fresh = BTreeMap::new();
        for mut r in read {
            let Some(slice) = r.slice.clone() else { continue };
            summary.calls += r.calls;
            summary.denied.extend(r.denied.clone());
            summary.failed.extend(r.failed.iter().map(|(k, v)| (format!("{k}@{}", slice.key()), v.clone())));
            // A slice that read nothing because every call failed keeps its
            // earlier answers: an outage is not an empty account.
            if r.documents.is_empty() && !r.failed.is_empty() {
                continue;
            }
            if record.focus.is_some() {
                let earlier = current.get(&slice.key()).map(|c| c.documents.clone()).unwrap_or_default();
                r.documents = merge_focused(earlier, r.documents, &focus);
            }
            fresh.insert(slice.key(), r);
        }
        if fresh.is_empty()
            && summary.failed.keys().all(|k| k.starts_with(NOT_AUTHORIZED))
            && !summary.failed.is_empty()
        {
            let why = "the tenant's authorization is revoked or names no role: nothing was read";
            return self.store.finish(tenant, id, CollectionState::Failed, summary, Some(why)).await.map_err(retry);
        }
        current.extend(fresh.clone());
        let responses: Vec<ApiResponse> = current
            .values()
            .flat_map(|r| &r.documents)
            .map(|d| ApiResponse { api: d.api.clone(), params: d.params.clone(), response: d.response.clone() })
            .collect();
        let assets = match ingest(&responses) {
            Ok(a) => a,
            Err(e) => {
                let why = format!("the answers do not import: {e}");
                return self
                    .store
                    .finish(tenant, id, CollectionState::Failed, summary, Some(&why))
                    .await
                    .map_err(retry);
            }
        };
        let changed = self.inventory.put_assets(tenant, &assets).await.map_err(retry)?;
        self.store.replace_current(tenant, &fresh).await.map_err(retry)?;
        summary.assets = assets.len() as u64;
        summary.changed = changed.len() as u64;
        // Announced before it is marked done: a worker that dies in between
        // builds again on the redelivery and announces again (the stream
        // de-duplicates the message id).
        self.announce(record).await?;
        tracing::info!(%tenant, collection_id = %id, assets = summary.assets, calls = summary.calls, "collection stored");
        self.store.finish(tenant, id, CollectionState::Done, summary, None).await.map_err(retry)
    }

    async fn announce(&self, record: &CollectionRecord) -> Result<(), Failure> {
        let msg = CollectedMessage {
            schema: COLLECTED_SCHEMA.to_owned(),
            tenant: record.tenant.clone(),
            collection_id: record.collection_id.clone(),
        };
        let payload = Bytes::from(serde_json::to_vec(&msg).map_err(retry)?);
        self.bus
            .send(Outgoing {
                subject: self.topology.collected_subject(&record.tenant),
                msg_id: format!("collected-{}", record.collection_id),
                headers: crate::trace::current_headers(),
                payload,
            })
            .await
            .map_err(retry)
    }
}

/// Tells the queue the job is alive until dropped.
async fn keep_alive(p: &Pulled) -> std::convert::Infallible {
    loop {
        tokio::time::sleep(PROGRESS_EVERY).await;
        let _ = p.acker.progress().await;
    }
}
