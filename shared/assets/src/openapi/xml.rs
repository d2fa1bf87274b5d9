//! OSS answers in XML where the other products answer in JSON. An
//! `ApiResponse` whose `response` is XML text is read into the JSON shape the
//! adapter expects: `<A><B>x</B></A>` is `{"A": {"B": "x"}}`, an element
//! repeated under one parent becomes an array, and values stay text (the
//! adapter already reads `"true"` and `"42"`). Attributes carry nothing the
//! adapters read and are dropped.
//!
//! The XML text comes from whoever imports it (HTTP, NATS), so it is bounded
//! before it is read: its size, its node count (roxmltree's `nodes_limit`)
//! and how deep its elements nest. The conversion below recurses once per
//! level, and so does dropping the JSON value it builds, so the depth is
//! checked on roxmltree's flat tree, without recursion, before any value is
//! built. Real OSS responses are a few KB, a few hundred nodes, and nest
//! fewer than 10 elements deep.

use super::{ApiResponse, IngestError, malformed};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The deepest element nesting read (the root element is at depth 1).
pub const MAX_DEPTH: usize = 64;
/// Nodes of every kind (elements, text, comments), as roxmltree counts them.
pub const MAX_NODES: u32 = 100_000;
/// The longest XML text read.
pub const MAX_BYTES: usize = 2 << 20;

#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("the XML response is {0} bytes, more than the {MAX_BYTES} read")]
    TooLong(usize),
    #[error("the XML response has more than {MAX_NODES} nodes")]
    TooManyNodes,
    #[error("the XML response nests elements deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("the XML response does not parse: {0}")]
    Parse(roxmltree::Error),
}

/// The responses with every XML body read into JSON; borrowed when there is none.
pub(super) fn decode_all(responses: &[ApiResponse]) -> Result<Cow<'_, [ApiResponse]>, IngestError> {
    if !responses.iter().any(|r| xml_text(&r.response).is_some()) {
        return Ok(Cow::Borrowed(responses));
    }
    responses
        .iter()
        .map(|r| match xml_text(&r.response) {
            None => Ok(r.clone()),
            Some(text) => {
                Ok(ApiResponse { response: to_json(text).map_err(|e| malformed(&r.api, e.to_string()))?, ..r.clone() })
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Cow::Owned)
}

fn xml_text(response: &Value) -> Option<&str> {
    response.as_str().map(str::trim_start).filter(|t| t.starts_with('<'))
}

pub fn to_json(text: &str) -> Result<Value, XmlError> {
    if text.len() > MAX_BYTES {
        return Err(XmlError::TooLong(text.len()));
    }
    let options = roxmltree::ParsingOptions { nodes_limit: MAX_NODES, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => XmlError::TooManyNodes,
        e => XmlError::Parse(e),
    })?;
    // The deepest element is a leaf: only leaves need their ancestors counted,
    // and counting stops past the limit.
    let too_deep = doc
        .descendants()
        .filter(|n| n.is_element() && !n.children().any(|c| c.is_element()))
        .any(|leaf| leaf.ancestors().filter(roxmltree::Node::is_element).nth(MAX_DEPTH).is_some());
    if too_deep {
        return Err(XmlError::TooDeep);
    }
    let root = doc.root_element();
    let mut top = Map::new();
    top.insert(root.tag_name().name().to_owned(), element(root));
    Ok(Value::Object(top))
}

/// Recursive, at most `MAX_DEPTH` deep: `to_json` checked the depth first.
fn element(node: roxmltree::Node) -> Value {
    let mut children = node.children().filter(roxmltree::Node::is_element).peekable();
    if children.peek().is_none() {
        return Value::String(node.text().unwrap_or_default().trim().to_owned());
    }
    let mut fields = Map::new();
    for child in children {
        let value = element(child);
        match fields.get_mut(child.tag_name().name()) {
            None => {
                fields.insert(child.tag_name().name().to_owned(), value);
            }
            Some(Value::Array(items)) => items.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
        }
    }
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elements_become_objects_and_repeats_become_arrays() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
            <ListAllMyBucketsResult><Buckets>
              <Bucket><Name>a</Name><Location>oss-cn-hangzhou</Location></Bucket>
              <Bucket><Name>b</Name><Location/></Bucket>
            </Buckets></ListAllMyBucketsResult>"#;
        assert_eq!(
            to_json(xml).unwrap(),
            json!({"ListAllMyBucketsResult": {"Buckets": {"Bucket": [
                {"Name": "a", "Location": "oss-cn-hangzhou"},
                {"Name": "b", "Location": ""}
            ]}}})
        );
    }

    #[test]
    fn broken_xml_is_a_clear_error() {
        let r = ApiResponse {
            api: "oss:GetBucketAcl".into(),
            params: Default::default(),
            response: json!("<AccessControlPolicy><Owner>"),
        };
        let err = decode_all(std::slice::from_ref(&r)).unwrap_err().to_string();
        assert!(err.contains("oss:GetBucketAcl") && err.contains("XML"), "{err}");
    }

    fn bucket_acl(xml: String) -> ApiResponse {
        ApiResponse {
            api: "oss:GetBucketAcl".into(),
            params: [("BucketName".to_owned(), "b".to_owned())].into(),
            response: json!(xml),
        }
    }

    /// 10,000 nested elements are a few dozen KB: an import must refuse them,
    /// not recurse once per element until the stack overflows.
    #[test]
    fn deeply_nested_xml_is_refused_before_it_is_read() {
        let deep = format!("{}x{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let err = crate::openapi::ingest(&[bucket_acl(deep)]).unwrap_err();
        assert!(matches!(err, IngestError::Malformed { .. }), "{err:?}");
        let err = err.to_string();
        assert!(err.starts_with("oss:GetBucketAcl: ") && err.contains("deeper than 64"), "{err}");
        // The deepest document allowed still reads.
        let ok = format!("{}x{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(to_json(&ok).is_ok());
        let over = format!("{}x{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(to_json(&over).is_err());
    }

    #[test]
    fn oversized_xml_is_refused() {
        let many = format!("<a>{}</a>", "<b/>".repeat(MAX_NODES as usize));
        let err = crate::openapi::ingest(&[bucket_acl(many)]).unwrap_err().to_string();
        assert!(err.starts_with("oss:GetBucketAcl: ") && err.contains("nodes"), "{err}");
        let long = format!("<a>{}</a>", "x".repeat(MAX_BYTES));
        let err = crate::openapi::ingest(&[bucket_acl(long)]).unwrap_err().to_string();
        assert!(err.starts_with("oss:GetBucketAcl: ") && err.contains("bytes"), "{err}");
    }
}
