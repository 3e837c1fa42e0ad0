//! What each answer of the token endpoint becomes, and that none of it keeps the body: no
//! token or secret in `Display`, `Debug` or trace logs, whatever the token endpoint answers.

use std::error::Error as _;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use capillary_sdk::auth::OAuth;
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::{
    Client, CustomerRef, Error, ErrorCode, ProgramId, PromotionId, RetryPolicy, Source,
};

const TOKEN: &str = "eyJ-token-from-a-broken-answer";
const SECRET: &str = "s3cr3t-OAUTH-key";
const NUMERIC_TOKEN: &str = "987654321987654321";

/// What the token endpoint answers: status, content type, body; `None` for no answer.
type Answer = Option<(u16, &'static str, String)>;

fn client(answer: Answer) -> Client {
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let answer = answer.clone();
        async move {
            assert_eq!(
                request.uri().path(),
                "/v3/oauth/token/generate",
                "no API call"
            );
            let Some((status, content_type, body)) = answer else {
                return Err(TransportError::new(
                    TransportErrorKind::Connect,
                    "connection refused",
                ));
            };
            Ok(http::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .header("X-Cap-Requestid", "req-token")
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(OAuth::new("key-1", SECRET))
        .transport(transport)
        .build()
        .unwrap()
}

async fn call(answer: Answer) -> Error {
    client(answer)
        .promotions()
        .issue(
            CustomerRef::mobile("1"),
            Source::Instore,
            ProgramId(1),
            PromotionId(2),
        )
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .unwrap_err()
}

fn json(status: u16, body: &str) -> Answer {
    Some((status, "application/json", body.to_string()))
}

fn token_with(access_token: &str, ttl: &str) -> String {
    format!(r#"{{"data":{{"accessToken":{access_token},"ttlSeconds":{ttl}}},"errors":null}}"#)
}

/// Every way the error can be shown, its sources included.
fn every_rendering(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n{error:#?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    text
}

fn assert_clean(text: &str) {
    for secret in [TOKEN, SECRET, NUMERIC_TOKEN] {
        assert!(!text.contains(secret), "leaked {secret:?} in:\n{text}");
    }
}

/// Answers that are not a token: status expected, and the reason in words.
fn broken_answers() -> Vec<(&'static str, Answer, Option<u16>, &'static str)> {
    let token = format!("{TOKEN:?}");
    let huge = token_with(&token, "300").repeat(20_000);
    vec![
        (
            "500 holding a token",
            json(500, &token_with(&token, "300")),
            Some(500),
            "the token endpoint failed",
        ),
        (
            "502 HTML",
            Some((502, "text/html", format!("<html>{TOKEN}</html>"))),
            Some(502),
            "the token endpoint failed",
        ),
        (
            "429",
            json(429, &token_with(&token, "300")),
            Some(429),
            "the token endpoint asks for fewer requests",
        ),
        (
            "503 listing errors",
            json(503, r#"{"errors":[{"code":4001,"message":"later"}]}"#),
            Some(503),
            "the token endpoint failed (error codes 4001)",
        ),
        (
            "ttl as a string",
            json(200, &token_with(&token, "\"300\"")),
            Some(200),
            "data.ttlSeconds is a string, expected a whole number of seconds",
        ),
        (
            "ttl as a float",
            json(200, &token_with(&token, "299.5")),
            Some(200),
            "data.ttlSeconds is a fractional number, expected a whole number of seconds",
        ),
        (
            "ttl negative",
            json(200, &token_with(&token, "-1")),
            Some(200),
            "data.ttlSeconds is negative",
        ),
        (
            "ttl missing",
            json(200, &format!(r#"{{"data":{{"accessToken":{token}}}}}"#)),
            Some(200),
            "data.ttlSeconds is missing",
        ),
        (
            "token as a number",
            json(200, &token_with(NUMERIC_TOKEN, "300")),
            Some(200),
            "data.accessToken is a number, expected a string",
        ),
        (
            "token missing",
            json(200, r#"{"data":{"ttlSeconds":300}}"#),
            Some(200),
            "data.accessToken is missing",
        ),
        (
            "token not a header value",
            json(200, &token_with(&format!("\"{TOKEN}\\n\""), "300")),
            Some(200),
            "data.accessToken is not a valid header value",
        ),
        (
            "data missing",
            json(200, r#"{"data":null,"errors":null}"#),
            Some(200),
            "data is missing",
        ),
        (
            "data a string",
            json(200, &format!(r#"{{"data":{token}}}"#)),
            Some(200),
            "data is a string, expected an object",
        ),
        (
            "a huge body",
            json(200, &huge),
            Some(200),
            "far larger than a token answer",
        ),
        (
            "HTML 200",
            Some((200, "text/html; charset=utf-8", format!("<p>{TOKEN}</p>"))),
            Some(200),
            "the body is HTML, not JSON",
        ),
        (
            "truncated JSON",
            json(200, &format!(r#"{{"data":{{"accessToken":{token},"#)),
            Some(200),
            "the body is not JSON",
        ),
        (
            "a JSON string",
            json(200, &token),
            Some(200),
            "the body is a string, expected an object",
        ),
        ("empty 200", json(200, ""), Some(200), "the body is empty"),
        (
            "404",
            json(404, &token_with(&token, "300")),
            Some(404),
            "the answer is not a token",
        ),
        (
            "no answer",
            None,
            None,
            "could not connect to the token endpoint",
        ),
    ]
}

#[tokio::test]
async fn a_token_endpoint_that_gives_no_token_is_a_token_endpoint_error_in_words() {
    for (name, answer, expected_status, expected_reason) in broken_answers() {
        let error = call(answer).await;
        match &error {
            Error::TokenEndpoint {
                status,
                request_id,
                reason,
                source,
            } => {
                assert_eq!(status.map(|s| s.as_u16()), expected_status, "{name}");
                assert!(reason.contains(expected_reason), "{name}: {reason}");
                assert!(!reason.contains("HTTP"), "{name}: the status is shown once");
                if let Some(expected_status) = expected_status {
                    assert_eq!(request_id.as_deref(), Some("req-token"), "{name}");
                    let shown = format!("(token endpoint: HTTP {expected_status}): ");
                    assert!(error.to_string().contains(&shown), "{name}: {error}");
                    assert!(source.is_none(), "{name}");
                } else {
                    let source = source.as_ref().expect("the transport failure");
                    assert_eq!(source.kind(), TransportErrorKind::Connect, "{name}");
                }
            }
            other => panic!("{name}: expected TokenEndpoint, got {other:?}"),
        }
        assert!(
            !error.maybe_applied(),
            "{name}: nothing of the call was sent"
        );
        assert_clean(&every_rendering(&error));
    }
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error() {
    let listed =
        r#"{"data":null,"errors":[{"code":320001,"message":"Invalid client key and secret"}]}"#;
    let cases = [
        ("401", json(401, ""), 401, vec![]),
        (
            "403 HTML",
            Some((403, "text/html", "<h1>no</h1>".into())),
            403,
            vec![],
        ),
        (
            "401 listing 320001",
            json(401, listed),
            401,
            vec![ErrorCode::InvalidClientCredentials],
        ),
        (
            "200 listing 320001",
            json(200, listed),
            200,
            vec![ErrorCode::InvalidClientCredentials],
        ),
        (
            "400 listing 320001",
            json(400, listed),
            400,
            vec![ErrorCode::InvalidClientCredentials],
        ),
    ];
    for (name, answer, status, codes) in cases {
        let error = call(answer).await;
        assert!(matches!(error, Error::Auth { .. }), "{name}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{name}");
        assert_eq!(error.request_id(), Some("req-token"), "{name}");
        assert_eq!(error.codes(), codes, "{name}");
        assert!(
            error
                .to_string()
                .contains("refused the client key and secret"),
            "{name}"
        );
        assert_clean(&every_rendering(&error));
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One process-wide subscriber: a thread-local one misses events whose callsites another test
/// thread registered first, and every test of this binary may as well be checked for leaks.
fn captured_logs() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            captured
        })
        .clone()
}

#[tokio::test(flavor = "current_thread")]
async fn trace_logs_of_broken_token_answers_hold_no_token_or_secret() {
    let captured = captured_logs();
    for (_, answer, _, _) in broken_answers() {
        let error = call(answer).await;
        tracing::error!(error = %error, debug = ?error, "the caller logs the error");
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_clean(&logs);
    assert!(
        logs.contains("oauth token answer"),
        "the token answers were logged:\n{logs}"
    );
    assert!(
        logs.contains("no oauth token") && logs.contains("the token endpoint failed"),
        "the failures were logged in words:\n{logs}"
    );
}
