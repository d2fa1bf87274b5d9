//! Check items: ECS instances, instance groups, disks, security groups, launch templates, snapshot policies, ESS scaling, ECI, ACK/ACS clusters, FC, MSE, CR.

#[allow(unused_imports)]
use super::coded;
#[allow(unused_imports)]
use crate::expect::Expect::{self, *};
use crate::item::*;

pub(crate) static CHECKS: &[&Check] = &[
    &ECS_ATTACHED_SG,
    &SEC_ECS_SG_REQUIRED,
    &ECS_AUTO_RENEW,
    &ECS_EXPIRED,
    &ECS_BANDWIDTH_SET,
    &ECS_CHARGE_TYPE_SET,
    &ECS_CHARGE_TYPE,
    &ECS_DELETION_PROTECTION,
    &ECS_OPERATIONAL_DELETION_PROTECTION,
    &ECS_SECURITY_ENHANCEMENT,
    &ECS_IMAGE_SET,
    &ECS_LOGIN_KEYPAIR,
    &ECS_KEYPAIR_BOUND,
    &ECS_IMDSV2,
    &ECS_NAME_SET,
    &ECS_NO_PUBLIC_ANY_IP,
    &ECS_RUNNING_NO_PUBLIC_IP,
    &SEC_ECS_NO_PUBLIC_IP,
    &ECS_RAM_ROLE,
    &ECS_TAGS_SET,
    &ECS_TYPE_SET,
    &ECS_IN_VPC,
    &ECS_RUNNING_IN_VPC,
    &SEC_ECS_VPC_REQUIRED,
    &ECS_INTERNET_CHARGE_TYPE,
    &ECS_MAX_BANDWIDTH,
    &ECS_SYSTEM_DISK_SIZE,
    &DISK_AVAILABLE_ENCRYPTED,
    &DISK_IN_USE_ENCRYPTED,
    &SEC_DISK_ENCRYPTED,
    &DISK_KMS,
    &DISK_AUTO_SNAPSHOT,
    &DISK_CATEGORY_SET,
    &DISK_SIZE_SET,
    &DISK_REGIONAL,
    &DISK_RETAIN_SNAPSHOTS,
    &SG_DESCRIPTION,
    &SG_DESCRIPTION_SET,
    &SG_NOT_NORMAL,
    &SG_ENTERPRISE,
    &SG_IN_VPC,
    &SG_EGRESS_NOT_ALL,
    &SG_NO_PUBLIC_SOURCE,
    &SG_NOT_ALL_PROTOCOLS,
    &SG_RISKY_PORTS_WITH_PROTOCOL,
    &SG_WHITELIST_PORTS,
    &SG_PUBLIC_ACCESS,
    &SG_RISKY_PORTS,
    &ECS_SINGLE_ENI,
    &ECS_TYPE_NOT_DEPRECATED,
    &LT_VPC,
    &LT_SECURITY_GROUP,
    &LT_DATA_DISK_ENCRYPTED,
    &LT_IMAGE_SET,
    &SNAPSHOT_TIME_POINTS,
    &SNAPSHOT_RETENTION,
    &ESS_CONF_SECURITY_GROUP,
    &ESS_CONF_DATA_DISK_ENCRYPTED,
    &ESS_CONF_NO_INTERNET,
    &ESS_CONF_IMAGE,
    &ESS_CONF_IMAGE_SOURCE,
    &ESS_CONF_INSTANCE_TYPE,
    &ESS_CONF_SYSTEM_DISK_ENCRYPTED,
    &ESS_GROUP_HEALTH_CHECK,
    &ESS_GROUP_MULTI_VSWITCH,
    &ESS_GROUP_VSWITCH_DISTRIBUTION,
    &ESS_GROUP_SLB,
    &ESS_GROUP_LOAD_BALANCER,
    &ESS_GROUP_MAX_SIZE,
    &ESS_GROUP_COOLDOWN,
    &ESS_GROUP_MIN_SIZE,
    &ESS_RULE_ADJUSTMENT,
    &FC_DOMAIN_CERT,
    &FC_INTERNET_CUSTOM_DOMAIN,
    &FC_DOMAIN_HTTPS,
    &FC_DOMAIN_TLS,
    &FC_FUNCTION_CONCURRENCY,
    &FC_FUNCTION_RUNTIME,
    &FC_FUNCTION_HANDLER,
    &FC_FUNCTION_TIMEOUT,
    &FC_SERVICE_ROLE,
    &FC_SERVICE_NO_INTERNET,
    &FC_SERVICE_LOG,
    &FC_SERVICE_TRACING,
    &FC_SERVICE_VPC,
    &FC_TRIGGER_AUTH,
    &CR_ACL_NO_ANY_IP,
    &CR_IMAGE_SCANNING,
    &CR_ZONE_REDUNDANT_STORAGE,
    &CR_TAG_IMMUTABLE,
    &CR_REPO_PRIVATE,
    &ACK_SECRET_ENCRYPTION,
    &ACK_KUBELET_VERSION,
    &ACK_SUPPORTED_VERSION,
    &ACK_LOG_ADDON,
    &ACK_NO_DASHBOARD,
    &ACK_NETWORK_POLICY,
    &ACK_TERWAY_IPVLAN,
    &ACK_NODE_POOL_CLOUDMONITOR,
    &ACK_CLUSTER_CHECK,
    &ACK_LATEST_VERSION,
    &ACK_MULTI_ZONE,
    &ACK_PRIVATE_ENDPOINT,
    &ACK_RRSA,
    &ACK_PRO_SPEC,
    &ACS_MULTI_ZONE,
    &ECI_VOLUMES,
    &ECI_NO_SECRET_ENV,
    &MSE_CLUSTER_NODES,
    &MSE_CLUSTER_ACL,
    &MSE_CLUSTER_REPLICAS,
    &MSE_CLUSTER_PRIVATE,
    &MSE_CLUSTER_MULTI_AZ,
    &MSE_CLUSTER_STABLE_VERSION,
    &MSE_GATEWAY_NODES,
    &MSE_GATEWAY_MULTI_AZ,
    &ROCKETMQ_MULTI_ZONE,
];

const ECS: &str = "ACS::ECS::Instance";
const DISK: &str = "ACS::ECS::Disk";
const SG: &str = "ACS::ECS::SecurityGroup";

// ---- ECS instances -------------------------------------------------------

const HAS_SECURITY_GROUP: Expect = Any(&[Present("security_group_id"), Present("security_group_ids")]);
const PREPAID_AUTO_RENEWS: Expect = When("charge_type", &["PrePaid"], &True("auto_renew"));
/// No public IP requested: `false` in a template; an empty (or no) address list in `ecs:DescribeInstances`.
const NO_PUBLIC_IP: Expect = All(&[
    Any(&[Absent("allocate_public_ip"), OneOf("allocate_public_ip", &["false", "no", "off", "0"])]),
    AtMost("internet_max_bandwidth_out", 0.0),
]);
const IN_VPC: Expect = Any(&[Present("vswitch_id"), Present("vpc_id")]);

static ECS_ATTACHED_SG: Check = declare(
    "ecs-instance-attached-security-group",
    "ECS instances belong to at least one security group",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::High,
    HAS_SECURITY_GROUP,
    "An instance declared without a security group lands in whatever default group the platform picks, with rules nobody reviewed.",
    "Set SecurityGroupId or SecurityGroupIds (ROS) or security_groups (Terraform) to a group whose rules you manage.",
);

static SEC_ECS_SG_REQUIRED: Check = declare(
    "security-ecs-instance-security-group-required",
    "ECS instances name the security group they join",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::High,
    HAS_SECURITY_GROUP,
    "Without an explicit security group the instance's inbound and outbound traffic is governed by rules the template does not control.",
    "Declare the instance's security group in the template (SecurityGroupId / security_groups).",
);

static ECS_AUTO_RENEW: Check = declare(
    "ecs-instance-auto-renewal-enabled",
    "Subscription ECS instances renew automatically",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    PREPAID_AUTO_RENEWS,
    "A subscription instance that is not renewed in time is stopped and later released, taking its service and data with it.",
    "ECS console > the instance > Renewal: turn on auto-renewal, or set AutoRenew / auto_renew to true for prepaid instances.",
);

static ECS_EXPIRED: Check = declare(
    "ecs-instance-expired-check",
    "Subscription ECS instances cannot lapse at expiry",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::High,
    PREPAID_AUTO_RENEWS,
    "A prepaid instance without auto-renewal stops when its subscription ends, interrupting whatever runs on it.",
    "Enable auto-renewal on prepaid instances (AutoRenew / auto_renew), or switch them to pay-as-you-go.",
);

static ECS_BANDWIDTH_SET: Check = declare(
    "ecs-instance-bandwidth-configured",
    "ECS instances state their outbound Internet bandwidth",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("internet_max_bandwidth_out_set"),
    "Leaving the outbound bandwidth implicit hides whether the instance gets public connectivity and how much it may cost.",
    "Set InternetMaxBandwidthOut explicitly (0 for no public bandwidth).",
);

static ECS_CHARGE_TYPE_SET: Check = declare(
    "ecs-instance-charge-type-required",
    "ECS instances state their billing method",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("charge_type"),
    "An implicit billing method makes cost and lifecycle (expiry, renewal) of the instance unclear to reviewers.",
    "Set InstanceChargeType to PostPaid or PrePaid in the template.",
);

static ECS_CHARGE_TYPE: Check = declare(
    "ecs-instance-chargetype-check",
    "ECS instances use pay-as-you-go billing",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Low,
    Excludes("charge_type", &["PrePaid"]),
    "Subscription instances follow a different lifecycle (expiry, renewal) than the pay-as-you-go billing the organisation authorises.",
    "Create the instance with InstanceChargeType / instance_charge_type PostPaid, or convert the subscription to pay-as-you-go.",
);

static ECS_DELETION_PROTECTION: Check = declare(
    "ecs-instance-deletion-protection-enabled",
    "ECS instances have release protection on",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::High,
    True("deletion_protection"),
    "Without release protection an instance can be deleted by one console click or API call, by mistake or by an attacker.",
    "ECS console > the instance > Instance Settings > Change Release Protection Setting, or set DeletionProtection / deletion_protection to true.",
);

static ECS_OPERATIONAL_DELETION_PROTECTION: Check = declare(
    "ecs-instance-operational-deletion-protection",
    "ECS instances are protected against accidental release",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    True("deletion_protection"),
    "An unprotected instance can be released during routine operations, losing its system disk and service.",
    "Set DeletionProtection to true on the instance in the template, or enable release protection in the console.",
);

static ECS_SECURITY_ENHANCEMENT: Check = declare(
    "ecs-instance-enabled-security-protection",
    "ECS instances keep the security enhancement (Security Center agent) on",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::High,
    Excludes("security_enhancement_strategy", &["Deactive"]),
    "Without the security agent, intrusions, malware and vulnerabilities on the instance go undetected.",
    "Leave SecurityEnhancementStrategy / security_enhancement_strategy at Active, or install the Security Center agent on the instance.",
);

static ECS_IMAGE_SET: Check = declare(
    "ecs-instance-image-type-check",
    "ECS instances name the image they boot from",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("image_id"),
    "An instance without an explicit image cannot be checked against the approved image sources.",
    "Set ImageId / image_id to an approved public or custom image.",
);

static ECS_LOGIN_KEYPAIR: Check = declare(
    "ecs-instance-login-use-keypair",
    "ECS instances log in with an SSH key pair",
    "ECS",
    ECS,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    Present("key_pair_name"),
    "Password logins can be guessed or brute-forced; key pairs cannot.",
    "Bind a key pair (KeyPairName / key_name) and disable password login on the instance.",
);

static ECS_KEYPAIR_BOUND: Check = declare(
    "ecs-instance-not-bind-key-pair",
    "ECS instances have a key pair bound",
    "ECS",
    ECS,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    Present("key_pair_name"),
    "An instance without a key pair relies on passwords, which are weaker against brute force and leak more easily.",
    "ECS console > Key Pairs: bind a key pair to the instance, or set KeyPairName / key_name in the template.",
);

static ECS_IMDSV2: Check = declare(
    "ecs-instance-meta-data-mode-check",
    "ECS instances require tokens (IMDSv2) for metadata access",
    "ECS",
    ECS,
    Category::DataSecurity,
    Risk::Medium,
    Any(&[OneOf("http_tokens", &["required"]), OneOf("metadata_http_tokens", &["required"])]),
    "With token-less metadata access, an SSRF flaw in an application can read the instance's RAM role credentials.",
    "Set HttpTokens / http_tokens to required (security-hardened mode).",
);

static ECS_NAME_SET: Check = declare(
    "ecs-instance-name-required",
    "ECS instances are named",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("instance_name"),
    "Unnamed instances are hard to attribute to an owner or workload during audits and incidents.",
    "Set InstanceName in the template.",
);

static ECS_NO_PUBLIC_ANY_IP: Check = declare(
    "ecs-instance-no-public-and-anyip",
    "ECS instances do not take a public IP",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::Medium,
    NO_PUBLIC_IP,
    "A public IP makes the instance directly reachable from the Internet, one security group rule away from exposure.",
    "Set AllocatePublicIP to false and InternetMaxBandwidthOut / internet_max_bandwidth_out to 0; publish services through SLB or NAT.",
);

static ECS_RUNNING_NO_PUBLIC_IP: Check = declare(
    "ecs-running-instance-no-public-ip",
    "ECS instances run without a public IP",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::High,
    NO_PUBLIC_IP,
    "An instance with a public IP can be scanned and attacked directly from the Internet.",
    "Do not request a public IP (AllocatePublicIP false, no outbound public bandwidth); reach the instance through a bastion host, SLB or NAT.",
);

static SEC_ECS_NO_PUBLIC_IP: Check = declare(
    "security-ecs-instance-no-public-ip",
    "ECS instances request no public IP",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::High,
    NO_PUBLIC_IP,
    "Requesting a public IP or public bandwidth exposes the instance to the Internet.",
    "Remove AllocatePublicIP: true and set the outbound public bandwidth to 0.",
);

static ECS_RAM_ROLE: Check = declare(
    "ecs-instance-ram-role-attached",
    "ECS instances use a RAM role for cloud API access",
    "ECS",
    ECS,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Low,
    Present("ram_role_name"),
    "Without an instance RAM role, applications tend to carry long-lived AccessKeys on disk.",
    "Attach a RAM role with least privilege (RamRoleName / ram_role_name) and use its temporary credentials.",
);

static ECS_TAGS_SET: Check = declare(
    "ecs-instance-tags-required",
    "ECS instances carry tags",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("tags"),
    "Untagged instances cannot be attributed to an owner, environment or cost centre.",
    "Add Tags / tags to the instance (for example env, owner).",
);

static ECS_TYPE_SET: Check = declare(
    "ecs-instance-type-required",
    "ECS instances state their instance type",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    Present("instance_type"),
    "Without an explicit instance type the capacity and family of the instance cannot be reviewed.",
    "Set InstanceType in the template.",
);

static ECS_IN_VPC: Check = declare(
    "ecs-instances-in-vpc",
    "ECS instances are deployed in a VPC",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::Medium,
    IN_VPC,
    "Classic-network instances share a flat network with other tenants and lack VPC isolation and access control.",
    "Create the instance in a VPC vSwitch (VpcId / VSwitchId, vswitch_id), or migrate it from the classic network.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 3.1"]);

static ECS_RUNNING_IN_VPC: Check = declare(
    "ecs-running-instances-in-vpc",
    "Running ECS instances are in a VPC",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::Medium,
    IN_VPC,
    "An instance on the classic network has no private network boundary of its own.",
    "Deploy the instance into a VPC vSwitch, or migrate the classic-network instance to a VPC.",
);

static SEC_ECS_VPC_REQUIRED: Check = declare(
    "security-ecs-instance-vpc-required",
    "ECS instances are placed in a VPC",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::High,
    IN_VPC,
    "Outside a VPC the instance cannot be isolated by private networking, route tables and ACLs.",
    "Set VpcId and VSwitchId (ROS) or vswitch_id (Terraform) on the instance.",
);

static ECS_INTERNET_CHARGE_TYPE: Check = declare(
    "ecs-internet-charge-type-check",
    "ECS instances pay for public traffic by usage",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Low,
    Excludes("internet_charge_type", &["PayByBandwidth"]),
    "Fixed-bandwidth billing charges for reserved public bandwidth whether used or not, against the preferred pay-by-traffic model.",
    "Set InternetChargeType / internet_charge_type to PayByTraffic.",
);

static ECS_MAX_BANDWIDTH: Check = declare(
    "ecs-internetmaxbandwidth-check",
    "ECS instances cap outbound public bandwidth at 100 Mbit/s",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    AtMost("internet_max_bandwidth_out", 100.0),
    "A very high outbound bandwidth cap magnifies the cost and impact of abuse (data exfiltration, DDoS from a compromised instance).",
    "Lower InternetMaxBandwidthOut / internet_max_bandwidth_out to 100 or less.",
);

static ECS_SYSTEM_DISK_SIZE: Check = declare(
    "ecs-system-disk-size-check",
    "ECS system disks have at least 40 GiB",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Low,
    AtLeast("system_disk_size", 40.0),
    "A small system disk fills up with logs and updates, and a full system disk stops services.",
    "Set SystemDiskSize / system_disk_size to 40 or more, or resize the system disk.",
);

// ---- ECS disks -----------------------------------------------------------

static DISK_AVAILABLE_ENCRYPTED: Check = declare(
    "ecs-available-disk-encrypted",
    "ECS disks are encrypted",
    "ECS",
    DISK,
    Category::DataSecurity,
    Risk::High,
    True("encrypted"),
    "Data on an unencrypted disk, and on its snapshots, can be read by anyone who obtains a copy.",
    "Create the disk with Encrypted / encrypted set to true; re-create existing disks from an encrypted snapshot.",
);

static DISK_IN_USE_ENCRYPTED: Check = declare(
    "ecs-in-use-disk-encrypted",
    "ECS data disks in use are encrypted",
    "ECS",
    DISK,
    Category::DataSecurity,
    Risk::Medium,
    True("encrypted"),
    "A data disk attached without encryption keeps the workload's data at rest in plaintext.",
    "Create data disks with encryption (Encrypted / encrypted true, optionally a KMS key) and migrate data off unencrypted ones.",
);

static SEC_DISK_ENCRYPTED: Check = declare(
    "security-ecs-disk-encrypted",
    "ECS disks are created encrypted",
    "ECS",
    DISK,
    Category::DataSecurity,
    Risk::High,
    True("encrypted"),
    "Disk encryption cannot be turned on after creation, so a disk declared unencrypted stays unencrypted.",
    "Set Encrypted: true on the disk in the template.",
);

static DISK_KMS: Check = declare(
    "ecs-disk-all-encrypted-by-kms",
    "ECS disks are encrypted with a KMS key",
    "ECS",
    DISK,
    Category::DataSecurity,
    Risk::Medium,
    All(&[True("encrypted"), Present("kms_key_id")]),
    "Without a customer-chosen KMS key, disk encryption cannot be audited, rotated or revoked by the customer.",
    "Create the disk encrypted with a KMS key: Encrypted true plus KMSKeyId / kms_key_id.",
);

static DISK_AUTO_SNAPSHOT: Check = declare(
    "ecs-disk-auto-snapshot-policy",
    "ECS disks are covered by an automatic snapshot policy",
    "ECS",
    DISK,
    Category::BasicProtection,
    Risk::Low,
    Any(&[Present("auto_snapshot_policy_id"), True("enable_auto_snapshot")]),
    "Without automatic snapshots, data lost to deletion, corruption or ransomware cannot be restored.",
    "Apply an automatic snapshot policy to the disk (AutoSnapshotPolicyId, or enable_auto_snapshot / a policy attachment in Terraform).",
);

static DISK_CATEGORY_SET: Check = declare(
    "ecs-disk-category-required",
    "ECS disks state their category",
    "ECS",
    DISK,
    Category::BasicProtection,
    Risk::Medium,
    Present("category"),
    "An implicit disk category leaves the disk's performance and redundancy to a provider default nobody reviewed.",
    "Set DiskCategory (for example cloud_essd) on the disk.",
);

static DISK_SIZE_SET: Check = declare(
    "ecs-disk-size-required",
    "ECS disks state their size",
    "ECS",
    DISK,
    Category::BasicProtection,
    Risk::Medium,
    Present("size"),
    "A disk without an explicit size cannot be reviewed for capacity or cost.",
    "Set Size on the disk.",
);

static DISK_REGIONAL: Check = declare(
    "ecs-disk-regional-auto-check",
    "ECS data disks use zone-redundant ESSD storage",
    "ECS",
    DISK,
    Category::BasicProtection,
    Risk::Low,
    OneOf("category", &["cloud_regional_disk_auto"]),
    "A disk stored in one zone becomes unavailable when that zone fails.",
    "Create data disks with the category cloud_regional_disk_auto (zone-redundant ESSD).",
);

static DISK_RETAIN_SNAPSHOTS: Check = declare(
    "ecs-disk-retain-auto-snapshot",
    "ECS disks keep their automatic snapshots when released",
    "ECS",
    DISK,
    Category::BasicProtection,
    Risk::Medium,
    False("delete_auto_snapshot"),
    "Deleting automatic snapshots with the disk removes the last copy of its data once the disk is released.",
    "Set DeleteAutoSnapshot / delete_auto_snapshot to false.",
);

// ---- Security groups -----------------------------------------------------

static SG_DESCRIPTION: Check = declare(
    "ecs-security-group-description-check",
    "Security groups have a description",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::Low,
    Present("description"),
    "Without a description nobody can tell what a security group is for, and stale groups and rules linger.",
    "Add a Description / description saying what the group protects.",
);

static SG_DESCRIPTION_SET: Check = declare(
    "ecs-security-group-description-required",
    "Security groups state their purpose",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::Medium,
    Present("description"),
    "Undocumented security groups make rule reviews guesswork.",
    "Set Description on the security group in the template.",
);

static SG_NOT_NORMAL: Check = declare(
    "ecs-security-group-type-not-normal",
    "Security groups are enterprise security groups",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::Low,
    OneOf("security_group_type", &["enterprise"]),
    "Basic security groups let instances in the same group reach each other by default, which widens lateral movement.",
    "Create the group with SecurityGroupType / security_group_type enterprise.",
);

static SG_ENTERPRISE: Check = declare(
    "security-group-enterprise-type",
    "Security groups are created as enterprise groups",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::Medium,
    OneOf("security_group_type", &["enterprise"]),
    "A basic (normal) group, the default, allows all traffic between its members.",
    "Set SecurityGroupType: enterprise on the group.",
);

static SG_IN_VPC: Check = declare(
    "security-group-vpc-required",
    "Security groups belong to a VPC",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    Present("vpc_id"),
    "A security group without a VPC is a classic-network group, without VPC isolation.",
    "Set VpcId on the security group.",
);

// ---- Security group rules (typed asset, joined rules included) ---------

fn rules_of(asset: &Asset) -> Option<&[SecurityGroupRule]> {
    match &asset.spec {
        AssetSpec::SecurityGroup(g) => Some(&g.rules),
        _ => None,
    }
}

fn shown_rule(r: &SecurityGroupRule) -> String {
    let range = r.ports.map_or_else(|| "-1/-1".to_owned(), |(lo, hi)| format!("{lo}/{hi}"));
    format!("{} {range} {}", r.protocol, r.cidr.as_deref().unwrap_or("(no CIDR)"))
}

/// Findings for every rule `bad` picks out.
fn rule_findings(asset: &Asset, bad: impl Fn(&SecurityGroupRule) -> bool, expected: &str) -> Evaluation {
    let Some(rules) = rules_of(asset) else {
        return Evaluation::missing("the group's rules (ecs:DescribeSecurityGroupAttribute)");
    };
    Evaluation::from_findings(
        rules
            .iter()
            .filter(|r| bad(r))
            .map(|r| Finding::new("Permissions.Permission", shown_rule(r), expected))
            .collect(),
    )
}

fn ingress_accept(r: &SecurityGroupRule) -> bool {
    r.direction == Direction::Ingress && r.accept
}

fn any_address(cidr: Option<&str>) -> bool {
    cidr.is_some_and(|c| matches!(c.trim(), "0.0.0.0/0" | "::/0" | "0.0.0.0"))
}

/// Whether a CIDR (or single address) reaches beyond private, shared, loopback and link-local space.
fn includes_public(cidr: &str) -> bool {
    let (addr, len) = cidr.trim().split_once('/').unwrap_or((cidr.trim(), ""));
    if let Ok(ip) = addr.parse::<std::net::Ipv4Addr>() {
        let len: u32 = len.parse().unwrap_or(32).min(32);
        let start = u32::from(ip);
        let private: [(u32, u32); 6] = [
            (u32::from(std::net::Ipv4Addr::new(10, 0, 0, 0)), 8),
            (u32::from(std::net::Ipv4Addr::new(172, 16, 0, 0)), 12),
            (u32::from(std::net::Ipv4Addr::new(192, 168, 0, 0)), 16),
            (u32::from(std::net::Ipv4Addr::new(127, 0, 0, 0)), 8),
            (u32::from(std::net::Ipv4Addr::new(169, 254, 0, 0)), 16),
            // Shared address space, used by Alibaba Cloud services (SLB health checks) inside the VPC.
            (u32::from(std::net::Ipv4Addr::new(100, 64, 0, 0)), 10),
        ];
        let mask = |n: u32| if n == 0 { 0 } else { u32::MAX << (32 - n) };
        // Inside a private block when at least as narrow and on the same prefix.
        return !private.iter().any(|(net, n)| len >= *n && start & mask(*n) == *net);
    }
    if let Ok(ip) = addr.parse::<std::net::Ipv6Addr>() {
        let len: u32 = len.parse().unwrap_or(128).min(128);
        let first = ip.segments()[0];
        let unique_local = len >= 7 && first & 0xfe00 == 0xfc00;
        let link_local = len >= 10 && first & 0xffc0 == 0xfe80;
        return !(unique_local || link_local || ip.is_loopback());
    }
    false
}

const RISKY_PORTS: &[u16] = &[22, 3389];

fn carries_ports(protocol: &str) -> bool {
    matches!(protocol, "tcp" | "udp" | "all")
}

static SG_EGRESS_NOT_ALL: Check = coded(
    "ecs-security-group-egress-not-all-access",
    "Security groups do not allow all outbound traffic",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| {
        rule_findings(
            a,
            |r| {
                r.direction == Direction::Egress
                    && r.accept
                    && r.protocol == "all"
                    && r.covers_all_ports()
                    && any_address(r.cidr.as_deref())
            },
            "outbound rules limited by protocol, port or destination",
        )
    },
    "An egress rule allowing every protocol and port to anywhere lets a compromised instance exfiltrate data or reach command-and-control freely.",
    "Replace the allow-all outbound rule with rules for the protocols, ports and destinations the workload needs.",
);

static SG_NO_PUBLIC_SOURCE: Check = coded(
    "ecs-security-group-not-internet-cidr-access",
    "Security groups accept inbound traffic only from private addresses",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| {
        rule_findings(
            a,
            |r| ingress_accept(r) && r.cidr.as_deref().is_some_and(includes_public),
            "a private source CIDR",
        )
    },
    "Inbound rules that admit public addresses expose the instances to the Internet.",
    "Narrow the source of inbound accept rules to private (VPC or on-premises) ranges; publish services through SLB instead.",
);

static SG_NOT_ALL_PROTOCOLS: Check = coded(
    "ecs-security-group-not-open-all-protocol",
    "Security groups do not accept inbound traffic of every protocol",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| rule_findings(a, |r| ingress_accept(r) && r.protocol == "all", "a named protocol (TCP, UDP, ICMP)"),
    "An inbound rule for all protocols opens every port and service, far more than any workload needs.",
    "Replace inbound rules of protocol ALL with rules for the specific protocol and ports.",
);

static SG_RISKY_PORTS_WITH_PROTOCOL: Check = coded(
    "ecs-security-group-risky-ports-check-with-protocol",
    "Security groups do not open SSH or RDP over TCP/UDP to 0.0.0.0/0",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| {
        rule_findings(
            a,
            |r| r.open_to_internet() && carries_ports(&r.protocol) && RISKY_PORTS.iter().any(|p| r.covers_port(*p)),
            "ports 22 and 3389 not open to 0.0.0.0/0",
        )
    },
    "Remote administration ports open to the whole Internet attract brute-force and exploit attempts.",
    "Restrict the source of rules covering ports 22 and 3389 to known addresses, or use a bastion host.",
);

static SG_WHITELIST_PORTS: Check = coded(
    "ecs-security-group-white-list-port-check",
    "Security groups open only whitelisted ports (80) to 0.0.0.0/0",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| {
        rule_findings(
            a,
            |r| r.open_to_internet() && carries_ports(&r.protocol) && r.ports != Some((80, 80)),
            "only port 80 open to 0.0.0.0/0",
        )
    },
    "Every port open to the whole Internet beyond the approved ones widens the attack surface.",
    "Limit inbound rules from 0.0.0.0/0 to the whitelisted port 80; restrict other ports to known sources.",
);

static SG_PUBLIC_ACCESS: Check = coded(
    "sg-public-access-check",
    "Security groups do not open all ports to 0.0.0.0/0",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| rule_findings(a, |r| r.open_to_internet() && r.covers_all_ports(), "not all ports open to 0.0.0.0/0"),
    "A rule accepting every port from every address exposes all services on the instances to the Internet.",
    "Delete the rule or narrow it to the needed ports and known sources.",
);

static SG_RISKY_PORTS: Check = coded(
    "sg-risky-ports-check",
    "Security groups do not open risky ports (22, 3389) to 0.0.0.0/0",
    "ECS",
    SG,
    Category::NetworkAccessControl,
    Risk::High,
    &[],
    |a, _| {
        rule_findings(
            a,
            |r| r.open_to_internet() && RISKY_PORTS.iter().any(|p| r.covers_port(*p)),
            "ports 22 and 3389 not open to 0.0.0.0/0",
        )
    },
    "SSH and RDP open to any address invite brute force and remote exploits.",
    "Restrict rules covering ports 22 and 3389 to known addresses.",
);

// ---- Code items over schema fields ---------------------------------------

/// Runs `f` on the asset's schema fields; an inventory that reports none is not checked.
fn with_fields(asset: &Asset, f: impl FnOnce(&Fields) -> Evaluation) -> Evaluation {
    if asset.fields.is_empty() {
        return Evaluation::not_check("MissingData: the inventory does not report the properties this item reads");
    }
    f(&asset.fields)
}

/// A field's value; one the inventory did not report reads as unknown.
fn slot(fields: &Fields, name: &str) -> Slot {
    match fields.get(name) {
        None => Slot::Absent,
        Some(Slot::Unreported) => Slot::Unknown,
        Some(s) => s.clone(),
    }
}

fn unknown(field: &str) -> Evaluation {
    Evaluation::not_check(format!("Unknown: {field} is not known (known only after deployment, or not reported)"))
}

fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// Every data disk entry of `field` declares encryption on.
fn disks_encrypted(asset: &Asset, field: &'static str) -> Evaluation {
    with_fields(asset, |fields| match slot(fields, field) {
        Slot::Unknown | Slot::Unreported => unknown(field),
        Slot::Absent => Evaluation::pass(),
        Slot::Known(v) => {
            let mut findings = Vec::new();
            for (i, disk) in items(&v).into_iter().enumerate() {
                if is_unknown(disk) {
                    return unknown(field);
                }
                let flag = disk.as_object().and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("encrypted")));
                match flag.map(|(_, x)| x) {
                    Some(x) if is_unknown(x) => return unknown(field),
                    Some(x) if text(x).is_some_and(|t| t.eq_ignore_ascii_case("true")) => {}
                    other => findings.push(Finding::new(
                        format!("{field}[{i}].encrypted"),
                        other.and_then(text).unwrap_or_else(|| "not set".into()),
                        "true",
                    )),
                }
            }
            Evaluation::from_findings(findings)
        }
    })
}

static ECS_SINGLE_ENI: Check = coded(
    "ecs-instance-multiple-eni-check",
    "ECS instances use a single network interface",
    "ECS",
    ECS,
    Category::NetworkAccessControl,
    Risk::Low,
    &[],
    |a, _| {
        with_fields(a, |fields| match slot(fields, "network_interface_ids") {
            Slot::Unknown | Slot::Unreported => unknown("network_interface_ids"),
            Slot::Absent => Evaluation::pass(),
            Slot::Known(v) => {
                let n = items(&v).into_iter().filter(|x| !x.is_null()).count();
                if n <= 1 {
                    Evaluation::pass()
                } else {
                    Evaluation::from_findings(vec![Finding::new(
                        "network_interface_ids",
                        format!("{n} interfaces"),
                        "at most 1",
                    )])
                }
            }
        })
    },
    "Each extra network interface is another path into the instance, often in another vSwitch or security group, that reviews overlook.",
    "Detach secondary elastic network interfaces the workload does not need.",
);

/// Instance families Alibaba Cloud has retired (the first generation).
const RETIRED_FAMILIES: &[&str] = &["t1", "s1", "s2", "s3", "m1", "m2", "c1", "c2", "n1", "n2", "e3"];

static ECS_TYPE_NOT_DEPRECATED: Check = coded(
    "ecs-instance-type-family-not-deprecated",
    "ECS instances use a current instance family",
    "ECS",
    ECS,
    Category::BasicProtection,
    Risk::Medium,
    &[],
    |a, _| {
        with_fields(a, |fields| match slot(fields, "instance_type") {
            Slot::Unknown | Slot::Unreported => unknown("instance_type"),
            Slot::Absent => Evaluation::pass(),
            Slot::Known(v) => {
                let t = text(&v).unwrap_or_default();
                let family = t.split('.').nth(1).unwrap_or_default().to_ascii_lowercase();
                if RETIRED_FAMILIES.contains(&family.as_str()) {
                    Evaluation::from_findings(vec![Finding::new("instance_type", t, "a current instance family")])
                } else {
                    Evaluation::pass()
                }
            }
        })
    },
    "Retired instance families run on old hardware, get no new features or fixes, and can be withdrawn.",
    "Change the instance type to a current family (for example g7, c7, r7 or newer).",
);

// ---- Launch templates ----------------------------------------------------

const LT: &str = "ACS::ECS::LaunchTemplate";

static LT_VPC: Check = declare(
    "ecs-launch-template-network-type-check",
    "ECS launch templates launch instances into a VPC",
    "ECS",
    LT,
    Category::NetworkAccessControl,
    Risk::Medium,
    Excludes("network_type", &["classic"]),
    "Instances launched on the classic network lack VPC isolation.",
    "Set NetworkType / network_type of the launch template to vpc.",
);

static LT_SECURITY_GROUP: Check = declare(
    "ecs-launch-template-version-attach-security-group",
    "ECS launch templates name a security group",
    "ECS",
    LT,
    Category::NetworkAccessControl,
    Risk::High,
    Any(&[Present("security_group_id"), Present("security_group_ids")]),
    "Instances launched from a template without a security group get rules nobody chose for them.",
    "Set SecurityGroupId / SecurityGroupIds (security_group_id / security_group_ids) in the launch template.",
);

static LT_DATA_DISK_ENCRYPTED: Check = coded(
    "ecs-launch-template-version-data-disk-encrypted",
    "ECS launch templates encrypt every data disk",
    "ECS",
    LT,
    Category::DataSecurity,
    Risk::Medium,
    &[],
    |a, _| disks_encrypted(a, "data_disks"),
    "Every instance launched from the template gets unencrypted data disks whose contents are readable from snapshots or copies.",
    "Set Encrypted / encrypted to true on each data disk of the launch template.",
);

static LT_IMAGE_SET: Check = declare(
    "ecs-launch-template-version-image-type-check",
    "ECS launch templates name the image to launch",
    "ECS",
    LT,
    Category::BasicProtection,
    Risk::Medium,
    Present("image_id"),
    "A launch template without an image leaves the boot image to whoever launches, bypassing approved images.",
    "Set ImageId / image_id in the launch template to an approved image.",
);

// ---- Automatic snapshot policies ----------------------------------------

const SNAPSHOT_POLICY: &str = "ACS::ECS::AutoSnapshotPolicy";

static SNAPSHOT_TIME_POINTS: Check = coded(
    "ecs-snapshot-policy-timepoints-check",
    "Automatic snapshots are taken in off-peak hours",
    "ECS",
    SNAPSHOT_POLICY,
    Category::BasicProtection,
    Risk::Medium,
    &[
        ParamSpec {
            name: "start_hour",
            description: "First hour (0-23) of the off-peak window",
            min: 0,
            max: 23,
            default: 0,
        },
        ParamSpec {
            name: "end_hour",
            description: "Last hour (0-23) of the off-peak window",
            min: 0,
            max: 23,
            default: 6,
        },
    ],
    |a, ctx| {
        let (start, end) = (ctx.param("start_hour"), ctx.param("end_hour"));
        with_fields(a, |fields| match slot(fields, "time_points") {
            Slot::Unknown | Slot::Unreported => unknown("time_points"),
            Slot::Absent => Evaluation::pass(),
            Slot::Known(v) => {
                let mut points = Vec::new();
                for x in items(&v) {
                    if is_unknown(x) {
                        return unknown("time_points");
                    }
                    // Terraform may write the list as one JSON text.
                    match text(x) {
                        Some(t) => points.extend(
                            t.trim_matches(|c| c == '[' || c == ']')
                                .split(',')
                                .map(|p| p.trim().trim_matches('"').to_owned())
                                .filter(|p| !p.is_empty()),
                        ),
                        None => points.push(x.to_string()),
                    }
                }
                let inside = |h: i64| if start <= end { start <= h && h <= end } else { h >= start || h <= end };
                Evaluation::from_findings(
                    points
                        .into_iter()
                        .filter(|p| !p.parse::<i64>().is_ok_and(inside))
                        .map(|p| Finding::new("time_points", p, format!("hours {start} to {end}")))
                        .collect(),
                )
            }
        })
    },
    "Snapshots taken during business hours compete with the workload for disk I/O.",
    "Set the policy's TimePoints / time_points to off-peak hours (by default 0 to 6).",
);

static SNAPSHOT_RETENTION: Check = declare(
    "ecs-snapshot-retention-days",
    "Automatic snapshots are kept at least 7 days",
    "ECS",
    SNAPSHOT_POLICY,
    Category::BasicProtection,
    Risk::Low,
    Any(&[AtLeast("retention_days", 7.0), OneOf("retention_days", &["-1"])]),
    "Snapshots kept only a few days may be gone before a data loss or corruption is noticed.",
    "Set RetentionDays / retention_days to 7 or more (or -1 to keep snapshots until deleted).",
);

// ---- ESS -----------------------------------------------------------------

const ESS_CONF: &str = "ACS::ESS::ScalingConfiguration";
const ESS_GROUP: &str = "ACS::ESS::ScalingGroup";

static ESS_CONF_SECURITY_GROUP: Check = declare(
    "ess-scaling-configuration-attach-security-group",
    "ESS scaling configurations put instances in a security group",
    "ESS",
    ESS_CONF,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("security_group_id"), Present("security_group_ids")]),
    "Scaled-out instances without a chosen security group are not covered by reviewed network rules.",
    "Set SecurityGroupId / SecurityGroupIds (security_group_id / security_group_ids) in the scaling configuration.",
);

static ESS_CONF_DATA_DISK_ENCRYPTED: Check = coded(
    "ess-scaling-configuration-data-disk-encrypted",
    "ESS scaling configurations encrypt every data disk",
    "ESS",
    ESS_CONF,
    Category::DataSecurity,
    Risk::High,
    &[],
    |a, _| disks_encrypted(a, "data_disks"),
    "Instances created by the scaling group get unencrypted data disks.",
    "Set Encrypted / encrypted to true on each data disk (DiskMappings / data_disk) of the scaling configuration.",
);

static ESS_CONF_NO_INTERNET: Check = declare(
    "ess-scaling-configuration-enabled-internet-check",
    "ESS scaling configurations give instances no public bandwidth",
    "ESS",
    ESS_CONF,
    Category::NetworkAccessControl,
    Risk::Medium,
    AtMost("internet_max_bandwidth_out", 0.0),
    "Every instance the group creates gets a public IP and is reachable from the Internet.",
    "Set InternetMaxBandwidthOut / internet_max_bandwidth_out to 0 and reach instances through SLB or NAT.",
);

static ESS_CONF_IMAGE: Check = declare(
    "ess-scaling-configuration-image-check",
    "ESS scaling configurations name the image to launch",
    "ESS",
    ESS_CONF,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("image_id"), Present("image_family")]),
    "Without an explicit, maintained image the group may launch instances from an image nobody reviewed.",
    "Set ImageId (or ImageFamily) / image_id to a maintained image.",
);

static ESS_CONF_IMAGE_SOURCE: Check = declare(
    "ess-scaling-configuration-image-type-check",
    "ESS scaling configurations launch from a declared image source",
    "ESS",
    ESS_CONF,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("image_id"), Present("image_family")]),
    "An undeclared image source cannot be checked against the approved ones.",
    "Set ImageId or ImageFamily / image_id to an image from an approved source.",
);

static ESS_CONF_INSTANCE_TYPE: Check = declare(
    "ess-scaling-configuration-instance-type-candidates-required",
    "ESS scaling configurations state the instance types to launch",
    "ESS",
    ESS_CONF,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("instance_type"), Present("instance_types")]),
    "Without instance types the group's capacity and cost cannot be reviewed, and scale-out may fail.",
    "Set InstanceType or InstanceTypes (instance_type / instance_types), ideally several candidates.",
);

static ESS_CONF_SYSTEM_DISK_ENCRYPTED: Check = declare(
    "ess-scaling-configuration-system-disk-encrypted",
    "ESS scaling configurations encrypt the system disk",
    "ESS",
    ESS_CONF,
    Category::DataSecurity,
    Risk::High,
    Any(&[True("system_disk_encrypted"), Present("system_disk_encrypt_algorithm")]),
    "Instances created by the group keep their operating system and local data unencrypted.",
    "Enable system disk encryption in the scaling configuration (SystemDiskEncrypted / SystemDiskEncryptAlgorithm, system_disk_encrypted).",
);

static ESS_GROUP_HEALTH_CHECK: Check = declare(
    "ess-group-health-check",
    "ESS scaling groups health-check their instances",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    OneOf("health_check_type", &["ECS", "LOAD_BALANCER"]),
    "Without a health check, failed instances stay in service and are not replaced.",
    "Set HealthCheckType / health_check_type to ECS (or LOAD_BALANCER).",
);

static ESS_GROUP_MULTI_VSWITCH: Check = declare(
    "ess-scaling-group-attach-multi-switch",
    "ESS scaling groups span at least two vSwitches",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    LengthAtLeast("vswitch_ids", 2),
    "A group in one vSwitch, and so one zone, loses all its instances when the zone fails.",
    "Attach vSwitches in at least two zones (VSwitchIds / vswitch_ids).",
);

static ESS_GROUP_VSWITCH_DISTRIBUTION: Check = declare(
    "ess-scaling-group-multi-vswitch-distribution",
    "ESS scaling groups can spread instances over several vSwitches",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::High,
    LengthAtLeast("vswitch_ids", 2),
    "With a single vSwitch every instance lands in the same zone.",
    "List vSwitches of two or more zones in VSwitchIds / vswitch_ids.",
);

static ESS_GROUP_SLB: Check = declare(
    "ess-scaling-group-attach-slb",
    "ESS scaling groups register instances with a load balancer",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    Present("loadbalancer_ids"),
    "Instances the group adds receive no traffic unless a load balancer distributes it.",
    "Attach the group to CLB (SLB) instances with LoadBalancerIds / loadbalancer_ids.",
);

static ESS_GROUP_LOAD_BALANCER: Check = declare(
    "ess-scaling-group-loadbalancer-check",
    "ESS scaling groups are attached to load balancers",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("loadbalancer_ids"), Present("server_groups")]),
    "A group without a load balancer cannot spread traffic over, or fail over between, its instances.",
    "Attach CLB instances (LoadBalancerIds / loadbalancer_ids) or ALB/NLB server groups (ServerGroups) to the group.",
);

static ESS_GROUP_MAX_SIZE: Check = declare(
    "ess-scaling-group-capacity-bounds-required",
    "ESS scaling groups state their maximum size",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    Present("max_size"),
    "Without an explicit ceiling, the group's possible cost and footprint are not reviewed.",
    "Set MaxSize on the scaling group.",
);

static ESS_GROUP_COOLDOWN: Check = declare(
    "ess-scaling-group-cooldown-configured",
    "ESS scaling groups state a cooldown period",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    Present("default_cooldown"),
    "Without a deliberate cooldown, scaling activities can follow each other too quickly and flap.",
    "Set DefaultCooldown on the scaling group.",
);

static ESS_GROUP_MIN_SIZE: Check = declare(
    "ack-cluster-node-pool-scaling-limits-required",
    "ESS scaling groups state their minimum size",
    "ESS",
    ESS_GROUP,
    Category::BasicProtection,
    Risk::Medium,
    Present("min_size"),
    "Without an explicit floor, the baseline capacity of the group (or node pool) is not reviewed.",
    "Set MinSize on the scaling group.",
);

static ESS_RULE_ADJUSTMENT: Check = declare(
    "ess-scaling-rule-action-configured",
    "ESS scaling rules state how they adjust capacity",
    "ESS",
    "ACS::ESS::ScalingRule",
    Category::BasicProtection,
    Risk::Medium,
    Any(&[
        Present("adjustment_type"),
        OneOf("scaling_rule_type", &["TargetTrackingScalingRule", "PredictiveScalingRule"]),
    ]),
    "A simple or step rule without an adjustment type does nothing predictable when triggered.",
    "Set AdjustmentType (and AdjustmentValue) on the scaling rule.",
);

// ---- Function Compute ----------------------------------------------------

const FC_DOMAIN: &str = "ACS::FC::CustomDomain";
const FC_FUNCTION: &str = "ACS::FC::Function";
const FC_SERVICE: &str = "ACS::FC::Service";
const HTTPS_WITH_CERT: Expect = All(&[ContainsAny("protocol", &["HTTPS"]), Present("cert_config")]);

static FC_DOMAIN_CERT: Check = declare(
    "fc-function-custom-domain-and-cert-enable",
    "FC custom domains serve HTTPS with a certificate",
    "FC",
    FC_DOMAIN,
    Category::DataSecurity,
    Risk::Medium,
    HTTPS_WITH_CERT,
    "Without a certificate the custom domain can only serve plaintext HTTP.",
    "Set Protocol to HTTPS (or HTTP,HTTPS) and give CertConfig / cert_config a certificate and key.",
);

static FC_DOMAIN_HTTPS: Check = declare(
    "fc-function-custom-domain-and-https-enable",
    "FC custom domains accept HTTPS",
    "FC",
    FC_DOMAIN,
    Category::DataSecurity,
    Risk::Medium,
    ContainsAny("protocol", &["HTTPS"]),
    "A custom domain serving only HTTP sends requests and responses in plaintext.",
    "Set Protocol / protocol to HTTPS or HTTP,HTTPS.",
);

static FC_DOMAIN_TLS: Check = declare(
    "fc-function-custom-domain-and-tls-enable",
    "FC custom domains terminate TLS",
    "FC",
    FC_DOMAIN,
    Category::DataSecurity,
    Risk::Medium,
    HTTPS_WITH_CERT,
    "Traffic to a custom domain without TLS can be read and altered in transit.",
    "Enable HTTPS on the custom domain with a certificate (CertConfig / cert_config).",
);

static FC_FUNCTION_CONCURRENCY: Check = declare(
    "fc-function-instance-concurrency-configured",
    "FC functions state their per-instance concurrency",
    "FC",
    FC_FUNCTION,
    Category::BasicProtection,
    Risk::Medium,
    Present("instance_concurrency"),
    "An implicit concurrency leaves the function's scaling and cost behaviour unreviewed.",
    "Set InstanceConcurrency on the function.",
);

/// Function Compute runtimes past their end of life.
const RETIRED_RUNTIMES: &[&str] =
    &["python2.7", "python3", "nodejs4.4", "nodejs6", "nodejs8", "nodejs10", "nodejs12", "dotnetcore2.1", "php7.2"];

static FC_FUNCTION_RUNTIME: Check = declare(
    "fc-function-runtime-check",
    "FC functions run on a supported runtime",
    "FC",
    FC_FUNCTION,
    Category::BasicProtection,
    Risk::High,
    Excludes("runtime", RETIRED_RUNTIMES),
    "Runtimes past end of life get no security fixes.",
    "Move the function to a supported runtime (for example python3.10, nodejs18 or newer).",
);

static FC_FUNCTION_HANDLER: Check = declare(
    "fc-function-settings-check",
    "FC functions declare their handler",
    "FC",
    FC_FUNCTION,
    Category::BasicProtection,
    Risk::Medium,
    Present("handler"),
    "A function without a handler cannot be invoked as intended and its settings cannot be reviewed.",
    "Set Handler / handler (for example index.handler) on the function.",
);

static FC_FUNCTION_TIMEOUT: Check = declare(
    "fc-function-timeout-configured",
    "FC functions state their timeout",
    "FC",
    FC_FUNCTION,
    Category::BasicProtection,
    Risk::Medium,
    Present("timeout"),
    "Without a deliberate timeout, a stuck invocation runs (and bills) for the default duration.",
    "Set Timeout on the function.",
);

static FC_SERVICE_ROLE: Check = declare(
    "fc-service-bind-role",
    "FC services run with a RAM role",
    "FC",
    FC_SERVICE,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    Present("role"),
    "Without a service role, functions tend to embed AccessKeys to reach other cloud services.",
    "Set Role / role to a RAM role with least privilege.",
);

static FC_SERVICE_NO_INTERNET: Check = declare(
    "fc-service-internet-access-disable",
    "FC services have Internet access off",
    "FC",
    FC_SERVICE,
    Category::NetworkAccessControl,
    Risk::Medium,
    False("internet_access"),
    "Functions that can reach the Internet can exfiltrate data or download payloads when compromised; it is on by default.",
    "Set InternetAccess / internet_access to false for services that only use internal resources.",
);

static FC_SERVICE_LOG: Check = declare(
    "fc-service-log-enable",
    "FC services ship logs to Log Service",
    "FC",
    FC_SERVICE,
    Category::LogAudit,
    Risk::Medium,
    All(&[Present("log_project"), Present("log_store")]),
    "Without logs, function failures and abuse cannot be investigated.",
    "Configure LogConfig / log_config with a Log Service project and logstore.",
);

static FC_SERVICE_TRACING: Check = declare(
    "fc-service-tracing-enable",
    "FC services have tracing on",
    "FC",
    FC_SERVICE,
    Category::MonitoringAndAlerting,
    Risk::Medium,
    Present("tracing_type"),
    "Without tracing, slow or failing calls across functions are hard to diagnose.",
    "Configure TracingConfig / tracing_config (Jaeger, via Tracing Analysis).",
);

static FC_SERVICE_VPC: Check = declare(
    "fc-service-vpc-binding",
    "FC services are bound to a VPC",
    "FC",
    FC_SERVICE,
    Category::NetworkAccessControl,
    Risk::Medium,
    Any(&[Present("vpc_id"), Present("vswitch_ids")]),
    "Without VPC binding functions reach internal resources only over public endpoints.",
    "Configure VpcConfig / vpc_config with the VPC, vSwitches and security group.",
);

static FC_TRIGGER_AUTH: Check = coded(
    "fc-trigger-http-not-anonymous",
    "FC HTTP triggers require authentication",
    "FC",
    "ACS::FC::Trigger",
    Category::IdentityAuthenticationAndPermissions,
    Risk::High,
    &[],
    |a, _| {
        with_fields(a, |fields| {
            match slot(fields, "trigger_type") {
                Slot::Unknown | Slot::Unreported => return unknown("trigger_type"),
                Slot::Known(t) if text(&t).is_some_and(|t| t.eq_ignore_ascii_case("http")) => {}
                _ => return Evaluation::pass(),
            }
            let config = match slot(fields, "trigger_config") {
                Slot::Unknown | Slot::Unreported => return unknown("trigger_config"),
                Slot::Absent => Value::Null,
                // Terraform writes the configuration as JSON text.
                Slot::Known(Value::String(s)) => match serde_json::from_str::<Value>(&s) {
                    Ok(v) => v,
                    Err(_) => return unknown("trigger_config"),
                },
                Slot::Known(v) => v,
            };
            let auth = config.as_object().and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("authType")));
            match auth.map(|(_, v)| v) {
                Some(v) if is_unknown(v) => unknown("trigger_config"),
                Some(v) if text(v).is_some_and(|t| !t.eq_ignore_ascii_case("anonymous")) => Evaluation::pass(),
                other => Evaluation::from_findings(vec![Finding::new(
                    "trigger_config.authType",
                    other.and_then(text).unwrap_or_else(|| "not set (anonymous)".into()),
                    "function",
                )]),
            }
        })
    },
    "An anonymous HTTP trigger lets anyone on the Internet invoke the function, run up cost and probe it.",
    "Set the trigger's AuthType / authType to function (signed requests).",
);

static FC_INTERNET_CUSTOM_DOMAIN: Check = declare(
    "fc-function-internet-and-custom-domain-enable",
    "Function Compute services reachable from the Internet are served on a custom domain",
    "FC",
    "ACS::FC::Service",
    Category::NetworkAccessControl,
    Risk::Medium,
    When("internet_access", &["true"], &True("custom_domain_bound")),
    "Without a custom domain, Internet callers use the default endpoint, which carries no certificate or access policy of your own.",
    "Bind a custom domain (HTTPS, with your certificate) whose routes send requests to the service, or turn off the service's Internet access.",
);

// ---- Container Registry --------------------------------------------------

static CR_ACL_NO_ANY_IP: Check = declare(
    "cr-instance-any-ip-access-check",
    "Container Registry endpoint ACLs do not admit every address",
    "CR",
    "ACS::CR::InstanceEndpointAclPolicy",
    Category::NetworkAccessControl,
    Risk::High,
    Excludes("entry", &["0.0.0.0/0", "0.0.0.0", "::/0"]),
    "An ACL entry of 0.0.0.0/0 opens the registry endpoint to the whole Internet.",
    "Replace the 0.0.0.0/0 entry with the addresses that need to pull and push.",
);

static CR_ZONE_REDUNDANT_STORAGE: Check = declare(
    "cr-instance-multi-zone",
    "Container Registry instances keep images in a zone-redundant OSS bucket",
    "CR",
    "ACS::CR::Instance",
    Category::BasicProtection,
    Risk::Medium,
    // Left out: the registry's own managed bucket, not the tenant's to configure.
    Excludes("storage_redundancy_type", &["LRS"]),
    "Images in a locally redundant bucket become unavailable when its zone fails, so nothing can be pulled or deployed.",
    "Create the registry's custom OSS bucket with RedundancyType / redundancy_type = ZRS (or convert the bucket to ZRS).",
);

static CR_IMAGE_SCANNING: Check = declare(
    "cr-repository-image-scanning-enabled",
    "Container Registry instances scan images for vulnerabilities",
    "CR",
    "ACS::CR::Instance",
    Category::BasicProtection,
    Risk::High,
    Present("image_scanner"),
    "Without scanning, images with known vulnerabilities are pulled and deployed unnoticed.",
    "Set ImageScanner / image_scanner (ACR or SAS) on the instance.",
);

static CR_TAG_IMMUTABLE: Check = declare(
    "cr-repository-immutablity-enable",
    "Container Registry repositories have immutable tags",
    "CR",
    "ACS::CR::Repository",
    Category::DataSecurity,
    Risk::Low,
    True("tag_immutability"),
    "Mutable tags let a pushed image silently replace the one a deployment expects.",
    "Set TagImmutability / tag_immutability to true on the repository.",
);

static CR_REPO_PRIVATE: Check = declare(
    "cr-repository-type-private",
    "Container Registry repositories are private",
    "CR",
    "ACS::CR::Repository",
    Category::DataSecurity,
    Risk::High,
    OneOf("repo_type", &["PRIVATE"]),
    "Anyone can pull the images of a public repository, and whatever they contain.",
    "Set RepoType / repo_type to PRIVATE.",
);

// ---- ACK / ACS -----------------------------------------------------------

const ACK: &str = "ACS::CS::ManagedKubernetesCluster";
const ACK_PRO_SPECS: &[&str] = &["ack.pro.small", "ack.pro.medium", "ack.pro.large", "ack.pro.xlarge"];

/// `major.minor` of a Kubernetes version such as `1.28.3-aliyun.1` or `1.24`.
fn minor_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().trim_start_matches('v').split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The cluster's Kubernetes version is at least 1.`minimum`.
fn version_at_least(asset: &Asset, minimum: i64) -> Evaluation {
    with_fields(asset, |fields| match slot(fields, "version") {
        Slot::Unknown | Slot::Unreported => unknown("version"),
        // Left out: the platform installs its current default version.
        Slot::Absent => Evaluation::pass(),
        Slot::Known(v) => {
            let t = text(&v).unwrap_or_default();
            match minor_version(&t) {
                Some((major, minor)) if major > 1 || i64::from(minor) >= minimum => Evaluation::pass(),
                _ => Evaluation::from_findings(vec![Finding::new("version", t, format!("1.{minimum} or later"))]),
            }
        }
    })
}

static ACK_SECRET_ENCRYPTION: Check = declare(
    "ack-cluster-encryption-enabled",
    "ACK Pro clusters encrypt Secrets with a KMS key",
    "ACK",
    ACK,
    Category::DataSecurity,
    Risk::Medium,
    When("cluster_spec", ACK_PRO_SPECS, &Present("encryption_provider_key")),
    "Without KMS encryption, Kubernetes Secrets sit in etcd readable by anyone with access to it or its backups.",
    "Set EncryptionProviderKey / encryption_provider_key to a KMS key on the ACK Pro cluster.",
);

static ACK_KUBELET_VERSION: Check = coded(
    "ack-cluster-inspect-kubelet-version-outdate-check",
    "ACK clusters do not run an outdated Kubernetes (kubelet) version",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::Medium,
    &[ParamSpec {
        name: "minimum_minor_version",
        description: "Oldest accepted Kubernetes minor version (1.x)",
        min: 0,
        max: 99,
        default: 24,
    }],
    |a, ctx| version_at_least(a, ctx.param("minimum_minor_version")),
    "Old kubelet versions miss security fixes and fall out of support.",
    "Upgrade the cluster and its node pools to a current Kubernetes version.",
);

static ACK_SUPPORTED_VERSION: Check = coded(
    "ack-cluster-supported-version",
    "ACK clusters run a supported Kubernetes version",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::Medium,
    &[ParamSpec {
        name: "minimum_minor_version",
        description: "Oldest Kubernetes minor version (1.x) ACK still supports",
        min: 0,
        max: 99,
        default: 28,
    }],
    |a, ctx| version_at_least(a, ctx.param("minimum_minor_version")),
    "Versions out of ACK support receive no security patches and cannot get help from support.",
    "Upgrade the cluster to a Kubernetes version ACK supports (Version / version, KubernetesVersion).",
);

static ACK_LOG_ADDON: Check = declare(
    "ack-cluster-log-plugin-installed",
    "ACK clusters install the Log Service add-on",
    "ACK",
    ACK,
    Category::LogAudit,
    Risk::Medium,
    ContainsAny("addon_names", &["logtail-ds", "log-service", "loongcollector"]),
    "Without the logging add-on, container and audit logs are not collected for investigation.",
    "Add the logtail-ds (Log Service) add-on to the cluster's Addons / addons.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 2.4", "CIS Alibaba Cloud Foundations Benchmark v2.0 7.1"]);

static ACK_NO_DASHBOARD: Check = declare(
    "ack-cluster-dashboard-not-installed",
    "ACK clusters do not run the Kubernetes dashboard",
    "ACK",
    ACK,
    Category::NetworkAccessControl,
    Risk::Medium,
    Excludes("addon_names", &["kubernetes-dashboard"]),
    "The dashboard is a long-standing target: exposed or over-privileged, it hands over the cluster.",
    "Remove the kubernetes-dashboard add-on (Add-ons in the ACK console, or drop it from Addons / addons) and use the ACK console or kubectl instead.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.5"]);

/// A field of an add-on entry, in ROS (`Name`) or Terraform / OpenAPI (`name`) spelling.
fn addon_field<'a>(addon: &'a Value, key: &str) -> Option<&'a Value> {
    addon.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// An add-on's `config`: an object, or JSON text of one (the API escapes it
/// twice: JSON text holding JSON text).
fn addon_config(config: &Value) -> Option<Value> {
    match config {
        Value::Object(_) => Some(config.clone()),
        Value::String(text) => addon_config(&serde_json::from_str(text).ok()?),
        _ => None,
    }
}

/// Whether the cluster's Terway add-on sets `key` to true; not applicable to
/// clusters with another network plugin.
fn terway_setting(asset: &Asset, key: &'static str) -> Evaluation {
    with_fields(asset, |fields| match fields.get("addons").cloned().unwrap_or(Slot::Absent) {
        Slot::Unreported => Evaluation::missing("meta_data.Addons (cs:DescribeClusterDetail)"),
        Slot::Unknown => unknown("addons"),
        Slot::Absent => Evaluation::not_check("NotApplicable: the cluster declares no network add-on"),
        Slot::Known(v) => {
            let terway = items(&v)
                .into_iter()
                .find(|a| addon_field(a, "name").and_then(Value::as_str).is_some_and(|n| n.starts_with("terway")));
            let Some(terway) = terway else {
                return Evaluation::not_check("NotApplicable: the cluster does not use the Terway network plugin");
            };
            let config = addon_field(terway, "config");
            if config.is_some_and(is_unknown) {
                return unknown("the Terway add-on's config");
            }
            let value = config.and_then(addon_config).and_then(|c| c.get(key).and_then(text));
            match value {
                Some(v) if v.eq_ignore_ascii_case("true") => Evaluation::pass(),
                other => Evaluation::from_findings(vec![Finding::new(
                    format!("Terway config {key}"),
                    other.unwrap_or_else(|| "not set".into()),
                    "true",
                )]),
            }
        }
    })
}

static ACK_NETWORK_POLICY: Check = coded(
    "ack-cluster-network-policy-enabled",
    "ACK clusters on Terway enforce Kubernetes network policies",
    "ACK",
    ACK,
    Category::NetworkAccessControl,
    Risk::Medium,
    &[],
    |a, _| terway_setting(a, "NetworkPolicy"),
    "Without network policy support, every pod can reach every other pod: one compromised pod reaches them all.",
    "Enable NetworkPolicy in the Terway add-on's configuration (Config / config {\"NetworkPolicy\": \"true\"}) and define policies for the namespaces.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.7"]);

static ACK_TERWAY_IPVLAN: Check = coded(
    "ack-cluster-terway-ipvlan-enabled",
    "ACK clusters on Terway use ENI multi-IP (IPVlan) mode",
    "ACK",
    ACK,
    Category::NetworkAccessControl,
    Risk::Low,
    &[],
    |a, _| terway_setting(a, "IPVlan"),
    "Without IPVlan, pod traffic goes through the host's policy-routing path, with lower performance and fewer isolation options.",
    "Create the cluster with the terway-eniip add-on and IPVlan set to true in its configuration.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.8"]);

static ACK_NODE_POOL_CLOUDMONITOR: Check = declare(
    "ack-node-pool-cloudmonitor-enabled",
    "ACK node pools install the CloudMonitor agent on their nodes",
    "ACK",
    "ACS::CS::NodePool",
    Category::MonitoringAndAlerting,
    Risk::Low,
    True("cms_enabled"),
    "Without the CloudMonitor agent, a node's CPU, memory and disk are not watched, and no alert fires before it fails.",
    "Enable CloudMonitor on the node pool (KubernetesConfig.CmsEnabled / install_cloud_monitor = true).",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.2"]);

/// A cluster check succeeded within the last `max_days` days.
fn cluster_checked(asset: &Asset, ctx: &Context) -> Evaluation {
    let max = ctx.param("max_days");
    match asset.fields.get("last_cluster_check") {
        Some(Slot::Absent) => Evaluation::not_check("NotApplicable: a template holds no cluster check history"),
        Some(Slot::Known(Value::String(at))) => match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) if (ctx.now - t.to_utc()).num_days() <= max => Evaluation::pass(),
            _ => Evaluation::from_findings(vec![Finding::new(
                "last cluster check",
                at.clone(),
                format!("within {max} days"),
            )]),
        },
        Some(Slot::Known(_)) => {
            Evaluation::from_findings(vec![Finding::new("last cluster check", "never", format!("within {max} days"))])
        }
        _ => Evaluation::missing("checks (cs:ListClusterChecks)"),
    }
}

static ACK_CLUSTER_CHECK: Check = coded(
    "ack-cluster-check-weekly",
    "ACK clusters pass a cluster check at least weekly",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::Low,
    &[ParamSpec { name: "max_days", description: "longest acceptable time since the last successful check, in days", min: 1, max: 90, default: 7 }],
    cluster_checked,
    "Without regular checks, configuration drift and component problems build up unnoticed until an upgrade or an outage exposes them.",
    "Run a cluster check (ACK console > the cluster > Cluster Check, or aliyun cs RunClusterCheck) every week, or schedule inspections.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.4"]);

/// The cluster runs the latest version ACK offers: no `next_version` to upgrade to.
fn latest_version(asset: &Asset, _: &Context) -> Evaluation {
    match asset.fields.get("next_version") {
        // Templates: which version is latest is known only on the day of the check.
        Some(Slot::Absent) if asset.source.is_some() => {
            Evaluation::not_check("NotApplicable: the latest version is known only to the running service")
        }
        Some(Slot::Known(v)) => match text(v).filter(|t| !t.is_empty()) {
            None => Evaluation::pass(),
            Some(next) => Evaluation::from_findings(vec![Finding::new("next_version", next, "none (latest version)")]),
        },
        _ => Evaluation::missing("next_version (cs:DescribeClustersV1)"),
    }
}

static ACK_LATEST_VERSION: Check = coded(
    "ack-cluster-upgrade-latest-version",
    "ACK clusters run the latest Kubernetes version ACK offers",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::Low,
    &[],
    latest_version,
    "Each version behind the latest misses fixes, and the further behind, the harder and riskier the upgrade when support ends.",
    "Upgrade the cluster to the version ACK offers (ACK console > the cluster > Upgrade, or aliyun cs UpgradeCluster).",
);

const THREE_ZONES: Expect = Any(&[LengthAtLeast("vswitch_ids", 3), LengthAtLeast("zone_ids", 3)]);

static ACK_MULTI_ZONE: Check = declare(
    "ack-cluster-node-multi-zone",
    "ACK clusters place nodes in three or more zones",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::High,
    THREE_ZONES,
    "With nodes in fewer than three zones, a zone outage can take down most of the cluster's capacity.",
    "Give the cluster worker vSwitches (or zones) in at least three zones.",
);

static ACK_PRIVATE_ENDPOINT: Check = declare(
    "ack-cluster-public-endpoint-check",
    "ACK clusters do not expose the API server publicly",
    "ACK",
    ACK,
    Category::NetworkAccessControl,
    Risk::High,
    False("endpoint_public_access"),
    "A public API server endpoint can be attacked from anywhere on the Internet.",
    "Set EndpointPublicAccess / endpoint_public_access_enabled to false, or restrict the endpoint's SLB with an ACL.",
)
.citing(&["CIS Alibaba Cloud Foundations Benchmark v2.0 7.9"]);

static ACK_RRSA: Check = declare(
    "ack-cluster-rrsa-enabled",
    "ACK clusters enable RRSA (RAM roles for service accounts)",
    "ACK",
    ACK,
    Category::IdentityAuthenticationAndPermissions,
    Risk::Medium,
    True("rrsa_enabled"),
    "Without RRSA, pods share the node's RAM role or carry AccessKeys, instead of per-workload permissions.",
    "Enable RRSA on the cluster (RrsaConfig.Enabled / enable_rrsa).",
);

static ACK_PRO_SPEC: Check = declare(
    "ack-cluster-spec-check",
    "ACK clusters use the Pro edition",
    "ACK",
    ACK,
    Category::BasicProtection,
    Risk::Low,
    ContainsAny("cluster_spec", &["ack.pro"]),
    "Standard clusters lack the SLA, control-plane hardening and features (such as Secret encryption) of ACK Pro.",
    "Create the cluster with ClusterSpec / cluster_spec ack.pro.small, or migrate it to ACK Pro.",
);

static ACS_MULTI_ZONE: Check = declare(
    "acs-cluster-node-multi-zone",
    "ACS clusters span three or more zones",
    "ACS",
    "ACS::ACS::Cluster",
    Category::BasicProtection,
    Risk::High,
    THREE_ZONES,
    "A cluster confined to fewer than three zones loses much of its capacity in a zone outage.",
    "Give the cluster vSwitches (ZoneIds / VSwitchIds) in at least three zones.",
);

// ---- ECI -----------------------------------------------------------------

const ECI: &str = "ACS::ECI::ContainerGroup";

static ECI_VOLUMES: Check = declare(
    "eci-container-group-volumn-mounts",
    "ECI container groups mount volumes for their data",
    "ECI",
    ECI,
    Category::BasicProtection,
    Risk::Low,
    Present("volumes"),
    "Data written only to a container's own file system is lost when the container restarts.",
    "Declare Volume / volumes and mount them into the containers that keep data.",
);

/// Parts of environment variable names that mark a credential.
const SECRET_NAME_PARTS: &[&str] =
    &["PASSWORD", "PASSWD", "SECRET", "ACCESS_KEY", "ACCESSKEY", "PRIVATE_KEY", "API_KEY", "TOKEN"];

static ECI_NO_SECRET_ENV: Check = coded(
    "eci-containergroup-environment-no-specified-keys",
    "ECI containers do not carry credentials in environment variables",
    "ECI",
    ECI,
    Category::DataSecurity,
    Risk::High,
    &[],
    |a, _| {
        with_fields(a, |fields| match slot(fields, "env_keys") {
            Slot::Unknown | Slot::Unreported => unknown("env_keys"),
            Slot::Absent => Evaluation::pass(),
            Slot::Known(v) => Evaluation::from_findings(
                items(&v)
                    .into_iter()
                    .filter_map(text)
                    .filter(|k| {
                        let k = k.to_ascii_uppercase().replace('-', "_");
                        SECRET_NAME_PARTS.iter().any(|p| k.contains(p))
                    })
                    .map(|k| Finding::new("EnvironmentVar.Key", k, "no credentials in plain environment variables"))
                    .collect(),
            ),
        })
    },
    "Credentials in plain environment variables are visible to anyone who can describe the container group.",
    "Move passwords and keys to a secret store (KMS Secrets Manager, or a ConfigFile volume) and remove them from EnvironmentVar.",
);

// ---- MSE -----------------------------------------------------------------

const MSE: &str = "ACS::MSE::Cluster";
const MSE_GATEWAY: &str = "ACS::MSE::Gateway";

static MSE_CLUSTER_NODES: Check = declare(
    "mse-cluster-architecture-check",
    "MSE clusters run three or more nodes outside the developer edition",
    "MSE",
    MSE,
    Category::BasicProtection,
    Risk::High,
    All(&[AtLeast("instance_count", 3.0), Excludes("mse_version", &["mse_dev"])]),
    "A cluster with fewer than three nodes, or a developer edition, has no quorum to survive a node failure.",
    "Use the Professional edition with InstanceCount / instance_count of 3 or more.",
);

static MSE_CLUSTER_ACL: Check = declare(
    "mse-cluster-config-auth-enabled",
    "MSE clusters restrict access with an ACL",
    "MSE",
    MSE,
    Category::NetworkAccessControl,
    Risk::Medium,
    Present("acl_entry_list"),
    "Without an access list, any client that reaches the registry and configuration center can read and change configuration.",
    "Set AclEntryList / acl_entry_list to the addresses allowed to reach the cluster.",
);

static MSE_CLUSTER_REPLICAS: Check = declare(
    "mse-cluster-high-availability-configured",
    "MSE clusters state a replicated deployment",
    "MSE",
    MSE,
    Category::BasicProtection,
    Risk::Medium,
    Any(&[Present("replicas"), AtLeast("instance_count", 3.0)]),
    "A cluster without replicas has no copy to fail over to.",
    "Set Replicas, or an InstanceCount of 3 or more.",
);

static MSE_CLUSTER_PRIVATE: Check = declare(
    "mse-cluster-internet-check",
    "MSE clusters have no public network access",
    "MSE",
    MSE,
    Category::NetworkAccessControl,
    Risk::High,
    All(&[Excludes("net_type", &["pubnet"]), AtMost("pub_network_flow", 0.0)]),
    "A public endpoint exposes service registry and configuration data to the Internet.",
    "Use NetType / net_type privatenet and a PubNetworkFlow / pub_network_flow of 0.",
);

static MSE_CLUSTER_MULTI_AZ: Check = declare(
    "mse-cluster-multi-availability-area-architecture-check",
    "MSE clusters use the Professional edition with three or more nodes",
    "MSE",
    MSE,
    Category::BasicProtection,
    Risk::Medium,
    All(&[OneOf("mse_version", &["mse_pro"]), AtLeast("instance_count", 3.0)]),
    "Only the Professional edition with at least three nodes spreads a cluster over zones and survives a zone failure.",
    "Set MseVersion / mse_version to mse_pro and InstanceCount / instance_count to an odd number of 3 or more.",
);

static MSE_CLUSTER_STABLE_VERSION: Check = coded(
    "mse-cluster-stable-version-check",
    "MSE clusters run a stable engine version",
    "MSE",
    MSE,
    Category::BasicProtection,
    Risk::Medium,
    &[],
    |a, _| {
        with_fields(a, |fields| match slot(fields, "cluster_version") {
            Slot::Unknown | Slot::Unreported => unknown("cluster_version"),
            Slot::Absent => Evaluation::pass(),
            Slot::Known(v) => {
                let t = text(&v).unwrap_or_default();
                // Engine_major_minor_patch, e.g. ZooKeeper_3_8_0 or NACOS_2_0_0.
                let mut parts = t.split('_');
                let engine = parts.next().unwrap_or_default().to_ascii_lowercase();
                let nums: Vec<u32> = parts.filter_map(|p| p.parse().ok()).collect();
                let minimum: &[u32] = match engine.as_str() {
                    "zookeeper" => &[3, 5, 0],
                    "nacos" => &[2, 0, 0],
                    _ => &[],
                };
                if nums.as_slice() < minimum {
                    let want = minimum.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
                    Evaluation::from_findings(vec![Finding::new("cluster_version", t, format!("{want} or later"))])
                } else {
                    Evaluation::pass()
                }
            }
        })
    },
    "Old engine versions (ZooKeeper before 3.5, Nacos 1.x) miss stability and security fixes.",
    "Upgrade the cluster's engine (ClusterVersion / cluster_version) to a current stable version.",
);

static MSE_GATEWAY_NODES: Check = declare(
    "mse-gateway-architecture-check",
    "MSE gateways run at least two nodes",
    "MSE",
    MSE_GATEWAY,
    Category::BasicProtection,
    Risk::High,
    AtLeast("replica", 2.0),
    "A single-node gateway stops all traffic when that node fails.",
    "Set Replica / replica to 2 or more.",
);

static MSE_GATEWAY_MULTI_AZ: Check = declare(
    "mse-gateway-multi-availability-area-architecture-check",
    "MSE gateways have a backup vSwitch in another zone",
    "MSE",
    MSE_GATEWAY,
    Category::BasicProtection,
    Risk::Medium,
    Present("backup_vswitch_id"),
    "A gateway in one zone goes down with that zone.",
    "Set BackupVSwitchId / backup_vswitch_id to a vSwitch in a second zone.",
);

// ---- RocketMQ ------------------------------------------------------------

static ROCKETMQ_MULTI_ZONE: Check = declare(
    "rocketmq-v5-instance-multi-zone",
    "RocketMQ 5.0 instances use the multi-zone cluster HA edition",
    "RocketMQ",
    "ACS::ROCKETMQ5::Instance",
    Category::BasicProtection,
    Risk::Medium,
    OneOf("sub_series_code", &["cluster_ha"]),
    "Single-node and single-zone instances lose messages and service when the node or zone fails.",
    "Create the instance with SubSeriesCode / sub_series_code cluster_ha.",
);

// ---------------------------------------------------------------------------

use cspm_assets::iac::{is_unknown, scalar_text as text};
use cspm_assets::{Asset, AssetSpec, Direction, Fields, SecurityGroupRule, Slot};
use serde_json::Value;
