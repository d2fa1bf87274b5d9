//! Account events on the bus: `cspm.v1.account.<site>.<account>.<event>`.
//!
//! A change and its events are saved together (the events go to the tenant's
//! outbox in the same atomic step); they are then published and removed from
//! the outbox once the stream acknowledged them. Whatever fails — NATS down,
//! the process killed in between — the periodic retry publishes them later.
//! The message id (`<site>:<account>:v<version>:<event>`) makes a re-publish a
//! duplicate the stream drops.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use cspm_accounts::AccountStore;
use cspm_bus::{Bus, account_subject};
use cspm_domain::billing::QuotaGrant;
use cspm_domain::edition::EditionPlan;
use cspm_domain::{Account, AccountEvent, TenantId};
use prometheus::IntCounterVec;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub const SCHEMA: &str = "cspm.account_event.v1";
pub const ACCOUNT_EVENTS_TOTAL: &str = "cspm_account_events_total";

/// The message body of an account event (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountEventMessage {
    pub schema: String,
    pub event_id: String,
    pub event: AccountEvent,
    pub tenant: TenantId,
    /// The account version this event produced.
    pub account_version: u64,
    pub occurred_at: DateTime<Utc>,
    pub authorized: bool,
    pub edition: EditionPlan,
    pub cspm_billing: String,
    pub quota_grant: QuotaGrant,
}

impl AccountEventMessage {
    pub fn new(account: &Account, version: u64, event: AccountEvent, now: DateTime<Utc>) -> Self {
        Self {
            schema: SCHEMA.to_owned(),
            event_id: format!("{}:v{version}:{}", account.tenant.hash_tag(), event.as_str()),
            event,
            tenant: account.tenant.clone(),
            account_version: version,
            occurred_at: now,
            authorized: account.is_authorized(),
            edition: account.edition_plan,
            cspm_billing: account.cspm.method().to_owned(),
            quota_grant: account.quota_grant(),
        }
    }

    /// `<root>.v1.account.<site>.<account>.<event>`
    pub fn subject(&self, root: &str) -> String {
        account_subject(root, &self.tenant.subject_part(), self.event.as_str())
    }
}

#[derive(Clone)]
pub struct EventPublisher {
    store: Arc<dyn AccountStore>,
    bus: Arc<dyn Bus>,
    /// The fleet's subject root (`cspm` in production).
    root: String,
    published: IntCounterVec,
}

impl EventPublisher {
    pub fn new(store: Arc<dyn AccountStore>, bus: Arc<dyn Bus>, root: &str, registry: &prometheus::Registry) -> Self {
        let published = cspm_runtime::metrics::counter(
            registry,
            ACCOUNT_EVENTS_TOTAL,
            "Account events by event and result (published, retry, dropped)",
            &["event", "result"],
        );
        Self { store, bus, root: root.to_owned(), published }
    }

    /// Publishes the tenant's outbox in order; stops at the first failure
    /// (the rest waits for the retry loop, so order is kept).
    pub async fn flush(&self, tenant: &TenantId) -> Result<usize, String> {
        let entries = self.store.outbox(tenant).await.map_err(|e| e.to_string())?;
        let mut sent = 0;
        for entry in entries {
            let Ok(message) = serde_json::from_str::<AccountEventMessage>(&entry) else {
                // Only this service writes the outbox; an unreadable entry would block it forever.
                tracing::error!(%tenant, "dropping an unreadable outbox entry");
                self.published.with_label_values(&["unknown", "dropped"]).inc();
                self.store.outbox_remove(tenant, &entry).await.map_err(|e| e.to_string())?;
                continue;
            };
            let event = message.event.as_str();
            if let Err(e) =
                self.bus.publish(&message.subject(&self.root), &message.event_id, Bytes::from(entry.clone())).await
            {
                self.published.with_label_values(&[event, "retry"]).inc();
                return Err(e.to_string());
            }
            self.store.outbox_remove(tenant, &entry).await.map_err(|e| e.to_string())?;
            self.published.with_label_values(&[event, "published"]).inc();
            sent += 1;
        }
        Ok(sent)
    }

    /// Retries every tenant's outbox every `every` until `shutdown` resolves.
    pub async fn retry_loop(self, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(every) => {}
            }
            match self.store.tenants_with_outbox().await {
                Ok(tenants) => {
                    for tenant in tenants {
                        if let Err(e) = self.flush(&tenant).await {
                            tracing::warn!(%tenant, error = %e, "account events still unpublished; will retry");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list pending account events"),
            }
        }
    }
}
