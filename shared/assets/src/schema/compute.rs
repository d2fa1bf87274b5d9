//! Schemas: ECS instances, instance groups, disks, security groups, launch templates, snapshot policies, ESS scaling, ECI, ACK/ACS clusters, FC, MSE, CR.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[];
