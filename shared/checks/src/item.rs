//! What a check item is: metadata, parameters, and the evaluation result.

use chrono::{DateTime, Utc};
use cspm_assets::{Asset, AssetKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    IdentityAuthenticationAndPermissions,
    NetworkAccessControl,
    LogAudit,
    DataSecurity,
    MonitoringAndAlerting,
    BasicProtection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FixSupport {
    FixAndRollback,
    FixOnly,
    None,
}

/// A tunable integer parameter with its range and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ParamSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub min: i64,
    pub max: i64,
    pub default: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckMeta {
    /// Stable id in Alibaba Cloud Config style.
    pub id: &'static str,
    pub name: &'static str,
    pub vendor: &'static str,
    pub product: &'static str,
    pub resource_type: AssetKind,
    pub category: Category,
    pub risk: Risk,
    /// Free items may be scanned and verified without paid CSPM.
    pub free: bool,
    pub fix: FixSupport,
    pub params: &'static [ParamSpec],
    /// Standards it maps to, e.g. `CIS Alibaba Cloud Foundations v2.0 1.9`.
    pub standards: &'static [&'static str],
    pub description: &'static str,
    pub solution: &'static str,
}

/// An item: metadata plus how it evaluates an asset.
pub struct Check {
    pub meta: CheckMeta,
    pub eval: Eval,
}

/// How an item evaluates: code, or a declared expectation on the asset's
/// schema fields (most configuration rules are one property and a predicate).
pub enum Eval {
    Code(fn(&Asset, &Context) -> Evaluation),
    Expect(crate::expect::Expect),
}

impl Check {
    /// The item with the benchmark recommendations it implements.
    pub const fn citing(mut self, standards: &'static [&'static str]) -> Self {
        self.meta.standards = standards;
        self
    }

    /// Evaluates `asset`, which must be of the item's resource type.
    pub fn evaluate(&self, asset: &Asset, ctx: &Context) -> Evaluation {
        if asset.kind() != self.meta.resource_type {
            return Evaluation::error(format!("{} does not apply to {}", self.meta.id, asset.kind()));
        }
        match &self.eval {
            Eval::Code(f) => f(asset, ctx),
            Eval::Expect(e) => e.evaluate(&asset.fields),
        }
    }

    /// Whether `asset` carries data this item can evaluate: always for coded
    /// items, and for declared ones when the inventory reports at least one
    /// field they read (a runtime inventory reports only what was imported).
    pub fn has_data(&self, asset: &Asset) -> bool {
        match &self.eval {
            Eval::Code(_) => true,
            Eval::Expect(e) => e
                .fields()
                .iter()
                .any(|f| asset.fields.get(*f).is_some_and(|s| !matches!(s, cspm_assets::Slot::Unreported))),
        }
    }

    /// Checks user-given parameter values against the item's specs.
    pub fn validate_params(&self, values: &BTreeMap<String, i64>) -> Result<(), String> {
        for (name, value) in values {
            let spec = self
                .meta
                .params
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| format!("{} has no parameter {name:?}", self.meta.id))?;
            if *value < spec.min || *value > spec.max {
                return Err(format!("{}.{name} must be between {} and {}", self.meta.id, spec.min, spec.max));
            }
        }
        Ok(())
    }
}

/// What an evaluation may read besides the asset.
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    /// Parameter values set by the tenant; unset ones take the default.
    pub params: &'a BTreeMap<String, i64>,
    pub specs: &'static [ParamSpec],
}

impl Context<'_> {
    /// The value of parameter `name` (the tenant's, else the default).
    pub fn param(&self, name: &str) -> i64 {
        self.params
            .get(name)
            .copied()
            .or_else(|| self.specs.iter().find(|p| p.name == name).map(|p| p.default))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pass,
    NotPass,
    NotCheck,
    Whitelist,
    Error,
}

/// An offending value: where, what it is, what it should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub field: String,
    pub value: String,
    pub expected: String,
}

impl Finding {
    pub fn new(field: impl Into<String>, value: impl ToString, expected: impl Into<String>) -> Self {
        Self { field: field.into(), value: value.to_string(), expected: expected.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// Why the item was not checked or errored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A field's value when it is known (not left out, unknown or unreported).
pub(crate) fn known_field<'a>(asset: &'a Asset, name: &str) -> Option<&'a serde_json::Value> {
    match asset.fields.get(name) {
        Some(cspm_assets::Slot::Known(v)) => Some(v),
        _ => None,
    }
}

/// A known field, `None` when left out, or the evaluation saying why it
/// cannot be read: known only after deployment, or not reported.
pub(crate) fn readable_field<'a>(asset: &'a Asset, name: &str) -> Result<Option<&'a serde_json::Value>, Evaluation> {
    match asset.fields.get(name) {
        Some(cspm_assets::Slot::Known(v)) => Ok(Some(v)),
        Some(cspm_assets::Slot::Unknown) => {
            Err(Evaluation::not_check(format!("Unknown: {name} is known only after deployment")))
        }
        Some(cspm_assets::Slot::Unreported) => Err(Evaluation::missing(name)),
        _ => Ok(None),
    }
}

impl Evaluation {
    pub fn pass() -> Self {
        Self { status: Status::Pass, findings: Vec::new(), reason: None }
    }

    /// `NOT_PASS` when there are findings, `PASS` otherwise.
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        if findings.is_empty() { Self::pass() } else { Self { status: Status::NotPass, findings, reason: None } }
    }

    pub fn not_check(reason: impl Into<String>) -> Self {
        Self { status: Status::NotCheck, findings: Vec::new(), reason: Some(reason.into()) }
    }

    pub fn error(reason: impl Into<String>) -> Self {
        Self { status: Status::Error, findings: Vec::new(), reason: Some(reason.into()) }
    }

    /// The source did not report a value the item needs: not checked, never guessed.
    pub fn missing(field: &str) -> Self {
        Self::not_check(format!("MissingData: the inventory does not report {field}"))
    }

    /// Whether this counts as a successful check (and so costs a quota unit).
    pub fn is_checked(&self) -> bool {
        matches!(self.status, Status::Pass | Status::NotPass)
    }
}

/// Metadata with the defaults most items share (Alibaba Cloud, paid, no
/// automatic fix, no parameters, no standard); items fill in the rest with
/// `CheckMeta { id, name, .., ..base_meta(…) }`.
pub const fn base_meta(product: &'static str, resource_type: AssetKind, category: Category, risk: Risk) -> CheckMeta {
    CheckMeta {
        id: "",
        name: "",
        vendor: "ALIYUN",
        product,
        resource_type,
        category,
        risk,
        free: false,
        fix: FixSupport::None,
        params: &[],
        standards: &[],
        description: "",
        solution: "",
    }
}

/// A declared item: the metadata and the expectation over the schema fields
/// of `kind` (a resource type with a schema in `cspm_assets::schema`).
/// Declared items have no tunable parameters and no automatic fix yet.
#[allow(clippy::too_many_arguments)]
pub const fn declare(
    id: &'static str,
    name: &'static str,
    product: &'static str,
    kind: &'static str,
    category: Category,
    risk: Risk,
    expect: crate::expect::Expect,
    description: &'static str,
    solution: &'static str,
) -> Check {
    Check {
        meta: CheckMeta { id, name, description, solution, ..base_meta(product, kind_named(kind), category, risk) },
        eval: Eval::Expect(expect),
    }
}

/// The typed kind when `name` is one of the hand-modelled types, else a schema kind.
const fn kind_named(name: &'static str) -> AssetKind {
    let typed = AssetKind::TYPED;
    let mut i = 0;
    while i < typed.len() {
        if const_eq(typed[i].as_str_const(), name) {
            return typed[i];
        }
        i += 1;
    }
    AssetKind::Other(name)
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
