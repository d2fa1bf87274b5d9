//! Template inputs (ROS parameters, Terraform variables) that carry secrets:
//! they must be hidden from display, and must not hold a default (a default
//! writes the secret into the template, and into its repository).

use crate::item::*;
use cspm_assets::{Asset, AssetKind, Slot};
use serde_json::Value;

/// Name parts that mark an input as a secret (compared without case, `_` or `-`).
const SECRET_WORDS: &[&str] = &["password", "passwd", "secret", "token", "privatekey", "credential", "apikey"];

fn field<'a>(a: &'a Asset, name: &str) -> Option<&'a Value> {
    match a.fields.get(name) {
        Some(Slot::Known(v)) => Some(v),
        _ => None,
    }
}

/// The input's name when it looks like a secret's.
fn secret_name(a: &Asset) -> Option<String> {
    let name = field(a, "name")?.as_str()?;
    let squashed = name.to_ascii_lowercase().replace(['_', '-'], "");
    SECRET_WORDS.iter().any(|w| squashed.contains(w)).then(|| name.to_owned())
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

const PARAMETER_ITEM: CheckMeta = CheckMeta {
    id: "",
    name: "",
    vendor: "ALIYUN",
    product: "Template",
    resource_type: AssetKind::Other("ACS::Template::Parameter"),
    category: Category::DataSecurity,
    risk: Risk::High,
    free: true,
    fix: FixSupport::None,
    params: &[],
    standards: &[],
    description: "",
    solution: "",
};

static HIDDEN: Check = Check {
    meta: CheckMeta {
        id: "parameter-sensitive-noecho-check",
        name: "Template inputs holding secrets are hidden from display",
        description: "A password or key parameter shown in plain text ends up in the console, stack events, plan output and CI logs for anyone who can read them.",
        solution: "Set NoEcho: true on the ROS parameter (or an AssociationProperty for secrets), or sensitive = true on the Terraform variable.",
        ..PARAMETER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(name) = secret_name(a) else {
            return Evaluation::not_check("NotApplicable: the input's name does not mark a secret");
        };
        let association = field(a, "association").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
        if truthy(field(a, "hidden")) || association.contains("secret") || association.contains("password") {
            return Evaluation::pass();
        }
        Evaluation::from_findings(vec![Finding::new(name, "shown in plain text", "NoEcho: true / sensitive = true")])
    }),
};

static NO_DEFAULT: Check = Check {
    meta: CheckMeta {
        id: "template-secret-parameter-no-default",
        name: "Template inputs holding secrets have no default value",
        description: "A default on a password or key input writes the secret into the template itself, and into every copy and repository of it.",
        solution: "Remove the default and pass the value at deployment, from a secret store (KMS Secrets Manager, OOS secret parameters, or a CI secret).",
        ..PARAMETER_ITEM
    },
    eval: Eval::Code(|a, _| {
        let Some(name) = secret_name(a) else {
            return Evaluation::not_check("NotApplicable: the input's name does not mark a secret");
        };
        if truthy(field(a, "has_default")) {
            // The value itself is never read: only that one is written.
            return Evaluation::from_findings(vec![Finding::new(name, "has a default value", "no default")]);
        }
        Evaluation::pass()
    }),
};

pub(crate) static CHECKS: &[&Check] = &[&HIDDEN, &NO_DEFAULT];
