//! The NATS JetStream bus. Streams are created (or updated) when the bus
//! connects; publishing waits for the stream's acknowledgement, so a message
//! that was acknowledged is stored. `Nats-Msg-Id` de-duplicates retries.

use crate::nats_queue::{NatsQueue, headers_of};
use crate::{Bus, BusError, Delivered, MSG_ID_HEADER, Outgoing, QueueSpec, WorkQueue, validate_subject};
use async_nats::jetstream::{self, consumer, stream};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::time::Duration;

/// A stream the bus makes sure exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSpec {
    pub name: String,
    pub subjects: String,
}

#[derive(Clone)]
pub struct NatsBus {
    client: async_nats::Client,
    js: jetstream::Context,
}

impl NatsBus {
    /// Connects and makes sure `streams` exist.
    pub async fn connect(url: &str, streams: &[StreamSpec]) -> Result<Self, BusError> {
        Self::connect_as(url, None, streams).await
    }

    /// Connects as `user` (user, password) when given, and makes sure
    /// `streams` exist. A user's replies (JetStream acks, API answers, pulled
    /// messages) come to `_INBOX.<user>.…`: the server lets each user read its
    /// own inboxes only (`deploy/nats/nats-server.conf`), so no user sees
    /// another's jobs or results through a shared `_INBOX.>`.
    pub async fn connect_as(url: &str, user: Option<(&str, &str)>, streams: &[StreamSpec]) -> Result<Self, BusError> {
        // async-nats 0.51 ignores `user:password@` in the URL and would
        // connect without them: refuse instead of failing later, unexplained.
        if url.parse::<async_nats::ServerAddr>().is_ok_and(|a| a.has_user_pass()) {
            return Err(BusError::Unavailable(
                "credentials in the NATS URL are ignored by the client: set nats.user and nats.password".into(),
            ));
        }
        let mut options = async_nats::ConnectOptions::new().connection_timeout(Duration::from_secs(5));
        if let Some((name, password)) = user {
            let inbox = format!("_INBOX.{name}");
            validate_subject(&inbox)?;
            options = options.user_and_password(name.to_owned(), password.to_owned()).custom_inbox_prefix(inbox);
        }
        let client = options.connect(url).await.map_err(unavailable)?;
        let js = jetstream::new(client.clone());
        let bus = Self { client, js };
        for spec in streams {
            bus.ensure_stream(spec).await?;
        }
        Ok(bus)
    }

    async fn ensure_stream(&self, spec: &StreamSpec) -> Result<(), BusError> {
        let config = stream::Config {
            name: spec.name.clone(),
            subjects: vec![spec.subjects.clone()],
            storage: stream::StorageType::File,
            max_age: Duration::from_secs(30 * 24 * 3600),
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        };
        self.js.get_or_create_stream(config).await.map_err(unavailable)?;
        Ok(())
    }

    /// The underlying client (for readiness checks and subscribers).
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    /// Whether the server answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), String> {
        self.client.flush().await.map_err(|e| e.to_string())?;
        match self.client.connection_state() {
            async_nats::connection::State::Connected => Ok(()),
            other => Err(format!("connection {other:?}")),
        }
    }
}

#[async_trait]
impl Bus for NatsBus {
    async fn send(&self, m: Outgoing) -> Result<(), BusError> {
        validate_subject(&m.subject)?;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(MSG_ID_HEADER, m.msg_id.as_str());
        for (k, v) in &m.headers {
            headers.insert(k.as_str(), v.as_str());
        }
        let ack = self.js.publish_with_headers(m.subject, headers, m.payload).await.map_err(unavailable)?;
        ack.await.map_err(unavailable)?;
        Ok(())
    }

    async fn work_queue(&self, spec: &QueueSpec) -> Result<std::sync::Arc<dyn WorkQueue>, BusError> {
        Ok(std::sync::Arc::new(NatsQueue::open(self.client.clone(), &self.js, spec).await?))
    }

    /// Reads the stream holding `filter` from now on, through an ephemeral
    /// consumer: what a subscriber sees is what the stream stored, so a
    /// de-duplicated retry is seen once, as on the in-process bus.
    async fn subscribe(&self, filter: &str) -> Result<BoxStream<'static, Delivered>, BusError> {
        let name = self.js.stream_by_subject(filter.to_owned()).await.map_err(unavailable)?;
        let stream = self.js.get_stream(name).await.map_err(unavailable)?;
        let consumer = stream
            .create_consumer(consumer::pull::Config {
                filter_subject: filter.to_owned(),
                deliver_policy: consumer::DeliverPolicy::New,
                ack_policy: consumer::AckPolicy::None,
                inactive_threshold: Duration::from_secs(60),
                ..Default::default()
            })
            .await
            .map_err(unavailable)?;
        let messages = consumer.messages().await.map_err(unavailable)?;
        Ok(messages
            .filter_map(|m| async move {
                let m = m.ok()?;
                let headers = headers_of(m.headers.as_ref());
                let msg_id =
                    headers.iter().find(|(k, _)| k == MSG_ID_HEADER).map(|(_, v)| v.clone()).unwrap_or_default();
                Some(Delivered { subject: m.subject.to_string(), msg_id, headers, payload: m.payload.clone() })
            })
            .boxed())
    }
}

fn unavailable(e: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(e.to_string())
}
