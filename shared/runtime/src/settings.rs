//! Settings: built-in defaults, then a TOML file, then `CSPM__…` environment
//! variables (`CSPM__REDIS__URL=redis://…` sets `redis.url`). Each service
//! logs its effective settings at start, with secrets redacted.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Settings every service has.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Common {
    pub http: Http,
    pub redis: Redis,
    pub nats: Nats,
    pub telemetry: Telemetry,
    pub cloud: Cloud,
}

/// How the fleet reaches Alibaba Cloud. The operator's own credentials come
/// from the SDKs' default chain (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, the
/// aliyun CLI profile, the ECS instance role), never from this file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cloud {
    /// One base URL for every Alibaba Cloud API (the emulator, a proxy);
    /// empty: the real endpoints of each tenant's site.
    #[serde(default)]
    pub endpoint: String,
    /// 64 hexadecimal characters (`openssl rand -hex 32`): seals the
    /// temporary credentials kept in Redis. Empty: none are kept (each
    /// slice assumes the tenant's role anew).
    #[serde(default)]
    pub credential_key: String,
    /// Calls per second to each product, per slice being read.
    #[serde(default = "default_calls_per_second")]
    pub calls_per_second: u32,
}

fn default_calls_per_second() -> u32 {
    20
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Http {
    /// Address the API, `/metrics`, `/healthz` and `/readyz` listen on.
    pub listen: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Redis {
    pub url: String,
    /// Multiplexed connections per process: a large reply holds up only the
    /// callers behind it on the same connection.
    pub pool_size: usize,
    /// Limit on opening a connection, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Limit on one command's reply, in milliseconds.
    pub response_timeout_ms: u64,
    /// Extra connection attempts before a call fails (so a caller hears of an
    /// outage within about a second and can answer 503).
    pub reconnect_attempts: usize,
}

impl Redis {
    pub fn options(&self) -> cspm_ledger::RedisOptions {
        cspm_ledger::RedisOptions {
            url: self.url.clone(),
            pool_size: self.pool_size,
            connect_timeout: std::time::Duration::from_millis(self.connect_timeout_ms.max(1)),
            response_timeout: std::time::Duration::from_millis(self.response_timeout_ms.max(1)),
            reconnect_attempts: self.reconnect_attempts,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Nats {
    pub url: String,
    /// First token of the fleet's subjects and prefix of its streams
    /// (`cspm` → `cspm.v1.job.…` on `CSPM_JOBS`); separate fleets sharing
    /// one NATS server use separate roots.
    #[serde(default = "default_subject_root")]
    pub subject_root: String,
    /// Seconds a worker may hold a job without a sign of life before it is
    /// redelivered (the jobs consumer is updated to it when a service starts;
    /// give the scheduler and the workers the same value).
    #[serde(default = "default_job_ack_wait")]
    pub job_ack_wait_seconds: u64,
    /// The NATS user this service connects as; empty: no authentication.
    /// Not in the URL: async-nats ignores `user:password@` there.
    /// `deploy/nats/nats-server.conf` gives each service its own user.
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub password: String,
}

impl Nats {
    /// `(user, password)` when a user is set.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        (!self.user.is_empty()).then_some((self.user.as_str(), self.password.as_str()))
    }
}

fn default_job_ack_wait() -> u64 {
    30
}

fn default_subject_root() -> String {
    "cspm".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Telemetry {
    /// OTLP/HTTP traces endpoint (e.g. `http://127.0.0.1:4318/v1/traces`); empty: no export.
    #[serde(default)]
    pub otlp_endpoint: String,
    /// `text` or `json` log lines.
    #[serde(default = "default_log_format")]
    pub log_format: String,
}

fn default_log_format() -> String {
    "text".into()
}

/// The defaults shared by all services, as TOML; each service layers its own on top.
pub const COMMON_DEFAULTS: &str = r#"
[http]
listen = "127.0.0.1:8080"
[redis]
url = "redis://127.0.0.1:6379"
pool_size = 4
connect_timeout_ms = 500
response_timeout_ms = 1000
reconnect_attempts = 1
[nats]
url = "nats://127.0.0.1:4222"
subject_root = "cspm"
job_ack_wait_seconds = 30
[telemetry]
otlp_endpoint = ""
log_format = "text"
[cloud]
endpoint = ""
credential_key = ""
calls_per_second = 20
"#;

/// Loads settings: [`COMMON_DEFAULTS`], then the service's `defaults` (TOML),
/// then the file at `file` if given (it must exist), then `CSPM__SECTION__KEY`
/// environment variables.
pub fn load<T: DeserializeOwned>(defaults: &str, file: Option<&Path>) -> Result<T, config::ConfigError> {
    let mut builder = config::Config::builder()
        .add_source(config::File::from_str(COMMON_DEFAULTS, config::FileFormat::Toml))
        .add_source(config::File::from_str(defaults, config::FileFormat::Toml));
    if let Some(path) = file {
        builder = builder.add_source(config::File::from(path).format(config::FileFormat::Toml).required(true));
    }
    builder
        .add_source(config::Environment::with_prefix("CSPM").prefix_separator("__").separator("__").try_parsing(true))
        .build()?
        .try_deserialize()
}

/// The settings file named by `--config <path>` or `CSPM_CONFIG`, if any.
pub fn config_file_from_args() -> Option<std::path::PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--config")
        .and_then(|i| args.get(i + 1))
        .map(Into::into)
        .or_else(|| std::env::var_os("CSPM_CONFIG").map(Into::into))
}

/// A URL with any password replaced by `***` (`redis://:secret@host` → `redis://:***@host`).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_owned() };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') { format!("{user}:***") } else { "***".to_owned() };
            format!("{}{}{}", &url[..scheme_end], masked, &rest[at..])
        }
        None => url.to_owned(),
    }
}

impl Common {
    /// A copy safe to log.
    pub fn redacted(&self) -> Common {
        let mut c = self.clone();
        c.redis.url = redact_url(&c.redis.url);
        c.nats.url = redact_url(&c.nats.url);
        if !c.nats.password.is_empty() {
            c.nats.password = "***".into();
        }
        c.telemetry.otlp_endpoint = redact_url(&c.telemetry.otlp_endpoint);
        if !c.cloud.credential_key.is_empty() {
            c.cloud.credential_key = "***".into();
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("redis://:s3cret@host:6379/0"), "redis://:***@host:6379/0");
        assert_eq!(redact_url("nats://user:pw@host:4222"), "nats://user:***@host:4222");
        assert_eq!(redact_url("nats://token@host"), "nats://***@host");
        assert_eq!(redact_url("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(redact_url("http://h/path@x"), "http://h/path@x");
    }

    #[test]
    fn the_nats_password_is_redacted() {
        // The defaults alone: `load` would read the environment another test changes.
        let defaults = config::File::from_str(COMMON_DEFAULTS, config::FileFormat::Toml);
        let mut c: Common = config::Config::builder().add_source(defaults).build().unwrap().try_deserialize().unwrap();
        assert_eq!(c.nats.credentials(), None, "no user: no authentication");
        c.nats.user = "scan-worker".into();
        c.nats.password = "s3cret".into();
        assert_eq!(c.nats.credentials(), Some(("scan-worker", "s3cret")));
        let logged = serde_json::to_string(&c.redacted()).unwrap();
        assert!(logged.contains("scan-worker") && !logged.contains("s3cret"), "{logged}");
    }

    #[derive(Deserialize)]
    struct S {
        #[serde(flatten)]
        common: Common,
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let dir = std::env::temp_dir().join(format!("cspm-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.toml");
        std::fs::write(&file, "[nats]\nurl = \"nats://from-file:4222\"\n[redis]\nurl = \"redis://from-file\"\n")
            .unwrap();
        // SAFETY: this is the only test in this crate that touches the environment.
        unsafe { std::env::set_var("CSPM__REDIS__URL", "redis://from-env") };
        let s: S = load("[http]\nlisten = \"127.0.0.1:9999\"", Some(&file)).unwrap();
        unsafe { std::env::remove_var("CSPM__REDIS__URL") };
        assert_eq!(s.common.http.listen, "127.0.0.1:9999");
        assert_eq!(s.common.nats.url, "nats://from-file:4222");
        assert_eq!(s.common.redis.url, "redis://from-env");
        assert!(load::<S>("", Some(&dir.join("missing.toml"))).is_err());
    }
}
