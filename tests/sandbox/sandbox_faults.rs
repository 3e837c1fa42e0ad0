//! Fault injection: injected statuses, dropped connections, truncated bodies and latency,
//! in process and over HTTP.

use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::sandbox::{self, demo, Fault, Sandbox};
use capillary_sdk::transport::{Transport, TransportErrorKind};
use capillary_sdk::{Client, CustomerRef, Error, ErrorCode, IssueOutcome, Source};

fn issue(client: &Client) -> impl std::future::Future<Output = Result<IssueOutcome, Error>> {
    client
        .promotions()
        .issue(
            CustomerRef::mobile(demo::ANA_MOBILE),
            Source::Instore,
            demo::PROGRAM_ISSUE,
            demo::PROMOTION_ENROL,
        )
        .send()
}

fn enrolled(sandbox: &Sandbox) -> bool {
    sandbox
        .active_issual(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL)
        .is_some()
}

fn http_client(server: &sandbox::SandboxServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
        .build()
        .unwrap()
}

fn lost(err: &Error) -> bool {
    matches!(
        err,
        Error::Transport {
            kind: TransportErrorKind::AnswerLost,
            maybe_applied: true,
            ..
        }
    )
}

#[tokio::test]
async fn injected_statuses_answer_without_acting_then_stop() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    sandbox.fail_next(2, Fault::Status(403));
    sandbox.fail_next(1, Fault::Status(500));
    for want in [(403, 4000), (403, 4000), (500, 500)] {
        let err = issue(&client).await.unwrap_err();
        assert_eq!(
            (err.status().unwrap().as_u16(), err.codes()[0].as_i64()),
            want,
            "{err}"
        );
        assert!(err.request_id().unwrap().starts_with("sandbox-"));
        assert!(!enrolled(&sandbox));
    }
    assert!(
        issue(&client).await.unwrap().is_issued(),
        "the faults are used up"
    );
}

#[tokio::test]
async fn a_verbatim_answer_is_sent_as_is() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    sandbox.fail_next(
        1,
        Fault::Respond {
            status: 200,
            body: Bytes::from_static(b"<html>gateway</html>"),
        },
    );
    let err = issue(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { snippet, maybe_applied: true, .. } if snippet == "<html>gateway</html>"),
        "{err}"
    );
    assert!(!enrolled(&sandbox), "a verbatim answer does not act");
}

#[tokio::test]
async fn too_many_requests_says_when_to_retry() {
    let sandbox = Sandbox::demo();
    sandbox.fail_next(1, Fault::Status(429));
    let request = http::Request::post("https://x/v2/promotion/issue")
        .body(Bytes::new())
        .unwrap();
    let response = sandbox.send(request).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "0");
    assert!(response.headers().contains_key("x-cap-requestid"));
}

#[tokio::test]
async fn dropped_connections_lose_the_answer_and_apply_nothing() {
    let sandbox = Sandbox::demo();
    sandbox.fail_next(1, Fault::Drop);
    let err = issue(&sandbox.client().unwrap()).await.unwrap_err();
    assert!(lost(&err), "{err}");
    assert!(!enrolled(&sandbox));
    assert_eq!(sandbox.requests()[0].status, None);

    let server = sandbox.serve_http().await.unwrap();
    sandbox.fail_next(1, Fault::Drop);
    let err = issue(&http_client(&server)).await.unwrap_err();
    assert!(lost(&err), "{err:?}");
    assert!(!enrolled(&sandbox));
}

#[tokio::test]
async fn truncated_answers_are_lost_but_applied() {
    let sandbox = Sandbox::demo();
    sandbox.fail_next(1, Fault::Truncate);
    let err = issue(&sandbox.client().unwrap()).await.unwrap_err();
    assert!(lost(&err), "{err}");
    assert!(
        enrolled(&sandbox),
        "the request was applied before the answer was cut"
    );

    let server = sandbox.serve_http().await.unwrap();
    sandbox.fail_next(1, Fault::Truncate);
    let client = http_client(&server);
    let err = client
        .promotions()
        .issue(
            CustomerRef::email(demo::ANA_EMAIL),
            Source::Instore,
            demo::PROGRAM_ISSUE,
            demo::PROMOTION_ENROL,
        )
        .send()
        .await
        .unwrap_err();
    assert!(lost(&err), "{err:?}");
    assert_eq!(sandbox.requests().last().unwrap().status, Some(200));
}

#[tokio::test]
async fn faults_can_target_one_path_and_be_cleared() {
    let sandbox = Sandbox::demo();
    let (client, auth) = {
        let auth = OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET);
        (
            sandbox.client_builder().auth(auth.clone()).build().unwrap(),
            auth,
        )
    };
    sandbox.fail_next_on("/v3/oauth/token/generate", 1, Fault::Status(500));
    let err = client
        .promotions()
        .issue(
            CustomerRef::mobile(demo::ANA_MOBILE),
            Source::Instore,
            demo::PROGRAM_ISSUE,
            demo::PROMOTION_ENROL,
        )
        .retry_policy(capillary_sdk::RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TokenEndpoint { status: Some(s), .. } if s == 500),
        "{err}"
    );
    assert_eq!(
        sandbox.request_count(),
        1,
        "the call itself was not sent without a token"
    );

    sandbox.fail_next_on("/v3.1/", 1, Fault::Status(500));
    assert!(
        issue(&client).await.unwrap().is_issued(),
        "v2 calls are not affected"
    );
    assert_eq!(auth.token_requests(), 2);
    sandbox.clear_faults();
    let enrolled = client
        .targets()
        .enroll_streak(demo::TARGET_GROUP, demo::STREAK, demo::CUSTOMER_ANA)
        .data_scope(capillary_sdk::DataScope::Other, [demo::CONNECTED_ORG])
        .send()
        .await
        .unwrap();
    assert_eq!(enrolled.customer_id, demo::CUSTOMER_ANA);
    assert_eq!(ErrorCode::from_i64(4000), ErrorCode::AccessDenied);
}

#[tokio::test(start_paused = true)]
async fn latency_runs_on_tokios_clock() {
    let sandbox = Sandbox::demo();
    sandbox.set_latency(Duration::from_secs(10));
    let impatient = sandbox
        .client_builder()
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = issue(&impatient).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err}"
    );

    let patient = sandbox.client().unwrap();
    let started = tokio::time::Instant::now();
    issue(&patient).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(10));
    sandbox.set_latency(Duration::ZERO);
    let started = tokio::time::Instant::now();
    issue(&patient).await.unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test]
async fn the_http_server_answers_any_http_client_with_the_request_id() {
    let sandbox = Sandbox::demo();
    let server = sandbox.serve_http().await.unwrap();
    assert!(server.addr().ip().is_loopback());
    let response = reqwest::Client::new()
        .post(format!("{}/v2/promotion/issue?identifierName=mobile&identifierValue=18767431754&source=INSTORE", server.base_url()))
        .basic_auth("sandbox", Some("93bc63e0b4f48fbbff568d9fc0dc3def"))
        .header("content-type", "application/json")
        .body(r#"{"programId":469,"promotionId":65777}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-cap-requestid"]
        .to_str()
        .unwrap()
        .to_string();
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["sideEffects"][0]["promotionId"], 65777);
    assert_eq!(sandbox.requests()[0].request_id, id);
    assert!(enrolled(&sandbox), "the server shares the sandbox's state");
    drop(server);
}

#[tokio::test(start_paused = true)]
async fn a_delay_fault_slows_only_the_next_calls() {
    let sandbox = Sandbox::demo();
    let client = sandbox
        .client_builder()
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    sandbox.fail_next(1, Fault::Delay(Duration::from_secs(6)));
    let err = issue(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err}"
    );
    // In process, the abandoned call is cancelled with the client's future: nothing applied.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!enrolled(&sandbox));
    let started = tokio::time::Instant::now();
    assert!(issue(&client).await.unwrap().is_issued());
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test]
async fn the_http_server_refuses_huge_bodies_with_a_request_id() {
    let sandbox = Sandbox::demo();
    let server = sandbox.serve_http().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v2/promotion/bulk/revokeEnrolAndEarn",
            server.base_url()
        ))
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 16])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let id = response.headers()["x-cap-requestid"]
        .to_str()
        .unwrap()
        .to_string();
    let logged = sandbox.requests();
    assert_eq!(
        (logged[0].request_id.as_str(), logged[0].status),
        (id.as_str(), Some(413))
    );
}
