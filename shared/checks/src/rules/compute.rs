//! Check items: ECS instances, instance groups, disks, security groups, launch templates, snapshot policies, ESS scaling, ECI, ACK/ACS clusters, FC, MSE, CR.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[];
