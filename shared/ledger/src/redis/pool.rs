//! A few multiplexed Redis connections, used in turn.
//!
//! One multiplexed connection serves every caller in order, so one slow or
//! large reply delays all the others behind it; a handful of connections
//! spreads that out. Each reconnects by itself after an outage, trying only
//! briefly: a caller waiting for Redis should get an error within about a
//! second (and answer 503), not wait through a long backoff. A connection
//! notices that Redis went away only when it is used, so a keep-alive pings
//! each one every second: after a restart, the pings (not callers) meet the
//! dead connections and have them reopened.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How to reach Redis; every value has a sane default ([`RedisOptions::new`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    pub url: String,
    /// Multiplexed connections per process.
    pub pool_size: usize,
    /// Limit on opening one connection.
    pub connect_timeout: Duration,
    /// Limit on one command's reply.
    pub response_timeout: Duration,
    /// Extra connection attempts (100 ms apart, then doubling) before a command fails.
    pub reconnect_attempts: usize,
}

impl RedisOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pool_size: 4,
            connect_timeout: Duration::from_millis(500),
            response_timeout: Duration::from_secs(1),
            reconnect_attempts: 1,
        }
    }
}

#[derive(Clone)]
pub struct RedisPool {
    connections: Arc<[ConnectionManager]>,
    next: Arc<AtomicUsize>,
}

impl RedisPool {
    pub async fn connect(options: &RedisOptions) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(options.url.as_str())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(Some(options.response_timeout))
            .set_number_of_retries(options.reconnect_attempts)
            .set_min_delay(Duration::from_millis(100))
            .set_max_delay(Duration::from_millis(400));
        let mut connections = Vec::new();
        for _ in 0..options.pool_size.clamp(1, 64) {
            connections.push(ConnectionManager::new_with_config(client.clone(), config.clone()).await?);
        }
        let connections: Arc<[ConnectionManager]> = connections.into();
        tokio::spawn(keep_alive(Arc::downgrade(&connections)));
        Ok(Self { connections, next: Arc::default() })
    }

    /// The next connection in turn (cheap: a handle to a shared connection).
    pub fn get(&self) -> ConnectionManager {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[i].clone()
    }
}

/// Pings every connection each second until the pool is dropped.
async fn keep_alive(connections: Weak<[ConnectionManager]>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Some(all) = connections.upgrade() else { return };
        for conn in all.iter() {
            let mut conn = conn.clone();
            let ping = redis::cmd("PING");
            let _ = tokio::time::timeout(Duration::from_millis(500), ping.query_async::<()>(&mut conn)).await;
        }
    }
}
