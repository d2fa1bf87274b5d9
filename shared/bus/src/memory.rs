//! The in-process bus: a broadcast channel for subscribers, work queues for
//! streams declared with [`Bus::work_queue`], and de-duplication by message id.

use crate::memory_queue::MemoryQueue;
use crate::{Bus, BusError, Delivered, Outgoing, QueueSpec, WorkQueue, subject_matches, validate_subject};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast;

pub struct MemoryBus {
    tx: broadcast::Sender<Delivered>,
    seen: Mutex<HashSet<String>>,
    queues: Mutex<HashMap<String, Arc<MemoryQueue>>>,
}

impl Default for MemoryBus {
    fn default() -> Self {
        Self { tx: broadcast::channel(65536).0, seen: Mutex::default(), queues: Mutex::default() }
    }
}

#[async_trait]
impl Bus for MemoryBus {
    async fn send(&self, m: Outgoing) -> Result<(), BusError> {
        validate_subject(&m.subject)?;
        let fresh = self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(m.msg_id.clone());
        if !fresh {
            return Ok(());
        }
        let queues: Vec<Arc<MemoryQueue>> =
            self.queues.lock().unwrap_or_else(PoisonError::into_inner).values().cloned().collect();
        for q in queues.iter().filter(|q| subject_matches(&q.spec().subjects, &m.subject)) {
            q.push(m.subject.clone(), m.headers.clone(), m.payload.clone());
        }
        // No subscriber is not an error: the message is simply not seen.
        let _ =
            self.tx.send(Delivered { subject: m.subject, msg_id: m.msg_id, headers: m.headers, payload: m.payload });
        Ok(())
    }

    async fn subscribe(&self, filter: &str) -> Result<BoxStream<'static, Delivered>, BusError> {
        let filter = filter.to_owned();
        let rx = self.tx.subscribe();
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(m) => return Some((m, rx)),
                    // A slow subscriber skips what it missed rather than stopping.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(stream.filter(move |m| std::future::ready(subject_matches(&filter, &m.subject))).boxed())
    }

    async fn work_queue(&self, spec: &QueueSpec) -> Result<Arc<dyn WorkQueue>, BusError> {
        let queue = self
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(spec.stream.clone())
            .or_insert_with(|| MemoryQueue::new(spec.clone()))
            .clone();
        queue.update(spec);
        Ok(Arc::new(queue))
    }
}
