//! The sandbox checks credentials like Capillary: Basic in the MD5 form, the OAuth token
//! endpoint, 401 for wrong credentials or unknown tokens, 498 for expired ones.

use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::sandbox::{self, demo, Sandbox};
use capillary_sdk::transport::Transport;
use capillary_sdk::{Client, CustomerRef, Error, ErrorCode, IssueOutcome, Source};
use serde_json::{json, Value};

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

fn oauth_client(sandbox: &Sandbox, key: &str, secret: &str) -> (Client, OAuth) {
    let auth = OAuth::new(key, secret);
    (
        sandbox.client_builder().auth(auth.clone()).build().unwrap(),
        auth,
    )
}

async fn post(
    sandbox: &Sandbox,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> (u16, Value) {
    let mut request = http::Request::post(format!("http://127.0.0.1{path}"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sandbox
        .send(request.body(Bytes::from(body.to_string())).unwrap())
        .await
        .unwrap();
    assert!(response.headers().contains_key("x-cap-requestid"));
    (
        response.status().as_u16(),
        serde_json::from_slice(response.body()).unwrap(),
    )
}

async fn token(sandbox: &Sandbox) -> String {
    let (status, body) = post(
        sandbox,
        "/v3/oauth/token/generate",
        &[],
        json!({"key": "sandbox", "secret": "sandbox"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"], Value::Null);
    body["data"]["accessToken"].as_str().unwrap().to_string()
}

const ISSUE: &str =
    "/v2/promotion/issue?identifierName=id&identifierValue=345651201&source=INSTORE";

#[tokio::test]
async fn wrong_basic_credentials_get_401_and_change_nothing() {
    let sandbox = Sandbox::demo();
    let client = sandbox
        .client_builder()
        .auth(Basic::new("sandbox", "wrong"))
        .build()
        .unwrap();
    let err = issue(&client).await.unwrap_err();
    assert!(matches!(&err, Error::Auth { .. }), "{err}");
    assert_eq!(err.status().unwrap(), 401);
    assert!(err.request_id().is_some());
    assert!(sandbox
        .issuals()
        .iter()
        .all(|i| i.customer != demo::CUSTOMER_ANA));
    let client = sandbox
        .client_builder()
        .auth(Basic::new("other", sandbox::PASSWORD))
        .build()
        .unwrap();
    assert_eq!(issue(&client).await.unwrap_err().status().unwrap(), 401);
    // No credentials at all.
    let (status, _) = post(
        &sandbox,
        ISSUE,
        &[],
        json!({"programId": 469, "promotionId": 65777}),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn oauth_token_is_fetched_once_and_sent_in_its_header() {
    let sandbox = Sandbox::demo();
    let (client, auth) = oauth_client(&sandbox, sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET);
    assert!(issue(&client).await.unwrap().is_issued());
    assert!(!issue(&client).await.unwrap().is_issued());
    assert_eq!(auth.token_requests(), 1);
    let log = sandbox.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].path, "/v3/oauth/token/generate");
    assert!(
        log[0].body.is_empty(),
        "the token request's body holds the secret: not logged"
    );
    assert_eq!(log[1].header("x-cap-api-oauth-token"), Some("[redacted]"));
    assert_eq!(log[1].header("authorization"), None);
}

#[tokio::test]
async fn wrong_oauth_secret_gets_320001() {
    let sandbox = Sandbox::demo();
    let (client, _) = oauth_client(&sandbox, sandbox::OAUTH_KEY, "nope");
    let err = issue(&client).await.unwrap_err();
    assert!(matches!(&err, Error::Auth { .. }), "{err}");
    assert_eq!(err.codes(), [ErrorCode::InvalidClientCredentials]);
    assert_eq!(err.status().unwrap(), 401);
    assert_eq!(
        sandbox.request_count(),
        1,
        "nothing but the token request was sent"
    );
}

#[tokio::test]
async fn an_expired_token_gets_498_and_the_client_renews_it() {
    let sandbox = Sandbox::demo();
    let (client, auth) = oauth_client(&sandbox, sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET);
    issue(&client).await.unwrap();
    sandbox.expire_tokens();
    let outcome = issue(&client).await.unwrap();
    assert!(!outcome.is_issued());
    assert_eq!(auth.token_requests(), 2);
    let statuses: Vec<_> = sandbox
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    let token = "/v3/oauth/token/generate".to_string();
    let call = "/v2/promotion/issue".to_string();
    assert_eq!(
        statuses,
        [
            (token.clone(), Some(200)),
            (call.clone(), Some(200)),
            (call.clone(), Some(498)),
            (token, Some(200)),
            (call, Some(200))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn tokens_expire_after_their_ttl_on_tokios_clock() {
    let sandbox = Sandbox::demo();
    sandbox.set_token_ttl(Duration::from_secs(60));
    let (status, body) = post(
        &sandbox,
        "/v3/oauth/token/generate",
        &[],
        json!({"key": "sandbox", "secret": "sandbox"}),
    )
    .await;
    assert_eq!(
        (status, body["data"]["ttlSeconds"].as_u64()),
        (200, Some(60))
    );
    let token = body["data"]["accessToken"].as_str().unwrap().to_string();
    let body = json!({"programId": 469, "promotionId": 65777});
    let headers = [("x-cap-api-oauth-token", token.as_str())];
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(post(&sandbox, ISSUE, &headers, body.clone()).await.0, 200);
    tokio::time::advance(Duration::from_secs(1)).await;
    let (status, refused) = post(&sandbox, ISSUE, &headers, body).await;
    assert_eq!(status, 498);
    assert_eq!(refused["errors"][0]["code"], 498);
}

#[tokio::test]
async fn unknown_tokens_and_other_sandboxes_tokens_get_401() {
    let sandbox = Sandbox::demo();
    let other = token(&Sandbox::demo()).await;
    let body = json!({"programId": 469, "promotionId": 65777});
    for bad in [other.as_str(), "not-a-token"] {
        let (status, _) = post(
            &sandbox,
            ISSUE,
            &[("x-cap-api-oauth-token", bad)],
            body.clone(),
        )
        .await;
        assert_eq!(status, 401, "{bad}");
    }
    let own = token(&sandbox).await;
    assert_eq!(
        post(&sandbox, ISSUE, &[("x-cap-api-oauth-token", &own)], body)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let sandbox = Sandbox::demo();
    let (client, _) = oauth_client(&sandbox, sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET);
    issue(&client).await.unwrap();
    let printed = format!("{sandbox:?} {:?}", sandbox.requests());
    let token = token(&sandbox).await;
    assert!(!printed.contains("\"secret\""), "{printed}");
    assert!(!printed.contains(&token[..20]));
    assert!(!printed.contains("c2FuZGJveDo"), "no Basic header");
}

#[tokio::test(start_paused = true)]
async fn long_expired_tokens_are_forgotten_and_huge_ttls_are_capped() {
    let sandbox = Sandbox::demo();
    sandbox.set_token_ttl(Duration::from_secs(60));
    let old = token(&sandbox).await;
    let body = json!({"programId": 469, "promotionId": 65777});
    tokio::time::advance(Duration::from_secs(61)).await;
    assert_eq!(
        post(
            &sandbox,
            ISSUE,
            &[("x-cap-api-oauth-token", &old)],
            body.clone()
        )
        .await
        .0,
        498
    );
    tokio::time::advance(Duration::from_secs(3600)).await;
    sandbox.set_token_ttl(Duration::MAX);
    let (status, fresh) = post(
        &sandbox,
        "/v3/oauth/token/generate",
        &[],
        json!({"key": "sandbox", "secret": "sandbox"}),
    )
    .await;
    assert_eq!(
        (status, fresh["data"]["ttlSeconds"].as_u64()),
        (200, Some(365 * 86_400))
    );
    assert_eq!(
        post(&sandbox, ISSUE, &[("x-cap-api-oauth-token", &old)], body)
            .await
            .0,
        401
    );
}
