//! [`RetryPolicy`]: how often and how patiently a call is sent again.

use std::time::Duration;

use crate::error::Error;

/// Default number of attempts per call, the first one included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;

/// Default upper bound of the first backoff delay (full jitter picks a delay below it).
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);

/// Default cap on one backoff delay.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Default longest `Retry-After` the client waits for; a server asking for longer gets its
/// answer returned instead of a retry.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Default overall deadline of a call: every attempt and every backoff delay together.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// When and how often a call is sent again; set it on the client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) or on one request
/// (e.g. [`IssueRequest::retry_policy`](crate::IssueRequest::retry_policy)).
///
/// The defaults: [`DEFAULT_MAX_ATTEMPTS`] attempts, backoff with full jitter from
/// [`DEFAULT_INITIAL_BACKOFF`] doubling up to [`DEFAULT_MAX_BACKOFF`], `Retry-After` honoured
/// up to [`DEFAULT_MAX_RETRY_AFTER`], and everything within [`DEFAULT_DEADLINE`]. See the
/// [module documentation](crate::retry) for what is retried.
///
/// ```
/// use std::time::Duration;
/// use capillary_sdk::retry::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(6)
///     .max_backoff(Duration::from_secs(10))
///     .deadline(Duration::from_secs(120));
/// let once = RetryPolicy::none();
/// # let _ = (patient, once);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Duration,
    pub(crate) replay_maybe_applied: bool,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            deadline: DEFAULT_DEADLINE,
            replay_maybe_applied: false,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt and no retry, not even the OAuth replay on 401/498.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// The most requests one call sends, the first included (at least 1). The server never
    /// sees more than this many requests for one call.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The upper bound of the first backoff delay; it doubles for every further retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The cap on one backoff delay.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest `Retry-After` honoured; a longer one ends the call with the server's answer.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The overall deadline: every attempt and every delay of one call together. Each
    /// attempt's timeout is shortened to what is left of it. Must be greater than zero.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Also replays what may have reached the server (timeouts after sending, a connection
    /// lost mid-answer, 500, 502, 504, an unreadable 2xx). Only for actions that are harmless
    /// to apply twice: a replayed issue or revoke may be applied twice.
    pub fn replay_maybe_applied(mut self, replay: bool) -> Self {
        self.replay_maybe_applied = replay;
        self
    }

    /// Full jitter (the default) picks each backoff delay at random between zero and its
    /// bound, so that callers that failed together do not retry together. `false` waits the
    /// bound itself, which makes delays predictable (for tests).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.deadline.is_zero() {
            return Err(Error::config(
                "the retry policy's deadline must be greater than zero",
            ));
        }
        Ok(())
    }

    /// The bound of the backoff delay before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff_bound(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(650));
        let bounds: Vec<u128> = (1..=5)
            .map(|r| policy.backoff_bound(r).as_millis())
            .collect();
        assert_eq!(bounds, [100, 200, 400, 650, 650]);
        assert_eq!(policy.backoff_bound(u32::MAX), Duration::from_millis(650));
    }
}
