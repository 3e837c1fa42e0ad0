//! [`RetryBudget`]: a token bucket shared by every call of a client, so that a failing server
//! is not hammered by every caller at once.

use std::fmt;
use std::sync::{Arc, Mutex};

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

    /// Whether a retry could be paid for now (without paying).
    pub(crate) fn can_spend(&self) -> bool {
        *self.lock() >= self.inner.retry_cost
    }

    pub(crate) fn try_spend(&self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
