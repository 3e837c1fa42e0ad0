//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: revoke enrolments or earns of up to 100
//! customers, and the check every customer passes before it is sent.

use super::bulk_request::BulkRequest;
use super::revoke_input::{validate_revoke_customer, RevokeAction, RevokeCustomer};
use super::revoke_report::{decode_revoke, RevokeReport};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint};
use crate::error::Error;
use crate::response::RawResponse;

/// The most customers one bulk revoke request may carry.
pub const MAX_REVOKE_CUSTOMERS: usize = 100;

/// A `POST /v2/promotion/bulk/revokeEnrolAndEarn` call; see
/// [`Promotions::revoke`](super::Promotions::revoke).
pub type RevokeRequest = BulkRequest<RevokeAction, RevokeCustomer>;

impl BulkRequest<RevokeAction, RevokeCustomer> {
    request_methods!(RevokeReport);
}

impl Endpoint for RevokeRequest {
    type Output = RevokeReport;
    const OPERATION: &'static str = "promotions.revoke";
    const PATH_TEMPLATE: &'static str = "/v2/promotion/bulk/revokeEnrolAndEarn";

    fn validate(&self) -> Result<(), Error> {
        self.check_all(
            MAX_REVOKE_CUSTOMERS,
            "revoke_all",
            |customer| validate_revoke_customer(self.action, self.identifier_name, customer),
            |reason| Error::invalid("customers", reason),
        )
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        self.post(Self::PATH_TEMPLATE)
    }

    fn decode(&self, response: &RawResponse) -> Result<RevokeReport, Error> {
        decode_revoke(&self.customers, self.identifier_name, response)
    }

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}
