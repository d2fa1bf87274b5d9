//! A local stand-in for Alibaba Cloud's OpenAPI, for tests, the demo and
//! people trying the system without an account. It is a real HTTP server
//! that the real client talks to unchanged (only the endpoint override
//! points at it): it verifies V3 signatures against the AccessKeys it was
//! given, answers the real error codes, serves RPC calls from state seeded
//! with documents in the import format and pages lists honestly, issues STS
//! credentials for roles it knows, and can be told to throttle a share of
//! calls, deny chosen actions, and slow down.

pub mod answer;
pub mod auth;
pub mod oss;
pub mod state;
mod sts;
pub mod synthetic;

use answer::Failure;
use auth::{Key, Keys};
use axum::body::Bytes;
use axum::extract::{Request, State as AxumState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use cspm_cloud::endpoints;
use cspm_cloud::sign::v3;
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How the emulator misbehaves on purpose.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Share of calls answered `Throttling.User` (0.0 to 1.0).
    pub throttle: f64,
    /// `<product>:<Action>` answered `Forbidden.RAM`.
    pub denied: BTreeSet<String>,
    /// Added to every answer.
    pub latency: Duration,
}

/// A role the emulator's STS lets an account assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// `acs:ram::<account>:role/<name>`.
    pub arn: String,
    /// Accounts whose keys may assume it (the trust policy).
    pub trusted_accounts: BTreeSet<String>,
}

pub struct Emulator {
    keys: Keys,
    roles: BTreeMap<String, Role>,
    state: state::State,
    faults: Faults,
    /// Calls answered, errors included (for tests and benchmarks).
    calls: AtomicU64,
}

impl Emulator {
    pub fn new(documents: Vec<state::Document>, faults: Faults) -> Self {
        Self {
            keys: Keys::default(),
            roles: BTreeMap::new(),
            state: state::State::new(documents),
            faults,
            calls: AtomicU64::new(0),
        }
    }

    /// Accepts a long-lived AccessKey of a RAM user of `account_id`.
    pub fn with_key(self, id: &str, secret: &str, account_id: &str) -> Self {
        let arn = format!("acs:ram::{account_id}:user/{id}");
        self.keys
            .add(id, Key { secret: secret.into(), account_id: account_id.into(), arn, token: None, expires_at: None });
        self
    }

    /// Knows a role that keys of `trusted` accounts may assume.
    pub fn with_role(mut self, arn: &str, trusted: &[&str]) -> Self {
        let role = Role { arn: arn.into(), trusted_accounts: trusted.iter().map(|a| (*a).to_owned()).collect() };
        self.roles.insert(arn.into(), role);
        self
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The HTTP router (every path, every method).
    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new().fallback(handle).with_state(self)
    }

    /// Serves on `listener` until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// The faults asked for: a denied action, or this call's share of throttling.
    fn misbehave(&self, api: &str) -> Result<(), Failure> {
        if self.faults.denied.contains(api) {
            let message = format!("User not authorized to operate on the specified resource: {api}");
            return Err(Failure::new(403, "Forbidden.RAM", message));
        }
        if self.faults.throttle > 0.0 && rand::rng().random_bool(self.faults.throttle.clamp(0.0, 1.0)) {
            return Err(Failure::new(400, "Throttling.User", "Request was denied due to user flow control."));
        }
        Ok(())
    }

    fn answer(
        &self,
        product: &str,
        action: &str,
        params: &[(String, String)],
        key: &Key,
    ) -> Result<serde_json::Value, Failure> {
        let api = format!("{product}:{action}");
        self.misbehave(&api)?;
        match api.as_str() {
            "sts:AssumeRole" => sts::assume_role(&self.keys, &self.roles, params, key),
            "sts:GetCallerIdentity" => Ok(sts::caller_identity(key)),
            _ => self.state.answer(&api, params),
        }
    }
}

fn handle_oss(
    emulator: &Emulator,
    (bucket, region): (Option<&str>, &str),
    query: &[(String, String)],
    headers: &[(String, String)],
    method: &str,
) -> Response {
    let req = cspm_cloud::sign::oss_v4::Request { method, bucket, key: None, query, headers };
    let result = oss::authenticate(&emulator.keys, &req, region, Utc::now()).and_then(|_| {
        let api = oss::api_of(bucket, query)
            .ok_or_else(|| Failure::new(400, "InvalidArgument", "this emulator answers bucket sub-resources only"))?;
        emulator.misbehave(api)?;
        oss::answer(&emulator.state, api, bucket)
    });
    match result {
        Ok(xml) => ([("content-type", "application/xml")], xml).into_response(),
        Err(f) => {
            let xml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId></Error>"#,
                f.code,
                f.message,
                answer::request_id()
            );
            let status = axum::http::StatusCode::from_u16(f.status).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
            (status, [("content-type", "application/xml")], xml).into_response()
        }
    }
}

/// `a=1&b=%2F` → `[("a","1"), ("b","/")]` (V3 encodes spaces as `%20`; a `+` is a plus).
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers.iter().filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_owned()))).collect()
}

/// Largest request body read.
const MAX_BODY: usize = 1 << 20;

async fn handle(AxumState(emulator): AxumState<Arc<Emulator>>, request: Request) -> Response {
    emulator.calls.fetch_add(1, Ordering::Relaxed);
    if !emulator.faults.latency.is_zero() {
        tokio::time::sleep(emulator.faults.latency).await;
    }
    let (parts, body) = request.into_parts();
    let host = parts.headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
    let Ok(body): Result<Bytes, _> = axum::body::to_bytes(body, MAX_BODY).await else {
        return answer::error(&Failure::new(413, "InvalidParameter", "the request body is too large"), &host);
    };
    let query = decode_query(parts.uri.query().unwrap_or_default());
    let headers = header_pairs(&parts.headers);
    if let Some((bucket, region)) = oss::parse_host(&host) {
        return handle_oss(&emulator, (bucket.as_deref(), &region), &query, &headers, parts.method.as_str());
    }
    let path = percent_decode(parts.uri.path());
    let req = v3::Request { method: parts.method.as_str(), path: &path, query: &query, headers: &headers, body: &body };
    let key = match emulator.keys.authenticate(&req, Utc::now()) {
        Ok(k) => k,
        Err(f) => return answer::error(&f, &host),
    };
    let Some(product) = endpoints::product_of_host(&host) else {
        return answer::error(&Failure::new(404, "InvalidProduct", format!("no product answers at {host:?}")), &host);
    };
    let action = headers.iter().find(|(k, _)| k == "x-acs-action").map(|(_, v)| v.clone()).unwrap_or_default();
    let version = headers.iter().find(|(k, _)| k == "x-acs-version").map(|(_, v)| v.as_str()).unwrap_or_default();
    if version != product.version {
        let why = format!("{} speaks version {}, not {version:?}", product.name, product.version);
        return answer::error(&Failure::new(400, "InvalidVersion", why), &host);
    }
    match emulator.answer(product.name, &action, &query, &key) {
        Ok(body) => answer::ok(body),
        Err(f) => answer::error(&f, &host),
    }
}
