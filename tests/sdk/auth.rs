//! Auth on the wire: Basic's MD5 form, OAuth token fetch, cache, single flight, 401/498 replay.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::from_fn;
use capillary_sdk::{Client, Error, ErrorCode};
use serde_json::json;
use wiremock::matchers::{body_json as body_is, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#;
const TOKEN_PATH: &str = "/v3/oauth/token/generate";

fn token_answer(token: &str, ttl: u64) -> ResponseTemplate {
    answer(
        200,
        &json!({"data": {"accessToken": token, "ttlSeconds": ttl}, "errors": null}).to_string(),
        "req-token",
    )
}

fn oauth_client(server: &MockServer, auth: OAuth) -> Client {
    Client::builder()
        .base_url(server.uri())
        .auth(auth)
        .build()
        .unwrap()
}

#[tokio::test]
async fn basic_sends_the_md5_form() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(header(
            "authorization",
            "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3",
        ))
        .respond_with(answer(200, ISSUED, "r"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("store.server", "server123"))
        .build()
        .unwrap();
    assert!(issue(&client).await.unwrap().is_issued());
}

#[tokio::test]
async fn oauth_fetches_one_token_and_reuses_it() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_is(json!({"key": "k1", "secret": "s1"})))
        .respond_with(token_answer("jwt-1", 300))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", "jwt-1"))
        .respond_with(answer(200, ISSUED, "r"))
        .expect(3)
        .mount(&server)
        .await;
    let auth = OAuth::new("k1", "s1");
    let client = oauth_client(&server, auth.clone());
    for _ in 0..3 {
        issue(&client).await.unwrap();
    }
    assert_eq!(auth.token_requests(), 1);
    let requests = server.received_requests().await.unwrap();
    let token_request = &requests[0];
    assert_eq!(token_request.url.path(), TOKEN_PATH);
    assert!(token_request.headers.get("authorization").is_none());
    assert!(token_request.headers.get("x-cap-api-oauth-token").is_none());
    for api in &requests[1..] {
        assert!(
            api.headers.get("authorization").is_none(),
            "no Bearer, no Basic"
        );
    }
}

/// An in-process Capillary that issues tokens `jwt-1`, `jwt-2`, ... (each after `token_delay`)
/// and answers issue calls; counts token requests and API calls.
fn counting_oauth_client(token_delay: Duration) -> (Client, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let tokens = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let (t, c) = (tokens.clone(), calls.clone());
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let (t, c) = (t.clone(), c.clone());
        async move {
            let body = if request.uri().path() == TOKEN_PATH {
                let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(token_delay).await;
                json!({"data": {"accessToken": format!("jwt-{n}"), "ttlSeconds": 300}}).to_string()
            } else {
                let token = request.headers()["x-cap-api-oauth-token"].to_str().unwrap();
                assert_eq!(
                    token,
                    format!("jwt-{}", t.load(Ordering::SeqCst)),
                    "the newest token"
                );
                c.fetch_add(1, Ordering::SeqCst);
                ISSUED.to_string()
            };
            Ok(http::Response::builder()
                .status(200)
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(OAuth::new("k", "s"))
        .transport(transport)
        .build()
        .unwrap();
    (client, tokens, calls)
}

#[tokio::test(start_paused = true)]
async fn oauth_refreshes_shortly_before_the_ttl() {
    let (client, tokens, _) = counting_oauth_client(Duration::ZERO);
    issue(&client).await.unwrap();
    tokio::time::advance(Duration::from_secs(260)).await;
    issue(&client).await.unwrap();
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        1,
        "still fresh at 260 s of 300"
    );
    tokio::time::advance(Duration::from_secs(15)).await;
    issue(&client).await.unwrap();
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        2,
        "renewed within 30 s of expiry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_is_single_flight_for_a_thousand_concurrent_calls() {
    // A slow token endpoint gives every caller the chance to pile up.
    let (client, tokens, calls) = counting_oauth_client(Duration::from_millis(50));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { issue(&client).await.map(|o| o.is_issued()) })
        })
        .collect();
    for handle in handles {
        assert!(handle.await.unwrap().unwrap());
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1000);
}

#[tokio::test]
async fn oauth_single_flight_over_real_http() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("jwt-1", 300).set_delay(Duration::from_millis(100)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", "jwt-1"))
        .respond_with(answer(200, ISSUED, "r"))
        .expect(50)
        .mount(&server)
        .await;
    let client = oauth_client(&server, OAuth::new("k", "s"));
    let calls = (0..50).map(|_| issue(&client));
    for result in futures_util::future::join_all(calls).await {
        assert!(result.unwrap().is_issued());
    }
}

#[tokio::test]
async fn an_expired_token_498_is_renewed_and_the_call_replayed_once() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("jwt-old", 300))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("jwt-new", 300))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", "jwt-old"))
        .respond_with(answer(
            498,
            r#"{"errors":[{"code":498,"message":"token expired"}]}"#,
            "r-expired",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", "jwt-new"))
        .respond_with(answer(200, ISSUED, "r-ok"))
        .expect(1)
        .mount(&server)
        .await;
    let auth = OAuth::new("k", "s");
    let client = oauth_client(&server, auth.clone());
    let outcome = issue(&client).await.unwrap();
    assert_eq!(outcome.meta().request_id.as_deref(), Some("r-ok"));
    assert_eq!(auth.token_requests(), 2);
}

#[tokio::test]
async fn a_second_refusal_is_an_auth_error_after_exactly_two_attempts() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("jwt", 300))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(answer(401, "", "r-401"))
        .expect(2)
        .mount(&server)
        .await;
    let error = issue(&oauth_client(&server, OAuth::new("k", "s")))
        .await
        .unwrap_err();
    match &error {
        Error::Auth { meta, .. } => {
            let meta = meta.as_ref().unwrap();
            assert_eq!(meta.status.as_u16(), 401);
            assert_eq!(meta.request_id.as_deref(), Some("r-401"));
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert!(!error.maybe_applied());
}

#[tokio::test]
async fn basic_is_not_replayed_on_401() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .respond_with(answer(401, "", "r-401"))
        .expect(1)
        .mount(&server)
        .await;
    let error = issue(&basic_client(&server)).await.unwrap_err();
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
}

#[tokio::test]
async fn bad_key_and_secret_is_a_clear_auth_error() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(answer(
            401,
            r#"{"data":null,"errors":[{"code":320001,"message":"Invalid client key and secret"}]}"#,
            "req-bad",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let error = issue(&oauth_client(&server, OAuth::new("k", "wrong")))
        .await
        .unwrap_err();
    assert_eq!(error.codes(), vec![ErrorCode::InvalidClientCredentials]);
    assert_eq!(error.request_id(), Some("req-bad"));
    assert!(matches!(error, Error::Auth { .. }));
    assert!(
        error
            .to_string()
            .contains("refused the client key and secret"),
        "{error}"
    );
}

/// Two calls sent with `jwt-1` are refused one second apart; the first renews the token, and
/// the second's refusal must not drop `jwt-2`, which no server refused.
#[tokio::test(start_paused = true)]
async fn a_late_refusal_of_the_old_token_keeps_the_new_one() {
    let tokens = Arc::new(AtomicUsize::new(0));
    let sent_with_old = Arc::new(AtomicUsize::new(0));
    let (t, old) = (tokens.clone(), sent_with_old.clone());
    let transport = from_fn(move |request: http::Request<Bytes>| {
        let (t, old) = (t.clone(), old.clone());
        async move {
            let (status, body) = if request.uri().path() == TOKEN_PATH {
                let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                let token = json!({"data": {"accessToken": format!("jwt-{n}"), "ttlSeconds": 300}});
                (200, token.to_string())
            } else if request.headers()["x-cap-api-oauth-token"] == "jwt-1" {
                let n = old.fetch_add(1, Ordering::SeqCst) as u64 + 1;
                tokio::time::sleep(Duration::from_secs(n)).await;
                (
                    498,
                    r#"{"errors":[{"code":498,"message":"expired"}]}"#.to_string(),
                )
            } else {
                (200, ISSUED.to_string())
            };
            Ok(http::Response::builder()
                .status(status)
                .body(Bytes::from(body))
                .unwrap())
        }
    });
    let auth = OAuth::new("k", "s");
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(auth.clone())
        .transport(transport)
        .build()
        .unwrap();
    let (a, b) = tokio::join!(issue(&client), issue(&client));
    assert!(a.unwrap().is_issued() && b.unwrap().is_issued());
    assert_eq!(sent_with_old.load(Ordering::SeqCst), 2);
    assert_eq!(auth.token_requests(), 2, "jwt-2 served both replays");
}

/// One `OAuth` shared by a client of production and one of a sandbox: each server issues the
/// token its own API calls carry, and neither sees the other's.
#[tokio::test]
async fn one_oauth_for_two_servers_gets_a_token_from_each() {
    let (prod, sandbox) = (strict_server().await, strict_server().await);
    mount_oauth_issue(&prod, "jwt-prod", 2).await;
    mount_oauth_issue(&sandbox, "jwt-sandbox", 2).await;
    let auth = OAuth::new("k1", "s1");
    let (to_prod, to_sandbox) = (
        oauth_client(&prod, auth.clone()),
        oauth_client(&sandbox, auth.clone()),
    );
    for _ in 0..2 {
        assert!(issue(&to_prod).await.unwrap().is_issued());
        assert!(issue(&to_sandbox).await.unwrap().is_issued());
    }
    assert_eq!(auth.token_requests(), 2, "one token request per server");
}

/// A token no real server issues would be sent on every call (a 9 KiB one), or read
/// differently by each replica (not ASCII): the token endpoint's answer is not a token, and no
/// call goes out with it.
#[tokio::test]
async fn a_token_over_8_kib_or_not_ascii_is_no_token() {
    let long = "x".repeat(9 * 1024);
    for (token, why) in [
        (long.as_str(), "longer than 8 KiB"),
        ("jwt-\u{e9}", "not a valid header value"),
    ] {
        let server = strict_server().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(token_answer(token, 300))
            .expect(1)
            .mount(&server)
            .await;
        let error = issue(&oauth_client(&server, OAuth::new("k", "s")))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::TokenEndpoint { status: Some(s), .. } if s == 200),
            "{error:?}"
        );
        assert!(error.to_string().contains(why), "{error}");
        assert!(
            !error.to_string().contains(token),
            "the token is never quoted"
        );
    }
}
