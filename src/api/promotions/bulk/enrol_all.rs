//! Bulk enrol & earn on the bulk driver: [`EnrolAll`] and the check each customer passes.

use futures_util::future::BoxFuture;

use super::operation::{BulkAnswer, BulkOperation};
use super::outcome::{BulkItem, EnrolOutcome};
use super::summary::EnrolSummary;
use super::BulkRun;
use crate::api::promotions::enrol_input::validate_enrol_customer;
use crate::api::promotions::{
    EnrolCustomer, EnrolItem, EnrolRequest, Enrolled, MAX_ENROL_CUSTOMERS,
};
use crate::error::Error;
use crate::model::RevokeIdentifierKind;

/// A bulk enrol & earn of any number of customers; see
/// [`Promotions::enrol_all`](crate::Promotions::enrol_all) and [`BulkRun`] for its methods.
pub type EnrolAll<S> = BulkRun<EnrolOp, S>;

/// Bulk enrol & earn as the bulk driver runs it: the request, without its customers, that
/// every batch of an [`EnrolAll`] is sent as.
#[derive(Debug, Clone)]
pub struct EnrolOp(pub(crate) EnrolRequest);

impl BulkItem for EnrolItem {
    type Customer = EnrolCustomer;
    fn customer(&self) -> &EnrolCustomer {
        &self.customer
    }
    /// An already enrolled customer counts: what was asked holds.
    fn succeeded(&self) -> bool {
        matches!(
            self.result,
            Ok(Enrolled::Created(_) | Enrolled::AlreadyEnrolled(_))
        )
    }
}

impl BulkOperation for EnrolOp {
    type Customer = EnrolCustomer;
    type Item = EnrolItem;
    type Summary = EnrolSummary;
    const MAX_CUSTOMERS: usize = MAX_ENROL_CUSTOMERS;

    fn check(&self, customer: &EnrolCustomer) -> Result<(), String> {
        validate_enrol_customer(self.0.identifier_name, customer)
    }

    fn send(&self, customers: Vec<EnrolCustomer>) -> BoxFuture<'static, BulkAnswer<EnrolItem>> {
        // `EnrolRequest::send` is the one path that keeps a maybe-applied EARN from being
        // sent again.
        let request = self.0.clone().customers(customers);
        Box::pin(async move {
            let report = request.send().await?;
            Ok((report.items, report.meta))
        })
    }

    fn count(summary: &mut EnrolSummary, outcome: &EnrolOutcome) {
        summary.add(outcome);
    }
}

/// Checks one customer as [`EnrolAll`] will before sending it, so a whole input can be
/// validated up front and refused before anything is sent.
///
/// ```
/// use capillary_sdk::{check_enrol_customer, EnrolCustomer, RevokeIdentifierKind};
///
/// assert!(check_enrol_customer(RevokeIdentifierKind::Id, &EnrolCustomer::new("423926198")).is_ok());
/// assert!(check_enrol_customer(RevokeIdentifierKind::Id, &EnrolCustomer::new("ana@example.com")).is_err());
/// ```
pub fn check_enrol_customer(
    identifier_name: RevokeIdentifierKind,
    customer: &EnrolCustomer,
) -> Result<(), Error> {
    validate_enrol_customer(identifier_name, customer)
        .map_err(crate::api::promotions::enrol::invalid_customers)
}
