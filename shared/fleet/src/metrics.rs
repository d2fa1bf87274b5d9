//! Every metric the fleet exports, in one place (names follow Prometheus
//! conventions; label values are bounded — never an account or instance id).

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Counters and histograms of the scan fleet.
#[derive(Clone)]
pub struct FleetMetrics {
    pub jobs: IntCounterVec,
    pub job_duration: HistogramVec,
    pub evaluations: IntCounterVec,
    pub quota_units: IntCounterVec,
    pub dead_letters: IntCounterVec,
    pub pending: IntGaugeVec,
    pub tasks: IntCounterVec,
    pub swept: IntCounterVec,
    pub cloud_calls: IntCounterVec,
}

pub const JOBS_TOTAL: &str = "cspm_jobs_total";
pub const JOB_DURATION_SECONDS: &str = "cspm_job_duration_seconds";
pub const EVALUATIONS_TOTAL: &str = "cspm_evaluations_total";
pub const QUOTA_UNITS_TOTAL: &str = "cspm_quota_units_total";
pub const DEAD_LETTERS_TOTAL: &str = "cspm_dead_letters_total";
pub const CONSUMER_PENDING_MESSAGES: &str = "cspm_consumer_pending_messages";
pub const TASKS_TOTAL: &str = "cspm_tasks_total";
pub const SWEPT_TOTAL: &str = "cspm_swept_total";
pub const CLOUD_CALLS_TOTAL: &str = "cspm_cloud_calls_total";

impl FleetMetrics {
    pub fn new(registry: &Registry) -> Self {
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(Opts::new(name, help), labels).expect("metric definition is valid");
            registry.register(Box::new(c.clone())).expect("metric registered once");
            c
        };
        let job_duration = HistogramVec::new(
            HistogramOpts::new(JOB_DURATION_SECONDS, "Time from pulling a job to acknowledging it")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0]),
            &["kind"],
        )
        .expect("metric definition is valid");
        registry.register(Box::new(job_duration.clone())).expect("metric registered once");
        let pending = IntGaugeVec::new(
            Opts::new(CONSUMER_PENDING_MESSAGES, "Messages not yet acknowledged by a consumer"),
            &["queue"],
        )
        .expect("metric definition is valid");
        registry.register(Box::new(pending.clone())).expect("metric registered once");
        Self {
            jobs: counter(JOBS_TOTAL, "Jobs by kind (scan, verify) and outcome", &["kind", "outcome"]),
            job_duration,
            evaluations: counter(
                EVALUATIONS_TOTAL,
                "(item, instance) evaluations by check item and status",
                &["item", "status"],
            ),
            quota_units: counter(
                QUOTA_UNITS_TOTAL,
                "Quota units by outcome (reserved, committed, released, refused)",
                &["outcome"],
            ),
            dead_letters: counter(DEAD_LETTERS_TOTAL, "Messages dead-lettered, by reason", &["reason"]),
            pending,
            tasks: counter(TASKS_TOTAL, "Tasks started, by kind and trigger", &["kind", "trigger"]),
            swept: counter(
                SWEPT_TOTAL,
                "Work the scheduler finished or undid, by what (start_undone, job_lost, job_timed_out)",
                &["what"],
            ),
            cloud_calls: counter(
                CLOUD_CALLS_TOTAL,
                "Signed Alibaba Cloud API calls made by collections, by product",
                &["product"],
            ),
        }
    }
}
