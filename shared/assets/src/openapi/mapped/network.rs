//! OpenAPI mappings: VPC, vSwitches, EIP, NAT, VPN, SLB, ALB, NLB.

#[allow(unused_imports)]
use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[&SLB, &VPC, &VSWITCH];

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

const VPC_LIST: &str = "vpc:DescribeVpcs";

static VPC: ApiMapping = ApiMapping {
    kind: "ACS::VPC::VPC",
    list: Some(ApiList { api: VPC_LIST, items: "Vpcs.Vpc", id: "VpcId", name: "VpcName", region: "RegionId" }),
    details: &[],
    fields: &[("name", VPC_LIST, "VpcName"), ("cidr_block", VPC_LIST, "CidrBlock")],
};

const VSWITCH_LIST: &str = "vpc:DescribeVSwitches";

/// The items carry no `RegionId`: the region is the request's.
static VSWITCH: ApiMapping = ApiMapping {
    kind: "ACS::VPC::VSwitch",
    list: Some(ApiList {
        api: VSWITCH_LIST,
        items: "VSwitches.VSwitch",
        id: "VSwitchId",
        name: "VSwitchName",
        region: "",
    }),
    details: &[],
    fields: &[
        ("name", VSWITCH_LIST, "VSwitchName"),
        ("cidr_block", VSWITCH_LIST, "CidrBlock"),
        ("zone_id", VSWITCH_LIST, "ZoneId"),
    ],
};
