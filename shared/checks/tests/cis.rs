//! `docs/cis-v2.0.md` lists, for each CIS v2.0 recommendation, the items that
//! check it. It must agree with the numbers the items cite.

use std::collections::BTreeSet;
use std::path::Path;

const BENCHMARK: &str = "CIS Alibaba Cloud Foundations Benchmark v2.0 ";

#[test]
fn the_cis_coverage_document_matches_the_catalogue() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cis-v2.0.md"))
        .expect("docs/cis-v2.0.md");
    let mut documented = BTreeSet::new();
    for row in doc.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| CIS")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let number = cells[1];
        for item in cells[3].split(", ").filter_map(|i| i.strip_prefix('`')?.strip_suffix('`')) {
            documented.insert((number.to_owned(), item.to_owned()));
        }
    }
    let cited: BTreeSet<(String, String)> = cspm_checks::catalogue()
        .iter()
        .flat_map(|c| {
            c.meta.standards.iter().filter_map(|s| Some((s.strip_prefix(BENCHMARK)?.to_owned(), c.meta.id.to_owned())))
        })
        .collect();
    assert_eq!(documented, cited, "docs/cis-v2.0.md and the items' CIS citations differ");
}
