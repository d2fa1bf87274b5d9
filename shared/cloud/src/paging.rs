//! Walking a list API's pages, in each of the styles Alibaba's APIs use:
//! `PageNumber`/`PageSize` with `TotalCount`, `NextToken`, and RAM's
//! `Marker`/`IsTruncated`. A walk stops when the answer says there is no
//! more, and also when a page comes back empty (a service that misreports
//! its total must not make the collector loop).

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// One answer holds everything.
    Single,
    /// `PageNumber` from 1, `PageSize` up to `size`; `TotalCount` in the
    /// answer, the items under `list` (`Instances.Instance`).
    PageNumber { size: u32, list: &'static str },
    /// `NextToken` in the answer, sent back as the request's `NextToken`;
    /// the page size under `size_param` (`MaxResults`), the items under
    /// `list` (`LoadBalancers`, a list of its own in the newer APIs).
    NextToken { size_param: &'static str, size: u32, list: &'static str },
    /// RAM: `Marker` and `IsTruncated` in the answer, `MaxItems` up to `size`.
    Marker { size: u32 },
}

/// The request parameters of one page.
pub type PageParams = Vec<(String, String)>;

impl Paging {
    /// The first page's parameters.
    pub fn first(&self) -> PageParams {
        match *self {
            Paging::Single => Vec::new(),
            Paging::PageNumber { size, .. } => {
                vec![("PageNumber".into(), "1".into()), ("PageSize".into(), size.to_string())]
            }
            Paging::NextToken { size_param, size, .. } => vec![(size_param.into(), size.to_string())],
            Paging::Marker { size } => vec![("MaxItems".into(), size.to_string())],
        }
    }

    /// The next page's parameters after `answer` to the page asked with
    /// `asked`, or `None` when the walk is over.
    pub fn next(&self, asked: &PageParams, answer: &Value) -> Option<PageParams> {
        let param = |name: &str| asked.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        match *self {
            Paging::Single => None,
            Paging::PageNumber { size, list } => {
                let page: u64 = param("PageNumber")?.parse().ok()?;
                let on_page = count(answer, list);
                let total = answer.get("TotalCount").and_then(as_u64)?;
                let seen = (page - 1) * u64::from(size) + on_page;
                (on_page > 0 && seen < total)
                    .then(|| vec![("PageNumber".into(), (page + 1).to_string()), ("PageSize".into(), size.to_string())])
            }
            Paging::NextToken { size_param, size, .. } => {
                let token = answer.get("NextToken").and_then(Value::as_str).filter(|t| !t.is_empty())?;
                // The same token twice would loop for ever.
                (param("NextToken") != Some(token))
                    .then(|| vec![(size_param.into(), size.to_string()), ("NextToken".into(), token.to_owned())])
            }
            Paging::Marker { size } => {
                let truncated = answer.get("IsTruncated").is_some_and(|v| v.as_bool() == Some(true) || v == "true");
                let marker = answer.get("Marker").and_then(Value::as_str).filter(|m| !m.is_empty())?;
                (truncated && param("Marker") != Some(marker))
                    .then(|| vec![("MaxItems".into(), size.to_string()), ("Marker".into(), marker.to_owned())])
            }
        }
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.parse().ok())
}

/// Items at a dotted path (`Instances.Instance`): an array's length, 1 for
/// a lone object, 0 when absent.
pub fn count(answer: &Value, path: &str) -> u64 {
    let mut v = answer;
    for part in path.split('.') {
        match v.get(part) {
            Some(next) => v = next,
            None => return 0,
        }
    }
    match v {
        Value::Array(a) => a.len() as u64,
        Value::Null => 0,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn page_numbers_run_until_the_total_is_seen() {
        let p = Paging::PageNumber { size: 2, list: "Instances.Instance" };
        let first = p.first();
        let page = |n: usize| json!({"TotalCount": 5, "Instances": {"Instance": vec![json!({}); n]}});
        let second = p.next(&first, &page(2)).unwrap();
        assert_eq!(second, vec![("PageNumber".into(), "2".into()), ("PageSize".into(), "2".into())]);
        let third = p.next(&second, &page(2)).unwrap();
        assert_eq!(p.next(&third, &page(1)), None, "5 of 5 seen");
        assert_eq!(p.next(&first, &page(0)), None, "an empty page ends a walk whatever the total says");
        assert_eq!(p.next(&first, &json!({"Instances": {}})), None, "no total: one page");
    }

    #[test]
    fn tokens_and_markers_end_when_the_answer_says_so() {
        let p = Paging::NextToken { size_param: "MaxResults", size: 100, list: "LoadBalancers" };
        let first = p.first();
        let next = p.next(&first, &json!({"NextToken": "abc"})).unwrap();
        assert!(next.contains(&("NextToken".into(), "abc".into())));
        assert_eq!(p.next(&next, &json!({"NextToken": "abc"})), None, "a repeated token ends the walk");
        assert_eq!(p.next(&next, &json!({"NextToken": ""})), None);
        let m = Paging::Marker { size: 1000 };
        let first = m.first();
        let next = m.next(&first, &json!({"IsTruncated": true, "Marker": "m1"})).unwrap();
        assert!(next.contains(&("Marker".into(), "m1".into())));
        assert_eq!(m.next(&next, &json!({"IsTruncated": false, "Marker": ""})), None);
    }

    #[test]
    fn counts_read_wrapped_lists() {
        assert_eq!(count(&json!({"Users": {"User": [1, 2, 3]}}), "Users.User"), 3);
        assert_eq!(count(&json!({"Users": {"User": {"UserName": "a"}}}), "Users.User"), 1);
        assert_eq!(count(&json!({"Users": {}}), "Users.User"), 0);
    }
}
