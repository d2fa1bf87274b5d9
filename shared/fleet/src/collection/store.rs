//! Collections in Redis, under the tenant's hash tag like the rest of the
//! scheduler store:
//!
//! - `coll:<id>`: the record, state, summary and reason; `colls`: ids by
//!   creation time; `cctokens`: client token → id.
//! - `coll:<id>:slices`: job id → what the worker read (until the collection ends).
//! - `docs`: slice → its latest answers, over every collection: what the
//!   inventory is built from; `denied`: slice → the calls it was refused.
//! - `collecting`: who is turning answers into the inventory now.
//! - `session`: the tenant's temporary credentials, sealed (see `cspm_cloud::vault`).

use super::types::*;
use crate::store::FleetStoreError;
use crate::store::redis_store::{backend, corrupt, key};
use chrono::Utc;
use cspm_domain::TenantId;
use cspm_ledger::RedisPool;
use redis::AsyncCommands;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long a finished collection's record is kept.
const KEPT: Duration = Duration::from_secs(14 * 24 * 3600);

pub struct CollectionStore {
    pool: RedisPool,
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, FleetStoreError> {
    serde_json::to_string(v).map_err(corrupt)
}

fn state_name(s: CollectionState) -> &'static str {
    match s {
        CollectionState::Running => "running",
        CollectionState::Done => "done",
        CollectionState::Failed => "failed",
    }
}

fn state_of(s: Option<&String>) -> CollectionState {
    match s.map(String::as_str) {
        Some("done") => CollectionState::Done,
        Some("failed") => CollectionState::Failed,
        _ => CollectionState::Running,
    }
}

impl CollectionStore {
    pub fn new(pool: RedisPool) -> Self {
        Self { pool }
    }

    fn conn(&self) -> redis::aio::ConnectionManager {
        self.pool.get()
    }

    /// Stores a new running collection; with a client token already used,
    /// stores nothing and names the first collection.
    pub async fn create(&self, r: &CollectionRecord) -> Result<Option<String>, FleetStoreError> {
        let t = &r.tenant;
        let mut conn = self.conn();
        if let Some(token) = &r.client_token {
            let fresh: bool = conn.hset_nx(key(t, "cctokens"), token, &r.collection_id).await.map_err(backend)?;
            if !fresh {
                let first: Option<String> = conn.hget(key(t, "cctokens"), token).await.map_err(backend)?;
                return Ok(first);
            }
        }
        let record = key(t, &format!("coll:{}", r.collection_id));
        redis::pipe()
            .atomic()
            .hset_multiple(&record, &[("record", json(r)?), ("state", "running".to_owned())])
            .expire(&record, KEPT.as_secs() as i64)
            .zadd(key(t, "colls"), &r.collection_id, r.created_at.timestamp_millis())
            .query_async::<()>(&mut conn)
            .await
            .map_err(backend)?;
        Ok(None)
    }

    /// Removes a collection whose start failed (no worker has stored a slice of it).
    pub async fn delete(&self, r: &CollectionRecord) -> Result<(), FleetStoreError> {
        let t = &r.tenant;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .del(key(t, &format!("coll:{}", r.collection_id)))
            .del(key(t, &format!("coll:{}:slices", r.collection_id)))
            .zrem(key(t, "colls"), &r.collection_id);
        if let Some(token) = &r.client_token {
            pipe.hdel(key(t, "cctokens"), token);
        }
        pipe.query_async::<()>(&mut self.conn()).await.map_err(backend)
    }

    /// The record and state of a collection.
    pub async fn record(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<(CollectionRecord, CollectionState)>, FleetStoreError> {
        let (record, state): (Option<String>, Option<String>) = redis::cmd("HMGET")
            .arg(key(tenant, &format!("coll:{id}")))
            .arg(&["record", "state"])
            .query_async(&mut self.conn())
            .await
            .map_err(backend)?;
        let Some(record) = record else { return Ok(None) };
        Ok(Some((serde_json::from_str(&record).map_err(corrupt)?, state_of(state.as_ref()))))
    }

    pub async fn progress(&self, tenant: &TenantId, id: &str) -> Result<Option<CollectionProgress>, FleetStoreError> {
        let mut conn = self.conn();
        let fields: BTreeMap<String, String> =
            conn.hgetall(key(tenant, &format!("coll:{id}"))).await.map_err(backend)?;
        let Some(record) = fields.get("record") else { return Ok(None) };
        let record: CollectionRecord = serde_json::from_str(record).map_err(corrupt)?;
        let state = state_of(fields.get("state"));
        let summary: Summary = match fields.get("summary") {
            Some(s) => serde_json::from_str(s).map_err(corrupt)?,
            None => Summary::default(),
        };
        let done = match state {
            CollectionState::Running => conn.hlen(key(tenant, &format!("coll:{id}:slices"))).await.map_err(backend)?,
            _ => record.slices.len() as u64,
        };
        Ok(Some(CollectionProgress::new(&record, state, done, summary, fields.get("reason").cloned())))
    }

    /// The newest collections first.
    pub async fn list(&self, tenant: &TenantId, limit: usize) -> Result<Vec<CollectionProgress>, FleetStoreError> {
        let ids: Vec<String> =
            self.conn().zrevrange(key(tenant, "colls"), 0, limit.clamp(1, 1000) as isize - 1).await.map_err(backend)?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(p) = self.progress(tenant, &id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Whether a job's slice is stored already (a redelivery need not read it again).
    pub async fn has_slice(&self, tenant: &TenantId, id: &str, job_id: &str) -> Result<bool, FleetStoreError> {
        self.conn().hexists(key(tenant, &format!("coll:{id}:slices")), job_id).await.map_err(backend)
    }

    /// Stores a job's slice (again, on a redelivery); returns how many of the
    /// collection's slices are stored now, counted in the same step.
    pub async fn put_slice(
        &self,
        tenant: &TenantId,
        id: &str,
        job_id: &str,
        result: &SliceResult,
    ) -> Result<u64, FleetStoreError> {
        let slices = key(tenant, &format!("coll:{id}:slices"));
        let (_, stored, _): ((), u64, ()) = redis::pipe()
            .atomic()
            .hset(&slices, job_id, json(result)?)
            .hlen(&slices)
            .expire(&slices, KEPT.as_secs() as i64)
            .query_async(&mut self.conn())
            .await
            .map_err(backend)?;
        Ok(stored)
    }

    /// Every stored slice of a collection.
    pub async fn slices(&self, tenant: &TenantId, id: &str) -> Result<Vec<SliceResult>, FleetStoreError> {
        let all: BTreeMap<String, String> =
            self.conn().hgetall(key(tenant, &format!("coll:{id}:slices"))).await.map_err(backend)?;
        all.values().map(|v| serde_json::from_str(v).map_err(corrupt)).collect()
    }

    /// The latest answers of every slice ever collected, by slice key.
    pub async fn current(&self, tenant: &TenantId) -> Result<BTreeMap<String, SliceResult>, FleetStoreError> {
        let all: BTreeMap<String, String> = self.conn().hgetall(key(tenant, "docs")).await.map_err(backend)?;
        all.into_iter().map(|(k, v)| Ok((k, serde_json::from_str(&v).map_err(corrupt)?))).collect()
    }

    /// Replaces the given slices' latest answers, and what they were refused.
    pub async fn replace_current(
        &self,
        tenant: &TenantId,
        slices: &BTreeMap<String, SliceResult>,
    ) -> Result<(), FleetStoreError> {
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (slice, result) in slices {
            pipe.hset(key(tenant, "docs"), slice, json(result)?);
            match result.denied.is_empty() {
                true => pipe.hdel(key(tenant, "denied"), slice),
                false => pipe.hset(key(tenant, "denied"), slice, json(&result.denied)?),
            };
        }
        pipe.query_async::<()>(&mut self.conn()).await.map_err(backend)
    }

    /// Ends a collection (idempotent) and drops its slices.
    pub async fn finish(
        &self,
        tenant: &TenantId,
        id: &str,
        state: CollectionState,
        mut summary: Summary,
        reason: Option<&str>,
    ) -> Result<(), FleetStoreError> {
        summary.finished_at.get_or_insert_with(Utc::now);
        let record = key(tenant, &format!("coll:{id}"));
        let mut fields = vec![("state", state_name(state).to_owned()), ("summary", json(&summary)?)];
        if let Some(r) = reason {
            fields.push(("reason", r.to_owned()));
        }
        redis::pipe()
            .atomic()
            .hset_multiple(&record, &fields)
            .del(key(tenant, &format!("coll:{id}:slices")))
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(backend)
    }

    /// Records the scan started after a collection.
    pub async fn set_scan_task(&self, tenant: &TenantId, id: &str, task_id: &str) -> Result<(), FleetStoreError> {
        let record = key(tenant, &format!("coll:{id}"));
        let summary: Option<String> = self.conn().hget(&record, "summary").await.map_err(backend)?;
        let mut summary: Summary = match summary {
            Some(s) => serde_json::from_str(&s).map_err(corrupt)?,
            None => Summary::default(),
        };
        summary.scan_task = Some(task_id.to_owned());
        self.conn().hset(&record, "summary", json(&summary)?).await.map_err(backend)
    }

    /// Takes the tenant's inventory turn for `ttl` (one collection at a time
    /// builds the inventory); `false` when another holds it.
    pub async fn lock(&self, tenant: &TenantId, owner: &str, ttl: Duration) -> Result<bool, FleetStoreError> {
        let set: Option<String> = redis::cmd("SET")
            .arg(key(tenant, "collecting"))
            .arg(owner)
            .arg("NX")
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async(&mut self.conn())
            .await
            .map_err(backend)?;
        Ok(set.is_some())
    }

    /// Gives the turn back, if `owner` still holds it.
    pub async fn unlock(&self, tenant: &TenantId, owner: &str) -> Result<(), FleetStoreError> {
        let key = key(tenant, "collecting");
        let held: Option<String> = self.conn().get(&key).await.map_err(backend)?;
        if held.as_deref() == Some(owner) {
            self.conn().del::<_, ()>(&key).await.map_err(backend)?;
        }
        Ok(())
    }

    /// The tenant's sealed session, if one is kept.
    pub async fn session(&self, tenant: &TenantId) -> Result<Option<String>, FleetStoreError> {
        self.conn().get(key(tenant, "session")).await.map_err(backend)
    }

    /// Keeps a sealed session until `ttl` has passed.
    pub async fn put_session(&self, tenant: &TenantId, sealed: &str, ttl: Duration) -> Result<(), FleetStoreError> {
        let ms = ttl.as_millis().max(1) as u64;
        self.conn().pset_ex(key(tenant, "session"), sealed, ms).await.map_err(backend)
    }

    pub async fn drop_session(&self, tenant: &TenantId) -> Result<(), FleetStoreError> {
        self.conn().del(key(tenant, "session")).await.map_err(backend)
    }
}
