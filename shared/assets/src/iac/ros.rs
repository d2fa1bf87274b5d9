//! ROS templates (YAML or JSON): `Resources` with their `Properties`;
//! `Ref` to a parameter takes its default, `Fn::Join`, `Fn::Sub`,
//! `Fn::Select`, `Fn::If` (with static conditions) are resolved when static;
//! `Ref` and `Fn::GetAtt` to resources are unknowns that remember the
//! resource they point to.

use super::{IacError, IacResource, SourceRef, reference, scalar_text as scalar_string, unknown};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;

/// Reads one ROS template file.
pub fn load_template(file: &Path) -> Result<Vec<IacResource>, IacError> {
    let text = std::fs::read_to_string(file).map_err(|e| IacError::Io(file.display().to_string(), e.to_string()))?;
    let parse_error = |problem: String| IacError::Parse { file: file.display().to_string(), problem };
    let doc: Value = if file.extension().is_some_and(|x| x == "json") {
        serde_json::from_str(&text).map_err(|e| parse_error(e.to_string()))?
    } else {
        serde_yaml_ng::from_str(&text).map_err(|e| parse_error(e.to_string()))?
    };
    if doc.get("ROSTemplateFormatVersion").is_none() {
        return Err(parse_error("not a ROS template (no ROSTemplateFormatVersion)".into()));
    }
    let resources = doc.get("Resources").and_then(Value::as_object).cloned().unwrap_or_default();
    let template = Template {
        params: doc
            .get("Parameters")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .map(|(k, v)| (k.clone(), v.get("Default").cloned().unwrap_or_else(|| unknown(format!("Ref {k}")))))
                    .collect()
            })
            .unwrap_or_default(),
        resources: resources.keys().cloned().collect(),
        conditions: doc.get("Conditions").and_then(Value::as_object).cloned().unwrap_or_default(),
        resolved: Default::default(),
        open: Default::default(),
    };
    let lines = resource_lines(&text);
    let parameters = doc.get("Parameters").and_then(Value::as_object).cloned().unwrap_or_default();
    // Parameters as `ROS::Parameter` pseudo-resources: whether each hides its
    // value (`NoEcho`, `AssociationProperty`) and has a default. The default
    // itself is not kept (it may be a secret written into the template).
    let parameters = parameters.into_iter().map(|(name, p)| IacResource {
        resource_type: "ROS::Parameter".into(),
        source: SourceRef { file: file.to_path_buf(), line: None, address: format!("Parameters.{name}") },
        properties: serde_json::json!({
            "Name": name,
            "NoEcho": p.get("NoEcho").cloned().unwrap_or(Value::Null),
            "AssociationProperty": p.get("AssociationProperty").cloned().unwrap_or(Value::Null),
            "HasDefault": p.get("Default").is_some(),
        }),
    });
    // Resources first, then the parameters.
    Ok(resources
        .iter()
        .map(|(id, r)| {
            let line = lines.get(id.as_str()).map(|(_, line)| *line);
            IacResource {
                resource_type: r.get("Type").and_then(Value::as_str).unwrap_or_default().to_owned(),
                source: SourceRef { file: file.to_path_buf(), line, address: id.clone() },
                properties: template.resolve(r.get("Properties").unwrap_or(&Value::Object(Map::new()))),
            }
        })
        .chain(parameters)
        .collect())
}

/// For every indented `Key:` (or `"Key":`) after `Resources`, its shallowest
/// line: resource ids sit at the shallowest level. One pass over the text.
fn resource_lines(text: &str) -> HashMap<&str, (usize, usize)> {
    let mut lines = HashMap::new();
    let mut in_resources = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with("Resources:") || t.starts_with("\"Resources\"") {
            in_resources = true;
            continue;
        }
        let indent = l.len() - l.trim_start().len();
        if !in_resources || indent == 0 {
            continue;
        }
        let key = t
            .strip_suffix(':')
            .filter(|k| !k.contains(' '))
            .or_else(|| t.strip_prefix('"').and_then(|k| k.split('"').next()));
        if let Some(key) = key {
            let entry = lines.entry(key).or_insert((indent, i + 1));
            if indent < entry.0 {
                *entry = (indent, i + 1);
            }
        }
    }
    lines
}

struct Template {
    params: Map<String, Value>,
    resources: Vec<String>,
    conditions: Map<String, Value>,
    /// Each condition's value once resolved; `None` while it is being
    /// resolved, so one that names itself (through `Fn::If`) is unknown.
    resolved: RefCell<HashMap<String, Option<bool>>>,
    /// How many conditions are being resolved one inside the other.
    open: Cell<usize>,
}

/// How many conditions may be resolved one inside the other (a condition's
/// `Fn::If` naming another). Real templates nest a few; past this the answer
/// is unknown, so a chain thousands long cannot overflow the stack.
const MAX_CONDITION_NESTING: usize = 32;

impl Template {
    fn resolve(&self, v: &Value) -> Value {
        match v {
            // A one-key object may be an intrinsic function (`{"Ref": …}`, `{"Fn::Join": …}`).
            Value::Object(m) if m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) => {
                match m.iter().next() {
                    Some((k, arg)) if k == "Ref" => self.reference(arg),
                    Some((k, arg)) => self.function(k, arg),
                    None => Value::Object(Map::new()),
                }
            }
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), self.resolve(v))).collect()),
            Value::Array(items) => Value::Array(items.iter().map(|i| self.resolve(i)).collect()),
            other => other.clone(),
        }
    }

    fn reference(&self, arg: &Value) -> Value {
        let Some(name) = arg.as_str() else { return unknown("Ref") };
        if let Some(v) = self.params.get(name) {
            return v.clone();
        }
        if self.resources.iter().any(|r| r == name) {
            return reference(name, format!("Ref {name}"));
        }
        unknown(format!("Ref {name}"))
    }

    fn function(&self, name: &str, arg: &Value) -> Value {
        let args = self.resolve(arg);
        let known = |v: &Value| !super::is_unknown(v);
        match (name, &args) {
            ("Fn::GetAtt", Value::Array(a)) if !a.is_empty() => {
                let res = a[0].as_str().unwrap_or_default();
                reference(res, format!("Fn::GetAtt {res}"))
            }
            ("Fn::Join", Value::Array(a)) if a.len() == 2 => match (&a[0], &a[1]) {
                (Value::String(sep), Value::Array(parts)) if parts.iter().all(known) => {
                    let strs: Option<Vec<String>> = parts.iter().map(scalar_string).collect();
                    strs.map_or_else(|| unknown("Fn::Join"), |s| Value::String(s.join(sep)))
                }
                _ => unknown("Fn::Join"),
            },
            ("Fn::Select", Value::Array(a)) if a.len() == 2 => {
                match (scalar_string(&a[0]).and_then(|i| i.parse::<usize>().ok()), &a[1]) {
                    (Some(i), Value::Array(items)) => items.get(i).cloned().unwrap_or_else(|| unknown("Fn::Select")),
                    _ => unknown("Fn::Select"),
                }
            }
            ("Fn::Sub", Value::String(s)) => self.substitute(s),
            ("Fn::If", Value::Array(a)) if a.len() == 3 => match self.condition(a[0].as_str().unwrap_or_default()) {
                Some(true) => a[1].clone(),
                Some(false) => a[2].clone(),
                None => unknown("Fn::If"),
            },
            ("Fn::Equals", Value::Array(a)) if a.len() == 2 && a.iter().all(known) => Value::Bool(a[0] == a[1]),
            ("Fn::Not", Value::Array(a)) if a.len() == 1 => {
                a[0].as_bool().map_or_else(|| unknown("Fn::Not"), |b| Value::Bool(!b))
            }
            _ => unknown(name),
        }
    }

    /// A condition's value, resolved once (a condition named twice on each
    /// level of a chain would otherwise be resolved exponentially often).
    fn condition(&self, name: &str) -> Option<bool> {
        if let Some(known) = self.resolved.borrow().get(name) {
            return *known;
        }
        let condition = self.conditions.get(name)?;
        if self.open.get() >= MAX_CONDITION_NESTING {
            return None;
        }
        self.resolved.borrow_mut().insert(name.to_owned(), None);
        self.open.set(self.open.get() + 1);
        let value = self.resolve(condition).as_bool();
        self.open.set(self.open.get() - 1);
        self.resolved.borrow_mut().insert(name.to_owned(), value);
        value
    }

    fn substitute(&self, s: &str) -> Value {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else { return unknown("Fn::Sub") };
            let name = &rest[start + 2..start + end];
            match self.params.get(name).and_then(scalar_string) {
                Some(v) => out.push_str(&v),
                None => return unknown(format!("Fn::Sub ${{{name}}}")),
            }
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }
}
