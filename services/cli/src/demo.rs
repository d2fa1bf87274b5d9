//! `cspm demo`: the whole fleet in this process — activation, scheduler and
//! scan-workers on the in-process bus and quota ledger — and an Alibaba
//! Cloud emulator holding the bundled sample account. It authorizes a
//! tenant, reads its account over HTTP with signed calls (assuming a role in
//! it), buys quota, scans, prints the risks found and the quota used, and
//! exits 0.

use crate::output;
use cspm_activation::Activation;
use cspm_activation::events::EventPublisher;
use cspm_assets::openapi::ApiResponse;
use cspm_domain::entitlement::CheckAction;
use cspm_domain::recommendation::{ServiceInstances, recommend};
use cspm_domain::{AccountCommand, TenantId};
use cspm_fleet::local::LocalFleet;
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::store::TaskState;
use cspm_fleet::worker::WorkerSettings;
use cspm_ledger::QuotaLedger;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::time::Duration;

const SAMPLE: &str = include_str!("../../../shared/assets/samples/demo-inventory.json");

/// The operator's key and account, and the role the sample account trusts it with.
const OPERATOR: (&str, &str, &str) = ("LTAIdemooperator", "demo-operator-secret", "5555555555555555");

/// Starts an emulator holding the sample account and reads it as a user
/// would read a real one; returns the responses collected, the API calls
/// made, the emulator's address, and the assumed role.
async fn read_emulated_account(tenant: &TenantId) -> anyhow::Result<(Vec<ApiResponse>, u64, String, String)> {
    use cspm_cloud_emulator::{Emulator, Faults, state::Document};
    let documents: Vec<Document> = serde_json::from_str(SAMPLE)?;
    let role = format!("acs:ram::{}:role/cspm-scanner", tenant.account_id);
    let emulator = Emulator::new(documents, Faults::default())
        .with_key(OPERATOR.0, OPERATOR.1, OPERATOR.2)
        .with_role(&role, &[OPERATOR.2]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(std::sync::Arc::new(emulator).serve(listener));
    let source = crate::collect::Source {
        endpoints: cspm_cloud::endpoints::Endpoints::Override { base: endpoint.clone() },
        account_id: tenant.account_id.to_string(),
        role_arn: Some(role),
        regions: vec!["cn-hangzhou".into()],
    };
    let operator = cspm_cloud::credentials::Credentials::new(OPERATOR.0, OPERATOR.1);
    let (arn, collected, calls) =
        crate::collect::read(&source, std::sync::Arc::new(cspm_cloud::credentials::Static(operator))).await?;
    let responses: Vec<ApiResponse> = serde_json::from_value(serde_json::to_value(&collected.documents)?)?;
    Ok((responses, calls, endpoint, arn))
}

fn e(err: cspm_domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", err.code, err.message)
}

pub async fn run(workers: usize, quota: u64) -> anyhow::Result<()> {
    output::say!(
        "CSPM demo: activation, scheduler and {workers} scan-workers in this process (in-process bus and quota ledger)\n"
    );
    let fleet = LocalFleet::start(workers.max(1), WorkerSettings::default()).await?;
    let events = EventPublisher::new(fleet.accounts.clone(), fleet.bus.clone(), "cspm", &prometheus::Registry::new());
    let activation =
        Activation::new(fleet.accounts.clone(), fleet.ledger.clone(), events, "demo-admin-token-not-secret");
    let tenant = TenantId::parse("cn", "1234567890123456").map_err(e)?;

    activation.create(&tenant).await.map_err(|x| e(x.0))?;
    activation
        .execute(&tenant, AccountCommand::Authorize { client_token: "demo".into(), role_arn: None })
        .await
        .map_err(|x| e(x.0))?;
    output::say!("1. tenant {tenant} authorized the service-linked role AliyunServiceRoleForSasCspm");

    let (responses, calls, endpoint, arn) = read_emulated_account(&tenant).await?;
    let report = fleet.scheduler.import(&tenant, &responses, false).await.map_err(e)?;
    output::say!(
        "2. read the account from the Alibaba Cloud emulator at {endpoint} as {arn}: {calls} signed API calls, {} responses, {} assets",
        responses.len(),
        report.assets,
    );
    for (kind, n) in &report.by_type {
        output::say!("     {n:>2} × {kind}");
    }

    let mut per_service: BTreeMap<String, u64> = BTreeMap::new();
    for (kind, n) in &report.by_type {
        *per_service.entry(kind.split("::").nth(1).unwrap_or(kind).to_owned()).or_default() += *n as u64;
    }
    let services: Vec<ServiceInstances> =
        per_service.into_iter().map(|(service, instances)| ServiceInstances { service, instances }).collect();
    let rec = recommend(&services).map_err(e)?;
    activation
        .execute(&tenant, AccountCommand::Subscribe { quota, months: 12, client_token: None })
        .await
        .map_err(|x| e(x.0))?;
    output::say!(
        "3. bought a CSPM subscription of {quota} units (recommended for this inventory: {} instances × 20 = {})",
        rec.instances,
        rec.recommended_quota
    );

    let task = fleet.scheduler.start(&tenant, CheckAction::Scan, ScanRequest::default(), "api").await.map_err(e)?;
    output::say!(
        "4. scan {} started: {} evaluations in {} jobs, forecast {} quota units",
        task.task.task_id,
        task.task.total,
        task.task.jobs,
        task.task.units_needed
    );
    let bar = ProgressBar::new(task.task.total);
    bar.set_style(
        ProgressStyle::with_template("   [{bar:40}] {pos}/{len} evaluations")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let done = loop {
        let p = fleet
            .scheduler
            .store
            .task(&tenant, &task.task.task_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("task vanished"))?;
        bar.set_position(p.finished);
        if p.state != TaskState::Running {
            bar.finish();
            break p;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    output::say!("   finished: {:?}, {} units charged\n", done.state, done.units_charged);

    let mut risks: Vec<serde_json::Value> = Vec::new();
    for r in fleet.scheduler.store.results(&tenant).await? {
        if r.status != cspm_checks::Status::NotPass {
            continue;
        }
        let Some(c) = cspm_checks::find(&r.item_id) else { continue };
        let mut v = serde_json::to_value(&r)?;
        v["risk"] = serde_json::to_value(c.meta.risk)?;
        risks.push(v);
    }
    let key = |v: &serde_json::Value| (v["risk"].to_string(), v["item_id"].to_string(), v["instance_id"].to_string());
    risks.sort_by_key(key);
    output::say!("5. risks found ({}):", risks.len());
    output::results(&risks);

    let snapshot = fleet.ledger.snapshot(&tenant).await?;
    output::say!(
        "\n6. quota: {} used of {} purchased, {} remaining (free items and stopped or empty resources cost nothing)",
        snapshot.used,
        quota,
        snapshot.remaining.unwrap_or(0)
    );
    fleet.shutdown().await;
    Ok(())
}
