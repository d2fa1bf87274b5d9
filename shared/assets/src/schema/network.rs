//! Schemas: VPC, VSwitch, NAT, EIP, VPN, CEN, network ACLs, SLB, ALB, NLB, API Gateway, WAF, bastion hosts, DDoS, CDN.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[];
