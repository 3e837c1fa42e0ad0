//! Shared sandbox test helpers: requests sent straight to a sandbox's transport, as any
//! HTTP client would send them, and the sandbox's Basic credentials.
#![allow(dead_code)]

use bytes::Bytes;
use capillary_sdk::sandbox::Sandbox;
use capillary_sdk::transport::Transport;
use serde_json::Value;

/// The `Authorization` header for the sandbox's Basic credentials.
pub const BASIC: (&str, &str) = (
    "authorization",
    "Basic c2FuZGJveDo5M2JjNjNlMGI0ZjQ4ZmJiZmY1NjhkOWZjMGRjM2RlZg==",
);
/// The JSON content type.
pub const JSON: (&str, &str) = ("content-type", "application/json");

/// Sends one request to the sandbox: status, JSON body (`Null` when not JSON) and request id.
pub async fn send_raw(
    sandbox: &Sandbox,
    method: http::Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value, String) {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Bytes::from(body.to_string())).unwrap();
    let response = sandbox.send(request).await.unwrap();
    let id = response.headers()["x-cap-requestid"]
        .to_str()
        .unwrap()
        .to_string();
    let body = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    (response.status().as_u16(), body, id)
}

/// A POST with these headers and body.
pub async fn raw(
    sandbox: &Sandbox,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value, String) {
    send_raw(sandbox, http::Method::POST, uri, headers, body).await
}

/// A bulk enrol/earn (`POST /v2/promotion/bulk/enrolAndEarn`), Basic-authenticated: status
/// and JSON answer.
pub async fn enrol_raw(sandbox: &Sandbox, body: Value) -> (u16, Value) {
    let (status, answer, _) = raw(
        sandbox,
        "https://sandbox.invalid/v2/promotion/bulk/enrolAndEarn",
        &[BASIC, JSON],
        &body.to_string(),
    )
    .await;
    (status, answer)
}

/// A lookup GET with this query string, Basic-authenticated: status and JSON answer.
pub async fn lookup_raw(sandbox: &Sandbox, query: &str) -> (u16, Value) {
    let uri = format!("https://sandbox.invalid/v2/customers/lookup/promotionData?{query}");
    let (status, answer, _) = send_raw(sandbox, http::Method::GET, &uri, &[BASIC], "").await;
    (status, answer)
}
