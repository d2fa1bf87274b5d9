//! The activation service: owns tenants — authorization, editions, the CSPM
//! billing method, purchases, quota grants, the recommendation and
//! entitlement queries — and publishes account events.
//!
//! - accounts live in `cspm-accounts` (Redis, or in process for the demo); a
//!   save and its ledger grant are one atomic step.
//! - [`service`]: the operations, independent of HTTP.
//! - [`events`]: account events on the bus, through a per-tenant outbox.
//! - [`http`]: the JSON API, bearer-token auth, error mapping.
//! - [`settings`]: configuration (defaults, TOML, environment).

pub mod events;
pub mod http;
pub mod roles;
pub mod service;
pub mod settings;

pub use service::Activation;
