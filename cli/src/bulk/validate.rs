//! The validation pass of a bulk run: every row valid, and no customer named twice, or nothing
//! is sent.

use capillary_sdk::Error;

use super::Bulk;
use crate::args::BulkArgs;
use crate::csv_input::{Input, InputError, Pass};
use crate::duplicates::Seen;
use crate::journal::{self, Journaled as _, Known, Prior};

/// What the validation pass counted.
#[derive(Debug)]
pub struct Checked {
    /// Customers to send.
    pub total: u64,
    /// Customers the journal already knows.
    pub skipped: u64,
}

/// A refusal of the input, as the run reports it (exit 2, nothing sent).
pub fn invalid(reason: impl std::fmt::Display) -> Error {
    Error::InvalidRequest {
        field: "customers",
        method: "customers",
        reason: reason.to_string(),
    }
}

/// Reads every row of `input` once (its first pass), checking each as `a` will send it.
pub fn check<B: Bulk>(
    input: &Input,
    bulk: &B,
    a: &BulkArgs,
    done: &Known,
) -> Result<Checked, Error> {
    let (mut total, mut skipped, mut rows) = (0u64, 0u64, 0u64);
    let mut seen = Seen::new(bulk.by_earn_ids());
    for row in input.rows(Pass::First, a.source.clone()).map_err(invalid)? {
        let row = row.map_err(invalid)?;
        rows += 1;
        let customer = bulk.customer(row.customer.clone());
        let problem = match customer.as_ref().map(|c| (bulk.check(c), c)) {
            Err(reason) => Some(reason.clone()),
            Ok((Err(Error::InvalidRequest { reason, .. }), _)) => Some(reason),
            Ok((Err(other), _)) => Some(other.to_string()),
            Ok((Ok(()), c))
                if a.journal.is_some()
                    && c.with_key(journal::entry_len_bound) > journal::MAX_LINE =>
            {
                Some(format!(
                    "too long for the journal (its lines are at most {} bytes)",
                    journal::MAX_LINE
                ))
            }
            Ok((Ok(()), _)) => None,
        };
        if let Some(message) = problem {
            return Err(invalid(InputError {
                place: input.place(row.line),
                message,
            }));
        }
        seen.add(&row.customer);
        if customer.is_ok_and(|c| bulk.prior(done, &c) == Some(Prior::Done)) {
            skipped += 1;
        } else {
            total += 1;
        }
    }
    if rows == 0 {
        return Err(invalid(format_args!("{}: no customers", input.place(1))));
    }
    let again = || input.rows(Pass::Again, a.source.clone());
    if let Some(twice) = seen.first_duplicate(again).map_err(invalid)? {
        return Err(invalid(InputError {
            place: input.place(twice.again),
            message: format!(
                "the same customer as {} ({}): remove one of the two rows",
                input.other_place(twice.first),
                twice.customer
            ),
        }));
    }
    Ok(Checked { total, skipped })
}
