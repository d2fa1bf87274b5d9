//! Printing: JSON as is, or readable tables.

use serde_json::Value;
use std::io::Write;

/// Prints a line; a closed pipe (`cspm … | head`) ends the program quietly.
pub fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").is_err() {
        std::process::exit(0);
    }
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! say {
    ($($t:tt)*) => { $crate::output::emit(&format!($($t)*)) };
}
pub(crate) use say;

pub fn json(v: &Value) -> anyhow::Result<()> {
    say!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Prints rows under headers, columns padded to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([headers[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        say!("{}", padded.join("  ").trim_end());
    };
    line(headers.to_vec());
    line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

pub fn quota(q: &Value) {
    say!("{}: {}", s(&q["headline"]["label"]), s(&q["headline"]["value"]));
    say!(
        "billing {}  purchased {}  cap {}  used {}  reserved {}  remaining {}",
        s(&q["billing_method"]),
        s(&q["purchased"]),
        s(&q["cap"]),
        s(&q["used"]),
        s(&q["reserved"]),
        s(&q["remaining"])
    );
}

pub fn task(p: &Value) {
    say!(
        "task {}: {} — {}/{} evaluations, {} units charged (forecast {}, remaining at start {})",
        s(&p["task_id"]),
        s(&p["state"]),
        s(&p["finished"]),
        s(&p["total"]),
        s(&p["units_charged"]),
        s(&p["units_needed"]),
        s(&p["remaining_at_start"])
    );
    if let Some(by) = p["by_status"].as_object() {
        let parts: Vec<String> = by.iter().map(|(k, v)| format!("{k} {v}")).collect();
        say!("  {}", parts.join(", "));
    }
    for skipped in p["skipped"].as_array().into_iter().flatten() {
        say!("  skipped {}: {}", s(&skipped["item_id"]), s(&skipped["reason"]));
    }
}

pub fn collection(c: &Value) {
    say!(
        "collection {}: {} — {}/{} slices, {} assets ({} new or changed), {} signed API calls",
        s(&c["collection_id"]),
        s(&c["state"]),
        s(&c["jobs_done"]),
        s(&c["jobs"]),
        s(&c["assets"]),
        s(&c["changed"]),
        s(&c["calls"])
    );
    if let Some(reason) = c["reason"].as_str() {
        say!("  {reason}");
    }
    for (api, code) in c["denied"].as_object().into_iter().flatten() {
        say!("  not allowed: {api} ({}); the items that need it are NOT_CHECK", s(code));
    }
    for (api, why) in c["failed"].as_object().into_iter().flatten() {
        say!("  failed: {api}: {}", s(why));
    }
}

pub fn results(rows: &[Value]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let finding = r["findings"].as_array().and_then(|f| f.first()).map_or_else(
                || s(&r["reason"]),
                |f| format!("{} = {} (expected {})", s(&f["field"]), s(&f["value"]), s(&f["expected"])),
            );
            vec![s(&r["risk"]), s(&r["status"]), s(&r["item_id"]), s(&r["instance_id"]), finding]
        })
        .collect();
    table(&["RISK", "STATUS", "CHECK ITEM", "INSTANCE", "FINDING"], &rows);
}

pub fn catalogue(c: &Value) {
    let rows: Vec<Vec<String>> = c["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            vec![
                s(&i["id"]),
                s(&i["product"]),
                s(&i["risk"]),
                if i["free"] == true { "free".into() } else { "paid".into() },
                s(&i["name"]),
            ]
        })
        .collect();
    table(&["ID", "PRODUCT", "RISK", "PRICE", "NAME"], &rows);
    say!(
        "{} items ({} free); by product {}; by category {}; by risk {}",
        s(&c["total"]),
        s(&c["free"]),
        c["by_product"],
        c["by_category"],
        c["by_risk"]
    );
    let packs: Vec<Vec<String>> = c["packs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| vec![s(&p["id"]), format!("{}/{}", s(&p["implemented"]), s(&p["rules"])), s(&p["name"])])
        .collect();
    say!("");
    table(&["PACK", "IMPLEMENTED", "NAME"], &packs);
    say!("{} packs; scan or check one with --pack ID", packs.len());
}
