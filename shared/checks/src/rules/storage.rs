//! Check items: OSS, SLS, ActionTrail, KMS, RAM, MaxCompute, NAS.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[];
