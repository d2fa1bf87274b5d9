//! What a call to Alibaba Cloud can end in, with stable meanings: the role
//! may not make it (the items that need it are `NOT_CHECK`, naming the
//! action), it was throttled or the service failed (retried), or it failed
//! for good.

use crate::credentials::CredentialsError;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// The credentials may not call this action (`Forbidden.RAM`, `NoPermission`, `AccessDenied`…).
    #[error("{action} is not allowed for these credentials ({code}): {message}")]
    Denied { action: String, code: String, message: String },
    /// Throttled, or the service failed for now; retried with backoff.
    #[error("{action}: {code} (HTTP {status}): {message}")]
    Transient { action: String, code: String, status: u16, message: String },
    /// Any other error the service answered.
    #[error("{action}: {code} (HTTP {status}): {message}")]
    Api { action: String, code: String, status: u16, message: String },
    /// The request never got an answer (connection, timeout).
    #[error("{action}: {0}", action = .1)]
    Transport(String, String),
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The answer was not what the API answers.
    #[error("{action}: unexpected answer: {message}")]
    Malformed { action: String, message: String },
}

impl CloudError {
    /// Whether trying again later may succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, CloudError::Transient { .. } | CloudError::Transport(..))
    }

    /// The error code, where the service gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CloudError::Denied { code, .. } | CloudError::Transient { code, .. } | CloudError::Api { code, .. } => {
                Some(code)
            }
            _ => None,
        }
    }
}

/// Codes that say the caller may not make the call.
fn denied(code: &str) -> bool {
    code.starts_with("Forbidden")
        || code.starts_with("NoPermission")
        || code == "AccessDenied"
        || code.starts_with("AccessDenied.")
        || code == "UnauthorizedOperation"
}

/// Codes that say "not now".
fn transient(code: &str) -> bool {
    code.starts_with("Throttling")
        || code == "ServiceUnavailable"
        || code.starts_with("ServiceUnavailable.")
        || code == "InternalError"
        || code == "UnknownError"
        || code == "RequestTimeout"
}

/// The error an HTTP answer carries: JSON `{"Code", "Message"}` (RPC and ROA
/// styles, also lower-case `code`/`message`) or XML `<Error><Code>` (OSS).
pub fn from_answer(action: &str, status: u16, body: &str) -> CloudError {
    let (code, message) = error_fields(body).unwrap_or_else(|| (format!("HTTP{status}"), truncate(body)));
    let action = action.to_owned();
    if denied(&code) || (status == 403 && !code.starts_with("InvalidAccessKeyId") && !code.contains("Signature")) {
        CloudError::Denied { action, code, message }
    } else if transient(&code) || status == 429 || status >= 500 {
        CloudError::Transient { action, code, status, message }
    } else {
        CloudError::Api { action, code, status, message }
    }
}

fn error_fields(body: &str) -> Option<(String, String)> {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let field = |a: &str, b: &str| v.get(a).or_else(|| v.get(b)).and_then(Value::as_str).map(str::to_owned);
        return Some((field("Code", "code")?, field("Message", "message").unwrap_or_default()));
    }
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_owned())
    };
    Some((tag("Code")?, tag("Message").unwrap_or_default()))
}

fn truncate(body: &str) -> String {
    body.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_stable_meanings() {
        let json = |code: &str| format!(r#"{{"RequestId": "r", "Code": "{code}", "Message": "m"}}"#);
        assert!(matches!(from_answer("ram:ListUsers", 403, &json("Forbidden.RAM")), CloudError::Denied { .. }));
        assert!(matches!(from_answer("ecs:DescribeInstances", 403, &json("NoPermission")), CloudError::Denied { .. }));
        let throttled = from_answer("ecs:DescribeInstances", 400, &json("Throttling.User"));
        assert!(throttled.retryable(), "{throttled:?}");
        assert!(from_answer("x", 503, &json("ServiceUnavailable")).retryable());
        assert!(from_answer("x", 502, "<html>bad gateway</html>").retryable());
        let bad = from_answer("x", 400, &json("InvalidParameter"));
        assert!(!bad.retryable() && matches!(bad, CloudError::Api { .. }));
        let sig = from_answer("x", 403, &json("SignatureDoesNotMatch"));
        assert!(matches!(sig, CloudError::Api { .. }), "a bad signature is not a permission: {sig:?}");
        let oss = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>";
        assert_eq!(from_answer("oss:GetBucketAcl", 403, oss).code(), Some("AccessDenied"));
        let roa = r#"{"code": "Forbidden.RAM", "message": "denied"}"#;
        assert!(matches!(from_answer("cs:DescribeClustersV1", 403, roa), CloudError::Denied { .. }));
    }
}
