//! [`RedisRateLimiter`]: one limit shared by a fleet, as a GCRA in one atomic Lua script.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use super::{NoPermit, RateLimit, RateLimiter};
use crate::error::Error;
use crate::transport::BoxFuture;

/// GCRA on the Redis server's clock, so that the processes' clocks need not agree. The first
/// key holds the theoretical arrival time of the next request (microseconds), the second one
/// exists while the fleet is paused after a 429; the script answers 0 for a permit (and moves
/// that time on), or how many microseconds until one may be free.
///
/// What the keys hold is not trusted: no limit sets a time more than its burst and a day
/// ahead, so such a value (or one that is not a number) was written by something else and the
/// limit starts afresh; no wait answered is over a day, which keeps it an integer Redis can
/// return (a Lua number past 2^63 comes back negative).
const GCRA: &str = r"
local day = 86400000000
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  return math.min(paused * 1000, day)
end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat ~= tat or tat < now or tat > now + tolerance + interval + day then tat = now end
local allowed_at = tat - tolerance
if now < allowed_at then
  return math.min(math.ceil(allowed_at - now), day)
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
";

/// Pauses the fleet for ARGV[1] milliseconds, unless it is already paused for longer.
const PAUSE: &str = r"
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
";

/// Opens a connection to the Redis at `url` that reconnects by itself: after a Redis restart
/// (or a dropped connection) the call that finds the connection dead fails, a new connection
/// is made in the background, and the calls after it use it.
pub(crate) async fn connect(url: &str) -> Result<ConnectionManager, Error> {
    let client =
        redis::Client::open(url).map_err(|e| Error::config(format!("not a Redis URL: {e}")))?;
    ConnectionManager::new_with_config(client, reconnecting())
        .await
        .map_err(|e| Error::config(format!("could not connect to Redis: {e}")))
}

/// Reconnecting tries three times within about a second, then fails the calls waiting for it;
/// the next call starts again. Short, because a call waits for it (within its deadline) and
/// fails closed meanwhile; frequent, so that sharing resumes soon after Redis is back.
fn reconnecting() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_number_of_retries(2)
        .set_min_delay(Duration::from_millis(50))
        .set_max_delay(Duration::from_millis(500))
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(Duration::from_millis(500)))
}

/// A rate limit shared by every process that uses the same Redis, API key and base URL:
/// N replicas together stay within the one limit.
///
/// A permit is one round trip to Redis; when none is free, the process sleeps until the
/// script says one will be, then asks again. When Redis cannot be reached the request is not
/// sent ([`NoPermit`]; the error says the shared rate limit is out of reach): going over a
/// shared limit is what this limiter is for.
///
/// The connection reconnects by itself: a Redis restart fails the calls that find the old
/// connection dead (nothing sent), then permits come from the restarted Redis again.
#[derive(Clone)]
pub struct RedisRateLimiter {
    connection: ConnectionManager,
    script: redis::Script,
    pause: redis::Script,
    key: String,
    limit: RateLimit,
}

impl RedisRateLimiter {
    /// Connects to the Redis at `url` (e.g. `redis://127.0.0.1:6379/`) and shares `limit`
    /// under a key made of `api_key` and `base_url`.
    pub async fn connect(
        url: &str,
        limit: RateLimit,
        api_key: &str,
        base_url: &str,
    ) -> Result<Self, Error> {
        Self::new(connect(url).await?, limit, api_key, base_url)
    }

    /// As [`connect`](Self::connect), over a connection you opened. `connect` reconnects
    /// within about a second (three tries, 50 to 500 ms apart, 1 s to connect, 500 ms for an
    /// answer); a `ConnectionManager` with its default settings keeps a call waiting longer.
    pub fn new(
        connection: ConnectionManager,
        limit: RateLimit,
        api_key: &str,
        base_url: &str,
    ) -> Result<Self, Error> {
        limit.checked()?;
        Ok(Self {
            connection,
            script: redis::Script::new(GCRA),
            pause: redis::Script::new(PAUSE),
            key: format!(
                "capillary:rate:{}|{api_key}",
                base_url.trim_end_matches('/')
            ),
            limit,
        })
    }

    /// The Redis key the limit is kept under.
    pub fn key(&self) -> &str {
        &self.key
    }

    fn pause_key(&self) -> String {
        format!("{}:paused", self.key)
    }

    /// Takes a permit now, or says how long until one may be free.
    async fn try_acquire(&self) -> Result<Result<(), Duration>, NoPermit> {
        let interval = u64::try_from(self.limit.interval().as_micros()).unwrap_or(u64::MAX);
        let mut connection = self.connection.clone();
        let wait: u64 = self
            .script
            .key(&self.key)
            .key(self.pause_key())
            .arg(interval.max(1))
            .arg(self.limit.burst_size())
            .invoke_async(&mut connection)
            .await
            .map_err(|e| {
                NoPermit::new(format!(
                    "the shared rate limit (Redis) is out of reach ({e})"
                ))
            })?;
        Ok(match wait {
            0 => Ok(()),
            micros => Err(Duration::from_micros(micros)),
        })
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire(&self, deadline: Instant) -> BoxFuture<'_, Result<(), NoPermit>> {
        Box::pin(async move {
            loop {
                match self.try_acquire().await? {
                    Ok(()) => return Ok(()),
                    Err(wait) => {
                        let at = Instant::now().checked_add(wait);
                        let Some(at) = at.filter(|at| *at <= deadline) else {
                            let reason = format!(
                                "the shared rate limit ({}) has no permit before the call's deadline",
                                self.limit
                            );
                            return Err(NoPermit::past_deadline(reason, wait));
                        };
                        tokio::time::sleep_until(at).await;
                    }
                }
            }
        })
    }

    /// A 429 with `Retry-After` seen by one process pauses the whole fleet: the pause is kept
    /// in Redis beside the limit, and every permit waits for it.
    fn throttled(&self, retry_after: Option<Duration>) {
        let Some(wait) = retry_after.filter(|w| !w.is_zero()) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let millis = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        let (mut connection, pause, key) = (
            self.connection.clone(),
            self.pause.clone(),
            self.pause_key(),
        );
        // Not awaited by the call that saw the 429: its own pause already holds it back.
        runtime.spawn(async move {
            let result: redis::RedisResult<i64> = pause
                .key(key)
                .arg(millis)
                .invoke_async(&mut connection)
                .await;
            if let Err(error) = result {
                tracing::warn!(
                    target: "capillary_sdk::rate_limit",
                    "could not share the pause with the fleet: {error}"
                );
            }
        });
    }
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("key", &self.key)
            .field("limit", &self.limit.to_string())
            .finish()
    }
}
