//! Request signatures. Pure functions: a request's parts and a secret in,
//! headers out; no clock, no randomness, no I/O (callers pass the date and
//! the nonce), so the published examples can be reproduced byte for byte.
//!
//! - [`v3`]: `ACS3-HMAC-SHA256`, every RPC- and ROA-style OpenAPI (ECS, RAM,
//!   RDS, …). Signing for the client, parsing and verification for a server
//!   (the emulator), with Alibaba's error codes.
//! - [`oss_v4`]: `OSS4-HMAC-SHA256`, Object Storage Service, which has its
//!   own gateway and its own scheme (derived signing key, unsigned payload).
//!
//! Both take the request as plain values: the query as decoded name/value
//! pairs, the headers as sent (any case), the body as bytes. The encoding
//! each scheme wants is applied here, once.

mod primitives;

pub mod oss_v4;
pub mod v3;
