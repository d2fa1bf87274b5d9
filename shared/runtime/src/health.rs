//! `/healthz` (the process answers) and `/readyz` (its dependencies answer).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type CheckFn = dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync;

/// Named readiness checks, e.g. "redis" → PING.
#[derive(Clone, Default)]
pub struct Readiness(Vec<(&'static str, Arc<CheckFn>)>);

impl Readiness {
    pub fn check<F, Fut>(mut self, name: &'static str, f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.0.push((name, Arc::new(move || Box::pin(f()))));
        self
    }

    /// Adds a check that clones `target` and awaits `probe` on it.
    pub fn probe<T, F, Fut>(self, name: &'static str, target: T, probe: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.check(name, move || probe(target.clone()))
    }

    async fn run(&self) -> (bool, serde_json::Value) {
        let mut ok = true;
        let mut report = serde_json::Map::new();
        for (name, check) in &self.0 {
            let result = tokio::time::timeout(std::time::Duration::from_secs(2), check()).await;
            let status = match result {
                Ok(Ok(())) => json!("ok"),
                Ok(Err(e)) => {
                    ok = false;
                    json!(e)
                }
                Err(_) => {
                    ok = false;
                    json!("timed out after 2 s")
                }
            };
            report.insert((*name).to_owned(), status);
        }
        (ok, serde_json::Value::Object(report))
    }
}

/// The `/healthz` and `/readyz` routes.
pub fn router(readiness: Readiness) -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/readyz", get(readyz))
        .with_state(readiness)
}

async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, Json<serde_json::Value>) {
    let (ok, checks) = readiness.run().await;
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({"ready": ok, "checks": checks})))
}
