//! `revoke_all` keeps memory bounded however far the consumer or one slow request lags: at
//! most `concurrency` requests in flight and `max_waiting` answered ones waiting for their
//! turn; when they are all waiting, no new request starts and no customer is taken.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;

use crate::bulk_common::{customers, ids, revoke_all, Handoff};

#[tokio::test(start_paused = true)]
async fn a_full_output_starts_no_new_request() {
    let server = Handoff::default();
    let values = ids(2_000);
    let slow = values[0].clone();
    let client =
        server.client(move |first| Duration::from_millis(if first == slow { 10_000 } else { 100 }));
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let input = customers(2_000).into_iter().inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut stream = revoke_all(&client, futures_util::stream::iter(input))
        .concurrency(2)
        .max_waiting(3)
        .stream();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(first.is_err(), "the slow request holds the first outcome");
    // The slow request, one more in flight and three answered ones waiting behind it.
    assert_eq!(server.received.lock().unwrap().len(), 500);
    assert_eq!(pulled.load(Ordering::SeqCst), 500);

    let mut count = 0;
    while let Some(outcome) = stream.next().await {
        assert_eq!(outcome.position(), count);
        assert!(outcome.is_revoked());
        count += 1;
    }
    assert_eq!(count, 2_000);
    assert_eq!(server.received_sorted(), values);
    assert_eq!(server.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_consumer_that_stops_reading_holds_a_bounded_number_of_requests() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let mut stream = revoke_all(&client, futures_util::stream::iter(customers(5_000)))
        .concurrency(4)
        .max_waiting(0)
        .stream();
    // Takes one outcome, then looks away for a minute.
    assert!(stream.next().await.unwrap().is_revoked());
    tokio::time::sleep(Duration::from_secs(60)).await;
    // The request being read out and three answered behind it: no place is free until the
    // consumer is done with the first request's outcomes.
    assert_eq!(server.received.lock().unwrap().len(), 400);
    assert_eq!(stream.count().await, 4_999);
    assert_eq!(server.received_sorted(), ids(5_000));
}

#[tokio::test(start_paused = true)]
async fn limits_beyond_counting_are_no_limits() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let outcomes: Vec<_> = revoke_all(&client, futures_util::stream::iter(customers(1_000)))
        .concurrency(usize::MAX)
        .max_waiting(usize::MAX)
        .stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 1_000);
    assert!(outcomes.iter().all(|o| o.is_revoked()));
    assert_eq!(server.max_in_flight.load(Ordering::SeqCst), 10);
}
