//! The shapes a response must have where the adapter reads it, checked in
//! one place so that no reader takes a malformed response for "nothing" or
//! stores whatever it was given:
//!
//! - a list (`Instances.Instance`) is an array of objects, or the API's
//!   lone object; a missing one (absent, `null`, or `""`, an empty XML
//!   element) is empty, but one of another JSON type is malformed;
//! - a resource id (in a list item, or in the request parameter naming the
//!   resource) is a JSON string of 1 to [`MAX_ID_CHARS`] characters, none of
//!   them a control character (NUL, newline, …). No API this adapter reads
//!   answers a numeric id (`oracle/alibaba-openapi-fields` types every id
//!   it reads as a string, and so do the response fixtures of the products
//!   it does not cover), so a number is malformed too;
//! - a resource's name and region are at most [`MAX_TEXT_CHARS`] characters,
//!   none of them a control character.
//!
//! Those errors name the call and the JSON path of the bad value
//! (`ecs:DescribeInstances: Instances.Instance[2].InstanceId must be …`).
//! [`check_assets`] then holds every text an asset kept to a looser rule: at
//! most [`MAX_DOCUMENT_CHARS`] characters, no control character but tab and
//! line breaks (policy documents and certificates hold newlines).

use super::{IngestError, malformed};
use crate::model::Asset;
use serde_json::Value;
use std::collections::BTreeMap;

/// The longest resource id. Alibaba Cloud ids are about 20 to 40 characters,
/// names used as ids (users, buckets, policies) at most 128.
pub const MAX_ID_CHARS: usize = 256;
/// The longest name or region (the API's own limits are 128 to 256).
pub const MAX_TEXT_CHARS: usize = 1024;
/// The longest text kept in an asset's configuration: the longest real
/// values are policy documents (a KMS key policy is at most 32 KB).
pub const MAX_DOCUMENT_CHARS: usize = 64 * 1024;

/// A value in a response and its JSON path (empty for the body itself).
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub path: String,
    pub value: &'a Value,
}

impl<'a> At<'a> {
    pub fn body(value: &'a Value) -> Self {
        At { path: String::new(), value }
    }

    /// The path of `field` under this value.
    pub fn join(&self, field: &str) -> String {
        if self.path.is_empty() { field.to_owned() } else { format!("{}.{field}", self.path) }
    }

    /// The value at `field`, with its path.
    pub fn at(&self, field: &str) -> Option<At<'a>> {
        Some(At { path: self.join(field), value: self.value.get(field)? })
    }
}

/// Reads as the value, so the quirk readers (`str_field`, …) take an `At`.
impl std::ops::Deref for At<'_> {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value
    }
}

/// The value at `path` (`A.B` descends); a key that itself holds dots (ESS
/// answers `"SystemDisk.Encrypted"`) is matched whole before the path is split.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(v);
    }
    if let Some(whole) = v.get(path) {
        return Some(whole);
    }
    path.split('.').try_fold(v, |v, key| v.get(key))
}

/// `a string`, `a list`, …: what a value is, for errors.
fn a(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The value at `path` under `at` (`Instances.Instance`; a key holding
/// dots itself is matched whole first, as mapping paths are) and its path;
/// `None` when absent, `null` or `""` (an empty XML element). A list whose
/// inner wrapper the API left out (`Instances` an array itself) is that array.
fn find<'a>(api: &str, at: &At<'a>, path: &str) -> Result<Option<(String, &'a Value)>, IngestError> {
    let keys: Vec<&str> = if at.value.get(path).is_some() { vec![path] } else { path.split('.').collect() };
    let mut value = at.value;
    let mut found = at.path.clone();
    for (i, key) in keys.iter().enumerate() {
        value = match value {
            Value::Object(fields) => match fields.get(*key) {
                Some(v) => v,
                None => return Ok(None),
            },
            Value::Array(_) if i > 0 && i + 1 == keys.len() => break,
            Value::Null => return Ok(None),
            Value::String(s) if s.is_empty() => return Ok(None),
            other => return Err(not_a_list(api, &at.join(path), other)),
        };
        found = if found.is_empty() { (*key).to_owned() } else { format!("{found}.{key}") };
    }
    Ok(match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        v => Some((found, v)),
    })
}

fn not_a_list(api: &str, path: &str, got: &Value) -> IngestError {
    malformed(api, format!("{path} must be a list, got {}", a(got)))
}

/// The items of the list at `path` under `at`: an array of objects, or a
/// lone object; none when the list is missing.
pub fn list<'a>(api: &str, at: &At<'a>, path: &str) -> Result<Vec<At<'a>>, IngestError> {
    let items: Vec<At<'a>> = match find(api, at, path)? {
        None => return Ok(Vec::new()),
        Some((path, Value::Array(items))) => {
            items.iter().enumerate().map(|(i, value)| At { path: format!("{path}[{i}]"), value }).collect()
        }
        Some((path, value @ Value::Object(_))) => vec![At { path, value }],
        Some((_, other)) => return Err(not_a_list(api, &at.join(path), other)),
    };
    match items.iter().find(|i| !i.value.is_object()) {
        Some(bad) => Err(malformed(api, format!("{} must be an object, got {}", bad.path, a(bad.value)))),
        None => Ok(items),
    }
}

/// The strings of the list at `path` under `at` (`SecurityGroupIds.SecurityGroupId`):
/// an array of strings, or a lone string; empty strings are left out. Each
/// is an id or an address, so it is held to the rules of ids.
pub fn strings(api: &str, at: &At, path: &str) -> Result<Vec<String>, IngestError> {
    let items: Vec<(String, &Value)> = match find(api, at, path)? {
        None => return Ok(Vec::new()),
        Some((path, Value::Array(items))) => {
            items.iter().enumerate().map(|(i, v)| (format!("{path}[{i}]"), v)).collect()
        }
        Some((path, v @ Value::String(_))) => vec![(path, v)],
        Some((_, other)) => return Err(not_a_list(api, &at.join(path), other)),
    };
    let mut out = Vec::new();
    for (path, v) in items {
        match v {
            Value::String(s) if s.is_empty() => {}
            Value::String(s) => match id_problem(s) {
                None => out.push(s.clone()),
                Some(problem) => return Err(id_error(api, &path, &problem)),
            },
            other => return Err(id_error(api, &path, a(other))),
        }
    }
    Ok(out)
}

/// Like [`list`], for a list the response must hold: a missing outer key
/// (`Instances` of `Instances.Instance`) is malformed, not empty.
pub fn required_list<'a>(api: &str, at: &At<'a>, path: &str) -> Result<Vec<At<'a>>, IngestError> {
    let outer = path.split('.').next().unwrap_or(path);
    if at.value.get(path).is_none() && at.value.get(outer).is_none() {
        return Err(malformed(api, format!("lacks {}", at.join(path))));
    }
    list(api, at, path)
}

/// What is wrong with `s` as an id, if anything.
fn id_problem(s: &str) -> Option<String> {
    let chars = s.chars().count();
    if chars == 0 || chars > MAX_ID_CHARS {
        return Some(format!("{chars} characters"));
    }
    s.chars().find(|c| c.is_control()).map(|c| format!("control character {c:?}"))
}

fn id_error(api: &str, path: &str, got: &str) -> IngestError {
    malformed(api, format!("{path} must be a string of 1 to {MAX_ID_CHARS} printable characters, got {got}"))
}

/// The resource id at `field` of `at` (`A.B` descends).
pub fn id(api: &str, at: &At, field: &str) -> Result<String, IngestError> {
    match get(at.value, field) {
        None | Some(Value::Null) => Err(malformed(api, format!("{} lacks {field}", item(at)))),
        Some(Value::String(s)) => match id_problem(s) {
            None => Ok(s.clone()),
            Some(problem) => Err(id_error(api, &at.join(field), &problem)),
        },
        Some(other) => Err(id_error(api, &at.join(field), a(other))),
    }
}

/// The id at `field` of `at`, if it has one (absent, `null` or `""`: none).
pub fn optional_id(api: &str, at: &At, field: &str) -> Result<Option<String>, IngestError> {
    match get(at.value, field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(_) => id(api, at, field).map(Some),
    }
}

/// `the response` for the body, else its path.
fn item(at: &At) -> String {
    if at.path.is_empty() { "the response".to_owned() } else { at.path.clone() }
}

/// The request parameter `name`, naming the resource asked about; `None`
/// when absent or empty (each caller says what it needs).
pub fn param<'p>(api: &str, params: &'p BTreeMap<String, String>, name: &str) -> Result<Option<&'p str>, IngestError> {
    match params.get(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match id_problem(v) {
            None => Ok(Some(v)),
            Some(problem) => Err(id_error(api, &format!("params.{name}"), &problem)),
        },
    }
}

/// What is wrong with `s` as a name or region, if anything.
fn text_problem(s: &str) -> Option<String> {
    let chars = s.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Some(format!("{chars} characters"));
    }
    s.chars().find(|c| c.is_control()).map(|c| format!("control character {c:?}"))
}

fn text_error(api: &str, path: &str, got: &str) -> IngestError {
    malformed(api, format!("{path} must be text of at most {MAX_TEXT_CHARS} printable characters, got {got}"))
}

/// Checks a name or region about to be read from `value` (at `path`).
pub fn check_text(api: &str, path: &str, value: &Value) -> Result<(), IngestError> {
    match value.as_str().and_then(text_problem) {
        None => Ok(()),
        Some(problem) => Err(text_error(api, path, &problem)),
    }
}

/// The name or region at `field` of `at`, read as `str_field` reads it.
pub fn text(api: &str, at: &At, field: &str) -> Result<Option<String>, IngestError> {
    if let Some(v) = at.value.get(field) {
        check_text(api, &at.join(field), v)?;
    }
    Ok(super::quirks::str_field(at.value, field))
}

/// What is wrong with `s` as configuration text, if anything.
fn document_problem(s: &str) -> Option<String> {
    let chars = s.chars().count();
    if chars > MAX_DOCUMENT_CHARS {
        return Some(format!("{chars} characters"));
    }
    let bad = s.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    bad.map(|c| format!("control character {c:?}"))
}

/// The first text in `v` (keys included) that is not configuration text;
/// found without recursion.
fn bad_document(v: &Value) -> Option<String> {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(problem) = document_problem(s) {
                    return Some(problem);
                }
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => {
                if let Some(problem) = fields.keys().find_map(|k| document_problem(k)) {
                    return Some(problem);
                }
                stack.extend(fields.values());
            }
            _ => {}
        }
    }
    None
}

/// Checks a value about to be kept in an asset's fields (at `path`).
pub fn check_document(api: &str, path: &str, value: &Value) -> Result<(), IngestError> {
    match bad_document(value) {
        None => Ok(()),
        Some(problem) => Err(malformed(api, format!("{path} {}, got {problem}", document_rule()))),
    }
}

/// What configuration text must be, for errors.
fn document_rule() -> String {
    format!(
        "must be text of at most {MAX_DOCUMENT_CHARS} characters, without control characters but tab and line breaks"
    )
}

/// Every asset's id, name and region are one line of bounded text, and
/// every other text it keeps (its typed configuration and its fields) is
/// bounded and free of control characters but tab and line breaks. The
/// readers check ids, names and lists where they read them, naming the
/// call and path; this catches what they build (ids joined from several
/// values, `lb-…:443`) and every other value, whichever reader stored it.
pub fn check_assets(assets: &[Asset]) -> Result<(), IngestError> {
    for asset in assets {
        let invalid = |problem: String| IngestError::Invalid { asset: shown(asset), problem };
        let id_problem = if asset.id.is_empty() { Some("no characters".to_owned()) } else { text_problem(&asset.id) };
        if let Some(problem) = id_problem {
            return Err(invalid(format!("the id must be 1 to {MAX_TEXT_CHARS} printable characters, got {problem}")));
        }
        for (what, text) in [("name", &asset.name), ("region", &asset.region)] {
            if let Some(problem) = text.as_deref().and_then(text_problem) {
                return Err(invalid(format!(
                    "its {what} must be at most {MAX_TEXT_CHARS} printable characters, got {problem}"
                )));
            }
        }
        // Cannot fail: the typed configurations have string keys only.
        let spec = serde_json::to_value(&asset.spec).unwrap_or(Value::Null);
        let fields = asset.fields.iter().filter_map(|(name, slot)| match slot {
            crate::model::Slot::Known(v) => Some((name.as_str(), v)),
            _ => None,
        });
        for (what, v) in std::iter::once(("configuration", &spec)).chain(fields) {
            if let Some(problem) = bad_document(v) {
                return Err(invalid(format!("its {what} holds text that {}, got {problem}", document_rule())));
            }
        }
    }
    Ok(())
}

/// The asset's kind and id, the id cut short and escaped (it may be the bad value).
fn shown(asset: &Asset) -> String {
    let id: String = asset.id.chars().take(64).collect();
    let more = if id.len() < asset.id.len() { "…" } else { "" };
    format!("{} {id:?}{more}", asset.kind())
}
