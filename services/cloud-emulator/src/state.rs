//! The account's state: documents in the import format (`{"api", "params",
//! "response"}`, as `cspm import` reads them), answered back to the calls
//! they describe. A list call's items, from every document of that call, are
//! paged as the real API pages them, so a client must walk the pages.

use crate::answer::Failure;
use cspm_cloud::catalogue;
use cspm_cloud::paging::Paging;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    pub api: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    pub response: Value,
}

/// Request parameters that page or shape an answer, not select it. The others
/// (`RegionId`, `PolicyType`, …) select: a document naming another value does
/// not answer, and a listed item naming another value is not listed.
const NOT_SELECTING: &[&str] = &["PageNumber", "PageSize", "MaxResults", "NextToken", "Marker", "MaxItems"];

#[derive(Default)]
pub struct State {
    documents: Vec<Document>,
}

impl State {
    pub fn new(documents: Vec<Document>) -> Self {
        Self { documents }
    }

    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// Whether a document of `doc` answers a call with `params`: every
    /// selecting parameter it knows (in its params or as a top-level field of
    /// its response) has the requested value.
    fn selects(doc: &Document, params: &[(String, String)]) -> bool {
        params.iter().filter(|(k, _)| !NOT_SELECTING.contains(&k.as_str())).all(|(k, v)| {
            match (doc.params.get(k), doc.response.get(k)) {
                (Some(p), _) => p == v,
                (None, Some(Value::String(r))) => r == v,
                (None, Some(r)) => r.as_i64().is_some_and(|n| v.parse() == Ok(n)),
                (None, None) => true,
            }
        })
    }

    /// `ecs:DescribeRegions` when the account seeds no answer of its own:
    /// the regions its documents name.
    fn regions(&self) -> Value {
        let mut named = BTreeSet::new();
        for d in &self.documents {
            named.extend(d.params.get("RegionId").cloned());
            regions_named(&d.response, &mut named);
        }
        let regions: Vec<Value> = named
            .into_iter()
            .map(|r| serde_json::json!({"RegionId": r, "LocalName": r, "RegionEndpoint": format!("ecs.{r}.aliyuncs.com")}))
            .collect();
        serde_json::json!({"RequestId": "00000000-0000-4000-8000-000000000000", "Regions": {"Region": regions}})
    }

    /// The answer to `api` called with `params`.
    pub fn answer(&self, api: &str, params: &[(String, String)]) -> Result<Value, Failure> {
        let docs: Vec<&Document> = self.documents.iter().filter(|d| d.api == api && Self::selects(d, params)).collect();
        if docs.is_empty() && api == "ecs:DescribeRegions" {
            return Ok(self.regions());
        }
        let empty: Value;
        let first: &Value = match (docs.first(), catalogue::paging(api)) {
            (Some(doc), _) => &doc.response,
            // An account without any of a listed resource answers an empty list.
            (None, Paging::PageNumber { list, .. } | Paging::NextToken { list, .. }) => {
                empty = with_list(&Value::Object(Map::new()), list, Vec::new());
                &empty
            }
            (None, _) => {
                return Err(Failure::new(404, "ResourceNotFound", format!("{api}: nothing matches {params:?}")));
            }
        };
        // A document that holds an error body is answered as that error.
        if let Some(code) = first.get("Code").and_then(Value::as_str) {
            let status = if code.starts_with("EntityNotExist") || code.starts_with("NoSuch") { 404 } else { 400 };
            let message = first.get("Message").and_then(Value::as_str).unwrap_or_default();
            return Err(Failure::new(status, code, message));
        }
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let filters: Vec<&(String, String)> =
            params.iter().filter(|(k, _)| !NOT_SELECTING.contains(&k.as_str())).collect();
        let gather = |list: &str| gather(&docs, list, &filters);
        match catalogue::paging(api) {
            Paging::Single => Ok(first.clone()),
            Paging::PageNumber { size, list } => {
                let items = gather(list);
                let number: usize = param("PageNumber").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
                let page_size: usize =
                    param("PageSize").and_then(|p| p.parse().ok()).unwrap_or(10).clamp(1, size as usize);
                let page = items.iter().skip((number - 1) * page_size).take(page_size).cloned().collect();
                let mut body = with_list(first, list, page);
                let total = Value::from(items.len());
                for (k, v) in
                    [("TotalCount", total.clone()), ("PageNumber", number.into()), ("PageSize", page_size.into())]
                {
                    put(&mut body, k, v);
                }
                // RDS also names the total `TotalRecordCount`.
                if body.get("TotalRecordCount").is_some() {
                    put(&mut body, "TotalRecordCount", total);
                }
                Ok(body)
            }
            Paging::Marker { size } => {
                let (mut body, next) = token_page(first, &gather, None, param("Marker"), param("MaxItems"), 100, size);
                put(&mut body, "IsTruncated", Value::Bool(!next.is_empty()));
                put(&mut body, "Marker", Value::String(next));
                Ok(body)
            }
            Paging::NextToken { size, size_param, list } => {
                let (mut body, next) =
                    token_page(first, &gather, Some(list), param("NextToken"), param(size_param), 10, size);
                put(&mut body, "NextToken", Value::String(next));
                Ok(body)
            }
        }
    }
}

/// A token-paged answer (RAM's `Marker`/`MaxItems`, `NextToken`/`MaxResults`):
/// the page from the offset the token names (up to `max`, `default` when
/// not asked, at most `size`), and the next token, empty after the last page.
fn token_page(
    first: &Value,
    gather: &dyn Fn(&str) -> Vec<Value>,
    list: Option<&str>,
    token: Option<&str>,
    max: Option<&str>,
    default: usize,
    size: u32,
) -> (Value, String) {
    let list = list.map(str::to_owned).or_else(|| marker_list(first)).unwrap_or_default();
    let items = gather(&list);
    let start: usize = token.and_then(|m| m.parse().ok()).unwrap_or(0);
    let max: usize = max.and_then(|p| p.parse().ok()).unwrap_or(default).clamp(1, size as usize);
    let page = items.iter().skip(start).take(max).cloned().collect();
    let next = if start + max < items.len() { (start + max).to_string() } else { String::new() };
    (with_list(first, &list, page), next)
}

/// The wrapped list of a RAM-style answer (`Users.User`): the one object
/// field holding one array.
fn marker_list(response: &Value) -> Option<String> {
    response.as_object()?.iter().find_map(|(outer, v)| {
        let (inner, _) = v.as_object()?.iter().find(|(_, items)| items.is_array())?;
        Some(format!("{outer}.{inner}"))
    })
}

/// Every item at `path` of every document, in order, but those naming
/// another value of a filter.
fn gather(docs: &[&Document], path: &str, filters: &[&(String, String)]) -> Vec<Value> {
    let mut out = Vec::new();
    for d in docs {
        let mut v = &d.response;
        for part in path.split('.') {
            v = v.get(part).unwrap_or(&Value::Null);
        }
        match v {
            Value::Array(items) => out.extend(items.iter().cloned()),
            Value::Null => {}
            one => out.push(one.clone()),
        }
    }
    out.retain(|item| filters.iter().all(|(k, v)| item.get(k).and_then(Value::as_str).is_none_or(|x| x == v)));
    out
}

/// Adds to `out` every region `v` names (`RegionId` anywhere in it).
fn regions_named(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match (k.as_str(), child) {
                    ("RegionId", Value::String(r)) => drop(out.insert(r.clone())),
                    _ => regions_named(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| regions_named(i, out)),
        _ => {}
    }
}

/// `response` with the list at `path` replaced by `items`.
fn with_list(response: &Value, path: &str, items: Vec<Value>) -> Value {
    let mut body = response.clone();
    let mut parts = path.split('.').peekable();
    let mut at = &mut body;
    while let Some(part) = parts.next() {
        let Some(map) = at.as_object_mut() else { break };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), Value::Array(items));
            break;
        }
        at = map.entry(part.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    }
    body
}

fn put(body: &mut Value, key: &str, value: Value) {
    if let Some(map) = body.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(api: &str, params: &[(&str, &str)], response: Value) -> Document {
        Document {
            api: api.into(),
            params: params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            response,
        }
    }

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn documents_answer_the_calls_they_describe() {
        let s = State::new(vec![
            doc("ecs:DescribeSecurityGroupAttribute", &[], json!({"SecurityGroupId": "sg-1", "Permissions": {}})),
            doc("ecs:DescribeSecurityGroupAttribute", &[], json!({"SecurityGroupId": "sg-2", "Permissions": {}})),
            doc(
                "ram:ListAccessKeys",
                &[("UserName", "bob")],
                json!({"AccessKeys": {"AccessKey": [{"AccessKeyId": "k"}]}}),
            ),
        ]);
        let sg = s.answer(
            "ecs:DescribeSecurityGroupAttribute",
            &p(&[("SecurityGroupId", "sg-2"), ("RegionId", "cn-hangzhou")]),
        );
        assert_eq!(sg.unwrap()["SecurityGroupId"], "sg-2");
        assert!(s.answer("ram:ListAccessKeys", &p(&[("UserName", "bob")])).is_ok());
        assert_eq!(s.answer("ram:ListAccessKeys", &p(&[("UserName", "eve")])).unwrap_err().code, "ResourceNotFound");
    }

    #[test]
    fn list_calls_are_paged_honestly() {
        let items: Vec<Value> = (0..250).map(|i| json!({"InstanceId": format!("i-{i}")})).collect();
        let s = State::new(vec![doc(
            "ecs:DescribeInstances",
            &[],
            json!({"TotalCount": 250, "Instances": {"Instance": items}}),
        )]);
        let page = s.answer("ecs:DescribeInstances", &p(&[("PageNumber", "3"), ("PageSize", "100")])).unwrap();
        assert_eq!(page["Instances"]["Instance"].as_array().unwrap().len(), 50);
        assert_eq!((page["TotalCount"].as_u64(), page["PageNumber"].as_u64()), (Some(250), Some(3)));
        let capped = s.answer("ecs:DescribeInstances", &p(&[("PageSize", "5000")])).unwrap();
        assert_eq!(capped["Instances"]["Instance"].as_array().unwrap().len(), 100, "the API's largest page");
        let users: Vec<Value> = (0..3).map(|i| json!({"UserName": format!("u{i}")})).collect();
        let s = State::new(vec![doc("ram:ListUsers", &[], json!({"IsTruncated": false, "Users": {"User": users}}))]);
        let first = s.answer("ram:ListUsers", &p(&[("MaxItems", "2")])).unwrap();
        assert_eq!((first["IsTruncated"].as_bool(), first["Marker"].as_str()), (Some(true), Some("2")));
        let last = s.answer("ram:ListUsers", &p(&[("MaxItems", "2"), ("Marker", "2")])).unwrap();
        assert_eq!(last["Users"]["User"].as_array().unwrap().len(), 1);
        assert_eq!(last["IsTruncated"], false);
    }

    /// A filter the request names selects documents and listed items alike.
    #[test]
    fn filters_select_listed_items() {
        let policy = |name: &str, kind: &str| json!({"PolicyName": name, "PolicyType": kind});
        let s = State::new(vec![
            doc(
                "ram:ListPolicies",
                &[],
                json!({"Policies": {"Policy": [policy("AliyunECSReadOnlyAccess", "System"), policy("mine", "Custom")]}}),
            ),
            doc(
                "ecs:DescribeSecurityGroupAttribute",
                &[("RegionId", "cn-shanghai")],
                json!({"SecurityGroupId": "sg-1"}),
            ),
        ]);
        let custom = s.answer("ram:ListPolicies", &p(&[("PolicyType", "Custom")])).unwrap();
        assert_eq!(custom["Policies"]["Policy"], json!([policy("mine", "Custom")]));
        let all = s.answer("ram:ListPolicies", &[]).unwrap();
        assert_eq!(all["Policies"]["Policy"].as_array().unwrap().len(), 2);
        let sg = |region: &str| {
            s.answer("ecs:DescribeSecurityGroupAttribute", &p(&[("SecurityGroupId", "sg-1"), ("RegionId", region)]))
        };
        assert!(sg("cn-shanghai").is_ok());
        assert_eq!(sg("cn-hangzhou").unwrap_err().code, "ResourceNotFound");
    }

    /// An account without any of a listed resource answers an empty page,
    /// not an error; an unknown single call is still not found.
    #[test]
    fn an_unseeded_list_is_empty() {
        let s = State::new(Vec::new());
        let vpcs = s.answer("vpc:DescribeVpcs", &p(&[("RegionId", "cn-hangzhou")])).unwrap();
        assert_eq!((vpcs["Vpcs"]["Vpc"].clone(), vpcs["TotalCount"].as_u64()), (json!([]), Some(0)));
        assert_eq!(s.answer("kms:DescribeKey", &p(&[("KeyId", "k")])).unwrap_err().code, "ResourceNotFound");
    }
}
