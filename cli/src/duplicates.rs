//! Customers named twice in one input: the second copy would be refused by the server
//! (8903, exit 1) after the first was applied, and the journal would hold both outcomes.
//! The validation pass refuses them instead, citing both rows.
//!
//! The same customer is the same identifier value, and for an earn revoke the same earn ids
//! (in any order): one customer with other earns on another row is another revoke. Memory is
//! 8 bytes a row (a 64-bit hash); rows whose hashes meet are compared for real by reading
//! the input again, so a hash collision never refuses a file.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher as _};

use capillary_sdk::RevokeCustomer;

use crate::csv_input::{InputError, Rows};

/// What makes two rows the same customer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    value: String,
    earn_ids: Vec<u64>,
}

impl Key {
    fn of(by_earn_ids: bool, customer: &RevokeCustomer) -> Self {
        let mut earn_ids: Vec<u64> = if by_earn_ids {
            customer.earn_ids.iter().flatten().map(|id| id.0).collect()
        } else {
            Vec::new()
        };
        earn_ids.sort_unstable();
        earn_ids.dedup();
        Self {
            value: customer.identifier_value.clone(),
            earn_ids,
        }
    }

    fn hash(&self) -> u64 {
        // Fixed keys: the same input hashes alike in every pass.
        let mut hasher = DefaultHasher::new();
        Hash::hash(self, &mut hasher);
        hasher.finish()
    }
}

/// The hashes of the rows seen so far.
#[derive(Debug)]
pub struct Seen {
    /// Whether rows of one value with other earn ids are other customers.
    by_earn_ids: bool,
    hashes: Vec<u64>,
}

/// Two rows of the same customer: the earlier line, the later line, the customer.
#[derive(Debug)]
pub struct Duplicate {
    /// The first row naming the customer.
    pub first: u64,
    /// The row that names it again.
    pub again: u64,
    /// How the customer reads in a message.
    pub customer: String,
}

impl Seen {
    /// Nothing seen yet; `by_earn_ids` for a revoke of earns.
    pub fn new(by_earn_ids: bool) -> Self {
        Self {
            by_earn_ids,
            hashes: Vec::new(),
        }
    }

    /// Notes a row's customer.
    pub fn add(&mut self, customer: &RevokeCustomer) {
        self.hashes.push(Key::of(self.by_earn_ids, customer).hash());
    }

    /// The first customer named twice, reading `again` (the same rows, a second time) only
    /// when two hashes meet.
    pub fn first_duplicate(
        mut self,
        again: impl FnOnce() -> Result<Rows, InputError>,
    ) -> Result<Option<Duplicate>, InputError> {
        self.hashes.sort_unstable();
        let suspects: HashSet<u64> = self
            .hashes
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        drop(self.hashes);
        if suspects.is_empty() {
            return Ok(None);
        }
        let mut lines: HashMap<Key, u64> = HashMap::new();
        for row in again()? {
            let row = row?;
            let key = Key::of(self.by_earn_ids, &row.customer);
            if !suspects.contains(&key.hash()) {
                continue;
            }
            if let Some(&first) = lines.get(&key) {
                let mut customer = format!("identifierValue {:?}", key.value);
                if !key.earn_ids.is_empty() {
                    let ids: Vec<String> = key.earn_ids.iter().map(u64::to_string).collect();
                    customer.push_str(&format!(", earn ids {}", ids.join(";")));
                }
                return Ok(Some(Duplicate {
                    first,
                    again: row.line,
                    customer,
                }));
            }
            lines.insert(key, row.line);
        }
        Ok(None)
    }
}
