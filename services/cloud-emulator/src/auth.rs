//! Who a request comes from, as Alibaba Cloud's gateway decides it: the
//! AccessKey named in its V3 `Authorization` (a configured key, or a
//! temporary one this emulator issued through STS with its security token),
//! a fresh `x-acs-date`, a nonce not seen before, and a signature over
//! exactly the headers the request says it signed.

use crate::answer::Failure;
use chrono::{DateTime, Utc};
use cspm_cloud::sign::v3::{self, SignError};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// A key the emulator accepts, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub secret: String,
    pub account_id: String,
    /// `acs:ram::<account>:user/<name>`, or the assumed role's session ARN.
    pub arn: String,
    /// Temporary keys carry a token and an end.
    pub token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Nonces remembered (Alibaba refuses a nonce reused within 15 minutes).
const NONCES_KEPT: usize = 100_000;

#[derive(Default)]
pub struct Keys {
    keys: Mutex<HashMap<String, Key>>,
    nonces: Mutex<(std::collections::HashSet<String>, VecDeque<String>)>,
}

impl Keys {
    pub fn add(&self, id: &str, key: Key) {
        self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id.to_owned(), key);
    }

    pub fn lookup(&self, id: &str) -> Option<Key> {
        self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).cloned()
    }

    /// `false` when the nonce was used before.
    fn fresh_nonce(&self, nonce: &str) -> bool {
        let mut guard = self.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (seen, order) = &mut *guard;
        if !seen.insert(nonce.to_owned()) {
            return false;
        }
        order.push_back(nonce.to_owned());
        if order.len() > NONCES_KEPT
            && let Some(old) = order.pop_front()
        {
            seen.remove(&old);
        }
        true
    }

    /// The key that signed `req`, or the gateway's refusal.
    pub fn authenticate(&self, req: &v3::Request<'_>, now: DateTime<Utc>) -> Result<Key, Failure> {
        let header =
            |name: &str| req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let sign_failure = |e: SignError| {
            let status = if matches!(e, SignError::InvalidAccessKeyIdNotFound) { 404 } else { 400 };
            Failure::new(status, e.code(), e.to_string())
        };
        let auth = v3::parse_authorization(header("authorization").unwrap_or_default()).map_err(sign_failure)?;
        let key =
            self.lookup(&auth.access_key_id).ok_or_else(|| sign_failure(SignError::InvalidAccessKeyIdNotFound))?;
        v3::check_date(header("x-acs-date").unwrap_or_default(), now).map_err(sign_failure)?;
        v3::verify(req, &key.secret).map_err(sign_failure)?;
        if let Some(token) = &key.token {
            if header("x-acs-security-token") != Some(token.as_str()) {
                return Err(Failure::new(
                    400,
                    "InvalidSecurityToken.Mismatch",
                    "the security token does not match the AccessKey",
                ));
            }
            if key.expires_at.is_some_and(|at| at <= now) {
                return Err(Failure::new(400, "InvalidSecurityToken.Expired", "the security token has expired"));
            }
        }
        let nonce = header("x-acs-signature-nonce").unwrap_or_default();
        if nonce.is_empty() || !self.fresh_nonce(nonce) {
            return Err(Failure::new(400, "SignatureNonceUsed", "the request's signature nonce has been used"));
        }
        Ok(key)
    }
}
