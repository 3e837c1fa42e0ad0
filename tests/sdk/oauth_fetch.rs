//! The OAuth token fetch runs apart from its callers: it outlives callers that time out or are
//! dropped, a caller waits at most until its deadline, and one failure answers every waiter,
//! with a growing pause before the next fetch.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::OAuth;
use capillary_sdk::transport::from_fn;
use capillary_sdk::{
    Client, CustomerRef, Error, IssueOutcome, ProgramId, PromotionId, RetryPolicy, Source,
};
use serde_json::json;
use tokio::time::{timeout, Instant};

const TOKEN_PATH: &str = "/v3/oauth/token/generate";
const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#;

/// A Capillary whose token endpoint answers each request after `delay`, with the next status of
/// its script (200 with a token once the script is empty), and whose issue endpoint accepts
/// any token it issued.
struct Server {
    delay: Duration,
    script: Mutex<VecDeque<(u16, u64)>>,
    started: Mutex<Vec<Instant>>,
    finished: AtomicUsize,
    api_calls: AtomicUsize,
}

impl Server {
    fn new(delay: Duration, script: &[(u16, u64)]) -> Arc<Self> {
        Arc::new(Self {
            delay,
            script: Mutex::new(script.iter().copied().collect()),
            started: Mutex::new(Vec::new()),
            finished: AtomicUsize::new(0),
            api_calls: AtomicUsize::new(0),
        })
    }

    fn started(&self) -> Vec<Instant> {
        self.started.lock().unwrap().clone()
    }

    fn client(self: &Arc<Self>, auth: &OAuth) -> Client {
        let server = Arc::clone(self);
        let transport = from_fn(move |request: http::Request<Bytes>| {
            let server = Arc::clone(&server);
            async move {
                let (status, body) = if request.uri().path() == TOKEN_PATH {
                    server.started.lock().unwrap().push(Instant::now());
                    let (status, ttl) = server
                        .script
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or((200, 300));
                    tokio::time::sleep(server.delay).await;
                    server.finished.fetch_add(1, Ordering::SeqCst);
                    let body = if status == 200 {
                        json!({"data": {"accessToken": "jwt", "ttlSeconds": ttl}})
                    } else {
                        json!({"data": null, "errors": null})
                    };
                    (status, body.to_string())
                } else {
                    assert_eq!(request.headers()["x-cap-api-oauth-token"], "jwt");
                    server.api_calls.fetch_add(1, Ordering::SeqCst);
                    (200, ISSUED.to_string())
                };
                Ok(http::Response::builder()
                    .status(status)
                    .header("X-Cap-Requestid", "req-token")
                    .body(Bytes::from(body))
                    .unwrap())
            }
        });
        Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(auth.clone())
            .transport(transport)
            .build()
            .unwrap()
    }
}

/// One issue call with one attempt and the given deadline.
async fn issue_within(client: &Client, deadline: Duration) -> Result<IssueOutcome, Error> {
    client
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .retry_policy(RetryPolicy::none().deadline(deadline))
        .send()
        .await
}

const LONG: Duration = Duration::from_secs(30);

#[tokio::test(start_paused = true)]
async fn callers_that_time_out_do_not_abort_the_fetch() {
    let server = Server::new(Duration::from_secs(2), &[]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    let mut succeeded = 0;
    for _ in 0..20 {
        if let Ok(outcome) = timeout(Duration::from_millis(1500), issue_within(&client, LONG)).await
        {
            assert!(outcome.unwrap().is_issued());
            succeeded += 1;
        }
    }
    assert_eq!(auth.token_requests(), 1);
    assert_eq!(server.started().len(), 1);
    assert_eq!(server.finished.load(Ordering::SeqCst), 1);
    assert_eq!(
        succeeded, 19,
        "only the first caller gave up before the token came"
    );
}

#[tokio::test(start_paused = true)]
async fn the_token_lands_in_the_cache_when_every_caller_is_gone() {
    let server = Server::new(Duration::from_secs(2), &[]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                timeout(Duration::from_millis(1500), issue_within(&client, LONG)).await
            })
        })
        .collect();
    for caller in callers {
        assert!(caller.await.unwrap().is_err(), "every caller gave up");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        server.finished.load(Ordering::SeqCst),
        1,
        "the fetch finished"
    );

    let before = Instant::now();
    assert!(issue_within(&client, LONG).await.unwrap().is_issued());
    assert_eq!(
        before.elapsed(),
        Duration::ZERO,
        "the token was already cached"
    );
    assert_eq!(auth.token_requests(), 1);
    assert_eq!(server.started().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn waiting_on_another_callers_fetch_counts_against_the_deadline() {
    let server = Server::new(Duration::from_secs(5), &[]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    let start = Instant::now();
    let patient = tokio::spawn({
        let client = client.clone();
        async move { issue_within(&client, LONG).await }
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    let error = issue_within(&client, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(4),
        "failed at its own deadline"
    );
    match &error {
        Error::TokenEndpoint {
            status: None,
            reason,
            ..
        } => assert!(reason.contains("deadline"), "{reason}"),
        other => panic!("expected TokenEndpoint, got {other:?}"),
    }
    assert!(!error.maybe_applied());
    assert!(patient.await.unwrap().unwrap().is_issued());
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(auth.token_requests(), 1);
    assert_eq!(server.api_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn one_failed_fetch_answers_every_waiter_at_once() {
    let server = Server::new(Duration::from_secs(1), &[(500, 0)]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    let start = Instant::now();
    let callers: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let result = issue_within(&client, LONG).await;
                (result, Instant::now())
            })
        })
        .collect();
    for caller in callers {
        let (result, at) = caller.await.unwrap();
        assert_eq!(
            at - start,
            Duration::from_secs(1),
            "failed with the one fetch"
        );
        match result.unwrap_err() {
            Error::TokenEndpoint {
                status, request_id, ..
            } => {
                assert_eq!(status.map(|s| s.as_u16()), Some(500));
                assert_eq!(request_id.as_deref(), Some("req-token"));
            }
            other => panic!("expected TokenEndpoint, got {other:?}"),
        }
    }
    assert_eq!(auth.token_requests(), 1);
    assert_eq!(server.started().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn fetches_after_failures_wait_a_growing_pause_reset_by_a_success() {
    // Nine failures, a token that is stale at once (so the next call fetches again), failures.
    let mut script = vec![(500, 0); 9];
    script.extend([(200, 0), (500, 0), (500, 0)]);
    let server = Server::new(Duration::from_secs(1), &script);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    for (n, (status, _)) in script.iter().enumerate() {
        let result = issue_within(&client, LONG).await;
        assert_eq!(result.is_ok(), *status == 200, "call {n}: {result:?}");
    }
    let started = server.started();
    let pauses: Vec<u64> = started
        .windows(2)
        .map(|w| (w[1] - (w[0] + Duration::from_secs(1))).as_millis() as u64)
        .collect();
    assert_eq!(
        pauses,
        [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 0, 100]
    );
}

#[tokio::test(start_paused = true)]
async fn a_caller_whose_deadline_ends_within_the_pause_gets_the_last_failure_at_once() {
    let server = Server::new(Duration::from_secs(1), &[(503, 0)]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    issue_within(&client, LONG).await.unwrap_err();
    let before = Instant::now();
    let error = issue_within(&client, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(before.elapsed(), Duration::ZERO);
    assert!(
        matches!(error, Error::TokenEndpoint { status: Some(s), .. } if s.as_u16() == 503),
        "{error:?}"
    );
    assert_eq!(auth.token_requests(), 1);
    // A caller who can wait out the pause gets a new fetch, and the token.
    assert!(issue_within(&client, LONG).await.unwrap().is_issued());
    assert_eq!(before.elapsed(), Duration::from_millis(1100));
    assert_eq!(auth.token_requests(), 2);
}

/// A fetch whose runtime shuts down mid-way does not leave the cache waiting forever for it:
/// the next runtime's call starts a new fetch.
#[test]
fn a_fetch_abandoned_by_its_runtime_does_not_block_the_next_call() {
    let first = std::sync::atomic::AtomicBool::new(true);
    let first = Arc::new(first);
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let slow = first.swap(false, Ordering::SeqCst);
        async move {
            let body = if request.uri().path() == TOKEN_PATH {
                if slow {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                json!({"data": {"accessToken": "jwt", "ttlSeconds": 300}}).to_string()
            } else {
                ISSUED.to_string()
            };
            Ok(http::Response::builder()
                .status(200)
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    let auth = OAuth::new("k", "s");
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(auth.clone())
        .transport(transport)
        .build()
        .unwrap();
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap()
    };
    let gave_up = runtime()
        .block_on(async { timeout(Duration::from_secs(1), issue_within(&client, LONG)).await });
    assert!(gave_up.is_err());
    let outcome = runtime()
        .block_on(async { timeout(Duration::from_secs(1), issue_within(&client, LONG)).await });
    assert!(outcome.unwrap().unwrap().is_issued());
    assert_eq!(auth.token_requests(), 2);
}

/// Polled outside any tokio runtime, the token fetch cannot be spawned: a configuration error,
/// not a panic.
#[test]
fn without_a_tokio_runtime_the_fetch_is_a_configuration_error() {
    use std::future::Future as _;
    use std::task::{Context, Poll, Wake, Waker};

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let server = Server::new(Duration::ZERO, &[]);
    let auth = OAuth::new("k", "s");
    let client = server.client(&auth);
    let mut call = std::pin::pin!(issue_within(&client, LONG));
    let waker = Waker::from(Arc::new(Noop));
    let Poll::Ready(result) = call.as_mut().poll(&mut Context::from_waker(&waker)) else {
        panic!("the call should fail at once");
    };
    let error = result.unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("tokio runtime"), "{error}");
    assert_eq!(server.started().len(), 0);
}

/// Over real HTTP: the caller gives up before the token endpoint answers, and the token still
/// reaches the cache; the next call sends no second token request.
#[tokio::test]
async fn over_real_http_the_token_outlives_the_caller() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"accessToken": "jwt", "ttlSeconds": 300}}))
                .set_delay(Duration::from_millis(400)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(wiremock::matchers::header("x-cap-api-oauth-token", "jwt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(ISSUED))
        .expect(1)
        .mount(&server)
        .await;
    let auth = OAuth::new("k", "s");
    let client = Client::builder()
        .base_url(server.uri())
        .auth(auth.clone())
        .build()
        .unwrap();
    let gave_up = timeout(Duration::from_millis(100), issue_within(&client, LONG)).await;
    assert!(gave_up.is_err());
    tokio::time::sleep(Duration::from_millis(600)).await;
    let before = std::time::Instant::now();
    assert!(issue_within(&client, LONG).await.unwrap().is_issued());
    assert!(
        before.elapsed() < Duration::from_millis(300),
        "no wait for a token"
    );
    assert_eq!(auth.token_requests(), 1);
}
