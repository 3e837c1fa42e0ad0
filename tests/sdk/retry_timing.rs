//! Delays, deadlines, timeouts and the retry budget, on tokio's paused clock with a scripted
//! closure transport: the instants of the requests show the delays the client waited.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind, MAX_BODY_BYTES};
use capillary_sdk::{
    Client, ClientBuilder, CustomerRef, Error, IssueOutcome, ProgramId, PromotionId, RetryBudget,
    RetryPolicy, Source,
};
use tokio::time::Instant;

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

#[derive(Clone)]
enum Reply {
    Answer(u16, Vec<(&'static str, String)>, Bytes),
    Fail(TransportErrorKind),
    Hang,
}

fn status(code: u16) -> Reply {
    Reply::Answer(code, Vec::new(), Bytes::new())
}

/// Capillary's 503: authorization status unavailable, refused before any work.
fn busy() -> Reply {
    let body = r#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#;
    Reply::Answer(503, Vec::new(), Bytes::from_static(body.as_bytes()))
}

fn issued() -> Reply {
    Reply::Answer(200, Vec::new(), Bytes::from_static(ISSUED.as_bytes()))
}

fn retry_after(code: u16, value: impl Into<String>) -> Reply {
    Reply::Answer(code, vec![("retry-after", value.into())], Bytes::new())
}

/// A transport that answers the scripted replies in turn (the last one for ever) and notes
/// when each request arrived.
#[derive(Clone)]
struct Script {
    replies: Arc<Vec<Reply>>,
    calls: Arc<Mutex<Vec<Instant>>>,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Self {
        Self {
            replies: Arc::new(replies),
            calls: Arc::default(),
        }
    }

    fn client(&self, policy: RetryPolicy) -> Client {
        self.client_with(policy, RetryBudget::unlimited())
    }

    fn client_with(&self, policy: RetryPolicy, budget: RetryBudget) -> Client {
        self.builder()
            .retry_policy(policy)
            .retry_budget(budget)
            .build()
            .unwrap()
    }

    fn builder(&self) -> ClientBuilder {
        let script = self.clone();
        Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(Basic::new("till", "till-password"))
            .transport(from_fn(move |request: http::Request<Bytes>| {
                let script = script.clone();
                async move { script.answer(request).await }
            }))
    }

    async fn answer(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        assert_eq!(request.uri().path(), "/v2/promotion/issue");
        let reply = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(Instant::now());
            let at = (calls.len() - 1).min(self.replies.len() - 1);
            self.replies[at].clone()
        };
        match reply {
            Reply::Answer(code, headers, body) => {
                let mut response = http::Response::builder()
                    .status(code)
                    .header("X-Cap-Requestid", format!("req-{code}"));
                for (name, value) in headers {
                    response = response.header(name, value);
                }
                Ok(response.body(body).unwrap())
            }
            Reply::Fail(kind) => Err(TransportError::new(kind, "scripted failure")),
            Reply::Hang => std::future::pending().await,
        }
    }

    fn count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    /// The delays between consecutive requests.
    fn gaps(&self) -> Vec<Duration> {
        let calls = self.calls.lock().unwrap();
        calls.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

async fn issue(client: &Client) -> Result<IssueOutcome, Error> {
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
}

fn predictable() -> RetryPolicy {
    RetryPolicy::default()
        .jitter(false)
        .initial_backoff(Duration::from_millis(100))
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_waited_exactly() {
    for code in [429, 503] {
        let script = Script::new(vec![retry_after(code, "7"), issued()]);
        let outcome = issue(&script.client(predictable())).await.unwrap();
        assert!(outcome.is_issued());
        assert_eq!(script.gaps(), vec![Duration::from_secs(7)], "{code}");
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_waited() {
    // The date is read against the wall clock, which the paused tokio clock does not stop.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(9));
    let script = Script::new(vec![retry_after(429, at), issued()]);
    issue(&script.client(predictable())).await.unwrap();
    let gap = script.gaps()[0];
    assert!(
        gap >= Duration::from_secs(7) && gap <= Duration::from_secs(9),
        "{gap:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_returns_the_answer_at_once() {
    let started = Instant::now();
    let script = Script::new(vec![retry_after(429, "120"), issued()]);
    let error = issue(&script.client(predictable())).await.unwrap_err();
    assert_eq!(script.count(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.request_id(), Some("req-429"));
    assert!(!error.maybe_applied());

    // A policy with a longer cap (and a deadline beyond it) waits for it.
    let script = Script::new(vec![retry_after(429, "120"), issued()]);
    let policy = predictable()
        .max_retry_after(Duration::from_secs(180))
        .deadline(Duration::from_secs(300));
    issue(&script.client(policy)).await.unwrap();
    assert_eq!(script.gaps(), vec![Duration::from_secs(120)]);
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_retry_after_falls_back_to_backoff() {
    let script = Script::new(vec![retry_after(429, "soon"), issued()]);
    issue(&script.client(predictable())).await.unwrap();
    assert_eq!(script.gaps(), vec![Duration::from_millis(100)]);
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_up_to_its_cap() {
    let script = Script::new(vec![busy()]);
    let policy = predictable()
        .max_attempts(5)
        .max_backoff(Duration::from_millis(300));
    let error = issue(&script.client(policy)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        script.gaps(),
        [100, 200, 300, 300].map(Duration::from_millis).to_vec()
    );
}

#[tokio::test(start_paused = true)]
async fn full_jitter_stays_below_each_bound() {
    let script = Script::new(vec![status(461)]);
    let policy = predictable().jitter(true).max_attempts(4);
    issue(&script.client(policy)).await.unwrap_err();
    let gaps = script.gaps();
    assert_eq!(gaps.len(), 3);
    for (gap, bound) in gaps.iter().zip([100, 200, 400]) {
        assert!(*gap <= Duration::from_millis(bound), "{gaps:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_deadline_ends_the_retries() {
    let started = Instant::now();
    let script = Script::new(vec![status(521)]);
    let policy = predictable()
        .initial_backoff(Duration::from_secs(1))
        .max_backoff(Duration::from_secs(60))
        .max_attempts(10)
        .deadline(Duration::from_secs(5));
    let error = issue(&script.client(policy)).await.unwrap_err();
    // Waits of 1 s and 2 s fit; the next, 4 s, would end after the deadline.
    assert_eq!(script.count(), 3);
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(521));
    assert!(!error.maybe_applied());
}

#[tokio::test(start_paused = true)]
async fn an_attempt_times_out_and_is_not_replayed() {
    let started = Instant::now();
    let script = Script::new(vec![Reply::Hang]);
    let client = script
        .builder()
        .request_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = issue(&client).await.unwrap_err();
    assert_eq!(script.count(), 1);
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                maybe_applied: true,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_deadline_shortens_the_last_attempt() {
    let started = Instant::now();
    let script = Script::new(vec![Reply::Hang]);
    let policy = predictable()
        .replay_maybe_applied(true)
        .max_attempts(10)
        .deadline(Duration::from_secs(5));
    // The default per-attempt timeout (30 s) is longer than the whole deadline.
    let error = issue(&script.client(policy)).await.unwrap_err();
    assert_eq!(script.count(), 1);
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert!(error.maybe_applied());
}

#[tokio::test(start_paused = true)]
async fn transport_faults_follow_the_policy() {
    let cases = [
        (TransportErrorKind::Connect, 4, false),
        (TransportErrorKind::Timeout, 1, true),
        (TransportErrorKind::AnswerLost, 1, true),
        (TransportErrorKind::Other, 1, true),
    ];
    for (kind, requests, maybe_applied) in cases {
        let script = Script::new(vec![Reply::Fail(kind)]);
        let error = issue(&script.client(predictable())).await.unwrap_err();
        assert_eq!(script.count(), requests, "{kind:?}");
        match error {
            Error::Transport {
                kind: got,
                maybe_applied: flag,
                ..
            } => {
                assert_eq!(got, kind);
                assert_eq!(flag, maybe_applied, "{kind:?}");
            }
            other => panic!("{kind:?}: {other:?}"),
        }
    }
    // A connection that fails once and then works.
    let script = Script::new(vec![Reply::Fail(TransportErrorKind::Connect), issued()]);
    issue(&script.client(predictable())).await.unwrap();
    assert_eq!(script.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_retry_budget_and_successes_refill_it() {
    let budget = RetryBudget::new(10, 5);
    let failing = Script::new(vec![busy()]);
    let client = failing.client_with(predictable(), budget.clone());
    let clone = client.clone();

    // Two retries empty the bucket...
    issue(&client).await.unwrap_err();
    assert_eq!(failing.count(), 3);
    assert_eq!(clone.retry_budget().available(), 0);
    // ...so the clone's call is not retried.
    issue(&clone).await.unwrap_err();
    assert_eq!(failing.count(), 4);

    // Five successes pay for one retry.
    let working = Script::new(vec![issued()]);
    let other = working.client_with(predictable(), budget.clone());
    for _ in 0..5 {
        issue(&other).await.unwrap();
    }
    assert_eq!(budget.available(), 5);
    issue(&client).await.unwrap_err();
    assert_eq!(failing.count(), 6);
    assert_eq!(budget.available(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_body_over_the_cap_is_not_decoded() {
    let huge = Bytes::from(vec![b'{'; MAX_BODY_BYTES + 1]);
    let script = Script::new(vec![Reply::Answer(200, Vec::new(), huge.clone())]);
    let error = issue(&script.client(predictable())).await.unwrap_err();
    assert_eq!(script.count(), 1);
    match &error {
        Error::UnexpectedResponse {
            meta,
            snippet,
            reason,
            maybe_applied,
            ..
        } => {
            assert_eq!(meta.status, 200);
            assert_eq!(meta.request_id.as_deref(), Some("req-200"));
            assert!(snippet.len() <= 200);
            assert!(reason.contains("longer than"), "{reason}");
            assert!(maybe_applied);
        }
        other => panic!("{other:?}"),
    }

    // The same body on Capillary's 503 (its Retry-After) is still a refusal, and retried; on a
    // gateway's 503 it may have been applied.
    let capillary = vec![("retry-after", "0".to_string())];
    let script = Script::new(vec![Reply::Answer(503, capillary, huge.clone())]);
    let error = issue(&script.client(predictable())).await.unwrap_err();
    assert_eq!(script.count(), 4);
    assert!(!error.maybe_applied());
    let script = Script::new(vec![Reply::Answer(503, Vec::new(), huge)]);
    let error = issue(&script.client(predictable())).await.unwrap_err();
    assert_eq!(script.count(), 1);
    assert!(error.maybe_applied());
}

#[tokio::test(start_paused = true)]
async fn a_failure_while_fetching_a_token_never_claims_the_action_was_applied() {
    let calls = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = calls.clone();
    let client =
        Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(OAuth::new("key", "secret"))
            .request_timeout(Duration::from_secs(3))
            .retry_policy(RetryPolicy::default().max_attempts(2))
            .transport(from_fn(move |request: http::Request<Bytes>| {
                seen.lock().unwrap().push(request.uri().path().to_string());
                async move {
                    std::future::pending::<Result<http::Response<Bytes>, TransportError>>().await
                }
            }))
            .build()
            .unwrap();
    let error = issue(&client).await.unwrap_err();
    // The token endpoint failed, not the call: its error says so and has no API status.
    assert!(
        matches!(error, Error::TokenEndpoint { status: None, .. }),
        "{error:?}"
    );
    assert!(!error.maybe_applied());
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert!(error.to_string().contains("token"), "{error}");
    // Retried, because the action itself was never sent.
    assert_eq!(*calls.lock().unwrap(), vec!["/v3/oauth/token/generate"; 2]);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_deadline_returns_the_answer_at_once() {
    let started = Instant::now();
    let script = Script::new(vec![retry_after(503, "45"), issued()]);
    let policy = predictable()
        .max_retry_after(Duration::from_secs(60))
        .deadline(Duration::from_secs(30));
    let error = issue(&script.client(policy)).await.unwrap_err();
    assert_eq!(script.count(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(!error.maybe_applied());
}
