//! The request log: what the sandbox received, for assertions. Credentials are redacted.

use bytes::Bytes;

/// Headers whose values are never kept: the SDK's credentials, and those any other HTTP client
/// talking to the sandbox server may send.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "x-cap-api-oauth-token",
    "proxy-authorization",
    "cookie",
];

/// One request the sandbox received; see [`Sandbox::requests`](super::Sandbox::requests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The `X-Cap-Requestid` the sandbox gave it.
    pub request_id: String,
    /// The HTTP method.
    pub method: http::Method,
    /// The path as received (with any base-URL prefix).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The headers, in order; `Authorization`, `X-CAP-API-OAUTH-TOKEN`, `Proxy-Authorization`
    /// and `Cookie` read `[redacted]`.
    pub headers: Vec<(String, String)>,
    /// The body; empty for the token endpoint, whose body holds the client secret.
    pub body: Bytes,
    /// The status answered, or `None` when the connection was dropped on purpose.
    pub status: Option<u16>,
}

impl LoggedRequest {
    pub(crate) fn new(
        request_id: String,
        parts: &http::request::Parts,
        body: &Bytes,
        keep_body: bool,
    ) -> Self {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if SECRET_HEADERS.contains(&name.as_str()) {
                    "[redacted]".to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_string(), value)
            })
            .collect();
        Self {
            request_id,
            method: parts.method.clone(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers,
            body: if keep_body {
                body.clone()
            } else {
                Bytes::new()
            },
            status: None,
        }
    }

    /// The value of a header (case-insensitive name), if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}
