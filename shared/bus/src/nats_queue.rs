//! The JetStream work queue: a work-queue stream with one durable pull
//! consumer that every worker shares.
//!
//! JetStream has no dead-letter queue: after `max_deliver` deliveries a
//! message stays in the stream and the server sends a
//! `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`
//! advisory. [`WorkQueue::exhausted`] turns those advisories back into the
//! messages (read by sequence), and [`WorkQueue::discard`] deletes them once
//! they are dead-lettered.

use crate::BusError;
use crate::queue::*;
use async_nats::jetstream::{self, AckKind, consumer, stream};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::time::Duration;

pub(crate) struct NatsQueue {
    client: async_nats::Client,
    stream: stream::Stream,
    consumer: consumer::PullConsumer,
    spec: QueueSpec,
}

fn unavailable(e: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(e.to_string())
}

pub(crate) fn headers_of(h: Option<&async_nats::HeaderMap>) -> Vec<(String, String)> {
    h.map(|h| h.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (k.to_string(), v.as_str().to_owned()))).collect())
        .unwrap_or_default()
}

impl NatsQueue {
    /// Creates the stream and its durable consumer, or brings an existing
    /// consumer to `spec` (its ack wait and deliveries are what the
    /// settings say, not what they said when it was first created).
    pub(crate) async fn open(
        client: async_nats::Client,
        js: &jetstream::Context,
        spec: &QueueSpec,
    ) -> Result<Self, BusError> {
        let (retention, max_age, max_bytes) = match spec.retention {
            // A work item nobody took in a week is dropped (its task ends by its deadline).
            Retention::WorkQueue => (stream::RetentionPolicy::WorkQueue, Duration::from_secs(7 * 24 * 3600), -1),
            Retention::Limits { max_age, max_bytes } => (stream::RetentionPolicy::Limits, max_age, max_bytes),
        };
        let stream = js
            .get_or_create_stream(stream::Config {
                name: spec.stream.clone(),
                subjects: vec![spec.subjects.clone()],
                retention,
                max_age,
                max_bytes,
                discard: stream::DiscardPolicy::Old,
                storage: stream::StorageType::File,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(unavailable)?;
        if stream.cached_info().config.retention != retention {
            return Err(BusError::Unavailable(format!(
                "stream {} exists with another retention policy; remove it (nats stream rm {}) to have it recreated",
                spec.stream, spec.stream
            )));
        }
        let config = consumer::pull::Config {
            durable_name: Some(spec.consumer.clone()),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: spec.ack_wait,
            max_deliver: i64::from(spec.max_deliver),
            // No backoff: on JetStream its first step would replace the ack wait.
            max_ack_pending: i64::from(spec.max_ack_pending),
            ..Default::default()
        };
        let existing = stream.consumer_info(&spec.consumer).await.ok().map(|i| i.config);
        let stale = existing.as_ref().is_some_and(|c| {
            (c.ack_wait, c.max_deliver, c.backoff.is_empty(), c.max_ack_pending)
                != (config.ack_wait, config.max_deliver, true, config.max_ack_pending)
        });
        if stale {
            tracing::info!(consumer = %spec.consumer, stream = %spec.stream, "updating the consumer to the configured settings");
        }
        // Creating a durable that exists with other editable settings updates it.
        let consumer = stream.create_consumer(config).await.map_err(unavailable)?;
        Ok(Self { client, stream, consumer, spec: spec.clone() })
    }

    fn stored_of(m: async_nats::jetstream::message::StreamMessage) -> Stored {
        Stored { sequence: m.sequence, subject: m.subject.to_string(), payload: m.payload }
    }
}

/// Whether a JetStream API error says the message does not exist.
fn not_found(e: &impl std::fmt::Display) -> bool {
    let text = e.to_string().to_lowercase();
    text.contains("not found") || text.contains("no message")
}

#[async_trait]
impl WorkQueue for NatsQueue {
    async fn pull(&self, max: usize, wait: Duration) -> Result<Vec<Pulled>, BusError> {
        let mut batch = self
            .consumer
            .fetch()
            .max_messages(max.max(1))
            .expires(wait.max(Duration::from_millis(10)))
            .messages()
            .await
            .map_err(unavailable)?;
        let mut out = Vec::new();
        while let Some(m) = batch.next().await {
            let m = m.map_err(unavailable)?;
            let delivered = m.info().map(|i| i.delivered).unwrap_or(1).max(1) as u64;
            out.push(Pulled {
                subject: m.subject.to_string(),
                headers: headers_of(m.headers.as_ref()),
                payload: m.payload.clone(),
                delivered,
                acker: Box::new(NatsAcker(m)),
            });
        }
        Ok(out)
    }

    async fn exhausted(&self) -> Result<BoxStream<'static, Exhausted>, BusError> {
        let subject = format!("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{}.{}", self.spec.stream, self.spec.consumer);
        let advisories = self.client.subscribe(subject).await.map_err(unavailable)?;
        let stream = self.stream.clone();
        Ok(advisories
            .filter_map(move |advisory| {
                let stream = stream.clone();
                async move {
                    let a: serde_json::Value = serde_json::from_slice(&advisory.payload).ok()?;
                    let sequence = a.get("stream_seq")?.as_u64()?;
                    let deliveries = a.get("deliveries").and_then(|d| d.as_u64()).unwrap_or(0);
                    let m = stream.get_raw_message(sequence).await.ok()?;
                    Some(Exhausted {
                        subject: m.subject.to_string(),
                        headers: headers_of(Some(&m.headers)),
                        payload: m.payload,
                        deliveries,
                        sequence,
                    })
                }
            })
            .boxed())
    }

    async fn discard(&self, sequence: u64) -> Result<(), BusError> {
        match self.stream.delete_message(sequence).await {
            Ok(_) => Ok(()),
            // Already gone (another instance discarded it): nothing to do.
            Err(e) if not_found(&e) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn pending(&self) -> Result<u64, BusError> {
        let mut consumer = self.consumer.clone();
        let info = consumer.info().await.map_err(unavailable)?;
        Ok(info.num_pending + info.num_ack_pending as u64)
    }

    async fn stored(&self, filter: &str, from: u64, max: usize) -> Result<Vec<Stored>, BusError> {
        let mut out = Vec::new();
        let mut next = from.max(1);
        while out.len() < max {
            match self.stream.raw_message_builder().sequence(next).next_by_subject(filter).send().await {
                Ok(m) => {
                    next = m.sequence + 1;
                    out.push(Self::stored_of(m));
                }
                Err(e) if not_found(&e) => break,
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(out)
    }

    async fn stored_at(&self, sequence: u64) -> Result<Option<Stored>, BusError> {
        match self.stream.get_raw_message(sequence).await {
            Ok(m) => Ok(Some(Self::stored_of(m))),
            Err(e) if not_found(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn holds(&self, subject: &str) -> Result<bool, BusError> {
        match self.stream.get_last_raw_message_by_subject(subject).await {
            Ok(_) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Deletes message by message: a filtered purge would also move the
    /// shared consumer past earlier messages of other subjects (NATS 2.9).
    async fn remove(&self, subject: &str) -> Result<(), BusError> {
        loop {
            let sequence = match self.stream.get_last_raw_message_by_subject(subject).await {
                Ok(m) => m.sequence,
                Err(e) if not_found(&e) => return Ok(()),
                Err(e) => return Err(unavailable(e)),
            };
            self.discard(sequence).await?;
        }
    }
}

struct NatsAcker(jetstream::Message);

#[async_trait]
impl Acker for NatsAcker {
    async fn ack(&self) -> Result<(), BusError> {
        // Double ack: the server confirms, so an acknowledged job is really done.
        self.0.double_ack().await.map_err(unavailable)
    }

    async fn nak(&self, delay: Duration) -> Result<(), BusError> {
        self.0.ack_with(AckKind::Nak(Some(delay))).await.map_err(unavailable)
    }

    async fn progress(&self) -> Result<(), BusError> {
        self.0.ack_with(AckKind::Progress).await.map_err(unavailable)
    }

    async fn term(&self) -> Result<(), BusError> {
        self.0.ack_with(AckKind::Term).await.map_err(unavailable)
    }
}
