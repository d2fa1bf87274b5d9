//! Live collection: the fleet reads a tenant's account itself, through the
//! role the tenant authorized.
//!
//! A collection is planned by the scheduler as one job per slice (one
//! product in one region, or account-wide) on its own work queue; workers
//! read their slice with signed calls and store the answers as import-format
//! documents. The worker that stores the last slice turns the tenant's
//! current documents — every slice's latest answers — into assets with the
//! same adapters as `cspm import`, and announces the collection finished, so
//! the scheduler can start the scan it asked for. Collection costs no quota.
//!
//! - [`types`]: the messages, requests and records.
//! - [`store`]: collections, slices' answers and the sealed session in Redis.
//! - [`cloud`]: clients for a tenant's account (its role, assumed once and shared).
//! - [`collector`]: the worker side; [`start`]: the scheduler side.
//! - [`trail`]: ActionTrail change events → the resources to read again.

pub mod cloud;
pub mod collector;
pub mod start;
pub mod store;
pub mod trail;
pub mod types;
