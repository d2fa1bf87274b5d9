//! Where the ledger's "now" comes from.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Production uses [`Clock::Real`]: the Redis server's own clock for the Redis
/// ledger (one clock for every worker, whatever their skew), the system clock
/// for the in-process one. Tests use [`Clock::manual`] to move time by hand
/// and make lease expiry deterministic.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    Real,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start_ms: i64) -> Self {
        Clock::Manual(Arc::new(AtomicI64::new(start_ms)))
    }

    /// Moves a manual clock forward; does nothing to a real one.
    pub fn advance_ms(&self, ms: i64) {
        if let Clock::Manual(t) = self {
            t.fetch_add(ms, Ordering::SeqCst);
        }
    }

    /// The manual time, or `None` for the real clock.
    pub fn manual_ms(&self) -> Option<i64> {
        match self {
            Clock::Real => None,
            Clock::Manual(t) => Some(t.load(Ordering::SeqCst)),
        }
    }

    /// Now in milliseconds since the Unix epoch, from the system clock when real.
    pub fn now_ms(&self) -> i64 {
        self.manual_ms().unwrap_or_else(|| chrono::Utc::now().timestamp_millis())
    }
}
