//! The validation pass of a revoke: every row valid, and no customer named twice, or nothing
//! is sent.

use capillary_sdk::{check_revoke_customer, Error};

use crate::args::RevokeArgs;
use crate::csv_input::{Input, InputError, Pass};
use crate::duplicates::Seen;
use crate::journal::{self, Journaled as _, Known};

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
pub fn check(input: &Input, a: &RevokeArgs, done: &Known) -> Result<Checked, Error> {
    let (mut total, mut skipped, mut rows) = (0u64, 0u64, 0u64);
    let mut seen = Seen::new(a.action);
    for row in input.rows(Pass::First, a.source.clone()).map_err(invalid)? {
        let row = row.map_err(invalid)?;
        rows += 1;
        let problem = match check_revoke_customer(a.action, a.identifier_name, &row.customer) {
            Err(Error::InvalidRequest { reason, .. }) => Some(reason),
            Err(other) => Some(other.to_string()),
            Ok(())
                if a.journal.is_some()
                    && row.customer.with_key(journal::entry_len_bound) > journal::MAX_LINE =>
            {
                Some(format!(
                    "too long for the journal (its lines are at most {} bytes)",
                    journal::MAX_LINE
                ))
            }
            Ok(()) => None,
        };
        if let Some(message) = problem {
            return Err(invalid(InputError {
                place: input.place(row.line),
                message,
            }));
        }
        seen.add(&row.customer);
        if done.contains(&row.customer) {
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
