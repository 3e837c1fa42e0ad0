//! What the bulk driver needs from an endpoint: [`BulkOperation`] checks a customer and
//! sends a request of them.

use futures_util::future::BoxFuture;

use super::outcome::{BulkItem, BulkOutcome};
use crate::error::Error;
use crate::model::ResponseMeta;

/// One request's answer: an item per customer, in order, and the answer's status and
/// request id; or why there is none.
pub type BulkAnswer<I> = Result<(Vec<I>, ResponseMeta), Error>;

/// One bulk endpoint as the driver runs it: its customers, what it answers for each, and how
/// one request of at most [`MAX_CUSTOMERS`](Self::MAX_CUSTOMERS) is sent. Implemented by the
/// SDK for bulk revoke and bulk enrol & earn; it names the type parameter of
/// [`BulkRun`](super::BulkRun) and is not meant to be implemented elsewhere.
pub trait BulkOperation: Send + Sync + 'static {
    /// One customer as the caller gives it.
    type Customer: Clone + Send + Sync + 'static;
    /// What the server answered for one customer.
    type Item: BulkItem<Customer = Self::Customer> + Send + Sync + 'static;
    /// The run counted to its end.
    type Summary: Default + Send;
    /// The most customers one request carries.
    const MAX_CUSTOMERS: usize;

    /// Checks one customer before it is sent; the reason when it cannot be.
    fn check(&self, customer: &Self::Customer) -> Result<(), String>;

    /// Sends one request of valid customers: one item per customer, in order, and the
    /// answer's status and request id.
    fn send(&self, customers: Vec<Self::Customer>) -> BoxFuture<'static, BulkAnswer<Self::Item>>;

    /// Counts one outcome into the summary.
    fn count(summary: &mut Self::Summary, outcome: &BulkOutcome<Self::Item, Self::Customer>);
}
