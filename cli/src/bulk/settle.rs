//! Before a rerun sends anything: the customers whose earlier attempt may have been applied
//! and that must not be sent blindly (an EARN can apply twice) are settled one by one,
//! by the command's own check (a lookup), and either reported as applied, sent again as not
//! applied, or left unknown when the check could not tell.

use std::collections::HashSet;
use std::io::Write;

use capillary_sdk::Client;

use super::in_flight::InFlight;
use super::validate::invalid;
use super::Bulk;
use crate::args::BulkArgs;
use crate::csv_input::{Input, Pass};
use crate::journal::{Journaled as _, Known, Prior, Status};
use crate::terminal;

/// What the settling found.
#[derive(Debug, Default)]
pub struct Settled {
    /// Digests of the customers not to send in this run (applied, or still unknown).
    pub skip: HashSet<u128>,
    /// Customers found applied.
    pub applied: u64,
    /// Customers found not applied (sent in this run).
    pub not_applied: u64,
    /// Customers the check could not settle (left unknown, not sent).
    pub unknown: u64,
}

/// What a command's check says of one customer.
pub enum Check {
    /// Applied by the earlier attempt: its line.
    Applied(String),
    /// Not applied: send it.
    NotApplied,
    /// Cannot tell: its line (a `failed` line that may have been applied).
    Unknown(String),
}

/// Settles every customer of `input` that the journal has as maybe applied.
pub async fn settle<B: Bulk>(
    client: &Client,
    bulk: &B,
    input: &Input,
    a: &BulkArgs,
    known: &Known,
    in_flight: &InFlight<B>,
    out: &mut impl Write,
) -> Result<Settled, capillary_sdk::Error> {
    let mut settled = Settled::default();
    for row in input.rows(Pass::Again, a.source.clone()).map_err(invalid)? {
        let row = row.map_err(invalid)?;
        let Ok(customer) = bulk.customer(row.customer) else {
            continue;
        };
        let Some(Prior::Unknown { since }) = bulk.prior(known, &customer) else {
            continue;
        };
        let digest = customer.with_key(|k| k.digest());
        match bulk.settle(client, &customer, since).await {
            Check::Applied(line) => {
                in_flight.record(&customer, bulk.applied_status());
                terminal::print(out, &line);
                settled.skip.insert(digest);
                settled.applied += 1;
            }
            Check::NotApplied => {
                in_flight.record(&customer, Status::NotApplied);
                settled.not_applied += 1;
            }
            Check::Unknown(line) => {
                terminal::print(out, &line);
                settled.skip.insert(digest);
                settled.unknown += 1;
            }
        }
    }
    terminal::flush(out);
    Ok(settled)
}
