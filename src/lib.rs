//! Support for the fleet-level tests under `tests/`: where the real servers
//! are, and unique tenants so tests never share data.
//!
//! Redis and NATS must be listening (`.ci/run` starts them when they are not);
//! `CSPM_TEST_REDIS_URL` and `CSPM_TEST_NATS_URL` point elsewhere.

use cspm_domain::{AccountId, Site, TenantId};
use rand::Rng;

pub fn redis_url() -> String {
    std::env::var("CSPM_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn nats_url() -> String {
    std::env::var("CSPM_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// A tenant no other test (or earlier run) uses: a random 16-digit account.
pub fn unique_tenant(site: Site) -> TenantId {
    TenantId::new(site, unique_account())
}

pub fn unique_account() -> AccountId {
    let n: u64 = rand::rng().random_range(1_000_000_000_000_000..10_000_000_000_000_000);
    AccountId::parse(&n.to_string()).expect("16 digits is a valid account id")
}

/// A freshly built service binary of this workspace (`cspm-activation`, …),
/// found beside the test executable (`target/<profile>/`).
pub fn service_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` (cargo test --workspace builds it)",
        path.display()
    );
    path
}

/// A free TCP port on localhost.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The bundled sample inventory (OpenAPI responses), as the demo imports it.
pub fn sample_inventory() -> Vec<cspm_assets::openapi::ApiResponse> {
    serde_json::from_str(include_str!("../shared/assets/samples/demo-inventory.json"))
        .expect("the bundled sample parses")
}
