//! The `errors`/`warnings` entries of every envelope, and the metadata of every answer.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::code::ErrorCode;
use super::signals::AnswerSignals;

/// One entry of an `errors` or `warnings` list: a typed code and the server's message.
///
/// Serialised as the API writes it: `{"code": 8015, "message": "..."}` (the code a number, an
/// unknown one as received).
///
/// What an answer says is bounded while it is read, whatever its size: a message keeps at most
/// [`MAX_MESSAGE_BYTES`](Self::MAX_MESSAGE_BYTES) bytes of the server's text (cut on a character
/// boundary, then [`CUT_MARK`](Self::CUT_MARK)), and one `errors` or `warnings` list keeps its
/// first [`MAX_MESSAGES`](Self::MAX_MESSAGES) entries (the rest are read and dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    /// The code, typed; codes this SDK does not know are [`ErrorCode::Unknown`].
    pub code: ErrorCode,
    /// The server's message, verbatim up to [`MAX_MESSAGE_BYTES`](Self::MAX_MESSAGE_BYTES).
    pub message: String,
}

impl ApiMessage {
    /// How many bytes of a server's message are kept (Capillary's are a few dozen).
    pub const MAX_MESSAGE_BYTES: usize = 512;
    /// What follows a message that was cut at [`MAX_MESSAGE_BYTES`](Self::MAX_MESSAGE_BYTES).
    pub const CUT_MARK: &'static str = " [cut]";
    /// How many entries of one `errors` or `warnings` list are kept; the rest are dropped.
    pub const MAX_MESSAGES: usize = 32;
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code.as_i64(), self.message)
    }
}

impl<'de> Deserialize<'de> for ApiMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "deserialize_code")]
            code: Option<i64>,
            #[serde(default)]
            message: Option<BoundedText>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(ApiMessage {
            code: ErrorCode::from_i64(raw.code.unwrap_or(0)),
            message: raw.message.map(|t| t.0).unwrap_or_default(),
        })
    }
}

impl Serialize for ApiMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ApiMessage", 2)?;
        s.serialize_field("code", &self.code.as_i64())?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

/// A message's text, of at most [`ApiMessage::MAX_MESSAGE_BYTES`]: only that much is copied
/// out of the body.
struct BoundedText(String);

impl<'de> Deserialize<'de> for BoundedText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = BoundedText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BoundedText, E> {
                let kept = prefix(v, ApiMessage::MAX_MESSAGE_BYTES);
                let mut text = String::with_capacity(kept.len() + ApiMessage::CUT_MARK.len());
                text.push_str(kept);
                if kept.len() < v.len() {
                    text.push_str(ApiMessage::CUT_MARK);
                }
                Ok(BoundedText(text))
            }
        }
        d.deserialize_str(Text)
    }
}

/// A code as a number or a numeric string; anything else (read and dropped) is no code.
fn deserialize_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Code;
    impl<'de> Visitor<'de> for Code {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an error code")
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(i64::try_from(v).ok())
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse().ok())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(Code)
}

/// Reads `errors`/`warnings`, which the server sends as a list, `null`, or leaves out: the
/// first [`ApiMessage::MAX_MESSAGES`] entries, the rest read without being kept.
pub(crate) fn deserialize_messages<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ApiMessage>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Vec<ApiMessage>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of messages or null")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut kept = Vec::new();
            while kept.len() < ApiMessage::MAX_MESSAGES {
                match seq.next_element::<ApiMessage>()? {
                    Some(message) => kept.push(message),
                    None => return Ok(kept),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(kept)
        }
    }
    d.deserialize_option(Bounded)
}

/// Asks the same questions of any list of API messages: an error's
/// ([`Error::errors`](crate::Error::errors)) and one bulk customer's
/// (`RevokeItem::result`'s `Err`).
///
/// ```
/// use capillary_sdk::{ApiMessage, ApiMessages, ErrorCode};
///
/// let errors = vec![ApiMessage { code: ErrorCode::CustomerNotFound, message: "not found".into() }];
/// assert!(errors.has_code(ErrorCode::CustomerNotFound));
/// assert_eq!(errors.codes(), [ErrorCode::CustomerNotFound]);
/// ```
pub trait ApiMessages {
    /// The typed codes, in order.
    fn codes(&self) -> Vec<ErrorCode>;
    /// Whether `code` is among them.
    fn has_code(&self, code: ErrorCode) -> bool;
    /// Whether any of `codes` is among them.
    ///
    /// ```
    /// use capillary_sdk::{ApiMessage, ApiMessages, ErrorCode};
    ///
    /// let errors = vec![ApiMessage { code: ErrorCode::InvalidProgramId, message: "bad".into() }];
    /// assert!(errors.has_any_code(&[ErrorCode::InvalidPromotionId, ErrorCode::InvalidProgramId]));
    /// assert!(!errors.has_any_code(&[]));
    /// ```
    fn has_any_code(&self, codes: &[ErrorCode]) -> bool {
        codes.iter().any(|code| self.has_code(*code))
    }
}

impl ApiMessages for [ApiMessage] {
    fn codes(&self) -> Vec<ErrorCode> {
        self.iter().map(|m| m.code).collect()
    }

    fn has_code(&self, code: ErrorCode) -> bool {
        self.iter().any(|m| m.code == code)
    }
}

/// What every answer carries besides its data: the HTTP status, Capillary's request id, and
/// the `Retry-After` the server asked for, if any.
///
/// The request id keeps at most [`MAX_REQUEST_ID_BYTES`](Self::MAX_REQUEST_ID_BYTES) bytes of
/// the header (Capillary's are about 40), so that an answer cannot make every outcome that
/// quotes it large.
///
/// Serialised as `{"status": 207, "requestId": "...", "retryAfterSeconds": 3}` (the last two
/// only when present).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status of the answer.
    pub status: http::StatusCode,
    /// The `X-Cap-Requestid` header, which Capillary support asks for: its first
    /// [`MAX_REQUEST_ID_BYTES`](Self::MAX_REQUEST_ID_BYTES) bytes.
    pub request_id: Option<String>,
    // Whole seconds keep `Error` small enough that `Result<_, Error>` stays cheap to return.
    pub(crate) retry_after_secs: Option<u32>,
    /// What the verdict of this answer reads besides its status (a read, Capillary's 503).
    pub(crate) signals: AnswerSignals,
}

impl ResponseMeta {
    /// How many bytes of an `X-Cap-Requestid` header are kept.
    pub const MAX_REQUEST_ID_BYTES: usize = 128;

    /// What the verdict of this answer reads besides its status.
    pub fn signals(&self) -> AnswerSignals {
        self.signals
    }

    /// The `Retry-After` header (seconds or an HTTP date), as a delay from when the answer
    /// arrived, in whole seconds.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after_secs
            .map(|s| std::time::Duration::from_secs(u64::from(s)))
    }
}

impl Serialize for ResponseMeta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("ResponseMeta", 3)?;
        s.serialize_field("status", &self.status.as_u16())?;
        if let Some(id) = &self.request_id {
            s.serialize_field("requestId", id)?;
        } else {
            s.skip_field("requestId")?;
        }
        if let Some(wait) = self.retry_after_secs {
            s.serialize_field("retryAfterSeconds", &wait)?;
        } else {
            s.skip_field("retryAfterSeconds")?;
        }
        s.end()
    }
}

impl fmt::Display for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_accept_null_and_string_codes() {
        let m: ApiMessage = serde_json::from_str(r#"{"code":"8015","message":"x"}"#).unwrap();
        assert_eq!(m.code, ErrorCode::CustomerNotFound);
        let m: ApiMessage = serde_json::from_str(r#"{"status":false,"code":1}"#).unwrap();
        assert_eq!(m.code, ErrorCode::Unknown(1));
    }
}
