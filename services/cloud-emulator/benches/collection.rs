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
use cspm_cloud_emulator::{Emulator, Faults, synthetic};
use std::sync::Arc;
use std::time::Instant;

const ACCOUNT: &str = "1234567890123456";

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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (docs, minimum) = synthetic::account();
    let emulator = Arc::new(Emulator::new(docs, Faults::default()).with_key("LTAIbench", "bench-secret", ACCOUNT));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(emulator.clone().serve(listener));
    println!("collection: an emulated account of {} resources, {minimum} calls at least", synthetic::resources());
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
            synthetic::resources() as f64 / seconds
        );
    }
    Ok(())
}
