//! Authorizing with a role: the activation service assumes the role the
//! tenant names (here in the Alibaba Cloud emulator, over signed HTTP) and
//! records the authorization only when that works and the role is the
//! tenant's own; otherwise it answers an error that says what is wrong, and
//! records nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cspm_accounts::MemoryStore;
use cspm_activation::Activation;
use cspm_activation::events::EventPublisher;
use cspm_activation::roles::CloudRoles;
use cspm_bus::MemoryBus;
use cspm_cloud::credentials::{Credentials, Static};
use cspm_cloud_emulator::{Emulator, Faults};
use cspm_ledger::{Clock, MemoryLedger};
use cspm_tests::unique_tenant;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

const ADMIN: &str = "roles-admin-token-0123456789";
const OPERATOR: &str = "5555555555555555";

async fn call(app: &axum::Router, method: &str, uri: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {ADMIN}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_role_is_recorded_only_when_it_can_be_assumed_in_the_tenants_account() {
    let tenant = unique_tenant(cspm_domain::Site::Cn);
    let account = tenant.account_id.to_string();
    let good = format!("acs:ram::{account}:role/cspm-scanner");
    let untrusting = format!("acs:ram::{account}:role/other-team");
    let emulator = Emulator::new(Vec::new(), Faults::default())
        .with_key("LTAIoperator", "operator-secret", OPERATOR)
        .with_role(&good, &[OPERATOR])
        .with_role(&untrusting, &["9999999999999999"]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(Arc::new(emulator).serve(listener));

    let ledger = Arc::new(MemoryLedger::new(Clock::Real));
    let store = Arc::new(MemoryStore::new(ledger.clone()));
    let registry = prometheus::Registry::new();
    let events = EventPublisher::new(store.clone(), Arc::new(MemoryBus::default()), "cspm", &registry);
    let operator = Arc::new(Static(Credentials::new("LTAIoperator", "operator-secret")));
    let activation =
        Activation::new(store, ledger, events, ADMIN).with_roles(Arc::new(CloudRoles { endpoint, operator }));
    let app =
        cspm_activation::http::router(Arc::new(activation), registry, cspm_runtime::health::Readiness::default(), 4096);
    let base = format!("/v1/tenants/{}/{account}", tenant.site);
    assert_eq!(call(&app, "PUT", &base, json!(null)).await.0, StatusCode::CREATED);
    let auth = format!("{base}/authorization");

    // Not a role of the tenant's account, a malformed ARN, a role that does not trust the operator.
    let elsewhere = json!({"client_token": "a", "role_arn": "acs:ram::1111111111111111:role/cspm-scanner"});
    let (status, body) = call(&app, "PUT", &auth, elsewhere).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("InvalidParameter")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("tenant's own account"), "{body}");
    let (status, _) = call(&app, "PUT", &auth, json!({"client_token": "b", "role_arn": "arn:aws:iam::1:role/x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = call(&app, "PUT", &auth, json!({"client_token": "c", "role_arn": untrusting})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("cannot assume"), "{body}");
    let (_, tenant_view) = call(&app, "GET", &base, json!(null)).await;
    assert_eq!(tenant_view["authorized"], false, "nothing was recorded: {tenant_view}");

    // The role the tenant made for the operator: assumed, then recorded.
    let (status, body) = call(&app, "PUT", &auth, json!({"client_token": "d", "role_arn": good})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["authorized"].as_bool(), body["authorization"]["role_arn"].as_str()),
        (Some(true), Some(good.as_str()))
    );
}
