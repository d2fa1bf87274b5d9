//! Where tenant accounts live.
//!
//! Saving an account is optimistic (compare the version, then write) and, in
//! the same atomic step, applies the quota grant the account implies and
//! appends the events it caused to the tenant's outbox. So the account, the
//! ledger and the event stream can never disagree, whatever crashes when.

mod auth;

pub use auth::{Access, Authenticator, Principal, hash_token};

use async_trait::async_trait;
use cspm_domain::{Account, TenantId};
use cspm_ledger::{AccountSaveOutcome, LedgerError, MemoryLedger, RedisLedger};
use redis::AsyncCommands;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("account store: {0}")]
    Backend(String),
    #[error("stored account of {0} is unreadable: {1}")]
    Corrupt(TenantId, String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// An account and the version it was read at.
#[derive(Debug, Clone)]
pub struct Versioned {
    pub version: u64,
    pub account: Account,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn load(&self, tenant: &TenantId) -> Result<Option<Versioned>, StoreError>;

    /// Saves `account` if the stored version is still `expected` (0: absent),
    /// applying its grant and queueing `events`. `Ok(None)` on a version conflict.
    async fn save(&self, account: &Account, expected: u64, events: &[String]) -> Result<Option<u64>, StoreError>;

    /// Makes `token_hash` the tenant's only read token.
    async fn rotate_token(&self, tenant: &TenantId, token_hash: &str) -> Result<(), StoreError>;

    async fn tenant_of_token(&self, token_hash: &str) -> Result<Option<TenantId>, StoreError>;

    /// Unpublished events of `tenant`, oldest first.
    async fn outbox(&self, tenant: &TenantId) -> Result<Vec<String>, StoreError>;

    async fn outbox_remove(&self, tenant: &TenantId, event: &str) -> Result<(), StoreError>;

    /// Tenants with unpublished events.
    async fn tenants_with_outbox(&self) -> Result<Vec<TenantId>, StoreError>;

    /// Whether the backend answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;
}

fn parse_account(tenant: &TenantId, json: &str) -> Result<Account, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(tenant.clone(), e.to_string()))
}

fn to_json(account: &Account) -> String {
    serde_json::to_string(account).expect("an account always serializes")
}

/// Accounts in Redis, beside the tenant's ledger keys (same hash tag).
pub struct RedisStore {
    ledger: RedisLedger,
}

/// Token digest → tenant, and `t:<tenant>` → its current digest, in one hash
/// so a rotation is one atomic step.
const TOKENS_KEY: &str = "cspm:tokens";

impl RedisStore {
    pub fn new(ledger: RedisLedger) -> Self {
        Self { ledger }
    }
}

fn backend(e: redis::RedisError) -> StoreError {
    StoreError::Backend(e.to_string())
}

#[async_trait]
impl AccountStore for RedisStore {
    async fn load(&self, tenant: &TenantId) -> Result<Option<Versioned>, StoreError> {
        match self.ledger.load_account(tenant).await? {
            (version, Some(json)) => Ok(Some(Versioned { version, account: parse_account(tenant, &json)? })),
            (_, None) => Ok(None),
        }
    }

    async fn save(&self, account: &Account, expected: u64, events: &[String]) -> Result<Option<u64>, StoreError> {
        let outcome = self
            .ledger
            .save_account(&account.tenant, expected, &to_json(account), account.quota_grant(), events)
            .await?;
        Ok(match outcome {
            AccountSaveOutcome::Saved { version } => Some(version),
            AccountSaveOutcome::VersionConflict { .. } => None,
        })
    }

    async fn rotate_token(&self, tenant: &TenantId, token_hash: &str) -> Result<(), StoreError> {
        self.ledger.rotate_token(TOKENS_KEY, &tenant.hash_tag(), token_hash).await?;
        // Before rotation was one step, the current token was kept in a key of
        // its own: retire a token issued then, so it stops working too.
        let legacy = format!("cspm:{{{}}}:token", tenant.hash_tag());
        let mut conn = self.ledger.connection();
        let old: Option<String> = conn.get(&legacy).await.map_err(backend)?;
        if let Some(old) = old.filter(|o| o != token_hash) {
            let _: () = conn.hdel(TOKENS_KEY, old).await.map_err(backend)?;
            let _: () = conn.del(&legacy).await.map_err(backend)?;
        }
        Ok(())
    }

    async fn tenant_of_token(&self, token_hash: &str) -> Result<Option<TenantId>, StoreError> {
        let mut conn = self.ledger.connection();
        let tag: Option<String> = conn.hget(TOKENS_KEY, token_hash).await.map_err(backend)?;
        Ok(tag.and_then(|t| TenantId::from_hash_tag(&t).ok()))
    }

    async fn outbox(&self, tenant: &TenantId) -> Result<Vec<String>, StoreError> {
        Ok(self.ledger.outbox(tenant).await?)
    }

    async fn outbox_remove(&self, tenant: &TenantId, event: &str) -> Result<(), StoreError> {
        Ok(self.ledger.outbox_remove(tenant, event).await?)
    }

    async fn tenants_with_outbox(&self) -> Result<Vec<TenantId>, StoreError> {
        let tags = self.ledger.tenants_with_outbox().await?;
        Ok(tags.iter().filter_map(|t| TenantId::from_hash_tag(t).ok()).collect())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.ledger.ping().await.map_err(StoreError::Backend)
    }
}

/// Accounts in process, for `cspm demo` and unit tests. Saving holds the
/// store's lock while it sets the grant on the in-process ledger, so a save
/// and its grant are one step here too.
pub struct MemoryStore {
    ledger: Arc<MemoryLedger>,
    inner: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    accounts: HashMap<TenantId, (u64, String)>,
    tokens: HashMap<String, TenantId>,
    outbox: HashMap<TenantId, Vec<String>>,
}

impl MemoryStore {
    pub fn new(ledger: Arc<MemoryLedger>) -> Self {
        Self { ledger, inner: Mutex::default() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl AccountStore for MemoryStore {
    async fn load(&self, tenant: &TenantId) -> Result<Option<Versioned>, StoreError> {
        let stored = self.state().accounts.get(tenant).cloned();
        stored.map(|(version, json)| Ok(Versioned { version, account: parse_account(tenant, &json)? })).transpose()
    }

    async fn save(&self, account: &Account, expected: u64, events: &[String]) -> Result<Option<u64>, StoreError> {
        let mut state = self.state();
        let current = state.accounts.get(&account.tenant).map_or(0, |(v, _)| *v);
        if current != expected {
            return Ok(None);
        }
        let grant = account.quota_grant();
        self.ledger.with_book(&account.tenant, |book, now| book.set_grant(grant, now))?;
        state.accounts.insert(account.tenant.clone(), (current + 1, to_json(account)));
        state.outbox.entry(account.tenant.clone()).or_default().extend(events.iter().cloned());
        Ok(Some(current + 1))
    }

    async fn rotate_token(&self, tenant: &TenantId, token_hash: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        state.tokens.retain(|_, t| t != tenant);
        state.tokens.insert(token_hash.to_owned(), tenant.clone());
        Ok(())
    }

    async fn tenant_of_token(&self, token_hash: &str) -> Result<Option<TenantId>, StoreError> {
        Ok(self.state().tokens.get(token_hash).cloned())
    }

    async fn outbox(&self, tenant: &TenantId) -> Result<Vec<String>, StoreError> {
        Ok(self.state().outbox.get(tenant).cloned().unwrap_or_default())
    }

    async fn outbox_remove(&self, tenant: &TenantId, event: &str) -> Result<(), StoreError> {
        if let Some(list) = self.state().outbox.get_mut(tenant)
            && let Some(i) = list.iter().position(|e| e == event)
        {
            list.remove(i);
        }
        Ok(())
    }

    async fn tenants_with_outbox(&self) -> Result<Vec<TenantId>, StoreError> {
        Ok(self.state().outbox.iter().filter(|(_, l)| !l.is_empty()).map(|(t, _)| t.clone()).collect())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
