//! Declared expectations on an asset's schema fields: most configuration
//! rules are "this property must be that", so they are written as data and
//! evaluated here, with one meaning of unknown and left-out values for all.

use crate::item::{Evaluation, Finding};
use cspm_assets::iac::scalar_text as text;
use cspm_assets::{Fields, Slot};
use serde_json::Value;

pub enum Expect {
    /// The field is `true`.
    True(&'static str),
    /// The field is `false` (or left out).
    False(&'static str),
    /// The field (text, any case) is one of these.
    OneOf(&'static str, &'static [&'static str]),
    /// The field is set and none of these (any case).
    NoneOf(&'static str, &'static [&'static str]),
    /// The field is a number of at least this.
    AtLeast(&'static str, f64),
    /// The field is a number of at most this.
    AtMost(&'static str, f64),
    /// The field is set and not empty.
    Present(&'static str),
    /// The field is left out (or empty).
    Absent(&'static str),
    /// No element of the field (a list or a comma-separated text) is one of these; left out passes.
    Excludes(&'static str, &'static [&'static str]),
    /// The field (or an element of it) contains one of these substrings, any case.
    ContainsAny(&'static str, &'static [&'static str]),
    /// No element of the field contains any of these substrings, any case; left out passes.
    ContainsNone(&'static str, &'static [&'static str]),
    /// The field is a list (or comma-separated text) of at least this many elements.
    LengthAtLeast(&'static str, usize),
    All(&'static [Expect]),
    Any(&'static [Expect]),
    /// When the field is one of the values, the expectation must hold; otherwise it passes.
    When(&'static str, &'static [&'static str], &'static Expect),
}

enum Outcome {
    Pass,
    Fail(Vec<Finding>),
    /// The field is known only after deployment.
    Unknown(&'static str),
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" | "enabled" | "enable" | "open" => Some(true),
            "false" | "no" | "off" | "0" | "disabled" | "disable" | "close" | "closed" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn elements(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        other => text(other)
            .map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default(),
    }
}

fn shown(v: &Value) -> String {
    text(v).unwrap_or_else(|| v.to_string())
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn fail(field: &str, value: impl Into<String>, expected: impl Into<String>) -> Outcome {
    Outcome::Fail(vec![Finding::new(field, value.into(), expected)])
}

impl Expect {
    /// Evaluates against an asset's fields. An asset whose source reported
    /// none of its schema's fields (a runtime inventory without them) is not
    /// checked rather than failed.
    pub fn evaluate(&self, fields: &Fields) -> Evaluation {
        if fields.is_empty() {
            return Evaluation::not_check("MissingData: the inventory does not report the properties this item reads");
        }
        if let Some(f) = self.fields().into_iter().find(|f| matches!(fields.get(*f), Some(Slot::Unreported))) {
            return Evaluation::missing(f);
        }
        match self.check(fields) {
            Outcome::Pass => Evaluation::pass(),
            Outcome::Fail(findings) => Evaluation::from_findings(findings),
            Outcome::Unknown(field) => {
                Evaluation::not_check(format!("Unknown: {field} is known only after deployment"))
            }
        }
    }

    /// The schema fields this expectation reads.
    pub fn fields(&self) -> Vec<&'static str> {
        match self {
            Expect::True(f)
            | Expect::False(f)
            | Expect::OneOf(f, _)
            | Expect::NoneOf(f, _)
            | Expect::AtLeast(f, _)
            | Expect::AtMost(f, _)
            | Expect::Present(f)
            | Expect::Absent(f)
            | Expect::ContainsNone(f, _)
            | Expect::Excludes(f, _)
            | Expect::ContainsAny(f, _)
            | Expect::LengthAtLeast(f, _) => vec![f],
            Expect::All(es) | Expect::Any(es) => es.iter().flat_map(Expect::fields).collect(),
            Expect::When(f, _, e) => std::iter::once(*f).chain(e.fields()).collect(),
        }
    }

    fn check(&self, fields: &Fields) -> Outcome {
        // `Unreported` is ruled out by `evaluate`; read as unknown if it ever gets here.
        let slot = |f: &str| fields.get(f).cloned().unwrap_or(Slot::Absent);
        match self {
            Expect::True(f) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => fail(f, "not set", "true"),
                Slot::Known(v) if boolean(&v) == Some(true) => Outcome::Pass,
                Slot::Known(v) => fail(f, shown(&v), "true"),
            },
            Expect::False(f) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => Outcome::Pass,
                Slot::Known(v) if boolean(&v) == Some(true) => fail(f, shown(&v), "false"),
                Slot::Known(_) => Outcome::Pass,
            },
            Expect::OneOf(f, allowed) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => fail(f, "not set", allowed.join(" or ")),
                Slot::Known(v) => match text(&v) {
                    Some(t) if allowed.iter().any(|a| a.eq_ignore_ascii_case(&t)) => Outcome::Pass,
                    _ => fail(f, shown(&v), allowed.join(" or ")),
                },
            },
            Expect::NoneOf(f, banned) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => fail(f, "not set", format!("set, and not {}", banned.join(" or "))),
                Slot::Known(v) => match text(&v) {
                    Some(t) if banned.iter().any(|b| b.eq_ignore_ascii_case(&t)) => {
                        fail(f, t, format!("not {}", banned.join(" or ")))
                    }
                    _ => Outcome::Pass,
                },
            },
            Expect::AtLeast(f, min) | Expect::AtMost(f, min) => {
                let at_least = matches!(self, Expect::AtLeast(..));
                let want = if at_least { format!(">= {min}") } else { format!("<= {min}") };
                match slot(f) {
                    Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                    Slot::Absent => fail(f, "not set", want),
                    Slot::Known(v) => match number(&v) {
                        Some(n) if (at_least && n >= *min) || (!at_least && n <= *min) => Outcome::Pass,
                        _ => fail(f, shown(&v), want),
                    },
                }
            }
            Expect::Present(f) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Known(v) if !is_empty(&v) => Outcome::Pass,
                _ => fail(f, "not set", "set"),
            },
            Expect::Absent(f) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Known(v) if !is_empty(&v) => fail(f, shown(&v), "not set"),
                _ => Outcome::Pass,
            },
            Expect::ContainsNone(f, parts) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => Outcome::Pass,
                Slot::Known(v) => {
                    let bad: Vec<Finding> = elements(&v)
                        .into_iter()
                        .filter(|e| parts.iter().any(|p| e.to_ascii_lowercase().contains(&p.to_ascii_lowercase())))
                        .map(|e| Finding::new(*f, e, format!("not containing {}", parts.join(" or "))))
                        .collect();
                    if bad.is_empty() { Outcome::Pass } else { Outcome::Fail(bad) }
                }
            },
            Expect::Excludes(f, banned) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => Outcome::Pass,
                Slot::Known(v) => {
                    let bad: Vec<Finding> = elements(&v)
                        .into_iter()
                        .filter(|e| banned.iter().any(|b| b.eq_ignore_ascii_case(e)))
                        .map(|e| Finding::new(*f, e, format!("none of {}", banned.join(", "))))
                        .collect();
                    if bad.is_empty() { Outcome::Pass } else { Outcome::Fail(bad) }
                }
            },
            Expect::ContainsAny(f, parts) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => fail(f, "not set", format!("containing {}", parts.join(" or "))),
                Slot::Known(v) => {
                    let hit = elements(&v)
                        .iter()
                        .any(|e| parts.iter().any(|p| e.to_ascii_lowercase().contains(&p.to_ascii_lowercase())));
                    if hit { Outcome::Pass } else { fail(f, shown(&v), format!("containing {}", parts.join(" or "))) }
                }
            },
            Expect::LengthAtLeast(f, n) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Absent => fail(f, "not set", format!("at least {n}")),
                Slot::Known(v) => {
                    let len = elements(&v).len();
                    if len >= *n {
                        Outcome::Pass
                    } else {
                        fail(
                            f,
                            format!("{len} {}", if len == 1 { "entry" } else { "entries" }),
                            format!("at least {n}"),
                        )
                    }
                }
            },
            Expect::All(es) => {
                let mut findings = Vec::new();
                let mut unknown = None;
                for e in *es {
                    match e.check(fields) {
                        Outcome::Pass => {}
                        Outcome::Fail(f) => findings.extend(f),
                        Outcome::Unknown(f) => unknown = unknown.or(Some(f)),
                    }
                }
                match (findings.is_empty(), unknown) {
                    (false, _) => Outcome::Fail(findings),
                    (true, Some(f)) => Outcome::Unknown(f),
                    (true, None) => Outcome::Pass,
                }
            }
            Expect::Any(es) => {
                let mut findings = Vec::new();
                let mut unknown = None;
                for e in *es {
                    match e.check(fields) {
                        Outcome::Pass => return Outcome::Pass,
                        Outcome::Fail(f) => findings.extend(f),
                        Outcome::Unknown(f) => unknown = unknown.or(Some(f)),
                    }
                }
                unknown.map_or(Outcome::Fail(findings), Outcome::Unknown)
            }
            Expect::When(f, values, then) => match slot(f) {
                Slot::Unknown | Slot::Unreported => Outcome::Unknown(f),
                Slot::Known(v) if text(&v).is_some_and(|t| values.iter().any(|x| x.eq_ignore_ascii_case(&t))) => {
                    then.check(fields)
                }
                _ => Outcome::Pass,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(pairs: &[(&str, Slot)]) -> Fields {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    fn status(e: &Expect, f: &Fields) -> crate::Status {
        e.evaluate(f).status
    }

    #[test]
    fn absent_unknown_and_known_values() {
        use crate::Status::*;
        let known = |v| Slot::Known(v);
        let f = fields(&[
            ("on", known(json!("Enabled"))),
            ("off", known(json!(false))),
            ("later", Slot::Unknown),
            ("none", Slot::Absent),
        ]);
        assert_eq!(status(&Expect::True("on"), &f), Pass);
        assert_eq!(status(&Expect::True("off"), &f), NotPass);
        assert_eq!(status(&Expect::True("none"), &f), NotPass);
        assert_eq!(status(&Expect::True("later"), &f), NotCheck);
        assert_eq!(status(&Expect::False("none"), &f), Pass);
        assert_eq!(status(&Expect::All(&[Expect::True("on"), Expect::True("later")]), &f), NotCheck);
        assert_eq!(
            status(&Expect::All(&[Expect::True("off"), Expect::True("later")]), &f),
            NotPass,
            "a known failure wins"
        );
        assert_eq!(status(&Expect::Any(&[Expect::True("off"), Expect::True("on")]), &f), Pass);
        assert_eq!(status(&Expect::When("on", &["enabled"], &Expect::True("off")), &f), NotPass);
        assert_eq!(status(&Expect::When("on", &["other"], &Expect::True("off")), &f), Pass);
        assert_eq!(status(&Expect::True("on"), &Fields::new()), NotCheck, "no schema data at all");
    }

    #[test]
    fn lists_numbers_and_sets() {
        use crate::Status::*;
        let f = fields(&[
            ("ips", Slot::Known(json!("10.0.0.1, 0.0.0.0/0"))),
            ("n", Slot::Known(json!("7"))),
            ("t", Slot::Known(json!("Standard"))),
        ]);
        let e = Expect::Excludes("ips", &["0.0.0.0/0"]);
        let r = e.evaluate(&f);
        assert_eq!((r.status, r.findings[0].value.as_str()), (NotPass, "0.0.0.0/0"));
        assert_eq!(status(&Expect::AtLeast("n", 7.0), &f), Pass);
        assert_eq!(status(&Expect::AtMost("n", 6.0), &f), NotPass);
        assert_eq!(status(&Expect::OneOf("t", &["standard"]), &f), Pass);
        assert_eq!(status(&Expect::NoneOf("t", &["STANDARD"]), &f), NotPass);
        assert_eq!(status(&Expect::ContainsNone("t", &["stand"]), &f), NotPass);
        assert_eq!(status(&Expect::ContainsNone("t", &["shared"]), &f), Pass);
        assert_eq!(status(&Expect::Absent("t"), &f), NotPass);
        assert_eq!(status(&Expect::Absent("missing"), &f), Pass);
        assert_eq!(
            Expect::All(&[Expect::True("a"), Expect::When("b", &["x"], &Expect::Present("c"))]).fields(),
            ["a", "b", "c"]
        );
    }
}
