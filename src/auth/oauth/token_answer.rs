//! The token request and what its answer means.
//!
//! The token endpoint's body is never kept: a failure says in words what was wrong (the
//! status, which field, which type), because a body that is almost a token may hold one.
//! That is also why the body is read as a `serde_json::Value` and checked field by field:
//! serde's own error messages quote the offending value.

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::time::Instant;

use super::failure::Failure;
use super::TOKEN_PATH;
use crate::auth::AuthContext;
use crate::model::{ApiMessage, ResponseMeta};
use crate::response::RawResponse;

/// A token answer is a few hundred bytes; a body far larger is not one and is not parsed.
const MAX_TOKEN_ANSWER_BYTES: usize = 64 * 1024;

/// No ttl a server sends may overflow the clock.
pub(super) const MAX_TTL: Duration = Duration::from_secs(86_400);

/// A real token is a JWT of a kilobyte or two; a longer one would be sent on every call.
pub(super) const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The most a token is renewed before its ttl runs out.
const MAX_MARGIN: Duration = Duration::from_secs(30);

const REFUSED: &str = "the token endpoint refused the client key and secret";

/// A token and when to stop using it.
pub(super) struct Token {
    /// The header value, marked sensitive so that `Debug` of a header map hides it.
    pub(super) header: http::HeaderValue,
    /// Renewed a little before the ttl, so that a token never expires in flight.
    pub(super) refresh_at: Instant,
}

/// Requests a token with `body` (the JSON key and secret) and reads the answer.
pub(super) async fn fetch(ctx: AuthContext, body: Bytes) -> Result<Token, Failure> {
    let started = Instant::now();
    let response = ctx
        .post_json(TOKEN_PATH, body)
        .await
        .map_err(Failure::from_request_error)?;
    let RawResponse {
        meta,
        content_type,
        body,
        ..
    } = RawResponse::from_http(response);
    let html = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    tracing::debug!(
        status = meta.status.as_u16(),
        request_id = meta.request_id.as_deref(),
        body_bytes = body.len(),
        "oauth token answer"
    );
    read(meta, html, &body, started)
}

/// Classifies one token-endpoint answer: a token, refused credentials, or a failing endpoint.
pub(super) fn read(
    meta: ResponseMeta,
    html: bool,
    body: &[u8],
    started: Instant,
) -> Result<Token, Failure> {
    let status = meta.status;
    let parsed = parse(body, html);
    let listed = parsed.as_ref().ok().and_then(listed_errors);
    let endpoint = |reason: String| Failure::Endpoint {
        status: Some(status),
        request_id: meta.request_id.clone(),
        reason,
        transport: None,
    };
    // The status decides first: a failing endpoint is not a refusal, whatever its body says.
    if status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS {
        let what = if status.is_server_error() {
            "the token endpoint failed"
        } else {
            "the token endpoint asks for fewer requests"
        };
        let codes = match &listed {
            Some(Ok(errors)) if !errors.is_empty() => format!(" (error codes {})", codes(errors)),
            _ => String::new(),
        };
        return Err(endpoint(format!("{what}{codes}")));
    }
    let refused = matches!(status.as_u16(), 401 | 403);
    match listed {
        Some(Ok(errors)) if refused || !errors.is_empty() => {
            return Err(Failure::Refused {
                meta: Some(meta),
                errors,
                reason: REFUSED.into(),
            })
        }
        Some(Err(reason)) if !refused => return Err(endpoint(reason.into())),
        _ if refused => {
            return Err(Failure::Refused {
                meta: Some(meta),
                errors: Vec::new(),
                reason: REFUSED.into(),
            })
        }
        _ => {}
    }
    if !status.is_success() {
        return Err(endpoint("the answer is not a token".into()));
    }
    let value = parsed.map_err(endpoint)?;
    let (access_token, ttl_seconds) = token_fields(&value).map_err(endpoint)?;
    let header =
        header_value(access_token).map_err(|why| endpoint(format!("data.accessToken {why}")))?;
    let ttl = Duration::from_secs(ttl_seconds).min(MAX_TTL);
    let margin = (ttl / 5).min(MAX_MARGIN);
    Ok(Token {
        header,
        refresh_at: started + ttl - margin,
    })
}

/// `token` as the header it travels in (marked sensitive), or why it cannot be one.
pub(super) fn header_value(token: &str) -> Result<http::HeaderValue, &'static str> {
    if token.is_empty() {
        return Err("is empty");
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err("is longer than 8 KiB, longer than any token");
    }
    // Visible ASCII only: what a token is made of, and what every replica reads the same way.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("is not a valid header value");
    }
    let mut header =
        http::HeaderValue::from_str(token).map_err(|_| "is not a valid header value")?;
    header.set_sensitive(true);
    Ok(header)
}

fn parse(body: &[u8], html: bool) -> Result<Value, String> {
    if body.len() > MAX_TOKEN_ANSWER_BYTES {
        return Err(format!(
            "the answer is {} bytes, far larger than a token answer",
            body.len()
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("the body is empty".into());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(value) => Err(format!("the body is {}, expected an object", kind(&value))),
        Err(_) if html => Err("the body is HTML, not JSON".into()),
        Err(_) => Err("the body is not JSON".into()),
    }
}

/// The `errors` the envelope lists: `None` when there is no list, an error when it is not one.
fn listed_errors(value: &Value) -> Option<Result<Vec<ApiMessage>, &'static str>> {
    match value.get("errors")? {
        Value::Null => None,
        errors @ Value::Array(_) => Some(
            serde_json::from_value::<Vec<ApiMessage>>(errors.clone())
                .map_err(|_| "errors is not a list of codes and messages"),
        ),
        _ => Some(Err("errors is not a list")),
    }
}

fn codes(errors: &[ApiMessage]) -> String {
    errors
        .iter()
        .map(|e| e.code.as_i64().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn token_fields(value: &Value) -> Result<(&str, u64), String> {
    let data = match value.get("data") {
        None | Some(Value::Null) => return Err("data is missing".into()),
        Some(data @ Value::Object(_)) => data,
        Some(other) => return Err(format!("data is {}, expected an object", kind(other))),
    };
    let access_token = match data.get("accessToken") {
        None | Some(Value::Null) => return Err("data.accessToken is missing".into()),
        Some(Value::String(token)) if token.is_empty() => {
            return Err("data.accessToken is empty".into())
        }
        Some(Value::String(token)) => token.as_str(),
        Some(other) => {
            return Err(format!(
                "data.accessToken is {}, expected a string",
                kind(other)
            ))
        }
    };
    const SECONDS: &str = "expected a whole number of seconds";
    let ttl_seconds = match data.get("ttlSeconds") {
        None | Some(Value::Null) => return Err("data.ttlSeconds is missing".into()),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(seconds) => seconds,
            None if n.is_i64() => return Err(format!("data.ttlSeconds is negative, {SECONDS}")),
            None => return Err(format!("data.ttlSeconds is a fractional number, {SECONDS}")),
        },
        Some(other) => return Err(format!("data.ttlSeconds is {}, {SECONDS}", kind(other))),
    };
    Ok((access_token, ttl_seconds))
}

/// The JSON type of a value, in words (never the value).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
