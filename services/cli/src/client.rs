//! HTTP calls to the services, with their `{code, message}` errors turned
//! into readable ones, and the helpers around them.

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Client {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> Self {
        Self { base: base.trim_end_matches('/').to_owned(), token, http: reqwest::Client::new() }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        self.call_status(method, path, body).await.map_err(|(_, e)| e)
    }

    /// Like `call`, with the HTTP status of a refusal (0: no answer).
    async fn call_status(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (u16, anyhow::Error)> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req
            .send()
            .await
            .with_context(|| format!("cannot reach {} (is the service running?)", self.base))
            .map_err(|e| (0, e))?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let code = body["code"].as_str().unwrap_or("HttpError");
            let message = body["message"].as_str().unwrap_or("no details");
            return Err((status.as_u16(), anyhow::anyhow!("{code}: {message} (HTTP {})", status.as_u16())));
        }
        Ok(body)
    }

    /// A POST whose body carries a client token, retried while the service
    /// answers 503 (it did nothing, and the token makes a repeat run once).
    pub async fn post_retrying(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let mut attempt = 0;
        loop {
            match self.call_status(reqwest::Method::POST, path, Some(body.clone())).await {
                Err((503, e)) if attempt < 4 => {
                    attempt += 1;
                    eprintln!("{e}; retrying");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                other => return other.map_err(|(_, e)| e),
            }
        }
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        self.call(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        self.call(reqwest::Method::PUT, path, body).await
    }
}

/// Reads OpenAPI responses from files and folders: each `.json` file holds
/// one response envelope (`{"api", "params", "response"}`) or an array of them.
pub fn read_responses(paths: &[PathBuf]) -> anyhow::Result<Vec<Value>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for f in files {
        out.extend(read_file(&f)?);
    }
    if out.is_empty() {
        bail!("no OpenAPI responses found in {paths:?}");
    }
    Ok(out)
}

fn read_file(f: &Path) -> anyhow::Result<Vec<Value>> {
    let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
    let v: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", f.display()))?;
    Ok(match v {
        Value::Array(items) => items,
        one => vec![one],
    })
}

/// What a progress bar counts in a followed task or collection.
pub struct Counted {
    pub total: &'static str,
    pub done: &'static str,
    pub unit: &'static str,
}

pub const EVALUATIONS: Counted = Counted { total: "total", done: "finished", unit: "evaluations" };
pub const SLICES: Counted = Counted { total: "jobs", done: "jobs_done", unit: "slices (product × region)" };

/// A progress bar over a task or collection until it is neither starting nor running.
pub async fn follow(scheduler: &Client, path: &str, counted: &Counted) -> anyhow::Result<Value> {
    let bar = ProgressBar::new(1);
    let template = format!("{{spinner}} [{{bar:40}}] {{pos}}/{{len}} {} {{msg}}", counted.unit);
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "),
    );
    loop {
        let p = scheduler.get(path).await?;
        bar.set_length(p[counted.total].as_u64().unwrap_or(0));
        bar.set_position(p[counted.done].as_u64().unwrap_or(0));
        bar.set_message(format!("({})", p["state"].as_str().unwrap_or("?")));
        if p["state"] != "running" && p["state"] != "starting" {
            bar.finish();
            return Ok(p);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The scan the scheduler starts once a collection is stored (it follows the
/// collection's announcement, so it can take a moment); `None` if none came.
pub async fn scan_after(scheduler: &Client, collection_path: &str) -> anyhow::Result<Option<String>> {
    for _ in 0..150 {
        let c = scheduler.get(collection_path).await?;
        if let Some(task) = c["scan_task"].as_str() {
            return Ok(Some(task.to_owned()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(None)
}
