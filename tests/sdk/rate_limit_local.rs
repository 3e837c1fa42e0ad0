//! The client-side rate limit, on tokio's paused clock with a closure transport that notes
//! when each request reached the wire: spacing, bursts, clones, token requests, deadlines,
//! the pause after a 429 that every call honours, and the adaptive rate.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::rate_limit::{AdaptiveRateLimiter, RateLimit};
use capillary_sdk::transport::{from_fn, TransportErrorKind};
use capillary_sdk::{
    Client, ClientBuilder, CustomerRef, Error, IssueOutcome, ProgramId, PromotionId, RetryPolicy,
    Source, Verdict,
};
use tokio::time::Instant;

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

/// A scripted answer: a status and its `Retry-After`.
type Scripted = (u16, Option<&'static str>);

/// A server that answers the scripted statuses in turn (then 200 for ever) and notes the
/// path and instant of every request, relative to when it was made.
#[derive(Clone)]
struct Wire {
    start: Instant,
    script: Arc<Mutex<Vec<Scripted>>>,
    seen: Arc<Mutex<Vec<(String, Duration)>>>,
    /// The next token request is answered 429 with `Retry-After: 2`.
    token_429: Arc<std::sync::atomic::AtomicBool>,
}

impl Wire {
    fn new(script: Vec<Scripted>) -> Self {
        Self {
            start: Instant::now(),
            script: Arc::new(Mutex::new(script)),
            seen: Arc::default(),
            token_429: Arc::default(),
        }
    }

    fn builder(&self) -> ClientBuilder {
        let wire = self.clone();
        Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(Basic::new("till", "till-password"))
            .retry_policy(RetryPolicy::default().jitter(false))
            .transport(from_fn(move |request: http::Request<Bytes>| {
                let wire = wire.clone();
                async move {
                    let path = request.uri().path().to_string();
                    wire.seen
                        .lock()
                        .unwrap()
                        .push((path.clone(), wire.start.elapsed()));
                    if path == "/v3/oauth/token/generate" {
                        let limited = wire
                            .token_429
                            .swap(false, std::sync::atomic::Ordering::SeqCst);
                        if limited {
                            return Ok(http::Response::builder()
                                .status(429)
                                .header("retry-after", "2")
                                .body(Bytes::new())
                                .unwrap());
                        }
                        let body = r#"{"data":{"accessToken":"jwt-1","ttlSeconds":3600}}"#;
                        return Ok(http::Response::new(Bytes::from_static(body.as_bytes())));
                    }
                    let next = {
                        let mut script = wire.script.lock().unwrap();
                        (!script.is_empty()).then(|| script.remove(0))
                    };
                    let (status, retry_after) = next.unwrap_or((200, None));
                    let mut response = http::Response::builder().status(status);
                    if let Some(value) = retry_after {
                        response = response.header("retry-after", value);
                    }
                    // A 503 is Capillary's own (code 4001), refused before any work.
                    let body = match status {
                        200 => ISSUED,
                        503 => r#"{"errors":[{"code":4001,"message":"unavailable"}]}"#,
                        _ => "",
                    };
                    Ok(response.body(Bytes::from_static(body.as_bytes())).unwrap())
                }
            }))
    }

    /// The instants of the requests to `path`.
    fn at(&self, path: &str) -> Vec<Duration> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, at)| *at)
            .collect()
    }

    fn issues(&self) -> Vec<Duration> {
        self.at("/v2/promotion/issue")
    }
}

fn ms(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|&v| Duration::from_millis(v)).collect()
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

#[tokio::test(start_paused = true)]
async fn calls_are_spaced_at_the_rate_across_clones() {
    let wire = Wire::new(vec![]);
    let client = wire
        .builder()
        .rate_limit(RateLimit::per_second(2))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let clone = client.clone();
            tokio::spawn(async move { issue(&clone).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap().is_issued());
    }
    assert_eq!(wire.issues(), ms(&[0, 500, 1000, 1500]));
}

#[tokio::test(start_paused = true)]
async fn without_a_limit_nothing_waits() {
    let wire = Wire::new(vec![]);
    let client = wire.builder().build().unwrap();
    for _ in 0..3 {
        issue(&client).await.unwrap();
    }
    assert_eq!(wire.issues(), ms(&[0, 0, 0]));
}

#[tokio::test(start_paused = true)]
async fn a_burst_goes_at_once_then_the_rate_holds() {
    let wire = Wire::new(vec![]);
    let client = wire
        .builder()
        .rate_limit(RateLimit::per_minute(60).burst(3))
        .build()
        .unwrap();
    for _ in 0..5 {
        issue(&client).await.unwrap();
    }
    assert_eq!(wire.issues(), ms(&[0, 0, 0, 1000, 2000]));
}

#[tokio::test(start_paused = true)]
async fn retries_take_a_permit_too() {
    let wire = Wire::new(vec![(503, None)]);
    let client = wire
        .builder()
        .rate_limit(RateLimit::per_second(1))
        .retry_policy(
            RetryPolicy::default()
                .jitter(false)
                .initial_backoff(Duration::from_millis(100)),
        )
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    // The retry's own backoff was 100 ms; the limit made it wait the whole second.
    assert_eq!(wire.issues(), ms(&[0, 1000]));
}

#[tokio::test(start_paused = true)]
async fn the_token_request_takes_a_permit_before_the_call() {
    let wire = Wire::new(vec![]);
    let client = wire
        .builder()
        .auth(OAuth::new("key", "secret"))
        .rate_limit(RateLimit::per_second(1))
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    issue(&client).await.unwrap();
    assert_eq!(wire.at("/v3/oauth/token/generate"), ms(&[0]));
    assert_eq!(wire.issues(), ms(&[1000, 2000]));
}

#[tokio::test(start_paused = true)]
async fn no_permit_before_the_deadline_fails_at_once_as_not_sent() {
    let wire = Wire::new(vec![]);
    let client = wire
        .builder()
        .rate_limit(RateLimit::per_minute(1))
        .retry_policy(
            RetryPolicy::default()
                .jitter(false)
                .deadline(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    let started = Instant::now();
    let error = issue(&client).await.unwrap_err();
    // At once: neither waiting for a permit that comes too late nor retrying in vain.
    assert_eq!(started.elapsed(), Duration::ZERO);
    match &error {
        Error::Transport {
            kind: TransportErrorKind::Connect,
            maybe_applied: false,
            source,
        } => assert!(source.to_string().contains("rate limit"), "{source}"),
        other => panic!("{other:?}"),
    }
    assert_ne!(error.verdict(), Verdict::MaybeApplied);
    assert!(!error.maybe_applied());
    assert_eq!(wire.issues(), ms(&[0]), "the second call was never sent");
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_call_of_the_client_until_its_retry_after() {
    let wire = Wire::new(vec![(429, Some("3"))]);
    let client = wire.builder().build().unwrap();
    let first = {
        let client = client.clone();
        tokio::spawn(async move { issue(&client).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // A second call, on another clone, that never saw the 429.
    let second = issue(&client.clone()).await.unwrap();
    assert!(second.is_issued());
    assert!(first.await.unwrap().unwrap().is_issued());
    let seen = wire.issues();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0], Duration::ZERO);
    assert!(
        seen[1..].iter().all(|&at| at >= Duration::from_secs(3)),
        "{seen:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_503_pauses_only_with_a_retry_after() {
    let wire = Wire::new(vec![(503, None)]);
    let client = wire.builder().build().unwrap();
    let first = {
        let client = client.clone();
        tokio::spawn(async move { issue(&client).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    issue(&client).await.unwrap();
    first.await.unwrap().unwrap();
    assert_eq!(wire.issues()[1], Duration::from_millis(10));

    let wire = Wire::new(vec![(503, Some("2"))]);
    let client = wire.builder().build().unwrap();
    let first = {
        let client = client.clone();
        tokio::spawn(async move { issue(&client).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    issue(&client).await.unwrap();
    first.await.unwrap().unwrap();
    assert!(
        wire.issues()[1] >= Duration::from_secs(2),
        "{:?}",
        wire.issues()
    );
}

#[tokio::test(start_paused = true)]
async fn a_pause_past_the_deadline_fails_the_call_unsent() {
    let wire = Wire::new(vec![(429, Some("60"))]);
    let client = wire
        .builder()
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(5)))
        .build()
        .unwrap();
    let first = {
        let client = client.clone();
        tokio::spawn(async move { issue(&client).await })
    };
    tokio::time::sleep(Duration::from_millis(10)).await;
    let started = Instant::now();
    let error = issue(&client).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.maybe_applied());
    assert_eq!(wire.issues(), ms(&[0]));
    first.abort();
}

#[tokio::test(start_paused = true)]
async fn the_rate_halves_on_a_429_and_recovers_a_tenth_every_five_seconds() {
    let wire = Wire::new(vec![(429, Some("1"))]);
    let limiter = Arc::new(AdaptiveRateLimiter::new(RateLimit::per_second(10)).unwrap());
    let client = wire
        .builder()
        .rate_limiter(Arc::clone(&limiter))
        .build()
        .unwrap();
    assert_eq!(limiter.current_per_minute(), 600.0);
    // The 429, then its retry after 1 s, then three more at the halved rate (200 ms apart).
    for _ in 0..4 {
        issue(&client).await.unwrap();
    }
    assert_eq!(limiter.current_per_minute(), 300.0);
    let seen = wire.issues();
    assert_eq!(seen[..2], ms(&[0, 1000])[..], "{seen:?}");
    let gaps: Vec<_> = seen.windows(2).skip(1).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, ms(&[200, 200, 200]), "{seen:?}");

    // Five seconds after the pause ended, a tenth of the limit is back; then the rest.
    tokio::time::sleep_until(wire.start + Duration::from_secs(6)).await;
    assert_eq!(limiter.current_per_minute(), 360.0);
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert_eq!(limiter.current_per_minute(), 600.0);
    // The decreases do not stack for answers to requests already on their way.
    use capillary_sdk::rate_limit::RateLimiter as _;
    limiter.throttled(None);
    limiter.throttled(None);
    assert_eq!(limiter.current_per_minute(), 300.0);
    // Never below a tenth of the limit (long pauses: no recovery step in between).
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_secs(5)).await;
        limiter.throttled(Some(Duration::from_secs(60)));
    }
    assert_eq!(limiter.current_per_minute(), 60.0);
}

#[tokio::test(start_paused = true)]
async fn a_429_from_the_token_endpoint_pauses_the_client_too() {
    let wire = Wire::new(vec![]);
    wire.token_429
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let client = wire
        .builder()
        .auth(OAuth::new("key", "secret"))
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    let tokens = wire.at("/v3/oauth/token/generate");
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], Duration::ZERO);
    assert!(tokens[1] >= Duration::from_secs(2), "{tokens:?}");
    assert!(wire.issues()[0] >= Duration::from_secs(2));
}

#[test]
fn a_zero_rate_or_burst_is_refused_when_the_client_is_built() {
    for limit in [
        RateLimit::per_minute(0),
        RateLimit::per_second(0),
        RateLimit::per_second(5).burst(0),
    ] {
        let error = Wire::new(vec![])
            .builder()
            .rate_limit(limit)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{limit}: {error:?}");
    }
}
