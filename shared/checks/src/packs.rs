//! Compliance packs: named sets of check items a team scans and reports by.
//! InfraGuard's 29 packs keep their ids and rule lists (the membership only,
//! from aliyun/infraguard `policies/aliyun/packs/`, Apache-2.0). A pack may
//! name rules this catalogue does not implement; [`Pack::items`] and
//! [`Pack::missing`] tell them apart. The CIS pack is derived from the
//! benchmark numbers the items cite.

use crate::Check;
use std::sync::LazyLock;

/// A named set of rule ids.
#[derive(Debug)]
pub struct Pack {
    pub id: &'static str,
    pub name: &'static str,
    pub rules: Vec<&'static str>,
}

impl Pack {
    /// The pack's rules this catalogue implements.
    pub fn items(&self) -> impl Iterator<Item = &'static Check> + '_ {
        self.rules.iter().filter_map(|id| crate::find(id))
    }

    /// The pack's rules this catalogue does not implement.
    pub fn missing(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rules.iter().copied().filter(|id| crate::find(id).is_none())
    }
}

/// The benchmark whose recommendations the CIS pack gathers.
pub const CIS_BENCHMARK: &str = "CIS Alibaba Cloud Foundations Benchmark v2.0";

static PACKS: LazyLock<Vec<Pack>> = LazyLock::new(|| {
    let cis = Pack {
        id: "cis-alibaba-cloud-foundations-v2.0",
        name: "CIS Alibaba Cloud Foundations Benchmark v2.0",
        rules: crate::catalogue()
            .iter()
            .filter(|c| c.meta.standards.iter().any(|s| s.starts_with(CIS_BENCHMARK)))
            .map(|c| c.meta.id)
            .collect(),
    };
    let infraguard = INFRAGUARD.iter().map(|&(id, name, rules)| Pack { id, name, rules: rules.to_vec() });
    std::iter::once(cis).chain(infraguard).collect()
});

/// Every pack: the CIS pack first, then InfraGuard's by id.
pub fn packs() -> &'static [Pack] {
    &PACKS
}

/// The pack with this id.
pub fn find_pack(id: &str) -> Option<&'static Pack> {
    packs().iter().find(|p| p.id == id)
}

/// The check items a request names: the `ids` given, the implemented items
/// of `pack`, or (neither given) the whole catalogue. The error says what to
/// change.
pub fn select(ids: Option<&[String]>, pack: Option<&str>) -> Result<Vec<&'static Check>, String> {
    match (ids, pack) {
        (Some(_), Some(_)) => Err("name check items or a pack, not both".to_owned()),
        (None, None) => Ok(crate::catalogue().to_vec()),
        (None, Some(pack)) => find_pack(pack).map(|p| p.items().collect()).ok_or_else(|| {
            let known: Vec<&str> = packs().iter().map(|p| p.id).collect();
            format!("unknown pack {pack:?}; the packs are {} (`cspm catalogue` or GET /v1/catalogue)", known.join(", "))
        }),
        (Some([]), None) => Err("no check item named: name at least one, or leave them out to run all".to_owned()),
        (Some(ids), None) => {
            let unknown: Vec<&str> = ids.iter().map(String::as_str).filter(|id| crate::find(id).is_none()).collect();
            if !unknown.is_empty() {
                return Err(format!(
                    "unknown check items {unknown:?}; `cspm catalogue` or GET /v1/catalogue lists them"
                ));
            }
            // In catalogue order, each once.
            Ok(crate::catalogue().iter().copied().filter(|c| ids.iter().any(|id| id == c.meta.id)).collect())
        }
    }
}

/// InfraGuard's packs: id, English name, rule ids.
type PackData = (&'static str, &'static str, &'static [&'static str]);

/// The rules two packs share (InfraGuard lists them identically).
const GMP_ANNEX_RULES: &[&str] = &[
    "ack-cluster-rrsa-enabled",
    "alb-instance-multi-zone",
    "alb-server-group-multi-zone",
    "api-gateway-api-internet-request-https",
    "ecs-disk-auto-snapshot-policy",
    "ecs-in-use-disk-encrypted",
    "ecs-instance-deletion-protection-enabled",
    "ecs-instance-enabled-security-protection",
    "ecs-instance-ram-role-attached",
    "ecs-snapshot-retention-days",
    "eip-attached",
    "elasticsearch-instance-enabled-data-node-encryption",
    "ess-scaling-group-attach-multi-switch",
    "fc-function-custom-domain-and-tls-enable",
    "fc-service-bind-role",
    "hbase-cluster-deletion-protection",
    "mongodb-instance-log-audit",
    "mongodb-instance-multi-zone",
    "mongodb-instance-release-protection",
    "mse-cluster-config-auth-enabled",
    "oss-bucket-logging-enabled",
    "oss-bucket-policy-no-any-anonymous",
    "oss-bucket-public-write-prohibited",
    "oss-bucket-versioning-enabled",
    "oss-zrs-enabled",
    "polardb-cluster-delete-protection-enabled",
    "polardb-cluster-enabled-ssl",
    "polardb-cluster-enabled-tde",
    "polardb-cluster-multi-zone",
    "privatelink-servier-endpoint-multi-zone",
    "ram-user-ak-create-date-expired-check",
    "ram-user-ak-used-expired-check",
    "ram-user-last-login-expired-check",
    "ram-user-login-check",
    "ram-user-mfa-check",
    "rds-instacne-delete-protection-enabled",
    "rds-instance-enabled-log-backup",
    "rds-instance-enabled-ssl",
    "rds-multi-az-support",
    "redis-instance-backup-log-enabled",
    "redis-instance-enabled-byok-tde",
    "redis-instance-enabled-ssl",
    "redis-instance-multi-zone",
    "redis-instance-release-protection",
    "slb-delete-protection-enabled",
    "slb-instance-log-enabled",
    "slb-instance-multi-zone",
    "slb-vserver-group-multi-zone",
    "sls-logstore-enabled-encrypt",
    "waf-instance-logging-enabled",
];

/// The rules two packs share (InfraGuard lists them identically).
const SECURITY_GROUP_RULES: &[&str] = &[
    "ecs-instance-attached-security-group",
    "ecs-security-group-egress-not-all-access",
    "ecs-security-group-not-internet-cidr-access",
    "ecs-security-group-not-open-all-port",
    "ecs-security-group-not-open-all-protocol",
    "ecs-security-group-risky-ports-check-with-protocol",
    "ecs-security-group-white-list-port-check",
    "sg-public-access-check",
];

#[rustfmt::skip]
static INFRAGUARD: &[PackData] = &[
    ("accesskey-permission-governance-best-practice", "AccessKey and Permission Governance Best Practice", &[
        "ack-cluster-rrsa-enabled", "actiontrail-trail-intact-enabled", "ecs-instance-ram-role-attached",
        "fc-service-bind-role", "ram-password-policy-check", "ram-policy-no-statements-with-admin-access-check",
        "ram-user-activated-ak-quantity-check", "ram-user-ak-create-date-expired-check",
        "ram-user-ak-used-expired-check", "ram-user-last-login-expired-check", "ram-user-login-check",
        "ram-user-mfa-check", "root-ak-check", "root-mfa-check",
    ]),
    ("ai-model-training-architecture-best-practice", "AI Model Training Architecture Best Practice", &[
        "ack-cluster-encryption-enabled", "ack-cluster-supported-version", "ack-cluster-upgrade-latest-version",
        "cr-instance-multi-zone", "cr-repository-immutablity-enable", "ecs-disk-auto-snapshot-policy",
        "ecs-disk-encrypted", "ecs-instance-image-expired-check", "ecs-instance-not-bind-key-pair",
        "ecs-instance-ram-role-attached", "kms-key-delete-protection-enabled", "kms-key-rotation-enabled",
        "kms-secret-rotation-enabled", "nas-filesystem-encrypt-type-check",
        "nas-filesystem-mount-target-access-group-check", "oss-bucket-only-https-enabled",
        "oss-bucket-tls-version-check", "oss-default-encryption-kms", "pai-eas-instances-multi-zone",
        "sls-project-multi-zone", "vpc-flow-logs-enabled", "vswitch-available-ip-count",
    ]),
    ("aliyun-platform-security-best-practice", "Aliyun Platform Security Best Practice", &[
        "api-gateway-api-internet-request-https", "ecs-disk-auto-snapshot-policy",
        "ecs-instance-enabled-security-protection", "ecs-instance-login-use-keypair", "ecs-instances-in-vpc",
        "ecs-security-group-risky-ports-check-with-protocol", "mongodb-public-and-any-ip-access-check",
        "oss-bucket-anonymous-prohibited", "oss-bucket-public-read-prohibited", "oss-bucket-public-write-prohibited",
        "polardb-cluster-enabled-ssl", "polardb-public-and-any-ip-access-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-ak-used-expired-check", "ram-user-mfa-check",
        "rds-instance-enabled-log-backup", "rds-public-access-check", "redis-instance-backup-log-enabled",
        "redis-instance-enabled-ssl", "redis-public-and-any-ip-access-check", "root-ak-check", "root-mfa-check",
        "slb-acl-public-access-check", "slb-listener-https-enabled", "slb-listener-risk-ports-check",
        "vpc-network-acl-risky-ports-check",
    ]),
    ("aliyun-well-architected-security-pillar-best-practice", "Aliyun Well-Architected Security Pillar Best Practice", &[
        "actiontrail-trail-intact-enabled", "api-gateway-group-enabled-ssl", "ecs-disk-idle-check",
        "ecs-in-use-disk-encrypted", "ecs-instance-enabled-security-protection", "ecs-instance-ram-role-attached",
        "ecs-instances-in-vpc", "ecs-running-instance-no-public-ip",
        "ecs-security-group-risky-ports-check-with-protocol", "ecs-security-group-white-list-port-check",
        "elasticsearch-instance-enabled-data-node-encryption", "ess-scaling-configuration-enabled-internet-check",
        "fc-service-internet-access-disable", "fc-service-vpc-binding", "kms-key-rotation-enabled",
        "kms-secret-rotation-enabled", "nas-filesystem-encrypt-type-check", "oss-bucket-logging-enabled",
        "oss-bucket-only-https-enabled", "oss-bucket-policy-no-any-anonymous", "oss-bucket-public-read-prohibited",
        "oss-bucket-public-write-prohibited", "oss-bucket-server-side-encryption-enabled",
        "oss-bucket-versioning-enabled", "oss-encryption-byok-check", "ram-group-has-member-check",
        "ram-password-policy-check", "ram-policy-no-statements-with-admin-access-check",
        "ram-user-ak-create-date-expired-check", "ram-user-ak-used-expired-check", "ram-user-group-membership-check",
        "ram-user-mfa-check", "ram-user-no-product-admin-access", "rds-public-connection-and-any-ip-access-check",
        "root-ak-check", "root-mfa-check", "security-center-version-check", "slb-instance-log-enabled",
        "slb-listener-https-enabled", "vpc-flow-logs-enabled", "waf-instance-logging-enabled",
    ]),
    ("change-management-best-practice", "Change Management Best Practice", &[
        "ecs-snapshot-policy-timepoints-check", "ecs-snapshot-retention-days", "polardb-cluster-maintain-time-check",
        "rds-instance-maintain-time-check", "redis-instance-backup-time-check",
    ]),
    ("china-gmp-annex-compliance", "China GMP Annex Compliance", GMP_ANNEX_RULES),
    ("cloud-governance-center-compliance-practice", "Cloud Governance Center Compliance Practice", &[
        "ecs-disk-encrypted", "ecs-instance-deletion-protection-enabled",
        "ecs-security-group-risky-ports-check-with-protocol", "oss-bucket-logging-enabled",
        "oss-bucket-public-read-prohibited", "oss-bucket-public-write-prohibited",
        "oss-bucket-server-side-encryption-enabled", "ram-password-policy-check", "ram-user-ak-used-expired-check",
        "ram-user-last-login-expired-check", "ram-user-mfa-check", "rds-instances-in-vpc", "rds-public-access-check",
        "root-ak-check", "root-has-specified-role", "root-mfa-check", "sg-public-access-check",
        "slb-delete-protection-enabled", "slb-listener-https-enabled",
    ]),
    ("database-compliance-management-best-practice", "Database Compliance Management Best Practice", &[
        "hbase-cluster-deletion-protection", "hbase-cluster-expired-check", "hbase-cluster-in-vpc",
        "hbase-cluster-type-check", "mongodb-cluster-expired-check", "mongodb-instance-log-audit",
        "mongodb-instance-release-protection", "mongodb-public-access-check", "polardb-cluster-expired-check",
        "rds-instance-enabled-auditing", "rds-instance-enabled-ssl", "rds-instance-expired-check",
        "rds-instances-in-vpc", "rds-multi-az-support", "rds-public-access-check", "redis-instance-expired-check",
        "redis-instance-release-protection",
    ]),
    ("ecs-compliance-management-best-practice", "ECS Compliance Management Best Practice", &[
        "ecs-disk-auto-snapshot-policy", "ecs-disk-encrypted", "ecs-instance-attached-security-group",
        "ecs-instance-deletion-protection-enabled", "ecs-instance-expired-check", "ecs-instances-in-vpc",
        "ecs-security-group-risky-ports-check-with-protocol", "ecs-snapshot-retention-days", "sg-public-access-check",
    ]),
    ("generative-ai-compliance-best-practice", "Generative AI Compliance Best Practice", &[
        "cr-repository-immutablity-enable", "ecs-disk-auto-snapshot-policy", "ecs-disk-encrypted",
        "kms-key-delete-protection-enabled", "kms-key-rotation-enabled", "kms-secret-rotation-enabled",
        "maxcompute-project-encryption-enabled", "maxcompute-project-ip-whitelist-enabled",
        "nas-filesystem-encrypt-type-check", "nas-filesystem-mount-target-access-group-check",
        "oss-bucket-only-https-enabled", "oss-default-encryption-kms", "pai-eas-instances-multi-zone",
    ]),
    ("gxp-eu-annex11-compliance", "GxP EU Annex 11 Compliance", GMP_ANNEX_RULES),
    ("iso-27001-compliance", "ISO-27001 Security Management Standard Compliance", &[
        "ack-cluster-node-multi-zone", "ack-cluster-public-endpoint-check", "alb-all-listener-health-check-enabled",
        "alb-instance-multi-zone", "ecs-available-disk-encrypted", "ecs-disk-auto-snapshot-policy",
        "ecs-in-use-disk-encrypted", "ecs-instance-enabled-security-protection", "ecs-running-instance-no-public-ip",
        "ecs-security-group-risky-ports-check-with-protocol", "ecs-snapshot-policy-timepoints-check",
        "elasticsearch-instance-enabled-data-node-encryption", "ess-scaling-group-attach-multi-switch",
        "fc-function-custom-domain-and-tls-enable", "fc-service-internet-access-disable", "fc-service-vpc-binding",
        "kms-key-rotation-enabled", "kms-secret-rotation-enabled", "maxcompute-project-encryption-enabled",
        "nas-filesystem-encrypt-type-check", "oss-bucket-logging-enabled", "oss-bucket-only-https-enabled",
        "oss-bucket-public-read-prohibited", "oss-bucket-public-write-prohibited", "oss-bucket-versioning-enabled",
        "oss-default-encryption-kms", "oss-zrs-enabled", "polardb-cluster-delete-protection-enabled",
        "polardb-cluster-enabled-ssl", "polardb-cluster-enabled-tde", "polardb-cluster-maintain-time-check",
        "polardb-cluster-multi-zone", "ram-group-has-member-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-ak-create-date-expired-check",
        "ram-user-login-check", "ram-user-mfa-check", "ram-user-no-policy-check", "rds-instance-enabled-log-backup",
        "rds-instance-maintain-time-check", "rds-multi-az-support", "rds-public-access-check",
        "redis-instance-backup-log-enabled", "slb-delete-protection-enabled", "slb-instance-log-enabled",
        "slb-listener-https-enabled", "vpc-flow-logs-enabled", "vswitch-available-ip-count",
    ]),
    ("mlps-level-2-pre-check-compliance-pack", "MLPS Level 2 Pre-check Compliance Pack", &[
        "actiontrail-trail-intact-enabled", "ecs-disk-auto-snapshot-policy",
        "ecs-instance-enabled-security-protection", "ecs-security-group-risky-ports-check-with-protocol",
        "eip-bandwidth-limit", "elasticsearch-public-and-any-ip-access-check", "oss-bucket-authorize-specified-ip",
        "oss-bucket-policy-no-any-anonymous", "ram-group-has-member-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-ak-used-expired-check",
        "ram-user-last-login-expired-check", "ram-user-login-check", "ram-user-no-policy-check",
        "rds-instance-enabled-auditing", "rds-public-connection-and-any-ip-access-check",
        "redis-instance-open-auth-mode", "security-center-version-check", "sg-public-access-check",
        "slb-acl-public-access-check", "slb-loadbalancer-bandwidth-limit", "use-waf-instance-for-security-protection",
        "vpc-flow-logs-enabled", "vpc-network-acl-risky-ports-check",
    ]),
    ("multi-zone-architecture-best-practice", "Multi-zone Architecture Best Practice", &[
        "ack-cluster-node-multi-zone", "acs-cluster-node-multi-zone", "adb-cluster-multi-zone",
        "alb-instance-multi-zone", "alb-server-group-multi-zone", "apigateway-instance-multi-zone",
        "bastionhost-instance-spec-check", "cdn-domain-multiple-origin-servers", "clickhouse-dbcluster-multi-zone",
        "cr-instance-multi-zone", "dcdn-domain-multiple-origin-servers", "ecs-disk-regional-auto-check",
        "elasticsearch-instance-multi-zone", "ess-scaling-group-attach-multi-switch", "gpdb-instance-multi-zone",
        "gwlb-loadbalancer-multi-zone", "hbase-cluster-multi-zone", "kafka-instance-multi-zone",
        "kms-instance-multi-zone", "lindorm-instance-multi-zone", "mongodb-instance-multi-zone",
        "mse-cluster-multi-availability-area-architecture-check",
        "mse-gateway-multi-availability-area-architecture-check", "nlb-loadbalancer-multi-zone",
        "nlb-server-group-multi-zone", "oss-zrs-enabled", "polardb-cluster-multi-zone",
        "polardb-x2-instance-multi-zone", "privatelink-server-endpoint-multi-zone", "rds-multi-az-support",
        "redis-instance-multi-zone", "rocketmq-v5-instance-multi-zone", "slb-all-listener-servers-multi-zone",
        "slb-instance-multi-zone", "sls-project-multi-zone", "transit-router-vpc-attachment-multi-zone",
        "vpn-connection-master-slave-established", "vpn-gateway-multi-zone",
    ]),
    ("network-data-security-best-practice", "Network and Data Security Best Practice", &[
        "ecs-in-use-disk-encrypted", "ecs-instances-in-vpc", "oss-bucket-logging-enabled",
        "oss-bucket-public-read-prohibited", "oss-bucket-public-write-prohibited",
        "oss-bucket-server-side-encryption-enabled", "oss-encryption-byok-check", "rds-public-access-check",
    ]),
    ("nist800-53-compliance", "NIST 800-53 Compliance", &[
        "ack-cluster-encryption-enabled", "ack-cluster-public-endpoint-check", "ack-cluster-supported-version",
        "ack-cluster-upgrade-latest-version", "alb-instance-multi-zone", "api-gateway-group-enabled-ssl",
        "cr-repository-immutablity-enable", "ecs-disk-auto-snapshot-policy", "ecs-in-use-disk-encrypted",
        "ecs-instance-not-bind-key-pair", "ecs-instance-ram-role-attached",
        "ecs-security-group-white-list-port-check", "eip-attached",
        "elasticsearch-instance-enabled-data-node-encryption", "elasticsearch-public-and-any-ip-access-check",
        "ess-scaling-configuration-enabled-internet-check", "ess-scaling-group-attach-multi-switch",
        "fc-service-internet-access-disable", "fc-service-vpc-binding", "firewall-asset-open-protect",
        "kms-secret-rotation-enabled", "mongodb-instance-log-audit", "nas-filesystem-encrypt-type-check",
        "oss-bucket-logging-enabled", "oss-bucket-only-https-enabled", "oss-bucket-policy-no-any-anonymous",
        "oss-bucket-public-read-prohibited", "oss-bucket-public-write-prohibited",
        "oss-bucket-server-side-encryption-enabled", "oss-bucket-versioning-enabled", "oss-default-encryption-kms",
        "oss-zrs-enabled", "polardb-cluster-multi-zone", "ram-group-has-member-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-mfa-check",
        "rds-instance-enabled-disk-encryption", "rds-instance-enabled-log-backup", "rds-multi-az-support",
        "rds-public-connection-and-any-ip-access-check", "redis-instance-backup-log-enabled",
        "slb-all-listener-servers-multi-zone", "slb-all-listenter-tls-policy-check", "slb-instance-log-enabled",
        "slb-listener-https-enabled", "vpc-flow-logs-enabled", "vpc-network-acl-risky-ports-check",
    ]),
    ("oss-compliance-management-best-practice", "OSS Compliance Management Best Practice", &[
        "oss-bucket-logging-enabled", "oss-bucket-policy-no-any-anonymous",
        "oss-bucket-policy-outside-organization-check", "oss-bucket-public-read-prohibited",
        "oss-bucket-public-write-prohibited", "oss-bucket-referer-limit", "oss-bucket-server-side-encryption-enabled",
        "oss-bucket-versioning-enabled", "oss-zrs-enabled",
    ]),
    ("pci-dss-compliance", "PCI-DSS Data Security Standard Compliance", &[
        "api-gateway-api-internet-request-https", "ecs-disk-encrypted", "ecs-instance-enabled-security-protection",
        "ecs-security-group-risky-ports-check-with-protocol", "ecs-security-group-white-list-port-check",
        "ecs-snapshot-retention-days", "fc-function-custom-domain-and-tls-enable",
        "kms-key-delete-protection-enabled", "kms-key-rotation-enabled", "kms-secret-rotation-enabled",
        "oss-bucket-anonymous-prohibited", "oss-bucket-only-https-enabled",
        "oss-bucket-server-side-encryption-enabled", "oss-encryption-byok-check", "oss-zrs-enabled",
        "polardb-cluster-enabled-tde", "polardb-cluster-maintain-time-check",
        "polardb-public-and-any-ip-access-check", "ram-group-has-member-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-ak-create-date-expired-check",
        "ram-user-ak-used-expired-check", "ram-user-group-membership-check", "ram-user-last-login-expired-check",
        "ram-user-login-check", "ram-user-mfa-check", "rds-instance-enabled-auditing",
        "rds-instance-enabled-disk-encryption", "rds-instance-enabled-log-backup", "rds-instance-maintain-time-check",
        "rds-public-connection-and-any-ip-access-check", "sg-public-access-check",
        "slb-all-listenter-tls-policy-check", "sls-logstore-enabled-encrypt", "vpc-flow-logs-enabled",
        "waf-instance-logging-enabled",
    ]),
    ("polardb-application-best-practice", "PolarDB Application Best Practice", &[
        "polardb-cluster-delete-protection-enabled", "polardb-cluster-expired-check",
        "polardb-cluster-maintain-time-check", "polardb-public-and-any-ip-access-check",
    ]),
    ("quick-start-compliance-pack", "Quick Start Compliance Pack", &[
        "oss-bucket-public-read-prohibited", "ram-policy-no-statements-with-admin-access-check",
        "ram-user-activated-ak-quantity-check", "rds-public-connection-and-any-ip-access-check",
    ]),
    ("redis-application-best-practice", "Redis Application Best Practice", &[
        "redis-instance-backup-log-enabled", "redis-instance-backup-time-check", "redis-instance-enabled-byok-tde",
        "redis-instance-enabled-ssl", "redis-instance-expired-check", "redis-instance-multi-zone",
        "redis-instance-release-protection", "redis-public-and-any-ip-access-check",
    ]),
    ("resource-backup-best-practice", "Resource Backup Best Practice", &[
        "oss-bucket-versioning-enabled", "rds-instance-enabled-log-backup", "redis-instance-backup-log-enabled",
    ]),
    ("resource-protection-best-practice", "Resource Protection Best Practice", &[
        "alb-delete-protection-enabled", "ecs-instance-deletion-protection-enabled",
        "ecs-instance-enabled-security-protection", "eip-delete-protection-enabled",
        "hbase-cluster-deletion-protection", "kms-key-delete-protection-enabled",
        "mongodb-instance-release-protection", "natgateway-delete-protection-enabled",
        "polardb-cluster-delete-protection-enabled", "rds-instacne-delete-protection-enabled",
        "redis-instance-release-protection", "slb-delete-protection-enabled", "slb-modify-protection-check",
    ]),
    ("resource-public-access-detection-best-practice", "Resource Public Access Detection Best Practice", &[
        "ack-cluster-public-endpoint-check", "cr-repository-type-private", "ecs-running-instance-no-public-ip",
        "elasticsearch-public-and-any-ip-access-check", "emr-cluster-master-public-access-check",
        "mongodb-public-and-any-ip-access-check", "mse-cluster-config-auth-enabled",
        "polardb-public-and-any-ip-access-check", "rds-public-access-check", "redis-public-and-any-ip-access-check",
        "sg-public-access-check",
    ]),
    ("rmit-financial-standard-compliance-pack", "RMiT Financial Standard Compliance Pack", &[
        "actiontrail-enabled", "actiontrail-trail-intact-enabled", "ecs-disk-auto-snapshot-policy",
        "ecs-disk-encrypted", "ecs-instances-in-vpc", "kms-key-rotation-enabled", "oss-bucket-anonymous-prohibited",
        "oss-bucket-logging-enabled", "oss-bucket-only-https-enabled", "oss-bucket-server-side-encryption-enabled",
        "oss-bucket-versioning-enabled", "oss-default-encryption-kms", "oss-encryption-byok-check",
        "ram-group-has-member-check", "ram-password-policy-check", "ram-policy-no-statements-with-admin-access-check",
        "ram-user-group-membership-check", "ram-user-last-login-expired-check", "ram-user-mfa-check",
        "ram-user-no-policy-check", "rds-multi-az-support", "rds-public-access-check", "root-ak-check",
        "sg-public-access-check", "slb-delete-protection-enabled", "slb-listener-https-enabled",
        "vpc-flow-logs-enabled", "waf-instance-logging-enabled",
    ]),
    ("security-group-best-practice", "Security Group Best Practice", SECURITY_GROUP_RULES),
    ("security-group-best-practice-v2", "Security Group Best Practice", SECURITY_GROUP_RULES),
    ("slb-application-best-practice", "SLB Application Best Practice", &[
        "alb-address-type-check", "alb-all-listener-health-check-enabled", "slb-acl-public-access-check",
        "slb-all-listener-health-check-enabled", "slb-all-listener-servers-multi-zone",
        "slb-all-listenter-tls-policy-check", "slb-delete-protection-enabled", "slb-instance-loadbalancerspec-check",
        "slb-instance-multi-zone", "slb-listener-https-enabled", "slb-modify-protection-check",
    ]),
    ("soc2-audit-compliance", "SOC 2 Audit Standard Compliance", &[
        "api-gateway-group-enabled-ssl", "ecs-disk-auto-snapshot-policy", "ecs-disk-encrypted",
        "ecs-instance-enabled-security-protection", "ecs-instance-ram-role-attached",
        "ecs-running-instance-no-public-ip", "ecs-security-group-risky-ports-check-with-protocol",
        "ecs-security-group-white-list-port-check", "eip-attached",
        "elasticsearch-instance-enabled-data-node-encryption", "ess-scaling-configuration-enabled-internet-check",
        "fc-service-internet-access-disable", "fc-service-vpc-binding", "firewall-asset-open-protect",
        "kms-key-delete-protection-enabled", "kms-secret-rotation-enabled", "nas-filesystem-encrypt-type-check",
        "oss-bucket-logging-enabled", "oss-bucket-only-https-enabled", "oss-bucket-public-read-prohibited",
        "oss-bucket-public-write-prohibited", "oss-bucket-server-side-encryption-enabled",
        "oss-bucket-versioning-enabled", "oss-zrs-enabled", "polardb-cluster-delete-protection-enabled",
        "polardb-cluster-enabled-ssl", "polardb-cluster-enabled-tde", "ram-group-has-member-check",
        "ram-policy-no-statements-with-admin-access-check", "ram-user-ak-create-date-expired-check",
        "ram-user-group-membership-check", "ram-user-login-check", "ram-user-mfa-check", "ram-user-no-policy-check",
        "rds-instacne-delete-protection-enabled", "rds-instance-enabled-log-backup", "rds-public-access-check",
        "redis-instance-enabled-ssl", "slb-all-listenter-tls-policy-check", "slb-instance-log-enabled",
        "slb-listener-https-enabled", "vpc-flow-logs-enabled",
    ]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pack_has_a_unique_id_and_rules() {
        let mut ids: Vec<&str> = packs().iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), packs().len());
        assert_eq!(packs().len(), 30);
        assert!(packs().iter().all(|p| !p.rules.is_empty()), "a pack without rules");
    }

    #[test]
    fn items_and_missing_split_the_rules() {
        for pack in packs() {
            assert_eq!(pack.items().count() + pack.missing().count(), pack.rules.len(), "{}", pack.id);
        }
        let sg = find_pack("security-group-best-practice").expect("pack");
        assert!(sg.items().any(|c| c.meta.id == "ecs-security-group-not-open-all-port"));
    }

    #[test]
    fn select_names_items_a_pack_or_everything() {
        let ids = vec!["ram-user-mfa-check".to_owned()];
        assert_eq!(select(Some(&ids), None).map(|v| v.len()), Ok(1));
        assert_eq!(select(None, None).map(|v| v.len()), Ok(crate::catalogue().len()));
        let sg = select(None, Some("security-group-best-practice")).expect("pack");
        assert_eq!(sg.len(), find_pack("security-group-best-practice").expect("pack").items().count());
        assert!(select(Some(&ids), Some("security-group-best-practice")).is_err());
        assert!(select(Some(&[]), None).err().unwrap_or_default().contains("no check item"));
        assert!(
            select(Some(&["nope".to_owned()]), None)
                .err()
                .unwrap_or_default()
                .contains("unknown check items [\"nope\"]")
        );
        assert!(select(None, Some("nope")).err().unwrap_or_default().contains("unknown pack"));
    }

    #[test]
    fn the_cis_pack_holds_every_item_citing_the_benchmark() {
        let cis = find_pack("cis-alibaba-cloud-foundations-v2.0").expect("pack");
        assert!(cis.rules.contains(&"ram-user-no-directly-attached-policy"));
        assert_eq!(cis.missing().count(), 0);
    }
}
