//! Template inputs (ROS parameters, Terraform variables) that carry secrets:
//! they must be hidden from display, and must not hold a default (a default
//! writes the secret into the template, and into its repository).

use crate::item::*;
use cspm_assets::{Asset, AssetKind};
use serde_json::Value;

/// Words that mark an input as holding a secret when its name ends with one
/// (`DbPassword`, `dbpassword`, `api_key`, `AccessKeySecret`).
const SECRET_ENDINGS: &[&str] =
    &["password", "passwd", "pwd", "secret", "token", "credential", "credentials", "apikey", "privatekey", "secretkey"];

/// The words of a name: split at `_`, `-`, `.`, spaces and case changes (an
/// acronym is one word: `DBPassword` is `db`, `password`); numbers dropped.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            out.push(String::new());
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if starts_word {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push(c.to_ascii_lowercase());
        }
    }
    out.into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The input's name when it looks like a secret's: the last word (or the last
/// two run together) ends with a secret word. `password_length` and
/// `SecretName` are not secrets.
fn secret_name(a: &Asset) -> Option<String> {
    let name = known_field(a, "name")?.as_str()?;
    let w = words(name);
    let last = w.last()?.clone();
    let last_two = w.len().checked_sub(2).map(|i| format!("{}{}", w[i], last)).unwrap_or_default();
    let secret = SECRET_ENDINGS.iter().any(|s| last.ends_with(s) || last_two.ends_with(s));
    secret.then(|| name.to_owned())
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

const PARAMETER_ITEM: CheckMeta = CheckMeta {
    free: true,
    ..base_meta("Template", AssetKind::Other("ACS::Template::Parameter"), Category::DataSecurity, Risk::High)
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
        let association =
            known_field(a, "association").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
        if truthy(known_field(a, "hidden")) || association.contains("secret") || association.contains("password") {
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
        if truthy(known_field(a, "has_default")) {
            // The value itself is never read: only that one is written.
            return Evaluation::from_findings(vec![Finding::new(name, "has a default value", "no default")]);
        }
        Evaluation::pass()
    }),
};

pub(crate) static CHECKS: &[&Check] = &[&HIDDEN, &NO_DEFAULT];

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("DbPassword"), ["db", "password"]);
        assert_eq!(words("db_password_length"), ["db", "password", "length"]);
        assert_eq!(words("AccessKeySecret"), ["access", "key", "secret"]);
        assert_eq!(words("api-key"), ["api", "key"]);
        assert_eq!(words("DBPassword"), ["db", "password"]);
        assert_eq!(words("MySQLPassword2"), ["my", "sql", "password"]);
    }

    #[test]
    fn only_inputs_named_for_a_secret_are_judged() {
        let judged = |name: &str| {
            let mut a = cspm_assets::Asset {
                id: name.into(),
                name: None,
                region: None,
                spec: cspm_assets::AssetSpec::Resource("ACS::Template::Parameter".into()),
                source: None,
                fields: Default::default(),
            };
            a.fields.insert("name".into(), cspm_assets::Slot::Known(serde_json::json!(name)));
            super::secret_name(&a).is_some()
        };
        for secret in [
            "DbPassword",
            "DBPassword",
            "MySQLPassword",
            "Password2",
            "APIKey",
            "apikey",
            "admin_pwd",
            "api_key",
            "AccessKeySecret",
            "github_token",
            "PrivateKey",
        ] {
            assert!(judged(secret), "{secret}");
        }
        for plain in ["password_length", "SecretName", "token_ttl", "credential_type", "InstanceType", "KeyPairName"] {
            assert!(!judged(plain), "{plain}");
        }
    }
}
