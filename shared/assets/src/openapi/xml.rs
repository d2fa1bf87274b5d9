//! OSS answers in XML where the other products answer in JSON. An
//! `ApiResponse` whose `response` is XML text is read into the JSON shape the
//! adapter expects: `<A><B>x</B></A>` is `{"A": {"B": "x"}}`, an element
//! repeated under one parent becomes an array, and values stay text (the
//! adapter already reads `"true"` and `"42"`). Attributes carry nothing the
//! adapters read and are dropped.

use super::{ApiResponse, IngestError, malformed};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The responses with every XML body read into JSON; borrowed when there is none.
pub(super) fn decode_all(responses: &[ApiResponse]) -> Result<Cow<'_, [ApiResponse]>, IngestError> {
    if !responses.iter().any(|r| xml_text(&r.response).is_some()) {
        return Ok(Cow::Borrowed(responses));
    }
    responses
        .iter()
        .map(|r| match xml_text(&r.response) {
            None => Ok(r.clone()),
            Some(text) => Ok(ApiResponse {
                response: to_json(text)
                    .map_err(|e| malformed(&r.api, format!("the XML response does not parse: {e}")))?,
                ..r.clone()
            }),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Cow::Owned)
}

fn xml_text(response: &Value) -> Option<&str> {
    response.as_str().map(str::trim_start).filter(|t| t.starts_with('<'))
}

pub fn to_json(text: &str) -> Result<Value, roxmltree::Error> {
    let doc = roxmltree::Document::parse(text)?;
    let root = doc.root_element();
    let mut top = Map::new();
    top.insert(root.tag_name().name().to_owned(), element(root));
    Ok(Value::Object(top))
}

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
}
