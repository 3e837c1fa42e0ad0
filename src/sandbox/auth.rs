//! The server side of authentication: Basic in Capillary's MD5 form, the OAuth token
//! endpoint, and `X-CAP-API-OAUTH-TOKEN` checks (401 unknown, 498 expired).

use std::time::Duration;

use base64::Engine as _;
use http::{HeaderMap, StatusCode};
use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::json;
use tokio::time::Instant;

use super::incoming::Incoming;
use super::reply::Reply;
use super::state::{State, Token};

/// The Basic auth user the sandbox accepts.
pub const USER: &str = "sandbox";
/// The Basic auth password the sandbox accepts (sent as its MD5, like Capillary expects).
pub const PASSWORD: &str = "sandbox";
/// The OAuth client key the sandbox accepts.
pub const OAUTH_KEY: &str = "sandbox";
/// The OAuth client secret the sandbox accepts.
pub const OAUTH_SECRET: &str = "sandbox";
/// The longest token lifetime the sandbox grants (a year).
const MAX_TOKEN_TTL: Duration = Duration::from_secs(365 * 86_400);
/// How long an expired token is still recognised (and answered 498 rather than 401).
const FORGET_EXPIRED_AFTER: Duration = Duration::from_secs(3600);
/// The header a token travels in (no `Bearer` prefix).
pub(super) const TOKEN_HEADER: &str = "x-cap-api-oauth-token";
/// The token lifetime the sandbox grants unless told otherwise (Capillary's `ttlSeconds`):
/// 300 s.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(300);

#[derive(Deserialize)]
struct TokenBody {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    secret: Option<String>,
}

/// `POST /v3/oauth/token/generate`.
pub(super) fn generate(
    state: &mut State,
    req: &Incoming<'_>,
    ttl: Duration,
    sandbox_id: u64,
) -> Reply {
    let body: Option<TokenBody> = serde_json::from_slice(req.body).ok();
    let valid = body.is_some_and(|b| {
        b.key.as_deref() == Some(OAUTH_KEY) && b.secret.as_deref() == Some(OAUTH_SECRET)
    });
    if !valid {
        return Reply::new(
            StatusCode::UNAUTHORIZED,
            json!({ "data": null, "errors": [{ "code": 320001, "message": "Invalid client key and secret" }] }),
        );
    }
    // Bounded so that no ttl a user sets can overflow the clock.
    let ttl = ttl.min(MAX_TOKEN_TTL);
    state.next_token += 1;
    // JWT-shaped, unique per sandbox instance so one sandbox refuses another's tokens.
    let claims = json!({ "sub": OAUTH_KEY, "sandbox": sandbox_id, "n": state.next_token });
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let token = format!(
        "{}.{}.sandbox",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    // Long-expired tokens are forgotten (they then get 401, not 498) so a long-running
    // server does not keep every token it ever made.
    let now = Instant::now();
    state
        .tokens
        .retain(|_, t| t.expires_at + FORGET_EXPIRED_AFTER > now);
    state.tokens.insert(
        token.clone(),
        Token {
            expires_at: now + ttl,
        },
    );
    Reply::ok(json!({
        "data": { "accessToken": token, "ttlSeconds": ttl.as_secs() },
        "errors": null,
    }))
}

/// Checks the credentials of an API call: a token if one is sent, else Basic.
pub(super) fn check(state: &State, headers: &HeaderMap) -> Result<(), Reply> {
    if let Some(token) = headers.get(TOKEN_HEADER) {
        let token = token.to_str().unwrap_or_default();
        return match state.tokens.get(token) {
            None => Err(Reply::plain_error(
                StatusCode::UNAUTHORIZED,
                401,
                "Invalid access token",
            )),
            Some(t) if Instant::now() >= t.expires_at => Err(Reply::plain_error(
                StatusCode::from_u16(498).unwrap_or(StatusCode::UNAUTHORIZED),
                498,
                "Access token expired",
            )),
            Some(_) => Ok(()),
        };
    }
    let basic = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| {
            base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .ok()
        })
        .and_then(|v| String::from_utf8(v).ok());
    match basic {
        Some(pair) if pair == expected_basic_pair() => Ok(()),
        Some(_) => Err(Reply::plain_error(
            StatusCode::UNAUTHORIZED,
            401,
            "Invalid username or password",
        )),
        None => Err(Reply::plain_error(
            StatusCode::UNAUTHORIZED,
            401,
            "No credentials: send Authorization (Basic) or X-CAP-API-OAUTH-TOKEN",
        )),
    }
}

fn expected_basic_pair() -> String {
    let digest = Md5::digest(PASSWORD.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{USER}:{hex}")
}
