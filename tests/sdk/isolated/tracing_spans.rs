//! What a call writes to tracing: one span per call, one child span per attempt with its
//! fields and retry decision, one warn line per retry, and never a secret, header value or
//! body.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::{from_fn, TransportError};
use capillary_sdk::{
    Client, CustomerId, CustomerRef, ProgramId, PromotionId, RetryPolicy, Source, TargetGroupId,
    TargetId,
};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;

const SECRET: &str = "oauth-secret-value";
const TOKEN: &str = "token-value-eyJhbGciOi";
const PASSWORD: &str = "basic-password-value";
const MOBILE: &str = "18767431754";
const BODY_MARKER: &str = "server-body-marker";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

fn subscriber(capture: &Capture) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish()
}

/// Answers the token endpoint with a token, then the issue call 503, 401, 200 in turn.
fn transport() -> impl capillary_sdk::transport::Transport {
    let issue_calls = Arc::new(Mutex::new(0u32));
    from_fn(move |request: http::Request<Bytes>| {
        let issue_calls = issue_calls.clone();
        async move {
            let reply = |status: u16, id: &str, body: String| {
                Ok::<_, TransportError>(
                    http::Response::builder()
                        .status(status)
                        .header("X-Cap-Requestid", id)
                        .header("Set-Cookie", format!("session={BODY_MARKER}"))
                        .body(Bytes::from(body))
                        .unwrap(),
                )
            };
            if request.uri().path() == "/v3/oauth/token/generate" {
                return reply(
                    200,
                    "req-token",
                    format!(
                        r#"{{"data":{{"accessToken":"{TOKEN}","ttlSeconds":300}},"errors":null}}"#
                    ),
                );
            }
            let n = {
                let mut calls = issue_calls.lock().unwrap();
                *calls += 1;
                *calls
            };
            match n {
                1 => reply(
                    503,
                    "req-1",
                    format!(r#"{{"errors":[{{"code":4001,"message":"{BODY_MARKER}"}}]}}"#),
                ),
                2 => reply(401, "req-2", BODY_MARKER.to_string()),
                _ => reply(
                    200,
                    "req-3",
                    format!(
                        r#"{{"warnings":[],"errors":[],"sideEffects":[{{"issualId":847,"type":"{BODY_MARKER}"}}]}}"#
                    ),
                ),
            }
        }
    })
}

fn lines_with<'a>(text: &'a str, needles: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|l| needles.iter().all(|n| l.contains(n)))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn spans_carry_the_attempts_and_no_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(subscriber(&capture));
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(OAuth::new("visible-key", SECRET))
        .transport(transport())
        .retry_policy(
            RetryPolicy::default()
                .jitter(false)
                .initial_backoff(Duration::from_millis(250)),
        )
        .build()
        .unwrap();
    let outcome = client
        .promotions()
        .issue(
            CustomerRef::mobile(MOBILE),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .unwrap();
    assert!(outcome.is_issued());
    let text = capture.text();

    // One span per attempt, closed with its fields, inside the call's span.
    let attempts = lines_with(&text, &["capillary.attempt{", "close"]);
    assert_eq!(attempts.len(), 3, "{text}");
    let expected = [
        [
            "attempt=1",
            "status=503",
            "request_id=\"req-1\"",
            "decision=\"retry in 250ms\"",
        ],
        [
            "attempt=2",
            "status=401",
            "request_id=\"req-2\"",
            "decision=\"replay with renewed credentials\"",
        ],
        [
            "attempt=3",
            "status=200",
            "request_id=\"req-3\"",
            "decision=\"done\"",
        ],
    ];
    for (line, fields) in attempts.iter().zip(expected) {
        assert!(line.contains("capillary.call{"), "{line}");
        assert!(line.contains("operation=\"promotions.issue\""), "{line}");
        assert!(
            line.contains("method=POST path=/v2/promotion/issue"),
            "{line}"
        );
        for field in fields {
            assert!(line.contains(field), "{field} missing in {line}");
        }
    }
    let calls = lines_with(&text, &["capillary.call{", "close"]);
    let call_closes: Vec<_> = calls
        .iter()
        .filter(|l| !l.contains("capillary.attempt{"))
        .collect();
    assert_eq!(call_closes.len(), 1, "{text}");
    for field in [
        "path=/v2/promotion/issue",
        "attempts=3",
        // OpenTelemetry's semantic conventions, beside our own names.
        "http.request.method=POST",
        "url.path=\"/v2/promotion/issue\"",
        "server.address=\"eu.api.capillarytech.com\"",
        "http.request.resend_count=2",
    ] {
        assert!(
            call_closes[0].contains(field),
            "{field}: {}",
            call_closes[0]
        );
    }

    // Exactly one warn line, for the one retry (the token replay is not a failure).
    let warns = lines_with(&text, &["WARN"]);
    assert_eq!(warns.len(), 1, "{text}");
    assert!(warns[0].contains("capillary_sdk::retry"), "{}", warns[0]);
    assert!(warns[0].contains("capillary.attempt{"), "{}", warns[0]);
    assert!(
        warns[0].contains(
            "promotions.issue: attempt 1 of 4 failed (HTTP 503, request id req-1, code 4001); retrying in 250ms"
        ),
        "{}",
        warns[0]
    );

    for secret in [
        SECRET,
        TOKEN,
        MOBILE,
        BODY_MARKER,
        "programId",
        "x-cap-api-oauth-token",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
    }
}

#[tokio::test(start_paused = true)]
async fn basic_credentials_never_reach_the_log() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(subscriber(&capture));
    let auth = Basic::new("till-user", PASSWORD);
    let header = Arc::new(Mutex::new(None));
    let sent = header.clone();
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(auth)
        .transport(from_fn(move |request: http::Request<Bytes>| {
            *sent.lock().unwrap() = request.headers().get("authorization").cloned();
            async move {
                Ok(http::Response::builder()
                    .status(500)
                    .body(Bytes::from_static(b"<html>oops</html>"))
                    .unwrap())
            }
        }))
        .build()
        .unwrap();
    tracing::info!(client = ?client, "configured");
    let error = client
        .promotions()
        .issue(
            CustomerRef::mobile(MOBILE),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.maybe_applied());
    tracing::error!(error = %error, "call failed");
    let text = capture.text();
    let header = header.lock().unwrap().clone().unwrap();
    let header = header.to_str().unwrap();
    let encoded = header.trim_start_matches("Basic ");
    for secret in [PASSWORD, header, encoded] {
        assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
    }
    assert!(
        lines_with(
            &text,
            &[
                "capillary.attempt{",
                "decision=\"give up: may have been applied, not replayed\""
            ]
        )
        .len()
            == 1,
        "{text}"
    );
    assert!(lines_with(&text, &["WARN"]).is_empty(), "{text}");
}

/// A call that fails: the call span says how (`error.type`) and with which status, and its
/// `url.path` is the template, never the ids of the customer or the target.
#[tokio::test(start_paused = true)]
async fn a_failing_call_names_its_error_and_status_in_opentelemetry_fields() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(subscriber(&capture));
    let transport = from_fn(|request: http::Request<Bytes>| async move {
        assert_eq!(
            request.uri().path(),
            "/v3.1/targetGroups/7/targets/12/enroll"
        );
        Ok::<_, TransportError>(
            http::Response::builder()
                .status(400)
                .header("X-Cap-Requestid", "req-refused")
                .body(Bytes::from_static(
                    br#"{"errors":[{"code":8015,"message":"not eligible"}]}"#,
                ))
                .unwrap(),
        )
    });
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", PASSWORD))
        .transport(transport)
        .build()
        .unwrap();
    let error = client
        .targets()
        .enroll_streak(TargetGroupId(7), TargetId(12), CustomerId(345651201))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error:?}");
    let text = capture.text();

    let attempts = lines_with(&text, &["capillary.attempt{", "close"]);
    assert_eq!(attempts.len(), 1, "{text}");
    for field in [
        "http.response.status_code=400",
        "http.request.resend_count=0",
        "error.type=\"api\"",
    ] {
        assert!(attempts[0].contains(field), "{field}: {}", attempts[0]);
    }
    let call_close = lines_with(&text, &["capillary.call{", "close"])
        .into_iter()
        .find(|l| !l.contains("capillary.attempt{"))
        .unwrap_or_else(|| panic!("no call span closed in {text}"));
    for field in [
        "http.request.method=POST",
        "url.path=\"/v3.1/targetGroups/{group}/targets/{target}/enroll\"",
        "server.address=\"eu.api.capillarytech.com\"",
        "http.response.status_code=400",
        "error.type=\"api\"",
    ] {
        assert!(call_close.contains(field), "{field}: {call_close}");
    }
    // One attempt: nothing was sent again.
    assert!(
        !call_close.contains("http.request.resend_count"),
        "{call_close}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}
