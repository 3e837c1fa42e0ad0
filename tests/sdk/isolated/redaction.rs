//! No password, secret, token or Authorization header in Debug output or in logs.

#[path = "../../support/common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use capillary_sdk::auth::{Auth, Basic, OAuth};
use capillary_sdk::{Client, CustomerRef, ProgramId, PromotionId, Source};
use common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::Mock;

const PASSWORD: &str = "pa55-w0rd-PLAIN";
const SECRET: &str = "s3cr3t-OAUTH";
const TOKEN: &str = "eyJ-the-access-token";

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

fn forbidden() -> Vec<String> {
    use base64::Engine as _;
    use md5::Digest as _;
    let md5: String = md5::Md5::digest(PASSWORD.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let header = base64::engine::general_purpose::STANDARD.encode(format!("till:{md5}"));
    vec![PASSWORD.into(), SECRET.into(), TOKEN.into(), md5, header]
}

fn assert_clean(text: &str) {
    for secret in forbidden() {
        assert!(!text.contains(&secret), "leaked {secret:?} in:\n{text}");
    }
}

#[test]
fn debug_output_redacts_credentials() {
    let basic = Basic::new("till", PASSWORD);
    let oauth = OAuth::new("key-1", SECRET);
    let text = format!("{basic:?} {oauth:?}");
    assert_clean(&text);
    assert!(
        text.contains("till") && text.contains("key-1"),
        "identities stay visible: {text}"
    );
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(oauth)
        .build()
        .unwrap();
    assert_clean(&format!("{client:?}"));
    assert_clean(&format!("{:?}", Client::builder().auth(basic)));
}

#[tokio::test]
async fn trace_logs_of_a_whole_call_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(answer(
            200,
            &json!({"data":{"accessToken": TOKEN, "ttlSeconds": 300}}).to_string(),
            "t",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(answer(498, "", "expired"))
        .mount(&server)
        .await;
    let auths: [Arc<dyn Auth>; 2] = [
        Arc::new(OAuth::new("key-1", SECRET)),
        Arc::new(Basic::new("till", PASSWORD)),
    ];
    for auth in auths {
        let client = Client::builder()
            .base_url(server.uri())
            .auth(auth)
            .build()
            .unwrap();
        let error = client
            .promotions()
            .issue(
                CustomerRef::mobile("1"),
                Source::Instore,
                ProgramId(1),
                PromotionId(2),
            )
            .send()
            .await
            .unwrap_err();
        assert_clean(&format!("{error:?} {error}"));
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("capillary.call"),
        "the call span was logged:\n{logs}"
    );
    assert_clean(&logs);
}

/// A transport that logs the headers it is given (as some do) shows no credential: both
/// credential headers are marked sensitive. And `Debug` of an `OAuth` holding a cached token
/// does not show it.
#[tokio::test]
async fn credential_headers_are_sensitive_for_transports_that_print_them() {
    let printed = Arc::new(Mutex::new(String::new()));
    let transport = {
        let printed = printed.clone();
        capillary_sdk::transport::from_fn(move |request: http::Request<bytes::Bytes>| {
            let printed = printed.clone();
            async move {
                let body = if request.uri().path() == "/v3/oauth/token/generate" {
                    json!({"data": {"accessToken": TOKEN, "ttlSeconds": 300}}).to_string()
                } else {
                    let headers = request.headers();
                    printed
                        .lock()
                        .unwrap()
                        .push_str(&format!("{headers:?} {headers:#?}\n"));
                    assert!(
                        headers.contains_key("x-cap-api-oauth-token")
                            || headers.contains_key("authorization"),
                        "credentials were sent"
                    );
                    r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":1,"issualId":3,"promotionId":2}]}"#.to_string()
                };
                Ok(http::Response::builder()
                    .status(200)
                    .body(bytes::Bytes::from(body))
                    .unwrap())
            }
        })
    };
    let transport = Arc::new(transport);
    let oauth = OAuth::new("key-1", SECRET);
    let auths: [Arc<dyn Auth>; 2] = [
        Arc::new(oauth.clone()),
        Arc::new(Basic::new("till", PASSWORD)),
    ];
    for auth in auths {
        let client = Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .auth(auth)
            .transport(transport.clone())
            .build()
            .unwrap();
        let outcome = client
            .promotions()
            .issue(
                CustomerRef::mobile("1"),
                Source::Instore,
                ProgramId(1),
                PromotionId(2),
            )
            .send()
            .await
            .unwrap();
        assert!(outcome.is_issued());
        assert_clean(&format!("{client:?} {client:#?}"));
    }
    assert_eq!(oauth.token_requests(), 1);
    assert_clean(&format!("{oauth:?} {oauth:#?}"));
    let printed = printed.lock().unwrap().clone();
    assert!(printed.contains("Sensitive"), "{printed}");
    assert_clean(&printed);
}
