//! W3C trace context in message headers, so one trace runs from the scan
//! request through the scheduler, the job's NATS hop and the worker.

use opentelemetry::propagation::{Extractor, Injector};
use tracing_opentelemetry::OpenTelemetrySpanExt;

struct Headers<'a>(&'a mut Vec<(String, String)>);

impl Injector for Headers<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.push((key.to_owned(), value));
    }
}

struct ReadHeaders<'a>(&'a [(String, String)]);

impl Extractor for ReadHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// The current span's context as headers (`traceparent`, …).
pub fn current_headers() -> Vec<(String, String)> {
    let mut headers = Vec::new();
    let cx = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&cx, &mut Headers(&mut headers)));
    headers
}

/// Makes `span` continue the trace carried by `headers`.
pub fn continue_trace(span: &tracing::Span, headers: &[(String, String)]) {
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&ReadHeaders(headers)));
    let _ = span.set_parent(parent);
}
