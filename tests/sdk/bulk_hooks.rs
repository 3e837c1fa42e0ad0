//! The bulk run's guarantees for a write-ahead journal and a service shutting down:
//! `on_sending` sees each request's customers before its first byte and can stop the run,
//! and `settled_handle` waits until every request in flight has settled.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use capillary_sdk::{RevokeCustomer, RevokeOutcome};
use futures_util::StreamExt as _;
use tokio::time::Instant;

use crate::bulk_common::{customers, ids, revoke_all, Handoff, SettledLog};

/// One `on_sending` call: the positions given, and how many customers the server had
/// received at that moment.
type SendingCall = (Vec<usize>, usize);

#[tokio::test(start_paused = true)]
async fn on_sending_sees_each_request_before_the_server_does() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let calls: Arc<Mutex<Vec<SendingCall>>> = Arc::default();
    let mut input = customers(301);
    input[150] = RevokeCustomer::new("not-an-id");
    let outcomes = {
        let calls = Arc::clone(&calls);
        let received = Arc::clone(&server.received);
        revoke_all(&client, futures_util::stream::iter(input))
            .concurrency(2)
            .on_sending(move |batch: &[(usize, RevokeCustomer)]| {
                let positions = batch.iter().map(|(p, _)| *p).collect();
                let at = received.lock().unwrap().len();
                calls.lock().unwrap().push((positions, at));
                Ok::<(), String>(())
            })
            .collect_outcomes()
            .await
    };
    assert_eq!(outcomes.len(), 301);
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 4, "once per request");
    let mut all: Vec<usize> = calls.iter().flat_map(|(p, _)| p.clone()).collect();
    all.sort_unstable();
    let expected: Vec<usize> = (0..301).filter(|p| *p != 150).collect();
    assert_eq!(all, expected, "every customer sent, the invalid one never");
    let received = server.received.lock().unwrap().clone();
    let values = ids(301);
    for (positions, at) in &calls {
        // None of this request's customers had reached the server when the hook ran.
        let values: Vec<&String> = positions.iter().map(|p| &values[*p]).collect();
        assert!(
            received[..*at].iter().all(|r| !values.contains(&r)),
            "the hook ran after the request was sent"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_on_sending_sends_nothing_more() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::from_millis(100));
    let calls = Arc::new(Mutex::new(0));
    let outcomes = {
        let calls = Arc::clone(&calls);
        revoke_all(&client, futures_util::stream::iter(customers(1_000)))
            .concurrency(1)
            .on_sending(move |_: &[(usize, RevokeCustomer)]| {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                if *calls == 2 {
                    Err("the journal's disk is full")
                } else {
                    Ok(())
                }
            })
            .collect_outcomes()
            .await
    };
    assert_eq!(
        *calls.lock().unwrap(),
        2,
        "no request starts after the failure"
    );
    assert_eq!(
        server.received_sorted(),
        ids(100),
        "the refused request is not sent"
    );
    assert_eq!(outcomes.len(), 200, "one outcome per customer taken");
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        if i < 100 {
            assert!(outcome.is_revoked(), "{i}: {outcome:?}");
            continue;
        }
        let RevokeOutcome::NotApplied { error, .. } = outcome else {
            panic!("{i}: {outcome:?}")
        };
        assert!(
            error.to_string().contains("the journal's disk is full"),
            "{error}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn settled_handle_waits_for_every_request_in_flight() {
    let server = Handoff::default();
    let values = ids(1_000);
    let fast = values[0].clone();
    let client =
        server.client(move |first| Duration::from_millis(if first == fast { 100 } else { 5_000 }));
    let settled = SettledLog::default();
    let started = Instant::now();
    let run = revoke_all(&client, futures_util::stream::iter(customers(1_000)))
        .concurrency(4)
        .on_settled(settled.hook(started));
    let handle = run.settled_handle();
    assert!(!handle.is_settled(), "the run has not started");
    let mut stream = run.stream();
    assert!(stream.next().await.unwrap().is_revoked());
    // A service shutting down: stop reading, then wait for what is in flight.
    drop(stream);
    handle.wait().await;
    assert!(handle.is_settled());
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "returned early"
    );
    let received = server.received_sorted();
    assert!(received.len() >= 400 && received.len() < 1_000);
    assert_eq!(
        settled.customers_sorted(),
        received,
        "every request sent had settled when the wait returned"
    );
}

#[tokio::test]
async fn settled_handle_of_a_run_never_started_returns_when_it_is_dropped() {
    let server = Handoff::default();
    let client = server.client(|_| Duration::ZERO);
    let run = revoke_all(&client, futures_util::stream::iter(customers(10)));
    let handle = run.settled_handle();
    drop(run);
    tokio::time::timeout(Duration::from_secs(5), handle.wait())
        .await
        .expect("nothing can be in flight");
    assert!(server.received_sorted().is_empty());
}
