//! `TowerTransport`: a tower service as the client's transport. Its layers see every request
//! (a concurrency limit holds across concurrent calls; a map layer's header reaches the wire),
//! and its errors keep their meaning for retries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::{TowerTransport, TransportError};
use capillary_sdk::{
    Client, CustomerRef, Error, ProgramId, PromotionId, RetryPolicy, Source, TransportErrorKind,
};
use tower::ServiceBuilder;

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#;

fn issued() -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .header("Content-Type", "application/json")
        .body(Bytes::from_static(ISSUED.as_bytes()))
        .unwrap()
}

fn client(transport: impl capillary_sdk::transport::Transport + 'static) -> Client {
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "password"))
        .transport(transport)
        .retry_policy(RetryPolicy::default().jitter(false))
        .build()
        .unwrap()
}

async fn issue(client: &Client) -> Result<(), Error> {
    client
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .map(|_| ())
}

#[tokio::test(start_paused = true)]
async fn a_concurrency_limit_layer_holds_across_concurrent_calls() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (in_flight2, most2, seen2) = (in_flight.clone(), most.clone(), seen.clone());
    let service = ServiceBuilder::new()
        .concurrency_limit(2)
        .map_request(|mut request: http::Request<Bytes>| {
            request
                .headers_mut()
                .insert("x-team-layer", http::HeaderValue::from_static("seen"));
            request
        })
        .service_fn(move |request: http::Request<Bytes>| {
            let (in_flight, most) = (in_flight2.clone(), most2.clone());
            seen2.lock().unwrap().push(request);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok::<_, TransportError>(issued())
            }
        });
    let client = client(TowerTransport::new(service));
    let started = tokio::time::Instant::now();
    let results = futures_util::future::join_all((0..6).map(|_| issue(&client))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(most.load(Ordering::SeqCst), 2);
    // Six calls, two at a time, 100 ms each.
    assert_eq!(started.elapsed(), Duration::from_millis(300));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 6);
    for request in seen.iter() {
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri().path(), "/v2/promotion/issue");
        assert_eq!(request.headers()["x-team-layer"], "seen");
        assert!(request.headers()["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic "));
    }
}

#[tokio::test(start_paused = true)]
async fn a_transport_error_keeps_its_kind_so_a_connect_failure_is_retried() {
    let sends = Arc::new(AtomicUsize::new(0));
    let count = sends.clone();
    let service = tower::service_fn(move |_request: http::Request<Bytes>| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Err(TransportError::new(TransportErrorKind::Connect, "refused"))
            } else {
                Ok(issued())
            }
        }
    });
    issue(&client(TowerTransport::new(service))).await.unwrap();
    assert_eq!(sends.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn any_other_error_may_have_been_sent_and_is_not_retried() {
    let sends = Arc::new(AtomicUsize::new(0));
    let count = sends.clone();
    let service = tower::service_fn(move |_request: http::Request<Bytes>| {
        count.fetch_add(1, Ordering::SeqCst);
        async { Err::<http::Response<Bytes>, _>(std::io::Error::other("layer failed")) }
    });
    let error = issue(&client(TowerTransport::new(service)))
        .await
        .unwrap_err();
    assert_eq!(sends.load(Ordering::SeqCst), 1);
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Other,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.maybe_applied(), "{error:?}");
}
