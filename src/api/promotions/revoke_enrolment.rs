//! Revoking enrolments together with their earns: the server refuses `REVOKE_ENROL` while a
//! customer still has live earns, so this sends `REVOKE_EARN` first, then `REVOKE_ENROL` for
//! the customers whose earns are gone, and reports both steps per customer.

use std::sync::Arc;

use serde::Serialize;

use super::promotion_ref::PromotionRef;
use super::revoke::RevokeRequest;
use super::revoke_input::{RevokeAction, RevokeCustomer};
use super::revoke_report::{RevokeReport, Revoked};
use crate::engine::Engine;
use crate::error::Error;
use crate::model::{
    ApiMessage, ApiMessages, ErrorCode, ProgramId, ResponseMeta, RevokeIdentifierKind,
};
use crate::retry::RetryPolicy;

/// Revokes the enrolments of up to 100 customers, their earns first; see
/// [`Promotions::revoke_enrolments_with_earns`](super::Promotions::revoke_enrolments_with_earns).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RevokeEnrolmentsRequest {
    pub(super) engine: Engine,
    pub(super) program: ProgramId,
    pub(super) promotion: PromotionRef,
    pub(super) identifier_name: RevokeIdentifierKind,
    pub(super) customers: Vec<RevokeCustomer>,
    pub(super) retry: Option<RetryPolicy>,
}

impl RevokeEnrolmentsRequest {
    /// Adds one customer (without earn ids: every earn is revoked).
    pub fn customer(mut self, customer: RevokeCustomer) -> Self {
        self.customers.push(customer);
        self
    }

    /// Adds customers.
    pub fn customers(mut self, customers: impl IntoIterator<Item = RevokeCustomer>) -> Self {
        self.customers.extend(customers);
        self
    }

    /// Overrides the client's [`RetryPolicy`] for both requests.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    fn step(&self, action: RevokeAction, customers: Vec<RevokeCustomer>) -> RevokeRequest {
        let request = RevokeRequest::new(
            self.engine.clone(),
            action,
            self.program,
            self.promotion.clone(),
            self.identifier_name,
        )
        .customers(customers);
        match &self.retry {
            Some(policy) => request.retry_policy(policy.clone()),
            None => request,
        }
    }

    /// Checks both requests as [`send`](Self::send) would, without sending anything.
    pub fn validate(&self) -> Result<(), Error> {
        if self.customers.iter().any(|c| c.earn_ids.is_some()) {
            return Err(Error::invalid(
                "customers",
                "earnIds: revoking an enrolment revokes every earn of it; leave earn ids out",
            ));
        }
        self.step(RevokeAction::Earn, self.customers.clone())
            .validate()?;
        self.step(RevokeAction::Enrol, self.customers.clone())
            .validate()
    }

    /// Sends `REVOKE_EARN` for every customer, then `REVOKE_ENROL` for those whose earns
    /// were revoked or who had none left (8903). An error of the first request is returned
    /// as is (no enrolment was touched); an error of the second is reported on every
    /// customer it carried, since their earns are already gone.
    pub async fn send(self) -> Result<EnrolmentRevokeReport, Error> {
        self.validate()?;
        let earns = self
            .step(RevokeAction::Earn, self.customers.clone())
            .send()
            .await?;
        let ready: Vec<RevokeCustomer> = earns
            .items
            .iter()
            .filter(|item| earns_gone(&item.result))
            .map(|item| item.customer.clone())
            .collect();
        let enrolments = if ready.is_empty() {
            None
        } else {
            Some(
                self.step(RevokeAction::Enrol, ready)
                    .send()
                    .await
                    .map_err(Arc::new),
            )
        };
        Ok(EnrolmentRevokeReport::pair(earns, enrolments))
    }
}

/// Whether a customer's earns are out of the way: revoked now, or none left to revoke.
fn earns_gone(result: &Result<Revoked, Vec<ApiMessage>>) -> bool {
    match result {
        Ok(_) => true,
        Err(errors) => errors.codes() == [ErrorCode::EarnIdsInvalidOrRevoked],
    }
}

/// What became of each customer's earns and enrolment. Serialised with the API's names.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentRevokeReport {
    /// One item per customer, in request order.
    pub items: Vec<EnrolmentRevokeItem>,
    /// Status and request id of the `REVOKE_EARN` answer.
    pub earns_http: ResponseMeta,
    /// Status and request id of the `REVOKE_ENROL` answer, when it was sent and answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolments_http: Option<ResponseMeta>,
}

/// One customer of an [`EnrolmentRevokeReport`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentRevokeItem {
    /// The customer as sent.
    #[serde(flatten)]
    pub customer: RevokeCustomer,
    /// The earns revoked, or the server's errors (8903 alone means none were left).
    #[serde(serialize_with = "serialize_result")]
    pub earns: Result<Revoked, Vec<ApiMessage>>,
    /// The enrolment step.
    pub enrolment: EnrolmentStep,
}

/// The second step for one customer.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EnrolmentStep {
    /// The enrolment was revoked.
    Revoked(Revoked),
    /// The server refused to revoke it (e.g. 8896: no active enrolment).
    Refused {
        /// The server's errors.
        errors: Vec<ApiMessage>,
    },
    /// Not attempted: the earns step failed for this customer.
    Skipped,
    /// The `REVOKE_ENROL` request failed as a whole; see the error's
    /// [`maybe_applied`](Error::maybe_applied).
    Failed {
        /// Why, shared by every customer of the request.
        #[serde(serialize_with = "serialize_error")]
        error: Arc<Error>,
    },
}

fn serialize_result<S: serde::Serializer>(
    result: &Result<Revoked, Vec<ApiMessage>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match result {
        Ok(revoked) => revoked.serialize(serializer),
        Err(errors) => serde_json::json!({ "errors": errors }).serialize(serializer),
    }
}

fn serialize_error<S: serde::Serializer>(
    error: &Arc<Error>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    error.to_string().serialize(serializer)
}

impl EnrolmentRevokeReport {
    fn pair(earns: RevokeReport, enrolments: Option<Result<RevokeReport, Arc<Error>>>) -> Self {
        let enrolments_http = match &enrolments {
            Some(Ok(report)) => Some(report.meta.clone()),
            _ => None,
        };
        let mut second = match &enrolments {
            Some(Ok(report)) => report.items.iter().map(|i| i.result.clone()).collect(),
            _ => Vec::new(),
        }
        .into_iter();
        let items = earns
            .items
            .into_iter()
            .map(|item| {
                let enrolment = if !earns_gone(&item.result) {
                    EnrolmentStep::Skipped
                } else {
                    match &enrolments {
                        Some(Err(error)) => EnrolmentStep::Failed {
                            error: Arc::clone(error),
                        },
                        _ => match second.next() {
                            Some(Ok(revoked)) => EnrolmentStep::Revoked(revoked),
                            Some(Err(errors)) => EnrolmentStep::Refused { errors },
                            None => EnrolmentStep::Skipped,
                        },
                    }
                };
                EnrolmentRevokeItem {
                    customer: item.customer,
                    earns: item.result,
                    enrolment,
                }
            })
            .collect();
        Self {
            items,
            earns_http: earns.meta,
            enrolments_http,
        }
    }

    /// How many enrolments were revoked.
    pub fn revoked(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.enrolment, EnrolmentStep::Revoked(_)))
            .count()
    }
}
