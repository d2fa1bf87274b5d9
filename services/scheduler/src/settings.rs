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
    /// Scans planned at once; more wait for a turn.
    pub concurrent_starts: usize,
    /// Seconds a start waits for its turn before answering 503.
    pub start_queue_wait_seconds: u64,
    /// Seconds publishing a task's jobs may take before the start is undone.
    pub start_timeout_seconds: u64,
    /// Seconds without a finished job after which a task's lost jobs are failed.
    pub stall_seconds: u64,
    /// Seconds after which a still-running task's unfinished jobs are failed.
    pub deadline_seconds: u64,
    /// Seconds between two sweeps.
    pub sweep_seconds: u64,
}

impl SchedulerSettings {
    pub fn limits(&self) -> cspm_fleet::scheduler::SchedulerLimits {
        use std::time::Duration;
        cspm_fleet::scheduler::SchedulerLimits {
            concurrent_starts: self.concurrent_starts.clamp(1, 64),
            start_queue_wait: Duration::from_secs(self.start_queue_wait_seconds),
            start_timeout: Duration::from_secs(self.start_timeout_seconds.max(1)),
            stall: Duration::from_secs(self.stall_seconds.max(1)),
            deadline: Duration::from_secs(self.deadline_seconds.max(1)),
            sweep_every: Duration::from_secs(self.sweep_seconds.max(1)),
        }
    }
}

const DEFAULTS: &str = r#"
[http]
listen = "127.0.0.1:8082"
[scheduler]
admin_token = ""
batch = 20
upfront_lease_seconds = 600
max_body_bytes = 16777216
concurrent_starts = 4
start_queue_wait_seconds = 5
start_timeout_seconds = 10
stall_seconds = 120
deadline_seconds = 21600
sweep_seconds = 15
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
