//! `POST /v2/promotion/bulk/enrolAndEarn`: enrol up to 100 customers into a promotion, or
//! issue them an earn.

use serde::Serialize;

use super::enrol_input::{validate_enrol_customer, EnrolAction, EnrolCustomer};
use super::enrol_report::{decode_enrol, EnrolReport};
use super::promotion_ref::{check_promotion, PromotionDetails, PromotionRef};
use crate::engine::{ApiRequest, CallOptions, Endpoint, Engine};
use crate::error::Error;
use crate::model::{EntityType, ProgramId, RevokeIdentifierKind};
use crate::response::RawResponse;
use crate::retry::RetryPolicy;

/// The most customers one bulk enrol & earn request may carry.
pub const MAX_ENROL_CUSTOMERS: usize = 100;

/// A `POST /v2/promotion/bulk/enrolAndEarn` call; see
/// [`Promotions::enrol`](super::Promotions::enrol).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct EnrolRequest {
    options: CallOptions,
    pub(super) action: EnrolAction,
    program: ProgramId,
    promotion: PromotionRef,
    pub(super) identifier_name: RevokeIdentifierKind,
    customers: Vec<EnrolCustomer>,
}

impl EnrolRequest {
    pub(crate) fn new(
        engine: Engine,
        action: EnrolAction,
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
    pub fn customer(mut self, customer: EnrolCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds customers.
    pub fn customers(mut self, customers: impl IntoIterator<Item = EnrolCustomer>) -> Self {
        self.customers.extend(customers);
        self
    }

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnrolBody<'a> {
    #[serde(rename = "type")]
    entity_type: EntityType,
    bulk_action: EnrolAction,
    promotion_details: PromotionDetails<'a>,
    identifier_name: RevokeIdentifierKind,
    customers: &'a [EnrolCustomer],
}

impl Endpoint for EnrolRequest {
    type Output = EnrolReport;
    const OPERATION: &'static str = "promotions.enrol";
    const PATH_TEMPLATE: &'static str = "/v2/promotion/bulk/enrolAndEarn";

    fn validate(&self) -> Result<(), Error> {
        check_promotion(&self.promotion)?;
        if self.customers.is_empty() {
            return Err(invalid_customers(
                "at least one customer is required".into(),
            ));
        }
        if self.customers.len() > MAX_ENROL_CUSTOMERS {
            return Err(invalid_customers(format!(
                "{} customers in one request; the limit is {MAX_ENROL_CUSTOMERS} (use enrol_all to chunk)",
                self.customers.len()
            )));
        }
        for (i, customer) in self.customers.iter().enumerate() {
            validate_enrol_customer(self.identifier_name, customer)
                .map_err(|reason| invalid_customers(format!("customer {i}: {reason}")))?;
        }
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        ApiRequest::post_json(
            Self::PATH_TEMPLATE.into(),
            &EnrolBody {
                entity_type: EntityType::Customer,
                bulk_action: self.action,
                promotion_details: PromotionDetails::new(self.program, &self.promotion),
                identifier_name: self.identifier_name,
                customers: &self.customers,
            },
        )
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
