//! Settings of `cspm-activation` (see `cspm_runtime::settings` for layering).

use cspm_runtime::settings::Common;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    #[serde(flatten)]
    pub common: Common,
    pub activation: ActivationSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivationSettings {
    /// Bearer token that manages every tenant. Required; at least 16 characters.
    #[serde(default)]
    pub admin_token: String,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// How often unpublished account events are retried.
    pub event_retry_seconds: u64,
}

const DEFAULTS: &str = r#"
[http]
listen = "127.0.0.1:8081"
[activation]
admin_token = ""
max_body_bytes = 65536
event_retry_seconds = 5
"#;

impl Settings {
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let settings: Settings = cspm_runtime::settings::load(DEFAULTS, file)?;
        cspm_runtime::api::require_admin_token(&settings.activation.admin_token, "CSPM__ACTIVATION__ADMIN_TOKEN")?;
        Ok(settings)
    }

    /// A copy safe to log.
    pub fn redacted(&self) -> Settings {
        let mut s = self.clone();
        s.common = s.common.redacted();
        s.activation.admin_token = "***".into();
        s
    }
}
