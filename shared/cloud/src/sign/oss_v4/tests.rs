use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap()
}

fn authorization_of(added: &[(String, String)]) -> &str {
    added.iter().find(|(n, _)| n == "Authorization").map(|(_, v)| v.as_str()).unwrap()
}

/// The PutObject "Signature calculation example" of
/// https://www.alibabacloud.com/help/en/oss/developer-reference/recommend-to-use-signature-version-4
/// (zh: https://help.aliyun.com/zh/oss/developer-reference/recommend-to-use-signature-version-4).
mod published {
    pub const HEADERS: [(&str, &str); 6] = [
        ("Content-Disposition", "attachment"),
        ("Content-Length", "3"),
        ("Content-MD5", "ICy5YqxZB1uWSwcVLSNLcA=="),
        ("Content-Type", "text/plain"),
        ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
        ("x-oss-date", "20250411T064124Z"),
    ];
    pub const ADDITIONAL: [&str; 2] = ["content-disposition", "content-length"];

    pub const CANONICAL_REQUEST: &str = "PUT
/examplebucket/exampleobject

content-disposition:attachment
content-length:3
content-md5:ICy5YqxZB1uWSwcVLSNLcA==
content-type:text/plain
x-oss-content-sha256:UNSIGNED-PAYLOAD
x-oss-date:20250411T064124Z

content-disposition;content-length
UNSIGNED-PAYLOAD";

    pub const STRING_TO_SIGN: &str = "OSS4-HMAC-SHA256
20250411T064124Z
20250411/cn-hangzhou/oss/aliyun_v4_request
c46d96390bdbc2d739ac9363293ae9d710b14e48081fcb22cd8ad54b63136eca";

    /// The page prints the derived key in hex ("different parameter
    /// combinations produce different values").
    pub const SIGNING_KEY: &str = "3543b7686e65eda71e5e5ca19d548d78423c37e8ddba4dc9d83f90228b457c76";
    pub const SIGNATURE: &str = "053edbf550ebd239b32a9cdfd93b0b2b3f2d223083aa61f75e9ac16856d61f23";
}

#[test]
fn published_example_is_reproduced_step_by_step() {
    let headers = pairs(&published::HEADERS);
    let req = Request {
        method: "PUT",
        bucket: Some("examplebucket"),
        key: Some("exampleobject"),
        query: &[],
        headers: &headers,
    };
    let additional = additional_header_names(&headers, &published::ADDITIONAL);
    assert_eq!(additional, published::ADDITIONAL);

    let canonical = canonical_request(&req, &additional);
    assert_eq!(canonical, published::CANONICAL_REQUEST);
    let to_sign = string_to_sign("20250411T064124Z", &scope("20250411", "cn-hangzhou"), &canonical);
    assert_eq!(to_sign, published::STRING_TO_SIGN);

    let mut key = [0u8; 32];
    hex::decode_to_slice(published::SIGNING_KEY, &mut key).unwrap();
    assert_eq!(signature(&key, &to_sign), published::SIGNATURE);

    // The page's secret is a placeholder: "yourAccessKeySecret" does not
    // derive the printed key (the secret behind it is not published), so the
    // key derivation is checked on the SDK's vectors below instead.
    assert_ne!(hex::encode(signing_key("yourAccessKeySecret", "20250411", "cn-hangzhou")), published::SIGNING_KEY);
}

/// The V4 vectors of the official Go SDK's signer tests
/// (github.com/aliyun/alibabacloud-oss-go-sdk-v2, oss/signer/signer_test.go,
/// TestV4AuthHeader*): AccessKey `ak`/`sk`, a key and query that need
/// encoding, headers OSS signs and headers it does not.
mod sdk {
    use super::*;

    pub fn headers(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut h = pairs(&[
            ("x-oss-head1", "value"),
            ("abc", "value"),
            ("ZAbc", "value"),
            ("XYZ", "value"),
            ("content-type", "text/plain"),
            ("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
        ]);
        h.extend(pairs(extra));
        h
    }

    pub fn query() -> Vec<(String, String)> {
        pairs(&[
            ("param1", "value1"),
            ("+param1", "value3"),
            ("|param1", "value4"),
            ("+param2", ""),
            ("|param2", ""),
            ("param2", ""),
        ])
    }

    pub fn sign_at(secs: i64, headers: &[(String, String)], additional: &[&str]) -> Vec<(String, String)> {
        let query = query();
        let req =
            Request { method: "PUT", bucket: Some("bucket"), key: Some("1234+-/123/1.txt"), query: &query, headers };
        sign(&req, "cn-hangzhou", at(secs), "ak", "sk", additional)
    }
}

#[test]
fn sdk_vector_auth_header() {
    let added = sdk::sign_at(1702743657, &sdk::headers(&[]), &[]);
    assert_eq!(
        authorization_of(&added),
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
    );
    assert_eq!(
        canonical_query_string(&sdk::query()),
        "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2"
    );
    assert_eq!(canonical_uri(Some("bucket"), Some("1234+-/123/1.txt")), "/bucket/1234%2B-/123/1.txt");
}

#[test]
fn sdk_vector_sts_token() {
    let added = sdk::sign_at(1702784856, &sdk::headers(&[("x-oss-security-token", "token")]), &[]);
    assert_eq!(
        authorization_of(&added),
        "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"
    );
}

#[test]
fn sdk_vector_additional_headers() {
    let want = "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f";
    let added = sdk::sign_at(1702747512, &sdk::headers(&[]), &["ZAbc", "abc"]);
    assert_eq!(authorization_of(&added), want);
    // Names OSS signs anyway, and names the request lacks, are dropped.
    let added = sdk::sign_at(1702747512, &sdk::headers(&[]), &["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"]);
    assert_eq!(authorization_of(&added), want);
}

#[test]
fn sign_returns_the_headers_to_add() {
    let added = sdk::sign_at(1702743657, &sdk::headers(&[]), &[]);
    let names: Vec<&str> = added.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x-oss-date", "x-oss-content-sha256", "Date", "Authorization"]);
    assert_eq!(added[0].1, "20231216T162057Z");
    assert_eq!(added[1].1, "UNSIGNED-PAYLOAD");
    assert_eq!(added[2].1, "Sat, 16 Dec 2023 16:20:57 GMT");
}

// ---------------------------------------------------------------------------
// Round trips and refusals.

const REGION: &str = "cn-hangzhou";
const ID: &str = "LTAI5tOssTestKey";
const SECRET: &str = "oss-test-secret";
const SIGNED_AT: i64 = 1_735_787_045; // 2025-01-02T03:04:05Z

struct Sent {
    method: &'static str,
    bucket: Option<String>,
    key: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Sent {
    fn signed(
        method: &'static str,
        bucket: Option<&str>,
        key: Option<&str>,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        additional: &[&str],
    ) -> Sent {
        let mut sent = Sent {
            method,
            bucket: bucket.map(str::to_owned),
            key: key.map(str::to_owned),
            query: pairs(query),
            headers: pairs(headers),
        };
        let added = sign(&sent.request(), REGION, at(SIGNED_AT), ID, SECRET, additional);
        sent.headers.extend(added);
        sent
    }

    fn request(&self) -> Request<'_> {
        Request {
            method: self.method,
            bucket: self.bucket.as_deref(),
            key: self.key.as_deref(),
            query: &self.query,
            headers: &self.headers,
        }
    }

    fn verify(&self, secret: &str) -> Result<Authorization, SignError> {
        verify(&self.request(), REGION, secret)
    }

    fn set_header(&mut self, name: &str, value: &str) {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = value.to_owned();
            }
        }
    }

    fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
}

fn put_object() -> Sent {
    Sent::signed(
        "PUT",
        Some("examplebucket"),
        Some("dir/report 2025 ~v1.txt"),
        &[],
        &[
            ("Host", "examplebucket.oss-cn-hangzhou.aliyuncs.com"),
            ("Content-Type", "text/plain"),
            ("Content-MD5", "ICy5YqxZB1uWSwcVLSNLcA=="),
            ("Content-Length", "3"),
            ("Content-Disposition", "attachment"),
            ("x-oss-meta-owner", "alice"),
            ("x-oss-object-acl", "private"),
        ],
        &["content-disposition", "content-length"],
    )
}

#[test]
fn put_object_round_trip() {
    let sent = put_object();
    let auth = sent.verify(SECRET).unwrap();
    assert_eq!(auth.access_key_id, ID);
    assert_eq!(auth.date, "20250102");
    assert_eq!(auth.region, REGION);
    assert_eq!(auth.additional_headers, ["content-disposition", "content-length"]);
    assert_eq!(check_date("20250102T030405Z", at(SIGNED_AT)), Ok(at(SIGNED_AT)));
}

#[test]
fn bucket_and_service_calls_round_trip() {
    let acl = Sent::signed("GET", Some("examplebucket"), None, &[("acl", "")], &[], &[]);
    assert_eq!(canonical_uri(Some("examplebucket"), None), "/examplebucket/");
    assert_eq!(canonical_query_string(&acl.query), "acl");
    acl.verify(SECRET).unwrap();

    let list = Sent::signed(
        "GET",
        Some("examplebucket"),
        None,
        &[("prefix", "a b/"), ("max-keys", "20"), ("marker", "someMarker")],
        &[],
        &[],
    );
    assert_eq!(canonical_query_string(&list.query), "marker=someMarker&max-keys=20&prefix=a%20b%2F");
    list.verify(SECRET).unwrap();

    let buckets = Sent::signed("GET", None, None, &[], &[], &[]);
    assert_eq!(canonical_uri(None, None), "/");
    buckets.verify(SECRET).unwrap();
}

#[test]
fn sts_token_round_trips_and_is_signed() {
    let mut sent = Sent::signed(
        "GET",
        Some("b"),
        Some("k"),
        &[("versionId", "v1")],
        &[("x-oss-security-token", "CAIS-token")],
        &[],
    );
    sent.verify(SECRET).unwrap();
    sent.set_header("x-oss-security-token", "CAIS-other");
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn wrong_secret_is_refused() {
    assert_eq!(put_object().verify("another-secret"), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn changed_query_value_is_refused() {
    let mut sent = Sent::signed("GET", Some("b"), Some("k"), &[("versionId", "v1")], &[], &[]);
    sent.query[0].1 = "v2".to_owned();
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn changed_resource_or_method_is_refused() {
    let mut sent = put_object();
    sent.key = Some("dir/other.txt".to_owned());
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));

    let mut sent = put_object();
    sent.bucket = Some("otherbucket".to_owned());
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));

    let mut sent = put_object();
    sent.method = "DELETE";
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn changed_signed_header_is_refused() {
    for (name, value) in [
        ("x-oss-meta-owner", "mallory"),
        ("x-oss-object-acl", "public-read"),
        ("content-type", "text/html"),
        ("content-md5", "AAAAAAAAAAAAAAAAAAAAAA=="),
        ("content-disposition", "inline"),
    ] {
        let mut sent = put_object();
        sent.set_header(name, value);
        assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch), "{name}");
    }
    // Adding an x-oss-* header is a change too: OSS signs every one present.
    let mut sent = put_object();
    sent.headers.push(("x-oss-object-acl-extra".to_owned(), "1".to_owned()));
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn unsigned_headers_and_the_body_are_outside_the_signature() {
    // V4 signs neither Host nor User-Agent unless listed, nor the payload:
    // changing them keeps the signature valid (that is OSS's design).
    let mut sent = put_object();
    sent.set_header("Host", "elsewhere.example");
    sent.headers.push(("User-Agent".to_owned(), "x".to_owned()));
    sent.verify(SECRET).unwrap();
}

#[test]
fn additional_header_named_but_missing_is_refused() {
    let mut sent = put_object();
    sent.remove_header("content-disposition");
    let err = sent.verify(SECRET).unwrap_err();
    assert_eq!(err.code(), "InvalidArgument");
    assert!(err.to_string().contains("content-disposition"), "{err}");
}

#[test]
fn wrong_region_or_scope_date_is_refused() {
    let sent = put_object();
    let err = verify(&sent.request(), "cn-shanghai", SECRET).unwrap_err();
    assert_eq!(err, SignError::InvalidArgument("Invalid signing region in Authorization header.".to_owned()));

    let mut sent = put_object();
    sent.set_header("x-oss-date", "20250103T030405Z");
    assert_eq!(sent.verify(SECRET).unwrap_err().code(), "InvalidArgument");

    // Same day, other time: the string to sign changes.
    let mut sent = put_object();
    sent.set_header("x-oss-date", "20250102T030406Z");
    assert_eq!(sent.verify(SECRET), Err(SignError::SignatureDoesNotMatch));
}

#[test]
fn missing_or_signed_payload_hash_and_missing_date_are_refused() {
    let mut sent = put_object();
    sent.remove_header("x-oss-content-sha256");
    assert_eq!(sent.verify(SECRET).unwrap_err().code(), "InvalidArgument");

    let mut sent = put_object();
    sent.set_header("x-oss-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(sent.verify(SECRET).unwrap_err().code(), "InvalidArgument");

    let mut sent = put_object();
    sent.remove_header("x-oss-date");
    assert_eq!(sent.verify(SECRET).unwrap_err().code(), "InvalidArgument");

    let mut sent = put_object();
    sent.remove_header("authorization");
    assert_eq!(sent.verify(SECRET), Err(SignError::AccessDenied));
}

#[test]
fn malformed_authorization_is_refused() {
    let sig = "053edbf550ebd239b32a9cdfd93b0b2b3f2d223083aa61f75e9ac16856d61f23";
    let cred = format!("{ID}/20250102/{REGION}/oss/aliyun_v4_request");
    let cases = [
        String::new(),
        "OSS4-HMAC-SHA256".to_owned(),
        format!("OSS4-HMAC-SHA256 Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={cred}"),
        format!("OSS4-HMAC-SHA256 Credential{cred},Signature={sig}"),
        format!("OSS {ID}:{sig}"),
        format!("OSS4-HMAC-SHA1 Credential={cred},Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={ID}/20250102/{REGION}/oss/abc,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={ID}/20250102/{REGION}/s3/aliyun_v4_request,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={ID}/2025-01-02/{REGION}/oss/aliyun_v4_request,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential=/20250102/{REGION}/oss/aliyun_v4_request,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={ID}/20250102/oss/aliyun_v4_request,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={cred},Credential={cred},Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={cred},AdditionalHeaders=,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={cred},Unknown=x,Signature={sig}"),
        format!("OSS4-HMAC-SHA256 Credential={cred},Signature=053edbf5"),
    ];
    for value in cases {
        assert_eq!(parse_authorization(&value).unwrap_err().code(), "InvalidArgument", "{value:?}");
        let mut sent = put_object();
        sent.set_header("authorization", &value);
        assert_eq!(sent.verify(SECRET).unwrap_err().code(), "InvalidArgument", "{value:?}");
    }
}

#[test]
fn authorization_as_the_docs_print_it_parses() {
    // The docs put a space after each comma; the SDKs do not.
    let value = "OSS4-HMAC-SHA256 Credential=AK/20250411/cn-hangzhou/oss/aliyun_v4_request, AdditionalHeaders=content-disposition;content-length, Signature=053edbf550ebd239b32a9cdfd93b0b2b3f2d223083aa61f75e9ac16856d61f23";
    let auth = parse_authorization(value).unwrap();
    assert_eq!(auth.access_key_id, "AK");
    assert_eq!(auth.scope(), "20250411/cn-hangzhou/oss/aliyun_v4_request");
    assert_eq!(auth.additional_headers, ["content-disposition", "content-length"]);
}

#[test]
fn date_outside_the_window_is_refused() {
    let stamp = "20250102T030405Z";
    let signed = at(SIGNED_AT);
    assert!(check_date(stamp, signed + MAX_CLOCK_SKEW).is_ok());
    assert!(check_date(stamp, signed - MAX_CLOCK_SKEW).is_ok());
    let late = signed + MAX_CLOCK_SKEW + TimeDelta::seconds(1);
    assert_eq!(check_date(stamp, late), Err(SignError::RequestTimeTooSkewed));
    let early = signed - MAX_CLOCK_SKEW - TimeDelta::seconds(1);
    assert_eq!(check_date(stamp, early), Err(SignError::RequestTimeTooSkewed));

    for bad in ["", "2025-01-02T03:04:05Z", "20250102T030405", "20250102T0304Z", "20251302T030405Z", "Thu, 02 Jan 2025"]
    {
        assert_eq!(check_date(bad, signed).unwrap_err().code(), "InvalidArgument", "{bad:?}");
    }
    assert_eq!(format_date_time(signed), stamp);
}

#[test]
fn error_codes_are_osss() {
    let codes: Vec<&str> = [
        SignError::InvalidArgument(String::new()),
        SignError::SignatureDoesNotMatch,
        SignError::InvalidAccessKeyId,
        SignError::RequestTimeTooSkewed,
        SignError::AccessDenied,
    ]
    .iter()
    .map(SignError::code)
    .collect();
    assert_eq!(
        codes,
        ["InvalidArgument", "SignatureDoesNotMatch", "InvalidAccessKeyId", "RequestTimeTooSkewed", "AccessDenied"]
    );
}
