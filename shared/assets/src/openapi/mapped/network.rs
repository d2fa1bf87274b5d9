//! OpenAPI mappings: VPCs, vSwitches, and SLB load balancers, HTTPS
//! listeners, default server groups and ACLs. (The catalogue of OpenAPI
//! fields has no EIP, NAT, VPN, ALB or NLB calls.)

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[&SLB, &SLB_HTTPS_LISTENER, &SLB_BACKENDS, &SLB_ACL, &VPC, &VSWITCH];

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

const SLB_HTTPS_LISTENER_DETAIL: &str = "slb:DescribeLoadBalancerHTTPSListenerAttribute";

/// HTTPS listeners, named `lb-…:443` like Terraform's listener ids. The call
/// reports no protocol (it is HTTPS by construction), so the protocol items
/// stay `Unreported` on it.
static SLB_HTTPS_LISTENER: ApiMapping = ApiMapping {
    kind: "ACS::SLB::Listener",
    list: None,
    details: &[ApiDetail { api: SLB_HTTPS_LISTENER_DETAIL, param: "LoadBalancerId,ListenerPort" }],
    fields: &[
        ("port", SLB_HTTPS_LISTENER_DETAIL, "ListenerPort"),
        ("acl_status", SLB_HTTPS_LISTENER_DETAIL, "AclStatus"),
        ("acl_id", SLB_HTTPS_LISTENER_DETAIL, "AclId"),
        ("health_check", SLB_HTTPS_LISTENER_DETAIL, "HealthCheck"),
        ("tls_cipher_policy", SLB_HTTPS_LISTENER_DETAIL, "TLSCipherPolicy"),
    ],
};

/// The default server group of an instance, named by the instance id.
static SLB_BACKENDS: ApiMapping = ApiMapping {
    kind: "ACS::SLB::BackendServers",
    list: None,
    details: &[ApiDetail { api: SLB_DETAIL, param: "LoadBalancerId" }],
    fields: &[
        ("server_ids", SLB_DETAIL, "BackendServers.BackendServer[].ServerId"),
        ("weights", SLB_DETAIL, "BackendServers.BackendServer[].Weight"),
    ],
};

const SLB_ACL_DETAIL: &str = "slb:DescribeAccessControlListAttribute";

static SLB_ACL: ApiMapping = ApiMapping {
    kind: "ACS::SLB::AccessControl",
    list: None,
    details: &[ApiDetail { api: SLB_ACL_DETAIL, param: "AclId" }],
    fields: &[("entries", SLB_ACL_DETAIL, "AclEntrys.AclEntry[].AclEntryIP")],
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
