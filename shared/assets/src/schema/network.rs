//! Schemas: VPC, VSwitch, NAT, EIP, VPN, CEN, network ACLs, SLB, ALB, NLB, API Gateway, WAF, bastion hosts, DDoS, CDN.

#[allow(unused_imports)]
use super::{Schema, f, fd};

pub(super) static SCHEMAS: &[&Schema] = &[
    &SLB_LOAD_BALANCER,
    &SLB_LISTENER,
    &SLB_BACKEND_SERVERS,
    &SLB_ACL,
    &ALB_LOAD_BALANCER,
    &ALB_ACL,
    &ALB_LISTENER,
    &ALB_SERVER_GROUP,
    &NLB_SERVER_GROUP,
    &ALB_SECURITY_POLICY,
    &NLB_LOAD_BALANCER,
    &VPC,
    &VSWITCH,
    &NETWORK_ACL,
    &EIP,
    &NAT_GATEWAY,
    &FORWARD_ENTRY,
    &VPN_GATEWAY,
    &VPN_CONNECTION,
    &API,
    &API_CUSTOM_DOMAIN,
    &API_GROUP,
    &API_INSTANCE,
    &BASTION_HOST,
    &CDN_DOMAIN,
    &DCDN_DOMAIN,
    &CEN_INSTANCE,
    &CEN_PEER_ATTACHMENT,
    &CEN_VPC_ATTACHMENT,
    &PRIVATELINK_ENDPOINT,
    &WAF_INSTANCE,
    &WAF3_INSTANCE,
];

static SLB_LOAD_BALANCER: Schema = Schema {
    kind: "ACS::SLB::LoadBalancer",
    product: "SLB",
    ros_types: &["ALIYUN::SLB::LoadBalancer"],
    tf_types: &["alicloud_slb_load_balancer"],
    fields: &[
        f("name", "LoadBalancerName", "load_balancer_name"),
        f("address_type", "AddressType", "address_type"),
        f("spec", "LoadBalancerSpec", "load_balancer_spec"),
        f("deletion_protection", "DeletionProtection", "delete_protection"),
        f("modification_protection", "ModificationProtectionStatus", "modification_protection_status"),
        f("master_zone_id", "MasterZoneId", "master_zone_id"),
        f("slave_zone_id", "SlaveZoneId", "slave_zone_id"),
        f("internet_charge_type", "InternetChargeType", "internet_charge_type"),
        // Both providers give a public instance 1 Mbps unless told otherwise.
        fd("bandwidth", "Bandwidth", "bandwidth", "1"),
        f("vpc_id", "VpcId", ""),
        f("vswitch_id", "VSwitchId", "vswitch_id"),
        f("payment_type", "PayType", "payment_type"),
        f("auto_renew", "AutoRenew", "renewal_status"),
    ],
};

static SLB_LISTENER: Schema = Schema {
    kind: "ACS::SLB::Listener",
    product: "SLB",
    ros_types: &["ALIYUN::SLB::Listener"],
    tf_types: &["alicloud_slb_listener"],
    fields: &[
        f("protocol", "Protocol", "protocol"),
        f("port", "ListenerPort", "frontend_port"),
        f("acl_status", "AclStatus", "acl_status"),
        f("acl_id", "AclId", "acl_id"),
        f("health_check", "HealthCheck.Switch", "health_check"),
        f("listener_forward", "HttpConfig.ListenerForward", "listener_forward"),
        // Both providers use the oldest cipher policy unless told otherwise.
        fd("tls_cipher_policy", "TLSCipherPolicy", "tls_cipher_policy", "\"tls_cipher_policy_1_0\""),
        // The versions a custom policy accepts (`slb:ListTLSCipherPolicies`; runtime only).
        f("tls_versions", "", ""),
    ],
};

/// The servers attached to an SLB instance's default server group.
static SLB_BACKEND_SERVERS: Schema = Schema {
    kind: "ACS::SLB::BackendServers",
    product: "SLB",
    ros_types: &["ALIYUN::SLB::BackendServerAttachment"],
    tf_types: &["alicloud_slb_backend_server"],
    fields: &[
        f("server_ids", "BackendServers.ServerId", "backend_servers.server_id"),
        // Terraform gives a server weight 100 when it is left out; ROS requires it.
        f("weights", "BackendServers.Weight", "backend_servers.weight"),
    ],
};

static SLB_ACL: Schema = Schema {
    kind: "ACS::SLB::AccessControl",
    product: "SLB",
    ros_types: &["ALIYUN::SLB::AccessControl"],
    tf_types: &["alicloud_slb_acl"],
    fields: &[f("entries", "AclEntries.Entry", "entry_list.entry")],
};

static ALB_LOAD_BALANCER: Schema = Schema {
    kind: "ACS::ALB::LoadBalancer",
    product: "ALB",
    ros_types: &["ALIYUN::ALB::LoadBalancer"],
    tf_types: &["alicloud_alb_load_balancer"],
    fields: &[
        f("name", "LoadBalancerName", "load_balancer_name"),
        f("address_type", "AddressType", "address_type"),
        f("edition", "LoadBalancerEdition", "load_balancer_edition"),
        f("deletion_protection", "DeletionProtectionEnabled", "deletion_protection_enabled"),
        f("security_group_ids", "SecurityGroupIds", "security_group_ids"),
        f("zone_ids", "ZoneMappings.ZoneId", "zone_mappings.zone_id"),
    ],
};

static ALB_ACL: Schema = Schema {
    kind: "ACS::ALB::Acl",
    product: "ALB",
    ros_types: &["ALIYUN::ALB::Acl"],
    tf_types: &["alicloud_alb_acl"],
    fields: &[f("entries", "AclEntries.Entry", "acl_entries.entry")],
};

static ALB_LISTENER: Schema = Schema {
    kind: "ACS::ALB::Listener",
    product: "ALB",
    ros_types: &["ALIYUN::ALB::Listener"],
    tf_types: &["alicloud_alb_listener"],
    fields: &[
        f("protocol", "ListenerProtocol", "listener_protocol"),
        f(
            "forward_server_group_ids",
            "DefaultActions.ForwardGroupConfig.ServerGroupTuples.ServerGroupId",
            "default_actions.forward_group_config.server_group_tuples.server_group_id",
        ),
        // Some templates name the server group directly on the listener.
        f("server_group_id", "", "server_group_id"),
        // HTTPS listeners use the oldest TLS policy unless told otherwise.
        fd("security_policy_id", "SecurityPolicyId", "security_policy_id", "\"tls_cipher_policy_1_0\""),
        // The versions of its custom security policy (joined at runtime).
        f("tls_versions", "", ""),
    ],
};

/// ALB custom TLS security policies.
static ALB_SECURITY_POLICY: Schema = Schema {
    kind: "ACS::ALB::SecurityPolicy",
    product: "ALB",
    ros_types: &["ALIYUN::ALB::SecurityPolicy"],
    tf_types: &["alicloud_alb_security_policy"],
    fields: &[f("tls_versions", "TLSVersions", "tls_versions")],
};

static ALB_SERVER_GROUP: Schema = Schema {
    kind: "ACS::ALB::ServerGroup",
    product: "ALB",
    ros_types: &["ALIYUN::ALB::ServerGroup"],
    tf_types: &["alicloud_alb_server_group"],
    fields: &[
        f("health_check_enabled", "HealthCheckConfig.HealthCheckEnabled", "health_check_config.health_check_enabled"),
        fd("server_group_type", "ServerGroupType", "server_group_type", "\"Instance\""),
        // Inline `servers` blocks and attachment resources (`iac/map.rs`); the
        // count and the servers' distinct zones are joined in `joins.rs`.
        f("server_ids", "", ""),
        f("server_count", "", ""),
        f("server_zones", "", ""),
    ],
};

static NLB_SERVER_GROUP: Schema = Schema {
    kind: "ACS::NLB::ServerGroup",
    product: "NLB",
    ros_types: &["ALIYUN::NLB::ServerGroup"],
    tf_types: &["alicloud_nlb_server_group"],
    fields: &[
        fd("server_group_type", "ServerGroupType", "server_group_type", "\"Instance\""),
        f("server_ids", "", ""),
        f("server_count", "", ""),
        f("server_zones", "", ""),
    ],
};

static NLB_LOAD_BALANCER: Schema = Schema {
    kind: "ACS::NLB::LoadBalancer",
    product: "NLB",
    ros_types: &["ALIYUN::NLB::LoadBalancer"],
    tf_types: &["alicloud_nlb_load_balancer"],
    fields: &[
        f("address_type", "AddressType", "address_type"),
        f("zone_ids", "ZoneMappings.ZoneId", "zone_mappings.zone_id"),
    ],
};

static VPC: Schema = Schema {
    kind: "ACS::VPC::VPC",
    product: "VPC",
    ros_types: &["ALIYUN::ECS::VPC"],
    tf_types: &["alicloud_vpc"],
    fields: &[
        f("name", "VpcName", "vpc_name"),
        f("cidr_block", "CidrBlock", "cidr_block"),
        // Not a VPC property: set by a flow log on the VPC, joined from the
        // template (`VPC::FlowLog` / `alicloud_vpc_flow_log`) or from `vpc:DescribeFlowLogs`.
        f("flow_log_enabled", "", ""),
    ],
};

static VSWITCH: Schema = Schema {
    kind: "ACS::VPC::VSwitch",
    product: "VPC",
    ros_types: &["ALIYUN::ECS::VSwitch"],
    tf_types: &["alicloud_vswitch"],
    fields: &[
        f("name", "VSwitchName", "vswitch_name"),
        f("cidr_block", "CidrBlock", "cidr_block"),
        f("zone_id", "ZoneId", "zone_id"),
    ],
};

static NETWORK_ACL: Schema = Schema {
    kind: "ACS::VPC::NetworkAcl",
    product: "VPC",
    ros_types: &["ALIYUN::VPC::NetworkAcl"],
    tf_types: &["alicloud_network_acl"],
    fields: &[
        f("ingress_entries", "IngressAclEntries", "ingress_acl_entries"),
        f("egress_entries", "EgressAclEntries", "egress_acl_entries"),
    ],
};

static EIP: Schema = Schema {
    kind: "ACS::EIP::Address",
    product: "EIP",
    ros_types: &["ALIYUN::VPC::EIP"],
    tf_types: &["alicloud_eip_address", "alicloud_eip"],
    fields: &[
        // As written, and with the providers' 5 Mbps default.
        f("bandwidth_set", "Bandwidth", "bandwidth"),
        fd("bandwidth", "Bandwidth", "bandwidth", "5"),
        f("deletion_protection", "DeletionProtection", "deletion_protection"),
        // Set by a template's EIP association, or the API's InstanceId.
        f("attached", "", ""),
    ],
};

static NAT_GATEWAY: Schema = Schema {
    kind: "ACS::NAT::NatGateway",
    product: "NAT",
    ros_types: &["ALIYUN::VPC::NatGateway", "ALIYUN::ECS::NatGateway"],
    tf_types: &["alicloud_nat_gateway"],
    fields: &[f("vpc_id", "VpcId", "vpc_id"), f("deletion_protection", "DeletionProtection", "deletion_protection")],
};

static FORWARD_ENTRY: Schema = Schema {
    kind: "ACS::NAT::ForwardEntry",
    product: "NAT",
    ros_types: &["ALIYUN::VPC::ForwardEntry", "ALIYUN::ECS::ForwardEntry"],
    tf_types: &["alicloud_forward_entry"],
    fields: &[f("external_port", "ExternalPort", "external_port"), f("ip_protocol", "IpProtocol", "ip_protocol")],
};

static VPN_GATEWAY: Schema = Schema {
    kind: "ACS::VPN::VpnGateway",
    product: "VPN Gateway",
    ros_types: &["ALIYUN::VPC::VpnGateway"],
    tf_types: &["alicloud_vpn_gateway"],
    fields: &[
        f("vpc_id", "VpcId", "vpc_id"),
        f("ssl_vpn", "EnableSsl", "ssl_vpn"),
        f("disaster_recovery_vswitch_id", "DisasterRecoveryVSwitchId", "disaster_recovery_vswitch_id"),
    ],
};

static VPN_CONNECTION: Schema = Schema {
    kind: "ACS::VPN::VpnConnection",
    product: "VPN Gateway",
    ros_types: &["ALIYUN::VPC::VpnConnection"],
    tf_types: &["alicloud_vpn_connection"],
    fields: &[
        f("tunnel_roles", "TunnelOptionsSpecification.Role", "tunnel_options_specification.role"),
        f("health_check", "HealthCheckConfig.Enable", "health_check_config.enable"),
    ],
};

static API: Schema = Schema {
    kind: "ACS::ApiGateway::Api",
    product: "API Gateway",
    ros_types: &["ALIYUN::ApiGateway::Api"],
    tf_types: &["alicloud_api_gateway_api"],
    fields: &[
        f("auth_type", "AuthType", "auth_type"),
        f("open_id_api_type", "OpenIdConnectConfig.OpenIdApiType", "open_id_connect_config.open_id_api_type"),
        f("visibility", "Visibility", "visibility"),
        f("request_protocol", "RequestConfig.RequestProtocol", "request_config.request_protocol"),
    ],
};

static API_CUSTOM_DOMAIN: Schema = Schema {
    kind: "ACS::ApiGateway::CustomDomain",
    product: "API Gateway",
    ros_types: &["ALIYUN::ApiGateway::CustomDomain"],
    // The provider's resource, and the name InfraGuard's rules use.
    tf_types: &["alicloud_api_gateway_domain", "alicloud_api_gateway_custom_domain"],
    fields: &[f("certificate_body", "CertificateBody", "certificate_body")],
};

static API_GROUP: Schema = Schema {
    kind: "ACS::ApiGateway::Group",
    product: "API Gateway",
    ros_types: &["ALIYUN::ApiGateway::Group"],
    tf_types: &["alicloud_api_gateway_group"],
    // Bound by separate custom-domain resources, joined in `iac/map.rs`.
    fields: &[f("custom_domains", "", "")],
};

static API_INSTANCE: Schema = Schema {
    kind: "ACS::ApiGateway::Instance",
    product: "API Gateway",
    ros_types: &["ALIYUN::ApiGateway::Instance"],
    tf_types: &["alicloud_api_gateway_instance"],
    fields: &[f("https_policy", "HttpsPolicy", "https_policy"), f("zone_id", "ZoneId", "zone_id")],
};

static BASTION_HOST: Schema = Schema {
    kind: "ACS::BastionHost::Instance",
    product: "Bastionhost",
    ros_types: &["ALIYUN::BastionHost::Instance"],
    tf_types: &["alicloud_bastionhost_instance"],
    fields: &[
        f("auto_renew", "AutoRenew", "renewal_status"),
        // ROS names the edition (`Enterprise`), Terraform the plan (`cloudbastion_ha`).
        f("edition", "Version", "plan_code"),
    ],
};

static CDN_DOMAIN: Schema = Schema {
    kind: "ACS::CDN::Domain",
    product: "CDN",
    ros_types: &["ALIYUN::CDN::Domain"],
    tf_types: &["alicloud_cdn_domain_new"],
    fields: &[f("origins", "OriginServers.Content", "sources.content")],
};

static DCDN_DOMAIN: Schema = Schema {
    kind: "ACS::DCDN::Domain",
    product: "DCDN",
    ros_types: &["ALIYUN::DCDN::Domain"],
    tf_types: &["alicloud_dcdn_domain"],
    fields: &[f("origins", "Sources.Content", "sources.content")],
};

static CEN_INSTANCE: Schema = Schema {
    kind: "ACS::CEN::CenInstance",
    product: "CEN",
    ros_types: &["ALIYUN::CEN::CenInstance"],
    tf_types: &["alicloud_cen_instance"],
    fields: &[f("name", "Name", "cen_instance_name")],
};

static CEN_PEER_ATTACHMENT: Schema = Schema {
    kind: "ACS::CEN::TransitRouterPeerAttachment",
    product: "CEN",
    ros_types: &["ALIYUN::CEN::TransitRouterPeerAttachment"],
    tf_types: &["alicloud_cen_transit_router_peer_attachment"],
    fields: &[f("bandwidth", "Bandwidth", "bandwidth")],
};

static CEN_VPC_ATTACHMENT: Schema = Schema {
    kind: "ACS::CEN::TransitRouterVpcAttachment",
    product: "CEN",
    ros_types: &["ALIYUN::CEN::TransitRouterVpcAttachment"],
    tf_types: &["alicloud_cen_transit_router_vpc_attachment"],
    fields: &[f("zone_ids", "ZoneMappings.ZoneId", "zone_mappings.zone_id")],
};

static PRIVATELINK_ENDPOINT: Schema = Schema {
    kind: "ACS::PrivateLink::VpcEndpoint",
    product: "PrivateLink",
    ros_types: &["ALIYUN::PrivateLink::VpcEndpoint"],
    tf_types: &["alicloud_privatelink_vpc_endpoint"],
    fields: &[f("zone_ids", "Zone.ZoneId", "zone.zone_id")],
};

/// WAF 2.0 (Terraform only: the ROS type has no logging property).
static WAF_INSTANCE: Schema = Schema {
    kind: "ACS::WAF::Instance",
    product: "WAF",
    ros_types: &[],
    tf_types: &["alicloud_waf_instance"],
    fields: &[f("log_status", "", "log_status")],
};

static WAF3_INSTANCE: Schema = Schema {
    kind: "ACS::WAF3::Instance",
    product: "WAF",
    ros_types: &["ALIYUN::WAF3::Instance"],
    tf_types: &["alicloud_wafv3_instance"],
    fields: &[f("log_service", "LogService", "log_status")],
};
