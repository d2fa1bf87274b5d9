//! W3C trace context in message headers, so one trace runs from the scan
//! request through the scheduler, the job's NATS hop and the worker.

use opentelemetry::propagation::{Extractor, Injector};
use tracing_opentelemetry::OpenTelemetrySpanExt;

struct Headers<'a>(&'a mut Vec<(String, String)>);

impl Injector for Headers<'_> {
    fn set(&mut self, key: &str, value: String) {
        if !value.is_empty() {
            self.0.push((key.to_owned(), value));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn a_continued_trace_is_injected_into_outgoing_headers() {
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        use tracing_subscriber::Layer;
        // As the services install it: log lines filtered by RUST_LOG, spans exported at info.
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_filter(tracing_subscriber::EnvFilter::new("warn")))
            .with(
                tracing_opentelemetry::layer()
                    .with_tracer(provider.tracer("test"))
                    .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
            );
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
        tracing::subscriber::with_default(subscriber, || {
            let incoming =
                vec![("traceparent".to_owned(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned())];
            let span = tracing::info_span!("job");
            continue_trace(&span, &incoming);
            let _entered = span.enter();
            let out = current_headers();
            let traceparent = out.iter().find(|(k, _)| k == "traceparent").map(|(_, v)| v.clone()).unwrap_or_default();
            assert!(traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "{out:?}");
        });
    }
}
