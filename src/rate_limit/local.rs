//! [`LocalRateLimiter`]: governor's GCRA, in one process, on tokio's clock.

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::Quota;
use tokio::time::Instant;

use super::{NoPermit, RateLimit, RateLimiter};
use crate::error::Error;
use crate::transport::BoxFuture;

/// tokio's clock rather than governor's own, so that a paused test clock drives the limiter
/// like every other timer of the client.
#[derive(Clone, Copy, Debug)]
struct TokioClock {
    origin: Instant,
}

impl Clock for TokioClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }
}

type Gcra = governor::RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Nanos>>;

/// A fixed rate for one process: governor's GCRA (generic cell rate algorithm), which spaces
/// requests evenly and allows the burst after a quiet spell.
pub struct LocalRateLimiter {
    limit: RateLimit,
    gcra: Gcra,
}

impl LocalRateLimiter {
    /// A limiter at `limit`; fails if its count or burst is zero.
    pub fn new(limit: RateLimit) -> Result<Self, Error> {
        let (_, burst) = limit.checked()?;
        Ok(Self::at(limit, limit.interval(), burst))
    }

    /// A limiter allowing one request every `interval`, `burst` at once.
    pub(super) fn at(limit: RateLimit, interval: Duration, burst: NonZeroU32) -> Self {
        let interval = interval.max(Duration::from_nanos(1));
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        let clock = TokioClock {
            origin: Instant::now(),
        };
        Self {
            limit,
            gcra: Gcra::direct_with_clock(quota, clock),
        }
    }

    /// The rate it enforces.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes a permit now, or says how long until one may be free.
    pub(super) fn try_acquire(&self) -> Result<(), Duration> {
        self.gcra
            .check()
            .map_err(|not_until| not_until.wait_time_from(self.gcra.clock().now()))
    }
}

/// Waits for `try_acquire` to give a permit, or fails at once when the next free one lies
/// past `deadline`.
pub(super) async fn wait_for_permit(
    deadline: Instant,
    mut try_acquire: impl FnMut() -> Result<(), Duration>,
    what: impl Fn() -> String,
) -> Result<(), NoPermit> {
    loop {
        match try_acquire() {
            Ok(()) => return Ok(()),
            Err(wait) => {
                let at = Instant::now().checked_add(wait);
                let Some(at) = at.filter(|at| *at <= deadline) else {
                    let reason = format!(
                        "the rate limit ({}) has no permit before the call's deadline",
                        what()
                    );
                    return Err(NoPermit::past_deadline(reason, wait));
                };
                tokio::time::sleep_until(at).await;
            }
        }
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self, deadline: Instant) -> BoxFuture<'_, Result<(), NoPermit>> {
        Box::pin(wait_for_permit(
            deadline,
            || self.try_acquire(),
            || self.limit.to_string(),
        ))
    }
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("limit", &self.limit.to_string())
            .finish()
    }
}
