//! `/healthz` (the process answers) and `/readyz` (its dependencies answer).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use utoipa::ToSchema;

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

    async fn run(&self) -> (bool, BTreeMap<&'static str, String>) {
        let mut ok = true;
        let mut report = BTreeMap::new();
        for (name, check) in &self.0 {
            let result = tokio::time::timeout(std::time::Duration::from_secs(2), check()).await;
            let status = match result {
                Ok(Ok(())) => "ok".to_owned(),
                Ok(Err(e)) => {
                    ok = false;
                    e
                }
                Err(_) => {
                    ok = false;
                    "timed out after 2 s".to_owned()
                }
            };
            report.insert(*name, status);
        }
        (ok, report)
    }
}

/// The `/healthz` and `/readyz` routes.
pub fn router(readiness: Readiness) -> axum::Router {
    axum::Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).with_state(readiness)
}

/// `/healthz`: the process answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `/readyz`: whether each dependency answered within 2 s.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessReport {
    pub ready: bool,
    /// By dependency: `ok`, or why it is not ready.
    pub checks: BTreeMap<&'static str, String>,
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Every dependency answers", body = ReadinessReport),
        (status = 503, description = "A dependency does not answer (`checks` says which)", body = ReadinessReport),
    ))]
pub async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, Json<ReadinessReport>) {
    let (ready, checks) = readiness.run().await;
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(ReadinessReport { ready, checks }))
}
