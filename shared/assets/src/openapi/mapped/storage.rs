//! OpenAPI mappings: OSS, SLS, ActionTrail, KMS, RAM.

#[allow(unused_imports)]
use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[];
