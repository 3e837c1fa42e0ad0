//! The `errors`/`warnings` entries of every envelope, and the metadata of every answer.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::code::ErrorCode;

/// One entry of an `errors` or `warnings` list: a typed code and the server's message.
///
/// Serialised as the API writes it: `{"code": 8015, "message": "..."}` (the code a number, an
/// unknown one as received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    /// The code, typed; codes this SDK does not know are [`ErrorCode::Unknown`].
    pub code: ErrorCode,
    /// The server's message, verbatim.
    pub message: String,
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
            message: Option<String>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(ApiMessage {
            code: ErrorCode::from_i64(raw.code.unwrap_or(0)),
            message: raw.message.unwrap_or_default(),
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

fn deserialize_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Reads `errors`/`warnings`, which the server sends as a list, `null`, or leaves out.
pub(crate) fn deserialize_messages<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ApiMessage>, D::Error> {
    Ok(Option::<Vec<ApiMessage>>::deserialize(d)?.unwrap_or_default())
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
/// Serialised as `{"status": 207, "requestId": "...", "retryAfterSeconds": 3}` (the last two
/// only when present).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status of the answer.
    pub status: http::StatusCode,
    /// The `X-Cap-Requestid` header, which Capillary support asks for.
    pub request_id: Option<String>,
    // Whole seconds keep `Error` small enough that `Result<_, Error>` stays cheap to return.
    pub(crate) retry_after_secs: Option<u32>,
}

impl ResponseMeta {
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
