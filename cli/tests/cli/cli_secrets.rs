//! The CLI at `RUST_LOG=trace` against a token endpoint that answers anything but a token:
//! neither the token it holds nor the client secret reaches stdout or stderr.

use crate::support::{bare, ISSUE};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-9c1f0e7d-leak-me-not";
const SECRET: &str = "sekret-client-4aa1";

#[tokio::test]
async fn a_broken_token_answer_never_reaches_the_cli_output() {
    for (status, body) in [
        (
            500,
            format!(r#"{{"data":{{"accessToken":"{TOKEN}","ttlSeconds":3600}}}}"#),
        ),
        (
            200,
            format!(r#"{{"data":{{"accessToken":"{TOKEN}","ttlSeconds":"3600"}}}}"#),
        ),
        (
            200,
            format!(r#"{{"data":{{"accessToken":"{TOKEN}","ttlSeconds":36.5}}}}"#),
        ),
        (
            502,
            format!("<html>upstream said {TOKEN} for secret {SECRET}</html>"),
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v3/oauth/token/generate"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"),
            )
            .mount(&server)
            .await;
        let output = bare()
            .env_remove("CAPILLARY_USERNAME")
            .env_remove("CAPILLARY_PASSWORD")
            .env("CAPILLARY_OAUTH_KEY", "key-1")
            .env("CAPILLARY_OAUTH_SECRET", SECRET)
            .env("RUST_LOG", "trace")
            .args(["--base-url", &server.uri()])
            .args(ISSUE)
            .output()
            .await
            .unwrap();
        let shown = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            output.status.code(),
            Some(3),
            "HTTP {status} {body}: {shown}"
        );
        assert!(shown.contains("token"), "the failure is named: {shown}");
        assert!(
            shown.contains("TRACE") || shown.contains("DEBUG"),
            "trace was on: {shown}"
        );
        for secret in [TOKEN, SECRET] {
            assert!(
                !shown.contains(secret),
                "HTTP {status}: {secret} in\n{shown}"
            );
        }
    }
}
