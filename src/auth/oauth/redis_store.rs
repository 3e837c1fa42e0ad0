//! [`RedisTokenStore`]: the OAuth token shared by a fleet through Redis.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;
use secrecy::{ExposeSecret, SecretString};

use super::store::{SharedToken, StoreError, TokenStore};
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

/// A [`TokenStore`] in Redis: the token under `capillary:token:<base URL>|<client key>`,
/// expiring when it should be renewed, and a lock key beside it (`SET NX` with a short
/// expiry) that one process of the fleet holds while it requests a new token.
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
    connection: MultiplexedConnection,
    save_and_unlock: redis::Script,
    /// Who holds a lock, so that a store releases only its own.
    owner: String,
}

impl RedisTokenStore {
    /// Connects to the Redis at `url`.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let client =
            redis::Client::open(url).map_err(|e| Error::config(format!("not a Redis URL: {e}")))?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| Error::config(format!("could not connect to Redis: {e}")))?;
        Ok(Self::new(connection))
    }

    /// Over a connection you opened.
    pub fn new(connection: MultiplexedConnection) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self {
            connection,
            save_and_unlock: redis::Script::new(SAVE_AND_UNLOCK),
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
            let (token, ttl): (Option<String>, i64) = redis::pipe()
                .get(token_key(key))
                .pttl(token_key(key))
                .query_async(&mut connection)
                .await?;
            // PTTL is negative when the key is gone or has no expiry: not a token to use.
            Ok(match (token, u64::try_from(ttl)) {
                (Some(token), Ok(ttl)) if ttl > 0 => Some(SharedToken {
                    token: SecretString::from(token),
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
            let taken: Option<String> = redis::cmd("SET")
                .arg(lock_key(key))
                .arg(&self.owner)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut connection)
                .await?;
            Ok(taken.is_some())
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
