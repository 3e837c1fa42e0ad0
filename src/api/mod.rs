//! The endpoints, one file per family: [`promotions`] (issue, bulk revoke) and [`targets`]
//! (enroll, unenroll in connected orgs); [`bulk`] streams a revoke of any size.
//!
//! Each request builder validates itself before anything is sent, describes itself as an
//! request description, and decodes the answer into a typed outcome. Adding an endpoint is one new
//! file here.

pub mod bulk;
pub mod promotions;
pub mod targets;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{status_maybe_applied, Error};
use crate::model::ResponseMeta;
use crate::retry::RetryPolicy;

/// The header that carries Capillary's request id.
pub const REQUEST_ID_HEADER: &str = "x-cap-requestid";

/// How many bytes of an unreadable body an error keeps.
const SNIPPET_BYTES: usize = 200;

/// Words (any case) that mark a body as possibly holding a credential: its text is never
/// kept in an error.
const CREDENTIAL_WORDS: [&str; 6] = [
    "authorization",
    "token",
    "secret",
    "password",
    "basic ",
    "bearer ",
];

/// The snippet of a body that mentions a credential.
const WITHHELD: &str = "[not kept: the body mentions a credential]";

/// How many bytes of an explanation an error keeps: decoder messages quote the offending
/// value, which a server can make as long as its body.
const REASON_BYTES: usize = 300;

/// One endpoint call: validated, described, decoded.
pub(crate) trait Endpoint {
    type Output;
    /// The name of the operation, for tracing spans (e.g. `promotions.issue`).
    const OPERATION: &'static str;
    /// Refuses bad input before anything is sent.
    fn validate(&self) -> Result<(), Error>;
    /// Method, path, query, headers and body.
    fn request(&self) -> Result<ApiRequest, Error>;
    /// The typed outcome of an answer, whatever its status.
    fn decode(&self, response: RawResponse) -> Result<Self::Output, Error>;
    /// The client that sends it and the retry policy that overrides the client's.
    fn common(&self) -> &Common;
    /// The same, to set the retry policy.
    fn common_mut(&mut self) -> &mut Common;
}

/// What every request builder carries besides its own fields.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub client: crate::client::Client,
    pub retry: Option<RetryPolicy>,
}

impl Common {
    pub fn new(client: crate::client::Client) -> Self {
        Self {
            client,
            retry: None,
        }
    }
}

/// The methods every request builder has, so that they read the same on every endpoint:
/// a per-request retry policy, `validate` and `send`.
macro_rules! request_methods {
    ($output:ty) => {
        /// Overrides the client's [`RetryPolicy`](crate::RetryPolicy) for this request.
        pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
            crate::api::Endpoint::common_mut(&mut self).retry = Some(policy);
            self
        }

        /// Checks the request as [`send`](Self::send) would, without sending it.
        pub fn validate(&self) -> Result<(), crate::Error> {
            crate::api::Endpoint::validate(self)
        }

        /// Sends the request.
        pub async fn send(self) -> Result<$output, crate::Error> {
            let client = crate::api::Endpoint::common(&self).client.clone();
            client.execute(&self).await
        }
    };
}
pub(crate) use request_methods;

/// What an endpoint sends: the client adds the base URL, user agent and credentials.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub method: http::Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub body: Bytes,
}

impl ApiRequest {
    pub fn post_json(path: String, body: &impl serde::Serialize) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("could not encode the request body: {e}")))?;
        Ok(Self {
            method: http::Method::POST,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::from(body),
        })
    }
}

/// An answer as received: status, request id, content type and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status and request id.
    pub meta: ResponseMeta,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
}

impl RawResponse {
    /// Takes an `http` answer apart.
    pub fn from_http(response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Self {
            meta: ResponseMeta {
                status: parts.status,
                request_id: header(REQUEST_ID_HEADER),
            },
            content_type: header("content-type"),
            body,
        }
    }

    /// The first bytes of the body, for error messages.
    pub(crate) fn snippet(&self) -> String {
        let end = self.body.len().min(SNIPPET_BYTES);
        String::from_utf8_lossy(&self.body[..end]).into_owned()
    }

    /// Whether the body mentions a credential: a proxy's or gateway's error page may echo the
    /// request's headers, so no text of such a body is kept in an error.
    fn mentions_credential(&self) -> bool {
        CREDENTIAL_WORDS.iter().any(|word| {
            self.body
                .windows(word.len())
                .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
        })
    }

    /// An [`Error::UnexpectedResponse`] for this answer.
    pub(crate) fn unexpected(&self, reason: impl Into<String>) -> Error {
        let mut reason = reason.into();
        let withheld = self.mentions_credential();
        if withheld {
            // Decoder messages quote values of the body: keep only what went wrong.
            if let Some(at) = reason.find(": ") {
                reason.truncate(at);
                reason.push_str(": details not kept, the body mentions a credential");
            }
        }
        if reason.len() > REASON_BYTES {
            let mut end = REASON_BYTES;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
            reason.push_str("...");
        }
        Error::UnexpectedResponse {
            meta: self.meta.clone(),
            content_type: self.content_type.clone(),
            snippet: if withheld {
                WITHHELD.to_string()
            } else {
                self.snippet()
            },
            reason,
            maybe_applied: status_maybe_applied(self.meta.status),
        }
    }

    /// Decodes the body as JSON, or explains why it could not.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.unexpected("empty body"));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.unexpected(format!("not the documented JSON envelope: {e}")))
    }
}

/// Recovers the error codes of a v3.1 error answer (`"data": null`) whose body is not valid
/// JSON, as in the enroll page's 310141 example. Only bodies that say there is no data are
/// read this way, so an answer that may carry a result is never mistaken for a refusal.
pub(crate) fn salvage_error_codes(response: &RawResponse) -> Option<Error> {
    let text = String::from_utf8_lossy(&response.body);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains("\"data\":null") {
        return None;
    }
    let mut errors = Vec::new();
    let mut rest = compact.as_str();
    while let Some(at) = rest.find("\"code\":") {
        rest = &rest[at + "\"code\":".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(code) = digits.parse::<i64>() {
            let code = crate::error::ErrorCode::from_i64(code);
            errors.push(crate::model::ApiMessage {
                code,
                message: code.description().to_string(),
            });
        }
    }
    if errors.is_empty() {
        return None;
    }
    Some(Error::Api {
        meta: response.meta.clone(),
        errors,
        warnings: Vec::new(),
    })
}
