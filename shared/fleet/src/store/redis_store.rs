//! The scheduler store in Redis. All keys of a tenant share its hash tag;
//! results are applied by the `cspm_fleet_v1` function library (one atomic
//! step per job).

use super::*;
use cspm_ledger::FunctionLibrary;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;

const LIBRARY: &str = include_str!("fleet.lua");

#[derive(Clone)]
pub struct RedisFleetStore {
    functions: FunctionLibrary,
}

fn key(tenant: &TenantId, part: &str) -> String {
    format!("cspm:{{{}}}:fleet:{part}", tenant.hash_tag())
}

fn backend(e: redis::RedisError) -> FleetStoreError {
    FleetStoreError::Backend(e.to_string())
}

fn corrupt(e: serde_json::Error) -> FleetStoreError {
    FleetStoreError::Corrupt(e.to_string())
}

impl RedisFleetStore {
    pub async fn new(conn: ConnectionManager) -> Result<Self, FleetStoreError> {
        Ok(Self { functions: FunctionLibrary::load(conn, LIBRARY).await.map_err(backend)? })
    }

    fn conn(&self) -> ConnectionManager {
        self.functions.connection()
    }

    async fn progress(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError> {
        let fields: BTreeMap<String, String> =
            self.conn().hgetall(key(tenant, &format!("task:{task_id}"))).await.map_err(backend)?;
        let Some(record) = fields.get("record") else { return Ok(None) };
        let record: TaskRecord = serde_json::from_str(record).map_err(corrupt)?;
        let counters = fields.iter().filter_map(|(k, v)| Some((k.clone(), v.parse().ok()?))).collect();
        Ok(Some(TaskProgress::new(record, &counters)))
    }
}

#[async_trait]
impl FleetStore for RedisFleetStore {
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError> {
        let k = key(tenant, "assets");
        let keys: Vec<String> = assets.iter().map(Asset::key).collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let old: Vec<Option<String>> =
            redis::cmd("HMGET").arg(&k).arg(&keys).query_async(&mut self.conn()).await.map_err(backend)?;
        let mut changed = Vec::new();
        let mut pairs = Vec::new();
        for ((asset, field), before) in assets.iter().zip(keys).zip(old) {
            let json = serde_json::to_string(asset).map_err(corrupt)?;
            let same = before.as_deref().and_then(|b| serde_json::from_str::<Asset>(b).ok()).as_ref() == Some(asset);
            if !same {
                changed.push(asset.clone());
            }
            pairs.push((field, json));
        }
        let _: () = self.conn().hset_multiple(&k, &pairs).await.map_err(backend)?;
        Ok(changed)
    }

    async fn assets(&self, tenant: &TenantId) -> Result<Vec<Asset>, FleetStoreError> {
        let all: BTreeMap<String, String> = self.conn().hgetall(key(tenant, "assets")).await.map_err(backend)?;
        all.values().map(|j| serde_json::from_str(j).map_err(corrupt)).collect()
    }

    async fn create_task(&self, task: &TaskRecord) -> Result<(), FleetStoreError> {
        let json = serde_json::to_string(task).map_err(corrupt)?;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .hset(key(&task.tenant, &format!("task:{}", task.task_id)), "record", json)
            .ignore()
            .zadd(key(&task.tenant, "tasks"), &task.task_id, task.created_at.timestamp_millis())
            .ignore();
        pipe.query_async::<()>(&mut self.conn()).await.map_err(backend)
    }

    async fn task(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError> {
        self.progress(tenant, task_id).await
    }

    async fn tasks(&self, tenant: &TenantId, limit: usize) -> Result<Vec<TaskProgress>, FleetStoreError> {
        let stop = isize::try_from(limit).unwrap_or(isize::MAX).saturating_sub(1);
        let ids: Vec<String> = self.conn().zrevrange(key(tenant, "tasks"), 0, stop).await.map_err(backend)?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.progress(tenant, &id).await?);
        }
        Ok(out)
    }

    async fn apply_results(&self, msg: &ResultMessage) -> Result<bool, FleetStoreError> {
        let t = &msg.tenant;
        let keys =
            [key(t, "applied"), key(t, &format!("task:{}", msg.task_id)), key(t, "results"), key(t, "results_at")];
        let rows = rows(msg);
        let mut args = vec![msg.job_id.clone(), rows.len().to_string(), msg.units_charged.to_string()];
        for r in rows {
            args.extend([r.field, r.at_ms.to_string(), r.json, status_name(r.status).to_owned(), r.flag.to_owned()]);
        }
        let reply = self.functions.call("cspm_apply_results", &keys, &args).await.map_err(backend)?;
        Ok(reply.first().is_some_and(|x| x == "1"))
    }

    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError> {
        let all: BTreeMap<String, String> = self.conn().hgetall(key(tenant, "results")).await.map_err(backend)?;
        all.values().map(|j| serde_json::from_str(j).map_err(corrupt)).collect()
    }
}
