//! Resource schemas: for every resource type beyond the hand-modelled ones
//! (and extra properties of those), the fields check items may read, and
//! where each comes from in a ROS template and in Terraform.
//!
//! Rules read fields by their schema name, never a source's spelling: the
//! schema is where `SSLEnabled` (ROS) and `ssl_enabled` (Terraform) become
//! one field. A field a template leaves out takes its provider default when
//! the schema gives one, and is `Absent` otherwise.

mod compute;
mod database;
mod network;
mod storage;

use crate::iac::is_unknown;
use crate::model::{Fields, Slot};
use serde_json::Value;

pub struct Schema {
    /// The canonical resource type, e.g. `ACS::REDIS::Instance`.
    pub kind: &'static str,
    pub product: &'static str,
    pub ros_types: &'static [&'static str],
    pub tf_types: &'static [&'static str],
    pub fields: &'static [FieldSpec],
}

/// One field and its source paths (`A.B` descends into objects; a list on
/// the way yields the values of every element).
pub struct FieldSpec {
    pub name: &'static str,
    pub ros: &'static str,
    pub tf: &'static str,
    /// The provider's value when a template leaves the field out.
    pub default: Option<&'static str>,
}

/// A field with the same path in both sources' casing: `f("name", "RosPath", "tf_path")`.
pub const fn f(name: &'static str, ros: &'static str, tf: &'static str) -> FieldSpec {
    FieldSpec { name, ros, tf, default: None }
}

/// A field with a provider default (a JSON literal: `"true"`, `"0"`, `"\"private\""`).
pub const fn fd(name: &'static str, ros: &'static str, tf: &'static str, default: &'static str) -> FieldSpec {
    FieldSpec { name, ros, tf, default: Some(default) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Ros,
    Terraform,
}

static REGISTRY: std::sync::LazyLock<Vec<&'static Schema>> = std::sync::LazyLock::new(|| {
    [compute::SCHEMAS, database::SCHEMAS, storage::SCHEMAS, network::SCHEMAS].into_iter().flatten().copied().collect()
});

/// Every schema, one module per product group.
pub fn registry() -> &'static [&'static Schema] {
    &REGISTRY
}

pub fn by_kind(kind: &str) -> Option<&'static Schema> {
    registry().iter().copied().find(|s| s.kind == kind)
}

/// The schema of a ROS or Terraform resource type.
pub fn by_source_type(ty: &str) -> Option<(&'static Schema, Source)> {
    registry().iter().copied().find_map(|s| {
        if s.ros_types.contains(&ty) {
            Some((s, Source::Ros))
        } else if s.tf_types.contains(&ty) {
            Some((s, Source::Terraform))
        } else {
            None
        }
    })
}

/// The schema's fields read from a resource's properties.
pub fn fields_of(schema: &Schema, source: Source, properties: &Value) -> Fields {
    schema
        .fields
        .iter()
        .map(|f| {
            let path = match source {
                Source::Ros => f.ros,
                Source::Terraform => f.tf,
            };
            let slot = if path.is_empty() { Slot::Absent } else { lookup(properties, path) };
            let slot = match (slot, f.default) {
                (Slot::Absent, Some(d)) => Slot::Known(serde_json::from_str(d).unwrap_or(Value::String(d.to_owned()))),
                (s, _) => s,
            };
            (f.name.to_owned(), slot)
        })
        .collect()
}

fn lookup(v: &Value, path: &str) -> Slot {
    let mut current = vec![v];
    for key in path.split('.') {
        let mut next = Vec::new();
        for c in current {
            if is_unknown(c) {
                return Slot::Unknown;
            }
            match c {
                Value::Object(m) => {
                    if let Some(x) = m.get(key) {
                        next.push(x);
                    }
                }
                // A list on the way: every element's value.
                Value::Array(items) => next.extend(items.iter().filter_map(|i| i.get(key))),
                _ => {}
            }
        }
        current = next;
    }
    match current.as_slice() {
        [] => Slot::Absent,
        [one] if is_unknown(one) => Slot::Unknown,
        [Value::Null] => Slot::Absent,
        [one] => Slot::Known((*one).clone()),
        many if many.iter().any(|x| is_unknown(x)) => Slot::Unknown,
        many => Slot::Known(Value::Array(many.iter().map(|x| (*x).clone()).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_schema_is_well_formed() {
        let mut kinds = std::collections::BTreeSet::new();
        for s in registry() {
            assert!(kinds.insert(s.kind), "{} declared twice", s.kind);
            assert!(s.kind.starts_with("ACS::"), "{}", s.kind);
            let mut names = std::collections::BTreeSet::new();
            for f in s.fields {
                assert!(names.insert(f.name), "{}.{} declared twice", s.kind, f.name);
                if let Some(d) = f.default {
                    assert!(
                        serde_json::from_str::<Value>(d).is_ok(),
                        "{}.{} default {d:?} is not JSON",
                        s.kind,
                        f.name
                    );
                }
            }
        }
    }

    #[test]
    fn paths_descend_objects_and_lists_and_keep_unknowns() {
        let v = json!({"A": {"B": 1}, "L": [{"x": "a"}, {"x": "b"}], "U": {"$unknown": "ref"}});
        assert_eq!(lookup(&v, "A.B"), Slot::Known(json!(1)));
        assert_eq!(lookup(&v, "L.x"), Slot::Known(json!(["a", "b"])));
        assert_eq!(lookup(&v, "U.z"), Slot::Unknown);
        assert_eq!(lookup(&v, "A.C"), Slot::Absent);
    }
}
