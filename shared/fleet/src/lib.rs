//! The scan fleet's core, shared by `cspm-scheduler`, `cspm-scan-worker`
//! and the in-process `cspm demo`.
//!
//! - [`messages`]: the JSON messages on the bus and their subjects and streams.
//! - [`plan`]: turns a scan request into jobs and a quota forecast (pure).
//! - [`worker`]: pull a job → plan and entitlement → reserve → evaluate → commit → publish → ack.
//! - [`store`]: where the scheduler keeps inventories, tasks, plans and results.
//! - [`scheduler`]: starts scans and verifications, follows results and dead letters.
//! - [`sweeper`]: finishes tasks whose work is gone.
//! - [`collection`]: live collection from the cloud, and cloud change events.
//! - [`dead_letters`]: lists and replays dead letters.
//! - [`local`]: the whole fleet in one process (the demo).
//! - [`pulling`]: the loop every work-queue consumer runs.
//! - [`trace`]: W3C trace context in message headers.

pub mod collection;
pub mod dead_letters;
pub mod local;
pub mod messages;
pub mod metrics;
pub mod plan;
pub mod pulling;
pub mod scheduler;
pub mod store;
pub mod sweeper;
pub mod trace;
pub mod worker;
