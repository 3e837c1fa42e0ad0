//! [`RedisTokenStore`]: the OAuth token shared by a fleet through Redis.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret, SecretString};

use super::store::{SharedToken, StoreError, TokenStore};
use super::token_answer::MAX_TOKEN_BYTES;
use crate::error::Error;
use crate::transport::BoxFuture;

/// Releases the lock only if this store still holds it (it may have expired and been taken
/// by another process), and saves the token in the same step.
const SAVE_AND_UNLOCK: &str = r"
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return 1
";

/// Takes the lock for ARGV[2] ms if it is free (1). A lock held past that (no expiry, or a
/// longer one) was set by no store, which holds it ARGV[2] at most: it is given that expiry,
/// and the caller is told (2) rather than waiting for it in vain.
const TRY_LOCK: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 or ttl > tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 2
end
return 0
";

/// A [`TokenStore`] in Redis: the token under `capillary:token:<length of the base URL>:<base
/// URL>|<client key>` (e.g. `capillary:token:32:https://eu.api.capillarytech.com|my-key`),
/// expiring when it should be renewed, and a lock key beside it (`capillary:token-lock:...`,
/// `SET NX` with a short expiry) that one process of the fleet holds while it requests a new
/// token.
///
/// The connection reconnects by itself: after a Redis restart the calls that find the old
/// connection dead fetch their own token (with a WARN), then the fleet shares one again. At
/// most 8 KiB and a byte of a stored value is read; a value that is not a token is replaced.
///
/// ```no_run
/// use capillary_sdk::auth::{OAuth, RedisTokenStore};
///
/// # async fn run() -> Result<(), capillary_sdk::Error> {
/// let store = RedisTokenStore::connect("redis://127.0.0.1:6379/").await?;
/// let auth = OAuth::new("my-key", "my-secret").token_store(store);
/// # let _ = auth; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisTokenStore {
    connection: ConnectionManager,
    save_and_unlock: redis::Script,
    try_lock: redis::Script,
    /// Who holds a lock, so that a store releases only its own.
    owner: String,
}

impl RedisTokenStore {
    /// Connects to the Redis at `url`, with a connection that reconnects within about a
    /// second after Redis comes back.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Ok(Self::new(crate::rate_limit::connect_redis(url).await?))
    }

    /// Over a connection you opened.
    pub fn new(connection: ConnectionManager) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self {
            connection,
            save_and_unlock: redis::Script::new(SAVE_AND_UNLOCK),
            try_lock: redis::Script::new(TRY_LOCK),
            owner: format!("{}-{nanos}", std::process::id()),
        }
    }
}

fn token_key(key: &str) -> String {
    format!("capillary:token:{key}")
}

fn lock_key(key: &str) -> String {
    format!("capillary:token-lock:{key}")
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl TokenStore for RedisTokenStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SharedToken>, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            // One byte past the longest token: enough to tell a longer value, whatever its size.
            let (token, ttl): (Vec<u8>, i64) = redis::pipe()
                .getrange(
                    token_key(key),
                    0,
                    isize::try_from(MAX_TOKEN_BYTES).unwrap_or(isize::MAX),
                )
                .pttl(token_key(key))
                .query_async(&mut connection)
                .await?;
            // PTTL is negative when the key is gone or has no expiry: not a token to use. A
            // value that is not text is kept as what it is: no token, replaced under the lock.
            Ok(match u64::try_from(ttl) {
                Ok(ttl) if ttl > 0 => Some(SharedToken {
                    token: SecretString::from(String::from_utf8_lossy(&token).into_owned()),
                    valid_for: Duration::from_millis(ttl),
                }),
                _ => None,
            })
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let taken: i64 = self
                .try_lock
                .key(lock_key(key))
                .arg(&self.owner)
                .arg(millis(ttl))
                .invoke_async(&mut connection)
                .await?;
            match taken {
                2 => Err(StoreError::from(
                    "the token lock was held with no expiry, by no replica (it now expires)",
                )),
                taken => Ok(taken == 1),
            }
        })
    }

    fn save_and_unlock<'a>(
        &'a self,
        key: &'a str,
        token: Option<SharedToken>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let (value, ttl) = match &token {
                Some(t) if !t.valid_for.is_zero() => {
                    (t.token.expose_secret().to_string(), millis(t.valid_for))
                }
                _ => (String::new(), 0),
            };
            let _: i64 = self
                .save_and_unlock
                .key(token_key(key))
                .key(lock_key(key))
                .arg(&self.owner)
                .arg(value)
                .arg(ttl)
                .invoke_async(&mut connection)
                .await?;
            Ok(())
        })
    }
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}
