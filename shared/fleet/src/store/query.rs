//! Paged reads: which slices of the sorted result index a filter covers.
//!
//! Result index members are `<risk rank>|<item>|<kind>/<id>`, so one item's
//! results, or one risk level's, are one contiguous range; a product's are
//! the ranges of its items. A page walks those ranges in order, so the
//! store only ever reads the page it returns (plus one count per range).

use super::{StoredResult, risk_rank};
use cspm_assets::Asset;
use cspm_checks::{Risk, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A 1-based page of at most `size` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub size: usize,
}

impl Page {
    /// Rows to skip before the page.
    pub fn offset(&self) -> usize {
        self.number.saturating_sub(1).saturating_mul(self.size)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultFilter {
    pub status: Option<Status>,
    pub risk: Option<Risk>,
    pub product: Option<String>,
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultPage {
    pub total: usize,
    pub results: Vec<StoredResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetPage {
    pub total: usize,
    pub by_type: BTreeMap<String, u64>,
    pub assets: Vec<Asset>,
}

/// The member prefixes a filter covers, in index order; `None`: everything.
/// An empty list means nothing can match.
pub(crate) fn prefixes(filter: &ResultFilter) -> Option<Vec<String>> {
    let rank_ok = |r: Risk| filter.risk.is_none_or(|want| want == r);
    if let Some(item) = &filter.item {
        let Some(check) = cspm_checks::find(item) else { return Some(Vec::new()) };
        let product_ok = filter.product.as_deref().is_none_or(|p| check.meta.product.eq_ignore_ascii_case(p));
        return Some(if rank_ok(check.meta.risk) && product_ok {
            vec![format!("{}|{item}|", risk_rank(check.meta.risk))]
        } else {
            Vec::new()
        });
    }
    if let Some(product) = &filter.product {
        let mut items: Vec<(u8, &str)> = cspm_checks::catalogue()
            .iter()
            .filter(|c| c.meta.product.eq_ignore_ascii_case(product) && rank_ok(c.meta.risk))
            .map(|c| (risk_rank(c.meta.risk), c.meta.id))
            .collect();
        items.sort_unstable();
        return Some(items.into_iter().map(|(rank, id)| format!("{rank}|{id}|")).collect());
    }
    filter.risk.map(|r| vec![format!("{}|", risk_rank(r))])
}

/// Where a page falls across ranges of known sizes: (range index, offset in
/// it, rows to take) for each range the page touches.
pub(crate) fn slices(counts: &[usize], page: Page) -> Vec<(usize, usize, usize)> {
    let mut skip = page.offset();
    let mut want = page.size;
    let mut out = Vec::new();
    for (i, &n) in counts.iter().enumerate() {
        if want == 0 {
            break;
        }
        if skip >= n {
            skip -= n;
            continue;
        }
        let take = (n - skip).min(want);
        out.push((i, skip, take));
        want -= take;
        skip = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_spans_ranges_in_order() {
        let page = |number, size| Page { number, size };
        assert_eq!(slices(&[3, 0, 4], page(1, 2)), vec![(0, 0, 2)]);
        assert_eq!(slices(&[3, 0, 4], page(2, 2)), vec![(0, 2, 1), (2, 0, 1)]);
        assert_eq!(slices(&[3, 0, 4], page(4, 2)), vec![(2, 3, 1)]);
        assert_eq!(slices(&[3, 0, 4], page(5, 2)), vec![]);
    }

    #[test]
    fn filters_become_contiguous_prefixes() {
        assert_eq!(prefixes(&ResultFilter::default()), None);
        let high = ResultFilter { risk: Some(Risk::High), ..Default::default() };
        assert_eq!(prefixes(&high), Some(vec!["1|".to_owned()]));
        let item = ResultFilter { item: Some("ecs-disk-encrypted".into()), ..Default::default() };
        let rank = risk_rank(cspm_checks::find("ecs-disk-encrypted").unwrap().meta.risk);
        assert_eq!(prefixes(&item), Some(vec![format!("{rank}|ecs-disk-encrypted|")]));
        let unknown = ResultFilter { item: Some("no-such-item".into()), ..Default::default() };
        assert_eq!(prefixes(&unknown), Some(Vec::new()));
        let oss = ResultFilter { product: Some("OSS".into()), ..Default::default() };
        let p = prefixes(&oss).unwrap();
        assert!(p.len() > 3 && p.windows(2).all(|w| w[0] < w[1]), "{p:?}");
    }
}
