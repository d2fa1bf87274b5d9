//! Infrastructure as code → resources, then → assets.
//!
//! [`terraform`] reads HCL modules and `terraform show -json` plans and
//! states, [`ros`] reads ROS templates (YAML or JSON); both produce
//! [`IacResource`]s whose property values are plain JSON, with values that
//! cannot be known statically marked unknown ([`unknown`]). [`map`] turns
//! them into the typed assets the check items read, filling the provider
//! defaults for properties a template leaves out.

pub mod map;
mod ram_joins;
pub mod ros;
pub mod terraform;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;

/// Where a resource came from, for findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceRef {
    #[schema(value_type = String)]
    pub file: PathBuf,
    /// 1-based line of the resource's declaration, when the source has lines.
    pub line: Option<usize>,
    /// `alicloud_oss_bucket.logs`, or the ROS logical id.
    pub address: String,
}

/// One resource declared in a template.
#[derive(Debug, Clone, PartialEq)]
pub struct IacResource {
    /// `alicloud_oss_bucket`, or `ALIYUN::OSS::Bucket`.
    pub resource_type: String,
    pub source: SourceRef,
    /// Attributes (Terraform) or `Properties` (ROS), nested blocks as objects
    /// (a repeated block as an array of objects).
    pub properties: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum IacError {
    #[error("{file}: {problem}")]
    Parse { file: String, problem: String },
    #[error("{0}: cannot read: {1}")]
    Io(String, String),
}

/// The marker of a value that cannot be known before deployment.
const UNKNOWN: &str = "$unknown";
/// For an unknown that refers to another resource: that resource's address.
const RESOURCE: &str = "$resource";

/// An unknown value, described by the expression that produced it.
pub fn unknown(expression: impl Into<String>) -> Value {
    json!({ UNKNOWN: expression.into() })
}

/// Whether `v` is unknown or holds an unknown value at any depth.
pub fn contains_unknown(v: &Value) -> bool {
    match v {
        _ if is_unknown(v) => true,
        Value::Array(items) => items.iter().any(contains_unknown),
        Value::Object(m) => m.values().any(contains_unknown),
        _ => false,
    }
}

/// Text standing for a name known only after deployment, where a list of
/// names needs an element (a policy or group named by a reference).
pub const UNKNOWN_NAME: &str = "(known after deployment)";

/// Text standing for a whole list known only after deployment (it may be empty).
pub const UNKNOWN_LIST: &str = "(list known after deployment)";

/// An unknown value that refers to the resource at `address` (an id or attribute of it).
pub fn reference(address: impl Into<String>, expression: impl Into<String>) -> Value {
    json!({ UNKNOWN: expression.into(), RESOURCE: address.into() })
}

pub fn is_unknown(v: &Value) -> bool {
    v.get(UNKNOWN).is_some()
}

/// The address a reference points to, if `v` is one.
pub fn referenced(v: &Value) -> Option<&str> {
    v.get(RESOURCE).and_then(Value::as_str)
}

/// The deepest a value evaluated from a template may nest (containers
/// counted). The parsers stop at their own limits (serde_json and
/// serde_yaml_ng 128, hcl-edit 64), but evaluation can build a deeper value
/// from shallow text — a chain of Terraform locals, each wrapping the one
/// before — and comparing, cloning, serialising and dropping values recurse
/// once per level.
pub const MAX_VALUE_DEPTH: usize = 64;

/// Whether `v` nests more than `limit` arrays and objects deep; found
/// without recursion, so it is safe on any value.
pub fn nests_deeper_than(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v, 1)];
    while let Some((v, level)) = stack.pop() {
        let inner: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => continue,
        };
        if level > limit {
            return true;
        }
        stack.extend(inner.into_iter().map(|i| (i, level + 1)));
    }
    false
}

/// A scalar as text (`"x"`, `3`, `true`); `None` for lists, objects and null.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
