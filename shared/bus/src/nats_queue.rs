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
    pub(crate) async fn open(
        client: async_nats::Client,
        js: &jetstream::Context,
        spec: &QueueSpec,
    ) -> Result<Self, BusError> {
        let stream = js
            .get_or_create_stream(stream::Config {
                name: spec.stream.clone(),
                subjects: vec![spec.subjects.clone()],
                retention: stream::RetentionPolicy::WorkQueue,
                storage: stream::StorageType::File,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(unavailable)?;
        let consumer = stream
            .get_or_create_consumer(
                &spec.consumer,
                consumer::pull::Config {
                    durable_name: Some(spec.consumer.clone()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: spec.ack_wait,
                    max_deliver: i64::from(spec.max_deliver),
                    backoff: spec.backoff.clone(),
                    max_ack_pending: i64::from(spec.max_ack_pending),
                    ..Default::default()
                },
            )
            .await
            .map_err(unavailable)?;
        Ok(Self { client, stream, consumer, spec: spec.clone() })
    }
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
            Err(e) if e.to_string().contains("not found") => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn pending(&self) -> Result<u64, BusError> {
        let mut consumer = self.consumer.clone();
        let info = consumer.info().await.map_err(unavailable)?;
        Ok(info.num_pending + info.num_ack_pending as u64)
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
