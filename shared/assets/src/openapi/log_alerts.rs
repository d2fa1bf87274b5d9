//! `sls:ListAlerts`: Log Service alert rules, one response per project. What
//! the CIS monitoring recommendations ask is whether some *enabled* alert
//! watches a given kind of event, so the queries of the enabled alerts
//! become one field of the account-wide [`ALERTS`] asset.

use super::quirks::str_field;
use super::shape::{self, At};
use super::{Builder, IngestError, malformed};
use crate::model::{AssetKind, AssetSpec, Slot};
use serde_json::Value;

/// The account's Log Service alert rules, all projects together.
pub const ALERTS: &str = "ACS::SLS::AlertRules";

pub(super) fn list_alerts(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let mut queries = Vec::new();
    for alert in &shape::required_list(api, &At::body(body), "results")? {
        let status = str_field(alert, "status").ok_or_else(|| malformed(api, "an alert lacks status"))?;
        if !status.eq_ignore_ascii_case("ENABLED") {
            continue;
        }
        let list = shape::list(api, alert, "configuration.queryList")?;
        queries.extend(list.iter().filter_map(|q| str_field(q, "query")).map(Value::String));
    }
    let kind = AssetKind::Other(ALERTS);
    let asset = b.entry(kind, "account", || AssetSpec::Resource(ALERTS.to_owned()));
    asset.name = Some("Log Service alert rules".into());
    let all = match asset.fields.remove("enabled_alert_queries") {
        Some(Slot::Known(Value::Array(mut earlier))) => {
            earlier.extend(queries);
            earlier
        }
        _ => queries,
    };
    asset.fields.insert("enabled_alert_queries".into(), Slot::Known(Value::Array(all)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::openapi::{ApiResponse, ingest};
    use serde_json::json;

    fn alerts(project: &str, alerts: serde_json::Value) -> ApiResponse {
        serde_json::from_value(
            json!({"api": "sls:ListAlerts", "params": {"project": project}, "response": {"results": alerts}}),
        )
        .unwrap()
    }

    #[test]
    fn enabled_queries_of_every_project_are_gathered() {
        let q = |query: &str, status: &str| json!({"name": "a", "status": status, "configuration": {"queryList": [{"query": query}]}});
        let assets = ingest(&[
            alerts("p1", json!([q("x", "ENABLED"), q("off", "DISABLED")])),
            alerts("p2", json!([q("y", "ENABLED")])),
        ])
        .unwrap();
        assert_eq!(assets.len(), 1);
        assert_eq!(assets[0].fields.get("enabled_alert_queries"), Some(&crate::Slot::Known(json!(["x", "y"]))));
        let malformed = alerts("p3", json!([{"name": "no status"}]));
        assert!(ingest(&[malformed]).unwrap_err().to_string().contains("lacks status"));
    }
}
