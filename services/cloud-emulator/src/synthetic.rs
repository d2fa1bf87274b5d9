//! A large synthetic account for benchmarks: about 10,000 resources (ECS
//! instances, disks and security groups, RAM users, RDS instances), with
//! the number of calls a collection of it needs at least.

use crate::state::Document;
use serde_json::{Value, json};

/// (instances, disks, groups, users, databases)
pub const SIZE: (usize, usize, usize, usize, usize) = (3_000, 3_000, 1_000, 2_500, 500);

/// The account's documents, and the calls the page sizes make necessary to
/// read them (each list in its largest pages, one call per resource read).
pub fn account() -> (Vec<Document>, u64) {
    let (instances, disks, groups, users, dbs) = SIZE;
    let list = |api: &str, wrap: &str, item: &str, items: Vec<Value>| json!({"api": api, "response": {"TotalCount": items.len(), wrap: {item: items}}});
    let mut docs = vec![
        list(
            "ecs:DescribeInstances",
            "Instances",
            "Instance",
            (0..instances).map(|i| json!({"InstanceId": format!("i-{i:06}"), "Status": "Running"})).collect(),
        ),
        list(
            "ecs:DescribeDisks",
            "Disks",
            "Disk",
            (0..disks).map(|i| json!({"DiskId": format!("d-{i:06}"), "Encrypted": i % 2 == 0})).collect(),
        ),
        list(
            "ecs:DescribeSecurityGroups",
            "SecurityGroups",
            "SecurityGroup",
            (0..groups).map(|i| json!({"SecurityGroupId": format!("sg-{i:06}")})).collect(),
        ),
        json!({"api": "ram:ListUsers", "response": {"IsTruncated": false, "Users": {"User": (0..users).map(|i| json!({"UserName": format!("u{i}")})).collect::<Vec<_>>()}}}),
        list(
            "rds:DescribeDBInstances",
            "Items",
            "DBInstance",
            (0..dbs).map(|i| json!({"DBInstanceId": format!("rm-{i:06}")})).collect(),
        ),
    ];
    for i in 0..groups {
        docs.push(json!({"api": "ecs:DescribeSecurityGroupAttribute", "response": {"SecurityGroupId": format!("sg-{i:06}"), "Permissions": {"Permission": []}}}));
    }
    for i in 0..users {
        let p = json!({"UserName": format!("u{i}")});
        docs.push(json!({"api": "ram:GetUser", "params": p, "response": {"User": {"UserName": format!("u{i}")}}}));
        docs.push(json!({"api": "ram:ListAccessKeys", "params": p, "response": {"AccessKeys": {"AccessKey": []}}}));
    }
    for i in 0..dbs {
        let p = json!({"DBInstanceId": format!("rm-{i:06}")});
        docs.push(json!({"api": "rds:DescribeDBInstanceSSL", "params": p, "response": {"RequireUpdate": "No", "SSLEnabled": "Yes"}}));
    }
    // The calls the page sizes make necessary: each list in its largest pages, one per resource read.
    let pages = |n: usize, size: usize| n.div_ceil(size) as u64;
    let minimum = pages(instances, 100)
        + pages(disks, 100)
        + pages(groups, 100)
        + pages(users, 1000)
        + pages(dbs, 100)
        + groups as u64
        + 2 * users as u64
        + dbs as u64;
    (docs.into_iter().map(|d| serde_json::from_value(d).expect("a document")).collect(), minimum)
}

/// The items the account lists for a list call, and that list's largest page.
pub fn listed(api: &str) -> Option<(usize, usize)> {
    let (instances, disks, groups, users, dbs) = SIZE;
    match api {
        "ecs:DescribeInstances" => Some((instances, 100)),
        "ecs:DescribeDisks" => Some((disks, 100)),
        "ecs:DescribeSecurityGroups" => Some((groups, 100)),
        "ram:ListUsers" => Some((users, 1000)),
        "rds:DescribeDBInstances" => Some((dbs, 100)),
        _ => None,
    }
}

/// Resources the account holds.
pub fn resources() -> usize {
    let (instances, disks, groups, users, dbs) = SIZE;
    instances + disks + groups + users + dbs
}

#[cfg(test)]
mod tests {
    /// What a collection of the account reads imports like any inventory.
    #[test]
    fn the_account_imports() {
        let (docs, _) = super::account();
        let responses: Vec<cspm_assets::openapi::ApiResponse> = docs
            .into_iter()
            .map(|d| cspm_assets::openapi::ApiResponse { api: d.api, params: d.params, response: d.response })
            .collect();
        let assets = cspm_assets::openapi::ingest(&responses).unwrap();
        assert_eq!(assets.len(), super::resources());
    }
}
