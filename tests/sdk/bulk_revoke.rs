//! `revoke_all`: chunking, order, bounded concurrency, partial failures, validation, lazy input
//! and stopping. The server is a closure transport that answers one result per customer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::{
    Client, Error, ErrorCode, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, RevokeOutcome, Source,
};
use futures_util::StreamExt as _;
use serde_json::json;

use crate::bulk_common::{answer, customers_of, ids};

/// What the fake server saw.
#[derive(Default)]
struct Seen {
    /// Customers of each request, in arrival order.
    requests: Mutex<Vec<Vec<String>>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A client whose server answers each customer revoked, after `delay(request number)`, and
/// fails requests whose first customer is in `fail` with that transport error kind.
fn client_with(
    seen: Arc<Seen>,
    delay: impl Fn(usize) -> Duration + Send + Sync + 'static,
    fail: HashMap<String, TransportErrorKind>,
    refuse: HashMap<String, i64>,
) -> Client {
    let delay = Arc::new(delay);
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let seen = Arc::clone(&seen);
        let delay = Arc::clone(&delay);
        let fail = fail.clone();
        let refuse = refuse.clone();
        async move {
            let customers = customers_of(request.body());
            let number = {
                let mut requests = seen.requests.lock().unwrap();
                requests.push(customers.clone());
                requests.len() - 1
            };
            let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(delay(number)).await;
            seen.in_flight.fetch_sub(1, Ordering::SeqCst);
            if let Some(kind) = fail.get(&customers[0]) {
                return Err(TransportError::new(*kind, "injected failure"));
            }
            let body = answer(request.body(), &refuse).to_string();
            Ok(http::Response::builder()
                .status(200)
                .header("X-Cap-Requestid", format!("req-{number}"))
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(Basic::new("store.server", "server123"))
        .transport(transport)
        .build()
        .unwrap()
}

fn plain_client(seen: Arc<Seen>) -> Client {
    client_with(
        seen,
        |_| Duration::from_millis(20),
        HashMap::new(),
        HashMap::new(),
    )
}

async fn revoke(client: &Client, values: &[String], concurrency: usize) -> Vec<RevokeOutcome> {
    client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            values
                .iter()
                .cloned()
                .map(RevokeCustomer::new)
                .collect::<Vec<_>>(),
        )
        .concurrency(concurrency)
        .stream()
        .collect()
        .await
}

#[tokio::test(start_paused = true)]
async fn chunks_by_one_hundred_and_keeps_input_order() {
    for (n, sizes) in [
        (0, vec![]),
        (1, vec![1]),
        (99, vec![99]),
        (100, vec![100]),
        (101, vec![100, 1]),
        (250, vec![100, 100, 50]),
    ] {
        let seen = Arc::new(Seen::default());
        let client = plain_client(Arc::clone(&seen));
        let values = ids(n);
        let outcomes = revoke(&client, &values, 4).await;

        let requests = seen.requests.lock().unwrap().clone();
        let mut got: Vec<usize> = requests.iter().map(Vec::len).collect();
        got.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(got, sizes, "request sizes for {n} customers");
        let mut sent: Vec<String> = requests.into_iter().flatten().collect();
        sent.sort();
        assert_eq!(sent, values, "every customer sent once for {n}");

        assert_eq!(outcomes.len(), n);
        for (i, outcome) in outcomes.iter().enumerate() {
            assert_eq!(outcome.position(), i);
            assert_eq!(outcome.customer().identifier_value, values[i]);
            let RevokeOutcome::Answered { item, meta, .. } = outcome else {
                panic!("customer {i} of {n} not answered: {outcome:?}");
            };
            let revoked = item.result.as_ref().expect("revoked");
            assert_eq!(
                revoked.customer_id.map(|c| c.0.to_string()),
                Some(values[i].clone())
            );
            assert_eq!(meta.status, 200);
            assert!(meta.request_id.is_some());
        }
        // Customers share their request's id, and only theirs.
        let request_ids: Vec<Option<String>> = outcomes
            .iter()
            .map(|o| match o {
                RevokeOutcome::Answered { meta, .. } => meta.request_id.clone(),
                _ => None,
            })
            .collect();
        for i in 1..n {
            assert_eq!(
                request_ids[i] == request_ids[i - 1],
                i % 100 != 0,
                "request id of customer {i} of {n}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn each_request_is_the_documented_bulk_call() {
    let requests: Arc<Mutex<Vec<http::Request<Bytes>>>> = Arc::default();
    let recorded = Arc::clone(&requests);
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let recorded = Arc::clone(&recorded);
        async move {
            let body = answer(request.body(), &HashMap::new()).to_string();
            recorded.lock().unwrap().push(request);
            Ok(http::Response::builder()
                .status(200)
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(Basic::new("store.server", "server123"))
        .transport(transport)
        .build()
        .unwrap();
    let customers = vec![
        RevokeCustomer::new("423927848")
            .source(Source::Instore)
            .earn_ids([capillary_sdk::EarnId(959)]),
        RevokeCustomer::new("423927856"),
    ];
    let outcomes: Vec<_> = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"),
            RevokeIdentifierKind::Id,
            customers,
        )
        .stream()
        .collect()
        .await;
    assert!(outcomes.iter().all(RevokeOutcome::is_revoked));
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "http://127.0.0.1:9/v2/promotion/bulk/revokeEnrolAndEarn"
    );
    assert_eq!(
        request.headers()["authorization"],
        "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
    );
    assert_eq!(request.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        body,
        json!({
            "type": "CUSTOMER",
            "bulkAction": "REVOKE_EARN",
            "promotionDetails": {
                "programId": 2714,
                "promoIdentifier": "1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"
            },
            "identifierName": "id",
            "customers": [
                {"identifierValue": "423927848", "source": "INSTORE", "earnIds": [959]},
                {"identifierValue": "423927856"}
            ]
        })
    );
}

#[tokio::test(start_paused = true)]
async fn order_holds_when_later_requests_answer_first() {
    let seen = Arc::new(Seen::default());
    // The first request is the slowest, the last the fastest.
    let client = client_with(
        Arc::clone(&seen),
        |n| Duration::from_millis(100 - 10 * n as u64),
        HashMap::new(),
        HashMap::new(),
    );
    let values = ids(750);
    let outcomes = revoke(&client, &values, 8).await;
    let got: Vec<&str> = outcomes
        .iter()
        .map(|o| o.customer().identifier_value.as_str())
        .collect();
    assert_eq!(got, values.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(outcomes.iter().all(RevokeOutcome::is_revoked));
}

#[tokio::test(start_paused = true)]
async fn never_more_requests_in_flight_than_the_concurrency() {
    for (concurrency, expected) in [(1, 1), (3, 3), (8, 8)] {
        let seen = Arc::new(Seen::default());
        let client = plain_client(Arc::clone(&seen));
        let outcomes = revoke(&client, &ids(2_000), concurrency).await;
        assert_eq!(outcomes.len(), 2_000);
        assert_eq!(
            seen.max_in_flight.load(Ordering::SeqCst),
            expected,
            "concurrency {concurrency}"
        );
    }
    // Default: 4.
    let seen = Arc::new(Seen::default());
    let client = plain_client(Arc::clone(&seen));
    let _: Vec<_> = client
        .promotions()
        .revoke_all(
            RevokeAction::Enrol,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            ids(1_000).into_iter().map(RevokeCustomer::new),
        )
        .stream()
        .collect()
        .await;
    assert_eq!(seen.max_in_flight.load(Ordering::SeqCst), 4);
}

#[tokio::test(start_paused = true)]
async fn a_failed_request_fails_only_its_own_customers() {
    let values = ids(400);
    let seen = Arc::new(Seen::default());
    let fail = HashMap::from([
        // The second chunk's answer is lost after sending: unknown.
        (values[100].clone(), TransportErrorKind::AnswerLost),
        // The third chunk never connects: certainly not applied.
        (values[200].clone(), TransportErrorKind::Connect),
    ]);
    let refuse = HashMap::from([(values[5].clone(), 8015), (values[399].clone(), 8015)]);
    let client = client_with(
        Arc::clone(&seen),
        |_| Duration::from_millis(20),
        fail,
        refuse,
    );
    let outcomes = revoke(&client, &values, 4).await;
    assert_eq!(outcomes.len(), 400);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        match i {
            5 | 399 => {
                let RevokeOutcome::Answered { item, .. } = outcome else {
                    panic!("{i}: {outcome:?}")
                };
                let errors = item.result.as_ref().unwrap_err();
                assert_eq!(errors[0].code, ErrorCode::CustomerNotFound);
                assert!(outcome.is_known() && !outcome.is_revoked());
            }
            100..=199 => {
                let RevokeOutcome::MaybeApplied { error, .. } = outcome else {
                    panic!("{i}: {outcome:?}")
                };
                assert!(error.maybe_applied());
                assert!(!outcome.is_known());
            }
            200..=299 => {
                let RevokeOutcome::NotApplied { error, .. } = outcome else {
                    panic!("{i}: {outcome:?}")
                };
                assert!(matches!(
                    **error,
                    Error::Transport {
                        maybe_applied: false,
                        ..
                    }
                ));
            }
            _ => assert!(outcome.is_revoked(), "{i}: {outcome:?}"),
        }
    }
    // One error value is shared by the customers of a failed request.
    assert!(Arc::ptr_eq(
        outcomes[100].shared_error().unwrap(),
        outcomes[199].shared_error().unwrap()
    ));
}

#[tokio::test(start_paused = true)]
async fn a_request_level_refusal_leaves_every_customer_of_its_request_not_applied() {
    let transport = from_fn(|request: http::Request<Bytes>| async move {
        let n = customers_of(request.body()).len();
        assert_eq!(n, 100);
        let body = json!({
            "response": [{"errors": [{"status": false, "message": "invalid programId passed", "code": 1101}], "warnings": []}],
            "totalCount": 1, "failureCount": 1
        });
        Ok(http::Response::builder()
            .status(200)
            .header("X-Cap-Requestid", "req-1101")
            .body(Bytes::from(body.to_string()))
            .unwrap())
    });
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(Basic::new("u", "p"))
        .transport(transport)
        .build()
        .unwrap();
    let outcomes = revoke(&client, &ids(200), 2).await;
    assert_eq!(outcomes.len(), 200);
    // Refused whole: nothing applied, safe to send again once the cause is fixed, and one
    // error per request shared by its customers (never a copy per customer).
    for (i, outcome) in outcomes.iter().enumerate() {
        let RevokeOutcome::NotApplied { error, .. } = outcome else {
            panic!("{i}: {outcome:?}")
        };
        assert_eq!(error.codes(), vec![ErrorCode::InvalidProgramId]);
        assert_eq!(error.request_id(), Some("req-1101"));
        let first = outcomes[i / 100 * 100].shared_error().unwrap();
        assert!(Arc::ptr_eq(first, outcome.shared_error().unwrap()));
    }
}

#[tokio::test(start_paused = true)]
async fn an_invalid_customer_is_refused_with_its_position_and_never_sent() {
    let seen = Arc::new(Seen::default());
    let client = plain_client(Arc::clone(&seen));
    let mut values = ids(150);
    values[7] = "ana@example.com".into();
    values[120] = " ".into();
    let outcomes = revoke(&client, &values, 4).await;
    assert_eq!(outcomes.len(), 150);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        if i == 7 || i == 120 {
            let RevokeOutcome::NotApplied { error, .. } = outcome else {
                panic!("{i}: {outcome:?}")
            };
            let Error::InvalidRequest { reason, .. } = &**error else {
                panic!("{error:?}")
            };
            assert!(reason.starts_with(&format!("customer {i}:")), "{reason}");
        } else {
            assert!(outcome.is_revoked(), "{i}: {outcome:?}");
        }
    }
    let sent: Vec<String> = seen.requests.lock().unwrap().concat();
    assert_eq!(sent.len(), 148);
    assert!(!sent.contains(&values[7]) && !sent.contains(&values[120]));
}

#[tokio::test(start_paused = true)]
async fn pulls_the_input_lazily() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let customers = (0..1_000_000u64).map(move |i| {
        counter.fetch_add(1, Ordering::SeqCst);
        RevokeCustomer::new(i.to_string())
    });
    // A server that never answers within the test.
    let transport = from_fn(|_request: http::Request<Bytes>| async move {
        tokio::time::sleep(Duration::from_secs(3_600)).await;
        Err(TransportError::new(TransportErrorKind::Timeout, "never"))
    });
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .auth(Basic::new("u", "p"))
        .transport(transport)
        .build()
        .unwrap();
    let mut stream = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(1),
            PromotionRef::id(PromotionId(1)),
            RevokeIdentifierKind::Id,
            customers,
        )
        .concurrency(3)
        .stream();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(first.is_err(), "no answer yet");
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(
        pulled <= 400,
        "pulled {pulled} customers for 3 requests in flight"
    );
    assert!(
        pulled >= 300,
        "pulled {pulled}: three requests should be in flight"
    );
}

#[tokio::test(start_paused = true)]
async fn stop_when_lets_requests_in_flight_finish_and_sends_no_more() {
    let seen = Arc::new(Seen::default());
    let client = client_with(
        Arc::clone(&seen),
        |_| Duration::from_millis(50),
        HashMap::new(),
        HashMap::new(),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut stream = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            ids(1_000).into_iter().map(RevokeCustomer::new),
        )
        .concurrency(2)
        .stop_when(async move {
            let _ = stopped.await;
        })
        .stream();
    let first = stream.next().await.expect("an outcome");
    assert!(first.is_revoked());
    stop.send(()).unwrap();
    let mut outcomes = vec![first];
    while let Some(o) = stream.next().await {
        outcomes.push(o);
    }
    let sent: Vec<String> = seen.requests.lock().unwrap().concat();
    // Every customer sent got its outcome, in order, and nothing after the stop was sent.
    assert!(outcomes.len() < 1_000, "{} outcomes", outcomes.len());
    assert_eq!(outcomes.len(), sent.len());
    assert_eq!(outcomes.len() % 100, 0);
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o.position(), i);
        assert!(o.is_revoked());
    }
}

#[tokio::test(start_paused = true)]
async fn on_settled_reports_each_request_as_soon_as_it_is_answered() {
    let seen = Arc::new(Seen::default());
    // The first request is the slowest: the others settle before it, out of input order.
    let client = client_with(
        Arc::clone(&seen),
        |n| Duration::from_millis(if n == 0 { 1_000 } else { 10 }),
        HashMap::new(),
        HashMap::new(),
    );
    let settled: Arc<Mutex<Vec<(usize, usize)>>> = Arc::default();
    let log = Arc::clone(&settled);
    let mut stream = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            ids(300)
                .into_iter()
                .map(RevokeCustomer::new)
                .collect::<Vec<_>>(),
        )
        .concurrency(3)
        .on_settled(move |outcomes| {
            let first = outcomes[0].position();
            log.lock().unwrap().push((first, outcomes.len()));
        })
        .stream();
    let first = stream.next().await.unwrap();
    assert_eq!(first.position(), 0, "the stream keeps input order");
    let order = settled.lock().unwrap().clone();
    assert_eq!(
        order,
        vec![(100, 100), (200, 100), (0, 100)],
        "settled as answered"
    );
    assert_eq!(stream.count().await, 299);
}
