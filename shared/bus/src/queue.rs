//! The work-queue contract shared by the NATS and in-process queues.

use crate::BusError;
use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use std::time::Duration;

/// How long a queue's stream keeps a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Until it is acknowledged (or terminated).
    WorkQueue,
    /// Also after it is acknowledged, until it is older than `max_age` or the
    /// stream holds more than `max_bytes` (oldest go first): for messages
    /// people read later, such as dead letters.
    Limits { max_age: Duration, max_bytes: i64 },
}

/// A stream and its one shared durable consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    pub stream: String,
    pub retention: Retention,
    /// Subjects the stream stores, e.g. `cspm.v1.job.>`.
    pub subjects: String,
    /// The durable consumer every worker pulls from.
    pub consumer: String,
    /// How long a pulled message may stay unacknowledged before redelivery.
    pub ack_wait: Duration,
    /// Deliveries after which a message is exhausted.
    pub max_deliver: u32,
    /// Messages that may be in flight across all workers.
    pub max_ack_pending: u32,
}

/// A pulled message. Exactly one of ack / nak / term should end it; until
/// then `progress` keeps it from being redelivered.
pub struct Pulled {
    pub subject: String,
    pub headers: Vec<(String, String)>,
    pub payload: Bytes,
    /// 1 on the first delivery.
    pub delivered: u64,
    pub acker: Box<dyn Acker>,
}

impl Pulled {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[async_trait]
pub trait Acker: Send + Sync {
    /// Done: remove the message.
    async fn ack(&self) -> Result<(), BusError>;
    /// Failed for now: deliver again after `delay`.
    async fn nak(&self, delay: Duration) -> Result<(), BusError>;
    /// Still working: restart the ack-wait clock.
    async fn progress(&self) -> Result<(), BusError>;
    /// Never deliver again (the caller has dead-lettered it).
    async fn term(&self) -> Result<(), BusError>;
}

/// A message that ran out of deliveries without being acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhausted {
    pub subject: String,
    pub headers: Vec<(String, String)>,
    pub payload: Bytes,
    pub deliveries: u64,
    /// Its position in the stream, for [`WorkQueue::discard`].
    pub sequence: u64,
}

/// A message as the stream keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sequence: u64,
    pub subject: String,
    pub payload: Bytes,
}

#[async_trait]
pub trait WorkQueue: Send + Sync {
    /// Up to `max` messages, waiting at most `wait` for the first.
    async fn pull(&self, max: usize, wait: Duration) -> Result<Vec<Pulled>, BusError>;

    /// Messages that ran out of deliveries, as they do.
    async fn exhausted(&self) -> Result<BoxStream<'static, Exhausted>, BusError>;

    /// Removes an exhausted message once it has been dead-lettered.
    async fn discard(&self, sequence: u64) -> Result<(), BusError>;

    /// Messages not yet acknowledged (waiting or in flight): the consumer's lag.
    async fn pending(&self) -> Result<u64, BusError>;

    /// Up to `max` stored messages whose subject matches `filter`, from
    /// sequence `from` on, oldest first (with [`Retention::Limits`], also
    /// acknowledged ones).
    async fn stored(&self, filter: &str, from: u64, max: usize) -> Result<Vec<Stored>, BusError>;

    /// The stored message at `sequence`, if the stream still holds it.
    async fn stored_at(&self, sequence: u64) -> Result<Option<Stored>, BusError>;

    /// Whether the stream still holds a message on exactly `subject`.
    async fn holds(&self, subject: &str) -> Result<bool, BusError>;

    /// Removes every stored message on exactly `subject`.
    async fn remove(&self, subject: &str) -> Result<(), BusError>;
}
