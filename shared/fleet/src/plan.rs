//! Turning a scan or verification request into jobs and a quota forecast.
//! Pure: the tenant's account, quota, inventory and parameters in; jobs out,
//! or a refusal with a stable code.

use crate::messages::{JOB_SCHEMA, JobMessage};
use chrono::{DateTime, Utc};
use cspm_assets::Asset;
use cspm_checks::{Check, Context};
use cspm_domain::entitlement::{self, Charge, CheckAction, ItemPricing, Operation, QuotaView};
use cspm_domain::{Account, DomainError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Instances per job: small enough to spread a task over workers, large
/// enough that per-job overhead stays small.
pub const DEFAULT_BATCH: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// Check items to run; all the tenant may run when absent.
    #[serde(default)]
    pub items: Option<Vec<String>>,
    /// A compliance pack whose items to run, instead of `items`.
    #[serde(default)]
    pub pack: Option<String>,
    /// Instance ids to check; every applicable instance when absent.
    #[serde(default)]
    pub instances: Option<Vec<String>>,
    /// Reserve the whole task's quota before starting: it runs completely or not at all.
    #[serde(default)]
    pub reserve_upfront: bool,
    /// An idempotency key (1 to 64 of `A-Z a-z 0-9 _ - . :`): a start
    /// retried with the same token returns the first task instead of starting another.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub client_token: Option<String>,
}

impl ScanRequest {
    /// Checks what the planner does not: the client token's shape.
    pub fn validate(&self) -> Result<(), DomainError> {
        validate_client_token(self.client_token.as_deref())
    }
}

/// A client token is 1 to 64 of `A-Z a-z 0-9 _ - . :` (scans and collections alike).
pub fn validate_client_token(token: Option<&str>) -> Result<(), DomainError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_-.:".contains(c);
    match token {
        Some(t) if t.is_empty() || t.len() > 64 || !t.chars().all(ok_char) => {
            Err(DomainError::invalid("client_token must be 1 to 64 of A-Z a-z 0-9 _ - . :"))
        }
        _ => Ok(()),
    }
}

/// An item left out of a full scan, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Skipped {
    pub item_id: String,
    pub code: ErrorCode,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub jobs: Vec<JobMessage>,
    pub skipped: Vec<Skipped>,
    /// (item, instance) evaluations the task will make.
    pub evaluations: u64,
    /// Quota units the task will need at most.
    pub units_needed: u64,
    /// Units remaining now (`None`: no limit).
    pub remaining: Option<u64>,
    /// Units needed per job, for reserving up front.
    pub units_per_job: Vec<u64>,
}

pub struct PlanInput<'a> {
    pub task_id: &'a str,
    pub account: &'a Account,
    pub quota: QuotaView,
    pub inventory: &'a [Asset],
    pub action: CheckAction,
    pub request: &'a ScanRequest,
    /// The tenant's parameter values per item.
    pub params: &'a BTreeMap<String, BTreeMap<String, i64>>,
    /// Calls the tenant's role was refused in its latest collection, with the code.
    pub denied: &'a BTreeMap<String, String>,
    pub batch: usize,
    pub now: DateTime<Utc>,
}

pub fn plan(input: PlanInput<'_>) -> Result<Plan, DomainError> {
    let items = select_items(input.request)?;
    if let Some(ids) = &input.request.instances {
        let unknown: Vec<&String> = ids.iter().filter(|id| !input.inventory.iter().any(|a| &a.id == *id)).collect();
        if !unknown.is_empty() {
            return Err(DomainError::invalid(format!("unknown instances {unknown:?}: import them first")));
        }
    }
    let explicit = input.request.items.is_some();
    let mut plan = Plan {
        jobs: Vec::new(),
        skipped: Vec::new(),
        evaluations: 0,
        units_needed: 0,
        remaining: input.quota.remaining,
        units_per_job: Vec::new(),
    };
    // Nothing is read from the cloud without the authorization.
    let free_scan = Operation::ConfigCheck { action: CheckAction::Scan, item: ItemPricing::Free };
    if let Err(e) = entitlement::decide(input.account, input.quota, free_scan, 1, input.now)
        && e.code == ErrorCode::NotAuthorized
    {
        return Err(e);
    }
    // Decide without the quota: exhaustion is judged once, for the whole task.
    let unlimited = QuotaView { remaining: None };
    for check in items {
        let refused = refused_call(check, input.denied);
        let targets: Vec<&Asset> = input
            .inventory
            .iter()
            .filter(|a| a.kind() == check.meta.resource_type)
            .filter(|a| input.request.instances.as_ref().is_none_or(|ids| ids.contains(&a.id)))
            // An item whose data the inventory does not report has nothing to
            // evaluate, unless the data is missing because a call was refused:
            // then it is reported NOT_CHECK, naming the call.
            .filter(|a| refused.is_some() || check.has_data(a))
            .collect();
        if targets.is_empty() {
            if let Some(reason) = refused {
                plan.skipped.push(Skipped { item_id: check.meta.id.to_owned(), code: ErrorCode::Forbidden, reason });
            }
            continue;
        }
        let pricing = if check.meta.free { ItemPricing::Free } else { ItemPricing::Paid };
        let op = Operation::ConfigCheck { action: input.action, item: pricing };
        let charge = match entitlement::decide(input.account, unlimited, op, targets.len() as u64, input.now) {
            Ok(a) => a.charge,
            Err(e) if explicit => return Err(DomainError::new(e.code, format!("{}: {}", check.meta.id, e.message))),
            Err(e) => {
                plan.skipped.push(Skipped { item_id: check.meta.id.to_owned(), code: e.code, reason: e.message });
                continue;
            }
        };
        let params = input.params.get(check.meta.id).cloned().unwrap_or_default();
        let ctx = Context { now: input.now, params: &params, specs: check.meta.params };
        for batch in targets.chunks(input.batch.max(1)) {
            // A unit for each billable instance the item will actually check:
            // evaluating here (it is cheap) makes the forecast the charge, as
            // long as the inventory does not change before the job runs.
            let units = if charge == Charge::PerEvaluation && refused.is_none() {
                batch.iter().filter(|a| a.billable() && check.evaluate(a, &ctx).is_checked()).count() as u64
            } else {
                0
            };
            plan.units_needed += units;
            plan.evaluations += batch.len() as u64;
            plan.units_per_job.push(units);
            plan.jobs.push(JobMessage {
                schema: JOB_SCHEMA.to_owned(),
                job_id: format!("{}-{:04}", input.task_id, plan.jobs.len() + 1),
                task_id: input.task_id.to_owned(),
                tenant: input.account.tenant.clone(),
                action: input.action,
                item_id: check.meta.id.to_owned(),
                params: params.clone(),
                instances: batch.iter().map(|a| (*a).clone()).collect(),
                refused: refused.clone(),
            });
        }
    }
    if plan.units_needed > 0 && input.quota.remaining == Some(0) {
        return Err(DomainError::new(
            ErrorCode::AuthorizationExhaust,
            format!(
                "the CSPM quota is used up: this task needs {} units, 0 remaining; upgrade the quota, or choose free items with \"items\"",
                plan.units_needed
            ),
        ));
    }
    if plan.jobs.is_empty() {
        let why = plan.skipped.first().map_or_else(
            || "no imported asset matches the request; import the tenant's inventory first".to_owned(),
            |s| format!("no check item may run: {}", s.reason),
        );
        let code = plan.skipped.first().map_or(ErrorCode::InvalidParameter, |s| s.code);
        return Err(DomainError::new(code, why));
    }
    Ok(plan)
}

/// Why `check` cannot be judged when the role was refused `denied` calls:
/// one of them feeds the item's resource type.
fn refused_call(check: &Check, denied: &BTreeMap<String, String>) -> Option<String> {
    if denied.is_empty() {
        return None;
    }
    let feeding = cspm_assets::openapi::sources::feeding(check.meta.resource_type);
    let (api, code) = denied.iter().find(|(api, _)| feeding.contains(api.as_str()))?;
    Some(format!(
        "NoPermission: the role may not call {api} ({code}); allow it in the role's policy to check this item"
    ))
}

fn select_items(request: &ScanRequest) -> Result<Vec<&'static Check>, DomainError> {
    cspm_checks::select(request.items.as_deref(), request.pack.as_deref()).map_err(DomainError::invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cspm_assets::openapi::{ApiResponse, ingest};
    use cspm_domain::{AccountCommand, TenantId};

    fn inventory() -> Vec<Asset> {
        let responses: Vec<ApiResponse> =
            serde_json::from_str(include_str!("../../assets/samples/demo-inventory.json")).unwrap();
        ingest(&responses).unwrap()
    }

    fn account(authorized: bool, cspm: bool) -> Account {
        let now = Utc::now();
        let mut a = Account::new(TenantId::parse("cn", "1234567890123456").unwrap(), now);
        if authorized {
            a.apply(AccountCommand::Authorize { client_token: "t".into(), role_arn: None }, now).unwrap();
        }
        if cspm {
            a.apply(AccountCommand::Subscribe { quota: 100, months: 1, client_token: None }, now).unwrap();
        }
        a
    }

    fn run(account: &Account, remaining: Option<u64>, request: ScanRequest) -> Result<Plan, DomainError> {
        let inv = inventory();
        plan(PlanInput {
            task_id: "t-1",
            account,
            quota: QuotaView { remaining },
            inventory: &inv,
            action: CheckAction::Scan,
            request: &request,
            params: &BTreeMap::new(),
            denied: &BTreeMap::new(),
            batch: 2,
            now: Utc::now(),
        })
    }

    #[test]
    fn a_full_scan_covers_every_applicable_pair_and_forecasts_billable_units() {
        let p = run(&account(true, true), Some(100), ScanRequest::default()).unwrap();
        let inv = inventory();
        // Items whose data a runtime inventory does not report are not planned.
        let runs = |c: &cspm_checks::Check, a: &Asset| a.kind() == c.meta.resource_type && c.has_data(a);
        let expected: usize = cspm_checks::catalogue().iter().map(|c| inv.iter().filter(|a| runs(c, a)).count()).sum();
        assert_eq!(p.evaluations as usize, expected);
        // A unit per paid item on a billable asset it will actually check.
        let params = BTreeMap::new();
        let checked = |c: &cspm_checks::Check, a: &Asset| {
            let ctx = Context { now: Utc::now(), params: &params, specs: c.meta.params };
            c.evaluate(a, &ctx).is_checked()
        };
        let paid_checked: usize = cspm_checks::catalogue()
            .iter()
            .filter(|c| !c.meta.free)
            .map(|c| inv.iter().filter(|a| runs(c, a) && a.billable() && checked(c, a)).count())
            .sum();
        assert_eq!(
            p.units_needed as usize, paid_checked,
            "free items, unbilled assets and unchecked pairs cost nothing"
        );
        let paid_billable: usize = cspm_checks::catalogue()
            .iter()
            .filter(|c| !c.meta.free)
            .map(|c| inv.iter().filter(|a| runs(c, a) && a.billable()).count())
            .sum();
        assert!(paid_checked < paid_billable, "the sample holds pairs an item cannot check");
        assert!(p.jobs.iter().all(|j| j.instances.len() <= 2 && j.job_id.starts_with("t-1-")));
        assert_eq!(p.units_per_job.iter().sum::<u64>(), p.units_needed);
    }

    #[test]
    fn without_cspm_a_full_scan_runs_only_free_items() {
        let p = run(&account(true, false), Some(0), ScanRequest::default()).unwrap();
        assert_eq!(p.units_needed, 0);
        assert!(p.jobs.iter().all(|j| cspm_checks::find(&j.item_id).unwrap().meta.free));
        assert!(p.skipped.iter().all(|s| s.code == ErrorCode::NotEntitled) && !p.skipped.is_empty());
        let explicit = ScanRequest { items: Some(vec!["ecs-disk-encrypted".into()]), ..Default::default() };
        assert_eq!(run(&account(true, false), Some(0), explicit).unwrap_err().code, ErrorCode::NotEntitled);
    }

    #[test]
    fn refusals_carry_stable_codes() {
        assert_eq!(
            run(&account(false, true), Some(100), ScanRequest::default()).unwrap_err().code,
            ErrorCode::NotAuthorized
        );
        let e = run(&account(true, true), Some(0), ScanRequest::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::AuthorizationExhaust);
        assert!(e.message.contains("units, 0 remaining"), "{}", e.message);
        let bad = ScanRequest { items: Some(vec!["no-such-item".into()]), ..Default::default() };
        assert_eq!(run(&account(true, true), Some(100), bad).unwrap_err().code, ErrorCode::InvalidParameter);
        let bad = ScanRequest { instances: Some(vec!["i-nope".into()]), ..Default::default() };
        assert_eq!(run(&account(true, true), Some(100), bad).unwrap_err().code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn selected_items_and_instances_narrow_the_task() {
        let req = ScanRequest {
            items: Some(vec!["ecs-instance-no-public-ip".into()]),
            instances: Some(vec!["i-bp1web0000000000001".into(), "i-bp1old00000000000004".into()]),
            ..Default::default()
        };
        let p = run(&account(true, true), Some(100), req).unwrap();
        assert_eq!((p.jobs.len(), p.evaluations, p.units_needed), (1, 2, 1), "the stopped instance is not billed");
    }

    #[test]
    fn a_pack_scans_only_its_items() {
        let req = ScanRequest { pack: Some("security-group-best-practice".into()), ..Default::default() };
        let p = run(&account(true, true), Some(1000), req).unwrap();
        let pack = cspm_checks::find_pack("security-group-best-practice").unwrap();
        assert!(!p.jobs.is_empty());
        assert!(p.jobs.iter().all(|j| pack.rules.contains(&j.item_id.as_str())), "{:?}", p.jobs);
        let bad = ScanRequest { pack: Some("no-such-pack".into()), ..Default::default() };
        assert_eq!(run(&account(true, true), Some(100), bad).unwrap_err().code, ErrorCode::InvalidParameter);
    }

    /// A call the role was refused: items over the types it feeds run, uncharged,
    /// to say NOT_CHECK naming the call; items over other types are planned as usual.
    #[test]
    fn a_refused_call_is_named_by_the_items_it_feeds() {
        let inv = inventory();
        let denied = BTreeMap::from([("ram:ListAccessKeys".to_owned(), "Forbidden.RAM".to_owned())]);
        let account = account(true, true);
        let request = ScanRequest::default();
        let p = plan(PlanInput {
            task_id: "t-1",
            account: &account,
            quota: QuotaView { remaining: Some(10_000) },
            inventory: &inv,
            action: CheckAction::Scan,
            request: &request,
            params: &BTreeMap::new(),
            denied: &denied,
            batch: 2,
            now: Utc::now(),
        })
        .unwrap();
        let on_users: Vec<&JobMessage> =
            p.jobs.iter().filter(|j| j.instances[0].kind() == cspm_assets::AssetKind::RamUser).collect();
        assert!(!on_users.is_empty());
        for job in &on_users {
            let why = job.refused.as_deref().unwrap_or_default();
            assert!(why.contains("ram:ListAccessKeys") && why.contains("Forbidden.RAM"), "{why}");
        }
        let charged_on_users: u64 =
            p.jobs.iter().zip(&p.units_per_job).filter(|(j, _)| j.refused.is_some()).map(|(_, u)| *u).sum();
        assert_eq!(charged_on_users, 0, "refused items cost nothing");
        assert!(p.jobs.iter().any(|j| j.refused.is_none()), "other types are judged as usual");
    }
}
