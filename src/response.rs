//! An answer as received, and the ways an answer becomes an error: the envelope's `errors`,
//! or "not the documented envelope" without quoting anything that may be secret.

use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::Error;
use crate::model::{
    deserialize_messages, prefix, AnswerSignals, ApiMessage, ErrorCode, ResponseMeta,
};
use crate::retry::parse_retry_after;
use crate::verdict::Verdict;

/// The header that carries Capillary's request id.
pub(crate) const REQUEST_ID_HEADER: &str = "x-cap-requestid";

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

/// How many bytes of a `Content-Type` an error keeps.
const CONTENT_TYPE_BYTES: usize = 128;

/// How many bytes of an explanation an error keeps: decoder messages quote the offending
/// value, which a server can make as long as its body.
const REASON_BYTES: usize = 300;

/// An answer as received: status, request id, content type, `Retry-After` and body.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub meta: ResponseMeta,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Bytes,
}

impl RawResponse {
    /// Takes the answer to a write (a `POST`) apart.
    pub fn from_http(response: http::Response<Bytes>) -> Self {
        Self::answering(&http::Method::POST, response)
    }

    /// Takes the answer to a request sent with `method` apart. Only a bounded prefix of each
    /// header is copied: a server can make them as long as it likes.
    pub fn answering(method: &http::Method, response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        let header = |name: &str, max: usize| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| prefix(v, max).to_string())
        };
        let retry_after = parts
            .headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let signals = AnswerSignals::from_answer(method, parts.status, &parts.headers, &body);
        Self {
            meta: ResponseMeta {
                status: parts.status,
                request_id: header(REQUEST_ID_HEADER, ResponseMeta::MAX_REQUEST_ID_BYTES),
                retry_after_secs: retry_after.map(|d| {
                    u32::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0)).unwrap_or(u32::MAX)
                }),
                signals,
            },
            content_type: header("content-type", CONTENT_TYPE_BYTES),
            retry_after,
            body,
        }
    }

    /// The verdict of this answer: its status, read with its signals.
    pub fn verdict(&self) -> Verdict {
        Verdict::of_answer(self.meta.status, &self.meta.signals)
    }

    /// The first bytes of the body, for error messages.
    fn snippet(&self) -> String {
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

    /// An [`Error::UnexpectedResponse`] for this answer; a write's may have been applied when
    /// the status says the server acted (a 2xx) or failed mid-way (a 5xx).
    pub fn unexpected(&self, reason: impl Into<String>) -> Error {
        let maybe_applied =
            Verdict::of_unreadable_answer(self.meta.status, &self.meta.signals).maybe_applied();
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
            maybe_applied,
        }
    }

    /// Decodes the body as JSON, or explains why it could not.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(self.unexpected("empty body"));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.unexpected(format!("not the documented JSON envelope: {e}")))
    }

    /// The error an answer that is not a success stands for, read from whichever documented
    /// envelope it has: top-level `errors` (v2 single, v3.1), the items of a bulk answer, or
    /// the codes of a v3.1 error page that is not valid JSON. Its verdict comes from the
    /// status, whatever the body says.
    pub fn refusal(&self) -> Error {
        let (errors, warnings) = match serde_json::from_slice::<AnyEnvelope>(&self.body) {
            Ok(envelope) => envelope.messages(),
            Err(_) => (salvage_error_codes(&self.body), Vec::new()),
        };
        if errors.is_empty() {
            return self.unexpected(format!(
                "HTTP {} without errors in the body",
                self.meta.status.as_u16()
            ));
        }
        Error::Api {
            meta: self.meta.clone(),
            errors,
            warnings,
        }
    }
}

/// Every envelope's error-bearing fields at once.
#[derive(Deserialize)]
struct AnyEnvelope {
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
    #[serde(default)]
    response: Option<Vec<AnyItem>>,
}

#[derive(Deserialize)]
struct AnyItem {
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
}

impl AnyEnvelope {
    /// The envelope's errors, or else the distinct errors of its items: at most
    /// [`ApiMessage::MAX_MESSAGES`] either way.
    fn messages(self) -> (Vec<ApiMessage>, Vec<ApiMessage>) {
        let mut errors = self.errors;
        if errors.is_empty() {
            for item in self.response.into_iter().flatten() {
                for message in item.errors {
                    if errors.len() == ApiMessage::MAX_MESSAGES {
                        return (errors, self.warnings);
                    }
                    if !errors.contains(&message) {
                        errors.push(message);
                    }
                }
            }
        }
        (errors, self.warnings)
    }
}

/// Recovers the error codes of a v3.1 error answer (`"data": null`) whose body is not valid
/// JSON, as in the enroll page's 310141 example. Only bodies that say there is no data are
/// read this way, so an answer that may carry a result is never mistaken for a refusal.
pub(crate) fn salvage_error_codes(body: &[u8]) -> Vec<ApiMessage> {
    let text = String::from_utf8_lossy(body);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains("\"data\":null") {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let mut rest = compact.as_str();
    while errors.len() < ApiMessage::MAX_MESSAGES {
        let Some(at) = rest.find("\"code\":") else {
            break;
        };
        rest = &rest[at + "\"code\":".len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(code) = digits.parse::<i64>() {
            let code = ErrorCode::from_i64(code);
            errors.push(ApiMessage {
                code,
                message: code.description().to_string(),
            });
        }
    }
    errors
}
