//! Answers that may come from a gateway in front of Capillary, on the wire: a 503 is retried
//! only when it is Capillary's own (code 4001, or a `Retry-After`), since a load balancer's 503
//! may come after the backend acted; a 303 after a POST says the action was done. 429 and 521
//! are refused before any work whoever sends them: a rate limiter refuses before forwarding,
//! and Cloudflare's 521 says the origin refused the connection.

use std::time::Duration;

use capillary_sdk::{Error, RetryPolicy, Verdict};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{answer, issue, strict_server};

const ISSUE_PATH: &str = "/v2/promotion/issue";
const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;
const ENVOY: &str = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";

/// A server that answers the first POST with `first`, every later one as issued.
async fn server(first: ResponseTemplate) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(ISSUE_PATH))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ISSUE_PATH))
        .respond_with(answer(200, ISSUED, "req-ok"))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> capillary_sdk::Client {
    capillary_sdk::Client::builder()
        .base_url(server.uri())
        .auth(capillary_sdk::auth::Basic::new("till", "secret123"))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

async fn posts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn text(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-Cap-Requestid", "req-gw")
        .set_body_raw(body.as_bytes().to_vec(), "text/plain")
}

#[tokio::test]
async fn a_gateways_503_after_the_backend_acted_is_not_sent_again() {
    let server = server(text(503, ENVOY)).await;
    let error = issue(&client(&server)).await.unwrap_err();
    assert_eq!(posts(&server).await, 1, "a gateway's 503 is not re-sent");
    assert_eq!(error.verdict(), Verdict::MaybeApplied, "{error:?}");
    assert!(error.maybe_applied());
    assert!(!error.is_retryable());
    assert!(
        matches!(&error, Error::UnexpectedResponse { meta, .. } if meta.status == 503),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("req-gw"));
}

#[tokio::test]
async fn capillarys_503_is_retried() {
    let busy = r#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#;
    let with_retry_after = text(503, ENVOY).insert_header("Retry-After", "0");
    for first in [answer(503, busy, "req-busy"), with_retry_after] {
        let server = server(first).await;
        let outcome = issue(&client(&server)).await.unwrap();
        assert!(outcome.is_issued());
        assert_eq!(posts(&server).await, 2);
    }
}

#[tokio::test]
async fn a_303_after_a_post_may_have_been_applied() {
    let see_other = ResponseTemplate::new(303)
        .insert_header("Location", "/v2/promotion/issue/847")
        .insert_header("X-Cap-Requestid", "req-303");
    let server = server(see_other).await;
    let error = issue(&client(&server)).await.unwrap_err();
    assert_eq!(posts(&server).await, 1, "neither followed nor re-sent");
    assert_eq!(error.verdict(), Verdict::MaybeApplied, "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(303));

    // Any other redirect is a refusal: the action was not done.
    let redirect = ResponseTemplate::new(307).insert_header("Location", "/elsewhere");
    let elsewhere = self::server(redirect).await;
    let error = issue(&client(&elsewhere)).await.unwrap_err();
    assert_eq!(posts(&elsewhere).await, 1);
    assert_eq!(error.verdict(), Verdict::Refused, "{error:?}");
}

#[tokio::test]
async fn a_gateways_429_and_cloudflares_521_are_refusals_before_work() {
    let cloudflare = ResponseTemplate::new(521).set_body_raw(
        b"<html><h1>Web server is down</h1></html>".to_vec(),
        "text/html",
    );
    for first in [text(429, "rate limited"), cloudflare] {
        let server = server(first).await;
        let outcome = issue(&client(&server)).await.unwrap();
        assert!(outcome.is_issued());
        assert_eq!(posts(&server).await, 2);
    }
}
