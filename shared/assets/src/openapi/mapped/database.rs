//! OpenAPI mappings: RDS and other databases.

#[allow(unused_imports)]
use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[];
