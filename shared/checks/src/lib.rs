//! Check items: each is a small function over the typed asset model, next to
//! its metadata (DESIGN §2.5). Grouped by product, one module each; the
//! [`catalogue`] lists them all. Evaluation is pure: an asset, the item's
//! parameters and "now" in, a result out.

mod actiontrail;
mod ecs;
pub mod expect;
mod item;
mod log_alerts;
mod os_releases;
mod oss;
mod packs;
mod parameters;
mod ram;
mod rds;
mod root;
mod rules;
mod sas;
mod view;

pub use expect::Expect;
pub use item::*;
pub use packs::{CIS_BENCHMARK, Pack, find_pack, packs, select};
pub use view::{CatalogueView, PackView, catalogue_view};

use cspm_assets::Asset;
use std::sync::LazyLock;

static CATALOGUE: LazyLock<Vec<&'static Check>> = LazyLock::new(|| {
    let groups = [
        ram::CHECKS,
        root::CHECKS,
        ecs::CHECKS,
        os_releases::CHECKS,
        oss::CHECKS,
        rds::CHECKS,
        actiontrail::CHECKS,
        sas::CHECKS,
        log_alerts::CHECKS,
        parameters::CHECKS,
    ];
    let declared = [rules::compute::CHECKS, rules::database::CHECKS, rules::storage::CHECKS, rules::network::CHECKS];
    groups.into_iter().chain(declared).flatten().copied().collect()
});

/// Every check item, in a stable order.
pub fn catalogue() -> &'static [&'static Check] {
    &CATALOGUE
}

/// The check item with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    catalogue().iter().copied().find(|c| c.meta.id == id)
}

/// The check items that apply to `asset`.
pub fn applicable(asset: &Asset) -> impl Iterator<Item = &'static Check> + '_ {
    catalogue().iter().copied().filter(move |c| c.meta.resource_type == asset.kind())
}

#[cfg(test)]
mod fixtures;
