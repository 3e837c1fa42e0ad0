//! `capillary --rate-limit`: the flag reaches the client (the retry of a 503 waits for the
//! next permit) and a malformed rate is refused before anything is sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{self, till, ISSUE};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

/// Capillary's 503 to the first request, then issued; notes when each arrived.
#[derive(Clone, Default)]
struct FirstUnavailable(Arc<Mutex<Vec<Instant>>>);

impl Respond for FirstUnavailable {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.0.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 1 {
            // Capillary's own 503 (code 4001): refused before any work, so retried.
            ResponseTemplate::new(503)
                .set_body_string(r#"{"errors":[{"code":4001,"message":"unavailable"}]}"#)
        } else {
            ResponseTemplate::new(200).set_body_string(ISSUED)
        }
    }
}

async fn run(server: &MockServer, flags: &[&str], env: Option<&str>) -> (i32, String) {
    let mut cmd = till();
    cmd.args(["--base-url", &server.uri()])
        .args(flags)
        .args(ISSUE);
    if let Some(rate) = env {
        cmd.env("CAPILLARY_RATE_LIMIT", rate);
    }
    let run = tokio::time::timeout(Duration::from_secs(30), support::run(cmd))
        .await
        .unwrap();
    (run.code, run.stderr)
}

async fn gap(flags: &[&str], env: Option<&str>) -> Duration {
    let server = MockServer::start().await;
    let responder = FirstUnavailable::default();
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(responder.clone())
        .mount(&server)
        .await;
    let (code, stderr) = run(&server, flags, env).await;
    assert_eq!(code, 0, "{stderr}");
    let seen = responder.0.lock().unwrap();
    assert_eq!(seen.len(), 2);
    seen[1] - seen[0]
}

#[tokio::test]
async fn the_retry_waits_for_the_next_permit() {
    // The retry's own backoff is well under a second; at 60/min it waits the second out.
    let limited = gap(&["--rate-limit", "60/min"], None).await;
    assert!(limited >= Duration::from_millis(950), "{limited:?}");
    let from_env = gap(&[], Some("1/s")).await;
    assert!(from_env >= Duration::from_millis(950), "{from_env:?}");
    let unlimited = gap(&[], None).await;
    assert!(unlimited < Duration::from_millis(900), "{unlimited:?}");
}

#[tokio::test]
async fn a_malformed_rate_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    for rate in ["100/h", "0/min", "fast"] {
        let (code, stderr) = run(&server, &["--rate-limit", rate], None).await;
        assert_eq!(code, 2, "{rate}: {stderr}");
        assert!(stderr.contains("--rate-limit"), "{rate}: {stderr}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
