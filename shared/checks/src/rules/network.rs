//! Check items: VPC, VSwitch, NAT, EIP, VPN, CEN, network ACLs, SLB, ALB, NLB, API Gateway, WAF, bastion hosts, DDoS, CDN.

#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
#[allow(unused_imports)]
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[
    &SLB_DELETE_PROTECTION,
    &SLB_INTRANET,
    &SLB_AUTO_RENEW,
    &SLB_APPROVED_SPEC,
    &SLB_SPEC_NOT_LOW,
    &SLB_MASTER_ZONE,
    &SLB_MULTI_ZONE,
    &SLB_ALL_LISTENER_SERVERS_MULTI_ZONE,
    &SLB_CHARGE_TYPE,
    &SLB_BANDWIDTH_LIMIT,
    &SLB_IN_VPC,
    &SLB_NAME,
    &SLB_MODIFY_PROTECTION,
    &SLB_NO_PUBLIC_IP,
    &SLB_LISTENER_ACL,
    &SLB_LISTENER_HEALTH_CHECK,
    &SLB_LISTENER_NO_HTTP,
    &SLB_LISTENER_REDIRECT,
    &SLB_LISTENER_TLS_POLICY,
    &SLB_LISTENER_TLS_1_2,
    &ALB_LISTENER_TLS_1_2,
    &SLB_LISTENER_HTTPS,
    &SLB_LISTENER_RISK_PORTS,
    &SLB_BACKEND_WEIGHT,
    &SLB_DEFAULT_GROUP_MULTI_SERVER,
    &SLB_ACL_PUBLIC,
    &ALB_ADDRESS_TYPE,
    &ALB_INTRANET,
    &ALB_DELETE_PROTECTION,
    &ALB_SECURITY_GROUP,
    &ALB_MULTI_ZONE,
    &ALB_WAF,
    &ALB_USE_WAF,
    &ALB_NAME,
    &ALB_ACL_PUBLIC,
    &ALB_HEALTH_CHECK,
    &ALB_SERVER_GROUP_MULTI_SERVER,
    &ALB_SERVER_GROUP_MULTI_ZONE,
    &NLB_SERVER_GROUP_MULTI_ZONE,
    &ALB_LISTENER_HAS_SERVER,
    &NLB_INTRANET,
    &NLB_MULTI_ZONE,
    &VPC_CIDR,
    &VPC_NAME,
    &VPC_FLOW_LOGS,
    &VSWITCH_CIDR,
    &VSWITCH_NAME,
    &VSWITCH_ZONE,
    &VSWITCH_IPS,
    &ACL_NOT_EMPTY,
    &ACL_RISKY_PORTS,
    &EIP_BANDWIDTH_LIMIT,
    &EIP_BANDWIDTH_REQUIRED,
    &EIP_EXPLICIT_BANDWIDTH,
    &EIP_DELETE_PROTECTION,
    &EIP_ATTACHED,
    &NAT_VPC,
    &NAT_DELETE_PROTECTION,
    &NAT_RISK_PORTS,
    &VPN_DUAL_TUNNEL,
    &VPN_SSL,
    &VPN_MULTI_ZONE,
    &VPN_VPC,
    &VPN_HEALTH_CHECK,
    &API_JWT,
    &API_GROUP_DOMAIN,
    &API_AUTH,
    &API_AUTH_SECURITY,
    &API_HTTPS,
    &API_PRIVATE,
    &API_DOMAIN_SSL,
    &API_HTTPS_POLICY,
    &API_INSTANCE_MULTI_ZONE,
    &BASTION_AUTO_RENEW,
    &BASTION_ENTERPRISE,
    &CDN_ORIGINS,
    &DCDN_ORIGINS,
    &CEN_NAME,
    &CEN_PEER_BANDWIDTH,
    &TR_VPC_MULTI_ZONE,
    &PRIVATELINK_ENDPOINT_MULTI_ZONE,
    &WAF_LOGGING,
    &WAF3_LOGGING,
];

const SLB: &str = "ACS::SLB::LoadBalancer";
const SLB_LSN: &str = "ACS::SLB::Listener";
const SLB_BACKENDS: &str = "ACS::SLB::BackendServers";

// ---- SLB (CLB) instances ----

static SLB_DELETE_PROTECTION: Check = declare(
    "slb-delete-protection-enabled",
    "SLB instances have deletion protection on",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::High,
    True("deletion_protection"),
    "Without deletion protection, one mistaken API call or console click releases the load balancer and cuts traffic.",
    "SLB console > the instance > Instance Details: turn deletion protection on, or set DeletionProtection / delete_protection = \"on\" in the template.",
);

static SLB_INTRANET: Check = declare(
    "slb-address-type-intranet",
    "SLB instances use a private (intranet) address",
    "SLB",
    SLB,
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("address_type", &["intranet"]),
    "An internet-facing load balancer exposes its listeners to everyone on the internet.",
    "Create the instance with AddressType / address_type = intranet and publish services through a gateway you control.",
);

static SLB_AUTO_RENEW: Check = declare(
    "slb-instance-autorenewal-check",
    "Subscription SLB instances renew automatically",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    When("payment_type", &["Subscription", "PrePay", "PrePaid"], &OneOf("auto_renew", &["AutoRenewal", "true"])),
    "A subscription load balancer that is not renewed stops when it expires, taking its services down.",
    "SLB console > the instance > Renew: enable auto-renewal, or set renewal_status = \"AutoRenewal\" in the template.",
);

static SLB_APPROVED_SPEC: Check = declare(
    "slb-instance-loadbalancerspec-check",
    "SLB instances use an approved small specification",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Low,
    OneOf("spec", &["slb.s1.small", "slb.s2.small", "slb.s3.small"]),
    "Specifications outside the approved list make cost and capacity unpredictable.",
    "Choose one of slb.s1.small, slb.s2.small or slb.s3.small for LoadBalancerSpec / load_balancer_spec.",
);

static SLB_SPEC_NOT_LOW: Check = declare(
    "slb-instance-spec-check",
    "SLB instances do not use the lowest performance specifications",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    Excludes("spec", &["slb.s1.small", "slb.s2.small", "slb.s2.medium"]),
    "A low-specification load balancer caps connections and throughput and becomes the bottleneck under load.",
    "Change the instance to an slb.s3 (or larger) specification, or use a pay-by-capacity instance.",
);

static SLB_MASTER_ZONE: Check = declare(
    "slb-instance-master-zone-required",
    "SLB instances name their primary zone",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    Present("master_zone_id"),
    "Without an explicit primary zone the instance lands wherever the platform chooses, which defeats zone planning.",
    "Set MasterZoneId / master_zone_id (and a secondary zone) when creating the instance.",
);

static SLB_MULTI_ZONE: Check = declare(
    "slb-instance-multi-zone",
    "SLB instances have a secondary zone",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    Present("slave_zone_id"),
    "A load balancer in a single zone stops serving when that zone fails.",
    "Create the instance with both a primary and a secondary zone (SlaveZoneId / slave_zone_id).",
);

static SLB_ALL_LISTENER_SERVERS_MULTI_ZONE: Check = declare(
    "slb-all-listener-servers-multi-zone",
    "SLB instances are deployed in two zones for their listeners",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::High,
    Present("slave_zone_id"),
    "Listeners of a single-zone load balancer go down with the zone, whatever the backend layout.",
    "Use an instance with a primary and a secondary zone, and add backend servers from more than one zone to its server groups.",
);

static SLB_CHARGE_TYPE: Check = declare(
    "slb-internet-charge-type-required",
    "SLB instances state their internet billing method",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    Present("internet_charge_type"),
    "Leaving the billing method implicit makes public traffic costs depend on a platform default.",
    "Set InternetChargeType / internet_charge_type (paybytraffic or paybybandwidth) explicitly.",
);

static SLB_BANDWIDTH_LIMIT: Check = declare(
    "slb-loadbalancer-bandwidth-limit",
    "SLB instances cap their bandwidth at 500 Mbps",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Low,
    AtMost("bandwidth", 500.0),
    "An uncapped or very high bandwidth lets a traffic spike or an attack run up large costs.",
    "Lower Bandwidth / bandwidth to 500 Mbps or less.",
);

static SLB_IN_VPC: Check = declare(
    "slb-loadbalancer-in-vpc",
    "SLB instances are deployed in a VPC",
    "SLB",
    SLB,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("vswitch_id"), Present("vpc_id")]),
    "A classic-network load balancer shares a flat network with other tenants and cannot use VPC isolation.",
    "Create the instance in a VPC vSwitch (VpcId and VSwitchId / vswitch_id).",
);

static SLB_NAME: Check = declare(
    "slb-loadbalancer-name-required",
    "SLB instances have a name",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Medium,
    Present("name"),
    "Unnamed load balancers are hard to attribute and easy to change or release by mistake.",
    "Set LoadBalancerName / load_balancer_name to a name that identifies the service and owner.",
);

static SLB_MODIFY_PROTECTION: Check = declare(
    "slb-modify-protection-check",
    "SLB instances have configuration change protection on",
    "SLB",
    SLB,
    Category::BasicProtection,
    Risk::Low,
    OneOf("modification_protection", &["ConsoleProtection"]),
    "Without change protection, the instance's configuration can be altered from the console by mistake.",
    "SLB console > the instance: enable modification protection, or set ModificationProtectionStatus / modification_protection_status = ConsoleProtection.",
);

static SLB_NO_PUBLIC_IP: Check = declare(
    "slb-no-public-ip",
    "SLB instances have no public IP address",
    "SLB",
    SLB,
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("address_type", &["intranet"]),
    "A public IP address puts the load balancer and everything behind it on the internet's attack surface.",
    "Use an intranet instance (AddressType / address_type = intranet); expose services through a WAF or gateway when needed.",
);

// ---- SLB listeners ----

static SLB_LISTENER_ACL: Check = declare(
    "slb-all-listener-enabled-acl",
    "SLB listeners restrict clients with an access control list",
    "SLB",
    SLB_LSN,
    Category::NetworkAccessControl,
    Risk::Medium,
    True("acl_status"),
    "A listener without an ACL accepts connections from any source address.",
    "SLB console > the listener > Access Control: enable it with a whitelist, or set AclStatus / acl_status = on with an ACL id.",
);

static SLB_LISTENER_HEALTH_CHECK: Check = declare(
    "slb-all-listener-health-check-enabled",
    "SLB listeners check the health of their backends",
    "SLB",
    SLB_LSN,
    Category::BasicProtection,
    Risk::High,
    Excludes("health_check", &["off"]),
    "With health checks off, the listener keeps sending requests to failed backend servers.",
    "Turn the listener's health check on (HealthCheck.Switch / health_check = on).",
);

static SLB_LISTENER_NO_HTTP: Check = declare(
    "slb-all-listener-http-disabled",
    "SLB listeners do not serve plain HTTP",
    "SLB",
    SLB_LSN,
    Category::DataSecurity,
    Risk::Medium,
    NoneOf("protocol", &["http"]),
    "Plain HTTP carries requests, cookies and credentials unencrypted.",
    "Replace HTTP listeners with HTTPS listeners, or keep HTTP only to redirect to HTTPS.",
);

static SLB_LISTENER_REDIRECT: Check = declare(
    "slb-all-listener-http-redirect-https",
    "SLB HTTP listeners redirect to HTTPS",
    "SLB",
    SLB_LSN,
    Category::DataSecurity,
    Risk::Medium,
    When("protocol", &["http"], &True("listener_forward")),
    "An HTTP listener that serves content instead of redirecting lets clients talk to the service unencrypted.",
    "Turn on HTTP-to-HTTPS forwarding on the HTTP listener (HttpConfig.ListenerForward / listener_forward = on, with the HTTPS port).",
);

static SLB_LISTENER_TLS_POLICY: Check = declare(
    "slb-all-listenter-tls-policy-check",
    "SLB HTTPS listeners use a TLS 1.1+ cipher policy",
    "SLB",
    SLB_LSN,
    Category::DataSecurity,
    Risk::Medium,
    When("protocol", &["https"], &NoneOf("tls_cipher_policy", &["tls_cipher_policy_1_0"])),
    "The default policy still accepts TLS 1.0 and weak ciphers, which are open to known attacks.",
    "Set TLSCipherPolicy / tls_cipher_policy to tls_cipher_policy_1_2 or a stricter policy on HTTPS listeners.",
);

/// The TLS versions of SLB's system cipher policies.
const SYSTEM_TLS_POLICIES: &[(&str, &[&str])] = &[
    ("tls_cipher_policy_1_0", &["TLSv1.0", "TLSv1.1", "TLSv1.2"]),
    ("tls_cipher_policy_1_1", &["TLSv1.1", "TLSv1.2"]),
    ("tls_cipher_policy_1_2", &["TLSv1.2"]),
    ("tls_cipher_policy_1_2_strict", &["TLSv1.2"]),
    ("tls_cipher_policy_1_2_strict_with_1_3", &["TLSv1.2", "TLSv1.3"]),
];

/// HTTPS listeners accept nothing older than TLS 1.2: a system policy by its
/// name, a custom policy by the versions joined onto the listener
/// (`tls_versions`). `policy_field` names the policy; the calls say where
/// the data comes from.
fn tls_1_2_minimum(
    asset: &cspm_assets::Asset,
    policy_field: &str,
    policy_call: &str,
    versions_call: &str,
) -> Evaluation {
    use cspm_assets::Slot;
    use cspm_assets::iac::scalar_text;
    let read = |f: &str| asset.fields.get(f).cloned().unwrap_or(Slot::Absent);
    match read("protocol") {
        Slot::Known(p) if scalar_text(&p).is_some_and(|p| p.eq_ignore_ascii_case("https")) => {}
        Slot::Known(_) | Slot::Absent => return Evaluation::not_check("NotApplicable: not an HTTPS listener"),
        Slot::Unknown => return Evaluation::not_check("Unknown: the protocol is known only after deployment"),
        Slot::Unreported => return Evaluation::missing("the listener's protocol"),
    }
    let policy = match read(policy_field) {
        Slot::Known(p) => scalar_text(&p).unwrap_or_default(),
        // A template's own policy, named by reference: its versions are joined in.
        Slot::Unknown if matches!(read("tls_versions"), Slot::Known(_)) => "(the template's policy)".to_owned(),
        Slot::Unknown => return Evaluation::not_check("Unknown: the TLS policy is known only after deployment"),
        _ => return Evaluation::missing(policy_call),
    };
    let versions: Vec<String> = match SYSTEM_TLS_POLICIES.iter().find(|(name, _)| *name == policy) {
        Some((_, versions)) => versions.iter().map(|v| (*v).to_owned()).collect(),
        None => match read("tls_versions") {
            Slot::Known(v) => v.as_array().into_iter().flatten().filter_map(scalar_text).collect(),
            Slot::Absent => {
                return Evaluation::not_check(format!(
                    "Unknown: custom policy {policy} is defined outside the template"
                ));
            }
            _ => return Evaluation::missing(&format!("the versions of policy {policy} ({versions_call})")),
        },
    };
    let old: Vec<&String> = versions.iter().filter(|v| v.as_str() == "TLSv1.0" || v.as_str() == "TLSv1.1").collect();
    if old.is_empty() {
        return Evaluation::pass();
    }
    Evaluation::from_findings(vec![Finding::new(
        format!("policy {policy}"),
        format!("{old:?}"),
        "TLSv1.2 or later only",
    )])
}

static SLB_LISTENER_TLS_1_2: Check = super::coded(
    "slb-listener-tls-1-2-minimum",
    "SLB HTTPS listeners accept TLS 1.2 or later only",
    "SLB",
    SLB_LSN,
    Category::DataSecurity,
    Risk::Medium,
    &[],
    |a, _| {
        tls_1_2_minimum(
            a,
            "tls_cipher_policy",
            "TLSCipherPolicy (slb:DescribeLoadBalancerHTTPSListenerAttribute)",
            "slb:ListTLSCipherPolicies",
        )
    },
    "TLS 1.0 and 1.1 have known weaknesses and are deprecated; a listener that still accepts them lets clients (and attackers) negotiate down to them.",
    "Use tls_cipher_policy_1_2, tls_cipher_policy_1_2_strict or tls_cipher_policy_1_2_strict_with_1_3, or a custom policy accepting TLSv1.2 and TLSv1.3 only.",
);

static ALB_LISTENER_TLS_1_2: Check = super::coded(
    "alb-listener-tls-1-2-minimum",
    "ALB HTTPS listeners accept TLS 1.2 or later only",
    "ALB",
    "ACS::ALB::Listener",
    Category::DataSecurity,
    Risk::Medium,
    &[],
    |a, _| tls_1_2_minimum(a, "security_policy_id", "SecurityPolicyId (alb:ListListeners)", "alb:ListSecurityPolicies"),
    "TLS 1.0 and 1.1 have known weaknesses and are deprecated; a listener that still accepts them lets clients (and attackers) negotiate down to them.",
    "Use the tls_cipher_policy_1_2, tls_cipher_policy_1_2_strict or tls_cipher_policy_1_2_strict_with_1_3 security policy, or a custom policy with TLSv1.2 and TLSv1.3 only.",
);

static SLB_LISTENER_HTTPS: Check = declare(
    "slb-listener-https-enabled",
    "SLB listeners use HTTPS",
    "SLB",
    SLB_LSN,
    Category::DataSecurity,
    Risk::Medium,
    OneOf("protocol", &["https"]),
    "Listeners on other protocols leave the traffic between clients and the load balancer unencrypted.",
    "Create HTTPS listeners with a certificate instead of HTTP or TCP listeners.",
);

static SLB_LISTENER_RISK_PORTS: Check = declare(
    "slb-listener-risk-ports-check",
    "SLB listeners do not expose administration and database ports",
    "SLB",
    SLB_LSN,
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("port", &["22", "23", "135", "139", "445", "1433", "3306", "3389", "5432", "6379", "27017"]),
    "Publishing SSH, RDP or database ports through a load balancer invites brute-force and exploit attempts.",
    "Remove the listener, or move administration behind a bastion host or VPN and databases behind private endpoints.",
);

// ---- SLB default server group ----

static SLB_BACKEND_WEIGHT: Check = declare(
    "slb-backendserver-weight-check",
    "SLB backend servers carry a non-zero weight",
    "SLB",
    SLB_BACKENDS,
    Category::BasicProtection,
    Risk::Low,
    Excludes("weights", &["0"]),
    "A server with weight 0 receives no traffic, so the pool has less capacity than it appears to.",
    "Give every backend server a weight above 0, or remove servers that should not serve.",
);

static SLB_DEFAULT_GROUP_MULTI_SERVER: Check = declare(
    "slb-default-server-group-multi-server",
    "SLB default server groups have at least two servers",
    "SLB",
    SLB_BACKENDS,
    Category::BasicProtection,
    Risk::Medium,
    // An empty default group is unused (the instance forwards to vserver groups).
    Any(&[Absent("server_ids"), LengthAtLeast("server_ids", 2)]),
    "With one backend server, its failure takes the whole service down.",
    "Attach at least two backend servers (ideally in different zones) to the default server group.",
);

static SLB_ACL_PUBLIC: Check = declare(
    "slb-acl-public-access-check",
    "SLB access control lists do not contain 0.0.0.0/0",
    "SLB",
    "ACS::SLB::AccessControl",
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("entries", &["0.0.0.0/0", "::/0"]),
    "An ACL entry for 0.0.0.0/0 matches every address, so listeners whitelisted with it are open to all.",
    "Replace the 0.0.0.0/0 entry with the specific address ranges that need access.",
);

// ---- ALB ----

const ALB: &str = "ACS::ALB::LoadBalancer";

static ALB_ADDRESS_TYPE: Check = declare(
    "alb-address-type-check",
    "ALB instances use the private (intranet) address type",
    "ALB",
    ALB,
    Category::NetworkAccessControl,
    Risk::Low,
    OneOf("address_type", &["Intranet"]),
    "An internet-facing ALB instance is reachable by anyone, widening the attack surface of its applications.",
    "Create the instance with AddressType / address_type = Intranet unless it must serve the internet.",
);

static ALB_INTRANET: Check = declare(
    "alb-address-type-intranet",
    "ALB instances are intranet-only",
    "ALB",
    ALB,
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("address_type", &["Intranet"]),
    "A public ALB address exposes every listener of the instance to the internet.",
    "Use AddressType / address_type = Intranet and publish public services through a protected entry point.",
);

static ALB_DELETE_PROTECTION: Check = declare(
    "alb-delete-protection-enabled",
    "ALB instances have deletion protection on",
    "ALB",
    ALB,
    Category::BasicProtection,
    Risk::High,
    True("deletion_protection"),
    "Without deletion protection, the load balancer can be released by one mistaken call, cutting all its traffic.",
    "ALB console > the instance: enable deletion protection, or set DeletionProtectionEnabled / deletion_protection_enabled = true.",
);

static ALB_SECURITY_GROUP: Check = declare(
    "alb-instance-bind-security-group-or-enabled-acl",
    "ALB instances are bound to a security group",
    "ALB",
    ALB,
    Category::NetworkAccessControl,
    Risk::Medium,
    Present("security_group_ids"),
    "An ALB instance with no security group (and no listener ACL) accepts traffic from any source.",
    "Join the instance to a security group (SecurityGroupIds / security_group_ids), or enable ACLs on all its listeners.",
);

static ALB_MULTI_ZONE: Check = declare(
    "alb-instance-multi-zone",
    "ALB instances span at least two zones",
    "ALB",
    ALB,
    Category::BasicProtection,
    Risk::High,
    LengthAtLeast("zone_ids", 2),
    "An ALB instance mapped to one zone stops serving when that zone fails.",
    "Add zone mappings (ZoneMappings / zone_mappings) with vSwitches in at least two zones.",
);

static ALB_WAF: Check = declare(
    "alb-instance-waf-enabled",
    "ALB instances use the WAF-enabled edition",
    "ALB",
    ALB,
    Category::NetworkAccessControl,
    Risk::High,
    OneOf("edition", &["StandardWithWaf"]),
    "Without WAF protection, web attacks such as injection and scanning reach the backends unfiltered.",
    "Use the StandardWithWaf edition (LoadBalancerEdition / load_balancer_edition) or put the instance behind WAF 3.0.",
);

static ALB_USE_WAF: Check = declare(
    "use-waf-instance-for-security-protection",
    "Web traffic through ALB is protected by WAF",
    "ALB",
    ALB,
    Category::NetworkAccessControl,
    Risk::High,
    OneOf("edition", &["StandardWithWaf"]),
    "Websites and apps served without a web application firewall are exposed to common web attacks.",
    "Choose the StandardWithWaf edition for the ALB instance, or add it as a protected object in WAF 3.0.",
);

static ALB_NAME: Check = declare(
    "alb-loadbalancer-name-required",
    "ALB instances have a name",
    "ALB",
    ALB,
    Category::BasicProtection,
    Risk::Medium,
    Present("name"),
    "Unnamed load balancers are hard to attribute and easy to change or release by mistake.",
    "Set LoadBalancerName / load_balancer_name to a name that identifies the service and owner.",
);

static ALB_ACL_PUBLIC: Check = declare(
    "alb-acl-public-access-check",
    "ALB access control lists do not contain 0.0.0.0/0",
    "ALB",
    "ACS::ALB::Acl",
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("entries", &["0.0.0.0/0", "::/0"]),
    "An ACL entry for 0.0.0.0/0 matches every address, so a whitelist using it restricts nothing.",
    "Replace the 0.0.0.0/0 entry with the specific address ranges that need access.",
);

static ALB_HEALTH_CHECK: Check = declare(
    "alb-all-listener-health-check-enabled",
    "ALB server groups used by listeners check backend health",
    "ALB",
    "ACS::ALB::ServerGroup",
    Category::BasicProtection,
    Risk::High,
    True("health_check_enabled"),
    "Without health checks, ALB keeps forwarding requests to failed backends.",
    "Enable the health check of the server group (HealthCheckConfig.HealthCheckEnabled / health_check_config.health_check_enabled = true).",
);

static ALB_SERVER_GROUP_MULTI_SERVER: Check = declare(
    "alb-server-group-multi-server",
    "ALB server groups have at least two backend servers",
    "ALB",
    "ACS::ALB::ServerGroup",
    Category::BasicProtection,
    Risk::High,
    // A Function Compute group holds one function by design.
    When("server_group_type", &["Instance", "Ip"], &AtLeast("server_count", 2.0)),
    "A server group with a single backend stops serving when that server fails or is restarted.",
    "Add at least two backend servers, preferably in different zones, to the server group.",
);

/// An instance group's servers spread over two zones or more (an IP group's
/// addresses have no zone to read).
const SERVERS_IN_TWO_ZONES: Expect = When("server_group_type", &["Instance"], &LengthAtLeast("server_zones", 2));
const ONE_ZONE_RISK: &str =
    "If every backend server is in one zone, an outage of that zone takes the whole service down.";
const SPREAD_SERVERS: &str = "Add backend ECS instances in a second zone to the server group.";

static ALB_SERVER_GROUP_MULTI_ZONE: Check = declare(
    "alb-server-group-multi-zone",
    "ALB server groups have backend servers in at least two zones",
    "ALB",
    "ACS::ALB::ServerGroup",
    Category::BasicProtection,
    Risk::Medium,
    SERVERS_IN_TWO_ZONES,
    ONE_ZONE_RISK,
    SPREAD_SERVERS,
);

static NLB_SERVER_GROUP_MULTI_ZONE: Check = declare(
    "nlb-server-group-multi-zone",
    "NLB server groups have backend servers in at least two zones",
    "NLB",
    "ACS::NLB::ServerGroup",
    Category::BasicProtection,
    Risk::Medium,
    SERVERS_IN_TWO_ZONES,
    ONE_ZONE_RISK,
    SPREAD_SERVERS,
);

static ALB_LISTENER_HAS_SERVER: Check = declare(
    "alb-all-listenter-has-server",
    "ALB listeners forward to a server group",
    "ALB",
    "ACS::ALB::Listener",
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("forward_server_group_ids"), Present("server_group_id")]),
    "A listener with no server group answers every request with an error.",
    "Give the listener a default forward action to a server group with backend servers.",
);

// ---- NLB ----

static NLB_INTRANET: Check = declare(
    "nlb-address-type-intranet",
    "NLB instances are intranet-only",
    "NLB",
    "ACS::NLB::LoadBalancer",
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("address_type", &["Intranet"]),
    "A public NLB address exposes its TCP/UDP listeners to the whole internet.",
    "Create the instance with AddressType / address_type = Intranet.",
);

static NLB_MULTI_ZONE: Check = declare(
    "nlb-loadbalancer-multi-zone",
    "NLB instances span at least two zones",
    "NLB",
    "ACS::NLB::LoadBalancer",
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("zone_ids", 2),
    "An NLB instance in one zone stops serving when that zone fails.",
    "Map the instance to vSwitches in at least two zones (ZoneMappings / zone_mappings).",
);

// ---- VPC, vSwitches, network ACLs ----

static VPC_CIDR: Check = declare(
    "vpc-cidr-required",
    "VPCs declare their CIDR block",
    "VPC",
    "ACS::VPC::VPC",
    Category::NetworkAccessControl,
    Risk::High,
    Present("cidr_block"),
    "A VPC without an explicit CIDR block gets a platform default that may overlap networks it must later connect to.",
    "Set CidrBlock / cidr_block to a planned private range.",
);

static VPC_FLOW_LOGS: Check = declare(
    "vpc-flow-logs-enabled",
    "VPCs have an active flow log",
    "VPC",
    "ACS::VPC::VPC",
    Category::LogAudit,
    Risk::Medium,
    True("flow_log_enabled"),
    "Without a flow log there is no record of the traffic entering and leaving the VPC: no way to see a scan, an exfiltration or the path of an intrusion.",
    "Create a flow log for the VPC (ResourceType VPC) delivering to a Log Service project and logstore (aliyun vpc CreateFlowLog).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 3.3", "CIS Alibaba Cloud Foundations Benchmark v2.0 2.5"]);

static VPC_NAME: Check = declare(
    "vpc-name-required",
    "VPCs have a name",
    "VPC",
    "ACS::VPC::VPC",
    Category::BasicProtection,
    Risk::Medium,
    Present("name"),
    "Unnamed VPCs are hard to attribute to an owner or environment.",
    "Set VpcName / vpc_name.",
);

static VSWITCH_CIDR: Check = declare(
    "vswitch-cidr-required",
    "vSwitches declare their CIDR block",
    "VPC",
    "ACS::VPC::VSwitch",
    Category::NetworkAccessControl,
    Risk::High,
    Present("cidr_block"),
    "Without an explicit CIDR block the subnet layout of the VPC is unplanned and may collide.",
    "Set CidrBlock / cidr_block to a range inside the VPC's block.",
);

static VSWITCH_NAME: Check = declare(
    "vswitch-name-required",
    "vSwitches have a name",
    "VPC",
    "ACS::VPC::VSwitch",
    Category::BasicProtection,
    Risk::Medium,
    Present("name"),
    "Unnamed vSwitches are hard to attribute to a tier or owner.",
    "Set VSwitchName / vswitch_name.",
);

static VSWITCH_ZONE: Check = declare(
    "vswitch-zone-required",
    "vSwitches name their zone",
    "VPC",
    "ACS::VPC::VSwitch",
    Category::BasicProtection,
    Risk::Medium,
    Present("zone_id"),
    "Without an explicit zone, resources cannot be spread deliberately across zones.",
    "Set ZoneId / zone_id for every vSwitch.",
);

static VSWITCH_IPS: Check = declare(
    "vswitch-available-ip-count",
    "vSwitches are no smaller than a /28 block",
    "VPC",
    "ACS::VPC::VSwitch",
    Category::BasicProtection,
    Risk::Medium,
    // A /29 leaves 4 usable addresses once VPC reserves 4; anything from /28 up is accepted.
    ContainsAny(
        "cidr_block",
        &["/16", "/17", "/18", "/19", "/20", "/21", "/22", "/23", "/24", "/25", "/26", "/27", "/28"],
    ),
    "A tiny vSwitch runs out of addresses, and new instances, ENIs or pods can no longer be created in it.",
    "Create the vSwitch with a larger CIDR block (for example a /24) and move workloads to it.",
);

static ACL_NOT_EMPTY: Check = declare(
    "vpc-network-acl-not-empty",
    "Network ACLs contain at least one rule",
    "VPC",
    "ACS::VPC::NetworkAcl",
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("ingress_entries"), Present("egress_entries")]),
    "An empty network ACL filters nothing and gives a false impression that the subnet is protected.",
    "Add inbound and outbound entries to the ACL (IngressAclEntries / ingress_acl_entries), or remove the unused ACL.",
);

/// A field of an ACL entry in any source's spelling: `SourceCidrIp` (ROS,
/// OpenAPI) or `source_cidr_ip` (Terraform).
fn entry_field<'a>(entry: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    let squash = |k: &str| k.replace('_', "").to_ascii_lowercase();
    entry.as_object()?.iter().find(|(k, _)| squash(k) == squash(name)).map(|(_, v)| v)
}

/// Ports no ACL should accept from everywhere: SSH and RDP.
const ACL_RISKY: &[u16] = &[22, 3389];

/// Whether a port text (`22`, `22/22`, `1/65535`, `-1/-1` for all) covers `port`.
fn port_covers(text: &str, port: u16) -> bool {
    let mut bounds = text.split('/').map(|p| p.trim().parse::<i64>());
    match (bounds.next(), bounds.next()) {
        (Some(Ok(-1)), _) => true,
        (Some(Ok(lo)), None) => lo == i64::from(port),
        (Some(Ok(lo)), Some(Ok(hi))) => (lo..=hi).contains(&i64::from(port)),
        _ => false,
    }
}

/// Inbound entries accepting SSH or RDP from any address.
fn acl_risky_ports(asset: &cspm_assets::Asset, _: &Context) -> Evaluation {
    use cspm_assets::Slot;
    use cspm_assets::iac::{is_unknown, scalar_text};
    let entries = match asset.fields.get("ingress_entries") {
        None | Some(Slot::Unreported) => return Evaluation::missing("IngressAclEntries (vpc:DescribeNetworkAcls)"),
        Some(Slot::Unknown) => return Evaluation::not_check("Unknown: the entries are known only after deployment"),
        Some(Slot::Absent) => return Evaluation::pass(),
        Some(Slot::Known(v)) => v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]),
    };
    if entries.iter().any(cspm_assets::iac::contains_unknown) {
        return Evaluation::not_check("Unknown: an entry is known only after deployment");
    }
    let mut findings = Vec::new();
    for entry in &entries {
        let read = |name: &str| entry_field(entry, name).filter(|v| !is_unknown(v)).and_then(scalar_text);
        let accepts = read("Policy").is_none_or(|p| p.eq_ignore_ascii_case("accept"));
        let from_anywhere = read("SourceCidrIp").is_some_and(|c| ANY_CIDR.contains(&c.as_str()));
        let protocol_ok = read("Protocol").is_none_or(|p| ["tcp", "all"].contains(&p.to_ascii_lowercase().as_str()));
        // An entry without a port range (an ICMP rule) opens no port.
        let Some(port) = read("Port") else { continue };
        for risky in ACL_RISKY.iter().filter(|&&r| accepts && from_anywhere && protocol_ok && port_covers(&port, r)) {
            findings.push(Finding::new(
                format!("ingress entry port {port}"),
                "accept from 0.0.0.0/0",
                format!("port {risky} closed to the Internet"),
            ));
        }
    }
    Evaluation::from_findings(findings)
}

const ANY_CIDR: &[&str] = &["0.0.0.0/0", "::/0"];

static ACL_RISKY_PORTS: Check = super::coded(
    "vpc-network-acl-risky-ports-check",
    "Network ACLs do not accept SSH or RDP from the Internet",
    "VPC",
    "ACS::VPC::NetworkAcl",
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    acl_risky_ports,
    "An inbound entry accepting port 22 or 3389 from 0.0.0.0/0 lets every host on the Internet try to log on to the subnet's servers.",
    "Narrow the entry's source to the administrators' addresses (SourceCidrIp / source_cidr_ip), or reach the servers through a bastion host.",
);

// ---- EIP ----

const EIP: &str = "ACS::EIP::Address";

static EIP_BANDWIDTH_LIMIT: Check = declare(
    "eip-bandwidth-limit",
    "EIPs cap their bandwidth at 100 Mbps",
    "EIP",
    EIP,
    Category::BasicProtection,
    Risk::Low,
    AtMost("bandwidth", 100.0),
    "A very high EIP bandwidth lets a traffic spike or attack run up large bills.",
    "Lower Bandwidth / bandwidth to 100 Mbps or less, or share bandwidth through an Internet Shared Bandwidth package.",
);

static EIP_BANDWIDTH_REQUIRED: Check = declare(
    "eip-bandwidth-required",
    "EIPs set their bandwidth",
    "EIP",
    EIP,
    Category::BasicProtection,
    Risk::Medium,
    Present("bandwidth_set"),
    "An EIP left at the default bandwidth may be too small for its service or billed differently than planned.",
    "Set Bandwidth / bandwidth explicitly on every EIP.",
);

static EIP_EXPLICIT_BANDWIDTH: Check = declare(
    "eip-explicit-bandwidth-required",
    "EIPs state their peak bandwidth explicitly",
    "EIP",
    EIP,
    Category::BasicProtection,
    Risk::Medium,
    Present("bandwidth_set"),
    "Relying on the default peak bandwidth hides the capacity and cost of the public endpoint.",
    "Write the intended peak bandwidth in the template (Bandwidth / bandwidth).",
);

static EIP_ATTACHED: Check = declare(
    "eip-attached",
    "EIPs are bound to a resource",
    "EIP",
    "ACS::EIP::Address",
    Category::BasicProtection,
    Risk::Low,
    True("attached"),
    "An unbound EIP is billed for nothing, and a forgotten one can later be bound to the wrong resource.",
    "Bind the EIP to the instance, NAT gateway or load balancer it is for (EIPAssociation / alicloud_eip_association), or release it.",
);

static EIP_DELETE_PROTECTION: Check = declare(
    "eip-delete-protection-enabled",
    "EIPs have deletion protection on",
    "EIP",
    EIP,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "A released EIP's address is lost for good, breaking DNS records and partner whitelists.",
    "Enable deletion protection on the EIP (DeletionProtection / deletion_protection = true).",
);

// ---- NAT gateways ----

static NAT_VPC: Check = declare(
    "nat-gateway-vpc-required",
    "NAT gateways are bound to a VPC",
    "NAT",
    "ACS::NAT::NatGateway",
    Category::NetworkAccessControl,
    Risk::High,
    Present("vpc_id"),
    "A NAT gateway must belong to a VPC; without it the gateway's placement and routes are undefined.",
    "Set VpcId / vpc_id (and the vSwitch) of the NAT gateway.",
);

static NAT_DELETE_PROTECTION: Check = declare(
    "natgateway-delete-protection-enabled",
    "NAT gateways have deletion protection on",
    "NAT",
    "ACS::NAT::NatGateway",
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "Deleting a NAT gateway by mistake cuts internet access for every private instance behind it.",
    "Enable deletion protection on the NAT gateway (DeletionProtection / deletion_protection = true).",
);

static NAT_RISK_PORTS: Check = declare(
    "nat-risk-ports-check",
    "NAT DNAT entries do not publish administration or database ports",
    "NAT",
    "ACS::NAT::ForwardEntry",
    Category::NetworkAccessControl,
    Risk::High,
    Excludes(
        "external_port",
        &["any", "22", "23", "135", "139", "445", "1433", "3306", "3389", "5432", "6379", "27017"],
    ),
    "A DNAT entry mapping SSH, RDP or a database port to a public IP exposes the internal server to the internet.",
    "Remove the forward entry, or map only service ports; reach administration ports through a bastion host or VPN.",
);

// ---- VPN gateways ----

static VPN_DUAL_TUNNEL: Check = declare(
    "vpn-connection-master-slave-established",
    "IPsec connections have both a master and a slave tunnel",
    "VPN Gateway",
    "ACS::VPN::VpnConnection",
    Category::BasicProtection,
    Risk::Medium,
    All(&[ContainsAny("tunnel_roles", &["master"]), ContainsAny("tunnel_roles", &["slave"])]),
    "A single-tunnel IPsec connection drops the link to the peer whenever that tunnel fails.",
    "Use a dual-tunnel VPN gateway and configure both tunnels (TunnelOptionsSpecification / tunnel_options_specification).",
);

static VPN_SSL: Check = declare(
    "vpn-gateway-enabled-ssl-vpn",
    "VPN gateways have SSL-VPN enabled",
    "VPN Gateway",
    "ACS::VPN::VpnGateway",
    Category::NetworkAccessControl,
    Risk::Low,
    True("ssl_vpn"),
    "Without SSL-VPN, remote clients need other, often less controlled, ways into the VPC.",
    "Enable SSL-VPN on the gateway (EnableSsl / ssl_vpn = \"enable\").",
);

static VPN_MULTI_ZONE: Check = declare(
    "vpn-gateway-multi-zone",
    "VPN gateways have a disaster-recovery vSwitch in a second zone",
    "VPN Gateway",
    "ACS::VPN::VpnGateway",
    Category::BasicProtection,
    Risk::Medium,
    Present("disaster_recovery_vswitch_id"),
    "A VPN gateway in one zone loses all its tunnels when that zone fails.",
    "Set DisasterRecoveryVSwitchId / disaster_recovery_vswitch_id to a vSwitch in another zone.",
);

static VPN_VPC: Check = declare(
    "vpn-gateway-vpc-required",
    "VPN gateways are bound to a VPC",
    "VPN Gateway",
    "ACS::VPN::VpnGateway",
    Category::NetworkAccessControl,
    Risk::High,
    Present("vpc_id"),
    "A VPN gateway must belong to a VPC; without it the network it connects is undefined.",
    "Set VpcId / vpc_id on the VPN gateway.",
);

static VPN_HEALTH_CHECK: Check = declare(
    "vpn-ipsec-connection-health-check-open",
    "IPsec connections run health checks",
    "VPN Gateway",
    "ACS::VPN::VpnConnection",
    Category::MonitoringAndAlerting,
    Risk::Low,
    True("health_check"),
    "Without health checks, a broken tunnel goes unnoticed and traffic is not switched to a working path.",
    "Enable the connection's health check (HealthCheckConfig.Enable / health_check_config.enable) with source and destination IPs.",
);

// ---- API Gateway ----

const API: &str = "ACS::ApiGateway::Api";

static API_JWT: Check = declare(
    "api-gateway-api-auth-jwt",
    "API Gateway APIs use OpenID Connect (JWT) ID-token authentication",
    "API Gateway",
    API,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    All(&[OneOf("auth_type", &["APPOPENID"]), OneOf("open_id_api_type", &["IDTOKEN"])]),
    "APIs without token-based authentication rely on weaker or no caller identity checks.",
    "Set the API's authentication to OpenID Connect (AuthType APPOPENID) with an IDTOKEN configuration and a public key.",
);

static API_GROUP_DOMAIN: Check = declare(
    "api-gateway-group-bind-domain",
    "API Gateway groups serve their APIs on a custom domain",
    "API Gateway",
    "ACS::ApiGateway::Group",
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("custom_domains", 1),
    "A group's default second-level domain is meant for testing: its calls from the Internet are capped per day and it cannot carry your own certificate.",
    "Bind a custom domain (with its SSL certificate) to the group and call the APIs through it.",
);

static API_AUTH: Check = declare(
    "api-gateway-api-auth-required",
    "API Gateway APIs require authentication",
    "API Gateway",
    API,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    NoneOf("auth_type", &["ANONYMOUS"]),
    "An anonymous API can be called by anyone who finds it, including for abuse and scraping.",
    "Set AuthType / auth_type to APP or APPOPENID and authorize only the apps that need it.",
);

static API_AUTH_SECURITY: Check = declare(
    "security-api-gateway-api-auth-required",
    "API Gateway APIs declare a non-anonymous authentication type",
    "API Gateway",
    API,
    Category::IdentityAuthenticationAndPermissions,
    Risk::High,
    NoneOf("auth_type", &["ANONYMOUS"]),
    "APIs without a declared authentication type may be published open to unauthenticated callers.",
    "Declare AuthType / auth_type as APP or APPOPENID for every API.",
);

static API_HTTPS: Check = declare(
    "api-gateway-api-internet-request-https",
    "Public API Gateway APIs accept HTTPS only",
    "API Gateway",
    API,
    Category::DataSecurity,
    Risk::Medium,
    When("visibility", &["PUBLIC"], &All(&[Present("request_protocol"), Excludes("request_protocol", &["HTTP"])])),
    "Public APIs reachable over HTTP send requests and credentials across the internet unencrypted.",
    "Set the request protocol of public APIs to HTTPS only (RequestConfig.RequestProtocol / request_config.request_protocol).",
);

static API_PRIVATE: Check = declare(
    "api-gateway-api-visibility-private",
    "API Gateway APIs are private",
    "API Gateway",
    API,
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("visibility", &["PRIVATE"]),
    "A public API is listed for and callable by any Alibaba Cloud user.",
    "Set Visibility / visibility to PRIVATE and authorize specific apps.",
);

static API_DOMAIN_SSL: Check = declare(
    "api-gateway-group-enabled-ssl",
    "API Gateway custom domains have an SSL certificate",
    "API Gateway",
    "ACS::ApiGateway::CustomDomain",
    Category::DataSecurity,
    Risk::Medium,
    Present("certificate_body"),
    "A custom domain without a certificate can only serve the group's APIs over plain HTTP.",
    "Upload a certificate for the custom domain (CertificateBody and CertificatePrivateKey / certificate_body and certificate_private_key).",
);

static API_HTTPS_POLICY: Check = declare(
    "api-gateway-group-https-policy-check",
    "API Gateway instances use a TLS 1.2+ HTTPS policy",
    "API Gateway",
    "ACS::ApiGateway::Instance",
    Category::DataSecurity,
    Risk::Medium,
    NoneOf("https_policy", &["HTTPS1_1_TLS1_0", "HTTPS2_TLS1_0"]),
    "HTTPS policies that still accept TLS 1.0 expose API traffic to known protocol attacks.",
    "Set HttpsPolicy / https_policy to HTTPS2_TLS1_2 (or a TLS 1.3 policy).",
);

static API_INSTANCE_MULTI_ZONE: Check = declare(
    "apigateway-instance-multi-zone",
    "API Gateway instances are deployed across zones",
    "API Gateway",
    "ACS::ApiGateway::Instance",
    Category::BasicProtection,
    Risk::Medium,
    ContainsAny("zone_id", &["MAZ"]),
    "A dedicated instance in a single zone stops serving its APIs when that zone fails.",
    "Create the instance in a multi-zone (MAZ) zone id such as cn-beijing-MAZ2(f,g).",
);

// ---- Bastionhost ----

static BASTION_AUTO_RENEW: Check = declare(
    "bastionhost-instance-expired-check",
    "Bastionhost instances renew automatically",
    "Bastionhost",
    "ACS::BastionHost::Instance",
    Category::BasicProtection,
    Risk::High,
    OneOf("auto_renew", &["AutoRenewal", "true"]),
    "A bastion host that expires stops brokering and recording administrative access.",
    "Enable auto-renewal (AutoRenew: true / renewal_status = \"AutoRenewal\").",
);

static BASTION_ENTERPRISE: Check = declare(
    "bastionhost-instance-spec-check",
    "Bastionhost instances use the high-availability (Enterprise) edition",
    "Bastionhost",
    "ACS::BastionHost::Instance",
    Category::BasicProtection,
    Risk::Medium,
    OneOf("edition", &["Enterprise", "cloudbastion_ha"]),
    "The basic edition runs in one zone, so a zone failure cuts off administrative access.",
    "Use the Enterprise edition (Version: Enterprise / plan_code = \"cloudbastion_ha\").",
);

// ---- CDN, DCDN ----

static CDN_ORIGINS: Check = declare(
    "cdn-domain-multiple-origin-servers",
    "CDN domains have at least two origin servers",
    "CDN",
    "ACS::CDN::Domain",
    Category::BasicProtection,
    Risk::High,
    LengthAtLeast("origins", 2),
    "With one origin, its failure makes every cache miss of the domain fail.",
    "Add a second origin server (OriginServers / sources) with a priority or weight.",
);

static DCDN_ORIGINS: Check = declare(
    "dcdn-domain-multiple-origin-servers",
    "DCDN domains have at least two origin servers",
    "DCDN",
    "ACS::DCDN::Domain",
    Category::BasicProtection,
    Risk::High,
    LengthAtLeast("origins", 2),
    "With one origin, its failure takes down the dynamic content the domain accelerates.",
    "Add a second origin server (Sources / sources).",
);

// ---- CEN, transit routers ----

static CEN_NAME: Check = declare(
    "cen-instance-name-required",
    "CEN instances have a name",
    "CEN",
    "ACS::CEN::CenInstance",
    Category::BasicProtection,
    Risk::Medium,
    Present("name"),
    "Unnamed CEN instances are hard to attribute, and the network they join is hard to audit.",
    "Set Name / cen_instance_name.",
);

static CEN_PEER_BANDWIDTH: Check = declare(
    "cen-cross-region-bandwidth-check",
    "Cross-region transit router connections have at least 2 Mbps",
    "CEN",
    "ACS::CEN::TransitRouterPeerAttachment",
    Category::BasicProtection,
    Risk::Medium,
    AtLeast("bandwidth", 2.0),
    "A cross-region connection with too little bandwidth drops traffic between the regions under load.",
    "Allocate at least 2 Mbps to the inter-region connection (Bandwidth / bandwidth) from a bandwidth plan.",
);

static TR_VPC_MULTI_ZONE: Check = declare(
    "transit-router-vpc-attachment-multi-zone",
    "Transit router VPC connections use vSwitches in two zones",
    "CEN",
    "ACS::CEN::TransitRouterVpcAttachment",
    Category::BasicProtection,
    Risk::High,
    LengthAtLeast("zone_ids", 2),
    "A VPC attached through one zone loses its connection to the transit router when that zone fails.",
    "Add zone mappings with vSwitches in at least two zones (ZoneMappings / zone_mappings).",
);

// ---- PrivateLink ----

static PRIVATELINK_ENDPOINT_MULTI_ZONE: Check = declare(
    "privatelink-servier-endpoint-multi-zone",
    "PrivateLink endpoints are placed in at least two zones",
    "PrivateLink",
    "ACS::PrivateLink::VpcEndpoint",
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("zone_ids", 2),
    "An endpoint in one zone cuts access to the service when that zone fails.",
    "Add a second zone with its vSwitch to the endpoint (Zone / zone).",
);

// ---- WAF ----

static WAF_LOGGING: Check = declare(
    "waf-instance-logging-enabled",
    "WAF instances keep logs",
    "WAF",
    "ACS::WAF::Instance",
    Category::LogAudit,
    Risk::Medium,
    True("log_status"),
    "Without WAF logs, blocked and allowed attacks cannot be investigated.",
    "Enable log collection for the WAF instance (log_status = \"1\").",
);

static WAF3_LOGGING: Check = declare(
    "waf3-defense-resource-logging-enabled",
    "WAF 3.0 instances keep logs",
    "WAF",
    "ACS::WAF3::Instance",
    Category::LogAudit,
    Risk::Medium,
    True("log_service"),
    "Without WAF 3.0 logs, the traffic to protected resources and the attacks on them cannot be investigated.",
    "Enable Simple Log Service for the WAF 3.0 instance (LogService: true / log_status = true).",
);
