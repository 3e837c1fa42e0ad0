//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: revoke enrolments or earns of up to 100
//! customers, and the check every customer passes before it is sent.

use serde::Serialize;

use super::promotion_ref::{check_promotion, PromotionDetails, PromotionRef};
use super::revoke_input::{validate_revoke_customer, RevokeAction, RevokeCustomer};
use super::revoke_report::{decode_revoke, RevokeReport};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint, Engine};
use crate::error::Error;
use crate::model::{EntityType, ProgramId, RevokeIdentifierKind};
use crate::response::RawResponse;

/// The most customers one bulk revoke request may carry.
pub const MAX_REVOKE_CUSTOMERS: usize = 100;

/// A `POST /v2/promotion/bulk/revokeEnrolAndEarn` call; see
/// [`Promotions::revoke`](super::Promotions::revoke).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RevokeRequest {
    pub(super) options: CallOptions,
    pub(super) action: RevokeAction,
    pub(super) program: ProgramId,
    pub(super) promotion: PromotionRef,
    pub(super) identifier_name: RevokeIdentifierKind,
    pub(super) customers: Vec<RevokeCustomer>,
}

impl RevokeRequest {
    pub(crate) fn new(
        engine: Engine,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: RevokeIdentifierKind,
    ) -> Self {
        Self {
            options: CallOptions::new(engine),
            action,
            program,
            promotion,
            identifier_name,
            customers: Vec::new(),
        }
    }

    /// Adds one customer.
    pub fn customer(mut self, customer: RevokeCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds customers.
    pub fn customers(mut self, customers: impl IntoIterator<Item = RevokeCustomer>) -> Self {
        self.customers.extend(customers);
        self
    }

    request_methods!(RevokeReport);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RevokeBody<'a> {
    #[serde(rename = "type")]
    entity_type: EntityType,
    bulk_action: RevokeAction,
    promotion_details: PromotionDetails<'a>,
    identifier_name: RevokeIdentifierKind,
    customers: &'a [RevokeCustomer],
}

impl Endpoint for RevokeRequest {
    type Output = RevokeReport;
    const OPERATION: &'static str = "promotions.revoke";
    const PATH_TEMPLATE: &'static str = "/v2/promotion/bulk/revokeEnrolAndEarn";

    fn validate(&self) -> Result<(), Error> {
        check_promotion(&self.promotion)?;
        if self.customers.is_empty() {
            return Err(Error::invalid(
                "customers",
                "at least one customer is required",
            ));
        }
        if self.customers.len() > MAX_REVOKE_CUSTOMERS {
            return Err(Error::invalid(
                "customers",
                format!(
                    "{} customers in one request; the limit is {MAX_REVOKE_CUSTOMERS} (use revoke_all to chunk)",
                    self.customers.len()
                ),
            ));
        }
        for (i, customer) in self.customers.iter().enumerate() {
            validate_revoke_customer(self.action, self.identifier_name, customer)
                .map_err(|reason| Error::invalid("customers", format!("customer {i}: {reason}")))?;
        }
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        ApiRequest::post_json(
            "/v2/promotion/bulk/revokeEnrolAndEarn".into(),
            &RevokeBody {
                entity_type: EntityType::Customer,
                bulk_action: self.action,
                promotion_details: PromotionDetails::new(self.program, &self.promotion),
                identifier_name: self.identifier_name,
                customers: &self.customers,
            },
        )
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
