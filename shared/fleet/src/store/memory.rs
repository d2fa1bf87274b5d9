//! The in-process scheduler store, for `cspm demo` and unit tests.

use super::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

#[derive(Default)]
struct Tenant {
    assets: BTreeMap<String, Asset>,
    tasks: Vec<(TaskRecord, BTreeMap<String, u64>)>,
    applied: HashSet<String>,
    results: HashMap<String, (i64, StoredResult)>,
}

#[derive(Default)]
pub struct MemoryFleetStore {
    tenants: Mutex<HashMap<TenantId, Tenant>>,
}

impl MemoryFleetStore {
    fn with<T>(&self, tenant: &TenantId, f: impl FnOnce(&mut Tenant) -> T) -> T {
        let mut all = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        f(all.entry(tenant.clone()).or_default())
    }
}

#[async_trait]
impl FleetStore for MemoryFleetStore {
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            assets.iter().filter(|a| t.assets.insert(a.key(), (*a).clone()).as_ref() != Some(*a)).cloned().collect()
        }))
    }

    async fn assets(&self, tenant: &TenantId) -> Result<Vec<Asset>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.assets.values().cloned().collect()))
    }

    async fn create_task(&self, task: &TaskRecord) -> Result<(), FleetStoreError> {
        self.with(&task.tenant, |t| t.tasks.push((task.clone(), BTreeMap::new())));
        Ok(())
    }

    async fn task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError> {
        Ok(self.with(tenant, |t| {
            t.tasks.iter().find(|(r, _)| r.task_id == task_id).map(|(r, c)| TaskProgress::new(r.clone(), c))
        }))
    }

    async fn tasks(&self, tenant: &TenantId, limit: usize) -> Result<Vec<TaskProgress>, FleetStoreError> {
        Ok(self
            .with(tenant, |t| t.tasks.iter().rev().take(limit).map(|(r, c)| TaskProgress::new(r.clone(), c)).collect()))
    }

    async fn apply_results(&self, msg: &ResultMessage) -> Result<bool, FleetStoreError> {
        let rows = rows(msg);
        let mut parsed = Vec::with_capacity(rows.len());
        for row in &rows {
            let stored: StoredResult =
                serde_json::from_str(&row.json).map_err(|e| FleetStoreError::Corrupt(e.to_string()))?;
            parsed.push(stored);
        }
        Ok(self.with(&msg.tenant, |t| {
            if !t.applied.insert(msg.job_id.clone()) {
                return false;
            }
            let counters = t.tasks.iter_mut().find(|(r, _)| r.task_id == msg.task_id).map(|(_, c)| c);
            let mut scratch = BTreeMap::new();
            let counters = counters.unwrap_or(&mut scratch);
            for (row, stored) in rows.iter().zip(parsed) {
                if t.results.get(&row.field).is_none_or(|(at, _)| *at <= row.at_ms) {
                    t.results.insert(row.field.clone(), (row.at_ms, stored));
                }
                *counters.entry(format!("s:{}", status_name(row.status))).or_default() += 1;
                if row.flag != "-" {
                    *counters.entry(row.flag.to_owned()).or_default() += 1;
                }
            }
            *counters.entry("finished".into()).or_default() += rows.len() as u64;
            *counters.entry("charged".into()).or_default() += msg.units_charged;
            true
        }))
    }

    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError> {
        Ok(self.with(tenant, |t| t.results.values().map(|(_, r)| r.clone()).collect()))
    }
}
