//! Backoff jitter: a small generator whose spread keeps callers that failed together from
//! retrying together.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

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

    pub(crate) fn from_time() -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
