//! The catalogue as clients list it (`cspm catalogue`, `GET /v1/catalogue`):
//! every item's metadata, counts by product, category and risk, and the
//! compliance packs with how much of each is implemented.

use crate::{Check, CheckMeta};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueView {
    pub total: usize,
    pub by_product: BTreeMap<&'static str, usize>,
    pub by_category: BTreeMap<String, usize>,
    pub by_risk: BTreeMap<String, usize>,
    pub free: usize,
    pub items: Vec<&'static CheckMeta>,
    pub packs: Vec<PackView>,
}

/// A compliance pack: its rules, and those of them the catalogue lacks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackView {
    pub id: &'static str,
    pub name: &'static str,
    pub rules: usize,
    pub implemented: usize,
    pub missing: Vec<&'static str>,
}

/// A unit enum's serialized name (`data_security`).
fn label<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub fn catalogue_view() -> CatalogueView {
    let items: &[&'static Check] = crate::catalogue();
    let mut view = CatalogueView {
        total: items.len(),
        by_product: BTreeMap::new(),
        by_category: BTreeMap::new(),
        by_risk: BTreeMap::new(),
        free: items.iter().filter(|c| c.meta.free).count(),
        items: items.iter().map(|c| &c.meta).collect(),
        packs: crate::packs()
            .iter()
            .map(|p| PackView {
                id: p.id,
                name: p.name,
                rules: p.rules.len(),
                implemented: p.items().count(),
                missing: p.missing().collect(),
            })
            .collect(),
    };
    for c in items {
        *view.by_product.entry(c.meta.product).or_default() += 1;
        *view.by_category.entry(label(&c.meta.category)).or_default() += 1;
        *view.by_risk.entry(label(&c.meta.risk)).or_default() += 1;
    }
    view
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_add_up_to_the_catalogue() {
        let v = super::catalogue_view();
        assert_eq!(v.total, crate::catalogue().len());
        assert_eq!(v.by_product.values().sum::<usize>(), v.total);
        assert_eq!(v.by_risk.values().sum::<usize>(), v.total);
        assert!(v.by_category.keys().all(|k| !k.is_empty()), "every category has a name");
        assert_eq!(v.packs.len(), crate::packs().len());
    }
}
