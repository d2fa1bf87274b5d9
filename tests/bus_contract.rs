//! One contract, both buses: the in-process bus and NATS JetStream.

use bytes::Bytes;
use cspm_bus::{Bus, BusError, MemoryBus, NatsBus, StreamSpec, account_subject};
use cspm_tests::{nats_url, unique_account};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;

const TEST_STREAM: StreamSpec = StreamSpec { name: "CSPM_TEST_BUS", subjects: "cspm.v1.test.>" };

async fn memory() -> Arc<dyn Bus> {
    Arc::new(MemoryBus::default())
}

async fn nats() -> Arc<dyn Bus> {
    Arc::new(NatsBus::connect(&nats_url(), &[TEST_STREAM]).await.expect("NATS at CSPM_TEST_NATS_URL"))
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
    (tenant.clone(), account_subject(&tenant, event).replace(".account.", ".test."))
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
