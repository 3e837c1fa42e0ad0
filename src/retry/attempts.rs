//! The retry state of one call: which attempt this is, how long is left, and whether a failed
//! attempt is sent again.

use std::time::Duration;

use tokio::time::Instant;

use super::backoff::XorShift;
use super::budget::RetryBudget;
use super::policy::RetryPolicy;
use crate::verdict::Verdict;

/// What happens after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send again after this delay (the budget is charged when the retry is sent).
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
    /// Starts a call now: its deadline is the policy's from now.
    pub(crate) fn new(policy: &'a RetryPolicy, budget: &'a RetryBudget) -> Self {
        Self {
            policy,
            budget,
            deadline: deadline_after(policy.deadline),
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

    /// The call's deadline: credentials, every attempt and every delay end by then.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether another attempt may be made at once (for the replay with renewed credentials,
    /// which needs no delay and spends no budget).
    pub(crate) fn may_replay(&self) -> bool {
        self.attempt < self.policy.max_attempts && Instant::now() < self.deadline
    }

    /// Decides whether a failed attempt is sent again, and after how long. Nothing is charged
    /// here: a call dropped during the delay must not pay for a retry it never sent.
    pub(crate) fn decide(&mut self, verdict: Verdict, retry_after: Option<Duration>) -> Decision {
        match verdict {
            Verdict::RetrySafe => {}
            Verdict::MaybeApplied if self.policy.replay_maybe_applied => {}
            Verdict::MaybeApplied => return Decision::GiveUp(GiveUp::MaybeApplied),
            _ => return Decision::GiveUp(GiveUp::NotRetryable),
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
        if !self.budget.can_spend() {
            return Decision::GiveUp(GiveUp::BudgetExhausted);
        }
        Decision::Retry(delay)
    }

    /// Pays for a retry as it is sent; `false` when the budget ran out during the delay.
    pub(crate) fn charge(&self) -> bool {
        self.budget.try_spend()
    }
}

/// `now + wait`, or thirty years away for a wait too long for the clock.
fn deadline_after(wait: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(wait)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::DEFAULT_INITIAL_BACKOFF;

    #[tokio::test(start_paused = true)]
    async fn decisions_follow_the_policy() {
        let budget = RetryBudget::unlimited();
        let policy = RetryPolicy::default().max_attempts(2).jitter(false);
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert_eq!(
            state.decide(Verdict::MaybeApplied, None),
            Decision::GiveUp(GiveUp::MaybeApplied)
        );
        for verdict in [
            Verdict::Refused,
            Verdict::CredentialsRejected,
            Verdict::Success,
        ] {
            assert_eq!(
                state.decide(verdict, None),
                Decision::GiveUp(GiveUp::NotRetryable)
            );
        }
        assert_eq!(
            state.decide(Verdict::RetrySafe, Some(Duration::from_secs(31))),
            Decision::GiveUp(GiveUp::RetryAfterTooLong)
        );
        assert_eq!(
            state.decide(Verdict::RetrySafe, None),
            Decision::Retry(DEFAULT_INITIAL_BACKOFF)
        );
        state.begin();
        assert_eq!(
            state.decide(Verdict::RetrySafe, None),
            Decision::GiveUp(GiveUp::AttemptsExhausted)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_is_charged_when_the_retry_is_sent_not_when_decided() {
        let budget = RetryBudget::new(5, 5);
        let policy = RetryPolicy::default().jitter(false);
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert!(matches!(
            state.decide(Verdict::RetrySafe, None),
            Decision::Retry(_)
        ));
        assert_eq!(budget.available(), 5, "deciding pays nothing");
        assert!(state.charge());
        assert_eq!(budget.available(), 0);
        state.begin();
        assert_eq!(
            state.decide(Verdict::RetrySafe, None),
            Decision::GiveUp(GiveUp::BudgetExhausted)
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
            state.decide(Verdict::RetrySafe, Some(Duration::MAX)),
            Decision::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(
            state.decide(Verdict::RetrySafe, None),
            Decision::GiveUp(GiveUp::Deadline)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_delay_past_the_deadline_gives_up() {
        let budget = RetryBudget::unlimited();
        let policy = RetryPolicy::default().deadline(Duration::from_secs(10));
        let mut state = Attempts::new(&policy, &budget);
        state.begin();
        assert_eq!(
            state.decide(Verdict::RetrySafe, Some(Duration::from_secs(10))),
            Decision::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(state.deadline() - Instant::now(), Duration::from_secs(10));
    }
}
