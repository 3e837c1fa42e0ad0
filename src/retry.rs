//! What may be sent again, when, and how often: [`RetryPolicy`] and [`RetryBudget`].
//!
//! Every Capillary call this SDK makes is a POST that changes state, so a call is sent again
//! only when the server certainly did not act on it:
//!
//! | answer or fault | retried by default | why |
//! |---|---|---|
//! | connection failed before the request was written | yes | nothing reached the server |
//! | 429 Too Many Requests | yes, after its `Retry-After` | refused before any work |
//! | 503 (code 4001, authorization status unavailable) | yes | refused before any work |
//! | 461 (search engine busy) | yes | refused before any work |
//! | 521 (another action running for this customer) | yes | refused before any work |
//! | 401 / 498 with OAuth | replayed once with a new token (counts as an attempt) | the token was refused, not the action |
//! | timeout after sending, connection lost mid-answer | no (opt-in) | the server may have acted |
//! | 500, 502, 504 | no (opt-in) | the server may have acted before failing |
//! | 2xx whose body cannot be read | no (opt-in) | the server acted; its answer was lost |
//! | any other answer (4xx refusals, documented errors) | never | retrying cannot change it |
//!
//! The "no (opt-in)" rows come back as errors for which [`Error::maybe_applied`] is `true`;
//! [`RetryPolicy::replay_maybe_applied`] replays them anyway, for callers who know the action
//! is harmless to repeat.
//!
//! [`Error::maybe_applied`]: crate::Error::maybe_applied

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::error::Error;
use crate::transport::TransportErrorKind;

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

/// Statuses with which Capillary refuses a request before doing any work.
const SAFE_STATUSES: [u16; 4] = [429, 461, 503, 521];

/// Statuses after which the server may have acted: replayed only on opt-in.
const MAYBE_APPLIED_STATUSES: [u16; 3] = [500, 502, 504];

/// When and how often a call is sent again; set it on the client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) or on one request
/// (e.g. [`IssueRequest::retry_policy`](crate::IssueRequest::retry_policy)).
///
/// The defaults: [`DEFAULT_MAX_ATTEMPTS`] attempts, backoff with full jitter from
/// [`DEFAULT_INITIAL_BACKOFF`] doubling up to [`DEFAULT_MAX_BACKOFF`], `Retry-After` honoured
/// up to [`DEFAULT_MAX_RETRY_AFTER`], and everything within [`DEFAULT_DEADLINE`]. See the
/// [module documentation](self) for what is retried.
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
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    deadline: Duration,
    replay_maybe_applied: bool,
    jitter: bool,
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
    fn backoff_bound(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff)
    }
}

/// A token bucket that limits retries across every call of a client and its clones, so that
/// a failing server is not hammered by every caller at once (as in the AWS SDKs' and gRPC's
/// retry throttling).
///
/// Each retry spends [`retry_cost`](Self::new) tokens; each call that ends with an answer
/// other than a retryable one gives one back. When the bucket cannot pay for a retry, the
/// error is returned at once. The OAuth replay on 401/498 costs nothing.
///
/// Clones share the bucket.
///
/// ```
/// use capillary_sdk::retry::RetryBudget;
///
/// let budget = RetryBudget::new(50, 5); // 10 retries from a full bucket
/// assert_eq!(budget.available(), 50);
/// ```
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<BudgetInner>,
}

struct BudgetInner {
    capacity: u32,
    retry_cost: u32,
    tokens: Mutex<u32>,
}

impl RetryBudget {
    /// The default capacity.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// The default cost of one retry: a full default bucket pays for 100 retries.
    pub const DEFAULT_RETRY_COST: u32 = 5;

    /// A full bucket of `capacity` tokens, of which each retry spends `retry_cost`.
    pub fn new(capacity: u32, retry_cost: u32) -> Self {
        Self {
            inner: Arc::new(BudgetInner {
                capacity,
                retry_cost,
                tokens: Mutex::new(capacity),
            }),
        }
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Self {
        Self::new(u32::MAX, 0)
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.inner.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn try_spend(&self) -> bool {
        let mut tokens = self.lock();
        match tokens.checked_sub(self.inner.retry_cost) {
            Some(left) => {
                *tokens = left;
                true
            }
            None => false,
        }
    }

    pub(crate) fn refill(&self) {
        let mut tokens = self.lock();
        *tokens = tokens.saturating_add(1).min(self.inner.capacity);
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_RETRY_COST)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("capacity", &self.inner.capacity)
            .field("retry_cost", &self.inner.retry_cost)
            .finish()
    }
}

/// Why a failed attempt might be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The server certainly did not act.
    Safe,
    /// The server may have acted.
    MaybeApplied,
}

impl Fault {
    /// Classifies the error of one attempt; `None` means no retry can change it.
    pub(crate) fn of(error: &Error) -> Option<Fault> {
        let status = error.status().map(|s| s.as_u16());
        match error {
            Error::Transport { maybe_applied, .. } => Some(if *maybe_applied {
                Fault::MaybeApplied
            } else {
                Fault::Safe
            }),
            // Nothing of the call was sent while the token was obtained.
            Error::TokenEndpoint { .. } => Some(Fault::Safe),
            Error::Api { .. } | Error::UnexpectedResponse { .. } => match status {
                Some(s) if SAFE_STATUSES.contains(&s) => Some(Fault::Safe),
                Some(s) if MAYBE_APPLIED_STATUSES.contains(&s) && error.maybe_applied() => {
                    Some(Fault::MaybeApplied)
                }
                // A 2xx that could not be read: the server acted and the answer is lost.
                Some(s) if (200..300).contains(&s) && error.maybe_applied() => {
                    Some(Fault::MaybeApplied)
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// What happens after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after this delay.
    Retry(Duration),
    /// Return the error.
    GiveUp(GiveUp),
}

/// Why an error is returned rather than retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    NotRetryable,
    MaybeApplied,
    AttemptsExhausted,
    BudgetExhausted,
    Deadline,
    RetryAfterTooLong,
}

impl GiveUp {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::NotRetryable => "give up: not retryable",
            Self::MaybeApplied => "give up: may have been applied, not replayed",
            Self::AttemptsExhausted => "give up: attempts exhausted",
            Self::BudgetExhausted => "give up: retry budget exhausted",
            Self::Deadline => "give up: deadline reached",
            Self::RetryAfterTooLong => "give up: Retry-After beyond the cap",
        }
    }
}

/// The retry state of one call.
pub(crate) struct Attempts<'a> {
    policy: &'a RetryPolicy,
    budget: &'a RetryBudget,
    deadline: Instant,
    attempt: u32,
    rng: XorShift,
}

impl<'a> Attempts<'a> {
    pub(crate) fn new(policy: &'a RetryPolicy, budget: &'a RetryBudget) -> Self {
        Self {
            policy,
            budget,
            deadline: Instant::now()
                .checked_add(policy.deadline)
                .unwrap_or_else(far_future),
            attempt: 0,
            rng: XorShift::from_time(),
        }
    }

    /// Starts the next attempt and returns its number (1 for the first).
    pub(crate) fn begin(&mut self) -> u32 {
        self.attempt += 1;
        self.attempt
    }

    /// The attempt limit of the policy.
    pub(crate) fn max(&self) -> u32 {
        self.policy.max_attempts
    }

    /// The timeout of the current attempt: the per-attempt timeout, or less if the deadline
    /// is nearer.
    pub(crate) fn attempt_timeout(&self, per_attempt: Duration) -> Duration {
        per_attempt.min(self.deadline.saturating_duration_since(Instant::now()))
    }

    /// Whether another attempt may be made at once (for the OAuth replay, which needs no
    /// delay and spends no budget).
    pub(crate) fn may_replay(&self) -> bool {
        self.attempt < self.policy.max_attempts && Instant::now() < self.deadline
    }

    /// Decides whether a failed attempt is sent again, and after how long.
    pub(crate) fn decide(&mut self, fault: Fault, retry_after: Option<Duration>) -> Decision {
        if fault == Fault::MaybeApplied && !self.policy.replay_maybe_applied {
            return Decision::GiveUp(GiveUp::MaybeApplied);
        }
        if self.attempt >= self.policy.max_attempts {
            return Decision::GiveUp(GiveUp::AttemptsExhausted);
        }
        let delay = match retry_after {
            Some(wait) if wait > self.policy.max_retry_after => {
                return Decision::GiveUp(GiveUp::RetryAfterTooLong)
            }
            Some(wait) => wait,
            None => {
                let bound = self.policy.backoff_bound(self.attempt);
                if self.policy.jitter {
                    self.rng.below(bound)
                } else {
                    bound
                }
            }
        };
        match Instant::now().checked_add(delay) {
            Some(at) if at < self.deadline => {}
            _ => return Decision::GiveUp(GiveUp::Deadline),
        }
        if !self.budget.try_spend() {
            return Decision::GiveUp(GiveUp::BudgetExhausted);
        }
        Decision::Retry(delay)
    }
}

/// A deadline for a policy whose deadline is too long for the clock: thirty years away.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(30 * 365 * 86_400)
}

/// Reads a `Retry-After` value: delay seconds or an HTTP date. `None` when unreadable.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A xorshift64* generator: backoff jitter needs spread, not cryptographic strength.
#[derive(Debug, Clone)]
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn seeded(seed: u64) -> Self {
        // Zero is xorshift's one fixed point.
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    fn from_time() -> Self {
        static CALLS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        // The counter keeps calls started in the same nanosecond apart.
        let call = CALLS.fetch_add(1, Ordering::Relaxed);
        Self::seeded(nanos ^ call.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A duration between zero and `bound`, both included.
    pub(crate) fn below(&mut self, bound: Duration) -> Duration {
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        match nanos.checked_add(1) {
            Some(range) => Duration::from_nanos(self.next_u64() % range),
            None => Duration::from_nanos(self.next_u64()),
        }
    }
}

/// How a failure reads in a log line: the status, request id and codes of an answer, or the
/// transport failure.
pub(crate) fn describe(error: &Error) -> String {
    match (error, error.meta()) {
        (_, Some(meta)) => {
            let codes = error.codes();
            if codes.is_empty() {
                meta.to_string()
            } else {
                let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
                format!("{meta}, code {}", codes.join(", "))
            }
        }
        (Error::Transport { kind, .. }, None) => match kind {
            TransportErrorKind::Connect => "could not connect".to_string(),
            TransportErrorKind::Timeout => "timed out".to_string(),
            TransportErrorKind::AnswerLost => "answer lost".to_string(),
            _ => "transport failure".to_string(),
        },
        (other, None) => other.to_string(),
    }
}

/// A delay as a person reads it: `850ms`, `2.5s`.
pub(crate) fn human(delay: Duration) -> String {
    if delay < Duration::from_secs(1) {
        format!("{}ms", delay.as_millis())
    } else {
        format!("{:.1}s", delay.as_secs_f64())
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

    #[test]
    fn jitter_stays_within_its_bound_and_spreads() {
        let mut rng = XorShift::seeded(7);
        let bound = Duration::from_millis(1000);
        let delays: Vec<Duration> = (0..1000).map(|_| rng.below(bound)).collect();
        assert!(delays.iter().all(|d| *d <= bound));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(100)));
        assert!(delays.iter().any(|d| *d > Duration::from_millis(900)));
        assert_eq!(XorShift::seeded(0).below(Duration::ZERO), Duration::ZERO);
        assert!(XorShift::seeded(3).below(Duration::MAX) <= Duration::MAX);
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let mut a = XorShift::seeded(42);
        let mut b = XorShift::seeded(42);
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let parsed = parse_retry_after(&httpdate::fmt_http_date(in_a_minute)).unwrap();
        assert!(parsed > Duration::from_secs(58) && parsed <= Duration::from_secs(60));
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(parse_retry_after(&past), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn the_budget_pays_for_retries_and_refills_to_capacity() {
        let budget = RetryBudget::new(10, 5);
        let shared = budget.clone();
        assert!(budget.try_spend());
        assert!(shared.try_spend());
        assert!(!budget.try_spend());
        assert_eq!(shared.available(), 0);
        for _ in 0..20 {
            budget.refill();
        }
        assert_eq!(shared.available(), 10);
        assert!(RetryBudget::unlimited().try_spend());
    }

    #[tokio::test(start_paused = true)]
    async fn decisions_follow_the_policy() {
        let budget = RetryBudget::unlimited();
        let policy = RetryPolicy::default().max_attempts(2).jitter(false);
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert_eq!(
            state.decide(Fault::MaybeApplied, None),
            Decision::GiveUp(GiveUp::MaybeApplied)
        );
        assert_eq!(
            state.decide(Fault::Safe, Some(Duration::from_secs(31))),
            Decision::GiveUp(GiveUp::RetryAfterTooLong)
        );
        assert_eq!(
            state.decide(Fault::Safe, None),
            Decision::Retry(DEFAULT_INITIAL_BACKOFF)
        );
        state.begin();
        assert_eq!(
            state.decide(Fault::Safe, None),
            Decision::GiveUp(GiveUp::AttemptsExhausted)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn durations_too_long_for_the_clock_do_not_panic() {
        let budget = RetryBudget::unlimited();
        let policy = RetryPolicy::default()
            .deadline(Duration::MAX)
            .max_retry_after(Duration::MAX)
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .jitter(false);
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert_eq!(
            state.decide(Fault::Safe, Some(Duration::MAX)),
            Decision::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(
            state.decide(Fault::Safe, None),
            Decision::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(
            parse_retry_after(&u64::MAX.to_string()),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_delay_past_the_deadline_gives_up() {
        let budget = RetryBudget::unlimited();
        let policy = RetryPolicy::default().deadline(Duration::from_secs(10));
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert_eq!(
            state.decide(Fault::Safe, Some(Duration::from_secs(10))),
            Decision::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(
            state.attempt_timeout(Duration::from_secs(30)),
            Duration::from_secs(10)
        );
    }
}
