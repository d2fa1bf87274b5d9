//! `/openapi.json` describes the real HTTP APIs. Against a real fleet
//! (cspm-activation, cspm-scheduler and a scan worker over Redis and NATS,
//! under its own subject root), this test checks that each service's
//! document is OpenAPI 3.1, lists exactly the routes its router serves (and
//! no method it does not take), and that every answer of every route —
//! successes and the main errors — has a status the document gives for that
//! route and a body that matches the schema it gives for that status.

use cspm_domain::{Site, TenantId};
use cspm_tests::{ServiceProcess, free_port, nats_url, sample_inventory, unique_tenant};
use rand::Rng;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ADMIN: &str = "openapi-admin-token-0123456789";

/// The routes each router has, as `(method, path template)`: the document
/// must list exactly these.
const OPERATIONS: &[(&str, &str)] =
    &[("get", "/healthz"), ("get", "/readyz"), ("get", "/metrics"), ("get", "/openapi.json")];

const ACTIVATION: &[(&str, &str)] = &[
    ("put", "/v1/tenants/{site}/{account_id}"),
    ("get", "/v1/tenants/{site}/{account_id}"),
    ("post", "/v1/tenants/{site}/{account_id}/tokens"),
    ("put", "/v1/tenants/{site}/{account_id}/authorization"),
    ("delete", "/v1/tenants/{site}/{account_id}/authorization"),
    ("put", "/v1/tenants/{site}/{account_id}/edition"),
    ("put", "/v1/tenants/{site}/{account_id}/host-security"),
    ("delete", "/v1/tenants/{site}/{account_id}/host-security"),
    ("put", "/v1/tenants/{site}/{account_id}/cspm/subscription"),
    ("delete", "/v1/tenants/{site}/{account_id}/cspm/subscription"),
    ("post", "/v1/tenants/{site}/{account_id}/cspm/subscription/upgrade"),
    ("put", "/v1/tenants/{site}/{account_id}/cspm/pay-as-you-go"),
    ("delete", "/v1/tenants/{site}/{account_id}/cspm/pay-as-you-go"),
    ("get", "/v1/tenants/{site}/{account_id}/quota"),
    ("get", "/v1/tenants/{site}/{account_id}/recommendation"),
    ("post", "/v1/tenants/{site}/{account_id}/recommendation"),
    ("post", "/v1/tenants/{site}/{account_id}/entitlement"),
];

const SCHEDULER: &[(&str, &str)] = &[
    ("get", "/v1/catalogue"),
    ("post", "/v1/tenants/{site}/{account_id}/assets"),
    ("get", "/v1/tenants/{site}/{account_id}/assets"),
    ("post", "/v1/tenants/{site}/{account_id}/collections"),
    ("get", "/v1/tenants/{site}/{account_id}/collections"),
    ("get", "/v1/tenants/{site}/{account_id}/collections/{collection_id}"),
    ("post", "/v1/tenants/{site}/{account_id}/scans"),
    ("post", "/v1/tenants/{site}/{account_id}/verifications"),
    ("get", "/v1/tenants/{site}/{account_id}/tasks"),
    ("get", "/v1/tenants/{site}/{account_id}/tasks/{task_id}"),
    ("get", "/v1/tenants/{site}/{account_id}/results"),
    ("get", "/v1/tenants/{site}/{account_id}/results/items"),
    ("get", "/v1/tenants/{site}/{account_id}/dead-letters"),
    ("get", "/v1/dead-letters"),
    ("post", "/v1/dead-letters/{sequence}/replay"),
];

/// What a request sends as its body.
enum Body {
    None,
    Json(Value),
    /// Bytes with the given content type (or none).
    Raw(Option<&'static str>, Vec<u8>),
}

/// One service, its document, and the (method, template, status) answers seen.
struct Api {
    name: &'static str,
    base: String,
    doc: Value,
    seen: Mutex<BTreeSet<(String, String, u16)>>,
    http: reqwest::Client,
}

impl Api {
    async fn fetch(name: &'static str, base: &str) -> Self {
        let http = reqwest::Client::new();
        let resp = http.get(format!("{base}/openapi.json")).send().await.expect("service reachable");
        assert_eq!(resp.status(), 200, "{name}: /openapi.json");
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "{name}: {content_type}");
        let doc: Value = resp.json().await.expect("the document is JSON");
        Self { name, base: base.to_owned(), doc, seen: Mutex::default(), http }
    }

    /// The documented `(method, template)` pairs.
    fn operations(&self) -> BTreeSet<(String, String)> {
        let mut ops = BTreeSet::new();
        for (path, item) in self.doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                ops.insert((method.clone(), path.clone()));
            }
        }
        ops
    }

    /// Sends a request to `path` (an instance of `template`) and checks the
    /// answer against the document: its status is documented for the
    /// operation, and its body matches that status's schema.
    async fn call(&self, method: &str, template: &str, path: &str, token: Option<&str>, body: Body) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut req = self.http.request(m, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req = match body {
            Body::None => req,
            Body::Json(v) => req.json(&v),
            Body::Raw(content_type, bytes) => {
                let req = match content_type {
                    Some(ct) => req.header("content-type", ct),
                    None => req,
                };
                req.body(bytes)
            }
        };
        let resp = req.send().await.expect("service reachable");
        let status = resp.status().as_u16();
        let content_type =
            resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = resp.text().await.unwrap_or_default();
        let what = format!("{}: {method} {path} answered {status}", self.name);
        let operation = &self.doc["paths"][template][method];
        assert!(operation.is_object(), "{what}: {method} {template} is not documented");
        let response = &operation["responses"][status.to_string()];
        assert!(response.is_object(), "{what}: status {status} is not documented: {text}");
        let content = response["content"].as_object().expect("documented content");
        let value = if content.contains_key("application/json") {
            assert!(content_type.starts_with("application/json"), "{what}: content type {content_type}");
            let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
            self.validate(&content["application/json"]["schema"], &value, &what);
            value
        } else {
            let documented = content.keys().next().expect("a content type");
            assert_eq!(content_type, *documented, "{what}");
            Value::String(text)
        };
        if status >= 400 {
            // Body problems (413, 415) are `InvalidParameter` with their own status.
            let code: cspm_domain::ErrorCode = serde_json::from_value(value["code"].clone()).unwrap();
            let expected = match status {
                413 | 415 => 400,
                other => other,
            };
            assert_eq!(cspm_runtime::api::status_of(code).as_u16(), expected, "{what}: the code's status");
        }
        self.seen.lock().unwrap().insert((method.to_owned(), template.to_owned(), status));
        (status, value)
    }

    /// Validates `value` against `schema`, resolving `#/components/...` in the document.
    fn validate(&self, schema: &Value, value: &Value, what: &str) {
        let root = json!({"components": self.doc["components"], "allOf": [schema]});
        let validator = jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("{what}: schema: {e}"));
        let errors: Vec<String> =
            validator.iter_errors(value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{what}: the body does not match the document: {errors:#?}\n{value:#}");
    }

    /// Checks the document's version and that it lists exactly `routes`.
    fn check_listing(&self, routes: &[(&str, &str)]) {
        let version = self.doc["openapi"].as_str().unwrap_or_default();
        assert!(version.starts_with("3.1."), "{}: OpenAPI {version}", self.name);
        let expected: BTreeSet<(String, String)> =
            routes.iter().chain(OPERATIONS).map(|(m, p)| (m.to_string(), p.to_string())).collect();
        assert_eq!(self.operations(), expected, "{}: the documented routes", self.name);
        let schemes = &self.doc["components"]["securitySchemes"];
        for name in ["admin_token", "tenant_token"] {
            assert_eq!(schemes[name]["scheme"], "bearer", "{}: {name}", self.name);
        }
        let codes = &self.doc["components"]["schemas"]["ErrorCode"]["enum"];
        assert!(codes.as_array().is_some_and(|c| c.contains(&json!("InvalidParameter"))), "{codes}");
    }

    /// No documented path takes a method the document does not give it.
    async fn check_methods(&self, tenant: &TenantId) {
        for (path, item) in self.doc["paths"].as_object().unwrap() {
            let concrete = path
                .replace("{site}", tenant.site.as_str())
                .replace("{account_id}", tenant.account_id.as_str())
                .replace("{task_id}", "t-none")
                .replace("{collection_id}", "c-none")
                .replace("{sequence}", "1");
            for method in ["get", "put", "post", "delete", "patch"] {
                if item.get(method).is_some() {
                    continue;
                }
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let resp = self.http.request(m, format!("{}{concrete}", self.base)).send().await.unwrap();
                let status = resp.status().as_u16();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                assert_eq!(status, 405, "{}: {method} {path} is served but not documented: {body}", self.name);
                assert_eq!(body["code"], "MethodNotAllowed", "{body}");
                self.validate(&json!({"$ref": "#/components/schemas/ErrorBody"}), &body, path);
            }
        }
    }

    /// Every documented operation answered at least once with a success.
    fn check_coverage(&self) {
        let seen = self.seen.lock().unwrap();
        for (method, template) in self.operations() {
            let ok = seen.iter().any(|(m, t, s)| *m == method && *t == template && (200..300).contains(s));
            assert!(ok, "{}: {method} {template} was never exercised successfully", self.name);
        }
    }
}

/// A running fleet under its own subject root; its streams go when it does.
struct Fleet {
    root: String,
    _processes: Vec<ServiceProcess>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let prefix = format!("{}_", self.root.to_uppercase());
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                let Ok(client) = async_nats::connect(nats_url()).await else { return };
                let js = async_nats::jetstream::new(client);
                for kind in ["JOBS", "RESULTS", "DEAD_LETTERS", "ASSETS", "COLLECT", "CLOUD_EVENTS"] {
                    let _ = js.delete_stream(format!("{prefix}{kind}")).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn tenant_path(t: &TenantId) -> String {
    format!("/v1/tenants/{}/{}", t.site, t.account_id)
}

const T: &str = "/v1/tenants/{site}/{account_id}";

fn tpl(tail: &str) -> String {
    format!("{T}{tail}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documents_describe_every_route_and_every_answer() {
    let root = format!("oa{}", rand::rng().random::<u32>());
    // Alibaba Cloud, as the emulator in this process: roles are verified and accounts read there.
    let reader = unique_tenant(Site::Cn);
    let role = format!("acs:ram::{}:role/cspm-reader", reader.account_id);
    let emulator = cspm_cloud_emulator::Emulator::new(Vec::new(), Default::default())
        .with_key("LTAIoperator", "operator-secret", "5555555555555555")
        .with_role(&role, &["5555555555555555"]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(std::sync::Arc::new(emulator).serve(listener));
    let env = vec![
        ("CSPM__CLOUD__ENDPOINT", endpoint),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIoperator".to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "operator-secret".to_owned()),
        ("CSPM__NATS__SUBJECT_ROOT", root.clone()),
        ("CSPM__ACTIVATION__ADMIN_TOKEN", ADMIN.to_owned()),
        ("CSPM__SCHEDULER__ADMIN_TOKEN", ADMIN.to_owned()),
        ("CSPM__WORKER__CONCURRENCY", "1".to_owned()),
    ];
    let activation = ServiceProcess::start("cspm-activation", free_port(), &env).await;
    let scheduler = ServiceProcess::start("cspm-scheduler", free_port(), &env).await;
    let worker = ServiceProcess::start("cspm-scan-worker", free_port(), &env).await;
    let act = Api::fetch("activation", &activation.base).await;
    let sch = Api::fetch("scheduler", &scheduler.base).await;
    let _fleet = Fleet { root: root.clone(), _processes: vec![activation, scheduler, worker] };

    act.check_listing(ACTIVATION);
    sch.check_listing(SCHEDULER);
    // The validator resolves `$ref`s: an empty object is no error body.
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    let resolving = json!({"components": act.doc["components"], "allOf": [error_body]});
    assert!(!jsonschema::validator_for(&resolving).unwrap().is_valid(&json!({})));

    let tenant = unique_tenant(Site::Cn);
    let other = unique_tenant(Site::Intl);
    let p = tenant_path(&tenant);
    act.check_methods(&tenant).await;
    sch.check_methods(&tenant).await;

    exercise_operations(&act).await;
    exercise_operations(&sch).await;
    let tenant_token = exercise_activation(&act, &tenant, &other).await;
    exercise_scheduler(&sch, &tenant, &other, &tenant_token, &root).await;
    exercise_collections(&act, &sch, &tenant, &reader, &role).await;

    // Unknown routes answer 404 `{code, message}` (not in the document: no operation).
    for api in [&act, &sch] {
        let resp = api.http.get(format!("{}/v2/nothing", api.base)).send().await.unwrap();
        assert_eq!(resp.status(), 404);
        let body: Value = resp.json().await.unwrap();
        api.validate(&json!({"$ref": "#/components/schemas/ErrorBody"}), &body, "unknown route");
    }
    // The tenant's reads of itself with its own token (the second security scheme).
    let (s, _) = act.call("get", T, &p, Some(&tenant_token), Body::None).await;
    assert_eq!(s, 200);
    let (s, _) = sch.call("get", &tpl("/results"), &format!("{p}/results"), Some(&tenant_token), Body::None).await;
    assert_eq!(s, 200);

    act.check_coverage();
    sch.check_coverage();
}

async fn exercise_operations(api: &Api) {
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        let (status, _) = api.call("get", path, path, None, Body::None).await;
        assert_eq!(status, 200, "{path}");
    }
}

/// Every activation route, with its main errors. Returns the tenant's read token.
async fn exercise_activation(api: &Api, tenant: &TenantId, other: &TenantId) -> String {
    let p = tenant_path(tenant);
    let o = tenant_path(other);
    let a = Some(ADMIN);
    let expect = |got: (u16, Value), want: u16, code: Option<&str>| {
        assert_eq!(got.0, want, "{}", got.1);
        if let Some(code) = code {
            assert_eq!(got.1["code"], code, "{}", got.1);
        }
        got.1
    };

    // Tenants and tokens.
    expect(api.call("put", T, &p, a, Body::None).await, 201, None);
    expect(api.call("put", T, &p, a, Body::None).await, 200, None);
    expect(api.call("put", T, &o, a, Body::None).await, 201, None);
    expect(api.call("put", T, &p, None, Body::None).await, 401, Some("Unauthenticated"));
    expect(api.call("put", T, &p, Some("not-a-token"), Body::None).await, 401, Some("Unauthenticated"));
    expect(api.call("get", T, "/v1/tenants/mars/1234567890123456", a, Body::None).await, 400, Some("InvalidParameter"));
    expect(api.call("get", T, "/v1/tenants/cn/12ab", a, Body::None).await, 400, Some("InvalidParameter"));
    let missing = tenant_path(&unique_tenant(Site::Cn));
    expect(api.call("get", T, &missing, a, Body::None).await, 404, Some("TenantNotFound"));
    expect(api.call("get", T, &p, a, Body::None).await, 200, None);
    let tokens = tpl("/tokens");
    let issued = expect(api.call("post", &tokens, &format!("{p}/tokens"), a, Body::None).await, 200, None);
    let token = issued["token"].as_str().expect("a token").to_owned();
    expect(api.call("post", &tokens, &format!("{missing}/tokens"), a, Body::None).await, 404, Some("TenantNotFound"));
    let t = Some(token.as_str());
    expect(api.call("get", T, &o, t, Body::None).await, 403, Some("Forbidden"));
    expect(api.call("post", &tokens, &format!("{p}/tokens"), t, Body::None).await, 403, Some("Forbidden"));

    // Authorization, with the body errors every JSON route shares.
    let auth = tpl("/authorization");
    let ap = format!("{p}/authorization");
    let body = |v: Value| Body::Json(v);
    expect(api.call("put", &auth, &ap, a, body(json!({"client_token": "oa-1"}))).await, 200, None);
    expect(api.call("put", &auth, &ap, a, body(json!({"client_token": "has space"}))).await, 400, None);
    expect(api.call("put", &auth, &ap, a, body(json!({"client_token": "x", "more": 1}))).await, 400, None);
    expect(api.call("put", &auth, &ap, a, Body::Raw(Some("application/json"), b"{".to_vec())).await, 400, None);
    expect(api.call("put", &auth, &ap, a, Body::Raw(None, b"{}".to_vec())).await, 415, Some("InvalidParameter"));
    let big = format!("{{\"client_token\": \"{}\"}}", "x".repeat(70_000)).into_bytes();
    expect(api.call("put", &auth, &ap, a, Body::Raw(Some("application/json"), big)).await, 413, None);
    expect(api.call("put", &auth, &ap, t, body(json!({"client_token": "oa-1"}))).await, 403, Some("Forbidden"));
    expect(api.call("delete", &auth, &ap, a, Body::None).await, 200, None);
    expect(api.call("put", &auth, &ap, a, body(json!({"client_token": "oa-2"}))).await, 200, None);

    // Editions and host security.
    let ed = tpl("/edition");
    let ep = format!("{p}/edition");
    expect(api.call("put", &ed, &ep, a, body(json!({"edition": "gold"}))).await, 400, None);
    expect(api.call("put", &ed, &ep, a, body(json!({"edition": "advanced"}))).await, 200, None);
    let hs = tpl("/host-security");
    let hp = format!("{p}/host-security");
    expect(api.call("put", &hs, &hp, a, body(json!({}))).await, 409, Some("Conflict"));
    expect(api.call("put", &ed, &ep, a, body(json!({"edition": "basic"}))).await, 200, None);
    expect(api.call("put", &hs, &hp, a, body(json!({"bound_edition": "basic"}))).await, 400, None);
    expect(api.call("put", &hs, &hp, a, body(json!({"bound_edition": "ultimate"}))).await, 200, None);
    expect(api.call("delete", &hs, &hp, a, Body::None).await, 200, None);

    // The billing methods.
    let sub = tpl("/cspm/subscription");
    let sp = format!("{p}/cspm/subscription");
    let payg = tpl("/cspm/pay-as-you-go");
    let pp = format!("{p}/cspm/pay-as-you-go");
    let up = tpl("/cspm/subscription/upgrade");
    let upp = format!("{p}/cspm/subscription/upgrade");
    expect(api.call("delete", &sub, &sp, a, Body::None).await, 409, Some("Conflict"));
    expect(api.call("post", &up, &upp, a, body(json!({"add_quota": 10}))).await, 409, Some("Conflict"));
    expect(api.call("put", &sub, &sp, a, body(json!({"quota": 0, "months": 12}))).await, 400, None);
    expect(api.call("put", &sub, &sp, a, body(json!({"quota": 100, "months": 12}))).await, 200, None);
    expect(api.call("delete", &payg, &pp, a, Body::None).await, 409, Some("Conflict"));
    expect(api.call("put", &payg, &pp, a, body(json!({"cap": 500}))).await, 409, Some("Conflict"));
    expect(api.call("delete", &sub, &sp, a, Body::None).await, 200, None);
    expect(api.call("put", &payg, &pp, a, body(json!({"cap": 500}))).await, 200, None);
    expect(api.call("get", &tpl("/quota"), &format!("{p}/quota"), a, Body::None).await, 200, None);
    expect(api.call("delete", &payg, &pp, a, Body::None).await, 200, None);
    let entitlement = tpl("/entitlement");
    let enp = format!("{p}/entitlement");
    let attack_path = json!({"operation": {"kind": "attack_path"}});
    let refused = expect(api.call("post", &entitlement, &enp, a, body(attack_path.clone())).await, 200, None);
    assert_eq!((refused["allowed"].clone(), refused["code"].clone()), (json!(false), json!("NotEntitled")));
    expect(
        api.call("put", &sub, &sp, a, body(json!({"quota": 3000, "months": 12, "client_token": "b1"}))).await,
        200,
        None,
    );
    expect(api.call("post", &up, &upp, a, body(json!({"add_quota": 10, "extend_months": 1}))).await, 200, None);
    let allowed = expect(api.call("post", &entitlement, &enp, t, body(attack_path)).await, 200, None);
    assert_eq!(allowed["allowed"], true, "{allowed}");
    let zero = json!({"operation": {"kind": "config_check", "action": "scan", "item": "paid"}, "instances": 0});
    expect(api.call("post", &entitlement, &enp, a, body(zero)).await, 400, None);
    expect(
        api.call(
            "post",
            &entitlement,
            &format!("{missing}/entitlement"),
            a,
            body(json!({"operation": {"kind": "attack_path"}})),
        )
        .await,
        404,
        None,
    );
    expect(api.call("get", &tpl("/quota"), &format!("{p}/quota"), t, Body::None).await, 200, None);

    // Recommendations.
    let rec = tpl("/recommendation");
    let rp = format!("{p}/recommendation");
    expect(
        api.call("get", &rec, &format!("{rp}?services=10&instances_per_service=15"), t, Body::None).await,
        200,
        None,
    );
    expect(api.call("get", &rec, &format!("{rp}?services=0&instances_per_service=15"), a, Body::None).await, 400, None);
    expect(api.call("get", &rec, &format!("{rp}?services=ten"), a, Body::None).await, 400, None);
    let inventory = json!({"services": [{"service": "ecs", "instances": 7}, {"service": "oss", "instances": 3}]});
    expect(api.call("post", &rec, &rp, a, body(inventory)).await, 200, None);
    expect(api.call("post", &rec, &rp, a, body(json!({"services": []}))).await, 400, None);
    token
}

/// Every scheduler route, with its main errors.
async fn exercise_scheduler(api: &Api, tenant: &TenantId, other: &TenantId, token: &str, root: &str) {
    let p = tenant_path(tenant);
    let o = tenant_path(other);
    let a = Some(ADMIN);
    let t = Some(token);
    let expect = |got: (u16, Value), want: u16, code: Option<&str>| {
        assert_eq!(got.0, want, "{}", got.1);
        if let Some(code) = code {
            assert_eq!(got.1["code"], code, "{}", got.1);
        }
        got.1
    };
    let body = |v: Value| Body::Json(v);

    let catalogue = expect(api.call("get", "/v1/catalogue", "/v1/catalogue", None, Body::None).await, 200, None);
    assert!(catalogue["total"].as_u64().unwrap() > 0);

    // Inventory.
    let assets = tpl("/assets");
    let asp = format!("{p}/assets");
    let missing = tenant_path(&unique_tenant(Site::Cn));
    expect(api.call("post", &assets, &asp, a, body(json!({"responses": sample_inventory()}))).await, 200, None);
    expect(api.call("post", &assets, &asp, a, body(json!(sample_inventory()))).await, 200, None);
    expect(api.call("post", &assets, &asp, a, body(json!([]))).await, 400, None);
    expect(api.call("post", &assets, &asp, a, body(json!([{"api": "ecs:Nope", "response": {}}]))).await, 400, None);
    expect(api.call("post", &assets, &asp, a, Body::Raw(Some("text/plain"), b"[]".to_vec())).await, 415, None);
    expect(api.call("post", &assets, &asp, t, body(json!(sample_inventory()))).await, 403, Some("Forbidden"));
    expect(
        api.call("post", &assets, &format!("{missing}/assets"), a, body(json!(sample_inventory()))).await,
        404,
        Some("TenantNotFound"),
    );
    let listing =
        expect(api.call("get", &assets, &format!("{asp}?page=1&page_size=5"), t, Body::None).await, 200, None);
    assert!(listing["assets"].as_array().is_some_and(|l| !l.is_empty()), "{listing}");
    expect(api.call("get", &assets, &format!("{asp}?page_size=0"), a, Body::None).await, 400, None);
    expect(api.call("get", &assets, &format!("{asp}?colour=red"), a, Body::None).await, 400, None);
    expect(api.call("get", &assets, &asp, None, Body::None).await, 401, None);

    // Scans and verifications.
    let scans = tpl("/scans");
    let verifications = tpl("/verifications");
    expect(api.call("post", &scans, &format!("{o}/scans"), a, body(json!({}))).await, 403, Some("NotAuthorized"));
    expect(
        api.call("post", &scans, &format!("{p}/scans"), a, body(json!({"items": ["no-such-item"]}))).await,
        400,
        None,
    );
    expect(
        api.call("post", &scans, &format!("{p}/scans"), a, body(json!({"client_token": "bad token"}))).await,
        400,
        None,
    );
    let item = json!({"items": ["ecs-disk-encrypted"], "client_token": "oa-scan"});
    let task = expect(api.call("post", &scans, &format!("{p}/scans"), a, body(item)).await, 202, None);
    let task_id = task["task_id"].as_str().unwrap().to_owned();
    expect(api.call("post", &verifications, &format!("{p}/verifications"), a, body(json!({}))).await, 400, None);

    // Tasks: wait for the scan to finish, reading it as the document says.
    let one = tpl("/tasks/{task_id}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let t = expect(api.call("get", &one, &format!("{p}/tasks/{task_id}"), a, Body::None).await, 200, None);
        if t["state"] != "running" && t["state"] != "starting" {
            assert_eq!(t["state"], "done", "{t}");
            break;
        }
        assert!(Instant::now() < deadline, "the scan did not finish: {t}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    expect(api.call("get", &one, &format!("{p}/tasks/t-none"), a, Body::None).await, 404, Some("NotFound"));
    let list = expect(api.call("get", &tpl("/tasks"), &format!("{p}/tasks?limit=5"), t, Body::None).await, 200, None);
    assert!(!list.as_array().unwrap().is_empty());
    expect(api.call("get", &tpl("/tasks"), &format!("{p}/tasks?limit=-1"), a, Body::None).await, 400, None);
    let verify = json!({"items": ["ecs-disk-encrypted"]});
    expect(api.call("post", &verifications, &format!("{p}/verifications"), a, body(verify)).await, 202, None);

    // Results.
    let results = tpl("/results");
    let rp = format!("{p}/results");
    let found = expect(api.call("get", &results, &rp, a, Body::None).await, 200, None);
    assert!(found["results"].as_array().is_some_and(|r| !r.is_empty()), "{found}");
    expect(
        api.call("get", &results, &format!("{rp}?status=NOT_PASS&risk=high&page_size=10"), t, Body::None).await,
        200,
        None,
    );
    expect(api.call("get", &results, &format!("{rp}?status=BAD"), a, Body::None).await, 400, None);
    let items = expect(api.call("get", &tpl("/results/items"), &format!("{rp}/items"), t, Body::None).await, 200, None);
    assert!(!items.as_array().unwrap().is_empty(), "{items}");
    expect(api.call("get", &tpl("/results/items"), &format!("{o}/results/items"), t, Body::None).await, 403, None);

    // Dead letters: one job no task planned (it keeps its job), one unreadable.
    let assets = cspm_assets::openapi::ingest(&sample_inventory()).unwrap();
    let disk = assets.into_iter().find(|a| a.kind() == cspm_assets::AssetKind::Disk).expect("a disk");
    let job = cspm_fleet::messages::JobMessage {
        schema: cspm_fleet::messages::JOB_SCHEMA.to_owned(),
        job_id: "oa-forged-job".into(),
        task_id: "oa-forged-task".into(),
        tenant: tenant.clone(),
        action: cspm_domain::entitlement::CheckAction::Scan,
        item_id: "ecs-disk-encrypted".into(),
        params: Default::default(),
        instances: vec![disk],
        refused: None,
    };
    let client = async_nats::connect(nats_url()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let subject = |id: &str| format!("{root}.v1.job.{}.ecs-disk-encrypted.{id}", tenant.subject_part());
    let forged = serde_json::to_vec(&job).unwrap();
    js.publish(subject("oa-forged-job"), forged.into()).await.unwrap().await.unwrap();
    js.publish(subject("oa-bad-job"), "{\"oops\": true}".into()).await.unwrap().await.unwrap();
    // The unreadable one names no tenant: only the fleet-wide listing has it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let letters = loop {
        let page =
            expect(api.call("get", "/v1/dead-letters", "/v1/dead-letters?limit=10", a, Body::None).await, 200, None);
        if page["dead_letters"].as_array().is_some_and(|l| l.len() >= 2) {
            break page["dead_letters"].as_array().unwrap().clone();
        }
        assert!(Instant::now() < deadline, "no dead letters: {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let letters_path = format!("{p}/dead-letters");
    let own = expect(api.call("get", &tpl("/dead-letters"), &letters_path, t, Body::None).await, 200, None);
    assert_eq!(own["dead_letters"].as_array().map(Vec::len), Some(1), "{own}");
    let page = expect(api.call("get", "/v1/dead-letters", "/v1/dead-letters?limit=1", a, Body::None).await, 200, None);
    assert!(page["next"].is_u64(), "{page}");
    expect(api.call("get", &tpl("/dead-letters"), &format!("{letters_path}?from=x"), a, Body::None).await, 400, None);
    expect(api.call("get", "/v1/dead-letters", "/v1/dead-letters", t, Body::None).await, 403, Some("Forbidden"));
    expect(api.call("get", "/v1/dead-letters", "/v1/dead-letters", None, Body::None).await, 401, None);

    // Replays.
    let replay = "/v1/dead-letters/{sequence}/replay";
    let with_job = letters.iter().find(|l| l["letter"]["job"].is_object()).expect("the forged job's letter");
    let without = letters.iter().find(|l| !l["letter"]["job"].is_object()).expect("the unreadable job's letter");
    let at = |l: &Value| format!("/v1/dead-letters/{}/replay", l["sequence"]);
    expect(api.call("post", replay, &at(with_job), a, Body::None).await, 202, None);
    expect(api.call("post", replay, &at(without), a, Body::None).await, 400, None);
    expect(api.call("post", replay, "/v1/dead-letters/999999999/replay", a, Body::None).await, 404, Some("NotFound"));
    expect(api.call("post", replay, "/v1/dead-letters/first/replay", a, Body::None).await, 400, None);
    // Sequences start at 1: 0 is a bad request, not the bus failing (it was a 503).
    expect(api.call("post", replay, "/v1/dead-letters/0/replay", a, Body::None).await, 400, Some("InvalidParameter"));
    expect(api.call("post", replay, &at(with_job), t, Body::None).await, 403, None);
}

/// The collection routes: a tenant authorized with a role collects; one without is refused.
async fn exercise_collections(act: &Api, sch: &Api, without_role: &TenantId, reader: &TenantId, role: &str) {
    let a = Some(ADMIN);
    let p = tenant_path(reader);
    let expect = |got: (u16, Value), want: u16, code: Option<&str>| {
        assert_eq!(got.0, want, "{}", got.1);
        if let Some(code) = code {
            assert_eq!(got.1["code"], code, "{}", got.1);
        }
        got.1
    };
    expect(act.call("put", T, &p, a, Body::None).await, 201, None);
    let auth = Body::Json(json!({"client_token": "oa-role", "role_arn": role}));
    expect(act.call("put", &format!("{T}/authorization"), &format!("{p}/authorization"), a, auth).await, 200, None);
    let collections = tpl("/collections");
    let cp = format!("{p}/collections");
    let request = || Body::Json(json!({"regions": ["cn-hangzhou"], "client_token": "oa-collect"}));
    let started = expect(sch.call("post", &collections, &cp, a, request()).await, 202, None);
    let id = started["collection_id"].as_str().unwrap().to_owned();
    let again = expect(sch.call("post", &collections, &cp, a, request()).await, 202, None);
    assert_eq!(again["collection_id"], started["collection_id"], "a retry returns the first collection");
    let bad = Body::Json(json!({"regions": ["not a region"]}));
    expect(sch.call("post", &collections, &cp, a, bad).await, 400, Some("InvalidParameter"));
    let other = format!("{}/collections", tenant_path(without_role));
    expect(sch.call("post", &collections, &other, a, Body::Json(json!({}))).await, 403, Some("NotAuthorized"));
    let list = expect(sch.call("get", &collections, &cp, a, Body::None).await, 200, None);
    assert!(list.as_array().is_some_and(|l| l.iter().any(|c| c["collection_id"] == id.as_str())), "{list}");
    let one = tpl("/collections/{collection_id}");
    expect(sch.call("get", &one, &format!("{cp}/{id}"), a, Body::None).await, 200, None);
    expect(sch.call("get", &one, &format!("{cp}/c-none"), a, Body::None).await, 404, Some("NotFound"));
}
