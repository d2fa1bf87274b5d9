//! The whole fleet in one process on the in-process bus, ledger and stores:
//! what `cspm demo` runs, and what tests use when they need the fleet
//! without servers. The same scheduler and worker code as the services.

use crate::messages::*;
use crate::metrics::FleetMetrics;
use crate::scheduler::{Scheduler, SchedulerLimits};
use crate::store::{FleetStore, MemoryFleetStore};
use crate::worker::{Worker, WorkerSettings};
use cspm_accounts::{AccountStore, MemoryStore};
use cspm_bus::{Bus, BusError, MemoryBus};
use cspm_ledger::{Clock, MemoryLedger, QuotaLedger};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct LocalFleet {
    pub bus: Arc<MemoryBus>,
    pub ledger: Arc<MemoryLedger>,
    pub accounts: Arc<MemoryStore>,
    pub scheduler: Arc<Scheduler>,
    pub metrics: FleetMetrics,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl LocalFleet {
    /// Starts a scheduler and `workers` scan-workers.
    pub async fn start(workers: usize, settings: WorkerSettings) -> Result<Self, BusError> {
        let bus = Arc::new(MemoryBus::default());
        let ledger = Arc::new(MemoryLedger::new(Clock::Real));
        let accounts = Arc::new(MemoryStore::new(ledger.clone()));
        let metrics = FleetMetrics::new(&prometheus::Registry::new());
        let topology = Topology::default();
        let store: Arc<dyn FleetStore> = Arc::new(MemoryFleetStore::default());
        let limits = SchedulerLimits::default();
        let scheduler = Arc::new(Scheduler {
            topology: topology.clone(),
            bus: bus.clone(),
            ledger: ledger.clone(),
            accounts: accounts.clone(),
            store: store.clone(),
            metrics: metrics.clone(),
            batch: crate::plan::DEFAULT_BATCH,
            upfront_lease: Duration::from_secs(600),
            starts: limits.turns(),
            queues: Default::default(),
            limits,
        });
        let (stop, shutdown) = watch::channel(false);
        let jobs = bus.work_queue(&topology.jobs()).await?;
        let mut tasks = scheduler.clone().spawn_followers(&*bus, shutdown.clone()).await?;
        for _ in 0..workers {
            let worker = Arc::new(Worker {
                topology: topology.clone(),
                queue: jobs.clone(),
                bus: bus.clone(),
                ledger: ledger.clone() as Arc<dyn QuotaLedger>,
                accounts: accounts.clone() as Arc<dyn AccountStore>,
                store: store.clone(),
                metrics: metrics.clone(),
                settings: settings.clone(),
            });
            tasks.push(tokio::spawn(worker.run(shutdown.clone())));
        }
        Ok(Self { bus, ledger, accounts, scheduler, metrics, stop, tasks })
    }

    /// Stops every loop after it finishes what it holds.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
