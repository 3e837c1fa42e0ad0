//! [`BulkRequest`]: what both bulk endpoints send (an action, a promotion, an identifier kind
//! and up to 100 customers), built and checked the same way.

use serde::Serialize;

use super::promotion_ref::{check_promotion, PromotionDetails, PromotionRef};
use crate::engine::{ApiRequest, CallOptions, Engine};
use crate::error::Error;
use crate::model::{EntityType, ProgramId, RevokeIdentifierKind};

/// A bulk request: [`RevokeRequest`](crate::RevokeRequest) (`A` = [`RevokeAction`](crate::RevokeAction))
/// or [`EnrolRequest`](crate::EnrolRequest) (`A` = [`EnrolAction`](crate::EnrolAction)), for
/// up to 100 customers of type `C`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct BulkRequest<A, C> {
    pub(super) options: CallOptions,
    pub(super) action: A,
    pub(super) program: ProgramId,
    pub(super) promotion: PromotionRef,
    pub(super) identifier_name: RevokeIdentifierKind,
    pub(super) customers: Vec<C>,
}

impl<A, C> BulkRequest<A, C> {
    pub(crate) fn new(
        engine: Engine,
        action: A,
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
    pub fn customer(mut self, customer: C) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds customers.
    pub fn customers(mut self, customers: impl IntoIterator<Item = C>) -> Self {
        self.customers.extend(customers);
        self
    }

    /// The checks both endpoints make before sending: the promotion, 1 to `max` customers
    /// (`many` names the call that takes more), and each customer by `check`; `invalid`
    /// makes the error for a refused `customers` field.
    pub(super) fn check_all(
        &self,
        max: usize,
        many: &str,
        check: impl Fn(&C) -> Result<(), String>,
        invalid: fn(String) -> Error,
    ) -> Result<(), Error> {
        check_promotion(&self.promotion)?;
        if self.customers.is_empty() {
            return Err(invalid("at least one customer is required".into()));
        }
        if self.customers.len() > max {
            return Err(invalid(format!(
                "{} customers in one request; the limit is {max} (use {many} to chunk)",
                self.customers.len()
            )));
        }
        for (i, customer) in self.customers.iter().enumerate() {
            check(customer).map_err(|reason| invalid(format!("customer {i}: {reason}")))?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BulkBody<'a, A, C> {
    #[serde(rename = "type")]
    entity_type: EntityType,
    bulk_action: A,
    promotion_details: PromotionDetails<'a>,
    identifier_name: RevokeIdentifierKind,
    customers: &'a [C],
}

impl<A: Serialize + Copy, C: Serialize> BulkRequest<A, C> {
    /// The `POST` of this request's body to `path`.
    pub(super) fn post(&self, path: &'static str) -> Result<ApiRequest, Error> {
        ApiRequest::post_json(
            path.into(),
            &BulkBody {
                entity_type: EntityType::Customer,
                bulk_action: self.action,
                promotion_details: PromotionDetails::new(self.program, &self.promotion),
                identifier_name: self.identifier_name,
                customers: &self.customers,
            },
        )
    }
}
