//! Request signatures. Pure functions: a request's parts and a secret in,
//! headers out; no clock, no randomness, no I/O (callers pass the date and
//! the nonce), so the published examples can be reproduced byte for byte.

pub mod oss_v4;
pub mod v3;
