//! Bulk revoke on the bulk driver: [`RevokeAll`] and the check each customer passes.

use futures_util::future::BoxFuture;

use super::operation::{BulkAnswer, BulkOperation};
use super::outcome::{BulkItem, RevokeOutcome};
use super::summary::RevokeSummary;
use super::BulkRun;
use crate::api::promotions::revoke_input::validate_revoke_customer;
use crate::api::promotions::{
    RevokeAction, RevokeCustomer, RevokeItem, RevokeRequest, MAX_REVOKE_CUSTOMERS,
};
use crate::error::Error;
use crate::model::RevokeIdentifierKind;

/// A bulk revoke of any number of customers; see
/// [`Promotions::revoke_all`](crate::Promotions::revoke_all) and [`BulkRun`] for its methods.
pub type RevokeAll<S> = BulkRun<RevokeOp, S>;

/// Bulk revoke as the bulk driver runs it: the request, without its customers, that
/// every batch of an [`RevokeAll`] is sent as.
#[derive(Debug, Clone)]
pub struct RevokeOp(pub(crate) RevokeRequest);

impl BulkItem for RevokeItem {
    type Customer = RevokeCustomer;
    fn customer(&self) -> &RevokeCustomer {
        &self.customer
    }
    fn succeeded(&self) -> bool {
        self.result.is_ok()
    }
}

impl BulkOperation for RevokeOp {
    type Customer = RevokeCustomer;
    type Item = RevokeItem;
    type Summary = RevokeSummary;
    const MAX_CUSTOMERS: usize = MAX_REVOKE_CUSTOMERS;

    fn check(&self, customer: &RevokeCustomer) -> Result<(), String> {
        validate_revoke_customer(self.0.action, self.0.identifier_name, customer)
    }

    fn send(&self, customers: Vec<RevokeCustomer>) -> BoxFuture<'static, BulkAnswer<RevokeItem>> {
        let request = self.0.clone().customers(customers);
        Box::pin(async move {
            let report = request.send().await?;
            Ok((report.items, report.meta))
        })
    }

    fn count(summary: &mut RevokeSummary, outcome: &RevokeOutcome) {
        summary.add(outcome);
    }
}

/// Checks one customer as [`RevokeAll`] will before sending it, so a whole input can be
/// validated up front (e.g. a CSV file, row by row) and refused before anything is sent.
///
/// ```
/// use capillary_sdk::{check_revoke_customer, RevokeIdentifierKind, RevokeAction, RevokeCustomer};
///
/// let ok = RevokeCustomer::new("423927848");
/// assert!(check_revoke_customer(RevokeAction::Earn, RevokeIdentifierKind::Id, &ok).is_ok());
/// let bad = RevokeCustomer::new("ana@example.com");
/// assert!(check_revoke_customer(RevokeAction::Earn, RevokeIdentifierKind::Id, &bad).is_err());
/// ```
pub fn check_revoke_customer(
    action: RevokeAction,
    identifier_name: RevokeIdentifierKind,
    customer: &RevokeCustomer,
) -> Result<(), Error> {
    validate_revoke_customer(action, identifier_name, customer)
        .map_err(|reason| Error::invalid("customers", reason))
}
