//! The activation API in process: the walkthrough a user follows, every
//! refusal with its code, authentication, events and concurrency. Each test
//! runs twice: over real Redis and NATS, and over the in-process store,
//! ledger and bus that `cspm demo` uses.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use cspm_accounts::{AccountStore, MemoryStore, RedisStore};
use cspm_activation::events::{AccountEventMessage, EventPublisher};
use cspm_activation::{Activation, http};
use cspm_bus::{Bus, MemoryBus, NatsBus, account_stream};
use cspm_domain::{Site, TenantId};
use cspm_ledger::{Clock, JobId, LedgerMetrics, MemoryLedger, MeteredLedger, QuotaLedger, RedisLedger, ReserveRequest};
use cspm_tests::{nats_url, redis_url, unique_tenant};
use futures::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

const ADMIN: &str = "test-admin-token-0123456789";

struct Api {
    app: Router,
    /// The subject root events go under (each test its own).
    root: String,
    ledger: Arc<dyn QuotaLedger>,
    store: Arc<dyn AccountStore>,
    bus: Arc<dyn Bus>,
}

impl Api {
    async fn redis() -> Self {
        let ledger = RedisLedger::connect(&redis_url(), Clock::Real).await.expect("Redis");
        let root = format!("act{}", rand::random::<u32>());
        let bus = NatsBus::connect(&nats_url(), &[account_stream(&root)]).await.expect("NATS");
        Self::build(Arc::new(ledger.clone()), Arc::new(RedisStore::new(ledger)), Arc::new(bus), root)
    }

    async fn memory() -> Self {
        let ledger = Arc::new(MemoryLedger::new(Clock::Real));
        let root = format!("act{}", rand::random::<u32>());
        Self::build(ledger.clone(), Arc::new(MemoryStore::new(ledger)), Arc::new(MemoryBus::default()), root)
    }

    fn build(ledger: Arc<dyn QuotaLedger>, store: Arc<dyn AccountStore>, bus: Arc<dyn Bus>, root: String) -> Self {
        let registry = prometheus::Registry::new();
        let metered = Arc::new(MeteredLedger::new(ledger.clone(), LedgerMetrics::new(&registry)));
        let events = EventPublisher::new(store.clone(), bus.clone(), &root, &registry);
        let activation = Arc::new(Activation::new(store.clone(), metered, events, ADMIN));
        let app = http::router(activation, registry, cspm_runtime::health::Readiness::default(), 4096);
        Api { app, root, ledger, store, bus }
    }
}

/// Expands each test into one `#[tokio::test]` per backend.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod redis_and_nats { $( #[tokio::test] async fn $name() { super::$name(super::Api::redis().await).await } )* }
        mod in_process { $( #[tokio::test] async fn $name() { super::$name(super::Api::memory().await).await } )* }
    };
}

both_backends!(
    the_readme_walkthrough,
    quota_follows_the_ledger_and_billing_method,
    editions_and_host_security,
    entitlement_queries_answer_with_codes_and_numbers,
    bad_input_gets_a_4xx_with_a_stable_code,
    tokens_scope_what_a_caller_may_do,
    concurrent_rotations_leave_one_valid_token,
    authorization_is_idempotent_and_revocable,
    account_events_are_published,
    concurrent_upgrades_all_count,
    metrics_count_requests_and_ledger_calls,
);

fn path(t: &TenantId, rest: &str) -> String {
    format!("/v1/tenants/{}/{}{rest}", t.site, t.account_id)
}

impl Api {
    async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let raw = body.map(|b| b.to_string());
        self.call_raw(method, uri, token, raw.as_deref(), "application/json").await
    }

    async fn call_raw(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
        ctype: &str,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header("content-type", ctype).body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into())),
        )
    }

    async fn admin(&self, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(method, uri, Some(ADMIN), body).await
    }

    async fn ok(&self, method: &str, uri: &str, body: Option<Value>) -> Value {
        let (status, v) = self.admin(method, uri, body).await;
        assert!(status.is_success(), "{method} {uri}: {status} {v}");
        v
    }

    async fn tenant(&self) -> TenantId {
        let t = unique_tenant(Site::Cn);
        let (status, _) = self.admin("PUT", &path(&t, ""), None).await;
        assert_eq!(status, StatusCode::CREATED);
        t
    }
}

fn assert_error(got: (StatusCode, Value), status: StatusCode, code: &str) -> String {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
    let message = got.1["message"].as_str().unwrap_or_default().to_owned();
    assert!(!message.is_empty(), "every error has a message");
    message
}

async fn the_readme_walkthrough(api: Api) {
    let t = api.tenant().await;
    let v = api.ok("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "auth-1"}))).await;
    assert_eq!(v["authorized"], true);
    assert_eq!(v["authorization"]["role_name"], "AliyunServiceRoleForSasCspm");
    let v = api.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 3000, "months": 12}))).await;
    assert_eq!(v["cspm"]["method"], "subscription");
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!(q["headline"], json!({"label": "Remaining Quota", "value": 3000}));
    assert_eq!(
        (q["purchased"].as_u64(), q["used"].as_u64(), q["remaining"].as_u64()),
        (Some(3000), Some(0), Some(3000))
    );
    let msg = assert_error(
        api.admin("PUT", &path(&t, "/cspm/pay-as-you-go"), Some(json!({"cap": null}))).await,
        StatusCode::CONFLICT,
        "Conflict",
    );
    assert!(msg.contains("one billing method at a time"), "{msg}");
    let r = api.ok("GET", &path(&t, "/recommendation?services=10&instances_per_service=15"), None).await;
    assert_eq!(r["recommended_quota"], 3000);
    let body = json!({"services": [{"service": "ecs", "instances": 7}, {"service": "oss", "instances": 3}]});
    assert_eq!(api.ok("POST", &path(&t, "/recommendation"), Some(body)).await["recommended_quota"], 200);
}

async fn quota_follows_the_ledger_and_billing_method(api: Api) {
    let t = api.tenant().await;
    api.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 100, "months": 1}))).await;
    // Work drawn from the ledger shows in the quota.
    let job = JobId::new("scan-1").unwrap();
    api.ledger.reserve(&t, &job, ReserveRequest::all_or_nothing(30, Duration::from_secs(60))).await.unwrap();
    api.ledger.commit(&t, &job, 25).await.unwrap();
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!((q["used"].as_u64(), q["remaining"].as_u64()), (Some(25), Some(75)));
    // Upgrade adds quota; a retried upgrade with the same client token adds once.
    let up = json!({"add_quota": 50, "client_token": "up-1"});
    api.ok("POST", &path(&t, "/cspm/subscription/upgrade"), Some(up.clone())).await;
    api.ok("POST", &path(&t, "/cspm/subscription/upgrade"), Some(up)).await;
    assert_eq!(api.ok("GET", &path(&t, "/quota"), None).await["remaining"], 125);
    // Unsubscribing forfeits the remainder.
    api.ok("DELETE", &path(&t, "/cspm/subscription"), None).await;
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!((q["billing_method"].as_str(), q["remaining"].as_u64()), (Some("none"), Some(0)));
    // Pay-as-you-go shows Used Quota, from zero in its own billing period.
    api.ok("PUT", &path(&t, "/cspm/pay-as-you-go"), Some(json!({"cap": null}))).await;
    let job = JobId::new("scan-2").unwrap();
    api.ledger.reserve(&t, &job, ReserveRequest::all_or_nothing(40, Duration::from_secs(60))).await.unwrap();
    api.ledger.commit(&t, &job, 40).await.unwrap();
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!(q["headline"], json!({"label": "Used Quota", "value": 40}));
    assert_eq!(q["remaining"], Value::Null);
    // A cap below what is used is refused with the number to choose.
    let msg = assert_error(
        api.admin("PUT", &path(&t, "/cspm/pay-as-you-go"), Some(json!({"cap": 39}))).await,
        StatusCode::CONFLICT,
        "Conflict",
    );
    assert!(msg.contains("choose at least 40"), "{msg}");
    api.ok("PUT", &path(&t, "/cspm/pay-as-you-go"), Some(json!({"cap": 50}))).await;
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!((q["cap"].as_u64(), q["remaining"].as_u64()), (Some(50), Some(10)));
}

async fn editions_and_host_security(api: Api) {
    let t = api.tenant().await;
    let v = api.ok("PUT", &path(&t, "/host-security"), Some(json!({}))).await;
    assert_eq!(v["edition"], json!({"billing": "pay_as_you_go", "bound_edition": "enterprise"}));
    let v = api.ok("PUT", &path(&t, "/host-security"), Some(json!({"bound_edition": "ultimate"}))).await;
    assert_eq!(v["edition"]["bound_edition"], "ultimate");
    assert_error(
        api.admin("PUT", &path(&t, "/edition"), Some(json!({"edition": "advanced"}))).await,
        StatusCode::CONFLICT,
        "Conflict",
    );
    api.ok("DELETE", &path(&t, "/host-security"), None).await;
    let v = api.ok("PUT", &path(&t, "/edition"), Some(json!({"edition": "advanced"}))).await;
    assert_eq!(v["edition"], json!({"billing": "subscription", "edition": "advanced"}));
}

async fn entitlement_queries_answer_with_codes_and_numbers(api: Api) {
    let t = api.tenant().await;
    let scan_paid = json!({"operation": {"kind": "config_check", "action": "scan", "item": "paid"}, "instances": 15});
    let e = api.ok("POST", &path(&t, "/entitlement"), Some(scan_paid.clone())).await;
    assert_eq!((e["allowed"].as_bool(), e["code"].as_str()), (Some(false), Some("NotAuthorized")));
    assert!(e["message"].as_str().unwrap().contains("AliyunServiceRoleForSasCspm"));
    api.ok("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "a"}))).await;
    let e = api.ok("POST", &path(&t, "/entitlement"), Some(scan_paid.clone())).await;
    assert_eq!(e["code"], "NotEntitled");
    api.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 10, "months": 1}))).await;
    let e = api.ok("POST", &path(&t, "/entitlement"), Some(scan_paid.clone())).await;
    assert_eq!(
        e["allowance"],
        json!({"charge": "per_evaluation", "units_needed": 15, "remaining": 10, "covered": false})
    );
    let job = JobId::new("all").unwrap();
    api.ledger.reserve(&t, &job, ReserveRequest::all_or_nothing(10, Duration::from_secs(60))).await.unwrap();
    api.ledger.commit(&t, &job, 10).await.unwrap();
    let e = api.ok("POST", &path(&t, "/entitlement"), Some(scan_paid)).await;
    assert_eq!(e["code"], "AuthorizationExhaust");
    assert!(e["message"].as_str().unwrap().contains("15 units needed, 0 remaining"));
    let baseline = json!({"operation": {"kind": "baseline", "family": "container_security", "action": "scan"}});
    api.ok("PUT", &path(&t, "/edition"), Some(json!({"edition": "enterprise"}))).await;
    let e = api.ok("POST", &path(&t, "/entitlement"), Some(baseline)).await;
    assert_eq!(e["code"], "NotEntitled");
}

async fn bad_input_gets_a_4xx_with_a_stable_code(api: Api) {
    let t = api.tenant().await;
    let bad = StatusCode::BAD_REQUEST;
    let inv = "InvalidParameter";
    let m = assert_error(api.admin("PUT", "/v1/tenants/us/1234567890123456", None).await, bad, inv);
    assert!(m.contains("unknown site"), "{m}");
    let m = assert_error(api.admin("PUT", "/v1/tenants/cn/12ab", None).await, bad, inv);
    assert!(m.contains("malformed account id"), "{m}");
    let sub = path(&t, "/cspm/subscription");
    assert_error(api.admin("PUT", &sub, Some(json!({"quota": -5, "months": 1}))).await, bad, inv);
    let m =
        assert_error(api.admin("PUT", &sub, Some(json!({"quota": 1_000_000_000_000u64, "months": 1}))).await, bad, inv);
    assert!(m.contains("between 1 and"), "{m}");
    assert_error(api.admin("PUT", &sub, Some(json!({"quota": 0, "months": 1}))).await, bad, inv);
    assert_error(api.admin("PUT", &sub, Some(json!({"quota": 10, "months": 1, "colour": "red"}))).await, bad, inv);
    let m = assert_error(api.admin("PUT", &path(&t, "/edition"), Some(json!({"edition": "gold"}))).await, bad, inv);
    assert!(m.contains("unknown edition"), "{m}");
    assert_error(api.call_raw("PUT", &sub, Some(ADMIN), Some("{\"quota\": 1,"), "application/json").await, bad, inv);
    assert_error(
        api.call_raw("PUT", &sub, Some(ADMIN), Some("{}"), "text/plain").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        inv,
    );
    let huge = format!("{{\"client_token\": \"{}\"}}", "x".repeat(10_000));
    assert_error(
        api.call_raw("PUT", &path(&t, "/authorization"), Some(ADMIN), Some(&huge), "application/json").await,
        StatusCode::PAYLOAD_TOO_LARGE,
        inv,
    );
    assert_error(
        api.admin("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "has space"}))).await,
        bad,
        inv,
    );
    assert_error(api.admin("GET", &path(&t, "/recommendation?services=ten"), None).await, bad, inv);
    assert_error(api.admin("GET", &path(&t, "/nope"), None).await, StatusCode::NOT_FOUND, "NotFound");
    // A route called with a method it does not take, and a path segment that is not UTF-8.
    assert_error(
        api.admin("DELETE", &path(&t, "/quota"), None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
    );
    assert_error(api.admin("GET", "/v1/tenants/cn/%FF%FE", None).await, bad, inv);
    let missing = unique_tenant(Site::Intl);
    let m = assert_error(api.admin("GET", &path(&missing, ""), None).await, StatusCode::NOT_FOUND, "TenantNotFound");
    assert!(m.contains("PUT /v1/tenants/intl/"), "{m}");
    // Refusals changed nothing.
    assert_eq!(api.ok("GET", &path(&t, ""), None).await["version"], 1);
}

async fn tokens_scope_what_a_caller_may_do(api: Api) {
    let t = api.tenant().await;
    let other = api.tenant().await;
    assert_error(api.call("GET", &path(&t, ""), None, None).await, StatusCode::UNAUTHORIZED, "Unauthenticated");
    assert_error(
        api.call("GET", &path(&t, ""), Some("guess"), None).await,
        StatusCode::UNAUTHORIZED,
        "Unauthenticated",
    );
    let token = api.ok("POST", &path(&t, "/tokens"), None).await["token"].as_str().unwrap().to_owned();
    let tok = Some(token.as_str());
    assert_eq!(api.call("GET", &path(&t, ""), tok, None).await.0, StatusCode::OK);
    assert_eq!(api.call("GET", &path(&t, "/quota"), tok, None).await.0, StatusCode::OK);
    assert_error(api.call("DELETE", &path(&t, "/authorization"), tok, None).await, StatusCode::FORBIDDEN, "Forbidden");
    assert_error(api.call("GET", &path(&other, ""), tok, None).await, StatusCode::FORBIDDEN, "Forbidden");
    // The same account on the other site is another tenant.
    let twin = TenantId::new(Site::Intl, t.account_id.clone());
    assert_error(api.call("GET", &path(&twin, ""), tok, None).await, StatusCode::FORBIDDEN, "Forbidden");
    // Rotating the token revokes the old one.
    let fresh = api.ok("POST", &path(&t, "/tokens"), None).await["token"].as_str().unwrap().to_owned();
    assert_error(api.call("GET", &path(&t, ""), tok, None).await, StatusCode::UNAUTHORIZED, "Unauthenticated");
    assert_eq!(api.call("GET", &path(&t, ""), Some(&fresh), None).await.0, StatusCode::OK);
}

/// Rotation is one atomic step: however many run at once, one token works.
async fn concurrent_rotations_leave_one_valid_token(api: Api) {
    let api = Arc::new(api);
    let t = api.tenant().await;
    let mut calls = Vec::new();
    for _ in 0..12 {
        let (api, t) = (api.clone(), t.clone());
        calls.push(tokio::spawn(async move {
            api.ok("POST", &path(&t, "/tokens"), None).await["token"].as_str().unwrap().to_owned()
        }));
    }
    let mut tokens = Vec::new();
    for c in calls {
        tokens.push(c.await.unwrap());
    }
    let mut valid = 0;
    for tok in &tokens {
        valid += usize::from(api.call("GET", &path(&t, ""), Some(tok), None).await.0 == StatusCode::OK);
    }
    assert_eq!(valid, 1, "exactly one of 12 concurrently issued tokens is valid");
    api.ok("POST", &path(&t, "/tokens"), None).await;
    for tok in &tokens {
        assert_eq!(api.call("GET", &path(&t, ""), Some(tok), None).await.0, StatusCode::UNAUTHORIZED);
    }
}

async fn authorization_is_idempotent_and_revocable(api: Api) {
    let t = api.tenant().await;
    let a = api.ok("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "tok-1"}))).await;
    let b = api.ok("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "tok-1"}))).await;
    assert_eq!(a["authorization"], b["authorization"], "a retry returns the first result");
    assert_eq!(a["version"], b["version"], "and changes nothing");
    let r = api.ok("DELETE", &path(&t, "/authorization"), None).await;
    assert_eq!(r["authorized"], false);
    assert!(r["authorization"]["revoked_at"].is_string());
}

async fn account_events_are_published(api: Api) {
    let t = api.tenant().await;
    // Under the fleet's subject root, whatever it is (not always `cspm`).
    let mut events = api.bus.subscribe(&format!("{}.v1.account.{}.>", api.root, t.subject_part())).await.unwrap();
    api.ok("PUT", &path(&t, "/authorization"), Some(json!({"client_token": "e"}))).await;
    api.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 3000, "months": 12}))).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        let m = tokio::time::timeout(Duration::from_secs(3), events.next()).await.expect("event in time").unwrap();
        let msg: AccountEventMessage = serde_json::from_slice(&m.payload).unwrap();
        assert_eq!(m.subject, msg.subject(&api.root));
        assert_eq!(m.msg_id, msg.event_id);
        assert_eq!(msg.schema, "cspm.account_event.v1");
        got.push((m.subject.rsplit('.').next().unwrap().to_owned(), msg.account_version));
    }
    assert_eq!(got, vec![("authorized".into(), 2), ("billing_changed".into(), 3), ("quota_changed".into(), 3)]);
    assert!(api.store.outbox(&t).await.unwrap().is_empty(), "published events leave the outbox");
}

async fn concurrent_upgrades_all_count(api: Api) {
    let api = Arc::new(api);
    let t = api.tenant().await;
    api.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 3000, "months": 12}))).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (api, t) = (api.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"add_quota": 10, "client_token": format!("up-{i}")});
            api.ok("POST", &path(&t, "/cspm/subscription/upgrade"), Some(body)).await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let q = api.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!((q["purchased"].as_u64(), q["remaining"].as_u64()), (Some(3120), Some(3120)));
}

#[tokio::test]
async fn state_lives_in_redis_so_a_new_instance_sees_it() {
    let first = Api::redis().await;
    let t = first.tenant().await;
    first.ok("PUT", &path(&t, "/cspm/subscription"), Some(json!({"quota": 77, "months": 1}))).await;
    drop(first);
    let second = Api::redis().await;
    let q = second.ok("GET", &path(&t, "/quota"), None).await;
    assert_eq!(q["remaining"], 77);
}

async fn metrics_count_requests_and_ledger_calls(api: Api) {
    let t = api.tenant().await;
    api.ok("GET", &path(&t, "/quota"), None).await;
    let _ = api.admin("GET", "/v1/tenants/xx/1", None).await;
    let (status, body) = api.call("GET", "/metrics", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let text = body.as_str().unwrap();
    assert!(
        text.contains(
            r#"cspm_http_requests_total{method="GET",route="/v1/tenants/{site}/{account_id}/quota",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"status="400""#));
    assert!(text.contains(r#"cspm_ledger_calls_total{operation="snapshot",result="ok"} 1"#), "{text}");
    assert!(text.contains("cspm_ledger_call_duration_seconds_bucket"));
    assert!(!text.contains(&t.account_id.to_string()), "no account ids in labels");
}
