//! An answer that echoes the request's credentials (a proxy's or gateway's error page that
//! lists the headers it got) never puts them in an error, its `Debug`, or the trace logs.

#[path = "../../support/common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use capillary_sdk::auth::{Auth, Basic, OAuth};
use capillary_sdk::retry::RetryPolicy;
use capillary_sdk::{Client, CustomerRef, Error, ProgramId, PromotionId, Source};
use common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

const TOKEN: &str = "eyJ-echoed-access-token";

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

/// The credential values the call carried: the Basic header and the OAuth token.
fn secrets() -> Vec<String> {
    let basic = basic_header();
    let encoded = basic.trim_start_matches("Basic ").to_string();
    vec![basic, encoded, TOKEN.to_string()]
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(
            !text.contains(&secret),
            "{what}: leaked {secret:?} in:\n{text}"
        );
    }
}

/// A server whose token endpoint works and whose API answers `page(request)`.
async fn echoing_server(page: fn(&Request) -> ResponseTemplate) -> wiremock::MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(answer(
            200,
            &json!({"data": {"accessToken": TOKEN, "ttlSeconds": 3600}, "errors": null})
                .to_string(),
            "tok",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(page)
        .mount(&server)
        .await;
    server
}

/// The request's headers, as a gateway's error page would list them.
fn headers_text(request: &Request) -> String {
    request
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn html_echo(request: &Request) -> ResponseTemplate {
    ResponseTemplate::new(502).set_body_raw(
        format!(
            "<html><pre>Bad gateway. You sent:\n{}</pre></html>",
            headers_text(request)
        ),
        "text/html",
    )
}

fn json_echo(request: &Request) -> ResponseTemplate {
    // The right envelope keys with values of the wrong type: the decoder's message would
    // quote them.
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let echoed = format!(
        "{}{}",
        header("authorization"),
        header("x-cap-api-oauth-token")
    );
    ResponseTemplate::new(200)
        .insert_header("X-Cap-Requestid", "echo-1")
        .set_body_raw(
            json!({"warnings": echoed, "errors": [], "sideEffects": []}).to_string(),
            "application/json",
        )
}

async fn call_and_capture(server: &wiremock::MockServer, auth: Arc<dyn Auth>) -> (Error, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = Client::builder()
        .base_url(server.uri())
        .auth(auth)
        .retry_policy(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();
    let error = client
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .unwrap_err();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    (error, logs)
}

fn auths() -> [(&'static str, Arc<dyn Auth>); 2] {
    [
        ("Basic", Arc::new(Basic::new("till", "secret123"))),
        ("OAuth", Arc::new(OAuth::new("key-1", "s3cret"))),
    ]
}

#[tokio::test]
async fn a_gateway_page_that_echoes_the_headers_is_not_kept() {
    for (name, auth) in auths() {
        let server = echoing_server(html_echo).await;
        let (error, logs) = call_and_capture(&server, auth).await;
        let Error::UnexpectedResponse { snippet, meta, .. } = &error else {
            panic!("{name}: {error:?}");
        };
        assert_eq!(meta.status.as_u16(), 502);
        assert!(snippet.contains("not kept"), "{name}: {snippet}");
        assert_clean(name, &format!("{error}\n{error:?}"));
        assert_clean(name, &logs);
        // The page did echo a credential: without the rule above the test would see it.
        let sent = server.received_requests().await.unwrap();
        let issue = sent
            .iter()
            .find(|r| r.url.path() == "/v2/promotion/issue")
            .unwrap();
        let page = headers_text(issue);
        assert!(
            secrets().iter().any(|s| page.contains(s.as_str())),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_decoder_message_never_quotes_an_echoed_credential() {
    for (name, auth) in auths() {
        let server = echoing_server(json_echo).await;
        let (error, logs) = call_and_capture(&server, auth).await;
        let Error::UnexpectedResponse { reason, .. } = &error else {
            panic!("{name}: {error:?}");
        };
        assert!(
            reason.contains("not the documented JSON envelope"),
            "{reason}"
        );
        assert_clean(name, &format!("{error}\n{error:?}"));
        assert_clean(name, &logs);
    }
}

#[tokio::test]
async fn an_ordinary_error_page_is_still_quoted() {
    let server = echoing_server(|_| {
        ResponseTemplate::new(502).set_body_raw("<html>upstream down</html>", "text/html")
    })
    .await;
    let (error, _) = call_and_capture(&server, Arc::new(Basic::new("till", "secret123"))).await;
    assert!(
        matches!(&error, Error::UnexpectedResponse { snippet, .. } if snippet == "<html>upstream down</html>"),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_sandbox_log_keeps_no_credential() {
    use capillary_sdk::sandbox::{self, demo, Sandbox};
    use capillary_sdk::transport::Transport as _;

    let sandbox = Sandbox::demo();
    for auth in [
        Arc::new(Basic::new(sandbox::USER, sandbox::PASSWORD)) as Arc<dyn Auth>,
        Arc::new(OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET)),
    ] {
        let client = sandbox.client_builder().auth(auth).build().unwrap();
        client
            .promotions()
            .issue(
                CustomerRef::mobile(demo::ANA_MOBILE),
                Source::Instore,
                demo::PROGRAM_ISSUE,
                demo::PROMOTION_ENROL,
            )
            .send()
            .await
            .unwrap();
    }
    // Another HTTP client's credentials, as the sandbox server may receive them.
    let request = http::Request::post("http://127.0.0.1/v2/promotion/issue")
        .header("proxy-authorization", "Basic cHJveHk6cHJveHktcGFzcw==")
        .header("cookie", "session=cookie-secret-value")
        .body(bytes::Bytes::new())
        .unwrap();
    sandbox.send(request).await.unwrap();

    let logged = format!("{:?}", sandbox.requests());
    let basic = {
        use base64::Engine as _;
        use md5::Digest as _;
        let md5: String = md5::Md5::digest(sandbox::PASSWORD.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{md5}", sandbox::USER))
    };
    let token = sandbox.requests()[2]
        .header("x-cap-api-oauth-token")
        .map(str::to_string);
    assert_eq!(token.as_deref(), Some("[redacted]"));
    // The token request's body holds the OAuth secret ("sandbox", too short to search for).
    assert_eq!(sandbox.requests()[1].path, "/v3/oauth/token/generate");
    assert!(sandbox.requests()[1].body.is_empty());
    for secret in [
        basic.as_str(),
        "cHJveHk6cHJveHktcGFzcw==",
        "cookie-secret-value",
    ] {
        assert!(!logged.contains(secret), "{secret:?} in {logged}");
    }
}
