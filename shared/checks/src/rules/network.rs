//! Check items: VPC, VSwitch, NAT, EIP, VPN, CEN, network ACLs, SLB, ALB, NLB, API Gateway, WAF, bastion hosts, DDoS, CDN.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[];
