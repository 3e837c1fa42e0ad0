//! [`TokenStore`]: where processes that share a client key find each other's token, so that a
//! fleet makes one token request per key rather than one per process.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use super::failure::Failure;
use super::token_answer::{self, Token};
use crate::transport::BoxFuture;

/// How long the process that fetches a token may hold the lock: longer than one token
/// request takes, short enough that a process that died holding it delays the others little.
const LOCK_TTL: Duration = Duration::from_secs(10);

/// How often a process that lost the race looks for the winner's token.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A failure of the store itself (out of reach, an unexpected reply).
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// A token as stored for other processes: the token and how long it may still be used.
pub struct SharedToken {
    /// The access token.
    pub token: SecretString,
    /// How long it may still be used (the store forgets it then).
    pub valid_for: Duration,
}

impl fmt::Debug for SharedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedToken")
            .field("token", &"[REDACTED]")
            .field("valid_for", &self.valid_for)
            .finish()
    }
}

/// A token cache shared by processes (see the `redis` feature's `RedisTokenStore`).
///
/// [`OAuth`](super::OAuth) keeps its own in-process cache and consults the store only when
/// that one has no fresh token: it loads the shared token; when there is none it tries the
/// lock, and the one process that gets it fetches the token and saves it, while the others
/// look for it every 50 ms until their call's deadline. When the store fails, the process
/// fetches its own token (with a WARN): the store saves requests, it is never in the way.
///
/// What a store hands back is checked before it is sent: a value that is not a token (empty,
/// not visible ASCII, or longer than 8 KiB) counts as no token, and the process that gets the
/// lock fetches a new one and saves it over it (with a WARN). A store need not return more
/// than 8 KiB and a byte of a longer value.
///
/// Each `key` names one client key on one server: `<length of the base URL>:<base URL>|<client
/// key>`, the base URL without its trailing `/`, e.g.
/// `32:https://eu.api.capillarytech.com|my-key`. The length makes it unambiguous: no other
/// pair of base URL and client key, whatever `|` they hold, names the same entry.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The shared token for `key`, if one is stored and still valid.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SharedToken>, StoreError>>;

    /// Takes the lock of `key` for `ttl` if no one holds it; `true` when this store has it.
    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Saves `token` (when the fetch succeeded) and releases the lock this store holds.
    fn save_and_unlock<'a>(
        &'a self,
        key: &'a str,
        token: Option<SharedToken>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// The store key of `client_key` on `server` (a base URL without its trailing `/`).
pub(super) fn shared_key(server: &str, client_key: &str) -> String {
    format!("{}:{server}|{client_key}", server.len())
}

/// A token through `store`: the stored one, the one this process fetches under the lock, or
/// the one another process fetched, waiting at most until `deadline`.
/// A stored token equal to `refused` (one the server refused) is not used: a new one is
/// fetched under the lock and replaces it.
pub(super) async fn fetch_shared<F>(
    store: Arc<dyn TokenStore>,
    key: String,
    refused: Option<http::HeaderValue>,
    deadline: Instant,
    fetch: F,
) -> Result<Token, Failure>
where
    F: std::future::Future<Output = Result<Token, Failure>>,
{
    let unreachable = |error: StoreError| {
        tracing::warn!(
            target: "capillary_sdk::oauth",
            "the shared token store failed ({error}); fetching a token for this process only"
        );
    };
    // A stored value that is not a token is no token: whoever gets the lock saves over it.
    let usable = |shared: Option<SharedToken>| {
        let shared = shared?;
        let token = shared.token.expose_secret();
        if refused
            .as_ref()
            .is_some_and(|r| r.as_bytes() == token.as_bytes())
        {
            return None;
        }
        let usable = from_shared(&shared);
        if usable.is_none() {
            tracing::warn!(
                target: "capillary_sdk::oauth",
                "the shared token store holds a value that is not a token ({} bytes); a new token replaces it",
                token.len()
            );
        }
        usable
    };
    loop {
        match bounded(deadline, store.load(&key)).await {
            Ok(shared) => {
                if let Some(token) = usable(shared) {
                    return Ok(token);
                }
            }
            Err(error) => {
                unreachable(error);
                return fetch.await;
            }
        }
        match bounded(deadline, store.try_lock(&key, LOCK_TTL)).await {
            Ok(true) => {
                // Another process may have saved its token between the load and the lock.
                if let Some(token) = bounded(deadline, store.load(&key))
                    .await
                    .ok()
                    .and_then(usable)
                {
                    let _ = bounded(deadline, store.save_and_unlock(&key, None)).await;
                    return Ok(token);
                }
                let result = fetch.await;
                let shared = result.as_ref().ok().map(to_shared);
                if let Err(error) = bounded(deadline, store.save_and_unlock(&key, shared)).await {
                    unreachable(error);
                }
                return result;
            }
            Ok(false) => {}
            Err(error) => {
                unreachable(error);
                return fetch.await;
            }
        }
        if Instant::now() + POLL_INTERVAL > deadline {
            return Err(Failure::no_answer(
                "no token before the call's deadline: another process holds the token lock",
            ));
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// A store that stops answering without closing its connection must not hold the fetch, and
/// every caller waiting on it, past the deadline: past it, the store counts as failed.
async fn bounded<T>(
    deadline: Instant,
    op: BoxFuture<'_, Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout_at(deadline, op)
        .await
        .unwrap_or_else(|_| Err(StoreError::from("the token store did not answer in time")))
}

/// The stored token, if it is one; used no longer than a token endpoint's ttl may say.
fn from_shared(shared: &SharedToken) -> Option<Token> {
    let header = token_answer::header_value(shared.token.expose_secret()).ok()?;
    let now = Instant::now();
    Some(Token {
        header,
        refresh_at: now
            .checked_add(shared.valid_for.min(token_answer::MAX_TTL))
            .unwrap_or(now),
    })
}

fn to_shared(token: &Token) -> SharedToken {
    SharedToken {
        token: SecretString::from(String::from_utf8_lossy(token.header.as_bytes()).into_owned()),
        valid_for: token.refresh_at.saturating_duration_since(Instant::now()),
    }
}
