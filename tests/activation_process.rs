//! `cspm-activation` as a real process: it serves, reports ready, stops
//! cleanly on SIGTERM, and a restarted process has lost nothing.

use cspm_domain::Site;
use cspm_tests::{ServiceProcess, free_port, unique_tenant};
use serde_json::{Value, json};

const ADMIN: &str = "process-test-admin-token-42";

async fn start(port: u16) -> ServiceProcess {
    ServiceProcess::start("cspm-activation", port, &[("CSPM__ACTIVATION__ADMIN_TOKEN", ADMIN.into())]).await
}

async fn call(svc: &ServiceProcess, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", svc.base)).bearer_auth(ADMIN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_restarted_service_has_lost_nothing() {
    let port = free_port();
    let t = unique_tenant(Site::Intl);
    let path = format!("/v1/tenants/intl/{}", t.account_id);
    let svc = start(port).await;
    assert_eq!(call(&svc, reqwest::Method::PUT, &path, None).await.0, 201);
    call(&svc, reqwest::Method::PUT, &format!("{path}/authorization"), Some(json!({"client_token": "p"}))).await;
    let (status, _) = call(
        &svc,
        reqwest::Method::PUT,
        &format!("{path}/cspm/subscription"),
        Some(json!({"quota": 3000, "months": 12})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, before) = call(&svc, reqwest::Method::GET, &path, None).await;
    assert!(svc.stop().success(), "clean exit on SIGTERM");

    let svc = start(port).await;
    let (_, after) = call(&svc, reqwest::Method::GET, &path, None).await;
    assert_eq!(before, after);
    let (_, quota) = call(&svc, reqwest::Method::GET, &format!("{path}/quota"), None).await;
    assert_eq!(quota["headline"], json!({"label": "Remaining Quota", "value": 3000}));
    assert!(svc.metrics().await.contains("cspm_http_requests_total"));
    assert!(svc.stop().success());
}
