//! The scheduler side of collection: plan a collection as one job per slice
//! and publish them (all or nothing), follow cloud events (a stored
//! collection → the scan it asked for; ActionTrail records → a focused
//! collection of the resources they name, then a scan of just those).

use super::cloud::CloudAccess;
use super::store::CollectionStore;
use super::trail;
use super::types::*;
use crate::dead_letters::{Letterbox, Original};
use crate::messages::DeadLetterReason;
use crate::plan::ScanRequest;
use crate::scheduler::{Scheduler, unavailable};
use crate::store::sha256_hex;
use crate::worker::retry_delay;
use bytes::Bytes;
use chrono::Utc;
use cspm_bus::{BusError, Outgoing, Pulled, WorkQueue};
use cspm_cloud::collect::{self, Slice};
use cspm_cloud::error::CloudError;
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{DomainError, ErrorCode, TenantId};
use futures::StreamExt;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub struct Collections {
    pub scheduler: Arc<Scheduler>,
    pub store: Arc<CollectionStore>,
    pub cloud: Arc<CloudAccess>,
}

fn new_collection_id() -> String {
    format!("c{}{:08x}", Utc::now().format("%Y%m%d%H%M%S"), rand::rng().random::<u32>())
}

/// What to collect: every slice of some regions, or the slices and resources an event named.
pub enum Scope {
    Regions(Option<Vec<String>>),
    Focus { slices: Vec<Slice>, resources: Vec<String> },
}

impl Collections {
    /// Starts a collection of the tenant's account (no quota: collection is free).
    pub async fn start(
        &self,
        tenant: &TenantId,
        request: CollectionRequest,
    ) -> Result<CollectionProgress, DomainError> {
        request.validate()?;
        let scope = Scope::Regions(request.regions.clone());
        self.start_scoped(tenant, scope, request.scan, request.client_token, "api").await
    }

    pub async fn start_scoped(
        &self,
        tenant: &TenantId,
        scope: Scope,
        scan: bool,
        client_token: Option<String>,
        trigger: &str,
    ) -> Result<CollectionProgress, DomainError> {
        let role = self.role(tenant).await?;
        let (regions, slices, focus) = match scope {
            Scope::Regions(Some(regions)) => (regions.clone(), collect::slices(&regions), None),
            Scope::Regions(None) => {
                let regions = self.discover_regions(tenant, &role).await?;
                (regions.clone(), collect::slices(&regions), None)
            }
            Scope::Focus { slices, resources } => {
                let mut regions: Vec<String> = slices.iter().filter_map(|s| s.region.clone()).collect();
                regions.sort();
                regions.dedup();
                (regions, slices, Some(resources))
            }
        };
        let record = CollectionRecord {
            collection_id: new_collection_id(),
            tenant: tenant.clone(),
            trigger: trigger.to_owned(),
            created_at: Utc::now(),
            regions,
            slices,
            focus,
            scan,
            client_token,
        };
        if let Some(first) = self.store.create(&record).await.map_err(unavailable)? {
            return self.progress(tenant, &first).await;
        }
        if let Err(e) = self.publish(&record).await {
            // Nothing is left behind: the published jobs find no collection and are dead-lettered as unplanned.
            self.withdraw(&record).await;
            return Err(unavailable(format!("{e}; nothing was started")));
        }
        tracing::info!(%tenant, collection_id = %record.collection_id, jobs = record.slices.len(), trigger, "collection started");
        self.progress(tenant, &record.collection_id).await
    }

    pub async fn progress(&self, tenant: &TenantId, id: &str) -> Result<CollectionProgress, DomainError> {
        self.store
            .progress(tenant, id)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| DomainError::new(ErrorCode::NotFound, format!("no collection {id}")))
    }

    pub async fn list(&self, tenant: &TenantId, limit: usize) -> Result<Vec<CollectionProgress>, DomainError> {
        self.store.list(tenant, limit).await.map_err(unavailable)
    }

    /// The role the tenant authorized, or why there is none to read with.
    async fn role(&self, tenant: &TenantId) -> Result<String, DomainError> {
        let account = match self.scheduler.accounts.load(tenant).await {
            Ok(Some(v)) => v.account,
            Ok(None) => {
                return Err(DomainError::new(ErrorCode::TenantNotFound, format!("tenant {tenant} does not exist")));
            }
            Err(e) => return Err(unavailable(e)),
        };
        match account.authorization {
            Some(a) if a.is_active() => a.role_arn.ok_or_else(|| {
                DomainError::new(
                    ErrorCode::NotAuthorized,
                    "the authorization names no role to read the account with: PUT …/authorization with a role_arn",
                )
            }),
            _ => Err(DomainError::new(
                ErrorCode::NotAuthorized,
                "authorize first (PUT …/authorization with a role_arn): nothing is read from the cloud without it",
            )),
        }
    }

    /// The regions the tenant's account can use (`ecs:DescribeRegions`).
    async fn discover_regions(&self, tenant: &TenantId, role: &str) -> Result<Vec<String>, DomainError> {
        let client = self.cloud.client(tenant, role);
        let home = self.cloud.endpoints(tenant).home_region();
        collect::regions(&client, home).await.map_err(|e| match e {
            CloudError::Denied { .. } => DomainError::new(
                ErrorCode::Forbidden,
                format!("the role may not list regions ({e}); allow ecs:DescribeRegions or name the regions"),
            ),
            other => unavailable(format!("cannot list the account's regions: {other}")),
        })
    }

    async fn publish(&self, record: &CollectionRecord) -> Result<(), BusError> {
        let t = &self.scheduler.topology;
        let headers = crate::trace::current_headers();
        let mut sends = Vec::new();
        for (i, slice) in record.slices.iter().enumerate() {
            let job = CollectJob {
                schema: COLLECT_SCHEMA.to_owned(),
                job_id: job_id(record, i),
                collection_id: record.collection_id.clone(),
                tenant: record.tenant.clone(),
                slice: slice.clone(),
            };
            let payload = Bytes::from(serde_json::to_vec(&job).map_err(|e| BusError::Unavailable(e.to_string()))?);
            sends.push(self.scheduler.bus.send(Outgoing {
                subject: t.collect_subject(&record.tenant, &job.job_id),
                msg_id: job.job_id,
                headers: headers.clone(),
                payload,
            }));
        }
        let sent: Vec<Result<(), BusError>> = futures::stream::iter(sends).buffer_unordered(32).collect().await;
        sent.into_iter().collect()
    }

    /// Undoes a start whose jobs could not all be published.
    async fn withdraw(&self, record: &CollectionRecord) {
        if let Ok(queue) = self.scheduler.bus.work_queue(&self.scheduler.topology.collect_jobs()).await {
            for i in 0..record.slices.len() {
                let subject = self.scheduler.topology.collect_subject(&record.tenant, &job_id(record, i));
                if queue.remove(&subject).await.is_err() {
                    break;
                }
            }
        }
        if let Err(e) = self.store.delete(record).await {
            tracing::warn!(tenant = %record.tenant, error = %e, "could not delete a collection that did not start");
        }
    }

    /// Follows cloud events until `shutdown`: stored collections and ActionTrail records.
    pub async fn follow_events(self: Arc<Self>, queue: Arc<dyn WorkQueue>, shutdown: watch::Receiver<bool>) {
        let pulling = (16, Duration::from_millis(500));
        crate::pulling::each_message(&*queue, shutdown, pulling, "cloud_events", |p| self.on_event(p)).await;
    }

    async fn on_event(&self, p: Pulled) {
        let handled =
            if p.subject.ends_with(".collected") { self.on_collected(&p).await } else { self.on_trail(&p).await };
        match handled {
            Ok(()) => drop(p.acker.ack().await),
            Err(Failure::Retry) => drop(p.acker.nak(retry_delay(p.delivered)).await),
            Err(Failure::Invalid(detail, tenant)) => {
                let s = &self.scheduler;
                let letterbox = Letterbox { topology: &s.topology, bus: &*s.bus, metrics: &s.metrics };
                let reason = DeadLetterReason::InvalidCloudEvent;
                match letterbox.post(Original::of(&p, tenant.as_ref()), reason, detail, None).await {
                    Ok(()) => drop(p.acker.term().await),
                    Err(_) => drop(p.acker.nak(retry_delay(p.delivered)).await),
                }
            }
        }
    }

    /// A collection is stored: start the scan it asked for (once: the token is the collection's).
    async fn on_collected(&self, p: &Pulled) -> Result<(), Failure> {
        let msg = match serde_json::from_slice::<CollectedMessage>(&p.payload) {
            Ok(m) if m.schema == COLLECTED_SCHEMA => m,
            Ok(m) => return Err(Failure::Invalid(format!("schema {:?} is not {COLLECTED_SCHEMA}", m.schema), None)),
            Err(e) => return Err(Failure::Invalid(format!("not a collected message: {e}"), None)),
        };
        let Some((record, _)) = self.store.record(&msg.tenant, &msg.collection_id).await.map_err(|_| Failure::Retry)?
        else {
            return Err(Failure::Invalid(format!("no collection {}", msg.collection_id), Some(msg.tenant)));
        };
        if !record.scan {
            return Ok(());
        }
        let tenant = &record.tenant;
        let mut request =
            ScanRequest { client_token: Some(format!("scan-{}", record.collection_id)), ..Default::default() };
        if let Some(focus) = &record.focus {
            // Only what the event named and the inventory holds (a deleted resource has nothing to check).
            let inventory = self.scheduler.store.assets(tenant).await.map_err(|_| Failure::Retry)?;
            let present: Vec<String> =
                focus.iter().filter(|id| inventory.iter().any(|a| &a.id == *id)).cloned().collect();
            if present.is_empty() {
                return Ok(());
            }
            request.instances = Some(present);
        }
        match self.scheduler.start(tenant, CheckAction::Scan, request, &record.trigger).await {
            Ok(task) => {
                let _ = self.store.set_scan_task(tenant, &record.collection_id, &task.task.task_id).await;
                Ok(())
            }
            Err(e) if e.code == ErrorCode::ServiceUnavailable => Err(Failure::Retry),
            // Refused like any scan (entitlement, quota): recorded, not retried.
            Err(e) => {
                tracing::info!(%tenant, code = %e.code, reason = %e.message, "no scan after the collection");
                Ok(())
            }
        }
    }

    /// ActionTrail records: re-read the resources they name, then scan just those.
    async fn on_trail(&self, p: &Pulled) -> Result<(), Failure> {
        let tenant = tenant_of_subject(&self.scheduler.topology, &p.subject);
        let Some(tenant) = tenant else {
            return Err(Failure::Invalid(format!("{} is not a tenant's trail subject", p.subject), None));
        };
        let touched = trail::read(&p.payload).map_err(|why| Failure::Invalid(why, Some(tenant.clone())))?;
        if touched.resources.is_empty() {
            return Err(Failure::Invalid(
                "no record names a resource the fleet reads (see docs/asyncapi.json for the events handled)".into(),
                Some(tenant),
            ));
        }
        let scope = Scope::Focus { slices: touched.slices(), resources: touched.resources.into_iter().collect() };
        let token = format!("trail-{}", &sha256_hex(&p.payload)[..40]);
        match self.start_scoped(&tenant, scope, true, Some(token), "event").await {
            Ok(c) => {
                tracing::info!(%tenant, collection_id = %c.collection_id, "cloud event: re-reading what it names");
                Ok(())
            }
            Err(e) if e.code == ErrorCode::ServiceUnavailable => Err(Failure::Retry),
            Err(e) => Err(Failure::Invalid(format!("{}: {}", e.code, e.message), Some(tenant))),
        }
    }
}

enum Failure {
    Retry,
    Invalid(String, Option<TenantId>),
}

fn job_id(record: &CollectionRecord, i: usize) -> String {
    format!("{}-{:04}", record.collection_id, i + 1)
}

/// The tenant of `<root>.v1.cloud.<site>.<account>.trail`.
fn tenant_of_subject(topology: &crate::messages::Topology, subject: &str) -> Option<TenantId> {
    let rest = subject.strip_prefix(&format!("{}.v1.cloud.", topology.root()))?;
    let mut parts = rest.split('.');
    let (site, account, kind) = (parts.next()?, parts.next()?, parts.next()?);
    (kind == "trail" && parts.next().is_none()).then(|| TenantId::parse(site, account).ok()).flatten()
}
