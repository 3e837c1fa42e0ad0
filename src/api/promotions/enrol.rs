//! `POST /v2/promotion/bulk/enrolAndEarn`: enrol up to 100 customers into a promotion, or
//! issue them an earn.

use super::bulk_request::BulkRequest;
use super::enrol_input::{validate_enrol_customer, EnrolAction, EnrolCustomer};
use super::enrol_report::{decode_enrol, EnrolReport};
use crate::engine::{ApiRequest, CallOptions, Endpoint};
use crate::error::Error;
use crate::response::RawResponse;
use crate::retry::RetryPolicy;

/// The most customers one bulk enrol & earn request may carry.
pub const MAX_ENROL_CUSTOMERS: usize = 100;

/// A `POST /v2/promotion/bulk/enrolAndEarn` call; see
/// [`Promotions::enrol`](super::Promotions::enrol).
pub type EnrolRequest = BulkRequest<EnrolAction, EnrolCustomer>;

impl BulkRequest<EnrolAction, EnrolCustomer> {
    /// Overrides the client's [`RetryPolicy`] for this request. For `EARN`, its
    /// [`replay_maybe_applied`](RetryPolicy::replay_maybe_applied) is ignored: see
    /// [`send`](Self::send).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Checks the request as [`send`](Self::send) would, without sending it.
    pub fn validate(&self) -> Result<(), Error> {
        Endpoint::validate(self)
    }

    /// Sends the request, retrying as the [`RetryPolicy`] allows.
    ///
    /// `EARN` is not idempotent (every `EARN` applied creates an earn), so an `EARN` that may
    /// have been applied (a timeout after sending, a lost answer, a 5xx) is never sent again,
    /// even with [`replay_maybe_applied`](RetryPolicy::replay_maybe_applied) on: its error's
    /// [`maybe_applied`](Error::maybe_applied) is `true`, and the customers must be looked up
    /// before sending again. Retries of answers that show nothing was applied (a connection
    /// never made, 429) still happen. `ENROL` follows the policy as given.
    ///
    /// Dropping the returned future cancels the call cleanly, but if the request had already
    /// been written the server may still apply it: treat a dropped call like an error whose
    /// `maybe_applied` is `true`.
    pub async fn send(mut self) -> Result<EnrolReport, Error> {
        if self.action == EnrolAction::Earn {
            let policy = self
                .options
                .retry
                .clone()
                .unwrap_or_else(|| self.options.engine.config().retry_policy.clone());
            self.options.retry = Some(policy.replay_maybe_applied(false));
        }
        let engine = self.options.engine.clone();
        engine.execute(&self).await
    }
}

/// A refused `customers` field, naming the call that set it.
pub(crate) fn invalid_customers(reason: String) -> Error {
    Error::InvalidRequest {
        field: "customers",
        method: "EnrolRequest::customers (EnrolCustomer)",
        reason,
    }
}

impl Endpoint for EnrolRequest {
    type Output = EnrolReport;
    const OPERATION: &'static str = "promotions.enrol";
    const PATH_TEMPLATE: &'static str = "/v2/promotion/bulk/enrolAndEarn";

    fn validate(&self) -> Result<(), Error> {
        self.check_all(
            MAX_ENROL_CUSTOMERS,
            "enrol_all",
            |customer| validate_enrol_customer(self.identifier_name, customer),
            invalid_customers,
        )
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        self.post(Self::PATH_TEMPLATE)
    }

    fn decode(&self, response: &RawResponse) -> Result<EnrolReport, Error> {
        decode_enrol(&self.customers, self.action, self.identifier_name, response)
    }

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}
