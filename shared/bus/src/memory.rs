//! The in-process bus: a broadcast channel, with de-duplication by message id.

use crate::{Bus, BusError, Delivered, subject_matches, validate_subject};
use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::HashSet;
use std::sync::Mutex;
use tokio::sync::broadcast;

pub struct MemoryBus {
    tx: broadcast::Sender<Delivered>,
    seen: Mutex<HashSet<String>>,
}

impl Default for MemoryBus {
    fn default() -> Self {
        Self { tx: broadcast::channel(4096).0, seen: Mutex::default() }
    }
}

#[async_trait]
impl Bus for MemoryBus {
    async fn publish(&self, subject: &str, msg_id: &str, payload: Bytes) -> Result<(), BusError> {
        validate_subject(subject)?;
        let fresh = self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(msg_id.to_owned());
        if fresh {
            // No subscriber is not an error: the message is simply not seen.
            let _ = self.tx.send(Delivered { subject: subject.to_owned(), msg_id: msg_id.to_owned(), payload });
        }
        Ok(())
    }

    async fn subscribe(&self, filter: &str) -> Result<BoxStream<'static, Delivered>, BusError> {
        let filter = filter.to_owned();
        let rx = tokio_stream_from(self.tx.subscribe());
        Ok(rx.filter(move |m| std::future::ready(subject_matches(&filter, &m.subject))).boxed())
    }
}

fn tokio_stream_from(rx: broadcast::Receiver<Delivered>) -> BoxStream<'static, Delivered> {
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(m) => return Some((m, rx)),
                // A slow subscriber skips what it missed rather than stopping.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}
