//! OpenAPI mappings: ECS instances, disks, security groups, snapshot policies, ACK clusters.

#[allow(unused_imports)]
use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[];
