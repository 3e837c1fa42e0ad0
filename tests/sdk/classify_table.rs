//! The classifier as a table, driven through the real engine: every status from 100 to 599
//! with every body shape on every endpoint (Capillary's 503 and a gateway's among them),
//! transport failures before and after sending, the token endpoint against the API, and the
//! same answers to a read. Each row's typed outcome must agree with `Verdict::of_answer` (and
//! friends), which the README's Reliability table is checked against.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::AnswerSignals;
use capillary_sdk::{
    Client, CustomerId, CustomerRef, Error, ProgramId, PromotionId, RetryPolicy, RevokeCustomer,
    Source, TargetGroupId, TargetId, Verdict,
};

#[derive(Clone, Copy, Debug)]
enum Endpoint {
    Issue,
    Revoke,
    Enroll,
}

const ENDPOINTS: [Endpoint; 3] = [Endpoint::Issue, Endpoint::Revoke, Endpoint::Enroll];

/// One way a server answers: a body, and whether it comes with a `Retry-After`.
#[derive(Clone, Copy)]
struct Shape {
    name: &'static str,
    body: &'static str,
    retry_after: bool,
}

impl Shape {
    const fn new(name: &'static str, body: &'static str) -> Self {
        Self {
            name,
            body,
            retry_after: false,
        }
    }

    /// Whether the body lists errors (a refusal, whatever the status).
    fn lists_errors(&self) -> bool {
        self.body.contains("\"errors\":[{")
    }

    fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        if self.retry_after {
            headers.insert("retry-after", http::HeaderValue::from_static("1"));
        }
        headers
    }

    /// The verdict of this answer to a request sent with `method`.
    fn verdict(&self, method: &http::Method, status: http::StatusCode) -> Verdict {
        let signals =
            AnswerSignals::from_answer(method, status, &self.headers(), self.body.as_bytes());
        Verdict::of_answer(status, &signals)
    }
}

/// The body shapes a server sends: its own documented success envelope, a bulk answer of
/// per-customer errors, nothing, an HTML page, Capillary's 4001 envelope, a gateway's text,
/// and nothing with a `Retry-After`.
fn bodies(endpoint: Endpoint) -> [Shape; 7] {
    let envelope = match endpoint {
        Endpoint::Issue => {
            r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#
        }
        Endpoint::Revoke => {
            r#"{"response":[{"result":{"entityId":423927867,"revokedEarnIds":[957]},"errors":[]}],"totalCount":1,"failureCount":0}"#
        }
        Endpoint::Enroll => r#"{"data":345651201,"errors":null,"warnings":null}"#,
    };
    [
        Shape::new("envelope", envelope),
        Shape::new(
            "bulk items",
            r#"{"response":[{"errors":[{"code":8015,"message":"Customer not found"}]}],"totalCount":1,"failureCount":1}"#,
        ),
        Shape::new("empty", ""),
        Shape::new("html", "<html><body>Bad Gateway</body></html>"),
        Shape::new(
            "capillary 4001",
            r#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#,
        ),
        Shape::new(
            "envoy text",
            "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
        ),
        Shape {
            retry_after: true,
            ..Shape::new("retry-after", "")
        },
    ]
}

fn client(status: u16, shape: Shape, sent: Arc<AtomicUsize>) -> Client {
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "secret123"))
        .retry_policy(RetryPolicy::none())
        .transport(from_fn(move |_request: http::Request<Bytes>| {
            sent.fetch_add(1, Ordering::Relaxed);
            async move {
                let mut answer = http::Response::builder()
                    .status(status)
                    .header("X-Cap-Requestid", "req-t");
                if shape.retry_after {
                    answer = answer.header("Retry-After", "1");
                }
                Ok(answer
                    .body(Bytes::from_static(shape.body.as_bytes()))
                    .unwrap())
            }
        }))
        .build()
        .unwrap()
}

/// Sends one call; `Ok(true)` when the outcome reports success for the customer.
async fn call(endpoint: Endpoint, client: &Client) -> Result<bool, Error> {
    match endpoint {
        Endpoint::Issue => client
            .promotions()
            .issue(
                CustomerRef::mobile("18767431754"),
                Source::Instore,
                ProgramId(469),
                PromotionId(65777),
            )
            .send()
            .await
            .map(|o| o.is_issued()),
        Endpoint::Revoke => crate::bulk_common::revoke(client, [RevokeCustomer::new("423927867")])
            .await
            .map(|r| r.revoked() == 1),
        Endpoint::Enroll => client
            .targets()
            .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201))
            .send()
            .await
            .map(|_| true),
    }
}

#[tokio::test]
async fn every_status_with_every_body_on_every_endpoint() {
    let mut rows = 0;
    for endpoint in ENDPOINTS {
        for answer in bodies(endpoint) {
            let shape = answer.name;
            for status in 100..=599u16 {
                let code = http::StatusCode::from_u16(status).unwrap();
                let verdict = answer.verdict(&http::Method::POST, code);
                let sent = Arc::new(AtomicUsize::new(0));
                let result = call(endpoint, &client(status, answer, sent.clone())).await;
                let row = format!("{endpoint:?} HTTP {status} {shape}: {result:?}");
                assert_eq!(sent.load(Ordering::Relaxed), 1, "{row}");
                match verdict {
                    Verdict::Success => match &result {
                        // Only the endpoint's own envelope is a result.
                        Ok(success) => {
                            assert!(shape == "envelope" || answer.lists_errors(), "{row}");
                            assert_eq!(*success, shape == "envelope", "{row}");
                        }
                        Err(e) => {
                            assert_ne!(shape, "envelope", "{row}");
                            assert!(
                                matches!(e.verdict(), Verdict::MaybeApplied | Verdict::Refused),
                                "{row}"
                            );
                            if !answer.lists_errors() {
                                assert!(e.maybe_applied(), "an unreadable 2xx: {row}");
                            }
                        }
                    },
                    Verdict::Refused => match &result {
                        // A refusal may list per-customer errors; never a success.
                        Ok(success) => assert!(!success, "{row}"),
                        Err(e) => {
                            assert_eq!(e.status(), Some(code), "{row}");
                            // Even one that claims results: the status decides.
                            assert!(!e.maybe_applied(), "{row}");
                        }
                    },
                    Verdict::RetrySafe | Verdict::MaybeApplied | Verdict::CredentialsRejected => {
                        let e = result.as_ref().expect_err(&row);
                        assert_eq!(e.verdict(), verdict, "{row}");
                        assert_eq!(e.status(), Some(code), "{row}");
                        assert_eq!(e.maybe_applied(), verdict.maybe_applied(), "{row}");
                        assert_eq!(e.is_retryable(), verdict == Verdict::RetrySafe, "{row}");
                        assert_eq!(e.request_id(), Some("req-t"), "{row}");
                    }
                    other => panic!("a verdict the table does not know: {other:?}"),
                }
                rows += 1;
            }
        }
    }
    assert!(rows > 10_000, "{rows}");
}

/// Capillary's 503 is refused before any work; a gateway's may come after the backend acted.
#[test]
fn a_503_is_retry_safe_only_when_it_is_capillarys() {
    let post = http::Method::POST;
    let busy = http::StatusCode::SERVICE_UNAVAILABLE;
    for answer in bodies(Endpoint::Revoke) {
        let expected = match answer.name {
            "capillary 4001" | "retry-after" => Verdict::RetrySafe,
            _ => Verdict::MaybeApplied,
        };
        assert_eq!(answer.verdict(&post, busy), expected, "{}", answer.name);
    }
}

/// The same answers to a read: what may have been applied after a POST is safe to send again
/// after a GET, and no answer of a read is "maybe applied".
#[test]
fn reads_every_status_with_every_body() {
    let (get, post) = (http::Method::GET, http::Method::POST);
    let mut retry_safe_only_for_reads = 0;
    for answer in bodies(Endpoint::Revoke) {
        for status in 100..=599u16 {
            let code = http::StatusCode::from_u16(status).unwrap();
            let write = answer.verdict(&post, code);
            let read = answer.verdict(&get, code);
            let row = format!("HTTP {status} {}: POST {write}, GET {read}", answer.name);
            assert!(!read.maybe_applied(), "{row}");
            let expected = match (status, write) {
                // A 303 sends a write's caller to its result; a read's is a redirect not followed.
                (303, _) => Verdict::Refused,
                (_, Verdict::MaybeApplied) => Verdict::RetrySafe,
                (_, other) => other,
            };
            assert_eq!(read, expected, "{row}");
            if write.maybe_applied() && read == Verdict::RetrySafe {
                retry_safe_only_for_reads += 1;
            }
        }
    }
    // Every 5xx but 503 and 521 in seven shapes, and the gateway's 503 in five.
    assert_eq!(
        retry_safe_only_for_reads,
        7 * 98 + 5,
        "{retry_safe_only_for_reads}"
    );
}

#[tokio::test]
async fn transport_failures_before_and_after_sending() {
    use TransportErrorKind::*;
    for (kind, verdict) in [
        (Connect, Verdict::RetrySafe),
        (InvalidRequest, Verdict::Refused),
        (Timeout, Verdict::MaybeApplied),
        (AnswerLost, Verdict::MaybeApplied),
        (Other, Verdict::MaybeApplied),
    ] {
        assert_eq!(Verdict::of_transport(kind), verdict);
        for endpoint in ENDPOINTS {
            let client = Client::builder()
                .base_url("https://eu.api.capillarytech.com")
                .auth(Basic::new("till", "secret123"))
                .retry_policy(RetryPolicy::none())
                .transport(from_fn(move |_request: http::Request<Bytes>| async move {
                    Err::<http::Response<Bytes>, _>(TransportError::new(kind, "scripted"))
                }))
                .build()
                .unwrap();
            let e = call(endpoint, &client).await.unwrap_err();
            assert_eq!(e.verdict(), verdict, "{endpoint:?} {kind:?}");
            assert_eq!(e.maybe_applied(), verdict.maybe_applied());
            assert_eq!(e.status(), None);
        }
    }
}

#[tokio::test]
async fn the_token_endpoint_never_makes_the_call_maybe_applied() {
    for status in (200..=599u16).step_by(7).chain([401, 403, 429, 500, 503]) {
        let api = Arc::new(AtomicUsize::new(0));
        let seen = api.clone();
        let client = Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(OAuth::new("key", "secret"))
            .retry_policy(RetryPolicy::none())
            .transport(from_fn(move |request: http::Request<Bytes>| {
                let token = request.uri().path() == "/v3/oauth/token/generate";
                if !token {
                    seen.fetch_add(1, Ordering::Relaxed);
                }
                async move {
                    Ok(http::Response::builder()
                        .status(if token { status } else { 599 })
                        .body(Bytes::from_static(b"<html>no token here</html>"))
                        .unwrap())
                }
            }))
            .build()
            .unwrap();
        let e = call(Endpoint::Issue, &client).await.unwrap_err();
        let row = format!("token HTTP {status}: {e:?}");
        assert_eq!(api.load(Ordering::Relaxed), 0, "{row}");
        assert!(!e.maybe_applied(), "{row}");
        if !matches!(e, Error::Auth { .. }) {
            // Refused credentials keep the token endpoint's answer; a failing token endpoint
            // is never presented with an API status.
            assert_eq!(e.status(), None, "the API's status: {row}");
        }
        let transient = status >= 500 || status == 429;
        assert_eq!(e.is_retryable(), transient, "{row}");
    }
}
