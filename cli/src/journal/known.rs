//! What a journal knows when a run opens it: for each customer, the meaning of its last
//! entry, kept as sorted 128-bit digests so that a million customers cost tens of MB.

use super::entry::{Journaled, Prior, ReadEntry};

/// The customers a journal records, by the last entry of each.
#[derive(Debug, Default)]
pub struct Known {
    /// (digest, prior), sorted by digest, one per customer.
    entries: Vec<(u128, Prior)>,
}

/// Collects entries in file order; the last entry of a customer wins.
#[derive(Debug, Default)]
pub struct Collector {
    /// (digest, line, prior or none, when it was journaled as being sent).
    seen: Vec<(u128, u64, Option<Prior>, Option<u64>)>,
}

impl Collector {
    /// The entry read on line `line`.
    pub fn add(&mut self, entry: &ReadEntry, line: u64) {
        let prior = entry.status.prior(0);
        let at = entry.at.filter(|_| entry.status == super::Status::Sending);
        self.seen.push((entry.digest(), line, prior, at));
    }

    /// What the journal knows.
    pub fn finish(mut self) -> Known {
        self.seen
            .sort_unstable_by_key(|(digest, line, _, _)| (*digest, *line));
        let mut entries: Vec<(u128, Prior)> = Vec::new();
        // The customer being read: its last entry's prior, and its last `sending` time.
        let mut last: Option<(u128, Option<Prior>, u64)> = None;
        let mut push = |(digest, prior, since): (u128, Option<Prior>, u64)| {
            entries.extend(prior.map(|p| match p {
                Prior::Unknown { .. } => (digest, Prior::Unknown { since }),
                Prior::Done => (digest, Prior::Done),
            }));
        };
        for (digest, _, prior, at) in self.seen {
            last = match last {
                Some((d, _, since)) if d == digest => Some((digest, prior, at.unwrap_or(since))),
                other => {
                    if let Some(previous) = other {
                        push(previous);
                    }
                    Some((digest, prior, at.unwrap_or(0)))
                }
            };
        }
        if let Some(previous) = last {
            push(previous);
        }
        Known { entries }
    }
}

impl Known {
    /// What the journal says of this customer, sent exactly so; `None`: never tried, or
    /// tried and not applied.
    pub fn prior(&self, customer: &impl Journaled) -> Option<Prior> {
        if self.entries.is_empty() {
            return None;
        }
        let digest = customer.with_key(|k| k.digest());
        self.entries
            .binary_search_by_key(&digest, |(d, _)| *d)
            .ok()
            .map(|i| self.entries[i].1)
    }

    /// Whether this customer's outcome is known (skipped on a rerun).
    pub fn contains(&self, customer: &impl Journaled) -> bool {
        self.prior(customer) == Some(Prior::Done)
    }

    /// How many customers may have been applied.
    pub fn unknown(&self) -> usize {
        self.entries
            .iter()
            .filter(|(_, p)| matches!(p, Prior::Unknown { .. }))
            .count()
    }
}
