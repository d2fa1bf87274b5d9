//! OSS as the emulator answers it: virtual-hosted requests
//! (`<bucket>.oss-<region>.aliyuncs.com/?acl`) signed with V4, answered in
//! XML from the seeded documents (which the import format may hold as JSON;
//! they are turned back into the XML OSS sends). `ListBuckets` lists the
//! buckets the `GetBucketInfo` documents describe.

use crate::answer::Failure;
use crate::auth::{Key, Keys};
use crate::state::{Document, State};
use chrono::{DateTime, Utc};
use cspm_cloud::collect::OSS_CALLS;
use cspm_cloud::sign::oss_v4;
use serde_json::Value;

/// What a missing document of a call means, as OSS says it.
fn missing(api: &str) -> (&'static str, &'static str) {
    match api {
        "oss:GetBucketPolicy" => ("NoSuchBucketPolicy", "The bucket policy does not exist."),
        "oss:GetBucketEncryption" => {
            ("NoSuchServerSideEncryptionRule", "The server side encryption configuration was not found")
        }
        _ => ("ResourceNotFound", "The emulated account does not describe this."),
    }
}

/// `(bucket, region)` of a host: `b.oss-cn-hangzhou.aliyuncs.com` or `oss-cn-hangzhou.aliyuncs.com`.
pub fn parse_host(host: &str) -> Option<(Option<String>, String)> {
    let host = host.split(':').next().unwrap_or(host);
    let (bucket, service) = match host.split_once(".oss-") {
        Some((b, rest)) => (Some(b.to_owned()), rest),
        None => (None, host.strip_prefix("oss-")?),
    };
    let region = service.strip_suffix(".aliyuncs.com")?.to_owned();
    Some((bucket, region))
}

/// The key that signed an OSS request, or OSS's refusal.
pub fn authenticate(keys: &Keys, req: &oss_v4::Request<'_>, region: &str, now: DateTime<Utc>) -> Result<Key, Failure> {
    let header = |name: &str| req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let fail = |e: oss_v4::SignError| Failure::new(403, e.code(), e.to_string());
    let auth = oss_v4::parse_authorization(header("authorization").unwrap_or_default()).map_err(fail)?;
    let key = keys.lookup(&auth.access_key_id).ok_or_else(|| fail(oss_v4::SignError::InvalidAccessKeyId))?;
    oss_v4::check_date(header("x-oss-date").unwrap_or_default(), now).map_err(fail)?;
    oss_v4::verify(req, region, &key.secret).map_err(fail)?;
    if let Some(token) = &key.token
        && (header("x-oss-security-token") != Some(token.as_str()) || key.expires_at.is_some_and(|at| at <= now))
    {
        return Err(Failure::new(403, "InvalidSecurityToken", "The security token you provided is invalid."));
    }
    Ok(key)
}

/// The call a request makes.
pub fn api_of(bucket: Option<&str>, query: &[(String, String)]) -> Option<&'static str> {
    if bucket.is_none() {
        return Some("oss:ListBuckets");
    }
    OSS_CALLS.iter().find(|(sub, _)| query.iter().any(|(k, _)| k == sub)).map(|(_, api)| *api)
}

fn bucket_of(doc: &Document) -> Option<&str> {
    doc.params
        .get("BucketName")
        .map(String::as_str)
        .or_else(|| doc.response.pointer("/BucketInfo/Bucket/Name").and_then(Value::as_str))
}

/// The XML answer to `api` on `bucket`.
pub fn answer(state: &State, api: &str, bucket: Option<&str>) -> Result<String, Failure> {
    let Some(bucket) = bucket else { return Ok(list_buckets(state)) };
    let Some(info) = state.documents().iter().find(|d| d.api == "oss:GetBucketInfo" && bucket_of(d) == Some(bucket))
    else {
        return Err(Failure::new(404, "NoSuchBucket", "The specified bucket does not exist."));
    };
    let Some(doc) = state.documents().iter().find(|d| d.api == api && bucket_of(d) == Some(bucket)) else {
        if let Some(rule) = (api == "oss:GetBucketEncryption").then(|| encryption_rule(info)).flatten() {
            return Ok(rule);
        }
        let (code, message) = missing(api);
        return Err(Failure::new(404, code, message));
    };
    match &doc.response {
        Value::String(xml) if xml.trim_start().starts_with("<Error") => Err(error_of(xml)),
        Value::String(xml) => Ok(xml.clone()),
        v if v.get("Code").is_some() || v.pointer("/Error/Code").is_some() => {
            let code = v.get("Code").or_else(|| v.pointer("/Error/Code")).and_then(Value::as_str).unwrap_or("Error");
            Err(Failure::new(404, code, ""))
        }
        v => Ok(to_xml(v)),
    }
}

/// The default encryption rule GetBucketInfo describes (OSS answers both
/// from one configuration), or `None` when the bucket has none.
fn encryption_rule(info: &Document) -> Option<String> {
    let rule = info.response.pointer("/BucketInfo/Bucket/ServerSideEncryptionRule")?;
    let algorithm = rule.get("SSEAlgorithm").and_then(Value::as_str).filter(|a| !a.eq_ignore_ascii_case("none"))?;
    let mut default = serde_json::json!({"SSEAlgorithm": algorithm});
    if let Some(key) = rule.get("KMSMasterKeyID").and_then(Value::as_str).filter(|k| !k.is_empty()) {
        default["KMSMasterKeyID"] = Value::String(key.to_owned());
    }
    Some(to_xml(&serde_json::json!({"ServerSideEncryptionRule": {"ApplyServerSideEncryptionByDefault": default}})))
}

fn error_of(xml: &str) -> Failure {
    let code = xml.split("<Code>").nth(1).and_then(|r| r.split("</Code>").next()).unwrap_or("Error");
    Failure::new(404, code, "")
}

fn list_buckets(state: &State) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets>"#);
    for doc in state.documents().iter().filter(|d| d.api == "oss:GetBucketInfo") {
        let field =
            |k: &str| doc.response.pointer(&format!("/BucketInfo/Bucket/{k}")).and_then(Value::as_str).unwrap_or("");
        out.push_str(&format!(
            "<Bucket><Name>{}</Name><Location>{}</Location><CreationDate>{}</CreationDate></Bucket>",
            escape(field("Name")),
            escape(field("Location")),
            escape(field("CreationDate"))
        ));
    }
    out.push_str("</Buckets><IsTruncated>false</IsTruncated></ListAllMyBucketsResult>");
    out
}

/// `{"A": {"B": ["x", "y"]}}` → `<A><B>x</B><B>y</B></A>`: the JSON shape the
/// import format holds back into the XML OSS sends.
pub fn to_xml(v: &Value) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    if let Some(map) = v.as_object() {
        for (k, child) in map {
            element(&mut out, k, child);
        }
    }
    out
}

fn element(out: &mut String, name: &str, v: &Value) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| element(out, name, i)),
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (k, child) in map {
                element(out, k, child);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hosts_name_bucket_and_region() {
        assert_eq!(parse_host("b1.oss-cn-hangzhou.aliyuncs.com"), Some((Some("b1".into()), "cn-hangzhou".into())));
        assert_eq!(parse_host("oss-eu-central-1.aliyuncs.com"), Some((None, "eu-central-1".into())));
        assert_eq!(parse_host("ecs.cn-hangzhou.aliyuncs.com"), None);
    }

    #[test]
    fn json_documents_become_the_xml_oss_sends() {
        let xml = to_xml(
            &json!({"AccessControlPolicy": {"AccessControlList": {"Grant": "public-read"}, "Tags": {"Tag": [{"K": "a<b"}, {"K": "c"}]}}}),
        );
        assert!(xml.ends_with("<AccessControlPolicy><AccessControlList><Grant>public-read</Grant></AccessControlList><Tags><Tag><K>a&lt;b</K></Tag><Tag><K>c</K></Tag></Tags></AccessControlPolicy>"), "{xml}");
    }
}
