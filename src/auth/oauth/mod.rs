//! OAuth with a client key and secret: the public [`OAuth`] type.

mod cache;
mod failure;
#[cfg(feature = "redis")]
mod redis_store;
mod store;
mod token_answer;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};

use self::cache::Cache;
#[cfg(feature = "redis")]
pub use self::redis_store::RedisTokenStore;
pub use self::store::{SharedToken, StoreError, TokenStore};
use super::{Auth, AuthContext};
use crate::error::Error;
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
/// The fetch runs on its own tokio task: a call that times out or is dropped while waiting
/// for it stops waiting, and the token still lands in the cache for the next call. A caller
/// waits at most until its call's deadline, and then fails with
/// [`Error::TokenEndpoint`].
///
/// A failed fetch answers every call waiting for it at once, with the same error. The next
/// fetch starts only after a pause (100 ms, doubling with each failure in a row up to 5 s,
/// back to 100 ms after a success), so that an outage of the token endpoint is not multiplied
/// by the number of callers. A call arriving during the pause waits for it if a fetch can
/// start before the call's deadline, and otherwise fails at once with the last failure.
///
/// The token endpoint's answers are classified as follows; its body is never kept in an error
/// or a log line (the error says what was wrong in words):
/// - no answer (connection refused, timeout) or an HTTP 5xx or 429, or an answer that is not
///   a well-formed token: [`Error::TokenEndpoint`], with the token endpoint's status when it
///   answered; nothing of the call was sent;
/// - HTTP 401 or 403, or an answer listing errors (such as 320001): [`Error::Auth`], the key
///   and secret were refused.
///
/// Clone it to share the cache: clones share one token per server. A token is good only on
/// the server that issued it: clients of different base URLs (production and a sandbox) built
/// with one `OAuth` each get their own token from their own server, each fetched single-flight.
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
    /// One cache per server, by base URL (without its trailing `/`): a token goes only to the
    /// server that issued it.
    caches: Mutex<HashMap<String, Arc<Cache>>>,
    store: Option<Arc<dyn TokenStore>>,
}

impl Inner {
    fn new(key: String, secret: SecretString, store: Option<Arc<dyn TokenStore>>) -> Self {
        Self {
            key,
            secret,
            caches: Mutex::default(),
            store,
        }
    }

    fn caches(&self) -> MutexGuard<'_, HashMap<String, Arc<Cache>>> {
        // A map of shared handles: a panic elsewhere cannot leave it half-written.
        self.caches.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cache(&self, server: &str) -> Arc<Cache> {
        let mut caches = self.caches();
        match caches.get(server) {
            Some(cache) => Arc::clone(cache),
            None => {
                let cache = Arc::new(Cache::new());
                caches.insert(server.to_string(), Arc::clone(&cache));
                cache
            }
        }
    }
}

impl OAuth {
    /// OAuth credentials: the client key and its secret.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Inner::new(
                key.into(),
                SecretString::from(secret.into()),
                None,
            )),
        }
    }

    /// Shares tokens with other processes through `store` (e.g. a `RedisTokenStore`): when
    /// this process has no fresh token, it takes the stored one, and only one process of the
    /// fleet requests a new one. Returns a new `OAuth` with its own (empty) in-process cache.
    pub fn token_store(self, store: impl TokenStore + 'static) -> Self {
        Self {
            inner: Arc::new(Inner::new(
                self.inner.key.clone(),
                self.inner.secret.clone(),
                Some(Arc::new(store)),
            )),
        }
    }

    /// The client key.
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    /// How many token requests this cache has started, on every server (for tests and
    /// metrics).
    pub fn token_requests(&self) -> u64 {
        self.inner.caches().values().map(|c| c.fetches()).sum()
    }

    fn token_request_body(&self) -> Bytes {
        let body = serde_json::json!({
            "key": self.inner.key,
            "secret": self.inner.secret.expose_secret(),
        });
        Bytes::from(body.to_string())
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
            let server = ctx.base_url().as_str().trim_end_matches('/');
            let cache = self.inner.cache(server);
            // Read before `token`, which runs `fetch` under the cache's lock.
            let refused = cache.refused();
            let fetch = || {
                let own = token_answer::fetch(ctx.clone(), self.token_request_body());
                let store = self.inner.store.clone();
                let key = store::shared_key(server, &self.inner.key);
                let deadline = ctx.deadline();
                async move {
                    match store {
                        Some(store) => {
                            store::fetch_shared(store, key, refused, deadline, own).await
                        }
                        None => own.await,
                    }
                }
            };
            let token = cache.token(ctx.deadline(), fetch).await?;
            headers.insert(
                http::HeaderName::from_static(TOKEN_HEADER),
                token.header.clone(),
            );
            Ok(())
        })
    }

    fn reject(&self, sent: &http::HeaderMap) -> bool {
        // Only the token that was refused is dropped: another caller may already have a new one.
        // The server is not known here; only the cache that issued the token holds it.
        if let Some(sent) = sent.get(TOKEN_HEADER) {
            let caches: Vec<_> = self.inner.caches().values().cloned().collect();
            for cache in caches {
                cache.reject(sent);
            }
        }
        true
    }
}
