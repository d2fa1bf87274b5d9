//! The scheduler store in Redis. All keys of a tenant share its hash tag;
//! multi-key changes are functions of the `cspm_fleet_v2` library
//! (`fleet.lua`), each one atomic step. Reads are bounded: pages come from
//! sorted indexes, whole hashes (the inventory a plan needs, a task's plan)
//! are only ever read in `HSCAN` chunks, and the inventory is cached per
//! tenant until it changes.

use super::query::{prefixes, slices};
use super::*;
use cspm_ledger::{FunctionLibrary, RedisPool};
use redis::AsyncCommands;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

const LIBRARY: &str = include_str!("fleet.lua");
/// Fields per `HSCAN` reply when a whole hash must be read.
const SCAN_CHUNK: usize = 500;
/// Tenants whose inventory is kept in memory for planning.
const CACHED_INVENTORIES: usize = 16;

/// A tenant's inventory as read at one version.
type Inventory = (u64, Arc<Vec<Asset>>);

pub struct RedisFleetStore {
    functions: FunctionLibrary,
    inventories: Mutex<HashMap<TenantId, Inventory>>,
}

pub(crate) fn key(tenant: &TenantId, part: &str) -> String {
    format!("cspm:{{{}}}:fleet:{part}", tenant.hash_tag())
}

pub(crate) fn backend(e: redis::RedisError) -> FleetStoreError {
    FleetStoreError::Backend(e.to_string())
}

pub(crate) fn corrupt(e: serde_json::Error) -> FleetStoreError {
    FleetStoreError::Corrupt(e.to_string())
}

/// The keys of one task, in the order the library's task functions take them.
fn task_keys(tenant: &TenantId, task_id: &str) -> Vec<String> {
    vec![
        key(tenant, &format!("task:{task_id}")),
        key(tenant, &format!("plan:{task_id}")),
        key(tenant, "tasks"),
        key(tenant, "open"),
        key(tenant, "ctokens"),
    ]
}

impl RedisFleetStore {
    pub async fn new(pool: RedisPool) -> Result<Self, FleetStoreError> {
        Ok(Self {
            functions: FunctionLibrary::load(pool, LIBRARY).await.map_err(backend)?,
            inventories: Mutex::default(),
        })
    }

    fn conn(&self) -> redis::aio::ConnectionManager {
        self.functions.connection()
    }

    async fn call(&self, function: &str, keys: &[String], args: &[String]) -> Result<Vec<String>, FleetStoreError> {
        self.functions.call(function, keys, args).await.map_err(backend)
    }

    /// Every field of a hash, `SCAN_CHUNK` at a time (no unbounded reply).
    async fn scan_hash(&self, hash: &str) -> Result<Vec<(String, String)>, FleetStoreError> {
        let mut conn = self.conn();
        let mut cursor = 0u64;
        let mut all = Vec::new();
        loop {
            let (next, chunk): (u64, Vec<(String, String)>) = redis::cmd("HSCAN")
                .arg(hash)
                .arg(cursor)
                .arg("COUNT")
                .arg(SCAN_CHUNK)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            all.extend(chunk);
            if next == 0 {
                return Ok(all);
            }
            cursor = next;
        }
    }

    async fn progress(&self, tenant: &TenantId, task_id: &str) -> Result<Option<TaskProgress>, FleetStoreError> {
        let fields: BTreeMap<String, String> =
            self.conn().hgetall(key(tenant, &format!("task:{task_id}"))).await.map_err(backend)?;
        let Some(record) = fields.get("record") else { return Ok(None) };
        let record: TaskRecord = serde_json::from_str(record).map_err(corrupt)?;
        let counters = fields.iter().filter_map(|(k, v)| Some((k.clone(), v.parse().ok()?))).collect();
        let starting = fields.get("state").is_some_and(|s| s != "open");
        Ok(Some(TaskProgress::new(record, &counters, starting, fields.get("reason").cloned())))
    }
}

#[async_trait]
impl FleetStore for RedisFleetStore {
    async fn put_assets(&self, tenant: &TenantId, assets: &[Asset]) -> Result<Vec<Asset>, FleetStoreError> {
        let keys = ["assets", "aix", "atypes", "aver"].map(|k| key(tenant, k)).to_vec();
        let mut changed = Vec::new();
        // In chunks, so no single call carries an unbounded argument list.
        for chunk in assets.chunks(SCAN_CHUNK) {
            let mut args = vec![chunk.len().to_string()];
            for a in chunk {
                args.extend([a.key(), a.kind().as_str().to_owned(), serde_json::to_string(a).map_err(corrupt)?]);
            }
            for position in self.call("cspm_fleet_put_assets", &keys, &args).await? {
                let i: usize = position.parse().map_err(|_| FleetStoreError::Corrupt(position.clone()))?;
                changed.extend(chunk.get(i.wrapping_sub(1)).cloned());
            }
        }
        Ok(changed)
    }

    async fn assets(&self, tenant: &TenantId) -> Result<Arc<Vec<Asset>>, FleetStoreError> {
        let version: u64 = self.conn().get::<_, Option<u64>>(key(tenant, "aver")).await.map_err(backend)?.unwrap_or(0);
        let cached = self.inventories.lock().unwrap_or_else(PoisonError::into_inner).get(tenant).cloned();
        if let Some((v, inventory)) = cached
            && v == version
        {
            return Ok(inventory);
        }
        // HSCAN may return a field twice (while the hash rehashes): one per key.
        let all: BTreeMap<String, String> = self.scan_hash(&key(tenant, "assets")).await?.into_iter().collect();
        let inventory: Vec<Asset> =
            all.values().map(|j| serde_json::from_str(j).map_err(corrupt)).collect::<Result<_, _>>()?;
        let inventory = Arc::new(inventory);
        let mut cache = self.inventories.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= CACHED_INVENTORIES && !cache.contains_key(tenant) {
            cache.clear();
        }
        cache.insert(tenant.clone(), (version, inventory.clone()));
        Ok(inventory)
    }

    async fn asset_page(&self, tenant: &TenantId, page: Page) -> Result<AssetPage, FleetStoreError> {
        let page = Page { number: page.number.max(1), size: page.size.max(1) };
        let mut conn = self.conn();
        let (total, by_type): (usize, BTreeMap<String, u64>) = redis::pipe()
            .zcard(key(tenant, "aix"))
            .hgetall(key(tenant, "atypes"))
            .query_async(&mut conn)
            .await
            .map_err(backend)?;
        let start = isize::try_from(page.offset()).unwrap_or(isize::MAX);
        let stop = start.saturating_add(isize::try_from(page.size).unwrap_or(0)) - 1;
        let keys: Vec<String> = conn.zrange(key(tenant, "aix"), start, stop).await.map_err(backend)?;
        let assets = if keys.is_empty() {
            Vec::new()
        } else {
            let bodies: Vec<Option<String>> = redis::cmd("HMGET")
                .arg(key(tenant, "assets"))
                .arg(&keys)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            bodies.into_iter().flatten().map(|j| serde_json::from_str(&j).map_err(corrupt)).collect::<Result<_, _>>()?
        };
        Ok(AssetPage { total, by_type: by_type.into_iter().filter(|(_, n)| *n > 0).collect(), assets })
    }

    async fn create_task(&self, task: &TaskRecord, plan: &[PlannedJob]) -> Result<Created, FleetStoreError> {
        let mut args = vec![
            task.task_id.clone(),
            serde_json::to_string(task).map_err(corrupt)?,
            task.created_at.timestamp_millis().to_string(),
            task.total.to_string(),
            task.client_token.clone().unwrap_or_default(),
        ];
        for job in plan {
            args.extend([job.job_id.clone(), job.encode()]);
        }
        let reply = self.call("cspm_fleet_create_task", &task_keys(&task.tenant, &task.task_id), &args).await?;
        match reply.first().map(String::as_str) {
            Some("created") => Ok(Created::New),
            Some("existing") => Ok(Created::Existing(reply.get(1).cloned().unwrap_or_default())),
            _ => Err(FleetStoreError::Corrupt(format!("unexpected reply {reply:?}"))),
        }
    }

    async fn open_task(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError> {
        let keys = [key(tenant, &format!("task:{task_id}"))];
        Ok(self.call("cspm_fleet_open_task", &keys, &[]).await?.first().is_some_and(|r| r == "1"))
    }

    async fn cancel_start(&self, tenant: &TenantId, task_id: &str) -> Result<bool, FleetStoreError> {
        let keys = [key(tenant, &format!("task:{task_id}"))];
        Ok(self.call("cspm_fleet_cancel_start", &keys, &[]).await?.first().is_some_and(|r| r == "1"))
    }

    async fn delete_task(&self, tenant: &TenantId, task_id: &str) -> Result<(), FleetStoreError> {
        let token = match self.progress(tenant, task_id).await? {
            Some(p) => p.task.client_token.unwrap_or_default(),
            None => String::new(),
        };
        self.call("cspm_fleet_delete_task", &task_keys(tenant, task_id), &[task_id.to_owned(), token]).await?;
        Ok(())
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

    async fn job_gate(&self, tenant: &TenantId, task_id: &str, job_id: &str) -> Result<JobGate, FleetStoreError> {
        let (state, entry): (Option<String>, Option<String>) = redis::pipe()
            .hget(key(tenant, &format!("task:{task_id}")), "state")
            .hget(key(tenant, &format!("plan:{task_id}")), job_id)
            .query_async(&mut self.conn())
            .await
            .map_err(backend)?;
        Ok(match (state.as_deref(), entry) {
            (Some("starting"), Some(_)) => JobGate::Starting,
            (Some("open"), Some(e)) => PlannedJob::decode(job_id, &e).map_or(JobGate::Unplanned, JobGate::Open),
            _ => JobGate::Unplanned,
        })
    }

    async fn unfinished_jobs(&self, tenant: &TenantId, task_id: &str) -> Result<Vec<PlannedJob>, FleetStoreError> {
        let plan: Vec<(String, String)> = self
            .scan_hash(&key(tenant, &format!("plan:{task_id}")))
            .await?
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for chunk in plan.chunks(SCAN_CHUNK) {
            let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
            let applied: Vec<bool> = redis::cmd("SMISMEMBER")
                .arg(key(tenant, &format!("applied:{task_id}")))
                .arg(&ids)
                .query_async(&mut self.conn())
                .await
                .map_err(backend)?;
            for ((id, entry), done) in chunk.iter().zip(applied) {
                if !done {
                    out.extend(PlannedJob::decode(id, entry));
                }
            }
        }
        Ok(out)
    }

    async fn open_tasks(&self) -> Result<Vec<OpenTask>, FleetStoreError> {
        let mut conn = self.conn();
        let mut cursor = 0u64;
        let mut open_keys = Vec::new();
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg("cspm:{*}:fleet:open")
                .arg("COUNT")
                .arg(SCAN_CHUNK)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            open_keys.extend(keys);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let mut out = Vec::new();
        for open_key in open_keys {
            let Some(tag) = open_key.get(open_key.find('{').map_or(0, |i| i + 1)..open_key.find('}').unwrap_or(0))
            else {
                continue;
            };
            let Ok(tenant) = TenantId::from_hash_tag(tag) else { continue };
            let ids: Vec<(String, i64)> = conn.zrange_withscores(&open_key, 0, 999).await.map_err(backend)?;
            for (task_id, created_at_ms) in ids {
                let (state, progress_at): (Option<String>, Option<i64>) = redis::pipe()
                    .hget(key(&tenant, &format!("task:{task_id}")), "state")
                    .hget(key(&tenant, &format!("task:{task_id}")), "progress_at")
                    .query_async(&mut conn)
                    .await
                    .map_err(backend)?;
                out.push(OpenTask {
                    tenant: tenant.clone(),
                    starting: state.as_deref() != Some("open"),
                    task_id,
                    created_at_ms,
                    progress_at_ms: progress_at.unwrap_or(created_at_ms),
                });
            }
        }
        Ok(out)
    }

    async fn apply_results(&self, msg: &ResultMessage, committed: u64) -> Result<Applied, FleetStoreError> {
        if let Some(refused) = charge_mismatch(msg, committed) {
            return Ok(refused);
        }
        let t = &msg.tenant;
        let mut keys = vec![
            key(t, &format!("applied:{}", msg.task_id)),
            key(t, &format!("task:{}", msg.task_id)),
            key(t, "results"),
            key(t, "results_at"),
            key(t, "rix"),
            key(t, "rcount"),
            key(t, &format!("plan:{}", msg.task_id)),
            key(t, "open"),
        ];
        keys.extend(ALL_STATUSES.map(|s| key(t, &format!("rix:{}", status_name(s)))));
        let rows = rows(msg)?;
        let mut args = vec![
            msg.job_id.clone(),
            msg.task_id.clone(),
            msg.item_id.clone(),
            result_digest(msg),
            msg.units_charged.to_string(),
            Utc::now().timestamp_millis().to_string(),
            rows.len().to_string(),
        ];
        for r in rows {
            args.extend([
                r.field,
                r.at_ms.to_string(),
                r.json,
                status_name(r.status).to_owned(),
                r.flag.to_owned(),
                r.rank.to_string(),
            ]);
        }
        let reply = self.call("cspm_fleet_apply_results", &keys, &args).await?;
        Ok(match reply.first().map(String::as_str) {
            Some("applied") => Applied::Applied,
            Some("duplicate") => Applied::Duplicate,
            _ => Applied::Rejected(reply.get(1).cloned().unwrap_or_else(|| format!("{reply:?}"))),
        })
    }

    async fn apply_lost(
        &self,
        tenant: &TenantId,
        task_id: &str,
        job: &PlannedJob,
        charged: u64,
        reason: &str,
    ) -> Result<bool, FleetStoreError> {
        let keys = [
            key(tenant, &format!("applied:{task_id}")),
            key(tenant, &format!("task:{task_id}")),
            key(tenant, "open"),
            key(tenant, &format!("plan:{task_id}")),
        ];
        let args = [
            job.job_id.clone(),
            task_id.to_owned(),
            job.instances.to_string(),
            charged.to_string(),
            reason.to_owned(),
            Utc::now().timestamp_millis().to_string(),
        ];
        Ok(self.call("cspm_fleet_apply_lost", &keys, &args).await?.first().is_some_and(|r| r == "1"))
    }

    async fn result_page(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: Page,
    ) -> Result<ResultPage, FleetStoreError> {
        let index = match filter.status {
            Some(s) => key(tenant, &format!("rix:{}", status_name(s))),
            None => key(tenant, "rix"),
        };
        // Each range as ZLEXCOUNT/ZRANGE bounds: `[prefix` up to `[prefix\xff`.
        let ranges: Vec<(String, String)> = match prefixes(filter) {
            None => vec![("-".into(), "+".into())],
            Some(p) => p.into_iter().map(|p| (format!("[{p}"), format!("[{p}\u{ff}"))).collect(),
        };
        let mut conn = self.conn();
        let mut counting = redis::pipe();
        for (min, max) in &ranges {
            counting.cmd("ZLEXCOUNT").arg(&index).arg(min).arg(max);
        }
        let counts: Vec<usize> =
            if ranges.is_empty() { Vec::new() } else { counting.query_async(&mut conn).await.map_err(backend)? };
        let mut members = Vec::new();
        for (i, offset, take) in slices(&counts, page) {
            let (min, max) = &ranges[i];
            let part: Vec<String> = redis::cmd("ZRANGE")
                .arg(&index)
                .arg(min)
                .arg(max)
                .arg("BYLEX")
                .arg("LIMIT")
                .arg(offset)
                .arg(take)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            members.extend(part);
        }
        let fields: Vec<&str> = members.iter().filter_map(|m| m.split_once('|').map(|(_, f)| f)).collect();
        let results = if fields.is_empty() {
            Vec::new()
        } else {
            let bodies: Vec<Option<String>> = redis::cmd("HMGET")
                .arg(key(tenant, "results"))
                .arg(&fields)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            bodies.into_iter().flatten().map(|j| serde_json::from_str(&j).map_err(corrupt)).collect::<Result<_, _>>()?
        };
        Ok(ResultPage { total: counts.iter().sum(), results })
    }

    async fn item_counts(&self, tenant: &TenantId) -> Result<BTreeMap<String, BTreeMap<Status, u64>>, FleetStoreError> {
        let mut out: BTreeMap<String, BTreeMap<Status, u64>> = BTreeMap::new();
        for (field, n) in self.scan_hash(&key(tenant, "rcount")).await? {
            let (Some((item, status)), Ok(n)) = (field.rsplit_once('|'), n.parse::<u64>()) else { continue };
            let Ok(status) = serde_json::from_value::<Status>(serde_json::Value::String(status.to_owned())) else {
                continue;
            };
            if n > 0 {
                out.entry(item.to_owned()).or_default().insert(status, n);
            }
        }
        Ok(out)
    }

    async fn denied_calls(&self, tenant: &TenantId) -> Result<BTreeMap<String, String>, FleetStoreError> {
        // Slice → the calls it was refused (small: a few per slice at most).
        let by_slice: BTreeMap<String, String> = self.conn().hgetall(key(tenant, "denied")).await.map_err(backend)?;
        let mut all = BTreeMap::new();
        for calls in by_slice.values() {
            all.extend(serde_json::from_str::<BTreeMap<String, String>>(calls).map_err(corrupt)?);
        }
        Ok(all)
    }

    async fn results(&self, tenant: &TenantId) -> Result<Vec<StoredResult>, FleetStoreError> {
        let all: BTreeMap<String, String> = self.scan_hash(&key(tenant, "results")).await?.into_iter().collect();
        all.values().map(|j| serde_json::from_str(j).map_err(corrupt)).collect()
    }
}
