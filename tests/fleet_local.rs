//! The scan flow end to end in one process (in-process bus, ledger and
//! stores — what `cspm demo` runs): quota accounting, exhaustion, free items,
//! dead letters, redelivery. The same flows run as separate processes over
//! NATS and Redis in `fleet_e2e.rs`.

use bytes::Bytes;
use cspm_activation::Activation;
use cspm_activation::events::EventPublisher;
use cspm_bus::{Bus, Outgoing};
use cspm_domain::entitlement::CheckAction;
use cspm_domain::{AccountCommand, ErrorCode, Site, TenantId};
use cspm_fleet::local::LocalFleet;
use cspm_fleet::plan::ScanRequest;
use cspm_fleet::store::{TaskProgress, TaskState};
use cspm_fleet::worker::WorkerSettings;
use cspm_ledger::QuotaLedger;
use cspm_tests::{sample_inventory, sample_units, unique_tenant};
use futures::StreamExt;
use std::time::{Duration, Instant};

struct Setup {
    fleet: LocalFleet,
    activation: Activation,
    tenant: TenantId,
}

async fn setup(workers: usize) -> Setup {
    let fleet = LocalFleet::start(workers, WorkerSettings::default()).await.unwrap();
    let registry = prometheus::Registry::new();
    let events = EventPublisher::new(fleet.accounts.clone(), fleet.bus.clone(), "cspm", &registry);
    let activation =
        Activation::new(fleet.accounts.clone(), fleet.ledger.clone(), events, "local-admin-token-0123456789");
    let tenant = unique_tenant(Site::Cn);
    activation.create(&tenant).await.unwrap();
    fleet.scheduler.import(&tenant, &sample_inventory(), false).await.unwrap();
    Setup { fleet, activation, tenant }
}

impl Setup {
    async fn run(&self, cmd: AccountCommand) {
        self.activation.execute(&self.tenant, cmd).await.unwrap();
    }

    async fn authorize_and_buy(&self, quota: u64) {
        self.run(AccountCommand::Authorize { client_token: "t".into(), role_arn: None }).await;
        self.run(AccountCommand::Subscribe { quota, months: 12, client_token: None }).await;
    }

    async fn scan(&self, request: ScanRequest) -> TaskProgress {
        let task = self.fleet.scheduler.start(&self.tenant, CheckAction::Scan, request, "api").await.unwrap();
        self.wait(&task.task.task_id).await
    }

    async fn wait(&self, task_id: &str) -> TaskProgress {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let p = self.fleet.scheduler.store.task(&self.tenant, task_id).await.unwrap().unwrap();
            if p.state != TaskState::Running {
                return p;
            }
            assert!(Instant::now() < deadline, "task did not finish: {p:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn used(&self) -> u64 {
        self.fleet.ledger.snapshot(&self.tenant).await.unwrap().used
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_used_equals_the_billable_evaluations() {
    let s = setup(2).await;
    s.authorize_and_buy(3000).await;
    let done = s.scan(ScanRequest::default()).await;
    assert_eq!(done.state, TaskState::Done, "{done:?}");
    assert_eq!(done.finished, done.task.total);
    let units = sample_units(None);
    assert_eq!(done.task.units_needed, units, "the forecast is the charge");
    assert_eq!(s.used().await, units, "what succeeded, exactly");
    assert_eq!(done.units_charged, units);
    let results = s.fleet.scheduler.store.results(&s.tenant).await.unwrap();
    assert_eq!(results.len() as u64, done.task.total);
    assert!(
        results.iter().any(|r| r.item_id == "ecs-security-group-ssh-not-open-to-internet" && !r.findings.is_empty())
    );
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_subscription_ends_partial_and_then_refuses() {
    let s = setup(2).await;
    s.authorize_and_buy(5).await;
    let done = s.scan(ScanRequest::default()).await;
    assert_eq!(done.state, TaskState::Partial, "{done:?}");
    assert_eq!(s.used().await, 5, "used equals purchased, never more");
    let units = sample_units(None);
    // Every check that would cost a unit either got one of the 5 or ran out.
    assert_eq!(done.not_checked_for_quota, units - 5, "{done:?}");
    let results = s.fleet.scheduler.store.results(&s.tenant).await.unwrap();
    let exhausted =
        results.iter().filter(|r| r.reason.as_deref().is_some_and(|x| x.starts_with("AuthorizationExhaust"))).count();
    assert_eq!(exhausted as u64, done.not_checked_for_quota);
    let err = s.fleet.scheduler.start(&s.tenant, CheckAction::Scan, ScanRequest::default(), "api").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AuthorizationExhaust);
    assert!(err.message.contains(&format!("needs {units} units, 0 remaining")), "{}", err.message);
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserving_up_front_runs_completely_or_not_at_all() {
    let s = setup(1).await;
    s.authorize_and_buy(5).await;
    let request = ScanRequest { reserve_upfront: true, ..Default::default() };
    let err = s.fleet.scheduler.start(&s.tenant, CheckAction::Scan, request.clone(), "api").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AuthorizationExhaust);
    let snap = s.fleet.ledger.snapshot(&s.tenant).await.unwrap();
    assert_eq!((snap.used, snap.reserved), (0, 0), "a refused task holds nothing");
    s.run(AccountCommand::Upgrade { add_quota: 1000, extend_months: None, client_token: None }).await;
    let done = s.scan(request).await;
    assert_eq!(done.state, TaskState::Done);
    assert_eq!(s.used().await, sample_units(None));
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_cspm_only_free_items_run_and_quota_is_untouched() {
    let s = setup(1).await;
    let err = s.fleet.scheduler.start(&s.tenant, CheckAction::Scan, ScanRequest::default(), "api").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotAuthorized);
    s.run(AccountCommand::Authorize { client_token: "t".into(), role_arn: None }).await;
    let done = s.scan(ScanRequest::default()).await;
    assert_eq!(done.state, TaskState::Done);
    assert!(!done.task.skipped.is_empty());
    let results = s.fleet.scheduler.store.results(&s.tenant).await.unwrap();
    assert!(results.iter().all(|r| cspm_checks::find(&r.item_id).unwrap().meta.free));
    let snap = s.fleet.ledger.snapshot(&s.tenant).await.unwrap();
    assert_eq!((snap.used, snap.reserved), (0, 0));
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_job_is_dead_lettered_and_the_worker_keeps_serving() {
    let s = setup(1).await;
    s.authorize_and_buy(3000).await;
    let mut dead = s.fleet.bus.subscribe("cspm.v1.dead.>").await.unwrap();
    let garbage = Outgoing {
        subject: format!("cspm.v1.job.{}.ecs-disk-encrypted", s.tenant.subject_part()),
        msg_id: "garbage-1".into(),
        headers: Vec::new(),
        payload: Bytes::from_static(b"{not json"),
    };
    s.fleet.bus.send(garbage).await.unwrap();
    let letter = tokio::time::timeout(Duration::from_secs(5), dead.next()).await.unwrap().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&letter.payload).unwrap();
    assert_eq!(body["reason"], "malformed");
    assert_eq!(body["raw"], "{not json");
    let done = s.scan(ScanRequest::default()).await;
    assert_eq!(done.state, TaskState::Done, "the worker still serves");
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_job_is_charged_once() {
    let s = setup(1).await;
    s.authorize_and_buy(3000).await;
    let request = ScanRequest { items: Some(vec!["ecs-disk-encrypted".into()]), ..Default::default() };
    let done = s.scan(request).await;
    let used = s.used().await;
    assert_eq!(used, 3);
    // The same job delivered again (as after a lost ack) under a new message id.
    let job = cspm_fleet::messages::JobMessage {
        schema: cspm_fleet::messages::JOB_SCHEMA.into(),
        job_id: format!("{}-0001", done.task.task_id),
        task_id: done.task.task_id.clone(),
        tenant: s.tenant.clone(),
        action: CheckAction::Scan,
        item_id: "ecs-disk-encrypted".into(),
        params: Default::default(),
        instances: s
            .fleet
            .scheduler
            .store
            .assets(&s.tenant)
            .await
            .unwrap()
            .iter()
            .filter(|a| a.kind() == cspm_assets::AssetKind::Disk)
            .cloned()
            .collect(),
        refused: None,
    };
    let again = Outgoing {
        subject: cspm_fleet::messages::Topology::default().job_subject(&s.tenant, "ecs-disk-encrypted", &job.job_id),
        msg_id: "redelivery-1".into(),
        headers: Vec::new(),
        payload: Bytes::from(serde_json::to_vec(&job).unwrap()),
    };
    let queue = s.fleet.bus.work_queue(&cspm_fleet::messages::Topology::default().jobs()).await.unwrap();
    s.fleet.bus.send(again).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while queue.pending().await.unwrap() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(queue.pending().await.unwrap(), 0);
    assert_eq!(s.used().await, used, "charged once");
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_asset_change_event_rescans_what_changed() {
    let s = setup(1).await;
    s.authorize_and_buy(3000).await;
    s.scan(ScanRequest::default()).await;
    // bob's console user gets an MFA device: only the RAM users changed.
    let mut responses = sample_inventory();
    let mfa = responses.iter_mut().find(|r| r.api == "ram:ListVirtualMFADevices").unwrap();
    mfa.response["VirtualMFADevices"]["VirtualMFADevice"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"SerialNumber": "acs:ram::1:mfa/bob", "User": {"UserName": "bob"}}));
    let event = cspm_fleet::messages::AssetChanged {
        schema: cspm_fleet::messages::ASSET_CHANGED_SCHEMA.into(),
        tenant: s.tenant.clone(),
        responses,
    };
    let topology = cspm_fleet::messages::Topology::default();
    let out = Outgoing {
        subject: topology.asset_changed_subject(&s.tenant),
        msg_id: "change-bob".into(),
        headers: Vec::new(),
        payload: Bytes::from(serde_json::to_vec(&event).unwrap()),
    };
    s.fleet.bus.send(out).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let rescan = loop {
        let tasks = s.fleet.scheduler.store.tasks(&s.tenant, 10).await.unwrap();
        if let Some(t) = tasks.into_iter().find(|t| t.task.trigger == "asset_change") {
            break t;
        }
        assert!(Instant::now() < deadline, "no re-scan started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let done = s.wait(&rescan.task.task_id).await;
    assert_eq!(done.state, TaskState::Done);
    assert!(
        done.task.items.iter().all(|i| i.starts_with("ram-user-")),
        "only items of the changed assets: {:?}",
        done.task.items
    );
    let results = s.fleet.scheduler.store.results(&s.tenant).await.unwrap();
    let bob = results.iter().find(|r| r.item_id == "ram-user-mfa-check" && r.instance_id == "bob").unwrap();
    assert_eq!(bob.status, cspm_checks::Status::Pass, "the re-scan's result is the latest");
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_rechecks_selected_instances_at_a_cost() {
    let s = setup(1).await;
    s.authorize_and_buy(3000).await;
    s.scan(ScanRequest::default()).await;
    let before = s.used().await;
    let request = ScanRequest {
        items: Some(vec!["rds-instance-enabled-ssl".into()]),
        instances: Some(vec!["rm-bp1orders000000001".into()]),
        ..Default::default()
    };
    let task = s.fleet.scheduler.start(&s.tenant, CheckAction::Verify, request, "api").await.unwrap();
    let done = s.wait(&task.task.task_id).await;
    assert_eq!((done.state, done.task.total, done.units_charged), (TaskState::Done, 1, 1));
    assert_eq!(s.used().await, before + 1, "one verification of one instance costs one unit");
    s.fleet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_job_extends_its_quota_lease_while_it_works() {
    // A 300 ms lease and four 150 ms evaluations: without renewals the
    // reservation would lapse mid-job and the commit would find nothing.
    let settings = WorkerSettings {
        lease: Duration::from_millis(300),
        evaluation_delay: Duration::from_millis(150),
        ..Default::default()
    };
    let fleet = LocalFleet::start(1, settings).await.unwrap();
    let registry = prometheus::Registry::new();
    let events = EventPublisher::new(fleet.accounts.clone(), fleet.bus.clone(), "cspm", &registry);
    let activation =
        Activation::new(fleet.accounts.clone(), fleet.ledger.clone(), events, "local-admin-token-0123456789");
    let tenant = unique_tenant(Site::Intl);
    activation.create(&tenant).await.unwrap();
    fleet.scheduler.import(&tenant, &sample_inventory(), false).await.unwrap();
    let s = Setup { fleet, activation, tenant };
    s.authorize_and_buy(100).await;
    let done =
        s.scan(ScanRequest { items: Some(vec!["ecs-instance-no-public-ip".into()]), ..Default::default() }).await;
    assert_eq!(done.state, TaskState::Done);
    let snap = s.fleet.ledger.snapshot(&s.tenant).await.unwrap();
    assert_eq!((snap.used, snap.reserved), (3, 0), "three running instances charged; the stopped one is not");
    s.fleet.shutdown().await;
}
