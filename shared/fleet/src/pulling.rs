//! The loop every consumer of a work queue runs: pull, hand each message
//! to its handler, retry a failed pull after a pause, stop when told.

use cspm_bus::{Pulled, WorkQueue};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Hands what `queue` delivers, `batch` at a time, to `handle` (one message
/// after another) until `shutdown` turns true; `what` names the queue in logs.
pub async fn each_message<F, Fut>(
    queue: &dyn WorkQueue,
    mut shutdown: watch::Receiver<bool>,
    (batch, poll): (usize, Duration),
    what: &str,
    handle: F,
) where
    F: Fn(Pulled) -> Fut,
    Fut: Future<Output = ()>,
{
    while !*shutdown.borrow_and_update() {
        match queue.pull(batch, poll).await {
            Ok(messages) => {
                for m in messages {
                    handle(m).await;
                }
            }
            Err(e) => {
                tracing::warn!(queue = what, error = %e, "pull failed; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Runs `loops` copies of a consumer loop on `me` and waits for them all.
pub async fn in_parallel<T, F, Fut>(me: Arc<T>, loops: usize, run: F)
where
    T: Send + Sync + 'static,
    F: Fn(Arc<T>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handles: Vec<_> = (0..loops.max(1)).map(|_| tokio::spawn(run(me.clone()))).collect();
    for h in handles {
        let _ = h.await;
    }
}
