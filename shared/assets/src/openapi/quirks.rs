//! The OpenAPI's quirks, normalised once: booleans as `Yes`/`on`/`1`/
//! `Enabled`, numbers as strings, lists wrapped in a singular container
//! (`Users.User[]`, sometimes a lone object; read by `shape`), port ranges as `22/22` with
//! `-1/-1` for all, comma-separated IP lists, and several time formats.

use super::IngestError;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

pub fn str_field(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn parse_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" | "enabled" | "enable" => Some(true),
            "false" | "no" | "off" | "0" | "disabled" | "disable" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub fn bool_field(v: &Value, field: &str) -> Option<bool> {
    v.get(field).and_then(parse_bool)
}

pub fn u64_field(v: &Value, field: &str) -> Option<u64> {
    match v.get(field)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn u32_field(v: &Value, field: &str) -> Option<u32> {
    u64_field(v, field).and_then(|n| u32::try_from(n).ok())
}

/// The items of `body[outer][inner]` (an array, or a lone object), where
/// the response must hold `outer`; see [`super::shape::list`] for the shapes.
pub fn wrapped_list<'a>(
    api: &str,
    body: &'a Value,
    outer: &str,
    inner: &str,
) -> Result<Vec<super::shape::At<'a>>, IngestError> {
    super::shape::required_list(api, &super::shape::At::body(body), &format!("{outer}.{inner}"))
}

/// `22/22` → 22..=22; `-1/-1` (and empty) → all ports (`None`).
pub fn parse_port_range(s: &str) -> Result<Option<(u16, u16)>, String> {
    let s = s.trim();
    if s.is_empty() || s == "-1/-1" {
        return Ok(None);
    }
    let (lo, hi) = s.split_once('/').unwrap_or((s, s));
    let port = |p: &str| p.trim().parse::<u16>().map_err(|_| format!("malformed PortRange {s:?}"));
    let (lo, hi) = (port(lo)?, port(hi)?);
    if lo > hi {
        return Err(format!("malformed PortRange {s:?}: start after end"));
    }
    Ok(Some((lo, hi)))
}

/// `"10.0.0.1,0.0.0.0/0"` → its entries, trimmed.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// RFC 3339, or the API's `2024-01-02T03:04Z` / `2024-01-02 03:04:05` forms.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc())
}

/// ACK add-ons as the checks need them: every add-on's name, and Terway's
/// configuration; other add-ons' settings are not kept. Keys in any case
/// (`Name` in ROS, `name` in Terraform and the API).
pub(crate) fn essential_addons(all: &[Value]) -> Value {
    let field =
        |a: &Value, key: &str| a.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone());
    let kept = all.iter().map(|a| {
        let name = field(a, "name").unwrap_or(Value::Null);
        let terway = name.as_str().is_some_and(|n| n.starts_with("terway"));
        match field(a, "config") {
            Some(config) if terway => serde_json::json!({"name": name, "config": config}),
            _ => serde_json::json!({"name": name}),
        }
    });
    Value::Array(kept.collect())
}
