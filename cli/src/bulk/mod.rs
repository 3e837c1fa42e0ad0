//! The runner every bulk command shares (revoke, enrol): any number of customers from flags
//! or a CSV file, a validation pass, the write-ahead journal, a progress bar, Ctrl-C, JSON
//! lines in input order and the exit status. A command says only what is its own: how a row
//! becomes its customer, how its request is started, and what an answer means.

mod in_flight;
mod run;
mod settle;
mod validate;

use capillary_sdk::api::promotions::bulk::BulkOperation;
use capillary_sdk::{
    BulkOutcome, BulkRun, Client, Error, PromotionId, PromotionRef, ResponseMeta, RevokeCustomer,
};

use crate::args::BulkArgs;

use crate::journal::{Journaled, Known, Prior, Status};
use crate::output::Verdict;

pub use self::run::run;
pub use self::settle::Check;

/// What the server answered for one customer of command `B`.
pub type Item<B> = <<B as Bulk>::Op as BulkOperation>::Item;
/// What happened to one customer of command `B`.
pub type Outcome<B> = BulkOutcome<Item<B>, <B as Bulk>::Customer>;
/// The customers handed to the bulk driver.
pub type Customers<C> = futures_util::stream::Iter<Box<dyn Iterator<Item = C> + Send>>;

/// One bulk command.
pub trait Bulk: Send + Sync + 'static {
    /// The SDK's bulk operation.
    type Op: BulkOperation<Customer = Self::Customer, Item: Clone>;
    /// One customer.
    type Customer: Journaled + Clone + Send + Sync + 'static;

    /// The command's name, for the summary line.
    const NAME: &'static str;
    /// What a success is called in the summary (`revoked`, `enrolled`, ...).
    fn done_word(&self) -> &'static str;
    /// Whether two rows of one customer differ by their earn ids (revoke of earns).
    fn by_earn_ids(&self) -> bool;
    /// The row's customer, or why it cannot be one of this command.
    fn customer(&self, row: RevokeCustomer) -> Result<Self::Customer, String>;
    /// Checks a customer as the SDK will before sending it.
    fn check(&self, customer: &Self::Customer) -> Result<(), Error>;
    /// The customer's identifier value.
    fn value(customer: &Self::Customer) -> &str;
    /// Starts the bulk run over `customers`.
    fn start(
        &self,
        client: &Client,
        customers: Customers<Self::Customer>,
    ) -> BulkRun<Self::Op, Customers<Self::Customer>>;
    /// What the journal says of `customer`: by default, of the customer sent exactly so.
    fn prior(&self, known: &Known, customer: &Self::Customer) -> Option<Prior> {
        known.prior(customer)
    }
    /// The journal status of an answer, given what the journal knew before the run.
    fn status(&self, item: &Item<Self>, known: &Known) -> Status;
    /// Whether customers the journal has as maybe applied are settled by
    /// [`settle`](Self::settle) before the run rather than sent again.
    fn settles_unknown(&self) -> bool {
        false
    }
    /// Settles one customer whose attempt journaled as sent at `since` (Unix ms) may have
    /// been applied.
    fn settle(
        &self,
        _client: &Client,
        _customer: &Self::Customer,
        _since: u64,
    ) -> impl std::future::Future<Output = Check> {
        std::future::ready(Check::NotApplied)
    }
    /// The journal status of a customer [`settle`](Self::settle) found applied.
    fn applied_status(&self) -> Status {
        Status::Failed
    }
    /// The line of an answer, and whether it counts as a success.
    fn line(&self, item: &Item<Self>, meta: &ResponseMeta, known: &Known) -> (String, Verdict);
}

/// The promotion the flags name.
pub fn promotion(a: &BulkArgs) -> Result<PromotionRef, Error> {
    match (a.promotion, a.promo_identifier.clone()) {
        (Some(id), _) => Ok(PromotionRef::id(PromotionId(id))),
        (None, Some(s)) if !s.trim().is_empty() => Ok(PromotionRef::identifier(s)),
        _ => Err(Error::InvalidRequest {
            field: "--promo-identifier",
            method: "--promo-identifier",
            reason: "give --promotion ID or a non-empty --promo-identifier".into(),
        }),
    }
}
