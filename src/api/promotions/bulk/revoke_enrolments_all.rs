//! Revoking enrolments with their earns, at any size, on the bulk driver:
//! [`RevokeEnrolmentsAll`].

use futures_util::future::BoxFuture;

use super::operation::{BulkAnswer, BulkOperation};
use super::outcome::{BulkItem, BulkOutcome, EnrolmentRevokeOutcome};
use super::summary::RevokeSummary;
use super::BulkRun;
use crate::api::promotions::revoke_input::validate_revoke_customer;
use crate::api::promotions::{
    EnrolmentRevokeItem, EnrolmentStep, RevokeAction, RevokeCustomer, RevokeEnrolmentsRequest,
    MAX_REVOKE_CUSTOMERS,
};

/// Enrolments revoked with their earns, for any number of customers; see
/// [`Promotions::revoke_enrolments_with_earns_all`](crate::Promotions::revoke_enrolments_with_earns_all)
/// and [`BulkRun`] for its methods.
pub type RevokeEnrolmentsAll<S> = BulkRun<RevokeEnrolmentsOp, S>;

/// Revoking enrolments with their earns as the bulk driver runs it: the two-step request,
/// without its customers, that every batch of a [`RevokeEnrolmentsAll`] is sent as. Each
/// batch of at most 100 is one `REVOKE_EARN` then one `REVOKE_ENROL`; `on_sending` is called
/// once per batch, before the first of the two.
#[derive(Debug, Clone)]
pub struct RevokeEnrolmentsOp(pub(crate) RevokeEnrolmentsRequest);

impl BulkItem for EnrolmentRevokeItem {
    type Customer = RevokeCustomer;
    fn customer(&self) -> &RevokeCustomer {
        &self.customer
    }
    fn succeeded(&self) -> bool {
        matches!(self.enrolment, EnrolmentStep::Revoked(_))
    }
}

impl BulkOperation for RevokeEnrolmentsOp {
    type Customer = RevokeCustomer;
    type Item = EnrolmentRevokeItem;
    type Summary = RevokeSummary;
    const MAX_CUSTOMERS: usize = MAX_REVOKE_CUSTOMERS;

    /// The `REVOKE_ENROL` rules, which also refuse earn ids: every earn is revoked.
    fn check(&self, customer: &RevokeCustomer) -> Result<(), String> {
        validate_revoke_customer(RevokeAction::Enrol, self.0.identifier_name, customer)
    }

    fn send(
        &self,
        customers: Vec<RevokeCustomer>,
    ) -> BoxFuture<'static, BulkAnswer<EnrolmentRevokeItem>> {
        let request = self.0.clone().customers(customers);
        Box::pin(async move {
            let report = request.send().await?;
            Ok((report.items, report.earns_http))
        })
    }

    /// Revoked when the enrolment was; a failed `REVOKE_ENROL` request counts as maybe
    /// applied or not applied, as its error says.
    fn count(summary: &mut RevokeSummary, outcome: &EnrolmentRevokeOutcome) {
        match outcome {
            BulkOutcome::Answered { item, .. } => match &item.enrolment {
                EnrolmentStep::Revoked(_) => summary.revoked += 1,
                EnrolmentStep::Failed { error } if error.maybe_applied() => {
                    summary.maybe_applied += 1
                }
                EnrolmentStep::Failed { .. } => summary.not_applied += 1,
                EnrolmentStep::Refused { .. } | EnrolmentStep::Skipped => summary.refused += 1,
            },
            BulkOutcome::NotApplied { .. } => summary.not_applied += 1,
            BulkOutcome::MaybeApplied { .. } => summary.maybe_applied += 1,
        }
    }
}
