//! Signature V3 (`ACS3-HMAC-SHA256`): the scheme of every RPC- and ROA-style
//! Alibaba Cloud OpenAPI, as "Request syntax and signature method V3"
//! describes it (alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature).
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n
//!                    CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//! StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//! Signature        = hex(hmac_sha256(AccessKeySecret, StringToSign))
//! Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b;…>,Signature=<hex>
//! ```
//!
//! How parameters travel (the API metadata's `in`): `query` parameters go in
//! the URL (RPC: path `/`), `formData` parameters go in the body as
//! `application/x-www-form-urlencoded` ([`form_body`]), `body` parameters go
//! in the body as JSON or octets (ROA: the metadata's path, e.g.
//! `/clusters/{id}`). Arrays and objects are flattened beforehand into
//! `Name.1`, `Name.1.Key` pairs. The action, the version, the date
//! (`x-acs-date`, [`format_date`]), the nonce and an STS token travel as
//! `x-acs-*` headers, and every one of them is signed.
//!
//! The query is given as decoded pairs and the path decoded: this module
//! encodes both ([`canonical_uri`], [`canonical_query_string`]), and the
//! client sends exactly those encoded forms, so the two sides cannot encode
//! twice. A server decodes the URL before it builds a [`Request`].

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::primitives::{header_value, hmac_matches, hmac_sha256, normalize_names, percent_encode, sha256_hex};

/// The only algorithm V3 defines.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// How far `x-acs-date` may be from the server's clock, either way
/// (`InvalidTimeStamp.Expired`: "the user's time and the server's time are
/// not within 15 minutes").
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(15);

/// `yyyy-MM-ddTHH:mm:ssZ`, UTC, whole seconds (fractions are refused).
const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// The common request headers. The docs (zh): "除Authorization外的所有公共请求头,
/// 只要存在必须被加入签名" — every one that is present must be signed, so
/// [`verify`] refuses a request that sends one unsigned (else the action or
/// the date could be changed under a valid signature).
const COMMON_HEADERS: [&str; 7] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-security-token",
    "x-acs-version",
];

/// A request as it will be sent (or, on a server, as it arrived).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The HTTP method; canonicalised upper-case.
    pub method: &'a str,
    /// The decoded resource path: `/` for RPC, the metadata's path for ROA.
    pub path: &'a str,
    /// The decoded query parameters (`in: query`), in any order.
    pub query: &'a [(String, String)],
    /// The headers, names in any case: `host`, `x-acs-action`,
    /// `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`, `content-type`
    /// when there is a body, `x-acs-security-token` with STS credentials; on a
    /// server also `x-acs-content-sha256` and `authorization`.
    pub headers: &'a [(String, String)],
    /// The body exactly as sent (empty for most RPC calls).
    pub body: &'a [u8],
}

/// The parts of an `Authorization: ACS3-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// As listed in the header (lower-case and sorted when well made).
    pub signed_headers: Vec<String>,
    /// Hex, as sent.
    pub signature: String,
}

/// Why a server refuses a request's signature; [`SignError::code`] is the
/// code Alibaba's gateway answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The Authorization header is missing or malformed, or a header the
    /// signature needs is missing or unsigned.
    #[error("The request signature does not conform to Aliyun standards: {0}")]
    IncompleteSignature(String),
    #[error("Specified signature is not matched with our calculation.")]
    SignatureDoesNotMatch,
    /// Raised by the caller, which knows the keys; never by this module.
    #[error("Specified access key is not found.")]
    InvalidAccessKeyIdNotFound,
    #[error("Specified time stamp or date value is not well formatted.")]
    InvalidTimeStampFormat,
    #[error("Specified time stamp or date value is expired.")]
    InvalidTimeStampExpired,
}

impl SignError {
    /// The error code as Alibaba Cloud returns it in `Code`.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::IncompleteSignature(_) => "IncompleteSignature",
            SignError::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            SignError::InvalidAccessKeyIdNotFound => "InvalidAccessKeyId.NotFound",
            SignError::InvalidTimeStampFormat => "InvalidTimeStamp.Format",
            SignError::InvalidTimeStampExpired => "InvalidTimeStamp.Expired",
        }
    }
}

fn incomplete(why: impl Into<String>) -> SignError {
    SignError::IncompleteSignature(why.into())
}

/// Lower-case hex SHA-256 of the body: `HashedRequestPayload`, and the value
/// of `x-acs-content-sha256`. The empty body hashes to `e3b0c442…b855`.
pub fn content_sha256(body: &[u8]) -> String {
    sha256_hex(body)
}

/// The encoded path, as signed and as sent: each segment RFC 3986-encoded,
/// the `/` between them kept. An empty path is `/`.
pub fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let encoded = percent_encode(path, true);
    if encoded.starts_with('/') { encoded } else { format!("/{encoded}") }
}

/// The encoded query, as signed and as sent: pairs sorted by name (then by
/// value, so repeated names are deterministic), name and value RFC
/// 3986-encoded, joined `name=value` with `&`. A parameter without a value
/// is `name=`; no parameters give the empty string.
pub fn canonical_query_string(query: &[(String, String)]) -> String {
    // The docs sort by parameter name, then encode (their Java sample keeps a
    // TreeMap of the raw names).
    let mut pairs: Vec<&(String, String)> = query.iter().collect();
    pairs.sort();
    encode_pairs(pairs.into_iter())
}

/// A `formData` body (`application/x-www-form-urlencoded`) in V3's encoding,
/// in the order given: `key1=value1&key2=value2`.
pub fn form_body(params: &[(String, String)]) -> String {
    encode_pairs(params.iter())
}

fn encode_pairs<'p>(pairs: impl Iterator<Item = &'p (String, String)>) -> String {
    let encoded: Vec<String> = pairs
        .map(|(name, value)| format!("{}={}", percent_encode(name, false), percent_encode(value, false)))
        .collect();
    encoded.join("&")
}

/// The headers the SDKs sign, from those a request carries: `host`,
/// `content-type` and every `x-acs-*`; lower-case, sorted, once each.
pub fn signed_header_names(headers: &[(String, String)]) -> Vec<String> {
    let names: Vec<&str> = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            lower == "host" || lower == "content-type" || lower.starts_with("x-acs-")
        })
        .collect();
    normalize_names(&names)
}

/// The canonical request over `signed_headers` (normalised here: lower-case,
/// sorted, once each). A named header the request lacks counts as empty;
/// [`verify`] refuses such a request before it gets here.
pub fn canonical_request(req: &Request, signed_headers: &[String]) -> String {
    let names = normalize_names(signed_headers);
    let mut canonical_headers = String::new();
    for name in &names {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&header_value(req.headers, name).unwrap_or_default());
        canonical_headers.push('\n');
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_uri(req.path),
        canonical_query_string(req.query),
        canonical_headers,
        names.join(";"),
        content_sha256(req.body),
    )
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical.as_bytes()))
}

/// Lower-case hex HMAC-SHA256 of the string to sign, keyed by the AccessKey
/// secret itself (V2 appended `&`; V3 does not).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed_headers: &[String], signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}", signed_headers.join(";"))
}

/// Signs `req`: returns the headers to add, `x-acs-content-sha256` and
/// `Authorization`. Signs every `host`, `content-type` and `x-acs-*` header
/// the request carries (as the SDKs do, so `SignedHeaders` varies). An
/// `x-acs-content-sha256` or `Authorization` already in `req.headers` is
/// ignored: the caller sends the returned ones instead.
pub fn sign(req: &Request, access_key_id: &str, access_key_secret: &str) -> Vec<(String, String)> {
    let hashed = content_sha256(req.body);
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("x-acs-content-sha256") && !n.eq_ignore_ascii_case("authorization"))
        .cloned()
        .collect();
    headers.push(("x-acs-content-sha256".to_owned(), hashed.clone()));
    let signed = signed_header_names(&headers);
    let full = Request { headers: &headers, ..*req };
    let sig = signature(access_key_secret, &string_to_sign(&canonical_request(&full, &signed)));
    vec![
        ("x-acs-content-sha256".to_owned(), hashed),
        ("Authorization".to_owned(), authorization(access_key_id, &signed, &sig)),
    ]
}

/// Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`
/// (fields in any order, spaces around them tolerated; each exactly once).
pub fn parse_authorization(value: &str) -> Result<Authorization, SignError> {
    let (algorithm, fields) =
        value.trim().split_once(' ').ok_or_else(|| incomplete("the Authorization header has no credentials"))?;
    if algorithm != ALGORITHM {
        return Err(incomplete(format!("unsupported signature algorithm {algorithm:?}")));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let (key, val) =
            field.split_once('=').ok_or_else(|| incomplete(format!("malformed Authorization field {field:?}")))?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => return Err(incomplete(format!("unknown Authorization field {other:?}"))),
        };
        let val = val.trim();
        if val.is_empty() {
            return Err(incomplete(format!("empty Authorization field {:?}", key.trim())));
        }
        if slot.replace(val).is_some() {
            return Err(incomplete(format!("repeated Authorization field {:?}", key.trim())));
        }
    }
    let access_key_id = credential.ok_or_else(|| incomplete("the Authorization header has no Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| incomplete("the Authorization header has no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| incomplete("the Authorization header has no Signature"))?;
    let names: Vec<String> = signed_headers.split(';').map(|n| n.trim().to_owned()).collect();
    if names.iter().any(String::is_empty) {
        return Err(incomplete("SignedHeaders has an empty name"));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(incomplete("Signature is not 64 hex digits"));
    }
    Ok(Authorization {
        access_key_id: access_key_id.to_owned(),
        signed_headers: names,
        signature: signature.to_owned(),
    })
}

/// Verifies a request's V3 signature with the secret of the AccessKey its
/// Authorization names (the caller looks that up with [`parse_authorization`]
/// first, and answers `InvalidAccessKeyId.NotFound` itself). Recomputes the
/// signature over exactly the headers `SignedHeaders` lists and compares in
/// constant time. Refuses, before that: a named header that is missing, a
/// common header that is sent but not signed, a missing `x-acs-date` or
/// `x-acs-content-sha256`, and an `x-acs-content-sha256` that is not the
/// body's hash. Does not look at the clock: see [`check_date`].
pub fn verify(req: &Request, secret: &str) -> Result<Authorization, SignError> {
    let header = header_value(req.headers, "authorization")
        .ok_or_else(|| incomplete("the request has no Authorization header"))?;
    let auth = parse_authorization(&header)?;
    let signed = normalize_names(&auth.signed_headers);
    if signed.iter().any(|n| n == "authorization") {
        return Err(incomplete("SignedHeaders names Authorization"));
    }
    if let Some(missing) = signed.iter().find(|n| header_value(req.headers, n).is_none()) {
        return Err(incomplete(format!("header {missing} is in SignedHeaders but not in the request")));
    }
    if let Some(unsigned) =
        COMMON_HEADERS.iter().find(|c| header_value(req.headers, c).is_some() && !signed.iter().any(|n| n == *c))
    {
        return Err(incomplete(format!("header {unsigned} is sent but not in SignedHeaders")));
    }
    if header_value(req.headers, "x-acs-date").is_none() {
        return Err(incomplete("the request has no x-acs-date header"));
    }
    let declared = header_value(req.headers, "x-acs-content-sha256")
        .ok_or_else(|| incomplete("the request has no x-acs-content-sha256 header"))?;
    if !declared.eq_ignore_ascii_case(&content_sha256(req.body)) {
        return Err(SignError::SignatureDoesNotMatch);
    }
    let to_sign = string_to_sign(&canonical_request(req, &signed));
    if !hmac_matches(secret.as_bytes(), to_sign.as_bytes(), &auth.signature) {
        return Err(SignError::SignatureDoesNotMatch);
    }
    Ok(auth)
}

/// `x-acs-date` for an instant: `2023-10-26T10:22:32Z`.
pub fn format_date(at: DateTime<Utc>) -> String {
    at.format(DATE_FORMAT).to_string()
}

/// Checks an `x-acs-date` value against the server's `now`: it must be
/// `yyyy-MM-ddTHH:mm:ssZ` (`InvalidTimeStamp.Format`) and within
/// [`MAX_CLOCK_SKEW`] of `now`, before or after (`InvalidTimeStamp.Expired`).
/// Returns the parsed instant.
pub fn check_date(x_acs_date: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, SignError> {
    // The length check refuses what chrono would tolerate (single-digit
    // fields); the format refuses fractions and offsets other than `Z`.
    let at = (x_acs_date.len() == 20)
        .then(|| NaiveDateTime::parse_from_str(x_acs_date, DATE_FORMAT).ok())
        .flatten()
        .ok_or(SignError::InvalidTimeStampFormat)?
        .and_utc();
    if (now - at).abs() > MAX_CLOCK_SKEW {
        return Err(SignError::InvalidTimeStampExpired);
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
