//! `cspm-scheduler`: owns tasks. It imports tenants' inventories, turns scan
//! and verification requests into jobs (entitlement and quota forecast first),
//! and follows results, dead letters and asset-change events.

pub mod http;
pub mod settings;
