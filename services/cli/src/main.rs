//! `cspm`: the command line of the CSPM fleet.
//!
//! It drives the activation and scheduler APIs for everything a user does —
//! tenants, authorization, quota, importing inventories, scanning with a
//! live progress bar, reading results — and `cspm demo` runs the whole fleet
//! in this one process.

mod check;
mod client;
mod collect;
mod demo;
mod output;

use clap::{Parser, Subcommand, ValueEnum};
use client::Client;
use cspm_cloud::endpoints::{Endpoints, Site};
use cspm_domain::TenantId;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cspm", version, about = "Cloud Security Posture Management for Alibaba Cloud")]
struct Cli {
    /// The activation service.
    #[arg(long, env = "CSPM_ACTIVATION_URL", default_value = "http://127.0.0.1:8081", global = true)]
    activation: String,
    /// The scheduler service.
    #[arg(long, env = "CSPM_SCHEDULER_URL", default_value = "http://127.0.0.1:8082", global = true)]
    scheduler: String,
    /// Bearer token: the admin token, or a tenant's read token.
    #[arg(long, env = "CSPM_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole fleet in this process on a sample inventory: authorize, buy quota, scan, report.
    Demo {
        #[arg(long, default_value_t = 2)]
        workers: usize,
        #[arg(long, default_value_t = 3000)]
        quota: u64,
    },
    /// Create a tenant (`site/account_id`, e.g. cn/1234567890123456).
    Create { tenant: String },
    /// Show a tenant.
    Show { tenant: String },
    /// Authorize the service-linked role AliyunServiceRoleForSasCspm.
    Authorize {
        tenant: String,
        #[arg(long, default_value = "cli-authorize")]
        client_token: String,
        /// A RAM role in the tenant's account, trusting the operator's, that the fleet reads it as.
        #[arg(long)]
        role_arn: Option<String>,
    },
    /// Buy a CSPM subscription.
    Subscribe {
        tenant: String,
        #[arg(long)]
        quota: u64,
        #[arg(long, default_value_t = 12)]
        months: u32,
    },
    /// Show the quota (Remaining Quota or Used Quota).
    Quota { tenant: String },
    /// Issue a read-only token for a tenant.
    Token { tenant: String },
    /// Import OpenAPI responses (files or folders of .json) as the tenant's inventory.
    Import {
        tenant: String,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Read a tenant's Alibaba Cloud account with signed API calls (the operator's
    /// credentials from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET or the aliyun CLI profile,
    /// assuming --role-arn in the tenant's account), into import-format responses;
    /// with --fleet, have the fleet read it as the role recorded at authorization.
    Collect {
        tenant: String,
        /// Ask the fleet to collect (and follow it with a progress bar) instead of reading from here.
        #[arg(long, conflicts_with_all = ["role_arn", "endpoint", "out", "import"])]
        fleet: bool,
        /// With --fleet: scan what was read once it is stored.
        #[arg(long, requires = "fleet")]
        scan: bool,
        /// A RAM role in the tenant's account that trusts the operator's account.
        #[arg(long)]
        role_arn: Option<String>,
        /// Regions to read (comma-separated); by default every region the account can use (ecs:DescribeRegions).
        #[arg(long, value_delimiter = ',')]
        regions: Vec<String>,
        /// One base URL for every API (an emulator, a proxy) instead of Alibaba Cloud's endpoints.
        #[arg(long)]
        endpoint: Option<String>,
        /// Write the responses here (they import with `cspm import`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Import them as the tenant's inventory right away.
        #[arg(long)]
        import: bool,
    },
    /// Start a scan and follow it with a progress bar.
    Scan {
        tenant: String,
        /// Check items (comma-separated); all allowed ones when absent.
        #[arg(long, value_delimiter = ',', conflicts_with = "pack")]
        items: Option<Vec<String>>,
        /// A compliance pack's items instead (`cspm catalogue` lists the packs).
        #[arg(long)]
        pack: Option<String>,
        /// Instance ids (comma-separated); all when absent.
        #[arg(long, value_delimiter = ',')]
        instances: Option<Vec<String>>,
        /// Reserve the whole task's quota first: run completely or not at all.
        #[arg(long)]
        reserve_upfront: bool,
        /// Return once the task is started.
        #[arg(long)]
        no_wait: bool,
    },
    /// Show one task's progress.
    Task { tenant: String, task_id: String },
    /// Show results (latest per item and instance).
    Results {
        tenant: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        risk: Option<String>,
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        item: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: usize,
        #[arg(long, default_value_t = 50)]
        page_size: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Scan a Terraform module, a plan/state JSON, a ROS template or a folder of
    /// OpenAPI responses offline; exits 1 when it finds anything at or above --severity.
    Check {
        path: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: check::CheckFormat,
        /// Only these rules (comma-separated).
        #[arg(long, value_delimiter = ',', conflicts_with = "pack")]
        rules: Option<Vec<String>>,
        /// Only the rules of this compliance pack.
        #[arg(long)]
        pack: Option<String>,
        /// Report (and fail on) findings of this severity and above.
        #[arg(long, value_enum, default_value = "low")]
        severity: check::Severity,
    },
    /// List the check items and compliance packs (offline).
    Catalogue {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

fn tenant(s: &str) -> anyhow::Result<TenantId> {
    let (site, account) =
        s.split_once('/').ok_or_else(|| anyhow::anyhow!("a tenant is site/account_id, e.g. cn/1234567890123456"))?;
    TenantId::parse(site, account).map_err(|e| anyhow::anyhow!(e.message))
}

fn tenant_path(t: &TenantId) -> String {
    format!("/v1/tenants/{}/{}", t.site, t.account_id)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let activation = Client::new(&cli.activation, cli.token.clone());
    let scheduler = Client::new(&cli.scheduler, cli.token.clone());
    match cli.command {
        Command::Demo { workers, quota } => demo::run(workers, quota).await,
        Command::Create { tenant: t } => output::json(&activation.put(&tenant_path(&tenant(&t)?), None).await?),
        Command::Show { tenant: t } => output::json(&activation.get(&tenant_path(&tenant(&t)?)).await?),
        Command::Authorize { tenant: t, client_token, role_arn } => {
            let path = format!("{}/authorization", tenant_path(&tenant(&t)?));
            let body = json!({"client_token": client_token, "role_arn": role_arn});
            output::json(&activation.put(&path, Some(body)).await?)
        }
        Command::Subscribe { tenant: t, quota, months } => {
            let path = format!("{}/cspm/subscription", tenant_path(&tenant(&t)?));
            output::json(&activation.put(&path, Some(json!({"quota": quota, "months": months}))).await?)
        }
        Command::Quota { tenant: t } => {
            let q = activation.get(&format!("{}/quota", tenant_path(&tenant(&t)?))).await?;
            output::quota(&q);
            Ok(())
        }
        Command::Token { tenant: t } => {
            output::json(&activation.post(&format!("{}/tokens", tenant_path(&tenant(&t)?)), None).await?)
        }
        Command::Import { tenant: t, paths } => {
            let responses = client::read_responses(&paths)?;
            let path = format!("{}/assets", tenant_path(&tenant(&t)?));
            output::json(&scheduler.post(&path, Some(json!({"responses": responses}))).await?)
        }
        Command::Collect { tenant: t, fleet: true, scan, regions, .. } => {
            let t = tenant(&t)?;
            let token = format!("cli-{:016x}", rand::random::<u64>());
            let regions = (!regions.is_empty()).then_some(regions);
            let body = json!({"regions": regions, "scan": scan, "client_token": token});
            let started = scheduler.post_retrying(&format!("{}/collections", tenant_path(&t)), body).await?;
            let id = started["collection_id"].as_str().unwrap_or_default().to_owned();
            let path = format!("{}/collections/{id}", tenant_path(&t));
            let done = client::follow(&scheduler, &path, &client::SLICES).await?;
            output::collection(&done);
            if scan && done["state"] == "done" {
                let Some(task_id) = client::scan_after(&scheduler, &path).await? else {
                    output::say!("no scan followed the collection (refused: see the scheduler's log, or scan by hand)");
                    return Ok(());
                };
                let task_path = format!("{}/tasks/{task_id}", tenant_path(&t));
                output::task(&client::follow(&scheduler, &task_path, &client::EVALUATIONS).await?);
            }
            Ok(())
        }
        Command::Collect { tenant: t, role_arn, regions, endpoint, out, import, .. } => {
            let t = tenant(&t)?;
            let site = if t.site.to_string() == "intl" { Site::Intl } else { Site::Cn };
            let mut source = collect::Source::real(site, t.account_id.to_string(), role_arn, regions);
            if let Some(base) = endpoint {
                source.endpoints = Endpoints::Override { base };
            }
            let (arn, collected, calls) = collect::read(&source, collect::operator_credentials()).await?;
            output::say!("read {} responses with {calls} signed API calls as {arn}", collected.documents.len());
            for (api, code) in &collected.denied {
                output::say!("  not allowed: {api} ({code}); the items that need it will be NOT_CHECK");
            }
            for (api, why) in &collected.failed {
                output::say!("  failed: {api}: {why}");
            }
            if let Some(path) = out {
                std::fs::write(&path, serde_json::to_vec_pretty(&collected.documents)?)?;
                output::say!("written to {}", path.display());
            }
            if import {
                let path = format!("{}/assets", tenant_path(&t));
                output::json(&scheduler.post(&path, Some(json!({"responses": collected.documents}))).await?)?;
            }
            Ok(())
        }
        Command::Scan { tenant: t, items, pack, instances, reserve_upfront, no_wait } => {
            let t = tenant(&t)?;
            // One client token per invocation: a start retried after a 503 runs once.
            let token = format!("cli-{:016x}", rand::random::<u64>());
            let body = json!({"items": items, "pack": pack, "instances": instances,
                "reserve_upfront": reserve_upfront, "client_token": token});
            let task = scheduler.post_retrying(&format!("{}/scans", tenant_path(&t)), body).await?;
            if no_wait {
                return output::json(&task);
            }
            let task_id = task["task_id"].as_str().unwrap_or_default().to_owned();
            let done =
                client::follow(&scheduler, &format!("{}/tasks/{task_id}", tenant_path(&t)), &client::EVALUATIONS)
                    .await?;
            output::task(&done);
            Ok(())
        }
        Command::Task { tenant: t, task_id } => {
            let p = scheduler.get(&format!("{}/tasks/{task_id}", tenant_path(&tenant(&t)?))).await?;
            output::task(&p);
            Ok(())
        }
        Command::Results { tenant: t, status, risk, product, item, page, page_size, format } => {
            let mut query = vec![format!("page={page}"), format!("page_size={page_size}")];
            for (k, v) in [("status", status), ("risk", risk), ("product", product), ("item", item)] {
                if let Some(v) = v {
                    query.push(format!("{k}={v}"));
                }
            }
            let r = scheduler.get(&format!("{}/results?{}", tenant_path(&tenant(&t)?), query.join("&"))).await?;
            match format {
                Format::Json => output::json(&r),
                Format::Table => {
                    output::results(r["results"].as_array().map_or(&[][..], Vec::as_slice));
                    output::say!("{} results (page {page})", r["total"]);
                    Ok(())
                }
            }
        }
        Command::Check { path, format, rules, pack, severity } => {
            match check::run(&path, rules.as_deref(), pack.as_deref(), severity, format) {
                Ok(true) => Ok(()),
                // Exit 1: findings at or above the severity; exit 2: the input could not be checked.
                Ok(false) => std::process::exit(1),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    std::process::exit(2)
                }
            }
        }
        // The catalogue is built into the CLI: no server needed.
        Command::Catalogue { format } => {
            let c = serde_json::to_value(cspm_checks::catalogue_view())?;
            match format {
                Format::Json => output::json(&c),
                Format::Table => {
                    output::catalogue(&c);
                    Ok(())
                }
            }
        }
    }
}
