//! Retries of calls that failed for now (throttling, a failing service, a
//! lost connection): exponential backoff with full jitter, so many callers
//! throttled at once do not come back at once, within a limit on attempts.

use crate::error::CloudError;
use rand::Rng;
use std::future::Future;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The ceiling of the first wait; doubled each time.
    pub base: Duration,
    /// No wait is longer than this.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 6, base: Duration::from_millis(200), cap: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// The wait before attempt `n + 1` (after `n` failures): uniform in
    /// `[0, min(cap, base × 2^(n-1))]`.
    pub fn wait(&self, failures: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << failures.saturating_sub(1).min(20)).min(self.cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }

    /// Runs `call` until it succeeds, fails for good, or runs out of attempts.
    pub async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, CloudError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CloudError>>,
    {
        let mut failures = 0;
        loop {
            match call().await {
                Err(e) if e.retryable() && failures + 1 < self.attempts => {
                    failures += 1;
                    tokio::time::sleep(self.wait(failures)).await;
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> CloudError {
        CloudError::Transient {
            action: "a".into(),
            code: "Throttling.User".into(),
            status: 400,
            message: String::new(),
        }
    }

    #[test]
    fn waits_grow_but_stay_under_the_cap() {
        let p = RetryPolicy { attempts: 10, base: Duration::from_millis(100), cap: Duration::from_millis(350) };
        for _ in 0..200 {
            assert!(p.wait(1) <= Duration::from_millis(100));
            assert!(p.wait(2) <= Duration::from_millis(200));
            assert!(p.wait(9) <= Duration::from_millis(350));
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_and_others_are_not() {
        let p = RetryPolicy { attempts: 4, base: Duration::from_millis(1), cap: Duration::from_millis(2) };
        let calls = AtomicU32::new(0);
        let r = p
            .run(|| async { if calls.fetch_add(1, Ordering::SeqCst) < 2 { Err(throttled()) } else { Ok("done") } })
            .await;
        assert_eq!((r, calls.load(Ordering::SeqCst)), (Ok("done"), 3));
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = p
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(throttled())
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 4, "as many attempts as allowed");
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = p
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(CloudError::Api {
                    action: "a".into(),
                    code: "InvalidParameter".into(),
                    status: 400,
                    message: String::new(),
                })
            })
            .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1, "a final error is not retried");
    }
}
