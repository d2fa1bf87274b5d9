//! The in-process work queue: the same delivery rules as the JetStream
//! consumer (ack wait, redelivery after a nak's delay, max deliveries, exhausted
//! messages kept until discarded), in memory.

use crate::BusError;
use crate::queue::*;
use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};
use tokio::time::Instant;

struct Entry {
    subject: String,
    headers: Vec<(String, String)>,
    payload: Bytes,
    delivered: u64,
    not_before: Instant,
}

#[derive(Default)]
struct State {
    next_seq: u64,
    ready: BTreeMap<u64, Entry>,
    inflight: HashMap<u64, (Entry, Instant)>,
    exhausted: HashMap<u64, Entry>,
    /// What the stream stores: every message until acknowledged, or, with
    /// limits retention, the newest [`KEPT_MESSAGES`] whatever their state.
    stored: BTreeMap<u64, (String, Bytes)>,
}

/// Messages a limits-retention queue keeps in process.
const KEPT_MESSAGES: usize = 100_000;

pub(crate) struct MemoryQueue {
    /// The latest spec it was opened with (reopening updates the consumer, as on JetStream).
    spec: Mutex<QueueSpec>,
    state: Mutex<State>,
    notify: Notify,
    exhausted_tx: broadcast::Sender<Exhausted>,
}

impl MemoryQueue {
    pub(crate) fn new(spec: QueueSpec) -> Arc<Self> {
        Arc::new(Self {
            spec: Mutex::new(spec),
            state: Mutex::default(),
            notify: Notify::new(),
            exhausted_tx: broadcast::channel(1024).0,
        })
    }

    pub(crate) fn spec(&self) -> QueueSpec {
        self.spec.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Applies a reopened queue's consumer settings.
    pub(crate) fn update(&self, spec: &QueueSpec) {
        *self.spec.lock().unwrap_or_else(PoisonError::into_inner) = spec.clone();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn push(&self, subject: String, headers: Vec<(String, String)>, payload: Bytes) {
        let mut s = self.state();
        s.next_seq += 1;
        let seq = s.next_seq;
        s.stored.insert(seq, (subject.clone(), payload.clone()));
        if self.spec().retention != Retention::WorkQueue && s.stored.len() > KEPT_MESSAGES {
            s.stored.pop_first();
        }
        s.ready.insert(seq, Entry { subject, headers, payload, delivered: 0, not_before: Instant::now() });
        drop(s);
        self.notify.notify_waiters();
    }

    /// A delivery ended for good (ack, term, discard): a work queue forgets it.
    fn finished(&self, s: &mut State, seq: u64) {
        if self.spec().retention == Retention::WorkQueue {
            s.stored.remove(&seq);
        }
    }

    /// Puts an unfinished delivery back, or retires it when it has had all its deliveries.
    fn requeue(&self, s: &mut State, seq: u64, mut entry: Entry, delay: Duration) {
        if entry.delivered >= u64::from(self.spec().max_deliver) {
            let _ = self.exhausted_tx.send(Exhausted {
                subject: entry.subject.clone(),
                headers: entry.headers.clone(),
                payload: entry.payload.clone(),
                deliveries: entry.delivered,
                sequence: seq,
            });
            s.exhausted.insert(seq, entry);
        } else {
            entry.not_before = Instant::now() + delay;
            s.ready.insert(seq, entry);
        }
    }

    fn take_ready(self: &Arc<Self>, max: usize) -> Vec<Pulled> {
        let mut s = self.state();
        let now = Instant::now();
        let expired: Vec<u64> =
            s.inflight.iter().filter(|(_, (_, deadline))| *deadline <= now).map(|(seq, _)| *seq).collect();
        for seq in expired {
            if let Some((entry, _)) = s.inflight.remove(&seq) {
                self.requeue(&mut s, seq, entry, Duration::ZERO);
            }
        }
        let due: Vec<u64> =
            s.ready.iter().filter(|(_, e)| e.not_before <= now).map(|(seq, _)| *seq).take(max).collect();
        let spec = self.spec();
        let capacity = (spec.max_ack_pending as usize).saturating_sub(s.inflight.len());
        let mut out = Vec::new();
        for seq in due.into_iter().take(capacity) {
            let Some(mut entry) = s.ready.remove(&seq) else { continue };
            entry.delivered += 1;
            out.push(Pulled {
                subject: entry.subject.clone(),
                headers: entry.headers.clone(),
                payload: entry.payload.clone(),
                delivered: entry.delivered,
                acker: Box::new(MemoryAcker { queue: self.clone(), seq }),
            });
            s.inflight.insert(seq, (entry, now + spec.ack_wait));
        }
        out
    }
}

#[async_trait]
impl WorkQueue for Arc<MemoryQueue> {
    async fn pull(&self, max: usize, wait: Duration) -> Result<Vec<Pulled>, BusError> {
        let deadline = Instant::now() + wait;
        loop {
            let notified = self.notify.notified();
            let got = self.take_ready(max.max(1));
            if !got.is_empty() || Instant::now() >= deadline {
                return Ok(got);
            }
            // Wake on a new message, or soon enough to see ack waits and nak delays end.
            let nap = deadline.saturating_duration_since(Instant::now()).min(Duration::from_millis(20));
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }

    async fn exhausted(&self) -> Result<BoxStream<'static, Exhausted>, BusError> {
        let rx = self.exhausted_tx.subscribe();
        Ok(futures::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(m) => return Some((m, rx)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .boxed())
    }

    async fn discard(&self, sequence: u64) -> Result<(), BusError> {
        let mut s = self.state();
        s.exhausted.remove(&sequence);
        self.finished(&mut s, sequence);
        Ok(())
    }

    async fn pending(&self) -> Result<u64, BusError> {
        let s = self.state();
        Ok((s.ready.len() + s.inflight.len()) as u64)
    }

    async fn stored(&self, filter: &str, from: u64, max: usize) -> Result<Vec<Stored>, BusError> {
        let s = self.state();
        Ok(s.stored
            .range(from..)
            .filter(|(_, (subject, _))| crate::subject_matches(filter, subject))
            .take(max)
            .map(|(seq, (subject, payload))| Stored {
                sequence: *seq,
                subject: subject.clone(),
                payload: payload.clone(),
            })
            .collect())
    }

    async fn stored_at(&self, sequence: u64) -> Result<Option<Stored>, BusError> {
        let s = self.state();
        Ok(s.stored.get(&sequence).map(|(subject, payload)| Stored {
            sequence,
            subject: subject.clone(),
            payload: payload.clone(),
        }))
    }

    async fn holds(&self, subject: &str) -> Result<bool, BusError> {
        Ok(self.state().stored.values().any(|(s, _)| s == subject))
    }

    async fn remove(&self, subject: &str) -> Result<(), BusError> {
        let mut s = self.state();
        let seqs: Vec<u64> = s.stored.iter().filter(|(_, (sub, _))| sub == subject).map(|(q, _)| *q).collect();
        for seq in seqs {
            s.stored.remove(&seq);
            s.ready.remove(&seq);
            s.inflight.remove(&seq);
            s.exhausted.remove(&seq);
        }
        Ok(())
    }
}

struct MemoryAcker {
    queue: Arc<MemoryQueue>,
    seq: u64,
}

#[async_trait]
impl Acker for MemoryAcker {
    async fn ack(&self) -> Result<(), BusError> {
        let mut s = self.queue.state();
        if s.inflight.remove(&self.seq).is_some() {
            self.queue.finished(&mut s, self.seq);
        }
        Ok(())
    }

    async fn nak(&self, delay: Duration) -> Result<(), BusError> {
        let mut s = self.queue.state();
        if let Some((entry, _)) = s.inflight.remove(&self.seq) {
            self.queue.requeue(&mut s, self.seq, entry, delay);
        }
        drop(s);
        self.queue.notify.notify_waiters();
        Ok(())
    }

    async fn progress(&self) -> Result<(), BusError> {
        if let Some((_, deadline)) = self.queue.state().inflight.get_mut(&self.seq) {
            *deadline = Instant::now() + self.queue.spec().ack_wait;
        }
        Ok(())
    }

    async fn term(&self) -> Result<(), BusError> {
        let mut s = self.queue.state();
        if s.inflight.remove(&self.seq).is_some() {
            self.queue.finished(&mut s, self.seq);
        }
        Ok(())
    }
}
