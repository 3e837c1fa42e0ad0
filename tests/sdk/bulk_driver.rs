//! `revoke_all` drives its requests apart from the consumer: whatever the consumer does (slow,
//! gone, or fed by an input that panics or stays open), every request sent is read to its end
//! and reaches `on_settled` as its answer arrives. The server hands answers over through a
//! task of its own, as hyper does, so a request that is not polled cannot read its answer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use capillary_sdk::RevokeOutcome;
use futures_util::StreamExt as _;
use tokio::time::Instant;

use crate::bulk_common::{customers, ids, revoke_all, Handoff, SettledLog};

/// 100 ms for the first request, 10 ms more for each later one: each answer arrives while the
/// consumer is busy with an earlier request's outcomes.
fn staggered(first: &str) -> Duration {
    let request = (first.parse::<u64>().unwrap() - 423_900_000) / 100;
    Duration::from_millis(100 + 10 * request)
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_loses_no_answer() {
    let server = Handoff::default();
    let client = server.client(staggered);
    let mut stream = revoke_all(&client, futures_util::stream::iter(customers(600)))
        .concurrency(2)
        .stream();
    let mut outcomes = Vec::new();
    while let Some(outcome) = stream.next().await {
        // Writing each outcome to a database takes a second.
        tokio::time::sleep(Duration::from_secs(1)).await;
        outcomes.push(outcome);
    }
    assert_eq!(outcomes.len(), 600);
    let unknown = outcomes.iter().filter(|o| !o.is_known()).count();
    assert_eq!(unknown, 0, "answered requests reported as unknown");
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        assert!(outcome.is_revoked(), "{i}: {outcome:?}");
    }
    assert_eq!(
        server.received_sorted(),
        ids(600),
        "each customer sent once"
    );
}

#[tokio::test(start_paused = true)]
async fn on_settled_sees_each_answer_when_it_arrives() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let settled = SettledLog::default();
    let started = Instant::now();
    let mut stream = revoke_all(&client, futures_util::stream::iter(customers(300)))
        .concurrency(2)
        .on_settled(settled.hook(started))
        .stream();
    let mut first_at = None;
    while let Some(_outcome) = stream.next().await {
        first_at.get_or_insert(started.elapsed());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(first_at, Some(Duration::from_millis(100)));
    let log = settled.0.lock().unwrap().clone();
    assert_eq!(log.len(), 3);
    let at: Vec<Duration> = log.iter().map(|(at, _)| *at).collect();
    // Two requests answered at 0.1 s, the third (started when a slot freed) at 0.2 s; the
    // consumer reached the third request's customers only at 200 s.
    assert_eq!(at, [100, 100, 200].map(Duration::from_millis), "hook times");
    assert_eq!(settled.customers_sorted(), ids(300));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_lets_requests_in_flight_reach_the_hook() {
    let server = Handoff::default();
    let values = ids(1_000);
    let fast = values[0].clone();
    // The first request is answered quickly, the others take a second.
    let client =
        server.client(move |first| Duration::from_millis(if first == fast { 100 } else { 1_000 }));
    let settled = SettledLog::default();
    let mut stream = revoke_all(&client, futures_util::stream::iter(customers(1_000)))
        .concurrency(4)
        .on_settled(settled.hook(Instant::now()))
        .stream();
    let first = stream.next().await.unwrap();
    assert!(first.is_revoked());
    drop(stream);
    tokio::time::sleep(Duration::from_secs(60)).await;

    let received = server.received_sorted();
    assert!(received.len() >= 400, "{} received", received.len());
    assert!(
        received.len() < 1_000,
        "requests kept starting after the drop"
    );
    assert_eq!(
        settled.customers_sorted(),
        received,
        "every customer the server received reached the hook"
    );
}

#[tokio::test(start_paused = true)]
async fn an_input_that_panics_still_reports_what_was_answered() {
    let server = Handoff::default();
    let values = ids(1_000);
    let fast = values[0].clone();
    let client =
        server.client(move |first| Duration::from_millis(if first == fast { 100 } else { 1_000 }));
    let settled = SettledLog::default();
    let input = customers(1_000).into_iter().enumerate().map(|(i, c)| {
        assert!(i != 450, "the input broke at customer 450");
        c
    });
    let stream = revoke_all(&client, futures_util::stream::iter(input))
        .concurrency(4)
        .on_settled(settled.hook(Instant::now()))
        .stream();
    let yielded: Arc<Mutex<Vec<RevokeOutcome>>> = Arc::default();
    let sink = Arc::clone(&yielded);
    let consumer = tokio::spawn(async move {
        let mut stream = stream;
        while let Some(outcome) = stream.next().await {
            sink.lock().unwrap().push(outcome);
        }
    });
    let ended = consumer.await;
    tokio::time::sleep(Duration::from_secs(60)).await;

    let received = server.received_sorted();
    assert!(received.len() >= 400, "{} received", received.len());
    assert_eq!(
        settled.customers_sorted(),
        received,
        "every customer the server received reached the hook"
    );
    assert!(ended.is_ok(), "the stream ends after the input panics");
    let yielded = yielded.lock().unwrap();
    let mut streamed: Vec<String> = yielded
        .iter()
        .map(|o| o.customer().identifier_value.clone())
        .collect();
    streamed.sort();
    assert_eq!(streamed, received, "the stream yields every answer too");
    for (i, outcome) in yielded.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        assert!(outcome.is_revoked(), "{i}: {outcome:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn one_slow_request_does_not_idle_the_other_slots() {
    let server = Handoff::default();
    let values = ids(3_000);
    let slow = values[0].clone();
    let client =
        server.client(move |first| Duration::from_millis(if first == slow { 10_000 } else { 100 }));
    let started = Instant::now();
    let mut stream = revoke_all(&client, futures_util::stream::iter(customers(3_000)))
        .concurrency(4)
        .stream();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(first.is_err(), "the slow request holds the first outcome");
    let received = server.received.lock().unwrap().len();
    assert!(
        received >= 1_000,
        "only {received} customers sent in 5 s: the free slots idled"
    );
    let mut count = 0;
    while let Some(outcome) = stream.next().await {
        assert_eq!(outcome.position(), count);
        assert!(outcome.is_revoked());
        count += 1;
    }
    assert_eq!(count, 3_000);
    assert!(
        started.elapsed() < Duration::from_millis(10_500),
        "run took {:?}",
        started.elapsed()
    );
    assert_eq!(
        server
            .max_in_flight
            .load(std::sync::atomic::Ordering::SeqCst),
        4
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_hook_costs_the_stream_no_outcome() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let outcomes: Vec<RevokeOutcome> =
        revoke_all(&client, futures_util::stream::iter(customers(300)))
            .on_settled(|outcomes| assert!(outcomes[0].position() != 100, "the journal broke"))
            .stream()
            .collect()
            .await;
    assert_eq!(outcomes.len(), 300);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        assert!(outcome.is_revoked(), "{i}: {outcome:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_transport_that_panics_leaves_its_customers_maybe_applied() {
    let transport = capillary_sdk::transport::from_fn(|request: http::Request<bytes::Bytes>| {
        let body = request.body().clone();
        async move {
            let customers = crate::bulk_common::customers_of(&body);
            assert!(customers[0] != ids(200)[100], "the transport broke");
            let answer = crate::bulk_common::answer(&body, &Default::default()).to_string();
            Ok(http::Response::builder()
                .status(200)
                .body(bytes::Bytes::from(answer))
                .unwrap())
        }
    });
    let client = capillary_sdk::Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(capillary_sdk::auth::Basic::new("u", "p"))
        .transport(transport)
        .build()
        .unwrap();
    let outcomes: Vec<RevokeOutcome> =
        revoke_all(&client, futures_util::stream::iter(customers(200)))
            .stream()
            .collect()
            .await;
    assert_eq!(outcomes.len(), 200);
    assert!(outcomes[..100].iter().all(RevokeOutcome::is_revoked));
    for outcome in &outcomes[100..] {
        let RevokeOutcome::MaybeApplied { error, .. } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(error.maybe_applied());
    }
}

#[test]
fn without_a_runtime_nothing_is_sent() {
    use futures_util::FutureExt as _;

    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let outcomes = revoke_all(&client, futures_util::stream::iter(customers(150)))
        .stream()
        .collect::<Vec<_>>()
        .now_or_never()
        .expect("no runtime: every outcome at once");
    assert_eq!(outcomes.len(), 150);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        let RevokeOutcome::NotApplied { error, .. } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(
            matches!(**error, capillary_sdk::Error::Config { .. }),
            "{error:?}"
        );
    }
    assert!(server.received.lock().unwrap().is_empty());
}
