//! OpenAPI mappings: VPC, vSwitches, EIP, NAT, VPN, SLB, ALB, NLB.

#[allow(unused_imports)]
use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[&SLB];

const SLB_LIST: &str = "slb:DescribeLoadBalancers";
const SLB_DETAIL: &str = "slb:DescribeLoadBalancerAttribute";

static SLB: ApiMapping = ApiMapping {
    kind: "ACS::SLB::LoadBalancer",
    list: Some(ApiList {
        api: SLB_LIST,
        items: "LoadBalancers.LoadBalancer",
        id: "LoadBalancerId",
        name: "LoadBalancerName",
        region: "RegionId",
    }),
    details: &[ApiDetail { api: SLB_DETAIL, param: "LoadBalancerId" }],
    fields: &[
        ("name", SLB_LIST, "LoadBalancerName"),
        ("address_type", SLB_LIST, "AddressType"),
        ("spec", SLB_LIST, "LoadBalancerSpec"),
        ("deletion_protection", SLB_LIST, "DeleteProtection"),
        ("modification_protection", SLB_LIST, "ModificationProtectionStatus"),
        ("master_zone_id", SLB_LIST, "MasterZoneId"),
        ("slave_zone_id", SLB_LIST, "SlaveZoneId"),
        ("internet_charge_type", SLB_LIST, "InternetChargeType"),
        ("bandwidth", SLB_LIST, "Bandwidth"),
        ("vpc_id", SLB_LIST, "VpcId"),
        ("vswitch_id", SLB_LIST, "VSwitchId"),
        ("payment_type", SLB_LIST, "PayType"),
        ("auto_renew", SLB_DETAIL, "RenewalStatus"),
    ],
};
