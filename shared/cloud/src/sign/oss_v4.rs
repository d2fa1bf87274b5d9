//! OSS signature V4 (`OSS4-HMAC-SHA256`), as "Include a V4 signature in the
//! Authorization header" describes it
//! (alibabacloud.com/help/en/oss/developer-reference/recommend-to-use-signature-version-4).
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n
//!                    CanonicalHeaders \n AdditionalHeaders \n UNSIGNED-PAYLOAD
//! Scope            = <yyyymmdd>/<region>/oss/aliyun_v4_request
//! StringToSign     = "OSS4-HMAC-SHA256" \n <x-oss-date> \n Scope \n hex(sha256(CanonicalRequest))
//! SigningKey       = hmac(hmac(hmac(hmac("aliyun_v4" + secret, yyyymmdd), region), "oss"), "aliyun_v4_request")
//! Signature        = hex(hmac(SigningKey, StringToSign))
//! Authorization: OSS4-HMAC-SHA256 Credential=<id>/<Scope>,AdditionalHeaders=<a;b>,Signature=<hex>
//! ```
//!
//! Unlike V3 the body is not signed (`x-oss-content-sha256: UNSIGNED-PAYLOAD`,
//! the only value OSS supports), the resource is always `/<bucket>/<key>`
//! whatever the host style, and the headers signed are fixed: `content-type`,
//! `content-md5` and every `x-oss-*` that is present, plus the optional
//! ones the signer lists in `AdditionalHeaders`. An STS token travels as
//! `x-oss-security-token`, so it is signed like any `x-oss-*` header.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::primitives::{header_value, hmac_matches, hmac_sha256, normalize_names, percent_encode, sha256_hex};

/// The only algorithm OSS V4 defines.
pub const ALGORITHM: &str = "OSS4-HMAC-SHA256";

/// The payload hash OSS accepts: the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// How far `x-oss-date` may be from the server's clock, either way
/// (`RequestTimeTooSkewed` reports `MaxAllowedSkewMilliseconds` 900000).
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(15);

const SERVICE: &str = "oss";
const TERMINATOR: &str = "aliyun_v4_request";
/// `x-oss-date`: ISO 8601 basic, UTC, e.g. `20250411T064124Z`.
const DATE_TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// A request to OSS as it will be sent (or, on a server, as it arrived).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// `None` for service-level calls (ListBuckets).
    pub bucket: Option<&'a str>,
    /// The object key, decoded; `None` for bucket-level calls.
    pub key: Option<&'a str>,
    /// Decoded query parameters; a sub-resource without a value (`?acl`)
    /// has an empty value.
    pub query: &'a [(String, String)],
    /// The headers, names in any case.
    pub headers: &'a [(String, String)],
}

/// The parts of an `Authorization: OSS4-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// The scope's date, `yyyymmdd`.
    pub date: String,
    /// The scope's region, e.g. `cn-hangzhou`.
    pub region: String,
    /// As listed (empty when the field is absent).
    pub additional_headers: Vec<String>,
    /// Hex, as sent.
    pub signature: String,
}

impl Authorization {
    /// `<date>/<region>/oss/aliyun_v4_request`.
    pub fn scope(&self) -> String {
        scope(&self.date, &self.region)
    }
}

/// Why OSS refuses a request's signature; [`SignError::code`] is the `Code`
/// of OSS's XML error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Malformed Authorization (bad credential scope, wrong region, …) or a
    /// header the signature needs is missing or malformed (HTTP 400).
    #[error("{0}")]
    InvalidArgument(String),
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your key and signing method."
    )]
    SignatureDoesNotMatch,
    /// Raised by the caller, which knows the keys; never by this module.
    #[error("The OSS Access Key Id you provided does not exist in our records.")]
    InvalidAccessKeyId,
    #[error("The difference between the request time and the current time is too large.")]
    RequestTimeTooSkewed,
    /// No Authorization at all: an anonymous request, which a private
    /// bucket refuses.
    #[error("The request carries no Authorization header (anonymous access).")]
    AccessDenied,
}

impl SignError {
    /// The error code as OSS returns it in `<Code>`.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::InvalidArgument(_) => "InvalidArgument",
            SignError::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            SignError::InvalidAccessKeyId => "InvalidAccessKeyId",
            SignError::RequestTimeTooSkewed => "RequestTimeTooSkewed",
            SignError::AccessDenied => "AccessDenied",
        }
    }
}

fn invalid(why: impl Into<String>) -> SignError {
    SignError::InvalidArgument(why.into())
}

/// `/`, `/<bucket>/` or `/<bucket>/<key>`, RFC 3986-encoded with the `/`
/// kept (so a key's own slashes stay).
pub fn canonical_uri(bucket: Option<&str>, key: Option<&str>) -> String {
    let mut uri = String::from("/");
    if let Some(bucket) = bucket {
        uri.push_str(bucket);
        uri.push('/');
    }
    if let Some(key) = key {
        uri.push_str(key);
    }
    percent_encode(&uri, true)
}

/// Name and value RFC 3986-encoded, then sorted by the encoded name (OSS
/// sorts after encoding; then by value, for repeated names), joined with `&`.
/// A parameter with an empty value is its name alone (`acl`, not `acl=`).
pub fn canonical_query_string(query: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        query.iter().map(|(n, v)| (percent_encode(n, false), percent_encode(v, false))).collect();
    encoded.sort();
    let parts: Vec<String> =
        encoded.into_iter().map(|(n, v)| if v.is_empty() { n } else { format!("{n}={v}") }).collect();
    parts.join("&")
}

/// Whether OSS signs this (lower-case) header whenever it is present.
fn signed_by_default(name: &str) -> bool {
    name.starts_with("x-oss-") || name == "content-type" || name == "content-md5"
}

/// The `AdditionalHeaders` to sign from the names the caller asked for: only
/// those the request carries and OSS does not sign anyway; lower-case,
/// sorted, once each (as the SDKs do).
pub fn additional_header_names(headers: &[(String, String)], wanted: &[&str]) -> Vec<String> {
    let mut names = normalize_names(wanted);
    names.retain(|n| !signed_by_default(n) && header_value(headers, n).is_some());
    names
}

/// The canonical request. `additional_headers` is the `AdditionalHeaders`
/// list (normalised here: lower-case, sorted, once each); a listed header
/// the request lacks counts as empty, [`verify`] refuses it before that.
pub fn canonical_request(req: &Request, additional_headers: &[String]) -> String {
    let additional = normalize_names(additional_headers);
    let mut names: Vec<String> =
        req.headers.iter().map(|(n, _)| n.to_ascii_lowercase()).filter(|n| signed_by_default(n)).collect();
    names.extend(additional.iter().cloned());
    let names = normalize_names(&names);

    let mut canonical_headers = String::new();
    for name in &names {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&header_value(req.headers, name).unwrap_or_default());
        canonical_headers.push('\n');
    }
    let payload = header_value(req.headers, "x-oss-content-sha256").unwrap_or_else(|| UNSIGNED_PAYLOAD.to_owned());
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_uri(req.bucket, req.key),
        canonical_query_string(req.query),
        canonical_headers,
        additional.join(";"),
        payload,
    )
}

/// `<date>/<region>/oss/aliyun_v4_request`.
pub fn scope(date: &str, region: &str) -> String {
    format!("{date}/{region}/{SERVICE}/{TERMINATOR}")
}

/// `OSS4-HMAC-SHA256\n<x-oss-date>\n<scope>\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(date_time: &str, scope: &str, canonical: &str) -> String {
    format!("{ALGORITHM}\n{date_time}\n{scope}\n{}", sha256_hex(canonical.as_bytes()))
}

/// The key derived from the secret for one day and region: HMAC-SHA256
/// chained over `date`, `region`, `oss`, `aliyun_v4_request`, starting from
/// `"aliyun_v4" + secret`.
pub fn signing_key(secret: &str, date: &str, region: &str) -> [u8; 32] {
    let date_key = hmac_sha256(format!("aliyun_v4{secret}").as_bytes(), date.as_bytes());
    let region_key = hmac_sha256(&date_key, region.as_bytes());
    let service_key = hmac_sha256(&region_key, SERVICE.as_bytes());
    hmac_sha256(&service_key, TERMINATOR.as_bytes())
}

/// Lower-case hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value, in the SDKs' form (no spaces after the
/// commas; the docs print them with spaces, and OSS accepts both).
pub fn authorization(access_key_id: &str, scope: &str, additional_headers: &[String], signature: &str) -> String {
    let mut value = format!("{ALGORITHM} Credential={access_key_id}/{scope}");
    if !additional_headers.is_empty() {
        value.push_str(",AdditionalHeaders=");
        value.push_str(&additional_headers.join(";"));
    }
    value.push_str(",Signature=");
    value.push_str(signature);
    value
}

/// `x-oss-date` for an instant: `20250411T064124Z`.
pub fn format_date_time(at: DateTime<Utc>) -> String {
    at.format(DATE_TIME_FORMAT).to_string()
}

/// Signs `req` for `region` at `date_time`: returns the headers to add,
/// `x-oss-date`, `x-oss-content-sha256: UNSIGNED-PAYLOAD`, `Date` (HTTP
/// form, as the SDKs also send it; not signed) and `Authorization`. Any of
/// these already in `req.headers` are ignored (the returned ones replace
/// them). `additional_headers` names optional headers to sign too; those the
/// request lacks, or that OSS signs anyway, are dropped. An STS token goes
/// in `req.headers` as `x-oss-security-token`.
pub fn sign(
    req: &Request,
    region: &str,
    date_time: DateTime<Utc>,
    access_key_id: &str,
    access_key_secret: &str,
    additional_headers: &[&str],
) -> Vec<(String, String)> {
    let stamp = format_date_time(date_time);
    let date = date_time.format("%Y%m%d").to_string();
    let replaced = ["authorization", "date", "x-oss-date", "x-oss-content-sha256"];
    let mut headers: Vec<(String, String)> =
        req.headers.iter().filter(|(n, _)| !replaced.iter().any(|r| n.eq_ignore_ascii_case(r))).cloned().collect();
    headers.push(("x-oss-date".to_owned(), stamp.clone()));
    headers.push(("x-oss-content-sha256".to_owned(), UNSIGNED_PAYLOAD.to_owned()));

    let additional = additional_header_names(&headers, additional_headers);
    let full = Request { headers: &headers, ..*req };
    let scope = scope(&date, region);
    let to_sign = string_to_sign(&stamp, &scope, &canonical_request(&full, &additional));
    let sig = signature(&signing_key(access_key_secret, &date, region), &to_sign);
    vec![
        ("x-oss-date".to_owned(), stamp),
        ("x-oss-content-sha256".to_owned(), UNSIGNED_PAYLOAD.to_owned()),
        ("Date".to_owned(), date_time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()),
        ("Authorization".to_owned(), authorization(access_key_id, &scope, &additional, &sig)),
    ]
}

/// Parses `OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/oss/aliyun_v4_request,
/// [AdditionalHeaders=<a;b>,]Signature=<hex>` (fields in any order, spaces
/// around them tolerated, each at most once).
pub fn parse_authorization(value: &str) -> Result<Authorization, SignError> {
    let (algorithm, fields) =
        value.trim().split_once(' ').ok_or_else(|| invalid("Authorization header is invalid."))?;
    if algorithm != ALGORITHM {
        return Err(invalid("Unsupported Authorization Type"));
    }
    let (mut credential, mut additional, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let (key, val) = field.split_once('=').ok_or_else(|| invalid("Authorization header is invalid."))?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "AdditionalHeaders" => &mut additional,
            "Signature" => &mut signature,
            _ => return Err(invalid("Authorization header is invalid.")),
        };
        if slot.replace(val.trim()).is_some() {
            return Err(invalid("Authorization header is invalid."));
        }
    }
    let credential = credential.ok_or_else(|| invalid("Authorization header is invalid."))?;
    let signature = signature.ok_or_else(|| invalid("Authorization header is invalid."))?;

    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(invalid("Invalid credential in Authorization header."));
    };
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    if access_key_id.is_empty() || !date_ok || region.is_empty() || *service != SERVICE || *terminator != TERMINATOR {
        return Err(invalid("Invalid credential in Authorization header."));
    }
    let additional_headers: Vec<String> = match additional {
        None => Vec::new(),
        Some(list) => list.split(';').map(|n| n.trim().to_owned()).collect(),
    };
    if additional_headers.iter().any(String::is_empty) {
        return Err(invalid("Invalid AdditionalHeaders in Authorization header."));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("Invalid signature in Authorization header."));
    }
    Ok(Authorization {
        access_key_id: (*access_key_id).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        additional_headers,
        signature: signature.to_owned(),
    })
}

/// Verifies a request's V4 signature for this server's `region` with the
/// secret of the AccessKey its Authorization names (the caller looks that
/// up with [`parse_authorization`] first and answers `InvalidAccessKeyId`
/// itself). Refuses, before comparing (in constant time): another region in
/// the scope, a missing or malformed `x-oss-date` or one on another day than
/// the scope, an `x-oss-content-sha256` other than `UNSIGNED-PAYLOAD`, and a
/// header listed in `AdditionalHeaders` that the request lacks. Does not
/// look at the clock: see [`check_date`].
pub fn verify(req: &Request, region: &str, secret: &str) -> Result<Authorization, SignError> {
    let header = header_value(req.headers, "authorization").ok_or(SignError::AccessDenied)?;
    let auth = parse_authorization(&header)?;
    if auth.region != region {
        return Err(invalid("Invalid signing region in Authorization header."));
    }
    let stamp = header_value(req.headers, "x-oss-date")
        .ok_or_else(|| invalid("Missing x-oss-date header for V4 signature."))?;
    parse_date_time(&stamp).ok_or_else(|| invalid("Invalid x-oss-date header."))?;
    // The scope's day is the signing key's input: it must be the request's.
    if !stamp.starts_with(&auth.date) {
        return Err(invalid("Invalid signing date in Authorization header."));
    }
    match header_value(req.headers, "x-oss-content-sha256") {
        Some(v) if v == UNSIGNED_PAYLOAD => {}
        Some(_) => return Err(invalid("Invalid x-oss-content-sha256 header: only UNSIGNED-PAYLOAD is supported.")),
        None => return Err(invalid("Missing x-oss-content-sha256 header for V4 signature.")),
    }
    if let Some(missing) = auth.additional_headers.iter().find(|n| header_value(req.headers, n).is_none()) {
        return Err(invalid(format!("Header {missing} is in AdditionalHeaders but not in the request.")));
    }
    let to_sign = string_to_sign(&stamp, &auth.scope(), &canonical_request(req, &auth.additional_headers));
    let key = signing_key(secret, &auth.date, &auth.region);
    if !hmac_matches(&key, to_sign.as_bytes(), &auth.signature) {
        return Err(SignError::SignatureDoesNotMatch);
    }
    Ok(auth)
}

fn parse_date_time(value: &str) -> Option<DateTime<Utc>> {
    // The length check refuses what chrono would tolerate (short fields).
    if value.len() != 16 {
        return None;
    }
    NaiveDateTime::parse_from_str(value, DATE_TIME_FORMAT).ok().map(|at| at.and_utc())
}

/// Checks an `x-oss-date` value against the server's `now`: ISO 8601 basic
/// (`InvalidArgument` otherwise) and within [`MAX_CLOCK_SKEW`] of `now`,
/// before or after (`RequestTimeTooSkewed`). Returns the parsed instant.
pub fn check_date(x_oss_date: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, SignError> {
    let at = parse_date_time(x_oss_date).ok_or_else(|| invalid("Invalid x-oss-date header."))?;
    if (now - at).abs() > MAX_CLOCK_SKEW {
        return Err(SignError::RequestTimeTooSkewed);
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
