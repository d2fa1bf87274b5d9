//! Prometheus metrics: one registry per process, the `/metrics` handler, and
//! a middleware counting HTTP requests by route template (never by raw path,
//! so account ids never become label values).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};
use std::time::Instant;

pub const HTTP_REQUESTS_TOTAL: &str = "cspm_http_requests_total";
pub const HTTP_REQUEST_DURATION_SECONDS: &str = "cspm_http_request_duration_seconds";

/// Buckets for calls that take from 100 µs to 10 s.
pub const LATENCY_BUCKETS: &[f64] =
    &[0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

pub fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("metric definition is valid");
    registry.register(Box::new(c.clone())).expect("metric registered once");
    c
}

pub fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec()), labels)
        .expect("metric definition is valid");
    registry.register(Box::new(h.clone())).expect("metric registered once");
    h
}

/// HTTP request metrics, shared by the middleware.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl HttpMetrics {
    pub fn new(registry: &Registry) -> Self {
        Self {
            requests: counter(
                registry,
                HTTP_REQUESTS_TOTAL,
                "HTTP requests by route template, method and status",
                &["route", "method", "status"],
            ),
            duration: histogram(registry, HTTP_REQUEST_DURATION_SECONDS, "HTTP request duration", &["route", "method"]),
        }
    }
}

/// Middleware: `axum::middleware::from_fn_with_state(http_metrics, track_http)`.
pub async fn track_http(State(m): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    m.duration.with_label_values(&[&route, &method]).observe(started.elapsed().as_secs_f64());
    m.requests.with_label_values(&[&route, &method, response.status().as_str()]).inc();
    response
}

/// `GET /metrics` in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format (not JSON)",
            content_type = "text/plain; version=0.0.4", body = String),
        crate::openapi::Internal,
    ))]
pub async fn render(State(registry): State<Registry>) -> Response {
    let mut body = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&registry.gather(), &mut body) {
        let code = cspm_domain::ErrorCode::InternalError;
        return crate::api::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, e.to_string()).into_response();
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// A router serving `GET /metrics` from `registry`.
pub fn router(registry: Registry) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(render)).with_state(registry)
}
