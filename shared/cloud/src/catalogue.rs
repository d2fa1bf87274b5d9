//! How each list call pages, and where its items are: what the collector
//! walks and what the emulator slices. A call not listed answers in one page.

use crate::paging::Paging;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCall {
    /// `<product>:<Action>`.
    pub api: &'static str,
    pub paging: Paging,
}

const fn pages(api: &'static str, size: u32, list: &'static str) -> ListCall {
    ListCall { api, paging: Paging::PageNumber { size, list } }
}

const fn tokens(api: &'static str, size_param: &'static str, size: u32, list: &'static str) -> ListCall {
    ListCall { api, paging: Paging::NextToken { size_param, size, list } }
}

const fn marker(api: &'static str, size: u32) -> ListCall {
    ListCall { api, paging: Paging::Marker { size } }
}

/// Page sizes are the largest each API allows, so a walk makes the fewest
/// calls (each checked against the API's reference page; the auto-renewal
/// lists take only 30, 50 or 100).
pub const LIST_CALLS: &[ListCall] = &[
    pages("ecs:DescribeInstances", 100, "Instances.Instance"),
    pages("ecs:DescribeDisks", 100, "Disks.Disk"),
    pages("ecs:DescribeSecurityGroups", 100, "SecurityGroups.SecurityGroup"),
    pages("ecs:DescribeAutoSnapshotPolicyEx", 100, "AutoSnapshotPolicies.AutoSnapshotPolicy"),
    pages("rds:DescribeDBInstances", 100, "Items.DBInstance"),
    pages("slb:DescribeLoadBalancers", 100, "LoadBalancers.LoadBalancer"),
    pages("vpc:DescribeVpcs", 50, "Vpcs.Vpc"),
    pages("vpc:DescribeEipAddresses", 100, "EipAddresses.EipAddress"),
    pages("vpc:DescribeFlowLogs", 50, "FlowLogs.FlowLog"),
    pages("r-kvstore:DescribeInstances", 50, "Instances.KVStoreInstance"),
    pages("dds:DescribeDBInstances", 100, "DBInstances.DBInstance"),
    pages("polardb:DescribeDBClusters", 100, "Items.DBCluster"),
    pages("kms:ListKeys", 100, "Keys.Key"),
    pages("vpc:DescribeVSwitches", 50, "VSwitches.VSwitch"),
    pages("vpc:DescribeNetworkAcls", 50, "NetworkAcls.NetworkAcl"),
    pages("vpc:DescribeNatGateways", 50, "NatGateways.NatGateway"),
    pages("vpc:DescribeForwardTableEntries", 50, "ForwardTableEntries.ForwardTableEntry"),
    pages("vpc:DescribeVpnGateways", 50, "VpnGateways.VpnGateway"),
    pages("vpc:DescribeVpnConnections", 50, "VpnConnections.VpnConnection"),
    pages("kms:ListSecrets", 100, "SecretList.Secret"),
    pages("rds:DescribeInstanceAutoRenewalAttribute", 100, "Items.Item"),
    pages("r-kvstore:DescribeInstanceAutoRenewalAttribute", 100, "Items.Item"),
    pages("polardb:DescribeAutoRenewAttribute", 100, "Items.AutoRenewAttribute"),
    pages("dds:DescribeInstanceAutoRenewalAttribute", 100, "Items.Item"),
    pages("ess:DescribeScalingGroups", 50, "ScalingGroups.ScalingGroup"),
    pages("ess:DescribeScalingConfigurations", 50, "ScalingConfigurations.ScalingConfiguration"),
    pages("ess:DescribeScalingRules", 50, "ScalingRules.ScalingRule"),
    pages("cloudapi:DescribeApiGroups", 50, "ApiGroupAttributes.ApiGroupAttribute"),
    pages("hbase:DescribeInstances", 100, "Instances.Instance"),
    tokens("alb:ListLoadBalancers", "MaxResults", 100, "LoadBalancers"),
    tokens("alb:ListListeners", "MaxResults", 100, "Listeners"),
    tokens("alb:ListAcls", "MaxResults", 100, "Acls"),
    tokens("alb:ListAclEntries", "MaxResults", 100, "AclEntries"),
    tokens("alb:ListServerGroups", "MaxResults", 100, "ServerGroups"),
    tokens("alb:ListServerGroupServers", "MaxResults", 100, "Servers"),
    tokens("alb:ListSecurityPolicies", "MaxResults", 100, "SecurityPolicies"),
    tokens("nlb:ListLoadBalancers", "MaxResults", 100, "LoadBalancers"),
    tokens("nlb:ListServerGroups", "MaxResults", 100, "ServerGroups"),
    tokens("nlb:ListServerGroupServers", "MaxResults", 100, "Servers"),
    tokens("slb:DescribeLoadBalancerListeners", "MaxResults", 100, "Listeners"),
    tokens("slb:ListTLSCipherPolicies", "MaxItems", 100, "TLSCipherPolicies"),
    marker("ram:ListUsers", 1000),
    marker("ram:ListRoles", 1000),
    marker("ram:ListGroups", 1000),
    marker("ram:ListPolicies", 1000),
];

/// How `api` pages (one page when it is not a known list call).
pub fn paging(api: &str) -> Paging {
    LIST_CALLS.iter().find(|c| c.api == api).map_or(Paging::Single, |c| c.paging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_calls_are_calls_the_adapters_read_or_plan_from() {
        let supported = cspm_assets::openapi::supported();
        let planning_only = ["ecs:DescribeSecurityGroups", "ram:ListPolicies"];
        for c in LIST_CALLS {
            assert!(supported.contains(&c.api) || planning_only.contains(&c.api), "{} is read by nothing", c.api);
            assert!(crate::endpoints::find(c.api.split(':').next().unwrap_or_default()).is_some(), "{}", c.api);
        }
        assert_eq!(paging("ram:GetUser"), Paging::Single);
    }

    /// Where Alibaba's API metadata knows the call, its items are at the list path.
    #[test]
    fn list_paths_match_the_api_metadata() {
        let Some(doc) = crate::api_metadata() else { return };
        let mut checked = 0;
        for c in LIST_CALLS {
            let Paging::PageNumber { list, .. } = c.paging else { continue };
            let (product, action) = c.api.split_once(':').unwrap();
            let product = crate::endpoints::find(product).unwrap();
            let Some(fields) =
                doc["apis"][format!("{}/{}:{action}", product.name, product.version)]["fields"].as_array()
            else {
                continue;
            };
            let prefix = format!("{list}[].");
            assert!(
                fields.iter().any(|f| f["path"].as_str().is_some_and(|p| p.starts_with(&prefix))),
                "{}: {list}",
                c.api
            );
            checked += 1;
        }
        assert!(checked >= 5, "only {checked} list paths checked");
    }
}
