//! Collecting an emulated account of about 10,000 resources over loopback
//! HTTP with signed calls: API calls made per call the page sizes make
//! necessary (the reference: every list walked in its largest pages, one call
//! per resource for per-resource reads; target 1.0), and the time, with one
//! call in flight and with four.
//!
//! `cargo bench -p cspm-cloud-emulator --bench collection`

use cspm_cloud::client::{Client, ClientOptions};
use cspm_cloud::collect;
use cspm_cloud::credentials::{Credentials, Static};
use cspm_cloud::endpoints::Endpoints;
use cspm_cloud_emulator::state::Document;
use cspm_cloud_emulator::{Emulator, Faults};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

const ACCOUNT: &str = "1234567890123456";

/// (instances, disks, groups, users, databases)
const SIZE: (usize, usize, usize, usize, usize) = (3_000, 3_000, 1_000, 2_500, 500);

fn documents() -> (Vec<Document>, u64) {
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
        docs.push(json!({"api": "rds:DescribeDBInstanceSSL", "params": p, "response": {"RequireUpdate": "No"}}));
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

/// The plans this account answers (the others would only meet ResourceNotFound).
fn plans() -> Vec<collect::Plan> {
    let wanted = [
        "ecs:DescribeInstances",
        "ecs:DescribeDisks",
        "ecs:DescribeSecurityGroups",
        "ecs:DescribeSecurityGroupAttribute",
        "ram:ListUsers",
        "ram:GetUser",
        "ram:ListAccessKeys",
        "rds:DescribeDBInstances",
        "rds:DescribeDBInstanceSSL",
    ];
    collect::PLANS.iter().filter(|p| wanted.contains(&p.api)).copied().collect()
}

/// Resources the account holds.
fn resources() -> usize {
    let (instances, disks, groups, users, dbs) = SIZE;
    instances + disks + groups + users + dbs
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (docs, minimum) = documents();
    let emulator = Arc::new(Emulator::new(docs, Faults::default()).with_key("LTAIbench", "bench-secret", ACCOUNT));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(emulator.clone().serve(listener));
    println!("collection: an emulated account of {} resources, {minimum} calls at least", resources());
    println!("{:<28}{:>12}{:>14}{:>12}{:>16}", "setup", "calls", "calls/minimum", "seconds", "resources/s");
    for in_flight in [1usize, 4] {
        let mut options = ClientOptions::new(Endpoints::Override { base: base.clone() }, ACCOUNT);
        options.calls_per_second = 100_000;
        options.concurrency = in_flight;
        let client = Client::new(Arc::new(Static(Credentials::new("LTAIbench", "bench-secret"))), options);
        let started = Instant::now();
        let collected = collect::collect_concurrently(&client, &["cn-hangzhou".to_owned()], &plans(), in_flight).await;
        let seconds = started.elapsed().as_secs_f64();
        if !collected.failed.is_empty() {
            return Err(format!("calls failed: {:?}", collected.failed.iter().take(3).collect::<Vec<_>>()).into());
        }
        let calls = client.requests();
        println!(
            "{:<28}{calls:>12}{:>14.3}{seconds:>12.2}{:>16.0}",
            format!("{in_flight} call(s) in flight"),
            calls as f64 / minimum as f64,
            resources() as f64 / seconds
        );
    }
    Ok(())
}
