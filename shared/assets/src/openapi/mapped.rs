//! OpenAPI responses onto schema fields: for resource types with a schema
//! (see `crate::schema`), which call lists them, which per-resource calls add
//! to them, and where each field is in those responses. This is what lets
//! the declared check items run on a runtime inventory, not only on templates.
//!
//! A field that none of the imported calls reports is `Unreported`: the
//! items that read it say the data is missing instead of guessing.

mod compute;
mod database;
mod network;
mod storage;

use super::shape::{self, At};
use super::{ApiResponse, Builder, IngestError, malformed};
use crate::model::{AssetKind, AssetSpec, Slot};
use crate::schema;
use serde_json::Value;
use std::collections::BTreeMap;

/// How one resource type is read from OpenAPI responses.
pub struct ApiMapping {
    /// The schema kind, e.g. `ACS::SLB::LoadBalancer`.
    pub kind: &'static str,
    /// The call that lists the resources; `None` when the type is built by the hand-written adapter.
    pub list: Option<ApiList>,
    /// Calls about one resource, naming it in a request parameter.
    pub details: &'static [ApiDetail],
    /// `(field, api, path)`: the schema field, the call, and the path in the
    /// list item (for the list call) or in the response (for a detail call).
    /// `Foo.Bar[].Baz` reads `Baz` of every element of the `Foo.Bar` list.
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

pub struct ApiList {
    pub api: &'static str,
    /// Path to the array of resources, e.g. `LoadBalancers.LoadBalancer`.
    pub items: &'static str,
    /// Paths in an item (`A.B` descends): its id, and its name and region when it has them ("" otherwise).
    pub id: &'static str,
    pub name: &'static str,
    pub region: &'static str,
}

pub struct ApiDetail {
    pub api: &'static str,
    /// The request parameter naming the resource (`LoadBalancerId`); several,
    /// comma-separated, name it by their values joined with `:` (`lb-1:443`).
    pub param: &'static str,
}

static REGISTRY: std::sync::LazyLock<Vec<&'static ApiMapping>> = std::sync::LazyLock::new(|| {
    [compute::MAPPINGS, database::MAPPINGS, storage::MAPPINGS, network::MAPPINGS]
        .into_iter()
        .flatten()
        .copied()
        .collect()
});

/// Every mapping, one module per product group.
pub fn registry() -> &'static [&'static ApiMapping] {
    &REGISTRY
}

static APIS: std::sync::LazyLock<std::collections::BTreeSet<&'static str>> = std::sync::LazyLock::new(|| {
    registry()
        .iter()
        .flat_map(|m| {
            m.list.iter().map(|l| l.api).chain(m.details.iter().map(|d| d.api)).chain(m.fields.iter().map(|f| f.1))
        })
        .collect()
});

/// Every call some mapping reads (built once: `ingest` asks for each response).
pub fn apis() -> impl Iterator<Item = &'static str> {
    APIS.iter().copied()
}

pub(super) fn handles(api: &str) -> bool {
    APIS.contains(api)
}

/// Like [`shape::get`], and `Foo.Bar[].Baz` reads `Baz` of every element of
/// the `Foo.Bar` list (flattened); a list of the wrong type is malformed.
fn project(api: &str, v: &At, path: &str) -> Result<Option<Value>, IngestError> {
    let Some((list, rest)) = path.split_once("[].") else {
        return Ok(shape::get(v, path.strip_suffix("[]").unwrap_or(path)).cloned());
    };
    let items = shape::list(api, v, list)?;
    if shape::get(v, list).is_none() {
        return Ok(None);
    }
    let mut values = Vec::new();
    for item in &items {
        match project(api, item, rest)? {
            Some(Value::Array(xs)) => values.extend(xs),
            Some(x) => values.push(x),
            None => {}
        }
    }
    Ok(Some(Value::Array(values)))
}

/// Reads every mapped call into schema fields of the builder's assets, then
/// marks every schema field no call reported as `Unreported`.
pub(super) fn apply(responses: &[ApiResponse], b: &mut Builder) -> Result<(), IngestError> {
    let mut paged = std::collections::HashMap::new();
    for m in registry() {
        let Some(kind) = AssetKind::from_name(m.kind) else { continue };
        // Error bodies (`Code`) that `ingest` admits carry no mapped field.
        for r in responses.iter().filter(|r| super::error_code(&r.response).is_none()) {
            let api = r.api.as_str();
            let mut found: Vec<(String, At)> = Vec::new();
            if let Some(list) = m.list.as_ref().filter(|l| l.api == api) {
                // Items that do not name their region are in the one the request asked.
                let asked = shape::param(api, &r.params, "RegionId")?;
                for item in shape::list(api, &At::body(&r.response), list.items)? {
                    let id = shape::id(api, &item, list.id)?;
                    let text = |k: &str| -> Result<Option<String>, IngestError> {
                        let Some(v) = shape::get(&item, k).filter(|_| !k.is_empty()) else { return Ok(None) };
                        shape::check_text(api, &item.join(k), v)?;
                        Ok(crate::iac::scalar_text(v))
                    };
                    let (name, region) = (text(list.name)?, text(list.region)?);
                    let asset = b.entry(kind, &id, || AssetSpec::Resource(m.kind.to_owned()));
                    asset.name = asset.name.take().or(name);
                    asset.region = asset.region.take().or(region).or_else(|| asked.map(str::to_owned));
                    found.push((id, item));
                }
            }
            if let Some(detail) = m.details.iter().find(|d| d.api == api) {
                // Several parameters (`LoadBalancerId,ListenerPort`) name the resource as `lb-…:443`.
                let id = detail
                    .param
                    .split(',')
                    .map(|p| {
                        shape::param(api, &r.params, p)?
                            .ok_or_else(|| malformed(api, format!("needs the request parameter {p} in \"params\"")))
                    })
                    .collect::<Result<Vec<_>, _>>()?
                    .join(":");
                found.push((id, At::body(&r.response)));
            }
            for (id, source) in found {
                let asset = b.entry(kind, &id, || AssetSpec::Resource(m.kind.to_owned()));
                for (field, _, path) in m.fields.iter().filter(|f| f.1 == api) {
                    let slot = match project(api, &source, path)? {
                        None | Some(Value::Null) => Slot::Absent,
                        Some(v) => {
                            shape::check_document(api, &source.join(path), &v)?;
                            Slot::Known(v)
                        }
                    };
                    // A list read from several pages of one call (`Servers[].ServerId`
                    // over NextToken pages) is their union, not the last page; a page
                    // imported again replaces itself, and another call starts over.
                    let slot = if path.contains("[]") {
                        let pages = paged.entry((kind, id.clone(), *field)).or_insert_with(Pages::default);
                        pages.add(api, &r.params, slot)
                    } else {
                        slot
                    };
                    asset.fields.insert((*field).to_owned(), slot);
                }
            }
        }
    }
    // Whatever no imported call reported is missing data, not a default.
    for asset in b.assets.values_mut() {
        if let Some(s) = schema::by_kind(asset.kind().as_str()) {
            for f in s.fields {
                asset.fields.entry(f.name.to_owned()).or_insert(Slot::Unreported);
            }
        }
    }
    Ok(())
}

/// Request parameters that choose a page, not what is asked.
const PAGING: &[&str] = &["NextToken", "PageNumber", "PageNo", "Marker", "MaxResults", "PageSize"];

/// The pages of one call's answer a list field was read from.
#[derive(Default)]
struct Pages {
    /// The call and its parameters but the paging ones.
    question: Option<(String, BTreeMap<String, String>)>,
    /// Each page (by its full parameters) and what it gave.
    pages: Vec<(BTreeMap<String, String>, Slot)>,
}

impl Pages {
    /// Records one more response and returns the field's value over all pages.
    fn add(&mut self, api: &str, params: &BTreeMap<String, String>, slot: Slot) -> Slot {
        let question: BTreeMap<String, String> =
            params.iter().filter(|(k, _)| !PAGING.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        let question = Some((api.to_owned(), question));
        if self.question != question {
            self.question = question;
            self.pages.clear();
        }
        match self.pages.iter_mut().find(|(p, _)| p == params) {
            Some((_, earlier)) => *earlier = slot,
            None => self.pages.push((params.clone(), slot)),
        }
        let mut all = Slot::Absent;
        for (_, page) in &self.pages {
            merge_page(&mut all, page.clone());
        }
        all
    }
}

/// Adds one more page's list to what earlier pages gave (each element once).
fn merge_page(earlier: &mut Slot, page: Slot) {
    match (earlier, page) {
        (Slot::Known(Value::Array(items)), Slot::Known(Value::Array(more))) => {
            for x in more {
                if !items.contains(&x) {
                    items.push(x);
                }
            }
        }
        (earlier @ (Slot::Absent | Slot::Known(Value::Null)), page) => *earlier = page,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapping_names_a_schema_and_its_fields() {
        for m in registry() {
            let s = schema::by_kind(m.kind).unwrap_or_else(|| panic!("mapping for {} has no schema", m.kind));
            for (field, api, _) in m.fields {
                assert!(s.fields.iter().any(|f| f.name == *field), "{}: no schema field {field}", m.kind);
                let read = m.list.as_ref().is_some_and(|l| l.api == *api) || m.details.iter().any(|d| d.api == *api);
                assert!(read, "{}.{field}: {api} is neither its list call nor one of its detail calls", m.kind);
                assert!(
                    api.split_once(':').is_some_and(|(p, c)| !p.is_empty() && c.starts_with(char::is_uppercase)),
                    "{api}"
                );
            }
        }
    }
}
