//! Shared test helpers: a wiremock server that fails on any unexpected request, and clients.
#![allow(dead_code)]

use capillary_sdk::auth::Basic;
use capillary_sdk::{Client, CustomerRef, Error, IssueOutcome, ProgramId, PromotionId, Source};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The Basic header for user `till`, password `secret123`.
pub fn basic_header() -> String {
    use base64::Engine as _;
    let hex = "5d7845ac6ee7cfffafc5fe5f35cf666d"; // md5("secret123")
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("till:{hex}"))
    )
}

/// A mock server whose lowest-priority mock fails the test (on drop) for any request that no
/// other mock matched.
pub async fn strict_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .expect(0)
        .with_priority(u8::MAX)
        .named("catch-all: no unexpected request")
        .mount(&server)
        .await;
    server
}

/// A client for `server` with Basic auth (`till` / `secret123`).
pub fn basic_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("till", "secret123"))
        .build()
        .unwrap()
}

/// A JSON answer with a request id.
pub fn answer(status: u16, body: &str, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-Cap-Requestid", request_id)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// The one request the server received (fails if there was not exactly one API request).
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// Asserts the headers every API call carries.
pub fn assert_common_headers(request: &wiremock::Request) {
    let h = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(h("user-agent").as_deref(), Some(capillary_sdk::USER_AGENT));
    assert_eq!(h("content-type").as_deref(), Some("application/json"));
    assert_eq!(h("accept").as_deref(), Some("application/json"));
    assert_eq!(h("authorization"), Some(basic_header()));
}

/// The request body as JSON.
pub fn body_json(request: &wiremock::Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// The issue page's documented request: mobile 18767431754, INSTORE, program 469, promotion 65777.
pub fn issue_request(client: &Client) -> capillary_sdk::IssueRequest {
    client.promotions().issue(
        CustomerRef::mobile("18767431754"),
        Source::Instore,
        ProgramId(469),
        PromotionId(65777),
    )
}

/// [`issue_request`], sent.
pub async fn issue(client: &Client) -> Result<IssueOutcome, Error> {
    issue_request(client).send().await
}

/// Mounts an OAuth server on `server`: the token endpoint answers `token` once, and
/// `issues` issue calls carrying it are answered as issued.
pub async fn mount_oauth_issue(server: &MockServer, token: &str, issues: u64) {
    use wiremock::matchers::{header, method, path};
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(answer(
            200,
            &serde_json::json!({"data": {"accessToken": token, "ttlSeconds": 300}}).to_string(),
            "req-token",
        ))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", token))
        .respond_with(answer(
            200,
            r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#,
            "r",
        ))
        .expect(issues)
        .mount(server)
        .await;
}

/// A log writer that keeps everything written to it, for tests that read the logs.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was written, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
