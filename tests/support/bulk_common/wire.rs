//! Wiremock servers answering a bulk endpoint with a fixed body, for the wire tests of both
//! bulk endpoints. Included on its own (it builds on `common`), not by `bulk_common`, which
//! the benches and the CLI tests share.
#![allow(dead_code)]

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

/// A strict server (any other request fails the test) answering `POST endpoint` with `body`,
/// HTTP `status` and request id `req-bulk`.
pub async fn server_answering(endpoint: &str, status: u16, body: &str) -> MockServer {
    let server = crate::common::strict_server().await;
    Mock::given(method("POST"))
        .and(path(endpoint))
        .respond_with(crate::common::answer(status, body, "req-bulk"))
        .mount(&server)
        .await;
    server
}

/// A bulk answer of one errors-only item, as the pages show a request-level failure.
pub fn single_error(code: i64, message: &str) -> String {
    format!(
        r#"{{"response":[{{"errors":[{{"status":false,"message":"{message}","code":{code}}}],"warnings":[]}}],"totalCount":1,"failureCount":1}}"#
    )
}

/// A strict server answering `POST endpoint` with `responder` (a fixed `ResponseTemplate`, or
/// a fake server such as `bulk_common::Enroller`).
pub async fn server_with(
    endpoint: &str,
    responder: impl wiremock::Respond + 'static,
) -> MockServer {
    let server = crate::common::strict_server().await;
    Mock::given(method("POST"))
        .and(path(endpoint))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

/// The `customers` list of a request body.
pub fn customers_json(request: &wiremock::Request) -> Value {
    crate::common::body_json(request)["customers"].clone()
}
