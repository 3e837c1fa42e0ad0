//! [`AdaptiveRateLimiter`]: a local limit that backs off when the server pushes back, then
//! recovers (additive increase, multiplicative decrease).

use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::local::{wait_for_permit, LocalRateLimiter};
use super::{NoPermit, RateLimit, RateLimiter};
use crate::error::Error;
use crate::transport::BoxFuture;

/// What a push-back multiplies the rate by.
pub const DECREASE_FACTOR: f64 = 0.5;

/// The lowest the rate goes, as a share of the limit.
pub const FLOOR_SHARE: f64 = 0.1;

/// What each recovery step adds back, as a share of the limit.
pub const INCREASE_SHARE: f64 = 0.1;

/// How often the rate steps back up after a push-back (counted from the end of its
/// `Retry-After`); push-backs within one step of the last decrease answer requests that were
/// already on their way, and do not lower the rate again.
pub const RECOVERY_STEP: Duration = Duration::from_secs(5);

/// The client's limiter when a [`RateLimit`] is set: at most the limit, lowered by half
/// (never below a tenth of it) each time the server answers 429, and raised back by a tenth
/// of the limit every 5 seconds until it is whole again. A WARN says when and by how much.
pub struct AdaptiveRateLimiter {
    limit: RateLimit,
    burst: NonZeroU32,
    state: Mutex<State>,
}

struct State {
    /// Requests a second allowed now.
    rate: f64,
    limiter: LocalRateLimiter,
    /// The last change of rate (or, after a push-back, when its pause ends).
    changed_at: Instant,
    decreased_at: Option<Instant>,
}

impl AdaptiveRateLimiter {
    /// An adaptive limiter at `limit`; fails if its count or burst is zero.
    pub fn new(limit: RateLimit) -> Result<Self, Error> {
        let (_, burst) = limit.checked()?;
        Ok(Self {
            limit,
            burst,
            state: Mutex::new(State {
                rate: limit.per_second_f64(),
                limiter: LocalRateLimiter::at(limit, limit.interval(), burst),
                changed_at: Instant::now(),
                decreased_at: None,
            }),
        })
    }

    /// The rate allowed now, in requests a minute.
    pub fn current_per_minute(&self) -> f64 {
        let mut state = self.state();
        self.recover(&mut state, Instant::now());
        state.rate * 60.0
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every statement leaves the state consistent, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn full(&self) -> f64 {
        self.limit.per_second_f64()
    }

    /// Steps the rate back up for each whole step since the last change.
    fn recover(&self, state: &mut State, now: Instant) {
        if state.rate >= self.full() || now < state.changed_at {
            return;
        }
        let steps = (now - state.changed_at).as_secs_f64() / RECOVERY_STEP.as_secs_f64();
        let steps = steps.floor();
        if steps < 1.0 {
            return;
        }
        let before = state.rate;
        let rate = (before + steps * INCREASE_SHARE * self.full()).min(self.full());
        self.set_rate(state, rate, state.changed_at + RECOVERY_STEP.mul_f64(steps));
        if rate >= self.full() {
            tracing::info!(
                target: "capillary_sdk::rate_limit",
                "rate limit recovered to {}",
                self.limit
            );
        }
    }

    fn set_rate(&self, state: &mut State, rate: f64, changed_at: Instant) {
        state.rate = rate;
        state.changed_at = changed_at;
        let whole = rate >= self.full();
        let (interval, burst) = if whole {
            (self.limit.interval(), self.burst)
        } else {
            (Duration::from_secs_f64(1.0 / rate), NonZeroU32::MIN)
        };
        state.limiter = LocalRateLimiter::at(self.limit, interval, burst);
        // A new limiter starts with a full bucket; taking its first cell keeps the spacing
        // from the requests just sent instead of granting a fresh burst.
        let _ = state.limiter.try_acquire();
    }
}

impl RateLimiter for AdaptiveRateLimiter {
    fn acquire(&self, deadline: Instant) -> BoxFuture<'_, Result<(), NoPermit>> {
        Box::pin(wait_for_permit(
            deadline,
            || {
                let mut state = self.state();
                self.recover(&mut state, Instant::now());
                state.limiter.try_acquire()
            },
            || format!("{}, now {}", self.limit, per_minute(self.state().rate)),
        ))
    }

    fn throttled(&self, retry_after: Option<Duration>) {
        let now = Instant::now();
        let mut state = self.state();
        self.recover(&mut state, now);
        if state
            .decreased_at
            .is_some_and(|at| now.saturating_duration_since(at) < RECOVERY_STEP)
        {
            return;
        }
        let before = state.rate;
        let rate = (before * DECREASE_FACTOR).max(self.full() * FLOOR_SHARE);
        state.decreased_at = Some(now);
        let resume = now
            .checked_add(retry_after.unwrap_or(Duration::ZERO))
            .unwrap_or(now);
        self.set_rate(&mut state, rate, resume);
        tracing::warn!(
            target: "capillary_sdk::rate_limit",
            "the server is rate limiting: lowering the rate from {} to {} (limit {}), \
             then raising it by {} every {}s",
            per_minute(before),
            per_minute(rate),
            self.limit,
            per_minute(self.full() * INCREASE_SHARE),
            RECOVERY_STEP.as_secs(),
        );
    }
}

/// A rate (requests a second) as requests a minute, for log lines.
fn per_minute(rate: f64) -> String {
    format!("{:.1}/min", rate * 60.0)
}

impl fmt::Debug for AdaptiveRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdaptiveRateLimiter")
            .field("limit", &self.limit.to_string())
            .field("now", &per_minute(self.state().rate))
            .finish()
    }
}
