//! `revoke_all` on a live input (a channel kept open): a partial request is sent once the
//! input has had nothing more for a short linger, and `stop_when` loses none of its customers.

use std::time::Duration;

use capillary_sdk::{RevokeCustomer, RevokeOutcome};
use futures_util::StreamExt as _;
use tokio::time::Instant;

use crate::bulk_common::{channel, customers, ids, revoke_all, Handoff};

#[tokio::test(start_paused = true)]
async fn a_partial_batch_of_a_live_input_is_sent_after_a_linger() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let (tx, input) = channel();
    for customer in customers(150) {
        tx.send(customer).unwrap();
    }
    let mut stream = revoke_all(&client, input).stream();
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for _ in 0..150 {
        let outcome = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("the 50 queued customers are sent although the input stays open")
            .unwrap();
        outcomes.push(outcome);
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(outcomes.iter().all(RevokeOutcome::is_revoked));
    assert_eq!(server.received_sorted(), ids(150));
    // Still open: nothing more to yield until more customers come.
    assert!(tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .is_err());
    tx.send(RevokeCustomer::new("423999999")).unwrap();
    let last = stream.next().await.unwrap();
    assert_eq!(last.position(), 150);
    drop(tx);
    assert!(stream.next().await.is_none());
}

#[tokio::test(start_paused = true)]
async fn stop_when_loses_no_customer_taken_from_a_live_input() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let (tx, input) = channel();
    for customer in customers(150) {
        tx.send(customer).unwrap();
    }
    let outcomes: Vec<RevokeOutcome> = tokio::time::timeout(
        Duration::from_secs(60),
        revoke_all(&client, input)
            .stop_when(tokio::time::sleep(Duration::from_millis(1)))
            .stream()
            .collect(),
    )
    .await
    .expect("the stream ends once stopped, although the input stays open");
    // The customers already taken into a partial batch are sent, not dropped.
    assert_eq!(outcomes.len(), 150);
    assert!(outcomes.iter().all(RevokeOutcome::is_revoked));
    assert_eq!(server.received_sorted(), ids(150));
    drop(tx);
}

#[tokio::test(start_paused = true)]
async fn the_linger_is_counted_from_the_first_customer_of_the_request() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let (tx, input) = channel();
    let mut stream = revoke_all(&client, input)
        .linger(Duration::from_secs(2))
        .stream();
    let started = Instant::now();
    let feeder = tokio::spawn(async move {
        // One customer every 300 ms: never a full request, never a pause of 2 s.
        for customer in customers(10) {
            tx.send(customer).unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        tx
    });
    let first = stream.next().await.unwrap();
    // Sent at 2 s with the seven customers taken by then, answered 100 ms later.
    assert_eq!(started.elapsed(), Duration::from_millis(2_100));
    assert_eq!(first.position(), 0);
    assert_eq!(server.received.lock().unwrap().len(), 7);
    for position in 1..10 {
        assert_eq!(stream.next().await.unwrap().position(), position);
    }
    assert_eq!(server.received_sorted(), ids(10));
    drop(feeder.await.unwrap());
    assert!(stream.next().await.is_none());
}
