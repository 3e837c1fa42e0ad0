//! What the classifier reads of an answer besides its status: whether the request was a read,
//! and the marks that make a 503 Capillary's own refusal rather than a gateway's failure.

use serde::Deserialize;

use super::code::ErrorCode;

/// What [`Verdict::of_answer`](crate::Verdict::of_answer) reads of an answer besides its status.
///
/// - **A read** (`GET`, or any other safe method) changes nothing on the server, so no answer of
///   a read is "maybe applied": a timeout, a lost answer or a 5xx is worth another attempt.
/// - **Capillary's 503** is "authorization status unavailable" (code 4001), refused before any
///   work. A 503 is read as Capillary's only when the answer says so: its JSON envelope lists
///   code 4001, or it carries a `Retry-After` header. Any other 503 is a gateway's or load
///   balancer's (Envoy's text/plain "upstream connect error or disconnect/reset before
///   headers"), which may come after the backend acted.
///
/// ```
/// use capillary_sdk::{AnswerSignals, Verdict};
///
/// let busy = AnswerSignals::from_answer(
///     &http::Method::POST,
///     http::StatusCode::SERVICE_UNAVAILABLE,
///     &http::HeaderMap::new(),
///     br#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#,
/// );
/// assert_eq!(Verdict::of_answer(http::StatusCode::SERVICE_UNAVAILABLE, &busy), Verdict::RetrySafe);
///
/// let gateway = AnswerSignals::write();
/// assert_eq!(Verdict::of_answer(http::StatusCode::SERVICE_UNAVAILABLE, &gateway), Verdict::MaybeApplied);
/// assert_eq!(Verdict::of_answer(http::StatusCode::SERVICE_UNAVAILABLE, &AnswerSignals::read()), Verdict::RetrySafe);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AnswerSignals {
    read: bool,
    retry_after: bool,
    authorization_unavailable: bool,
}

impl AnswerSignals {
    /// The answer to a write (a `POST`: every Capillary call that changes state), with nothing
    /// else known about it.
    pub fn write() -> Self {
        Self::default()
    }

    /// The answer to a read (a `GET`), with nothing else known about it.
    pub fn read() -> Self {
        Self {
            read: true,
            ..Self::default()
        }
    }

    /// The same, for an answer that carries a `Retry-After` header.
    pub fn with_retry_after(mut self) -> Self {
        self.retry_after = true;
        self
    }

    /// The same, for an answer whose JSON envelope lists code 4001 (authorization status
    /// unavailable).
    pub fn with_authorization_unavailable(mut self) -> Self {
        self.authorization_unavailable = true;
        self
    }

    /// What an answer says, from the request's method, the answer's status, headers and body.
    /// The body is only read for a 503, and only its top-level `errors`.
    pub fn from_answer(
        method: &http::Method,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Self {
        Self {
            read: method.is_safe(),
            retry_after: headers.contains_key(http::header::RETRY_AFTER),
            authorization_unavailable: status == http::StatusCode::SERVICE_UNAVAILABLE
                && lists_authorization_unavailable(body),
        }
    }

    /// Whether the request was a read.
    pub fn is_read(&self) -> bool {
        self.read
    }

    /// Whether the answer carries a `Retry-After` header.
    pub fn has_retry_after(&self) -> bool {
        self.retry_after
    }

    /// Whether the answer's envelope lists code 4001.
    pub fn is_authorization_unavailable(&self) -> bool {
        self.authorization_unavailable
    }

    /// Whether the answer is marked as Capillary's refusal before any work.
    pub(crate) fn capillary_refusal(&self) -> bool {
        self.retry_after || self.authorization_unavailable
    }
}

/// Whether a body is Capillary's JSON envelope listing code 4001. Read on its own (not through
/// `ApiMessage`, whose metadata carries these signals) and without keeping any message.
fn lists_authorization_unavailable(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(default)]
        code: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(default)]
        errors: Option<Vec<Entry>>,
    }
    let wanted = ErrorCode::AuthorizationUnavailable.as_i64();
    serde_json::from_slice::<Envelope>(body).is_ok_and(|e| {
        e.errors
            .unwrap_or_default()
            .iter()
            .any(|entry| match &entry.code {
                Some(serde_json::Value::Number(n)) => n.as_i64() == Some(wanted),
                Some(serde_json::Value::String(s)) => s.trim().parse::<i64>().ok() == Some(wanted),
                _ => false,
            })
    })
}
