//! A bulk run whose runtime goes away: its tasks start on one runtime, that runtime shuts
//! down while the server hangs, and the outcomes are read on another. Every customer taken
//! from the input ends with exactly one outcome: maybe applied when its request was sent,
//! not applied when it was taken but never sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use capillary_sdk::auth::Basic;
use capillary_sdk::{Client, RevokeCustomer, RevokeOutcome};
use futures_util::{Stream, StreamExt as _};

use crate::bulk_common::{channel, customers, revoke_all, HangingServer};

/// Starts `stream` on a runtime of its own, waits until the server holds `requests` requests,
/// shuts that runtime down, and reads every outcome on a fresh runtime.
fn outcomes_after_shutdown(
    server: &HangingServer,
    requests: usize,
    start: impl FnOnce() -> futures_util::stream::BoxStream<'static, RevokeOutcome>,
) -> Vec<RevokeOutcome> {
    let doomed = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut stream = doomed.block_on(async {
        let mut stream = start();
        // The first poll starts the run's tasks on this runtime.
        let first = tokio::time::timeout(Duration::from_millis(50), stream.next()).await;
        assert!(first.is_err(), "nothing can be known yet: {first:?}");
        server.wait_for(requests).await;
        // Whatever else the run takes now, it takes before the runtime goes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream
    });
    doomed.shutdown_background();
    let reader = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    reader.block_on(async {
        let mut outcomes = Vec::new();
        while let Some(outcome) = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("the stream ends once its runtime is gone")
        {
            outcomes.push(outcome);
        }
        outcomes
    })
}

/// Counts the customers taken from `input`.
fn counted(
    input: impl Stream<Item = RevokeCustomer> + Send + 'static,
    taken: &Arc<AtomicUsize>,
) -> impl Stream<Item = RevokeCustomer> + Send + 'static {
    let taken = Arc::clone(taken);
    input.inspect(move |_| {
        taken.fetch_add(1, Ordering::SeqCst);
    })
}

fn client(server: &HangingServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .auth(Basic::new("store.server", "server123"))
        .build()
        .unwrap()
}

#[test]
fn sent_requests_of_a_dead_runtime_are_maybe_applied() {
    let server = HangingServer::start();
    let taken = Arc::new(AtomicUsize::new(0));
    let input = counted(futures_util::stream::iter(customers(1_000)), &taken);
    let client = client(&server);
    let outcomes = outcomes_after_shutdown(&server, 4, move || {
        revoke_all(&client, input).concurrency(4).stream()
    });
    let taken = taken.load(Ordering::SeqCst);
    assert!(taken >= 400, "four requests of 100 were in flight: {taken}");
    assert_eq!(outcomes.len(), taken, "one outcome per customer taken");
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        if i < 400 {
            assert!(
                matches!(outcome, RevokeOutcome::MaybeApplied { .. }),
                "{i}: sent, never answered: {outcome:?}"
            );
        }
    }
}

#[test]
fn customers_taken_but_never_sent_are_not_applied() {
    let server = HangingServer::start();
    let taken = Arc::new(AtomicUsize::new(0));
    let (tx, input) = channel();
    for customer in customers(150) {
        tx.send(customer).unwrap();
    }
    let input = counted(input, &taken);
    let client = client(&server);
    // The second request fills for an hour: its 50 customers are taken, never sent.
    let outcomes = outcomes_after_shutdown(&server, 1, move || {
        revoke_all(&client, input)
            .concurrency(2)
            .linger(Duration::from_secs(3_600))
            .stream()
    });
    drop(tx);
    assert_eq!(taken.load(Ordering::SeqCst), 150);
    assert_eq!(outcomes.len(), 150, "one outcome per customer taken");
    assert_eq!(server.requests(), 1);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        let sent = i < 100;
        match outcome {
            RevokeOutcome::MaybeApplied { .. } if sent => {}
            RevokeOutcome::NotApplied { error, .. } if !sent => {
                assert!(!error.maybe_applied(), "{error}");
            }
            other => panic!("{i}: {other:?}"),
        }
    }
}
