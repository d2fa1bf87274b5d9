//! Terraform: HCL modules (a directory of `.tf` files) and the JSON of
//! `terraform show -json` (plan or state).
//!
//! In HCL, variables take their defaults, locals are evaluated, and `count`
//! and `for_each` are expanded when they are static. Everything that needs a
//! deployment to be known — other resources' attributes, data sources,
//! functions we do not evaluate — stays unknown and is never guessed.

use super::{IacError, IacResource, SourceRef, reference, unknown};
use hcl::expr::{BinaryOperator, Expression, ObjectKey, Operation, TraversalOperator, UnaryOperator};
use hcl::template::{Element, Template};
use serde_json::{Map, Number, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reads every `.tf` file of `dir` as one module.
pub fn load_module(dir: &Path) -> Result<Vec<IacResource>, IacError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| IacError::Io(dir.display().to_string(), e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    let mut parsed = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| IacError::Io(f.display().to_string(), e.to_string()))?;
        let body: hcl::Body =
            hcl::parse(&text).map_err(|e| IacError::Parse { file: f.display().to_string(), problem: e.to_string() })?;
        parsed.push((f, text, body));
    }
    Ok(Module::new(&parsed)?.resources(&parsed))
}

/// Variables and locals of one module.
struct Module {
    vars: Map<String, Value>,
    locals: Map<String, Value>,
}

impl Module {
    fn new(files: &[(PathBuf, String, hcl::Body)]) -> Result<Self, IacError> {
        let mut m = Module { vars: Map::new(), locals: Map::new() };
        for (_, _, body) in files {
            for b in body.blocks().filter(|b| b.identifier() == "variable") {
                let Some(name) = b.labels().first().map(|l| l.as_str().to_owned()) else { continue };
                let default = b.body().attributes().find(|a| a.key() == "default").map(|a| a.expr().clone());
                let value = match default {
                    Some(expr) => m.eval(&expr, &Scope::default()),
                    None => unknown(format!("var.{name}")),
                };
                m.vars.insert(name, value);
            }
        }
        // Locals may refer to each other: evaluate until nothing changes.
        let locals: Vec<(&Path, String, Expression)> = files
            .iter()
            .flat_map(|(file, _, body)| {
                body.blocks().filter(|b| b.identifier() == "locals").flat_map(move |b| {
                    b.body().attributes().map(move |a| (file.as_path(), a.key().to_owned(), a.expr().clone()))
                })
            })
            .collect();
        for _ in 0..=locals.len() {
            let before = m.locals.clone();
            for (file, k, e) in &locals {
                let v = m.eval(e, &Scope::default());
                // Each local is at most MAX_VALUE_DEPTH deep, so one evaluation
                // (of text itself at most 64 deep) cannot build a value deep
                // enough to overflow the stack when compared, cloned or dropped.
                if super::nests_deeper_than(&v, super::MAX_VALUE_DEPTH) {
                    return Err(IacError::Parse {
                        file: file.display().to_string(),
                        problem: format!("local.{k} nests deeper than {} levels", super::MAX_VALUE_DEPTH),
                    });
                }
                m.locals.insert(k.clone(), v);
            }
            if before == m.locals {
                break;
            }
        }
        Ok(m)
    }

    fn resources(&self, files: &[(PathBuf, String, hcl::Body)]) -> Vec<IacResource> {
        let mut out = Vec::new();
        for (file, text, body) in files {
            let lines = declaration_lines(text);
            for b in body.blocks().filter(|b| b.identifier() == "resource") {
                let [ty, name] = b.labels() else { continue };
                let (ty, name) = (ty.as_str(), name.as_str());
                let line = lines.get(&(ty, name)).copied();
                for (suffix, scope) in self.instances(b.body()) {
                    out.push(IacResource {
                        resource_type: ty.to_owned(),
                        source: SourceRef { file: file.clone(), line, address: format!("{ty}.{name}{suffix}") },
                        properties: self.body(b.body(), &scope),
                    });
                }
            }
        }
        // Then the module's inputs.
        out.extend(files.iter().flat_map(|(file, text, body)| variables(file, text, body)));
        out
    }

    /// One scope per instance: `count` and `for_each` expanded when static.
    fn instances(&self, body: &hcl::Body) -> Vec<(String, Scope)> {
        let attr = |k: &str| body.attributes().find(|a| a.key() == k).map(|a| self.eval(a.expr(), &Scope::default()));
        if let Some(count) = attr("count") {
            return match count.as_u64() {
                Some(n) => {
                    (0..n).map(|i| (format!("[{i}]"), Scope { count_index: Some(i), ..Scope::default() })).collect()
                }
                // Unknown count: one representative instance whose index is unknown.
                None => vec![("[?]".to_owned(), Scope::default())],
            };
        }
        if let Some(each) = attr("for_each") {
            let pairs: Vec<(String, Value)> = match each {
                Value::Object(m) => m.into_iter().collect(),
                Value::Array(items) => {
                    items.into_iter().filter_map(|v| v.as_str().map(|s| (s.to_owned(), v.clone()))).collect()
                }
                _ => return vec![("[?]".to_owned(), Scope::default())],
            };
            return pairs
                .into_iter()
                .map(|(k, v)| (format!("[\"{k}\"]"), Scope { each: Some((Value::String(k), v)), ..Scope::default() }))
                .collect();
        }
        vec![(String::new(), Scope::default())]
    }

    /// A block body as an object: attributes, and nested blocks by name
    /// (one block → an object, several → an array).
    fn body(&self, body: &hcl::Body, scope: &Scope) -> Value {
        let mut obj = Map::new();
        for a in body.attributes() {
            if matches!(a.key(), "count" | "for_each" | "depends_on" | "provider" | "lifecycle") {
                continue;
            }
            obj.insert(a.key().to_owned(), self.eval(a.expr(), scope));
        }
        let mut blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for b in body.blocks() {
            if b.identifier() == "lifecycle" {
                continue;
            }
            if b.identifier() == "dynamic" {
                // Dynamic blocks depend on their for_each: the block's content is unknown.
                if let Some(label) = b.labels().first() {
                    blocks
                        .entry(label.as_str().to_owned())
                        .or_default()
                        .push(unknown(format!("dynamic \"{}\"", label.as_str())));
                }
                continue;
            }
            blocks.entry(b.identifier().to_owned()).or_default().push(self.body(b.body(), scope));
        }
        for (k, mut vs) in blocks {
            let v = if vs.len() == 1 { vs.remove(0) } else { Value::Array(vs) };
            obj.insert(k, v);
        }
        Value::Object(obj)
    }

    fn eval(&self, e: &Expression, scope: &Scope) -> Value {
        match e {
            Expression::Null => Value::Null,
            Expression::Bool(b) => Value::Bool(*b),
            Expression::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
            Expression::String(s) => Value::String(s.clone()),
            Expression::Array(items) => Value::Array(items.iter().map(|i| self.eval(i, scope)).collect()),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.as_str().to_owned(),
                        ObjectKey::Expression(e) => match self.eval(e, scope) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        },
                        _ => continue,
                    };
                    m.insert(key, self.eval(v, scope));
                }
                Value::Object(m)
            }
            Expression::TemplateExpr(t) => self.template(t, scope),
            Expression::Variable(v) => unknown(v.as_str()),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, scope),
            Expression::Parenthesis(inner) => self.eval(inner, scope),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, scope) {
                Value::Bool(true) => self.eval(&c.true_expr, scope),
                Value::Bool(false) => self.eval(&c.false_expr, scope),
                _ => unknown("conditional"),
            },
            Expression::Operation(op) => self.operation(op, scope),
            Expression::FuncCall(f) => self.function(f.name.to_string().as_str(), &f.args, scope),
            _ => unknown("expression"),
        }
    }

    fn template(&self, t: &hcl::expr::TemplateExpr, scope: &Scope) -> Value {
        let Ok(template) = Template::from_expr(t) else { return unknown("template") };
        let mut out = String::new();
        for el in template.elements() {
            match el {
                Element::Literal(s) => out.push_str(s),
                Element::Interpolation(i) => match self.eval(&i.expr, scope) {
                    Value::String(s) => out.push_str(&s),
                    Value::Number(n) => out.push_str(&n.to_string()),
                    Value::Bool(b) => out.push_str(&b.to_string()),
                    _ => return unknown(format!("\"{t}\"")),
                },
                Element::Directive(_) => return unknown("template directive"),
            }
        }
        Value::String(out)
    }

    fn traversal(&self, root: &Expression, ops: &[TraversalOperator], scope: &Scope) -> Value {
        let attrs: Vec<&str> = ops
            .iter()
            .map_while(|o| match o {
                TraversalOperator::GetAttr(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let Expression::Variable(root_var) = root else { return unknown("traversal") };
        let root_name = root_var.as_str();
        let text = std::iter::once(root_name).chain(attrs.iter().copied()).collect::<Vec<_>>().join(".");
        let (base, rest): (Option<&Value>, &[TraversalOperator]) = match (root_name, attrs.first()) {
            ("var", Some(name)) => (self.vars.get(*name), &ops[1..]),
            ("local", Some(name)) => (self.locals.get(*name), &ops[1..]),
            ("count", Some(&"index")) => {
                return scope.count_index.map_or_else(|| unknown("count.index"), |i| Value::Number(Number::from(i)));
            }
            ("each", Some(&"key")) => {
                return scope.each.as_ref().map_or_else(|| unknown("each.key"), |(k, _)| k.clone());
            }
            ("each", Some(&"value")) => (scope.each.as_ref().map(|(_, v)| v), &ops[1..]),
            ("data" | "module" | "path" | "terraform" | "self", _) => return unknown(text),
            (ty, Some(name)) => {
                // `ty.name[0]` / `ty.name["k"]`: one instance of a counted or for_each resource.
                let index = match ops.get(1) {
                    Some(TraversalOperator::Index(i)) => match self.eval(i, scope) {
                        Value::Number(n) => format!("[{n}]"),
                        Value::String(k) => format!("[\"{k}\"]"),
                        _ => String::new(),
                    },
                    Some(TraversalOperator::LegacyIndex(n)) => format!("[{n}]"),
                    _ => String::new(),
                };
                return reference(format!("{ty}.{name}{index}"), text);
            }
            _ => return unknown(text),
        };
        let Some(mut v) = base.cloned() else { return unknown(text) };
        for op in rest {
            v = match (op, v) {
                (_, v) if super::is_unknown(&v) => return v,
                (TraversalOperator::GetAttr(id), Value::Object(mut m)) => m.remove(id.as_str()).unwrap_or(Value::Null),
                (TraversalOperator::Index(i), v) => match (self.eval(i, scope), v) {
                    (Value::Number(n), Value::Array(mut a)) => {
                        n.as_u64().and_then(|n| a.get_mut(n as usize).map(Value::take)).unwrap_or(Value::Null)
                    }
                    (Value::String(k), Value::Object(mut m)) => m.remove(&k).unwrap_or(Value::Null),
                    _ => return unknown(text),
                },
                (TraversalOperator::LegacyIndex(n), Value::Array(mut a)) => {
                    a.get_mut(*n as usize).map(Value::take).unwrap_or(Value::Null)
                }
                _ => return unknown(text),
            };
        }
        v
    }

    fn operation(&self, op: &Operation, scope: &Scope) -> Value {
        match op {
            Operation::Unary(u) => match (u.operator, self.eval(&u.expr, scope)) {
                (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOperator::Neg, Value::Number(n)) => n.as_f64().map_or_else(|| unknown("negation"), |f| json!(-f)),
                _ => unknown("operation"),
            },
            Operation::Binary(b) => {
                let (l, r) = (self.eval(&b.lhs_expr, scope), self.eval(&b.rhs_expr, scope));
                if super::is_unknown(&l) || super::is_unknown(&r) {
                    return unknown("operation");
                }
                match b.operator {
                    BinaryOperator::Eq => Value::Bool(l == r),
                    BinaryOperator::NotEq => Value::Bool(l != r),
                    BinaryOperator::And => Value::Bool(l.as_bool() == Some(true) && r.as_bool() == Some(true)),
                    BinaryOperator::Or => Value::Bool(l.as_bool() == Some(true) || r.as_bool() == Some(true)),
                    other => match (l.as_f64(), r.as_f64()) {
                        (Some(x), Some(y)) => arithmetic(other, x, y),
                        _ => unknown("operation"),
                    },
                }
            }
        }
    }

    /// The few pure functions that matter for configuration values.
    fn function(&self, name: &str, args: &[Expression], scope: &Scope) -> Value {
        let vals: Vec<Value> = args.iter().map(|a| self.eval(a, scope)).collect();
        // Unknown anywhere inside an argument (a list or object holding one)
        // makes the result unknown: `jsonencode` must not turn it into text.
        if vals.iter().any(super::contains_unknown) {
            return unknown(format!("{name}(…)"));
        }
        match (name, vals.as_slice()) {
            ("jsonencode", [v]) => serde_json::to_string(v).map_or_else(|_| unknown("jsonencode"), Value::String),
            ("jsondecode", [Value::String(s)]) => serde_json::from_str(s).unwrap_or_else(|_| unknown("jsondecode")),
            ("tostring", [v]) => Value::String(v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            ("tonumber", [Value::String(s)]) => s.parse::<f64>().map_or_else(|_| unknown("tonumber"), |f| json!(f)),
            ("tonumber", [v @ Value::Number(_)]) => v.clone(),
            ("tobool", [Value::String(s)]) => s.parse::<bool>().map_or_else(|_| unknown("tobool"), Value::Bool),
            ("tolist" | "toset", [v @ Value::Array(_)]) => v.clone(),
            ("lower", [Value::String(s)]) => Value::String(s.to_lowercase()),
            ("upper", [Value::String(s)]) => Value::String(s.to_uppercase()),
            ("join", [Value::String(sep), Value::Array(items)]) => {
                let parts: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(str::to_owned)).collect();
                parts.map_or_else(|| unknown("join"), |p| Value::String(p.join(sep)))
            }
            ("concat", lists) => {
                let mut out = Vec::new();
                for l in lists {
                    let Value::Array(items) = l else { return unknown("concat") };
                    out.extend(items.iter().cloned());
                }
                Value::Array(out)
            }
            ("merge", maps) => {
                let mut out = Map::new();
                for m in maps {
                    let Value::Object(o) = m else { return unknown("merge") };
                    out.extend(o.clone());
                }
                Value::Object(out)
            }
            _ => unknown(format!("{name}(…)")),
        }
    }
}

/// The module's input variables, as `terraform_variable` pseudo-resources:
/// whether each is `sensitive` and has a default. The default itself is
/// not kept (it may be a secret written into the module).
fn variables(file: &Path, text: &str, body: &hcl::Body) -> Vec<IacResource> {
    body.blocks()
        .filter(|b| b.identifier() == "variable")
        .filter_map(|b| {
            let name = b.labels().first()?.as_str();
            let attr = |k: &str| b.body().attributes().find(|a| a.key() == k);
            let sensitive = attr("sensitive").is_some_and(|a| matches!(a.expr(), Expression::Bool(true)));
            let line = text.lines().position(|l| {
                let l = l.trim_start();
                l.starts_with("variable") && l.contains(&format!("\"{name}\""))
            });
            Some(IacResource {
                resource_type: "terraform_variable".into(),
                source: SourceRef {
                    file: file.to_path_buf(),
                    line: line.map(|i| i + 1),
                    address: format!("var.{name}"),
                },
                // `default = null` is no default.
                properties: json!({
                    "name": name,
                    "sensitive": sensitive,
                    "has_default": attr("default").is_some_and(|a| !matches!(a.expr(), Expression::Null)),
                }),
            })
        })
        .collect()
}

/// The line of each `resource "<type>" "<name>"` declaration, in one pass.
fn declaration_lines(text: &str) -> std::collections::HashMap<(&str, &str), usize> {
    let mut lines = std::collections::HashMap::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start();
        if !l.starts_with("resource") {
            continue;
        }
        let labels: Vec<&str> = l.split('"').skip(1).step_by(2).take(2).collect();
        if let [ty, name] = labels[..] {
            lines.entry((ty, name)).or_insert(i + 1);
        }
    }
    lines
}

fn arithmetic(op: BinaryOperator, x: f64, y: f64) -> Value {
    match op {
        BinaryOperator::Plus => json!(x + y),
        BinaryOperator::Minus => json!(x - y),
        BinaryOperator::Mul => json!(x * y),
        BinaryOperator::Div if y != 0.0 => json!(x / y),
        BinaryOperator::Less => Value::Bool(x < y),
        BinaryOperator::LessEq => Value::Bool(x <= y),
        BinaryOperator::Greater => Value::Bool(x > y),
        BinaryOperator::GreaterEq => Value::Bool(x >= y),
        _ => unknown("operation"),
    }
}

#[derive(Default, Clone)]
struct Scope {
    count_index: Option<u64>,
    each: Option<(Value, Value)>,
}

/// Reads `terraform show -json` output: a plan (`planned_values`, with
/// `after_unknown` marking what is known only after apply) or a state (`values`).
pub fn load_plan(file: &Path) -> Result<Vec<IacResource>, IacError> {
    let text = std::fs::read_to_string(file).map_err(|e| IacError::Io(file.display().to_string(), e.to_string()))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| IacError::Parse { file: file.display().to_string(), problem: e.to_string() })?;
    let root =
        doc.pointer("/planned_values/root_module").or_else(|| doc.pointer("/values/root_module")).ok_or_else(|| {
            IacError::Parse {
                file: file.display().to_string(),
                problem: "neither a plan (planned_values) nor a state (values)".into(),
            }
        })?;
    let mut unknowns: BTreeMap<String, Value> = BTreeMap::new();
    for change in doc.get("resource_changes").and_then(Value::as_array).into_iter().flatten() {
        if let (Some(addr), Some(u)) =
            (change.get("address").and_then(Value::as_str), change.pointer("/change/after_unknown"))
        {
            unknowns.insert(addr.to_owned(), u.clone());
        }
    }
    let mut out = Vec::new();
    collect_module(root, file, &unknowns, &mut out);
    Ok(out)
}

fn collect_module(module: &Value, file: &Path, unknowns: &BTreeMap<String, Value>, out: &mut Vec<IacResource>) {
    for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
        if r.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let (Some(address), Some(ty)) =
            (r.get("address").and_then(Value::as_str), r.get("type").and_then(Value::as_str))
        else {
            continue;
        };
        let mut values = r.get("values").cloned().unwrap_or(Value::Object(Map::new()));
        if let Some(u) = unknowns.get(address) {
            mark_unknown(&mut values, u, address);
        }
        // Providers describe nested blocks as lists of one object; flatten them like HCL does.
        out.push(IacResource {
            resource_type: ty.to_owned(),
            source: SourceRef { file: file.to_path_buf(), line: None, address: address.to_owned() },
            properties: flatten_single_blocks(values),
        });
    }
    for child in module.get("child_modules").and_then(Value::as_array).into_iter().flatten() {
        collect_module(child, file, unknowns, out);
    }
}

fn mark_unknown(values: &mut Value, after_unknown: &Value, address: &str) {
    match after_unknown {
        Value::Bool(true) => *values = unknown(format!("{address} (known after apply)")),
        Value::Object(m) => {
            if !values.is_object() {
                *values = Value::Object(Map::new());
            }
            for (k, u) in m {
                if let Some(obj) = values.as_object_mut() {
                    mark_unknown(obj.entry(k.clone()).or_insert(Value::Null), u, address);
                }
            }
        }
        Value::Array(items) => {
            if let Value::Array(vs) = values {
                for (v, u) in vs.iter_mut().zip(items) {
                    mark_unknown(v, u, address);
                }
            }
        }
        _ => {}
    }
}

fn flatten_single_blocks(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Array(mut items) if items.len() == 1 && items[0].is_object() => {
                            flatten_single_blocks(items.remove(0))
                        }
                        other => flatten_single_blocks(other),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(flatten_single_blocks).collect()),
        other => other,
    }
}
