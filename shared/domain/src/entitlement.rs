//! The one entitlement decision: (tenant state, operation) → allowed, and at
//! what quota cost, or a refusal with a stable code.
//!
//! The rules are DESIGN §2.2–2.4. Authorization gates everything that reads
//! cloud configuration (config checks, attack paths) but not baseline checks.
//! An edition that includes baselines also caps them, even when CSPM is bought.

use crate::account::Account;
use crate::edition::BaselineFamily;
use crate::error::{DomainError, ErrorCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Instances one request may cover; more is a malformed request.
pub const MAX_INSTANCES: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckAction {
    Scan,
    Verify,
    Fix,
}

/// Whether a check item is one of the free ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemPricing {
    Free,
    Paid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    ConfigCheck { action: CheckAction, item: ItemPricing },
    Baseline { family: BaselineFamily, action: CheckAction },
    AttackPath,
}

/// What an allowed operation costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Charge {
    /// Nothing.
    Free,
    /// One unit per (item, instance) evaluated.
    PerEvaluation,
    /// One unit per successful fix; a failed fix costs nothing.
    PerSuccessfulFix,
}

/// The quota side of the tenant's state, as the ledger reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaView {
    /// Units that may still be reserved; `None` means no limit (pay-as-you-go without cap).
    pub remaining: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Allowance {
    pub charge: Charge,
    /// The most units the request can consume.
    pub units_needed: u64,
    /// `None`: no limit.
    pub remaining: Option<u64>,
    /// Whether the remaining quota covers the whole request; a request that is
    /// only partly covered may start, and what is not reached ends `NOT_CHECK`.
    pub covered: bool,
}

/// Decides whether `account` may run `operation` on `instances` instances now.
pub fn decide(
    account: &Account,
    quota: QuotaView,
    operation: Operation,
    instances: u64,
    now: DateTime<Utc>,
) -> Result<Allowance, DomainError> {
    if instances == 0 || instances > MAX_INSTANCES {
        return Err(DomainError::invalid(format!("instances must be between 1 and {MAX_INSTANCES}, got {instances}")));
    }
    let charge = charge_of(account, operation, now)?;
    let units_needed = if charge == Charge::Free { 0 } else { instances };
    let covered = quota.remaining.is_none_or(|r| r >= units_needed);
    if charge != Charge::Free && quota.remaining == Some(0) {
        return Err(DomainError::new(
            ErrorCode::AuthorizationExhaust,
            format!(
                "the CSPM quota is used up: {units_needed} units needed, 0 remaining; {}",
                match account.cspm.method() {
                    "pay_as_you_go" => "raise or remove the pay-as-you-go cap",
                    _ => "upgrade the subscription to add quota",
                }
            ),
        ));
    }
    Ok(Allowance { charge, units_needed, remaining: quota.remaining, covered })
}

fn charge_of(account: &Account, operation: Operation, now: DateTime<Utc>) -> Result<Charge, DomainError> {
    let cspm = account.cspm.is_active(now);
    match operation {
        Operation::ConfigCheck { action, item } => {
            require_authorization(account)?;
            match (cspm, item, action) {
                (_, ItemPricing::Free, CheckAction::Scan | CheckAction::Verify) => Ok(Charge::Free),
                (true, _, CheckAction::Fix) => Ok(Charge::PerSuccessfulFix),
                (true, ItemPricing::Paid, _) => Ok(Charge::PerEvaluation),
                (false, _, CheckAction::Fix) => Err(not_entitled(account, now, "fixing a check item needs paid CSPM")),
                (false, ItemPricing::Paid, _) => Err(not_entitled(
                    account,
                    now,
                    "this check item is not free; only free items can be scanned and verified without paid CSPM",
                )),
            }
        }
        Operation::Baseline { family, action } => {
            let edition = account.edition_plan.effective_edition();
            match edition.included_baselines() {
                Some(included) if included.contains(&family) => Ok(Charge::Free),
                Some(included) => Err(DomainError::new(
                    ErrorCode::NotEntitled,
                    format!(
                        "edition {edition} includes only the {} baselines, and an edition caps the baseline check \
                         even when CSPM is bought; {family} needs a higher edition",
                        included.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )),
                None if cspm => {
                    Ok(if action == CheckAction::Fix { Charge::PerSuccessfulFix } else { Charge::PerEvaluation })
                }
                None => Err(not_entitled(
                    account,
                    now,
                    &format!("the {family} baseline needs the advanced, enterprise or ultimate edition, or CSPM"),
                )),
            }
        }
        Operation::AttackPath => {
            require_authorization(account)?;
            if cspm { Ok(Charge::Free) } else { Err(not_entitled(account, now, "attack path analysis needs CSPM")) }
        }
    }
}

fn require_authorization(account: &Account) -> Result<(), DomainError> {
    if account.is_authorized() {
        return Ok(());
    }
    Err(DomainError::new(
        ErrorCode::NotAuthorized,
        format!(
            "tenant {} has not authorized the service-linked role {}; authorize it before checking cloud configuration",
            account.tenant,
            crate::authorization::SERVICE_LINKED_ROLE
        ),
    ))
}

fn not_entitled(account: &Account, now: DateTime<Utc>, why: &str) -> DomainError {
    let state = match &account.cspm {
        crate::billing::CspmBilling::Subscription { expires_at, .. } if now >= *expires_at => {
            format!(" (the CSPM subscription expired at {})", crate::billing::display_time(*expires_at))
        }
        _ => String::new(),
    };
    DomainError::new(ErrorCode::NotEntitled, format!("{why}{state}"))
}

#[cfg(test)]
mod tests {
    //! Every row of the DESIGN §2.3 matrix, table-driven.
    use super::*;
    use crate::account::AccountCommand;
    use crate::edition::{BaselineFamily as F, Edition};
    use crate::tenant::TenantId;
    use CheckAction::*;
    use ItemPricing::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
    }

    #[derive(Clone, Copy, Debug)]
    enum Cspm {
        No,
        Sub,
        Payg,
        Expired,
    }

    fn account(authorized: bool, edition: Edition, cspm: Cspm) -> Account {
        let mut a = Account::new(TenantId::parse("cn", "1234567890123456").unwrap(), now());
        if authorized {
            a.apply(AccountCommand::Authorize { client_token: "t".into(), role_arn: None }, now()).unwrap();
        }
        a.apply(AccountCommand::SetEdition { edition }, now()).unwrap();
        match cspm {
            Cspm::No => {}
            Cspm::Sub => {
                a.apply(AccountCommand::Subscribe { quota: 3000, months: 12, client_token: None }, now()).unwrap();
            }
            Cspm::Payg => {
                a.apply(AccountCommand::EnablePayAsYouGo { cap: None }, now()).unwrap();
            }
            Cspm::Expired => {
                let past = now() - chrono::Duration::days(90);
                a.apply(AccountCommand::Subscribe { quota: 3000, months: 1, client_token: None }, past).unwrap();
            }
        }
        a
    }

    fn quota(cspm: Cspm) -> QuotaView {
        match cspm {
            Cspm::Payg => QuotaView { remaining: None },
            Cspm::Sub => QuotaView { remaining: Some(3000) },
            Cspm::No | Cspm::Expired => QuotaView { remaining: Some(0) },
        }
    }

    type Expect = Result<Charge, ErrorCode>;
    const FREE: Expect = Ok(Charge::Free);
    const PER_EVAL: Expect = Ok(Charge::PerEvaluation);
    const PER_FIX: Expect = Ok(Charge::PerSuccessfulFix);
    const NOT_AUTH: Expect = Err(ErrorCode::NotAuthorized);
    const NOT_ENT: Expect = Err(ErrorCode::NotEntitled);

    fn check(rows: &[(bool, Edition, Cspm, Operation, Expect)]) {
        for (i, &(authorized, edition, cspm, op, expect)) in rows.iter().enumerate() {
            let a = account(authorized, edition, cspm);
            let got = decide(&a, quota(cspm), op, 10, now()).map(|x| x.charge).map_err(|e| e.code);
            assert_eq!(got, expect, "row {i}: authorized={authorized} edition={edition} cspm={cspm:?} op={op:?}");
        }
    }

    fn config(action: CheckAction, item: ItemPricing) -> Operation {
        Operation::ConfigCheck { action, item }
    }

    fn baseline(family: F) -> Operation {
        Operation::Baseline { family, action: Scan }
    }

    #[test]
    fn config_check_rows() {
        use Edition::Basic;
        check(&[
            // Free items: scan and verify for every authorized tenant, no quota.
            (true, Basic, Cspm::No, config(Scan, Free), FREE),
            (true, Basic, Cspm::No, config(Verify, Free), FREE),
            (true, Basic, Cspm::Sub, config(Scan, Free), FREE),
            (true, Basic, Cspm::Payg, config(Verify, Free), FREE),
            // Not authorized: refused whatever was bought.
            (false, Basic, Cspm::No, config(Scan, Free), NOT_AUTH),
            (false, Basic, Cspm::Sub, config(Scan, Paid), NOT_AUTH),
            (false, Edition::Ultimate, Cspm::Payg, config(Fix, Free), NOT_AUTH),
            // Paid items and fixes need CSPM (either method).
            (true, Basic, Cspm::No, config(Scan, Paid), NOT_ENT),
            (true, Basic, Cspm::No, config(Verify, Paid), NOT_ENT),
            (true, Basic, Cspm::No, config(Fix, Free), NOT_ENT),
            (true, Edition::Ultimate, Cspm::No, config(Fix, Paid), NOT_ENT),
            (true, Basic, Cspm::Expired, config(Scan, Paid), NOT_ENT),
            (true, Basic, Cspm::Sub, config(Scan, Paid), PER_EVAL),
            (true, Basic, Cspm::Sub, config(Verify, Paid), PER_EVAL),
            (true, Basic, Cspm::Payg, config(Scan, Paid), PER_EVAL),
            // Fixes cost only on success, free items included.
            (true, Basic, Cspm::Sub, config(Fix, Paid), PER_FIX),
            (true, Basic, Cspm::Sub, config(Fix, Free), PER_FIX),
            (true, Basic, Cspm::Payg, config(Fix, Free), PER_FIX),
        ]);
    }

    #[test]
    fn baseline_rows() {
        use Edition::*;
        let mut rows = Vec::new();
        for cspm in [Cspm::No, Cspm::Sub] {
            // Advanced: default policy and weak password only, even with CSPM.
            for f in F::ALL {
                let ok = matches!(f, F::DefaultPolicy | F::WeakPassword);
                rows.push((true, Advanced, cspm, baseline(f), if ok { FREE } else { NOT_ENT }));
                // Enterprise: all except container security, even with CSPM.
                rows.push((
                    true,
                    Enterprise,
                    cspm,
                    baseline(f),
                    if f == F::ContainerSecurity { NOT_ENT } else { FREE },
                ));
                // Ultimate: all.
                rows.push((true, Ultimate, cspm, baseline(f), FREE));
            }
        }
        for f in F::ALL {
            for edition in [Basic, AntiVirus, ValueAddedPlan] {
                // No baseline edition, but CSPM: every baseline, metered.
                rows.push((true, edition, Cspm::Sub, baseline(f), PER_EVAL));
                rows.push((true, edition, Cspm::Payg, baseline(f), PER_EVAL));
                // Neither: refused.
                rows.push((true, edition, Cspm::No, baseline(f), NOT_ENT));
                rows.push((true, edition, Cspm::Expired, baseline(f), NOT_ENT));
            }
            // Baselines do not need the authorization.
            rows.push((false, Ultimate, Cspm::No, baseline(f), FREE));
            rows.push((false, Basic, Cspm::Sub, baseline(f), PER_EVAL));
        }
        rows.push((true, Basic, Cspm::Sub, Operation::Baseline { family: F::Cis, action: Fix }, PER_FIX));
        check(&rows);
    }

    #[test]
    fn the_edition_caps_baselines_even_with_cspm() {
        let a = account(true, Edition::Advanced, Cspm::Sub);
        let err = decide(&a, quota(Cspm::Sub), baseline(F::BestPractice), 1, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotEntitled);
        assert!(err.message.contains("caps the baseline check"), "{}", err.message);
    }

    #[test]
    fn pay_as_you_go_host_security_uses_the_bound_edition() {
        let mut a = account(true, Edition::Basic, Cspm::No);
        a.apply(AccountCommand::EnableHostSecurity { bound_edition: None }, now()).unwrap();
        let op = baseline(F::ContainerSecurity);
        assert_eq!(decide(&a, quota(Cspm::No), op, 1, now()).unwrap_err().code, ErrorCode::NotEntitled);
        a.apply(AccountCommand::EnableHostSecurity { bound_edition: Some(Edition::Ultimate) }, now()).unwrap();
        assert_eq!(decide(&a, quota(Cspm::No), op, 1, now()).unwrap().charge, Charge::Free);
    }

    #[test]
    fn attack_path_rows() {
        use Edition::*;
        check(&[
            (true, Basic, Cspm::Sub, Operation::AttackPath, FREE),
            (true, Basic, Cspm::Payg, Operation::AttackPath, FREE),
            (true, Ultimate, Cspm::No, Operation::AttackPath, NOT_ENT),
            (false, Basic, Cspm::Sub, Operation::AttackPath, NOT_AUTH),
        ]);
    }

    #[test]
    fn exhausted_quota_refuses_metered_work_with_the_numbers() {
        let a = account(true, Edition::Basic, Cspm::Sub);
        let empty = QuotaView { remaining: Some(0) };
        let err = decide(&a, empty, config(Scan, Paid), 7, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::AuthorizationExhaust);
        assert!(err.message.contains("7 units needed, 0 remaining"), "{}", err.message);
        // What costs nothing still runs.
        assert!(decide(&a, empty, config(Scan, Free), 7, now()).is_ok());
        assert!(decide(&a, empty, Operation::AttackPath, 1, now()).is_ok());
        assert_eq!(decide(&a, empty, config(Fix, Free), 1, now()).unwrap_err().code, ErrorCode::AuthorizationExhaust);
    }

    #[test]
    fn partial_cover_is_reported() {
        let a = account(true, Edition::Basic, Cspm::Sub);
        let got = decide(&a, QuotaView { remaining: Some(5) }, config(Scan, Paid), 8, now()).unwrap();
        assert_eq!((got.units_needed, got.remaining, got.covered), (8, Some(5), false));
        let got = decide(&a, QuotaView { remaining: Some(5) }, config(Scan, Free), 8, now()).unwrap();
        assert_eq!((got.units_needed, got.covered), (0, true));
    }

    #[test]
    fn instance_counts_are_validated() {
        let a = account(true, Edition::Basic, Cspm::Sub);
        for n in [0, MAX_INSTANCES + 1] {
            let err = decide(&a, quota(Cspm::Sub), config(Scan, Free), n, now()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParameter);
        }
    }
}
