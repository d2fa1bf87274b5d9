//! OpenAPI mappings: VPCs, vSwitches, network ACLs, EIPs, NAT gateways and
//! their DNAT (forward) entries (`vpc`); SLB load balancers, HTTPS
//! listeners, default server groups and ACLs (`slb`); ALB load balancers,
//! listeners, ACLs and server groups (`alb`); VPN gateways and IPsec
//! connections (`vpc`); NLB load balancers (`nlb` 2022-04-30); API Gateway
//! APIs and dedicated instances (`cloudapi` 2016-07-14).
//!
//! The VPC, VPN, ALB, NLB and API Gateway paths are the ones the generated
//! SDK response models confirm. VPC and API Gateway (RPC style) wrap each
//! list twice (`EipAddresses.EipAddress[]`); ALB and NLB answer with
//! top-level arrays (`LoadBalancers[]`) and flat `Get…Attribute` bodies.

use super::{ApiDetail, ApiList, ApiMapping};

pub(super) static MAPPINGS: &[&ApiMapping] = &[
    &SLB,
    &SLB_HTTPS_LISTENER,
    &SLB_BACKENDS,
    &SLB_ACL,
    &VPC,
    &VSWITCH,
    &NETWORK_ACL,
    &EIP,
    &NAT_GATEWAY,
    &FORWARD_ENTRY,
    &ALB,
    &ALB_LISTENER,
    &ALB_ACL,
    &ALB_SERVER_GROUP,
    &NLB_SERVER_GROUP,
    &ALB_SECURITY_POLICY,
    &NLB,
    &VPN_GATEWAY,
    &VPN_CONNECTION,
    &API_GATEWAY_API,
    &API_GATEWAY_GROUP,
    &API_GATEWAY_INSTANCE,
];

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
/// reports no protocol: it is HTTPS by construction, which `openapi/derived.rs`
/// records.
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

const NETWORK_ACLS: &str = "vpc:DescribeNetworkAcls";

/// The ACLs themselves. Their entries are read in `openapi/derived.rs`:
/// `IngressAclEntries.IngressAclEntry[]` and `EgressAclEntries.EgressAclEntry[]`
/// mix the rules written for the ACL (`EntryType` `custom`) with the ones the
/// system adds (`system`), and only the former are what the templates'
/// entries mean.
static NETWORK_ACL: ApiMapping = ApiMapping {
    kind: "ACS::VPC::NetworkAcl",
    list: Some(ApiList {
        api: NETWORK_ACLS,
        items: "NetworkAcls.NetworkAcl",
        id: "NetworkAclId",
        name: "NetworkAclName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[],
};

const EIPS: &str = "vpc:DescribeEipAddresses";

/// `bandwidth_set` ("written in the template") has no runtime meaning and stays `Unreported`.
static EIP: ApiMapping = ApiMapping {
    kind: "ACS::EIP::Address",
    list: Some(ApiList {
        api: EIPS,
        items: "EipAddresses.EipAddress",
        id: "AllocationId",
        name: "Name",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // Mbit/s as text ("5").
        ("bandwidth", EIPS, "Bandwidth"),
        // A JSON boolean.
        ("deletion_protection", EIPS, "DeletionProtection"),
    ],
};

const NAT_GATEWAYS: &str = "vpc:DescribeNatGateways";

static NAT_GATEWAY: ApiMapping = ApiMapping {
    kind: "ACS::NAT::NatGateway",
    list: Some(ApiList {
        api: NAT_GATEWAYS,
        items: "NatGateways.NatGateway",
        id: "NatGatewayId",
        name: "Name",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        ("vpc_id", NAT_GATEWAYS, "VpcId"),
        // A JSON boolean.
        ("deletion_protection", NAT_GATEWAYS, "DeletionProtection"),
    ],
};

const FORWARD_ENTRIES: &str = "vpc:DescribeForwardTableEntries";

/// DNAT entries. The items carry no `RegionId`: the region is the request's.
static FORWARD_ENTRY: ApiMapping = ApiMapping {
    kind: "ACS::NAT::ForwardEntry",
    list: Some(ApiList {
        api: FORWARD_ENTRIES,
        items: "ForwardTableEntries.ForwardTableEntry",
        id: "ForwardEntryId",
        name: "ForwardEntryName",
        region: "",
    }),
    details: &[],
    fields: &[
        // Text: a port ("22"), a range, or `Any` when the protocol is `Any`, as in the templates.
        ("external_port", FORWARD_ENTRIES, "ExternalPort"),
        // `TCP`, `UDP` or `Any`.
        ("ip_protocol", FORWARD_ENTRIES, "IpProtocol"),
    ],
};

const ALB_LIST: &str = "alb:ListLoadBalancers";
const ALB_DETAIL: &str = "alb:GetLoadBalancerAttribute";

/// ALB instances. The list items carry no `RegionId`, and only
/// `GetLoadBalancerAttribute` reports the zone mappings; it also repeats
/// the list's fields, so either call alone reports them.
static ALB: ApiMapping = ApiMapping {
    kind: "ACS::ALB::LoadBalancer",
    list: Some(ApiList {
        api: ALB_LIST,
        items: "LoadBalancers",
        id: "LoadBalancerId",
        name: "LoadBalancerName",
        region: "",
    }),
    details: &[ApiDetail { api: ALB_DETAIL, param: "LoadBalancerId" }],
    fields: &[
        ("name", ALB_LIST, "LoadBalancerName"),
        // `Internet` or `Intranet`.
        ("address_type", ALB_LIST, "AddressType"),
        // `Basic`, `Standard` or `StandardWithWaf`.
        ("edition", ALB_LIST, "LoadBalancerEdition"),
        // A JSON boolean inside an object.
        ("deletion_protection", ALB_LIST, "DeletionProtectionConfig.Enabled"),
        ("security_group_ids", ALB_LIST, "SecurityGroupIds"),
        ("name", ALB_DETAIL, "LoadBalancerName"),
        ("address_type", ALB_DETAIL, "AddressType"),
        ("edition", ALB_DETAIL, "LoadBalancerEdition"),
        ("deletion_protection", ALB_DETAIL, "DeletionProtectionConfig.Enabled"),
        ("security_group_ids", ALB_DETAIL, "SecurityGroupIds"),
        ("zone_ids", ALB_DETAIL, "ZoneMappings[].ZoneId"),
    ],
};

const ALB_LISTENERS: &str = "alb:ListListeners";
const ALB_LISTENER_DETAIL: &str = "alb:GetListenerAttribute";
/// The server groups of the default forward action (empty for a redirect or fixed-response action).
const FORWARD_GROUPS: &str = "DefaultActions[].ForwardGroupConfig.ServerGroupTuples[].ServerGroupId";

/// ALB listeners; `GetListenerAttribute` repeats the list's fields.
static ALB_LISTENER: ApiMapping = ApiMapping {
    kind: "ACS::ALB::Listener",
    list: Some(ApiList {
        api: ALB_LISTENERS,
        items: "Listeners",
        id: "ListenerId",
        name: "ListenerDescription",
        region: "",
    }),
    details: &[ApiDetail { api: ALB_LISTENER_DETAIL, param: "ListenerId" }],
    fields: &[
        // `HTTP`, `HTTPS` or `QUIC`.
        ("protocol", ALB_LISTENERS, "ListenerProtocol"),
        // HTTPS listeners only: a system policy name or a custom policy id.
        ("security_policy_id", ALB_LISTENERS, "SecurityPolicyId"),
        ("forward_server_group_ids", ALB_LISTENERS, FORWARD_GROUPS),
        // The API names a listener's server groups in one place; both schema spellings read it.
        ("server_group_id", ALB_LISTENERS, FORWARD_GROUPS),
        ("protocol", ALB_LISTENER_DETAIL, "ListenerProtocol"),
        ("forward_server_group_ids", ALB_LISTENER_DETAIL, FORWARD_GROUPS),
        ("server_group_id", ALB_LISTENER_DETAIL, FORWARD_GROUPS),
    ],
};

const ALB_ACLS: &str = "alb:ListAcls";
const ALB_ACL_ENTRIES: &str = "alb:ListAclEntries";

/// ALB ACLs; the entries come from `ListAclEntries`, whose response does not
/// repeat the ACL id (the request's `AclId` names it). Entries over several
/// pages add up (every page imported with the same `AclId`).
static ALB_ACL: ApiMapping = ApiMapping {
    kind: "ACS::ALB::Acl",
    list: Some(ApiList { api: ALB_ACLS, items: "Acls", id: "AclId", name: "AclName", region: "" }),
    details: &[ApiDetail { api: ALB_ACL_ENTRIES, param: "AclId" }],
    // CIDR blocks, e.g. `10.0.1.0/24`.
    fields: &[("entries", ALB_ACL_ENTRIES, "AclEntries[].Entry")],
};

const ALB_SERVER_GROUPS: &str = "alb:ListServerGroups";
const ALB_GROUP_SERVERS: &str = "alb:ListServerGroupServers";

static ALB_SERVER_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::ALB::ServerGroup",
    list: Some(ApiList {
        api: ALB_SERVER_GROUPS,
        items: "ServerGroups",
        id: "ServerGroupId",
        name: "ServerGroupName",
        region: "",
    }),
    details: &[ApiDetail { api: ALB_GROUP_SERVERS, param: "ServerGroupId" }],
    fields: &[
        // A JSON boolean inside an object.
        ("health_check_enabled", ALB_SERVER_GROUPS, "HealthCheckConfig.HealthCheckEnabled"),
        ("server_group_type", ALB_SERVER_GROUPS, "ServerGroupType"),
        ("server_count", ALB_SERVER_GROUPS, "ServerCount"),
        // Instance ids (or IP addresses); `joins.rs` looks up the instances' zones.
        ("server_ids", ALB_GROUP_SERVERS, "Servers[].ServerId"),
    ],
};

const ALB_SECURITY_POLICIES: &str = "alb:ListSecurityPolicies";

/// Custom TLS security policies; `joins.rs` gives each HTTPS listener the
/// versions of the policy it names.
static ALB_SECURITY_POLICY: ApiMapping = ApiMapping {
    kind: "ACS::ALB::SecurityPolicy",
    list: Some(ApiList {
        api: ALB_SECURITY_POLICIES,
        items: "SecurityPolicies",
        id: "SecurityPolicyId",
        name: "SecurityPolicyName",
        region: "",
    }),
    details: &[],
    fields: &[("tls_versions", ALB_SECURITY_POLICIES, "TLSVersions")],
};

const NLB_SERVER_GROUPS: &str = "nlb:ListServerGroups";
const NLB_GROUP_SERVERS: &str = "nlb:ListServerGroupServers";

/// NLB server groups, read as the ALB ones are.
static NLB_SERVER_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::NLB::ServerGroup",
    list: Some(ApiList {
        api: NLB_SERVER_GROUPS,
        items: "ServerGroups",
        id: "ServerGroupId",
        name: "ServerGroupName",
        region: "RegionId",
    }),
    details: &[ApiDetail { api: NLB_GROUP_SERVERS, param: "ServerGroupId" }],
    fields: &[
        ("server_group_type", NLB_SERVER_GROUPS, "ServerGroupType"),
        ("server_count", NLB_SERVER_GROUPS, "ServerCount"),
        ("server_ids", NLB_GROUP_SERVERS, "Servers[].ServerId"),
    ],
};

const NLB_LIST: &str = "nlb:ListLoadBalancers";
const NLB_DETAIL: &str = "nlb:GetLoadBalancerAttribute";

/// NLB instances, shaped like ALB's: top-level `LoadBalancers[]` and a flat
/// `GetLoadBalancerAttribute` body, both with the zone mappings.
static NLB: ApiMapping = ApiMapping {
    kind: "ACS::NLB::LoadBalancer",
    list: Some(ApiList {
        api: NLB_LIST,
        items: "LoadBalancers",
        id: "LoadBalancerId",
        name: "LoadBalancerName",
        region: "RegionId",
    }),
    details: &[ApiDetail { api: NLB_DETAIL, param: "LoadBalancerId" }],
    fields: &[
        // `Internet` or `Intranet`.
        ("address_type", NLB_LIST, "AddressType"),
        ("zone_ids", NLB_LIST, "ZoneMappings[].ZoneId"),
        ("address_type", NLB_DETAIL, "AddressType"),
        ("zone_ids", NLB_DETAIL, "ZoneMappings[].ZoneId"),
    ],
};

const VPN_GATEWAYS: &str = "vpc:DescribeVpnGateways";

/// The items carry no `RegionId`: the region is the request's.
static VPN_GATEWAY: ApiMapping = ApiMapping {
    kind: "ACS::VPN::VpnGateway",
    list: Some(ApiList {
        api: VPN_GATEWAYS,
        items: "VpnGateways.VpnGateway",
        id: "VpnGatewayId",
        name: "Name",
        region: "",
    }),
    details: &[],
    fields: &[
        ("vpc_id", VPN_GATEWAYS, "VpcId"),
        // `enable` or `disable`.
        ("ssl_vpn", VPN_GATEWAYS, "SslVpn"),
        // Returned only for gateways that support dual-tunnel IPsec connections.
        ("disaster_recovery_vswitch_id", VPN_GATEWAYS, "DisasterRecoveryVSwitchId"),
    ],
};

const VPN_CONNECTIONS: &str = "vpc:DescribeVpnConnections";

static VPN_CONNECTION: ApiMapping = ApiMapping {
    kind: "ACS::VPN::VpnConnection",
    list: Some(ApiList {
        api: VPN_CONNECTIONS,
        items: "VpnConnections.VpnConnection",
        id: "VpnConnectionId",
        name: "Name",
        region: "",
    }),
    details: &[],
    fields: &[
        // `master` / `slave` of each tunnel; dual-tunnel connections only.
        ("tunnel_roles", VPN_CONNECTIONS, "TunnelOptionsSpecification.TunnelOptions[].Role"),
        // Text, `true` or `false`; the health check block is returned for
        // single-tunnel connections only.
        ("health_check", VPN_CONNECTIONS, "VcoHealthCheck.Enable"),
    ],
};

const API_LIST: &str = "cloudapi:DescribeApis";
const API_DETAIL: &str = "cloudapi:DescribeApi";

/// APIs: the list gives only their visibility; `DescribeApi` (a flat body
/// named by the request's `ApiId`) gives the authentication and protocols.
static API_GATEWAY_API: ApiMapping = ApiMapping {
    kind: "ACS::ApiGateway::Api",
    list: Some(ApiList {
        api: API_LIST,
        items: "ApiSummarys.ApiSummary",
        id: "ApiId",
        name: "ApiName",
        region: "RegionId",
    }),
    details: &[ApiDetail { api: API_DETAIL, param: "ApiId" }],
    fields: &[
        // `PUBLIC` or `PRIVATE`.
        ("visibility", API_LIST, "Visibility"),
        ("visibility", API_DETAIL, "Visibility"),
        // `APP`, `ANONYMOUS` or `APPOPENID`.
        ("auth_type", API_DETAIL, "AuthType"),
        // `IDTOKEN` or `BUSINESS`: the OpenID Connect role of an `APPOPENID` API.
        ("open_id_api_type", API_DETAIL, "OpenIdConnectConfig.OpenIdApiType"),
        // `HTTP`, `HTTPS` or both, comma-separated (`HTTP,HTTPS`), as in the templates.
        ("request_protocol", API_DETAIL, "RequestConfig.RequestProtocol"),
    ],
};

const API_GROUPS: &str = "cloudapi:DescribeApiGroups";
const API_GROUP_DETAIL: &str = "cloudapi:DescribeApiGroup";

/// API groups: `DescribeApiGroup` (named by the request's `GroupId`) lists
/// the custom domains bound to the group.
static API_GATEWAY_GROUP: ApiMapping = ApiMapping {
    kind: "ACS::ApiGateway::Group",
    list: Some(ApiList {
        api: API_GROUPS,
        items: "ApiGroupAttributes.ApiGroupAttribute",
        id: "GroupId",
        name: "GroupName",
        region: "RegionId",
    }),
    details: &[ApiDetail { api: API_GROUP_DETAIL, param: "GroupId" }],
    fields: &[("custom_domains", API_GROUP_DETAIL, "CustomDomains.DomainItem[].DomainName")],
};

const API_INSTANCES: &str = "cloudapi:DescribeInstances";

static API_GATEWAY_INSTANCE: ApiMapping = ApiMapping {
    kind: "ACS::ApiGateway::Instance",
    list: Some(ApiList {
        api: API_INSTANCES,
        items: "Instances.InstanceAttribute",
        id: "InstanceId",
        name: "InstanceName",
        region: "RegionId",
    }),
    details: &[],
    fields: &[
        // The instance's HTTPS security policy, e.g. `HTTPS2_TLS1_2`.
        ("https_policy", API_INSTANCES, "HttpsPolicies"),
        // A multi-zone instance names its zones `cn-beijing-MAZ2(f,g)`.
        ("zone_id", API_INSTANCES, "ZoneId"),
    ],
};
