//! The in-process scheduler store, for `cspm demo` and unit tests: the same
//! rules as the Redis store (plans, gates, validation, idempotent results)
//! over maps under one lock.

use super::query::{prefixes, slices};
use super::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Starting,
    Open,
    Cancelled,
}

struct Task {
    record: TaskRecord,
    phase: Phase,
    counters: BTreeMap<String, u64>,
    plan: BTreeMap<String, PlannedJob>,
    progress_at_ms: i64,
    reason: Option<String>,
}

#[derive(Default)]
struct Tenant {
    assets: BTreeMap<String, Asset>,
    tasks: Vec<Task>,
    client_tokens: HashMap<String, String>,
    applied: HashSet<String>,
    /// field → (evaluated at ms, risk rank, result)
    results: HashMap<String, (i64, u8, StoredResult)>,
    denied: BTreeMap<String, String>,
}

impl Tenant {
    fn task_mut(&mut self, task_id: &str) -> Option<&mut Task> {
        self.tasks.iter_mut().find(|t| t.record.task_id == task_id)
    }
}

#[derive(Default)]
pub struct MemoryFleetStore {
    tenants: Mutex<HashMap<TenantId, Tenant>>,
}

impl MemoryFleetStore {
    /// Records the calls a collection was refused (in process, nothing collects; tests set them).
    pub fn set_denied_calls(&self, tenant: &TenantId, denied: BTreeMap<String, String>) {
        self.with(tenant, |t| t.denied = denied);
    }

    fn with<T>(&self, tenant: &TenantId, f: impl FnOnce(&mut Tenant) -> T) -> T {
        let mut all = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        f(all.entry(tenant.clone()).or_default())
    }
}

fn progress(t: &Task) -> TaskProgress {
    TaskProgress::new(t.record.clone(), &t.counters, t.phase != Phase::Open, t.reason.clone())
}

fn finish(t: &mut Task, n: u64, charged: u64) {
    *t.counters.entry("finished".into()).or_default() += n;
    *t.counters.entry("charged".into()).or_default() += charged;
    t.progress_at_ms = Utc::now().timestamp_millis();
}

#[async_trait]
impl FleetStore for MemoryFleetStore {
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            assets.iter().filter(|a| t.assets.insert(a.key(), (*a).clone()).as_ref() != Some(*a)).cloned().collect()
        }))
    }

    async fn assets(&self, tenant: &TenantId) -> Result<Arc<Vec<Asset>>, FleetStoreError> {
        Ok(Arc::new(self.with(tenant, |t| t.assets.values().cloned().collect())))
    }

    async fn asset_page(&self, tenant: &TenantId, page: Page) -> Result<AssetPage, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            let mut by_type = BTreeMap::new();
            for a in t.assets.values() {
                *by_type.entry(a.kind().as_str().to_owned()).or_default() += 1;
            }
            let assets = t.assets.values().skip(page.offset()).take(page.size).cloned().collect();
            AssetPage { total: t.assets.len(), by_type, assets }
        }))
    }

    async fn create_task(&self, task: &TaskRecord, plan: &[PlannedJob]) -> Result<Created, FleetStoreError> {
        Ok(self.with(&task.tenant, |t| {
            if let Some(token) = &task.client_token {
                if let Some(existing) = t.client_tokens.get(token) {
                    return Created::Existing(existing.clone());
                }
                t.client_tokens.insert(token.clone(), task.task_id.clone());
            }
            t.tasks.push(Task {
                record: task.clone(),
                phase: Phase::Starting,
                counters: BTreeMap::new(),
                plan: plan.iter().map(|j| (j.job_id.clone(), j.clone())).collect(),
                progress_at_ms: task.created_at.timestamp_millis(),
                reason: None,
            });
            Created::New
        }))
    }

    async fn open_task(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError> {
        Ok(self.with(tenant, |t| match t.task_mut(task_id) {
            Some(task) if task.phase != Phase::Cancelled => {
                task.phase = Phase::Open;
                true
            }
            _ => false,
        }))
    }

    async fn cancel_start(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError> {
        Ok(self.with(tenant, |t| match t.task_mut(task_id) {
            Some(task) if task.phase == Phase::Open => false,
            Some(task) => {
                task.phase = Phase::Cancelled;
                true
            }
            None => true,
        }))
    }

    async fn delete_task(&self, tenant: &TenantId, task_id: &str) -> Result<(), FleetStoreError> {
        self.with(tenant, |t| {
            if t.tasks.iter().any(|task| task.record.task_id == task_id && task.phase == Phase::Cancelled) {
                t.tasks.retain(|task| task.record.task_id != task_id);
                t.client_tokens.retain(|_, id| id != task_id);
            }
        });
        Ok(())
    }

    async fn task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.tasks.iter().find(|x| x.record.task_id == task_id).map(progress)))
    }

    async fn tasks(&self, tenant: &TenantId, limit: usize) -> Result<Vec<TaskProgress>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.tasks.iter().rev().take(limit).map(progress).collect()))
    }

    async fn job_gate(&self, tenant: &TenantId, task_id: &str, job_id: &str) -> Result<JobGate, FleetStoreError> {
        Ok(self.with(tenant, |t| match t.task_mut(task_id) {
            Some(task) => match (task.plan.get(job_id), task.phase) {
                (Some(_), Phase::Starting) => JobGate::Starting,
                (Some(job), Phase::Open) => JobGate::Open(job.clone()),
                _ => JobGate::Unplanned,
            },
            None => JobGate::Unplanned,
        }))
    }

    async fn unfinished_jobs(&self, tenant: &TenantId, task_id: &str) -> Result<Vec<PlannedJob>, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            let applied = &t.applied;
            t.tasks
                .iter()
                .find(|x| x.record.task_id == task_id)
                .map(|task| task.plan.values().filter(|j| !applied.contains(&j.job_id)).cloned().collect())
                .unwrap_or_default()
        }))
    }

    async fn open_tasks(&self) -> Result<Vec<OpenTask>, FleetStoreError> {
        let all = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(all
            .iter()
            .flat_map(|(tenant, t)| {
                t.tasks.iter().filter(|x| x.phase != Phase::Open || progress(x).finished < x.record.total).map(|x| {
                    OpenTask {
                        tenant: tenant.clone(),
                        task_id: x.record.task_id.clone(),
                        starting: x.phase != Phase::Open,
                        created_at_ms: x.record.created_at.timestamp_millis(),
                        progress_at_ms: x.progress_at_ms,
                    }
                })
            })
            .collect())
    }

    async fn apply_results(&self, msg: &ResultMessage, committed: u64) -> Result<Applied, FleetStoreError> {
        if let Some(refused) = charge_mismatch(msg, committed) {
            return Ok(refused);
        }
        let rows = rows(msg)?;
        let mut parsed = Vec::with_capacity(rows.len());
        for row in &rows {
            parsed.push(
                serde_json::from_str::<StoredResult>(&row.json).map_err(|e| FleetStoreError::Corrupt(e.to_string()))?,
            );
        }
        let digest = result_digest(msg);
        Ok(self.with(&msg.tenant, |t| {
            let Some(task) = t.tasks.iter().find(|x| x.record.task_id == msg.task_id && x.phase == Phase::Open) else {
                return Applied::Rejected("no open task planned this job".into());
            };
            let Some(job) = task.plan.get(&msg.job_id) else {
                return Applied::Rejected("no open task planned this job".into());
            };
            if job.instances_digest != digest || job.instances != rows.len() as u64 {
                return Applied::Rejected("the instances are not the ones planned for this job".into());
            }
            if msg.units_charged > job.units {
                return Applied::Rejected("it charges more units than planned".into());
            }
            if !t.applied.insert(msg.job_id.clone()) {
                return Applied::Duplicate;
            }
            for (row, stored) in rows.iter().zip(parsed) {
                if t.results.get(&row.field).is_none_or(|(at, _, _)| *at <= row.at_ms) {
                    t.results.insert(row.field.clone(), (row.at_ms, row.rank, stored));
                }
            }
            let Some(task) = t.task_mut(&msg.task_id) else { return Applied::Applied };
            for row in &rows {
                *task.counters.entry(format!("s:{}", status_name(row.status))).or_default() += 1;
                if row.flag != "-" {
                    *task.counters.entry(row.flag.to_owned()).or_default() += 1;
                }
            }
            finish(task, rows.len() as u64, msg.units_charged);
            Applied::Applied
        }))
    }

    async fn apply_lost(
        &self,
        tenant: &TenantId,
        task_id: &str,
        job: &PlannedJob,
        charged: u64,
        reason: &str,
    ) -> Result<bool, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            if t.task_mut(task_id).is_none() || !t.applied.insert(job.job_id.clone()) {
                return false;
            }
            let Some(task) = t.task_mut(task_id) else { return false };
            *task.counters.entry("dead".into()).or_default() += job.instances;
            *task.counters.entry("s:ERROR".into()).or_default() += job.instances;
            task.reason.get_or_insert_with(|| reason.to_owned());
            finish(task, job.instances, charged);
            true
        }))
    }

    async fn result_page(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: Page,
    ) -> Result<ResultPage, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            let mut members: Vec<(String, &StoredResult)> = t
                .results
                .iter()
                .filter(|(_, (_, _, r))| filter.status.is_none_or(|s| r.status == s))
                .map(|(field, (_, rank, r))| (format!("{rank}|{field}"), r))
                .collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            let ranges: Vec<Vec<&StoredResult>> = match prefixes(filter) {
                None => vec![members.iter().map(|(_, r)| *r).collect()],
                Some(p) => p
                    .iter()
                    .map(|prefix| members.iter().filter(|(m, _)| m.starts_with(prefix)).map(|(_, r)| *r).collect())
                    .collect(),
            };
            let counts: Vec<usize> = ranges.iter().map(Vec::len).collect();
            let results = slices(&counts, page)
                .into_iter()
                .flat_map(|(i, offset, take)| ranges[i][offset..offset + take].iter().map(|r| (*r).clone()))
                .collect();
            ResultPage { total: counts.iter().sum(), results }
        }))
    }

    async fn item_counts(&self, tenant: &TenantId) -> Result<BTreeMap<String, BTreeMap<Status, u64>>, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            let mut out: BTreeMap<String, BTreeMap<Status, u64>> = BTreeMap::new();
            for (_, _, r) in t.results.values() {
                *out.entry(r.item_id.clone()).or_default().entry(r.status).or_default() += 1;
            }
            out
        }))
    }

    async fn denied_calls(&self, tenant: &TenantId) -> Result<BTreeMap<String, String>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.denied.clone()))
    }

    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.results.values().map(|(_, _, r)| r.clone()).collect()))
    }
}
