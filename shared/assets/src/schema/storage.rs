//! Schemas: OSS, SLS, ActionTrail, KMS, RAM, MaxCompute, NAS.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[];
