//! What a journal knows when a run opens it: for each customer, the meaning of its last
//! entry, kept as sorted 128-bit digests so that a million customers cost about 16 MB (32 MB
//! when applied: their identifier values are kept too, for actions that apply to the
//! customer whatever source was sent).
//!
//! A known outcome is final (a run skips those customers, so nothing is journaled for them
//! after it): known customers are kept as bare digests, and only the others (being sent, maybe
//! applied, not applied) carry their last entry, compacted as the file is read so that reading
//! a journal of a million customers, each journaled twice, stays near the final size.

use super::entry::{Journaled, Key, Prior, ReadEntry, Status};

/// The digest of an identifier value alone.
fn value_digest(identifier_value: &str) -> u128 {
    Key {
        identifier_value,
        source: None,
        earn_ids: &[],
    }
    .digest()
}

/// The customers a journal records, by the last entry of each.
#[derive(Debug, Default)]
pub struct Known {
    /// Customers with a known outcome, sorted.
    done: Vec<u128>,
    /// The identifier values (digests) of the customers applied (not refused), sorted.
    applied_values: Vec<u128>,
    /// Customers that may have been applied, with the time of their last `sending` entry,
    /// sorted by digest.
    unknown: Vec<(u128, u64)>,
    /// The same, by the digest of the identifier value alone (the earliest time of each).
    unknown_values: Vec<(u128, u64)>,
}

/// One customer without a known outcome: digest, line, status, time of its last `sending`,
/// digest of its identifier value alone.
type Open = (u128, u64, Status, u64, u128);

/// Collects entries in file order; the last entry of a customer wins.
#[derive(Debug, Default)]
pub struct Collector {
    done: Vec<u128>,
    applied_values: Vec<u128>,
    open: Vec<Open>,
    /// Compacts `open` when it reaches this length.
    cap: usize,
}

impl Collector {
    /// The entry read on line `line`.
    pub fn add(&mut self, entry: &ReadEntry, line: u64) {
        let digest = entry.digest();
        if entry.status.prior(0) == Some(Prior::Done) {
            self.done.push(digest);
            if entry.status != Status::Failed {
                self.applied_values
                    .push(value_digest(&entry.identifier_value));
            }
            return;
        }
        let at = entry.at.filter(|_| entry.status == Status::Sending);
        let value = value_digest(&entry.identifier_value);
        self.open
            .push((digest, line, entry.status, at.unwrap_or(0), value));
        if self.open.len() >= self.cap.max(1 << 16) {
            self.compact();
        }
    }

    /// Drops what is known and keeps the last entry of every other customer.
    fn compact(&mut self) {
        self.done.sort_unstable();
        self.done.dedup();
        let done = &self.done;
        self.open
            .retain(|(digest, ..)| done.binary_search(digest).is_err());
        self.open
            .sort_unstable_by_key(|(digest, line, ..)| (*digest, *line));
        let mut kept: Vec<Open> = Vec::with_capacity(self.open.len());
        for (digest, line, status, at, value) in self.open.drain(..) {
            match kept.last_mut() {
                Some(last) if last.0 == digest => {
                    // An entry without a time keeps the time of the last `sending`.
                    let at = if at > 0 { at } else { last.3 };
                    *last = (digest, line, status, at, value);
                }
                _ => kept.push((digest, line, status, at, value)),
            }
        }
        self.cap = 2 * kept.len();
        self.open = kept;
    }

    /// What the journal knows.
    pub fn finish(mut self) -> Known {
        self.compact();
        let open = self
            .open
            .iter()
            .filter(|(_, _, status, ..)| matches!(status.prior(0), Some(Prior::Unknown { .. })));
        let unknown = open
            .clone()
            .map(|(digest, _, _, at, _)| (*digest, *at))
            .collect();
        let mut unknown_values: Vec<(u128, u64)> =
            open.map(|(_, _, _, at, value)| (*value, *at)).collect();
        unknown_values.sort_unstable();
        unknown_values.dedup_by_key(|(value, _)| *value);
        let mut applied_values = self.applied_values;
        applied_values.sort_unstable();
        applied_values.dedup();
        Known {
            done: self.done,
            applied_values,
            unknown,
            unknown_values,
        }
    }
}

impl Known {
    /// What the journal says of this customer, sent exactly so; `None`: never tried, or
    /// tried and not applied.
    pub fn prior(&self, customer: &impl Journaled) -> Option<Prior> {
        if self.done.is_empty() && self.unknown.is_empty() {
            return None;
        }
        let digest = customer.with_key(|k| k.digest());
        if self.done.binary_search(&digest).is_ok() {
            return Some(Prior::Done);
        }
        self.unknown
            .binary_search_by_key(&digest, |(d, _)| *d)
            .ok()
            .map(|i| Prior::Unknown {
                since: self.unknown[i].1,
            })
    }

    /// As [`prior`](Self::prior), but a customer it does not know as sent exactly so is
    /// still done when one with its identifier value was applied, and unknown when one may
    /// have been (sent with another source, say): for an action that applies to the customer
    /// whatever else was sent. A refusal stays the request's own: fixed, it is sent.
    pub fn prior_of_customer(&self, customer: &impl Journaled) -> Option<Prior> {
        if let Some(prior) = self.prior(customer) {
            return Some(prior);
        }
        let value = customer.with_key(|k| value_digest(k.identifier_value));
        if self.applied_values.binary_search(&value).is_ok() {
            return Some(Prior::Done);
        }
        self.unknown_values
            .binary_search_by_key(&value, |(v, _)| *v)
            .ok()
            .map(|i| Prior::Unknown {
                since: self.unknown_values[i].1,
            })
    }

    /// How many customers may have been applied.
    pub fn unknown(&self) -> usize {
        self.unknown.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capillary_sdk::RevokeCustomer;

    fn entry(value: &str, status: &str, at: Option<u64>) -> ReadEntry {
        let at = at.map_or(String::new(), |at| format!(",\"at\":{at}"));
        serde_json::from_str(&format!(
            "{{\"identifierValue\":\"{value}\",\"status\":\"{status}\"{at}}}"
        ))
        .unwrap()
    }

    #[test]
    fn the_last_entry_wins_and_an_unknown_keeps_its_sending_time() {
        let mut collector = Collector::default();
        let lines = [
            entry("a", "sending", Some(10)),
            entry("b", "sending", Some(10)),
            entry("c", "sending", Some(10)),
            entry("d", "sending", Some(10)),
            entry("a", "revoked", None),
            entry("b", "maybeApplied", None),
            entry("c", "notApplied", None),
            entry("d", "sending", Some(20)),
        ];
        for (i, e) in lines.iter().enumerate() {
            collector.add(e, i as u64 + 2);
            // Compacting between any two lines changes nothing.
            collector.compact();
        }
        let known = collector.finish();
        let prior = |v: &str| known.prior(&RevokeCustomer::new(v));
        assert_eq!(prior("a"), Some(Prior::Done));
        assert_eq!(prior("b"), Some(Prior::Unknown { since: 10 }));
        assert_eq!(prior("c"), None);
        assert_eq!(prior("d"), Some(Prior::Unknown { since: 20 }));
        assert_eq!(prior("e"), None);
        assert_eq!(known.unknown(), 2);
    }
}
