//! Calling Alibaba Cloud's RPC- and ROA-style APIs with V3 signatures, for
//! one account: credentials from a provider (refreshed as they expire), the
//! endpoint of each product and region, a rate limit per product, a bound on
//! calls in flight, timeouts, and retries of what failed for now.

use crate::body::read_limited;
use crate::catalogue;
use crate::credentials::{Credentials, CredentialsProvider};
use crate::endpoints::{self, Endpoints, Product};
use crate::error::{self, CloudError};
use crate::retry::RetryPolicy;
use crate::sign::{oss_v4, v3};
use chrono::Utc;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::Rng;
use serde_json::Value;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Pages one list walk may take (a service that never ends a walk must not keep the collector).
const MAX_PAGES: usize = 10_000;
/// The largest answer read (a page of the largest list is a few MiB).
const MAX_ANSWER_BYTES: usize = 64 << 20;

/// How a client behaves; every value has a sane default.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub endpoints: Endpoints,
    /// The account the calls are for (Function Compute's hosts name it).
    pub account_id: String,
    /// Calls per second per product.
    pub calls_per_second: u32,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Limit on one call, connection included.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl ClientOptions {
    pub fn new(endpoints: Endpoints, account_id: impl Into<String>) -> Self {
        Self {
            endpoints,
            account_id: account_id.into(),
            calls_per_second: 20,
            concurrency: 8,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    credentials: Arc<dyn CredentialsProvider>,
    options: ClientOptions,
    limiter: DefaultKeyedRateLimiter<&'static str>,
    in_flight: Semaphore,
    /// HTTP requests sent, retries included.
    requests: AtomicU64,
}

/// One call: which operation, where, with what.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub product: &'a str,
    pub action: &'a str,
    pub region: &'a str,
    pub method: &'a str,
    /// `/` for RPC; the operation's resource path for ROA.
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    /// A JSON body (ROA), sent as `application/json`.
    pub body: Option<Value>,
}

impl<'a> Call<'a> {
    /// An RPC-style call: the action's parameters in the query string.
    pub fn rpc(product: &'a str, action: &'a str, region: &'a str, params: Vec<(String, String)>) -> Self {
        Self { product, action, region, method: "POST", path: "/", query: params, body: None }
    }
}

impl Client {
    pub fn new(credentials: Arc<dyn CredentialsProvider>, options: ClientOptions) -> Self {
        let per_second = NonZeroU32::new(options.calls_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            http,
            credentials,
            limiter: RateLimiter::keyed(Quota::per_second(per_second)),
            in_flight: Semaphore::new(options.concurrency.max(1)),
            options,
            requests: AtomicU64::new(0),
        }
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Every page of an RPC list call (one answer for any other call), as
    /// the catalogue says it pages.
    pub async fn all_pages(
        &self,
        product: &str,
        action: &str,
        region: &str,
        params: &[(String, String)],
    ) -> Result<Vec<Value>, CloudError> {
        let paging = catalogue::paging(&format!("{product}:{action}"));
        let mut asked = paging.first();
        let mut pages = Vec::new();
        loop {
            let query: Vec<(String, String)> = params.iter().chain(&asked).cloned().collect();
            let answer = self.call(&Call::rpc(product, action, region, query)).await?;
            let next = paging.next(&asked, &answer);
            pages.push(answer);
            match next {
                Some(n) if pages.len() < MAX_PAGES => asked = n,
                Some(_) => {
                    return Err(CloudError::Malformed {
                        action: format!("{product}:{action}"),
                        message: format!("more than {MAX_PAGES} pages"),
                    });
                }
                None => return Ok(pages),
            }
        }
    }

    /// Calls an operation, retrying what failed for now; the answer's JSON.
    pub async fn call(&self, call: &Call<'_>) -> Result<Value, CloudError> {
        let name = format!("{}:{}", call.product, call.action);
        let product = endpoints::find(call.product).ok_or_else(|| CloudError::Api {
            action: name.clone(),
            code: "UnknownProduct".into(),
            status: 0,
            message: format!("no endpoint is known for {}", call.product),
        })?;
        self.options.retry.run(|| self.send_once(product, call, &name)).await
    }

    async fn send_once(&self, product: &'static Product, call: &Call<'_>, name: &str) -> Result<Value, CloudError> {
        self.limiter.until_key_ready(&product.name).await;
        let _slot = self.in_flight.acquire().await.map_err(|e| CloudError::Transport(e.to_string(), name.into()))?;
        let credentials = self.credentials.credentials().await?;
        let target = self.options.endpoints.target(product, call.region, &self.options.account_id);
        let body = match &call.body {
            Some(v) => serde_json::to_vec(v)
                .map_err(|e| CloudError::Malformed { action: name.into(), message: e.to_string() })?,
            None => Vec::new(),
        };
        let headers = request_headers(&target.host, product, call, &credentials, !body.is_empty());
        let req =
            v3::Request { method: call.method, path: call.path, query: &call.query, headers: &headers, body: &body };
        let signed = v3::sign(&req, &credentials.access_key_id, credentials.access_key_secret.expose());
        let query = v3::canonical_query_string(&call.query);
        // Sent exactly as signed: the path and query in V3's encoding.
        let path = v3::canonical_uri(call.path);
        let url = if query.is_empty() {
            format!("{}{path}", target.base_url)
        } else {
            format!("{}{path}?{query}", target.base_url)
        };
        let method = reqwest::Method::from_bytes(call.method.as_bytes())
            .map_err(|e| CloudError::Malformed { action: name.into(), message: e.to_string() })?;
        let mut request = self.http.request(method, url).body(body);
        for (k, v) in headers.iter().chain(&signed) {
            request = request.header(k.as_str(), v.as_str());
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = request.send().await.map_err(|e| CloudError::Transport(e.to_string(), name.into()))?;
        let status = response.status().as_u16();
        let text = read_limited(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|message| CloudError::Malformed { action: name.into(), message })?;
        if !(200..300).contains(&status) {
            return Err(error::from_answer(name, status, &text));
        }
        serde_json::from_str(&text).map_err(|e| CloudError::Malformed { action: name.into(), message: e.to_string() })
    }
}

/// An OSS call: the service (`bucket` `None`, e.g. ListBuckets) or a bucket's
/// sub-resource (`acl`, `bucketInfo`, `policy`…), in `region`.
#[derive(Debug, Clone)]
pub struct OssCall<'a> {
    /// `oss:GetBucketAcl`: for errors and rate limits.
    pub api: &'a str,
    pub region: &'a str,
    pub bucket: Option<&'a str>,
    pub query: Vec<(String, String)>,
}

impl Client {
    /// Calls OSS with a V4 signature; the answer's XML text.
    pub async fn oss(&self, call: &OssCall<'_>) -> Result<String, CloudError> {
        self.options.retry.run(|| self.oss_once(call)).await
    }

    async fn oss_once(&self, call: &OssCall<'_>) -> Result<String, CloudError> {
        let name = call.api;
        let transport = |e: &dyn std::fmt::Display| CloudError::Transport(e.to_string(), name.into());
        self.limiter.until_key_ready(&"oss").await;
        let _slot = self.in_flight.acquire().await.map_err(|e| transport(&e))?;
        let credentials = self.credentials.credentials().await?;
        let service = format!("oss-{}.aliyuncs.com", call.region);
        let host = call.bucket.map_or_else(|| service.clone(), |b| format!("{b}.{service}"));
        let base = match &self.options.endpoints {
            Endpoints::Real { .. } => format!("https://{host}"),
            Endpoints::Override { base } => base.trim_end_matches('/').to_owned(),
        };
        let mut headers = vec![("host".to_owned(), host)];
        if let Some(token) = &credentials.security_token {
            headers.push(("x-oss-security-token".to_owned(), token.expose().to_owned()));
        }
        let req =
            oss_v4::Request { method: "GET", bucket: call.bucket, key: None, query: &call.query, headers: &headers };
        let signed = oss_v4::sign(
            &req,
            call.region,
            Utc::now(),
            &credentials.access_key_id,
            credentials.access_key_secret.expose(),
            &[],
        );
        // Virtual-hosted style: the bucket is in the host, the path is `/`.
        let query = oss_v4::canonical_query_string(&call.query);
        let url = if query.is_empty() { format!("{base}/") } else { format!("{base}/?{query}") };
        let mut request = self.http.get(url);
        for (k, v) in headers.iter().chain(&signed) {
            request = request.header(k.as_str(), v.as_str());
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = request.send().await.map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        let text = read_limited(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|message| CloudError::Malformed { action: name.into(), message })?;
        if !(200..300).contains(&status) {
            return Err(error::from_answer(name, status, &text));
        }
        Ok(text)
    }
}

/// The headers a V3 request carries before it is signed.
fn request_headers(
    host: &str,
    product: &Product,
    call: &Call<'_>,
    credentials: &Credentials,
    has_body: bool,
) -> Vec<(String, String)> {
    let nonce: u128 = rand::rng().random();
    let mut headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("x-acs-action".to_owned(), call.action.to_owned()),
        ("x-acs-version".to_owned(), product.version.to_owned()),
        ("x-acs-date".to_owned(), v3::format_date(Utc::now())),
        ("x-acs-signature-nonce".to_owned(), format!("{nonce:032x}")),
    ];
    if has_body {
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    if let Some(token) = &credentials.security_token {
        headers.push(("x-acs-security-token".to_owned(), token.expose().to_owned()));
    }
    headers
}
