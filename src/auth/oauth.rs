use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;

use super::{Auth, AuthContext};
use crate::error::Error;
use crate::model::{deserialize_messages, ApiMessage};
use crate::response::RawResponse;
use crate::transport::BoxFuture;

/// The path of Capillary's token endpoint.
pub const TOKEN_PATH: &str = "/v3/oauth/token/generate";

/// The header the token travels in (no `Bearer` prefix).
pub const TOKEN_HEADER: &str = "x-cap-api-oauth-token";

/// OAuth with a client key and secret, and a shared token cache.
///
/// The token is fetched from `POST /v3/oauth/token/generate` on first use and reused until
/// shortly before its `ttlSeconds` run out. Fetching is single-flight: however many calls
/// need a token at once, one request fetches it and the others wait for it. When the server
/// answers 401 (invalid) or 498 (expired), the token is dropped and the call replayed once
/// with a new one.
///
/// Clone it to share the cache: clones share one token.
///
/// ```
/// use capillary_sdk::auth::OAuth;
///
/// let auth = OAuth::new("my-key", "my-secret");
/// assert!(!format!("{auth:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct OAuth {
    inner: Arc<Inner>,
}

struct Inner {
    key: String,
    secret: SecretString,
    cached: Mutex<Option<Arc<Token>>>,
    // Held while a token is fetched: callers queue here, and find the new token when they
    // get the lock, so one fetch serves them all.
    refresh: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

struct Token {
    header: http::HeaderValue,
    refresh_at: Instant,
}

#[derive(Deserialize)]
struct TokenEnvelope {
    #[serde(default)]
    data: Option<TokenData>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenData {
    access_token: String,
    ttl_seconds: u64,
}

impl OAuth {
    /// OAuth credentials: the client key and its secret.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                key: key.into(),
                secret: SecretString::from(secret.into()),
                cached: Mutex::new(None),
                refresh: tokio::sync::Mutex::new(()),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    /// The client key.
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    /// How many token requests this cache has made (for tests and metrics).
    pub fn token_requests(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    fn current(&self) -> Option<Arc<Token>> {
        let guard = self.inner.cached.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .cloned()
    }

    async fn token(&self, ctx: &AuthContext) -> Result<Arc<Token>, Error> {
        if let Some(token) = self.current() {
            return Ok(token);
        }
        let _flight = self.inner.refresh.lock().await;
        if let Some(token) = self.current() {
            return Ok(token);
        }
        let token = Arc::new(self.fetch(ctx).await?);
        *self.inner.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(token)
    }

    async fn fetch(&self, ctx: &AuthContext) -> Result<Token, Error> {
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({
            "key": self.inner.key,
            "secret": self.inner.secret.expose_secret(),
        });
        let body = Bytes::from(body.to_string());
        let started = Instant::now();
        let response = ctx.post_json(TOKEN_PATH, body).await?;
        let raw = RawResponse::from_http(response);
        tracing::debug!(
            status = raw.meta.status.as_u16(),
            request_id = raw.meta.request_id.as_deref(),
            "oauth token request"
        );
        let envelope: Option<TokenEnvelope> = serde_json::from_slice(&raw.body).ok();
        match envelope {
            Some(TokenEnvelope {
                data: Some(data),
                errors,
            }) if errors.is_empty() && raw.meta.status.is_success() => {
                let mut header =
                    http::HeaderValue::from_str(&data.access_token).map_err(|_| Error::Auth {
                        meta: Some(raw.meta.clone()),
                        errors: Vec::new(),
                        reason:
                            "the token endpoint returned a token that is not a valid header value"
                                .into(),
                    })?;
                header.set_sensitive(true);
                // Capped so that no ttl a server sends can overflow the clock.
                let ttl = Duration::from_secs(data.ttl_seconds.min(86_400));
                // Refresh a little early so a token never expires in flight.
                let margin = (ttl / 5).min(Duration::from_secs(30));
                Ok(Token {
                    header,
                    refresh_at: started + ttl - margin,
                })
            }
            Some(TokenEnvelope { errors, .. }) if !errors.is_empty() => Err(Error::Auth {
                meta: Some(raw.meta),
                reason: "the token endpoint refused the client key and secret".into(),
                errors,
            }),
            _ if matches!(raw.meta.status.as_u16(), 401 | 403) => Err(Error::Auth {
                meta: Some(raw.meta),
                errors: Vec::new(),
                reason: "the token endpoint refused the client key and secret".into(),
            }),
            _ => Err(raw.unexpected("the token endpoint's answer is not a token")),
        }
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("key", &self.inner.key)
            .field("secret", &"[REDACTED]")
            .field("token_requests", &self.token_requests())
            .finish()
    }
}

impl Auth for OAuth {
    fn authorize<'a>(
        &'a self,
        ctx: &'a AuthContext,
        headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let token = self.token(ctx).await?;
            headers.insert(
                http::HeaderName::from_static(TOKEN_HEADER),
                token.header.clone(),
            );
            Ok(())
        })
    }

    fn reject(&self, sent: &http::HeaderMap) -> bool {
        let mut cached = self.inner.cached.lock().unwrap_or_else(|p| p.into_inner());
        // Only drop the token that was refused: another caller may already have a new one.
        if let (Some(token), Some(sent)) = (cached.as_ref(), sent.get(TOKEN_HEADER)) {
            if token.header == sent {
                *cached = None;
            }
        }
        true
    }
}
