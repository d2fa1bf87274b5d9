//! Publishing fleet messages.
//!
//! Subjects are versioned and namespaced: `cspm.v1.<kind>.<site>.<account>…`.
//! Every message carries an id used for de-duplication (`Nats-Msg-Id` on
//! JetStream), so a publisher that retries never delivers twice within the
//! stream's duplicate window.
//!
//! Work is distributed through a [`WorkQueue`]: a work-queue stream with one
//! durable pull consumer shared by every worker (explicit ack, ack wait, max
//! deliveries). A message that runs out of deliveries surfaces on
//! [`WorkQueue::exhausted`] so the fleet can dead-letter it.
//!
//! Two implementations of [`Bus`]: [`NatsBus`] (JetStream) for the fleet and
//! [`MemoryBus`] for the demo and unit tests; one contract suite runs against both.

mod memory;
mod memory_queue;
mod nats;
mod nats_queue;
mod queue;

pub use memory::MemoryBus;
pub use nats::{NatsBus, StreamSpec};
pub use queue::{Acker, Exhausted, Pulled, QueueSpec, Retention, Stored, WorkQueue};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;

/// The account events stream under subject root `root` (`cspm` in
/// production: stream `CSPM_ACCOUNT`, subjects `cspm.v1.account.>`).
pub fn account_stream(root: &str) -> StreamSpec {
    StreamSpec { name: format!("{}_ACCOUNT", root.to_uppercase()), subjects: format!("{root}.v1.account.>") }
}

/// `<root>.v1.account.<site>.<account>.<event>`
pub fn account_subject(root: &str, tenant_part: &str, event: &str) -> String {
    format!("{root}.v1.account.{tenant_part}.{event}")
}

/// A message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub subject: String,
    /// De-duplication id (`Nats-Msg-Id`).
    pub msg_id: String,
    /// Extra headers, e.g. W3C `traceparent`.
    pub headers: Vec<(String, String)>,
    pub payload: Bytes,
}

/// A message as delivered to a subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub subject: String,
    pub msg_id: String,
    pub headers: Vec<(String, String)>,
    pub payload: Bytes,
}

/// The header carrying the de-duplication id.
pub const MSG_ID_HEADER: &str = "Nats-Msg-Id";

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("message bus unavailable: {0}")]
    Unavailable(String),
    #[error("invalid subject {0:?}: tokens must be non-empty and free of spaces, '*' and '>'")]
    InvalidSubject(String),
}

#[async_trait]
pub trait Bus: Send + Sync {
    /// Publishes and waits until the bus has stored the message.
    async fn send(&self, message: Outgoing) -> Result<(), BusError>;

    /// Publishes without extra headers.
    async fn publish(&self, subject: &str, msg_id: &str, payload: Bytes) -> Result<(), BusError> {
        self.send(Outgoing { subject: subject.to_owned(), msg_id: msg_id.to_owned(), headers: Vec::new(), payload })
            .await
    }

    /// Messages stored from now on whose subject matches `filter` (NATS wildcards).
    async fn subscribe(&self, filter: &str) -> Result<BoxStream<'static, Delivered>, BusError>;

    /// The work queue `spec` describes, created if absent. Publishers call it
    /// too, so the stream exists before the first job is published.
    async fn work_queue(&self, spec: &QueueSpec) -> Result<std::sync::Arc<dyn WorkQueue>, BusError>;
}

/// Checks a concrete subject (no wildcards) before it is published.
pub fn validate_subject(subject: &str) -> Result<(), BusError> {
    let ok = !subject.is_empty()
        && subject.split('.').all(|t| !t.is_empty() && !t.contains([' ', '*', '>', '\t', '\r', '\n']));
    if ok { Ok(()) } else { Err(BusError::InvalidSubject(subject.to_owned())) }
}

/// Whether `subject` matches the NATS `filter` (`*` one token, `>` the rest).
pub fn subject_matches(filter: &str, subject: &str) -> bool {
    let mut f = filter.split('.');
    let mut s = subject.split('.');
    loop {
        match (f.next(), s.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_nats() {
        assert!(subject_matches("cspm.v1.account.>", "cspm.v1.account.cn.123.authorized"));
        assert!(subject_matches("cspm.v1.account.*.123.*", "cspm.v1.account.cn.123.authorized"));
        assert!(!subject_matches("cspm.v1.account.*.123.*", "cspm.v1.account.cn.124.authorized"));
        assert!(!subject_matches("cspm.v1.account.>", "cspm.v1.account"));
        assert!(!subject_matches("a.b", "a.b.c"));
    }

    #[test]
    fn subjects_are_validated() {
        assert!(validate_subject("cspm.v1.account.cn.1.authorized").is_ok());
        for bad in ["", "a..b", "a.*", "a.>", "a b"] {
            assert!(validate_subject(bad).is_err(), "{bad:?}");
        }
    }
}
