//! `cspm-activation` as a real process: it serves, reports ready, stops
//! cleanly on SIGTERM, and a restarted process has lost nothing.

use cspm_domain::Site;
use cspm_tests::{free_port, nats_url, redis_url, service_binary, unique_tenant};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN: &str = "process-test-admin-token-42";

struct Service {
    child: Child,
    base: String,
}

impl Service {
    async fn start(port: u16) -> Self {
        let child = Command::new(service_binary("cspm-activation"))
            .env("CSPM__HTTP__LISTEN", format!("127.0.0.1:{port}"))
            .env("CSPM__REDIS__URL", redis_url())
            .env("CSPM__NATS__URL", nats_url())
            .env("CSPM__ACTIVATION__ADMIN_TOKEN", ADMIN)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cspm-activation");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = reqwest::get(format!("{base}/readyz")).await
                && r.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "cspm-activation did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Service { child, base }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = reqwest::Client::new().request(method, format!("{}{path}", self.base)).bearer_auth(ADMIN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
    }

    fn stop(mut self) -> std::process::ExitStatus {
        // SIGTERM: the service drains and exits by itself.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("cspm-activation did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test]
async fn a_restarted_service_has_lost_nothing() {
    let port = free_port();
    let t = unique_tenant(Site::Intl);
    let path = format!("/v1/tenants/intl/{}", t.account_id);
    let svc = Service::start(port).await;
    assert_eq!(svc.call(reqwest::Method::PUT, &path, None).await.0, 201);
    svc.call(reqwest::Method::PUT, &format!("{path}/authorization"), Some(json!({"client_token": "p"}))).await;
    let (status, _) = svc
        .call(reqwest::Method::PUT, &format!("{path}/cspm/subscription"), Some(json!({"quota": 3000, "months": 12})))
        .await;
    assert_eq!(status, 200);
    let (_, before) = svc.call(reqwest::Method::GET, &path, None).await;
    assert!(svc.stop().success(), "clean exit on SIGTERM");

    let svc = Service::start(port).await;
    let (_, after) = svc.call(reqwest::Method::GET, &path, None).await;
    assert_eq!(before, after);
    let (_, quota) = svc.call(reqwest::Method::GET, &format!("{path}/quota"), None).await;
    assert_eq!(quota["headline"], json!({"label": "Remaining Quota", "value": 3000}));
    let metrics = reqwest::get(format!("{}/metrics", svc.base)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("cspm_http_requests_total"));
    assert!(svc.stop().success());
}
