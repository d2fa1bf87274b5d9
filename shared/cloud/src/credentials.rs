//! Where the client's AccessKey comes from, the way the official SDKs' default
//! chain finds it: environment variables, the `aliyun` CLI's profile file,
//! the ECS instance RAM role (metadata service); and, on top of any of them,
//! STS `AssumeRole` into a role in the tenant's account (`crate::sts`).
//!
//! A secret never leaves this module in a printable form: [`Secret`]'s
//! `Debug` and `Display` print `***`, and it is not `Serialize`.

use crate::body::read_limited;
use async_trait::async_trait;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The largest answer read from the ECS metadata service (a credentials document is a few hundred bytes).
const METADATA_MAX_BYTES: usize = 64 << 10;

/// A secret string: readable by the code that signs, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// An AccessKey pair, with an STS token when it is temporary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    /// When temporary credentials stop working.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: Secret::new(secret),
            security_token: None,
            expires_at: None,
        }
    }

    /// Whether these should be refreshed now: within `margin` of expiring.
    pub fn expiring(&self, now: DateTime<Utc>, margin: ChronoDuration) -> bool {
        self.expires_at.is_some_and(|at| at - margin <= now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("no credentials: {0}")]
    NotFound(String),
    #[error("credentials are misconfigured: {0}")]
    Invalid(String),
    #[error("cannot fetch credentials: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait CredentialsProvider: Send + Sync {
    async fn credentials(&self) -> Result<Credentials, CredentialsError>;
}

/// A fixed pair (tests, the emulator's seeded keys).
pub struct Static(pub Credentials);

#[async_trait]
impl CredentialsProvider for Static {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.0.clone())
    }
}

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for
/// temporary keys, `ALIBABA_CLOUD_SECURITY_TOKEN`.
pub struct Environment;

impl Environment {
    /// Reads the pair from `var` (a lookup, so tests need not touch the process environment).
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Result<Credentials, CredentialsError> {
        let get = |k: &str| var(k).filter(|v| !v.is_empty());
        let (Some(id), Some(secret)) = (get("ALIBABA_CLOUD_ACCESS_KEY_ID"), get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
        else {
            return Err(CredentialsError::NotFound(
                "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set".into(),
            ));
        };
        let mut c = Credentials::new(id, secret);
        c.security_token = get("ALIBABA_CLOUD_SECURITY_TOKEN").map(Secret::new);
        Ok(c)
    }
}

#[async_trait]
impl CredentialsProvider for Environment {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Self::read(|k| std::env::var(k).ok())
    }
}

/// A profile of the `aliyun` CLI's `~/.aliyun/config.json`: its `AK` and
/// `StsToken` modes directly, `EcsRamRole` through the metadata service.
/// (A `RamRoleArn` profile is its AccessKey plus [`crate::sts::AssumeRole`].)
pub struct CliProfile {
    pub path: PathBuf,
    /// The profile to read; the file's `current` when `None`.
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<ProfileEntry>,
}

/// The fields of a CLI profile this client reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileEntry {
    pub name: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub access_key_id: String,
    #[serde(default)]
    pub access_key_secret: String,
    #[serde(default)]
    pub sts_token: String,
    #[serde(default)]
    pub ram_role_name: String,
    #[serde(default)]
    pub ram_role_arn: String,
    #[serde(default)]
    pub ram_session_name: String,
    #[serde(default)]
    pub region_id: String,
}

impl CliProfile {
    /// `$ALIBABA_CLOUD_CONFIG_FILE`, or `~/.aliyun/config.json`; the profile
    /// `$ALIBABA_CLOUD_PROFILE`, or the file's current one.
    pub fn default_location() -> Option<Self> {
        let path = std::env::var_os("ALIBABA_CLOUD_CONFIG_FILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".aliyun").join("config.json")))?;
        Some(Self { path, name: std::env::var("ALIBABA_CLOUD_PROFILE").ok() })
    }

    /// The chosen profile's entry.
    pub fn entry(&self) -> Result<ProfileEntry, CredentialsError> {
        let text = std::fs::read_to_string(&self.path)
            .map_err(|e| CredentialsError::NotFound(format!("{}: {e}", self.path.display())))?;
        let config: CliConfig = serde_json::from_str(&text)
            .map_err(|e| CredentialsError::Invalid(format!("{} is not a CLI config: {e}", self.path.display())))?;
        let wanted = self.name.clone().unwrap_or(config.current);
        config
            .profiles
            .into_iter()
            .find(|p| p.name == wanted)
            .ok_or_else(|| CredentialsError::NotFound(format!("no profile {wanted:?} in {}", self.path.display())))
    }
}

#[async_trait]
impl CredentialsProvider for CliProfile {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let p = self.entry()?;
        let pair = |p: &ProfileEntry| {
            if p.access_key_id.is_empty() || p.access_key_secret.is_empty() {
                return Err(CredentialsError::Invalid(format!("profile {:?} has no AccessKey", p.name)));
            }
            Ok(Credentials::new(p.access_key_id.clone(), p.access_key_secret.clone()))
        };
        match p.mode.as_str() {
            "" | "AK" | "RamRoleArn" => pair(&p),
            "StsToken" => {
                let mut c = pair(&p)?;
                c.security_token = Some(Secret::new(p.sts_token.clone()));
                Ok(c)
            }
            "EcsRamRole" => EcsRamRole::new(p.ram_role_name.clone()).credentials().await,
            other => Err(CredentialsError::Invalid(format!("profile {:?}: mode {other} is not supported", p.name))),
        }
    }
}

/// The RAM role attached to the ECS instance this runs on, from the metadata
/// service (its session token first, as hardened mode requires).
pub struct EcsRamRole {
    role: String,
    base: String,
    http: reqwest::Client,
}

/// The ECS metadata service.
pub const METADATA_BASE: &str = "http://100.100.100.200";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataCredentials {
    code: String,
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: DateTime<Utc>,
}

impl EcsRamRole {
    pub fn new(role: String) -> Self {
        Self::with_base(role, METADATA_BASE)
    }

    /// Against another metadata address (tests).
    pub fn with_base(role: String, base: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(2))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self { role, base: base.trim_end_matches('/').to_owned(), http }
    }

    async fn get(&self, path: &str, token: &str) -> Result<String, CredentialsError> {
        let unavailable = |e: reqwest::Error| CredentialsError::Unavailable(format!("ECS metadata: {e}"));
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("X-aliyun-ecs-metadata-token", token)
            .send()
            .await
            .map_err(unavailable)?;
        if !resp.status().is_success() {
            return Err(CredentialsError::Unavailable(format!("ECS metadata {path}: HTTP {}", resp.status())));
        }
        read_limited(resp, METADATA_MAX_BYTES)
            .await
            .map_err(|e| CredentialsError::Unavailable(format!("ECS metadata: {e}")))
    }
}

#[async_trait]
impl CredentialsProvider for EcsRamRole {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let unavailable = |e: reqwest::Error| CredentialsError::Unavailable(format!("ECS metadata: {e}"));
        let token = self
            .http
            .put(format!("{}/latest/api/token", self.base))
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", "21600")
            .send()
            .await
            .map_err(unavailable)?;
        let token = read_limited(token, METADATA_MAX_BYTES)
            .await
            .map_err(|e| CredentialsError::Unavailable(format!("ECS metadata: {e}")))?;
        let role = if self.role.is_empty() {
            // The instance's one role, when none is named.
            let listed = self.get("/latest/meta-data/ram/security-credentials/", &token).await?;
            listed.lines().next().unwrap_or_default().trim().to_owned()
        } else {
            self.role.clone()
        };
        if role.is_empty() || role.contains(['/', '?', '#']) {
            return Err(CredentialsError::NotFound("this ECS instance has no RAM role".into()));
        }
        let body = self.get(&format!("/latest/meta-data/ram/security-credentials/{role}"), &token).await?;
        let m: MetadataCredentials = serde_json::from_str(&body)
            .map_err(|e| CredentialsError::Unavailable(format!("ECS metadata answered something else: {e}")))?;
        if m.code != "Success" {
            return Err(CredentialsError::Unavailable(format!("ECS metadata answered {}", m.code)));
        }
        Ok(Credentials {
            access_key_id: m.access_key_id,
            access_key_secret: Secret::new(m.access_key_secret),
            security_token: Some(Secret::new(m.security_token)),
            expires_at: Some(m.expiration),
        })
    }
}

/// The first provider that yields credentials.
pub struct Chain(pub Vec<Arc<dyn CredentialsProvider>>);

impl Chain {
    /// Environment, then the CLI profile file (when it exists).
    pub fn default_chain() -> Self {
        let mut providers: Vec<Arc<dyn CredentialsProvider>> = vec![Arc::new(Environment)];
        if let Some(profile) = CliProfile::default_location().filter(|p| p.path.exists()) {
            providers.push(Arc::new(profile));
        }
        Self(providers)
    }
}

#[async_trait]
impl CredentialsProvider for Chain {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut why = Vec::new();
        for p in &self.0 {
            match p.credentials().await {
                Ok(c) => return Ok(c),
                Err(CredentialsError::NotFound(m)) => why.push(m),
                Err(e) => return Err(e),
            }
        }
        Err(CredentialsError::NotFound(why.join("; ")))
    }
}

/// Keeps temporary credentials until they are within `margin` of expiring,
/// then fetches new ones (one caller at a time).
pub struct Refreshing {
    inner: Arc<dyn CredentialsProvider>,
    margin: ChronoDuration,
    current: Mutex<Option<Credentials>>,
}

impl Refreshing {
    pub fn new(inner: Arc<dyn CredentialsProvider>) -> Self {
        Self { inner, margin: ChronoDuration::minutes(5), current: Mutex::new(None) }
    }
}

#[async_trait]
impl CredentialsProvider for Refreshing {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut current = self.current.lock().await;
        if let Some(c) = current.as_ref().filter(|c| !c.expiring(Utc::now(), self.margin)) {
            return Ok(c.clone());
        }
        let fresh = self.inner.credentials().await?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn secrets_never_print() {
        let mut c = Credentials::new("LTAI-id", "very-secret");
        c.security_token = Some(Secret::new("token-secret"));
        let shown = format!("{c:?} {}", c.access_key_secret);
        assert!(!shown.contains("very-secret") && !shown.contains("token-secret"), "{shown}");
        assert!(shown.contains("LTAI-id"));
    }

    #[test]
    fn the_environment_needs_both_halves() {
        let env: HashMap<&str, &str> =
            [("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"), ("ALIBABA_CLOUD_SECURITY_TOKEN", "tok")].into();
        let read = |e: &HashMap<&str, &str>| Environment::read(|k| e.get(k).map(|v| (*v).to_owned()));
        assert!(matches!(read(&env), Err(CredentialsError::NotFound(_))));
        let mut env = env;
        env.insert("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret");
        let c = read(&env).unwrap();
        assert_eq!((c.access_key_id.as_str(), c.access_key_secret.expose()), ("id", "secret"));
        assert_eq!(c.security_token.as_ref().map(Secret::expose), Some("tok"));
    }

    #[tokio::test]
    async fn cli_profiles_are_read_by_name_or_current() {
        let dir = std::env::temp_dir().join(format!("cspm-cli-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.json");
        std::fs::write(
            &path,
            r#"{"current": "sts", "profiles": [
                {"name": "ak", "mode": "AK", "access_key_id": "id1", "access_key_secret": "s1", "region_id": "cn-hangzhou"},
                {"name": "sts", "mode": "StsToken", "access_key_id": "id2", "access_key_secret": "s2", "sts_token": "t2"},
                {"name": "odd", "mode": "RsaKeyPair"}
            ]}"#,
        )
        .unwrap();
        let current = CliProfile { path: path.clone(), name: None }.credentials().await.unwrap();
        assert_eq!(current.access_key_id, "id2");
        assert_eq!(current.security_token.as_ref().map(Secret::expose), Some("t2"));
        let ak = CliProfile { path: path.clone(), name: Some("ak".into()) }.credentials().await.unwrap();
        assert_eq!((ak.access_key_id.as_str(), ak.security_token), ("id1", None));
        let odd = CliProfile { path: path.clone(), name: Some("odd".into()) }.credentials().await;
        assert!(matches!(odd, Err(CredentialsError::Invalid(_))), "{odd:?}");
        let missing = CliProfile { path, name: Some("nope".into()) }.credentials().await;
        assert!(matches!(missing, Err(CredentialsError::NotFound(_))));
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A stand-in metadata service: a session token first, then the role's keys.
    async fn metadata(expiration: &'static str) -> String {
        use axum::routing::{get, put};
        let app = axum::Router::new()
            .route("/latest/api/token", put(|| async { "session-token" }))
            .route("/latest/meta-data/ram/security-credentials/", get(|| async { "scanner-role\n" }))
            .route(
                "/latest/meta-data/ram/security-credentials/{role}",
                get(move |axum::extract::Path(role): axum::extract::Path<String>, headers: axum::http::HeaderMap| async move {
                    let token = headers.get("X-aliyun-ecs-metadata-token").and_then(|v| v.to_str().ok());
                    if role != "scanner-role" || token != Some("session-token") {
                        return (axum::http::StatusCode::NOT_FOUND, String::new());
                    }
                    let body = format!(
                        r#"{{"AccessKeyId": "STS.id", "AccessKeySecret": "sts-secret", "SecurityToken": "sts-token",
                            "Expiration": "{expiration}", "LastUpdated": "2026-12-03T10:00:00Z", "Code": "Success"}}"#
                    );
                    (axum::http::StatusCode::OK, body)
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    #[tokio::test]
    async fn an_ecs_role_is_read_with_a_session_token() {
        let base = metadata("2030-01-01T00:00:00Z").await;
        for role in ["scanner-role", ""] {
            let c = EcsRamRole::with_base(role.into(), &base).credentials().await.unwrap();
            assert_eq!(c.access_key_id, "STS.id");
            assert_eq!(c.security_token.as_ref().map(Secret::expose), Some("sts-token"));
            assert_eq!(c.expires_at.map(|t| t.to_rfc3339()).as_deref(), Some("2030-01-01T00:00:00+00:00"));
        }
        let wrong = EcsRamRole::with_base("other-role".into(), &base).credentials().await;
        assert!(matches!(wrong, Err(CredentialsError::Unavailable(_))), "{wrong:?}");
    }

    /// Counts fetches and hands out keys that expire `ttl` from now.
    struct Counting {
        fetched: std::sync::atomic::AtomicU32,
        ttl: ChronoDuration,
    }

    #[async_trait]
    impl CredentialsProvider for Counting {
        async fn credentials(&self) -> Result<Credentials, CredentialsError> {
            let n = self.fetched.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut c = Credentials::new(format!("id{n}"), "s");
            c.expires_at = Some(Utc::now() + self.ttl);
            Ok(c)
        }
    }

    #[tokio::test]
    async fn temporary_keys_are_refreshed_before_they_expire() {
        let long = Arc::new(Counting { fetched: 0.into(), ttl: ChronoDuration::hours(1) });
        let cached = Refreshing::new(long.clone());
        assert_eq!(cached.credentials().await.unwrap().access_key_id, "id0");
        assert_eq!(cached.credentials().await.unwrap().access_key_id, "id0", "kept while fresh");
        let short = Arc::new(Counting { fetched: 0.into(), ttl: ChronoDuration::minutes(2) });
        let cached = Refreshing::new(short.clone());
        cached.credentials().await.unwrap();
        assert_eq!(cached.credentials().await.unwrap().access_key_id, "id1", "renewed inside the margin");
    }

    #[tokio::test]
    async fn a_chain_takes_the_first_that_answers() {
        let chain = Chain(vec![
            Arc::new(Environment) as Arc<dyn CredentialsProvider>,
            Arc::new(Static(Credentials::new("static", "s"))),
        ]);
        // The environment of the test process has no AccessKey (CI never sets one).
        if std::env::var_os("ALIBABA_CLOUD_ACCESS_KEY_ID").is_none() {
            assert_eq!(chain.credentials().await.unwrap().access_key_id, "static");
        }
        let empty = Chain(Vec::new()).credentials().await;
        assert!(matches!(empty, Err(CredentialsError::NotFound(_))));
    }
}
