//! What every service binary shares, so each `main.rs` reads like a table of
//! contents: the JSON API edge ([`api`]), settings ([`settings`]), tracing with optional OTLP export
//! ([`telemetry`]), Prometheus metrics and HTTP request metrics
//! ([`metrics`]), `/healthz` + `/readyz` ([`health`]), the shared parts of
//! the OpenAPI document and `/openapi.json` ([`openapi`]), and shutdown signals.

pub mod api;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod settings;
pub mod telemetry;

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested");
}

/// Binds `listen`, serves `app` until a shutdown signal, then returns.
pub async fn serve(service: &'static str, listen: &str, app: axum::Router) -> anyhow::Result<()> {
    use anyhow::Context;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
    tracing::info!(listen = %listener.local_addr()?, "{service} ready");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("{service} stopped");
    Ok(())
}
