//! Client-side rate limits: say once how many calls a key may make, and every attempt, retry
//! and token request of a client (and of all its clones) waits for a permit before it is sent.
//!
//! - [`RateLimit`] says the rate (`RateLimit::per_minute(100)`), with an optional burst.
//! - [`RateLimiter`] is what the client consults before each request. The client builds an
//!   [`AdaptiveRateLimiter`] from a [`RateLimit`]; pass your own (or, with the `redis` feature,
//!   a `RedisRateLimiter` shared by a fleet) to
//!   [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter).
//! - Waiting for a permit counts against the call's deadline. A call that cannot get one before
//!   its deadline fails with [`Error::Transport`] of kind
//!   [`Connect`](crate::transport::TransportErrorKind::Connect): nothing was sent.
//! - When the server answers 429 (or 503 with `Retry-After`), every call of the client waits
//!   until that `Retry-After` has passed, and the adaptive limiter lowers its rate, then
//!   recovers it step by step.

mod adaptive;
mod gate;
mod local;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;
use crate::transport::BoxFuture;

pub use self::adaptive::AdaptiveRateLimiter;
pub(crate) use self::gate::Gate;
pub use self::local::LocalRateLimiter;
#[cfg(feature = "redis")]
pub(crate) use self::redis::connect as connect_redis;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::RedisRateLimiter;

/// A rate: so many requests per second or per minute, and how many may go at once.
///
/// The default burst is 1: requests are spaced evenly, which no server-side window (fixed,
/// sliding or token bucket) counts as over the rate.
///
/// ```
/// use capillary_sdk::rate_limit::RateLimit;
///
/// let limit: RateLimit = "100/min".parse().unwrap();
/// assert_eq!(limit, RateLimit::per_minute(100));
/// assert_eq!(limit.to_string(), "100/min");
/// assert_eq!(limit.interval(), std::time::Duration::from_millis(600));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    count: u32,
    per_minute: bool,
    burst: u32,
}

impl RateLimit {
    /// `n` requests a minute (checked when the client is built: it must not be zero).
    pub fn per_minute(n: u32) -> Self {
        Self {
            count: n,
            per_minute: true,
            burst: 1,
        }
    }

    /// `n` requests a second (checked when the client is built: it must not be zero).
    pub fn per_second(n: u32) -> Self {
        Self {
            count: n,
            per_minute: false,
            burst: 1,
        }
    }

    /// How many requests may go at once after a quiet spell (default 1).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst;
        self
    }

    /// The requests a second.
    pub fn per_second_f64(&self) -> f64 {
        let period = if self.per_minute { 60.0 } else { 1.0 };
        f64::from(self.count) / period
    }

    /// The time between two requests at this rate.
    pub fn interval(&self) -> Duration {
        let period = if self.per_minute { 60 } else { 1 };
        Duration::from_secs(period) / self.count.max(1)
    }

    /// The burst, as given.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// The count and burst as non-zero numbers, or what is wrong.
    pub(crate) fn checked(&self) -> Result<(NonZeroU32, NonZeroU32), Error> {
        let count = NonZeroU32::new(self.count)
            .ok_or_else(|| Error::config("a rate limit must allow at least one request"))?;
        let burst = NonZeroU32::new(self.burst)
            .ok_or_else(|| Error::config("a rate limit's burst must be at least 1"))?;
        Ok((count, burst))
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.per_minute { "min" } else { "s" };
        write!(f, "{}/{unit}", self.count)?;
        if self.burst > 1 {
            write!(f, " (burst {})", self.burst)?;
        }
        Ok(())
    }
}

/// `N/min` or `N/s` (also `N/minute`, `N/m`, `N/sec`, `N/second`), N at least 1.
impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("{text:?} is not a rate: write it as N/min or N/s, e.g. 100/min");
        let (count, unit) = text.trim().split_once('/').ok_or_else(wrong)?;
        let count: u32 = count.trim().parse().map_err(|_| wrong())?;
        if count == 0 {
            return Err(format!(
                "{text:?}: a rate limit must allow at least one request"
            ));
        }
        match unit.trim().to_ascii_lowercase().as_str() {
            "min" | "m" | "minute" => Ok(Self::per_minute(count)),
            "s" | "sec" | "second" => Ok(Self::per_second(count)),
            _ => Err(wrong()),
        }
    }
}

/// No permit could be had before the deadline, or the limiter itself failed (a shared store
/// out of reach). Either way the request was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoPermit {
    reason: String,
    available_in: Option<Duration>,
}

impl NoPermit {
    /// A refusal, with why in words.
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            available_in: None,
        }
    }

    /// A refusal because the next permit is `wait` away, past the deadline: the call gives
    /// up at once rather than retrying in vain.
    pub fn past_deadline(reason: impl Into<String>, wait: Duration) -> Self {
        Self {
            reason: reason.into(),
            available_in: Some(wait),
        }
    }

    /// How long until a permit may be free, when known.
    pub fn available_in(&self) -> Option<Duration> {
        self.available_in
    }

    /// Why no permit was given.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for NoPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for NoPermit {}

/// What the client consults before it sends any request (an attempt, a retry or a token
/// request). One limiter is shared by every clone of the client.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits for a permit to send one request, but not past `deadline`: when none can be had
    /// by then, returns [`NoPermit`] at once rather than waiting in vain.
    fn acquire(&self, deadline: Instant) -> BoxFuture<'_, Result<(), NoPermit>>;

    /// The server said it is over its limit (HTTP 429, or 503 with `Retry-After`). The client
    /// already pauses all its calls for `retry_after`; a limiter may also lower its rate.
    fn throttled(&self, retry_after: Option<Duration>) {
        let _ = retry_after;
    }
}

impl<T: RateLimiter + ?Sized> RateLimiter for std::sync::Arc<T> {
    fn acquire(&self, deadline: Instant) -> BoxFuture<'_, Result<(), NoPermit>> {
        (**self).acquire(deadline)
    }

    fn throttled(&self, retry_after: Option<Duration>) {
        (**self).throttled(retry_after)
    }
}
