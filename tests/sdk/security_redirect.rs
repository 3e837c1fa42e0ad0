//! A redirect is never followed, however the transport was built: a 307 would replay the call,
//! OAuth token header included, to a place the caller did not choose (reqwest strips only
//! `Authorization` and `Cookie` on a change of origin).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use capillary_sdk::auth::OAuth;
use capillary_sdk::transport::{ReqwestTransport, Transport};
use capillary_sdk::{Client, CustomerRef, Error, ProgramId, PromotionId, Source};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TOKEN: &str = "eyJ-redirected-token";

/// A second loopback server that records whatever reaches it.
async fn recorder() -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await
            {
                record.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await;
        }
    });
    (url, seen)
}

async fn redirect_once(transport: Option<Box<dyn FnOnce() -> ReqwestTransport>>, how: &str) {
    let (elsewhere, seen) = recorder().await;
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(answer(
            200,
            &json!({"data": {"accessToken": TOKEN, "ttlSeconds": 3600}, "errors": null})
                .to_string(),
            "tok-1",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header(
                    "Location",
                    format!("{elsewhere}/v2/promotion/issue").as_str(),
                )
                .insert_header("X-Cap-Requestid", "req-307"),
        )
        .mount(&server)
        .await;
    let mut builder = Client::builder()
        .base_url(server.uri())
        .auth(OAuth::new("key", "s3cret"));
    if let Some(make) = transport {
        builder = builder.transport(make());
    }
    let client = builder.build().unwrap();
    let result = client
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await;
    // Nothing reached the other port.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let seen = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert!(
        !seen.contains(TOKEN),
        "{how}: the token was replayed: {seen}"
    );
    assert_eq!(seen, "", "{how}: the redirect was followed");
    let err = result.expect_err(how);
    assert!(
        matches!(&err, Error::UnexpectedResponse { meta, .. } if meta.status.as_u16() == 307),
        "{how}: {err:?}"
    );
    // The call did carry the token, to the server chosen.
    let sent = server.received_requests().await.unwrap();
    let issue = sent
        .iter()
        .find(|r| r.url.path() == "/v2/promotion/issue")
        .expect("the issue call");
    assert_eq!(
        issue.headers.get("x-cap-api-oauth-token").unwrap(),
        TOKEN,
        "{how}"
    );
}

#[tokio::test]
async fn a_307_is_not_followed_by_the_default_transport() {
    redirect_once(None, "default transport").await;
}

#[tokio::test]
async fn a_307_is_not_followed_by_a_transport_from_new() {
    redirect_once(
        Some(Box::new(|| {
            ReqwestTransport::new(Duration::from_secs(2)).unwrap()
        })),
        "ReqwestTransport::new",
    )
    .await;
}

#[tokio::test]
async fn a_307_is_not_followed_by_a_built_transport() {
    redirect_once(
        Some(Box::new(|| {
            ReqwestTransport::builder()
                .connect_timeout(Duration::from_secs(2))
                .pool_max_idle_per_host(2)
                .pool_idle_timeout(Some(Duration::from_secs(5)))
                .no_proxy()
                .build()
                .unwrap()
        })),
        "ReqwestTransport::builder()",
    )
    .await;
}

#[tokio::test]
async fn a_307_is_not_followed_even_when_configure_asks_for_it() {
    redirect_once(
        Some(Box::new(|| {
            ReqwestTransport::builder()
                .configure(|b| b.redirect(reqwest::redirect::Policy::limited(10)))
                .build()
                .unwrap()
        })),
        "configure(redirect(limited(10)))",
    )
    .await;
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_not_sent_and_not_retryable() {
    let transport = ReqwestTransport::builder().build().unwrap();
    // A relative URI: the HTTP library cannot send it anywhere.
    let request = http::Request::post("/v2/promotion/issue")
        .body(bytes::Bytes::new())
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(
        err.kind(),
        capillary_sdk::transport::TransportErrorKind::InvalidRequest,
        "{err:?}"
    );
    assert_eq!(
        capillary_sdk::Verdict::of_transport(err.kind()),
        capillary_sdk::Verdict::Refused
    );
}
