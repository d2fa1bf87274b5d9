//! One contract, both buses: the in-process bus and NATS JetStream.

use bytes::Bytes;
use cspm_bus::{Bus, BusError, MemoryBus, NatsBus, StreamSpec, account_subject};
use cspm_tests::{nats_url, unique_account};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;

fn test_stream() -> StreamSpec {
    StreamSpec { name: "CSPM_TEST_BUS".into(), subjects: "cspm.v1.test.>".into() }
}

async fn memory() -> Arc<dyn Bus> {
    Arc::new(MemoryBus::default())
}

async fn nats() -> Arc<dyn Bus> {
    Arc::new(NatsBus::connect(&nats_url(), &[test_stream()]).await.expect("NATS at CSPM_TEST_NATS_URL"))
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod memory { $( #[tokio::test] async fn $name() { super::$name(super::memory().await).await } )* }
        mod nats { $( #[tokio::test] async fn $name() { super::$name(super::nats().await).await } )* }
    };
}

contract!(a_subscriber_sees_what_matches_its_filter, a_retried_message_is_delivered_once, bad_subjects_are_refused);

fn subject(event: &str) -> (String, String) {
    let tenant = format!("cn.{}", unique_account());
    (tenant.clone(), account_subject("cspm", &tenant, event).replace(".account.", ".test."))
}

async fn next(s: &mut futures::stream::BoxStream<'static, cspm_bus::Delivered>) -> Option<cspm_bus::Delivered> {
    tokio::time::timeout(Duration::from_secs(2), s.next()).await.ok().flatten()
}

async fn a_subscriber_sees_what_matches_its_filter(bus: Arc<dyn Bus>) {
    let (tenant, subj) = subject("authorized");
    let mut sub = bus.subscribe(&format!("cspm.v1.test.{tenant}.*")).await.unwrap();
    bus.publish("cspm.v1.test.cn.1.other", "m0", Bytes::from_static(b"not mine")).await.unwrap();
    bus.publish(&subj, &format!("{tenant}-m1"), Bytes::from_static(b"{\"a\":1}")).await.unwrap();
    let got = next(&mut sub).await.expect("delivered");
    assert_eq!(got.subject, subj);
    assert_eq!(got.msg_id, format!("{tenant}-m1"));
    assert_eq!(&got.payload[..], b"{\"a\":1}");
}

async fn a_retried_message_is_delivered_once(bus: Arc<dyn Bus>) {
    let (tenant, subj) = subject("billing_changed");
    let mut sub = bus.subscribe(&format!("cspm.v1.test.{tenant}.>")).await.unwrap();
    for _ in 0..3 {
        bus.publish(&subj, &format!("{tenant}-dup"), Bytes::from_static(b"x")).await.unwrap();
    }
    bus.publish(&subj, &format!("{tenant}-after"), Bytes::from_static(b"y")).await.unwrap();
    assert_eq!(next(&mut sub).await.unwrap().msg_id, format!("{tenant}-dup"));
    assert_eq!(next(&mut sub).await.unwrap().msg_id, format!("{tenant}-after"), "the retries were dropped");
}

async fn bad_subjects_are_refused(bus: Arc<dyn Bus>) {
    for bad in ["", "cspm.v1.test..x", "cspm.v1.test.*", "cspm.v1.test.a b"] {
        let r = bus.publish(bad, "id", Bytes::new()).await;
        assert!(matches!(r, Err(BusError::InvalidSubject(_))), "{bad:?}");
    }
}

// ---------- the work queue ----------

use cspm_bus::{Outgoing, QueueSpec, Retention};
use rand::Rng;

/// A queue of its own for one test (a fresh stream on NATS).
fn queue_spec(ack_wait_ms: u64, max_deliver: u32) -> QueueSpec {
    let id: u32 = rand::rng().random();
    QueueSpec {
        stream: format!("CSPM_TEST_Q_{id}"),
        retention: Retention::WorkQueue,
        subjects: format!("cspm.v1.testq{id}.>"),
        consumer: "workers".into(),
        ack_wait: Duration::from_millis(ack_wait_ms),
        max_deliver,
        max_ack_pending: 1000,
    }
}

fn job_subject(spec: &QueueSpec, n: usize) -> String {
    spec.subjects.replace('>', &format!("cn.1.job{n}"))
}

async fn publish_jobs(bus: &dyn Bus, spec: &QueueSpec, n: usize) {
    for i in 0..n {
        let m = Outgoing {
            subject: job_subject(spec, i),
            msg_id: format!("{}-job-{i}", spec.stream),
            headers: vec![("traceparent".into(), format!("00-{:032x}-{:016x}-01", i + 1, i + 1))],
            payload: Bytes::from(format!("job {i}")),
        };
        bus.send(m).await.unwrap();
    }
}

/// Deletes the test's stream on NATS; nothing to do in process.
async fn cleanup(spec: &QueueSpec) {
    if let Ok(client) = async_nats::connect(nats_url()).await {
        let _ = async_nats::jetstream::new(client).delete_stream(&spec.stream).await;
    }
}

macro_rules! queue_contract {
    ($($name:ident),* $(,)?) => {
        mod memory_queue { $( #[tokio::test] async fn $name() { super::$name(super::memory().await).await } )* }
        mod nats_queue { $( #[tokio::test] async fn $name() { super::$name(super::nats().await).await } )* }
    };
}

queue_contract!(
    each_job_is_delivered_once_and_ack_removes_it,
    workers_sharing_the_consumer_get_disjoint_jobs,
    a_nak_redelivers_with_the_delivery_count,
    an_unacknowledged_job_is_redelivered_after_ack_wait,
    progress_keeps_a_long_job_from_redelivery,
    a_job_out_of_deliveries_surfaces_as_exhausted,
    a_republished_job_is_queued_once,
    reopening_a_queue_applies_its_new_ack_wait,
    a_limits_queue_keeps_what_was_acknowledged,
    a_queue_tells_and_removes_by_subject,
);

async fn each_job_is_delivered_once_and_ack_removes_it(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 5).await;
    let mut got = Vec::new();
    while got.len() < 5 {
        let batch = q.pull(10, Duration::from_secs(2)).await.unwrap();
        assert!(!batch.is_empty(), "jobs arrive");
        got.extend(batch);
    }
    let mut bodies: Vec<_> = got.iter().map(|p| String::from_utf8_lossy(&p.payload).into_owned()).collect();
    bodies.sort();
    assert_eq!(bodies, ["job 0", "job 1", "job 2", "job 3", "job 4"]);
    assert!(got.iter().all(|p| p.delivered == 1 && p.header("traceparent").is_some_and(|t| t.starts_with("00-"))));
    for p in &got {
        p.acker.ack().await.unwrap();
    }
    assert!(q.pull(10, Duration::from_millis(300)).await.unwrap().is_empty());
    assert_eq!(q.pending().await.unwrap(), 0);
    cleanup(&spec).await;
}

async fn workers_sharing_the_consumer_get_disjoint_jobs(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 5);
    let a = bus.work_queue(&spec).await.unwrap();
    let b = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 20).await;
    let mut seen = Vec::new();
    for _ in 0..40 {
        for q in [&a, &b] {
            for p in q.pull(3, Duration::from_millis(200)).await.unwrap() {
                seen.push(p.subject.clone());
                p.acker.ack().await.unwrap();
            }
        }
        if seen.len() >= 20 {
            break;
        }
    }
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((total, seen.len()), (20, 20), "every job once, none twice");
    cleanup(&spec).await;
}

async fn a_nak_redelivers_with_the_delivery_count(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 1).await;
    let first = q.pull(1, Duration::from_secs(2)).await.unwrap().pop().unwrap();
    first.acker.nak(Duration::from_millis(50)).await.unwrap();
    let again = q.pull(1, Duration::from_secs(3)).await.unwrap().pop().expect("redelivered");
    assert_eq!((again.delivered, again.subject.as_str()), (2, first.subject.as_str()));
    again.acker.ack().await.unwrap();
    cleanup(&spec).await;
}

async fn an_unacknowledged_job_is_redelivered_after_ack_wait(bus: Arc<dyn Bus>) {
    let spec = queue_spec(500, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 1).await;
    let first = q.pull(1, Duration::from_secs(2)).await.unwrap().pop().unwrap();
    drop(first); // a worker that died holding it
    let again = q.pull(1, Duration::from_secs(5)).await.unwrap().pop().expect("redelivered after ack wait");
    assert_eq!(again.delivered, 2);
    again.acker.ack().await.unwrap();
    cleanup(&spec).await;
}

async fn progress_keeps_a_long_job_from_redelivery(bus: Arc<dyn Bus>) {
    let spec = queue_spec(600, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 1).await;
    let job = q.pull(1, Duration::from_secs(2)).await.unwrap().pop().unwrap();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        job.acker.progress().await.unwrap();
        assert!(q.pull(1, Duration::from_millis(10)).await.unwrap().is_empty(), "not redelivered while in progress");
    }
    job.acker.ack().await.unwrap();
    cleanup(&spec).await;
}

async fn a_job_out_of_deliveries_surfaces_as_exhausted(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 2);
    let q = bus.work_queue(&spec).await.unwrap();
    let mut exhausted = q.exhausted().await.unwrap();
    publish_jobs(&*bus, &spec, 1).await;
    for attempt in 1..=2 {
        let p = q.pull(1, Duration::from_secs(3)).await.unwrap().pop().expect("delivered");
        assert_eq!(p.delivered, attempt);
        p.acker.nak(Duration::from_millis(10)).await.unwrap();
    }
    // The server notices the exhausted message on its next delivery attempt.
    let _ = q.pull(1, Duration::from_millis(300)).await.unwrap();
    let e = tokio::time::timeout(Duration::from_secs(5), exhausted.next()).await.expect("exhausted in time").unwrap();
    assert_eq!((e.payload.as_ref(), e.deliveries), (b"job 0".as_ref(), 2));
    q.discard(e.sequence).await.unwrap();
    assert_eq!(q.pending().await.unwrap(), 0);
    cleanup(&spec).await;
}

async fn a_republished_job_is_queued_once(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 1).await;
    publish_jobs(&*bus, &spec, 1).await;
    let got = q.pull(10, Duration::from_secs(2)).await.unwrap();
    assert_eq!(got.len(), 1);
    got[0].acker.ack().await.unwrap();
    assert!(q.pull(10, Duration::from_millis(300)).await.unwrap().is_empty());
    cleanup(&spec).await;
}

/// The configured ack wait is what the consumer gets, also when it existed
/// with another one (the job consumer used to keep its first settings).
async fn reopening_a_queue_applies_its_new_ack_wait(bus: Arc<dyn Bus>) {
    let slow = queue_spec(30_000, 5);
    bus.work_queue(&slow).await.unwrap();
    let fast = QueueSpec { ack_wait: Duration::from_millis(500), ..slow.clone() };
    let q = bus.work_queue(&fast).await.unwrap();
    publish_jobs(&*bus, &fast, 1).await;
    drop(q.pull(1, Duration::from_secs(2)).await.unwrap().pop().expect("delivered"));
    let again = q.pull(1, Duration::from_secs(4)).await.unwrap().pop().expect("redelivered after the new ack wait");
    assert_eq!(again.delivered, 2);
    again.acker.ack().await.unwrap();
    cleanup(&fast).await;
}

/// Dead letters stay readable after the scheduler acknowledged them.
async fn a_limits_queue_keeps_what_was_acknowledged(bus: Arc<dyn Bus>) {
    let retention = Retention::Limits { max_age: Duration::from_secs(3600), max_bytes: 1 << 20 };
    let spec = QueueSpec { retention, ..queue_spec(5_000, 5) };
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 3).await;
    let mut got = Vec::new();
    while got.len() < 3 {
        got.extend(q.pull(10, Duration::from_secs(2)).await.unwrap());
    }
    for p in &got {
        p.acker.ack().await.unwrap();
    }
    assert_eq!(q.pending().await.unwrap(), 0);
    let kept = q.stored(&spec.subjects, 0, 10).await.unwrap();
    let bodies: Vec<&[u8]> = kept.iter().map(|m| m.payload.as_ref()).collect();
    assert_eq!(bodies, [b"job 0".as_ref(), b"job 1", b"job 2"]);
    let second = q.stored(&spec.subjects, kept[0].sequence + 1, 1).await.unwrap();
    assert_eq!(second, vec![kept[1].clone()], "a listing resumes after a sequence");
    assert_eq!(q.stored_at(kept[2].sequence).await.unwrap(), Some(kept[2].clone()));
    assert_eq!(q.stored_at(kept[2].sequence + 100).await.unwrap(), None);
    cleanup(&spec).await;
}

async fn a_queue_tells_and_removes_by_subject(bus: Arc<dyn Bus>) {
    let spec = queue_spec(5_000, 5);
    let q = bus.work_queue(&spec).await.unwrap();
    publish_jobs(&*bus, &spec, 2).await;
    let (first, second) = (job_subject(&spec, 0), job_subject(&spec, 1));
    assert!(q.holds(&first).await.unwrap() && q.holds(&second).await.unwrap());
    q.remove(&second).await.unwrap();
    assert!(!q.holds(&second).await.unwrap(), "removed");
    let got = q.pull(10, Duration::from_secs(2)).await.unwrap();
    assert_eq!(got.iter().map(|p| p.subject.clone()).collect::<Vec<_>>(), vec![first.clone()]);
    assert!(q.holds(&first).await.unwrap(), "held while being worked on");
    got[0].acker.ack().await.unwrap();
    assert!(!q.holds(&first).await.unwrap(), "gone once acknowledged");
    cleanup(&spec).await;
}
