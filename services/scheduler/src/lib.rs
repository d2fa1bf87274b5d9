//! `cspm-scheduler`: owns tasks. It imports tenants' inventories, turns scan
//! and verification requests into jobs (entitlement and quota forecast first),
//! plans collections of their accounts, and follows results, dead letters,
//! asset-change and cloud events.

pub mod collections;
pub mod http;
pub mod settings;
