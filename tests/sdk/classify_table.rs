//! The classifier as a table, driven through the real engine: every status from 100 to 599
//! with every body shape on every endpoint, transport failures before and after sending, and
//! the token endpoint against the API. Each row's typed outcome must agree with
//! `Verdict::of_status` (and friends), which the README's Reliability table is checked against.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::{
    Client, CustomerId, CustomerRef, Error, ProgramId, PromotionId, PromotionRef, RetryPolicy,
    RevokeAction, RevokeCustomer, RevokeIdentifierKind, Source, TargetGroupId, TargetId, Verdict,
};

#[derive(Clone, Copy, Debug)]
enum Endpoint {
    Issue,
    Revoke,
    Enroll,
}

const ENDPOINTS: [Endpoint; 3] = [Endpoint::Issue, Endpoint::Revoke, Endpoint::Enroll];

/// The body shapes a server sends: its own documented success envelope, a bulk answer of
/// per-customer errors, nothing, and an HTML page.
fn bodies(endpoint: Endpoint) -> [(&'static str, &'static str); 4] {
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
        ("envelope", envelope),
        (
            "bulk items",
            r#"{"response":[{"errors":[{"code":8015,"message":"Customer not found"}]}],"totalCount":1,"failureCount":1}"#,
        ),
        ("empty", ""),
        ("html", "<html><body>Bad Gateway</body></html>"),
    ]
}

fn client(status: u16, body: &'static str, sent: Arc<AtomicUsize>) -> Client {
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "secret123"))
        .retry_policy(RetryPolicy::none())
        .transport(from_fn(move |_request: http::Request<Bytes>| {
            sent.fetch_add(1, Ordering::Relaxed);
            async move {
                Ok(http::Response::builder()
                    .status(status)
                    .header("X-Cap-Requestid", "req-t")
                    .body(Bytes::from_static(body.as_bytes()))
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
        Endpoint::Revoke => client
            .promotions()
            .revoke(
                RevokeAction::Earn,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
            )
            .customer(RevokeCustomer::new("423927867"))
            .send()
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
        for (shape, body) in bodies(endpoint) {
            for status in 100..=599u16 {
                let code = http::StatusCode::from_u16(status).unwrap();
                let verdict = Verdict::of_status(code);
                let sent = Arc::new(AtomicUsize::new(0));
                let result = call(endpoint, &client(status, body, sent.clone())).await;
                let row = format!("{endpoint:?} HTTP {status} {shape}: {result:?}");
                assert_eq!(sent.load(Ordering::Relaxed), 1, "{row}");
                match verdict {
                    Verdict::Success => match &result {
                        // Only the endpoint's own envelope is a result.
                        Ok(success) => {
                            assert!(shape == "envelope" || shape == "bulk items", "{row}");
                            assert_eq!(*success, shape == "envelope", "{row}");
                        }
                        Err(e) => {
                            assert_ne!(shape, "envelope", "{row}");
                            assert!(
                                matches!(e.verdict(), Verdict::MaybeApplied | Verdict::Refused),
                                "{row}"
                            );
                            if shape != "bulk items" {
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
    assert!(rows > 5_000, "{rows}");
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
