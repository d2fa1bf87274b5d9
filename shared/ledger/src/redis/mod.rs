//! The Redis ledger: each call is one `FCALL` of the `cspm_ledger_v1`
//! library in `ledger.lua`, so it is one atomic step on the server.
//!
//! The library is loaded (`FUNCTION LOAD REPLACE`) when the ledger connects,
//! and again whenever a call answers that the function does not exist (a
//! restarted server without persistence, `FUNCTION FLUSH`); the call is then
//! retried once, so such a restart fails no call.

use crate::QuotaLedger;
use crate::clock::Clock;
use crate::types::*;
use async_trait::async_trait;
use cspm_domain::TenantId;
use cspm_domain::billing::{GrantLimit, QuotaGrant};
use redis::aio::ConnectionManager;
use std::time::Duration;

mod pool;
pub use pool::{RedisOptions, RedisPool};

const LIBRARY: &str = include_str!("ledger.lua");

/// The Redis keys of one tenant. They share the hash tag `{site:account}`, so
/// every function call touches one Cluster slot.
struct TenantKeys([String; 7]);

impl TenantKeys {
    fn new(tenant: &TenantId) -> Self {
        let tag = tenant.hash_tag();
        TenantKeys(
            ["grant", "res", "lease", "done", "done_at", "account", "outbox"].map(|k| format!("cspm:{{{tag}}}:{k}")),
        )
    }

    /// The five ledger keys (the account document is only for `save_account`).
    fn ledger(&self) -> &[String] {
        &self.0[..5]
    }

    fn account(&self) -> &str {
        &self.0[5]
    }

    fn outbox(&self) -> &str {
        &self.0[6]
    }
}

/// A Redis Functions library: loaded when created, and reloaded whenever a
/// call answers "Function not found" (a restarted server without persistence,
/// `FUNCTION FLUSH`), after which the call is retried once.
#[derive(Clone)]
pub struct FunctionLibrary {
    pool: RedisPool,
    code: &'static str,
}

impl FunctionLibrary {
    pub async fn load(pool: RedisPool, code: &'static str) -> Result<Self, redis::RedisError> {
        let lib = Self { pool, code };
        lib.reload().await?;
        Ok(lib)
    }

    async fn reload(&self) -> Result<(), redis::RedisError> {
        let mut conn = self.connection();
        redis::cmd("FUNCTION")
            .arg("LOAD")
            .arg("REPLACE")
            .arg(self.code)
            .query_async::<String>(&mut conn)
            .await
            .map(drop)
    }

    /// `FCALL function <keys> <args>`, expecting an array of strings.
    pub async fn call(
        &self,
        function: &str,
        keys: &[String],
        args: &[String],
    ) -> Result<Vec<String>, redis::RedisError> {
        let mut cmd = redis::cmd("FCALL");
        cmd.arg(function).arg(keys.len()).arg(keys).arg(args);
        let mut conn = self.connection();
        match cmd.query_async::<Vec<String>>(&mut conn).await {
            Err(e) if e.to_string().contains("Function not found") => {
                tracing::warn!(function, "Redis functions missing on the server; reloading the library");
                self.reload().await?;
                cmd.query_async(&mut conn).await
            }
            other => other,
        }
    }

    pub fn connection(&self) -> ConnectionManager {
        self.pool.get()
    }

    pub fn pool(&self) -> &RedisPool {
        &self.pool
    }
}

#[derive(Clone)]
pub struct RedisLedger {
    functions: FunctionLibrary,
    clock: Clock,
}

/// Outcome of [`RedisLedger::save_account`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSaveOutcome {
    Saved {
        version: u64,
    },
    /// Someone saved first; re-read and try again.
    VersionConflict {
        current: u64,
    },
}

impl RedisLedger {
    /// Connects with default options and loads the function library.
    pub async fn connect(url: &str, clock: Clock) -> Result<Self, LedgerError> {
        Self::connect_with(&RedisOptions::new(url), clock).await
    }

    pub async fn connect_with(options: &RedisOptions, clock: Clock) -> Result<Self, LedgerError> {
        let pool = RedisPool::connect(options).await.map_err(backend)?;
        Ok(Self { functions: FunctionLibrary::load(pool, LIBRARY).await.map_err(backend)?, clock })
    }

    /// Whether the server answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), String> {
        let mut conn = self.connection();
        redis::cmd("PING").query_async::<String>(&mut conn).await.map(drop).map_err(|e| e.to_string())
    }

    /// A connection, for callers that keep their own data beside the ledger.
    pub fn connection(&self) -> ConnectionManager {
        self.functions.connection()
    }

    /// The connections, for stores that load function libraries of their own.
    pub fn pool(&self) -> RedisPool {
        self.functions.pool().clone()
    }

    fn now_arg(&self) -> String {
        self.clock.manual_ms().map(|ms| ms.to_string()).unwrap_or_default()
    }

    /// Calls a ledger function with "now" as the first argument.
    async fn fcall(&self, function: &str, keys: &[String], args: &[String]) -> Result<Vec<String>, LedgerError> {
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.now_arg());
        all.extend_from_slice(args);
        self.functions.call(function, keys, &all).await.map_err(backend)
    }

    /// Saves a tenant's account document if it is still at `expected_version`,
    /// applies `grant` to the ledger and appends `events` to the tenant's
    /// outbox, all in one atomic step.
    pub async fn save_account(
        &self,
        tenant: &TenantId,
        expected_version: u64,
        account_json: &str,
        grant: QuotaGrant,
        events: &[String],
    ) -> Result<AccountSaveOutcome, LedgerError> {
        let keys = TenantKeys::new(tenant);
        let mut args = vec![expected_version.to_string(), account_json.to_owned()];
        args.extend(grant_args(grant));
        args.extend(events.iter().cloned());
        let reply = self.fcall("cspm_account_save", &keys.0, &args).await?;
        match reply.first().map(String::as_str) {
            Some("saved") => Ok(AccountSaveOutcome::Saved { version: field(&reply, 1)? }),
            Some("err") if reply.get(1).map(String::as_str) == Some("version_conflict") => {
                Ok(AccountSaveOutcome::VersionConflict { current: field(&reply, 2)? })
            }
            _ => Err(error_reply(&reply, None)),
        }
    }

    /// Makes `digest` the only token of the tenant `tag` in the token index
    /// `index` (one atomic step; the previous token stops working).
    pub async fn rotate_token(&self, index: &str, tag: &str, digest: &str) -> Result<(), LedgerError> {
        let reply =
            self.functions.call("cspm_rotate_token", &[index.to_owned()], &[tag.to_owned(), digest.to_owned()]).await;
        match reply.map_err(backend)?.first().map(String::as_str) {
            Some("rotated") => Ok(()),
            _ => Err(LedgerError::Backend("unexpected reply to a token rotation".into())),
        }
    }

    /// Loads a tenant's account document and its version (0 when absent).
    pub async fn load_account(&self, tenant: &TenantId) -> Result<(u64, Option<String>), LedgerError> {
        let keys = TenantKeys::new(tenant);
        let mut conn = self.connection();
        let (version, json): (Option<u64>, Option<String>) = redis::cmd("HMGET")
            .arg(keys.account())
            .arg("v")
            .arg("json")
            .query_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok((version.unwrap_or(0), json))
    }
}

impl RedisLedger {
    /// The tenant's unpublished account events, oldest first.
    pub async fn outbox(&self, tenant: &TenantId) -> Result<Vec<String>, LedgerError> {
        let mut conn = self.connection();
        redis::cmd("LRANGE")
            .arg(TenantKeys::new(tenant).outbox())
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await
            .map_err(backend)
    }

    /// Removes one published event from the tenant's outbox.
    pub async fn outbox_remove(&self, tenant: &TenantId, event: &str) -> Result<(), LedgerError> {
        let mut conn = self.connection();
        redis::cmd("LREM")
            .arg(TenantKeys::new(tenant).outbox())
            .arg(1)
            .arg(event)
            .query_async::<i64>(&mut conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Tenants whose outbox holds events (a SCAN; for the periodic retry).
    pub async fn tenants_with_outbox(&self) -> Result<Vec<String>, LedgerError> {
        let mut conn = self.connection();
        let mut cursor = 0u64;
        let mut tags = Vec::new();
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg("cspm:{*}:outbox")
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await
                .map_err(backend)?;
            tags.extend(keys.iter().filter_map(|k| Some(k.get(k.find('{')? + 1..k.find('}')?)?.to_owned())));
            if next == 0 {
                return Ok(tags);
            }
            cursor = next;
        }
    }
}

#[async_trait]
impl QuotaLedger for RedisLedger {
    async fn set_grant(&self, tenant: &TenantId, grant: QuotaGrant) -> Result<Snapshot, LedgerError> {
        let reply = self.fcall("cspm_grant", TenantKeys::new(tenant).ledger(), &grant_args(grant)).await?;
        parse_snapshot(&reply)
    }

    async fn reserve(
        &self,
        tenant: &TenantId,
        job: &JobId,
        request: ReserveRequest,
    ) -> Result<ReserveOutcome, LedgerError> {
        request.validate()?;
        let mode = match request.mode {
            ReserveMode::AllOrNothing => "all",
            ReserveMode::UpTo => "up_to",
        };
        let args = [job.to_string(), request.units.to_string(), mode.to_owned(), lease_ms(request.lease)];
        let reply = self.fcall("cspm_reserve", TenantKeys::new(tenant).ledger(), &args).await?;
        match reply.first().map(String::as_str) {
            Some("reserved") => Ok(ReserveOutcome::Reserved {
                units: field(&reply, 1)?,
                repeated: reply.get(2).map(String::as_str) == Some("1"),
                lease_until_ms: field(&reply, 3)?,
            }),
            Some("already_committed") => Ok(ReserveOutcome::AlreadyCommitted { units: field(&reply, 1)? }),
            Some("refused") => Ok(ReserveOutcome::Refused {
                reason: match reply.get(1).map(String::as_str) {
                    Some("closed") => Refusal::Closed,
                    Some("expired") => Refusal::Expired,
                    _ => Refusal::Exhausted,
                },
                needed: field(&reply, 2)?,
                remaining: field(&reply, 3)?,
            }),
            _ => Err(error_reply(&reply, Some(job))),
        }
    }

    async fn commit(&self, tenant: &TenantId, job: &JobId, units_used: u64) -> Result<CommitOutcome, LedgerError> {
        let args = [job.to_string(), units_used.to_string()];
        let reply = self.fcall("cspm_commit", TenantKeys::new(tenant).ledger(), &args).await?;
        match reply.first().map(String::as_str) {
            Some("committed") => Ok(CommitOutcome {
                charged: field(&reply, 1)?,
                returned: field(&reply, 2)?,
                repeated: reply.get(3).map(String::as_str) == Some("1"),
            }),
            _ => Err(error_reply(&reply, Some(job))),
        }
    }

    async fn release(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        let reply = self.fcall("cspm_release", TenantKeys::new(tenant).ledger(), &[job.to_string()]).await?;
        match reply.first().map(String::as_str) {
            Some("released") => field(&reply, 1),
            _ => Err(error_reply(&reply, Some(job))),
        }
    }

    async fn committed(&self, tenant: &TenantId, job: &JobId) -> Result<Option<u64>, LedgerError> {
        let mut conn = self.connection();
        let done: Option<u64> = redis::cmd("HGET")
            .arg(&TenantKeys::new(tenant).0[3])
            .arg(job.as_str())
            .query_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(done)
    }

    async fn settle(&self, tenant: &TenantId, job: &JobId) -> Result<u64, LedgerError> {
        let reply = self.fcall("cspm_settle", TenantKeys::new(tenant).ledger(), &[job.to_string()]).await?;
        match reply.first().map(String::as_str) {
            Some("settled") => field(&reply, 1),
            _ => Err(error_reply(&reply, Some(job))),
        }
    }

    async fn extend(&self, tenant: &TenantId, job: &JobId, lease: Duration) -> Result<(), LedgerError> {
        validate_lease(lease)?;
        let reply =
            self.fcall("cspm_extend", TenantKeys::new(tenant).ledger(), &[job.to_string(), lease_ms(lease)]).await?;
        match reply.first().map(String::as_str) {
            Some("extended") => Ok(()),
            _ => Err(error_reply(&reply, Some(job))),
        }
    }

    async fn snapshot(&self, tenant: &TenantId) -> Result<Snapshot, LedgerError> {
        let reply = self.fcall("cspm_snapshot", TenantKeys::new(tenant).ledger(), &[]).await?;
        parse_snapshot(&reply)
    }
}

fn backend(e: redis::RedisError) -> LedgerError {
    LedgerError::Backend(e.to_string())
}

fn lease_ms(lease: Duration) -> String {
    lease.as_millis().to_string()
}

fn grant_args(grant: QuotaGrant) -> [String; 4] {
    let (kind, limit) = match grant.limit {
        GrantLimit::Closed => ("closed", 0),
        GrantLimit::Units(n) => ("units", n),
        GrantLimit::Unlimited => ("unlimited", 0),
    };
    [
        kind.to_owned(),
        limit.to_string(),
        grant.period.to_string(),
        grant.expires_at.map_or(0, |t| t.timestamp_millis()).to_string(),
    ]
}

fn field<T: std::str::FromStr>(reply: &[String], i: usize) -> Result<T, LedgerError> {
    reply
        .get(i)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| LedgerError::Backend(format!("unexpected ledger reply {reply:?}")))
}

fn parse_snapshot(reply: &[String]) -> Result<Snapshot, LedgerError> {
    if reply.first().map(String::as_str) != Some("snapshot") {
        return Err(error_reply(reply, None));
    }
    let limit_units: u64 = field(reply, 2)?;
    let limit = match reply.get(1).map(String::as_str) {
        Some("units") => GrantLimit::Units(limit_units),
        Some("unlimited") => GrantLimit::Unlimited,
        _ => GrantLimit::Closed,
    };
    let expires: i64 = field(reply, 4)?;
    let remaining: i64 = field(reply, 7)?;
    Ok(Snapshot {
        limit,
        bound: (limit != GrantLimit::Unlimited).then_some(limit_units),
        period: field(reply, 3)?,
        expires_at_ms: (expires > 0).then_some(expires),
        used: field(reply, 5)?,
        reserved: field(reply, 6)?,
        remaining: u64::try_from(remaining).ok(),
        reservations: field(reply, 8)?,
    })
}

/// Maps an `{'err', code, a, b}` reply to the ledger's error.
fn error_reply(reply: &[String], job: Option<&JobId>) -> LedgerError {
    let num = |i| field::<u64>(reply, i).unwrap_or(0);
    let job = || job.cloned().unwrap_or_else(|| JobId::new("?").expect("literal job id is valid"));
    match (reply.first().map(String::as_str), reply.get(1).map(String::as_str)) {
        (Some("err"), Some("no_reservation")) => LedgerError::NoReservation(job()),
        (Some("err"), Some("exceeds_reservation")) => {
            LedgerError::ExceedsReservation { job: job(), reserved: num(2), requested: num(3) }
        }
        (Some("err"), Some("grant_below_usage")) => LedgerError::GrantBelowUsage { needed: num(2), limit: num(3) },
        (Some("err"), Some("stale_grant")) => LedgerError::StaleGrant { current: num(2), offered: num(3) },
        _ => LedgerError::Backend(format!("unexpected ledger reply {reply:?}")),
    }
}
