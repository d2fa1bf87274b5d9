//! Settings of `cspm-scheduler` (see `cspm_runtime::settings` for layering).

use cspm_runtime::settings::Common;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    #[serde(flatten)]
    pub common: Common,
    pub scheduler: SchedulerSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchedulerSettings {
    /// The same admin token as the activation service's.
    #[serde(default)]
    pub admin_token: String,
    /// Instances per job.
    pub batch: usize,
    /// Lease of quota reserved up front, in seconds.
    pub upfront_lease_seconds: u64,
    /// Largest accepted request body (inventories can be large).
    pub max_body_bytes: usize,
}

const DEFAULTS: &str = r#"
[http]
listen = "127.0.0.1:8082"
[scheduler]
admin_token = ""
batch = 20
upfront_lease_seconds = 600
max_body_bytes = 16777216
"#;

impl Settings {
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let settings: Settings = cspm_runtime::settings::load(DEFAULTS, file)?;
        cspm_runtime::api::require_admin_token(&settings.scheduler.admin_token, "CSPM__SCHEDULER__ADMIN_TOKEN")?;
        if settings.scheduler.batch == 0 || settings.scheduler.batch > cspm_fleet::worker::MAX_INSTANCES_PER_JOB {
            anyhow::bail!("scheduler.batch must be between 1 and {}", cspm_fleet::worker::MAX_INSTANCES_PER_JOB);
        }
        Ok(settings)
    }

    pub fn redacted(&self) -> Settings {
        let mut s = self.clone();
        s.common = s.common.redacted();
        s.scheduler.admin_token = "***".into();
        s
    }
}
