//! `ims:GetCredentialReport`: the account's credential report, Base64 text of
//! a CSV with one row per identity. The root identity's row (`<root>`)
//! becomes the [`ROOT_ACCOUNT`] asset: whether its MFA is on, how many of its
//! AccessKeys are active, and when it last logged on to the console. Users'
//! rows are left to the RAM calls, which say more.

use super::{Builder, malformed, required_str};
use crate::model::{Asset, AssetKind, AssetSpec, Slot};
use crate::openapi::IngestError;
use base64::Engine;
use serde_json::Value;

/// The Alibaba Cloud account's own (root) identity.
pub const ROOT_ACCOUNT: &str = "ACS::RAM::RootAccount";

/// The report's name for the root identity.
const ROOT_ROW: &str = "<root>";

/// Cells the report writes for "none" (no key, never logged on).
fn none(cell: &str) -> bool {
    matches!(cell, "N/A" | "-")
}

/// A true/false cell; `None` for anything else (`no_information`, empty).
fn flag(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub(super) fn credential_report(b: &mut Builder, api: &str, body: &Value) -> Result<(), IngestError> {
    let content = required_str(api, body, "Content")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .map_err(|e| malformed(api, format!("Content is not Base64: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| malformed(api, "Content does not decode to UTF-8 text"))?;
    let mut rows = text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split(',').map(str::trim).collect());
    let header: Vec<&str> = rows.next().ok_or_else(|| malformed(api, "the report has no header row"))?;
    let column = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| malformed(api, format!("the report has no {name} column")))
    };
    let (user, mfa, logon) = (column("user")?, column("mfa_active")?, column("user_last_logon")?);
    // access_key_1_active, access_key_2_active, additional_access_key_N_active.
    let key_columns: Vec<usize> =
        (0..header.len()).filter(|&i| header[i].contains("access_key_") && header[i].ends_with("_active")).collect();
    let Some(root) = rows.find(|r: &Vec<&str>| r.get(user) == Some(&ROOT_ROW)) else {
        return Err(malformed(api, "the report has no <root> row"));
    };
    if root.len() != header.len() {
        return Err(malformed(api, format!("the <root> row has {} cells, the header {}", root.len(), header.len())));
    }
    // A cell the report could not fill (`no_information`) leaves its field
    // unreported: the items then say the data is missing, not pass or fail.
    let keys: Option<Vec<bool>> =
        key_columns.iter().map(|&i| if none(root[i]) { Some(false) } else { flag(root[i]) }).collect();
    let last_logon = match root[logon] {
        c if none(c) => Some(Value::Null),
        c if chrono::DateTime::parse_from_rfc3339(c).is_ok() => Some(Value::String(c.to_owned())),
        "" | "no_information" => None,
        c => return Err(malformed(api, format!("user_last_logon {c:?} of <root> is not an RFC 3339 timestamp"))),
    };
    let asset = root_account(b);
    if let Some(on) = flag(root[mfa]) {
        asset.fields.insert("mfa_active".into(), Slot::Known(Value::Bool(on)));
    }
    if let Some(keys) = keys {
        let active = keys.iter().filter(|&&k| k).count();
        asset.fields.insert("active_access_keys".into(), Slot::Known(Value::from(active)));
    }
    if let Some(at) = last_logon {
        asset.fields.insert("last_console_logon".into(), Slot::Known(at));
    }
    if let Some(generated) = body.get("GeneratedTime").and_then(Value::as_str) {
        asset.fields.insert("report_generated".into(), Slot::Known(Value::String(generated.to_owned())));
    }
    Ok(())
}

fn root_account(b: &mut Builder) -> &mut Asset {
    let kind = AssetKind::Other(ROOT_ACCOUNT);
    let asset = b.entry(kind, "root", || AssetSpec::Resource(ROOT_ACCOUNT.to_owned()));
    asset.name = Some("Alibaba Cloud account (root)".into());
    asset
}

#[cfg(test)]
mod tests {
    use crate::openapi::{ApiResponse, ingest};
    use base64::Engine;
    use serde_json::json;

    fn report(csv: &str) -> ApiResponse {
        let content = base64::engine::general_purpose::STANDARD.encode(csv);
        serde_json::from_value(json!({"api": "ims:GetCredentialReport", "response": {"Content": content, "GeneratedTime": "2026-05-31T08:00:00Z"}}))
            .unwrap()
    }

    const HEADER: &str = "user,user_creation_time,user_last_logon,password_exist,password_active,password_last_changed,password_next_rotation,mfa_active,access_key_1_exist,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used,access_key_2_exist,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used";

    #[test]
    fn the_root_row_becomes_the_root_account() {
        let csv = format!(
            "{HEADER}\n<root>,2019-01-01T00:00:00Z,2026-05-20T10:00:00Z,TRUE,true,N/A,N/A,false,true,true,2020-01-01T00:00:00Z,2026-05-30T00:00:00Z,false,N/A,N/A,N/A\nalice,2020-01-01T00:00:00Z,N/A,true,true,N/A,N/A,true,false,N/A,N/A,N/A,false,N/A,N/A,N/A\n"
        );
        let assets = ingest(&[report(&csv)]).unwrap();
        assert_eq!(assets.len(), 1, "only the root row");
        let root = &assets[0];
        assert_eq!(root.kind().as_str(), super::ROOT_ACCOUNT);
        assert_eq!(root.fields.get("mfa_active"), Some(&crate::Slot::Known(json!(false))));
        assert_eq!(root.fields.get("active_access_keys"), Some(&crate::Slot::Known(json!(1))));
        assert_eq!(root.fields.get("last_console_logon"), Some(&crate::Slot::Known(json!("2026-05-20T10:00:00Z"))));
    }

    #[test]
    fn a_report_that_cannot_be_read_is_refused_with_the_reason() {
        let not_base64 =
            serde_json::from_value(json!({"api": "ims:GetCredentialReport", "response": {"Content": "%%%"}})).unwrap();
        assert!(ingest(&[not_base64]).unwrap_err().to_string().contains("not Base64"));
        let no_root =
            report(&format!("{HEADER}\nalice,x,N/A,true,true,N/A,N/A,true,false,N/A,N/A,N/A,false,N/A,N/A,N/A\n"));
        assert!(ingest(&[no_root]).unwrap_err().to_string().contains("no <root> row"));
        let bad_date = report(&format!(
            "{HEADER}\n<root>,x,yesterday,true,true,N/A,N/A,true,false,N/A,N/A,N/A,false,N/A,N/A,N/A\n"
        ));
        assert!(ingest(&[bad_date]).unwrap_err().to_string().contains("\"yesterday\""));
        let short = report(&format!("{HEADER}\n<root>,x,N/A,true\n"));
        assert!(ingest(&[short]).unwrap_err().to_string().contains("cells"));
        let no_column = report("user,mfa_active\n<root>,true\n");
        assert!(ingest(&[no_column]).unwrap_err().to_string().contains("no user_last_logon column"));
    }

    #[test]
    fn cells_the_report_could_not_fill_are_not_guessed() {
        let csv = format!(
            "{HEADER}\n<root>,2019-01-01T00:00:00Z,no_information,true,true,N/A,N/A,no_information,true,no_information,N/A,N/A,false,N/A,N/A,N/A\n"
        );
        let assets = ingest(&[report(&csv)]).unwrap();
        let root = &assets[0];
        for field in ["mfa_active", "active_access_keys", "last_console_logon"] {
            assert!(!matches!(root.fields.get(field), Some(crate::Slot::Known(_))), "{field} was guessed");
        }
    }
}
