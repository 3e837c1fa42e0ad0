//! The retry policy, row by row, against a real HTTP server (wiremock) and real sockets: how
//! many requests the server saw and which error came back.
//!
//! Delays are kept to milliseconds here; the delays themselves are asserted with a paused
//! clock in `retry_timing.rs`.

use crate::common::issue;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::TransportErrorKind;
use capillary_sdk::{
    Client, CustomerId, Error, ErrorCode, IssueOutcome, RetryBudget, RetryPolicy, RevokeCustomer,
    TargetGroupId, TargetId,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ISSUE_PATH: &str = "/v2/promotion/issue";
const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777,"type":"Points promotion"}]}"#;

fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(4))
}

fn client(base: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(base)
        .auth(Basic::new("till", "till-password"))
        .retry_policy(policy)
        .retry_budget(RetryBudget::unlimited())
        .build()
        .unwrap()
}

fn errors_body(code: i64) -> String {
    format!(
        r#"{{"warnings":[],"errors":[{{"code":{code},"message":"refused"}}],"sideEffects":[]}}"#
    )
}

/// The error a row expects.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Issued,
    Api(u16, ErrorCode, bool),
    Unexpected(u16, bool),
    Auth(u16),
}

struct Row {
    name: &'static str,
    status: u16,
    body: String,
    policy: RetryPolicy,
    requests: usize,
    expect: Expect,
}

fn row(
    name: &'static str,
    status: u16,
    body: impl Into<String>,
    requests: usize,
    expect: Expect,
) -> Row {
    Row {
        name,
        status,
        body: body.into(),
        policy: fast_policy(),
        requests,
        expect,
    }
}

fn check(name: &str, result: Result<IssueOutcome, Error>, expect: Expect) {
    match (expect, result) {
        (Expect::Issued, Ok(IssueOutcome::Issued(issual))) => {
            assert_eq!(issual.meta.request_id.as_deref(), Some("req-x"), "{name}")
        }
        (Expect::Api(status, code, maybe), Err(e @ Error::Api { .. })) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{name}");
            assert_eq!(e.codes(), vec![code], "{name}");
            assert_eq!(e.maybe_applied(), maybe, "{name}: {e}");
            assert_eq!(e.request_id(), Some("req-x"), "{name}");
        }
        (Expect::Unexpected(status, maybe), Err(e @ Error::UnexpectedResponse { .. })) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{name}");
            assert_eq!(e.maybe_applied(), maybe, "{name}: {e}");
            assert_eq!(e.request_id(), Some("req-x"), "{name}");
        }
        (Expect::Auth(status), Err(e @ Error::Auth { .. })) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{name}");
            assert!(!e.maybe_applied(), "{name}");
        }
        (expect, got) => panic!("{name}: expected {expect:?}, got {got:?}"),
    }
}

#[tokio::test]
async fn every_status_row_of_the_policy() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let rows = vec![
        row(
            "429 retried, then its answer",
            429,
            "",
            3,
            Expect::Unexpected(429, false),
        ),
        row(
            "503 4001 retried",
            503,
            errors_body(4001),
            3,
            Expect::Api(503, ErrorCode::AuthorizationUnavailable, false),
        ),
        row(
            "461 search engine busy retried",
            461,
            "search engine busy",
            3,
            Expect::Unexpected(461, false),
        ),
        row(
            "521 another action running retried",
            521,
            errors_body(0),
            3,
            Expect::Api(521, ErrorCode::Unknown(0), false),
        ),
        row(
            "500 never replayed",
            500,
            errors_body(8896),
            1,
            Expect::Api(500, ErrorCode::IssueFailed, true),
        ),
        row(
            "502 never replayed",
            502,
            html,
            1,
            Expect::Unexpected(502, true),
        ),
        row(
            "504 never replayed",
            504,
            "",
            1,
            Expect::Unexpected(504, true),
        ),
        row(
            "200 with a truncated body never replayed",
            200,
            &ISSUED[..40],
            1,
            Expect::Unexpected(200, true),
        ),
        row(
            "200 with HTML never replayed",
            200,
            html,
            1,
            Expect::Unexpected(200, true),
        ),
        row(
            "400 refusal not retried",
            400,
            errors_body(8015),
            1,
            Expect::Api(400, ErrorCode::CustomerNotFound, false),
        ),
        row(
            "403 access denied not retried",
            403,
            errors_body(4000),
            1,
            Expect::Api(403, ErrorCode::AccessDenied, false),
        ),
        row(
            "404 HTML not retried",
            404,
            html,
            1,
            Expect::Unexpected(404, false),
        ),
        row("401 with Basic not replayed", 401, "", 1, Expect::Auth(401)),
        row("200 issued", 200, ISSUED, 1, Expect::Issued),
        Row {
            policy: fast_policy().replay_maybe_applied(true),
            ..row(
                "500 replayed on opt-in",
                500,
                errors_body(8896),
                3,
                Expect::Api(500, ErrorCode::IssueFailed, true),
            )
        },
        Row {
            policy: fast_policy().replay_maybe_applied(true),
            ..row(
                "unreadable 200 replayed on opt-in",
                200,
                "{\"warn",
                3,
                Expect::Unexpected(200, true),
            )
        },
        Row {
            policy: fast_policy().replay_maybe_applied(true),
            ..row(
                "400 not retried even on opt-in",
                400,
                errors_body(8015),
                1,
                Expect::Api(400, ErrorCode::CustomerNotFound, false),
            )
        },
        Row {
            policy: RetryPolicy::none(),
            ..row(
                "503 once with RetryPolicy::none",
                503,
                errors_body(4001),
                1,
                Expect::Api(503, ErrorCode::AuthorizationUnavailable, false),
            )
        },
    ];
    for row in rows {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(ISSUE_PATH))
            .respond_with(
                ResponseTemplate::new(row.status)
                    .insert_header("X-Cap-Requestid", "req-x")
                    .set_body_string(row.body.clone()),
            )
            .mount(&server)
            .await;
        let result = issue(&client(&server.uri(), row.policy.clone())).await;
        let seen = server.received_requests().await.unwrap();
        assert_eq!(seen.len(), row.requests, "{}: requests seen", row.name);
        check(row.name, result, row.expect);
    }
}

#[tokio::test]
async fn a_retry_sends_the_identical_request_and_its_answer_wins() {
    let server = MockServer::start().await;
    let matching = || {
        Mock::given(method("POST"))
            .and(path(ISSUE_PATH))
            .and(query_param("identifierName", "mobile"))
            .and(query_param("identifierValue", "18767431754"))
            .and(query_param("source", "INSTORE"))
            .and(header("content-type", "application/json"))
            .and(body_json(
                serde_json::json!({"programId": 469, "promotionId": 65777}),
            ))
    };
    matching()
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("X-Cap-Requestid", "req-1")
                .set_body_string(errors_body(4001)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    matching()
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Cap-Requestid", "req-x")
                .set_body_string(ISSUED),
        )
        .mount(&server)
        .await;
    let result = issue(&client(&server.uri(), fast_policy())).await;
    check("503 then 200", result, Expect::Issued);
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].url, seen[1].url);
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(
        seen[0].headers.get("authorization"),
        seen[1].headers.get("authorization")
    );
}

#[tokio::test]
async fn revoke_and_enroll_follow_the_same_policy() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-Cap-Requestid", "req-x")
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri(), fast_policy());
    let revoke = crate::bulk_common::revoke(&client, [RevokeCustomer::new("423927848")])
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(revoke.status().map(|s| s.as_u16()), Some(429));
    assert!(!revoke.maybe_applied());

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).insert_header("X-Cap-Requestid", "req-x"))
        .mount(&server)
        .await;
    let enroll = client
        .targets()
        .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201))
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        matches!(enroll, Error::UnexpectedResponse { .. }),
        "{enroll:?}"
    );
    assert!(enroll.maybe_applied());
    assert_eq!(enroll.request_id(), Some("req-x"));
}

#[tokio::test]
async fn a_per_request_policy_overrides_the_clients() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(521))
        .mount(&server)
        .await;
    let client = client(&server.uri(), RetryPolicy::none());
    let error = client
        .targets()
        .unenroll(TargetGroupId(7), TargetId(13), CustomerId(345651201))
        .retry_policy(fast_policy().max_attempts(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(521));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

async fn oauth_server(first_status: u16, then_status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"data":{"accessToken":"token-value","ttlSeconds":300},"errors":null}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ISSUE_PATH))
        .respond_with(ResponseTemplate::new(first_status).insert_header("X-Cap-Requestid", "req-x"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let then_body = if then_status == 200 {
        ISSUED.to_string()
    } else {
        errors_body(4001)
    };
    Mock::given(method("POST"))
        .and(path(ISSUE_PATH))
        .respond_with(
            ResponseTemplate::new(then_status)
                .insert_header("X-Cap-Requestid", "req-x")
                .set_body_string(then_body),
        )
        .mount(&server)
        .await;
    server
}

async fn count(server: &MockServer, wanted: &str) -> usize {
    let seen = server.received_requests().await.unwrap();
    seen.iter().filter(|r| r.url.path() == wanted).count()
}

fn oauth_client(server: &MockServer, policy: RetryPolicy) -> (Client, OAuth) {
    let auth = OAuth::new("key", "secret");
    let client = Client::builder()
        .base_url(server.uri())
        .auth(auth.clone())
        .retry_policy(policy)
        .build()
        .unwrap();
    (client, auth)
}

#[tokio::test]
async fn an_expired_token_is_renewed_and_the_call_replayed_once() {
    for first in [401, 498] {
        let server = oauth_server(first, 200).await;
        let (client, auth) = oauth_client(&server, fast_policy());
        check("replayed", issue(&client).await, Expect::Issued);
        assert_eq!(count(&server, ISSUE_PATH).await, 2, "{first}");
        assert_eq!(auth.token_requests(), 2, "{first}");
    }
}

#[tokio::test]
async fn a_token_refused_twice_is_an_auth_error() {
    let server = oauth_server(401, 401).await;
    let (client, _) = oauth_client(&server, fast_policy().max_attempts(5));
    check("refused twice", issue(&client).await, Expect::Auth(401));
    assert_eq!(count(&server, ISSUE_PATH).await, 2);
}

#[tokio::test]
async fn the_token_replay_counts_as_an_attempt() {
    // 401, replay, then 503s: three attempts in all, never a fourth request.
    let server = oauth_server(401, 503).await;
    let (client, _) = oauth_client(&server, fast_policy());
    check(
        "replay then 503",
        issue(&client).await,
        Expect::Api(503, ErrorCode::AuthorizationUnavailable, false),
    );
    assert_eq!(count(&server, ISSUE_PATH).await, 3);

    // With one attempt allowed there is no replay.
    let server = oauth_server(498, 200).await;
    let (client, _) = oauth_client(&server, RetryPolicy::none());
    check("no replay", issue(&client).await, Expect::Auth(498));
    assert_eq!(count(&server, ISSUE_PATH).await, 1);
}

#[tokio::test]
async fn connection_refused_is_retried_and_never_applied() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = issue(&client(&format!("http://127.0.0.1:{port}"), fast_policy()))
        .await
        .unwrap_err();
    match &error {
        Error::Transport {
            kind,
            maybe_applied,
            ..
        } => {
            assert_eq!(*kind, TransportErrorKind::Connect);
            assert!(!maybe_applied);
        }
        other => panic!("expected a connect failure, got {other:?}"),
    }
    assert!(!error.maybe_applied());
    assert!(error.to_string().contains("nothing was applied"), "{error}");
}

/// A server that reads each request whole, answers `reply` (possibly cut short) and closes.
async fn cutting_server(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut received = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head and the JSON body (its closing brace ends it).
            while !(received.windows(4).any(|w| w == b"\r\n\r\n") && received.ends_with(b"}")) {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                }
            }
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = socket.write_all(reply).await;
            drop(socket);
        }
    });
    (base, requests)
}

#[tokio::test]
async fn a_connection_lost_after_sending_is_not_replayed() {
    let replies: [&'static [u8]; 2] = [
        b"",
        b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\nX-Cap-Requestid: r\r\n\r\n{\"warnings\":[",
    ];
    for reply in replies {
        let (base, requests) = cutting_server(reply).await;
        let error = issue(&client(&base, fast_policy())).await.unwrap_err();
        assert_eq!(requests.load(Ordering::SeqCst), 1, "{error:?}");
        assert!(
            matches!(
                error,
                Error::Transport {
                    maybe_applied: true,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.maybe_applied());
        assert!(
            error.to_string().contains("may have been applied"),
            "{error}"
        );

        // A caller who opts in gets the replays.
        let error = issue(&client(&base, fast_policy().replay_maybe_applied(true)))
            .await
            .unwrap_err();
        assert_eq!(requests.load(Ordering::SeqCst), 4, "{error:?}");
    }
}
