//! `cspm-cloud-emulator`: the Alibaba Cloud OpenAPI stand-in as a process.
//!
//! ```sh
//! cspm-cloud-emulator --listen 127.0.0.1:9000 --seed shared/assets/samples/demo-inventory.json \
//!   --key LTAIdemo:demo-secret:1234567890123456 \
//!   --role acs:ram::1234567890123456:role/cspm-scanner=1234567890123456
//! ```
//! Point a client at it with the endpoint override (`http://127.0.0.1:9000`).

use anyhow::{Context, bail};
use clap::Parser;
use cspm_cloud_emulator::state::Document;
use cspm_cloud_emulator::{Emulator, Faults};
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "A local stand-in for Alibaba Cloud's OpenAPI")]
struct Args {
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: String,
    /// A file of OpenAPI responses in the import format (repeatable).
    #[arg(long)]
    seed: Vec<std::path::PathBuf>,
    /// An accepted AccessKey: `id:secret:account` (repeatable).
    #[arg(long)]
    key: Vec<String>,
    /// A role and the accounts it trusts: `arn=account[,account…]` (repeatable).
    #[arg(long)]
    role: Vec<String>,
    /// Share of calls answered `Throttling.User` (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    throttle: f64,
    /// An action answered `Forbidden.RAM`, e.g. `ram:ListUsers` (repeatable).
    #[arg(long)]
    deny: Vec<String>,
    /// Milliseconds added to every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let args = Args::parse();
    let mut documents: Vec<Document> = Vec::new();
    for path in &args.seed {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let docs: Vec<Document> =
            serde_json::from_str(&text).with_context(|| format!("{} is not a list of responses", path.display()))?;
        documents.extend(docs);
    }
    let faults = Faults {
        throttle: args.throttle,
        denied: args.deny.iter().cloned().collect(),
        latency: Duration::from_millis(args.latency_ms),
    };
    let mut emulator = Emulator::new(documents, faults);
    for k in &args.key {
        let [id, secret, account] = k.splitn(3, ':').collect::<Vec<_>>()[..] else {
            bail!("--key takes id:secret:account, got {k:?}");
        };
        emulator = emulator.with_key(id, secret, account);
    }
    for r in &args.role {
        let Some((arn, trusted)) = r.split_once('=') else { bail!("--role takes arn=account[,account…], got {r:?}") };
        let trusted: Vec<&str> = trusted.split(',').collect();
        emulator = emulator.with_role(arn, &trusted);
    }
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(listen = %listener.local_addr()?, "cspm-cloud-emulator ready");
    Arc::new(emulator).serve(listener).await?;
    Ok(())
}
