//! What a bulk revoke did: the answer decoded and paired with the customers sent.

use serde::{Deserialize, Serialize, Serializer};

use super::issue::nullable_vec;
use super::revoke::RevokeCustomer;
use crate::error::Error;
use crate::model::{
    deserialize_messages, ApiMessage, CustomerId, EarnId, IssualId, ProgramId, PromotionId,
    ResponseMeta, RevokeIdentifierKind,
};
use crate::response::RawResponse;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevokeEnvelope {
    #[serde(default)]
    response: Option<Vec<RevokeItemWire>>,
    #[serde(default)]
    total_count: Option<u64>,
    #[serde(default)]
    failure_count: Option<u64>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

#[derive(Deserialize)]
struct RevokeItemWire {
    #[serde(default)]
    result: Option<RevokeResultWire>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevokeResultWire {
    #[serde(default)]
    entity_type: Option<String>,
    #[serde(default)]
    entity_id: Option<CustomerId>,
    #[serde(default)]
    promotion_id: Option<PromotionId>,
    #[serde(default)]
    promo_identifier: Option<String>,
    #[serde(default)]
    program_id: Option<ProgramId>,
    // The page's table says revokedIssualId; its REVOKE_ENROL example says issualId.
    #[serde(default)]
    revoked_issual_id: Option<IssualId>,
    #[serde(default)]
    issual_id: Option<IssualId>,
    #[serde(default, deserialize_with = "nullable_vec")]
    revoked_earn_ids: Vec<EarnId>,
}

/// Decodes a bulk answer (a success, or a refusal: the engine handles every other status) and
/// pairs it with the customers sent, by position. When customers are named by id, each
/// result must name the customer sent at its position.
pub(crate) fn decode_revoke(
    customers: &[RevokeCustomer],
    identifier_name: RevokeIdentifierKind,
    response: &RawResponse,
) -> Result<RevokeReport, Error> {
    let envelope: RevokeEnvelope = response.json()?;
    let meta = response.meta.clone();
    let success = meta.status.is_success();
    let Some(items) = envelope.response else {
        if !envelope.errors.is_empty() {
            return Err(Error::Api {
                meta,
                errors: envelope.errors,
                warnings: envelope.warnings,
            });
        }
        return Err(response.unexpected("no `response` list in the bulk answer"));
    };
    // A refusal that claims results contradicts itself: never a report. The status decides
    // what it means, as it does for every answer.
    if !success && items.iter().any(|i| i.result.is_some()) {
        return Err(response.unexpected("results in an answer with an error status"));
    }
    // A request-level refusal (bad program, inactive promotion, wrong action for the
    // promotion type) comes back as one errors-only item whatever the number of customers.
    let request_level = items.len() == 1
        && customers.len() > 1
        && items[0].result.is_none()
        && !items[0].errors.is_empty();
    if items.len() != customers.len() && !request_level {
        return Err(response.unexpected(format!(
            "{} customers sent but {} results received; results cannot be paired with customers",
            customers.len(),
            items.len()
        )));
    }
    let mut paired = Vec::with_capacity(customers.len());
    for (i, customer) in customers.iter().enumerate() {
        let item = if request_level { &items[0] } else { &items[i] };
        let result = match (&item.result, item.errors.is_empty()) {
            (Some(r), true) => {
                if identifier_name == RevokeIdentifierKind::Id {
                    check_entity(i, customer, r.entity_id, response)?;
                }
                Ok(Revoked {
                    entity_type: r.entity_type.clone(),
                    customer_id: r.entity_id,
                    program_id: r.program_id,
                    promotion_id: r.promotion_id,
                    promo_identifier: r.promo_identifier.clone(),
                    revoked_issual_id: r.revoked_issual_id.or(r.issual_id),
                    revoked_earn_ids: r.revoked_earn_ids.clone(),
                })
            }
            // A result and errors together: the server may have revoked; never read as failed.
            (Some(_), false) => {
                return Err(response.unexpected(format!("result {i} has both a result and errors")))
            }
            (None, false) => Err(item.errors.clone()),
            (None, true) => {
                return Err(
                    response.unexpected(format!("result {i} has neither a result nor errors"))
                )
            }
        };
        paired.push(RevokeItem {
            customer: customer.clone(),
            result,
            warnings: item.warnings.clone(),
            request_level,
        });
    }
    Ok(RevokeReport {
        items: paired,
        total_count: envelope.total_count,
        failure_count: envelope.failure_count,
        meta,
    })
}

/// A result that names another customer than the one sent at its position means the pairing
/// is wrong: no item of this answer can be trusted, and the server did act on the request.
fn check_entity(
    position: usize,
    customer: &RevokeCustomer,
    entity_id: Option<CustomerId>,
    response: &RawResponse,
) -> Result<(), Error> {
    let sent = customer.identifier_value.trim().parse::<u64>().ok();
    match entity_id {
        Some(id) if Some(id.0) != sent => Err(response.unexpected(format!(
            "result {position} names customer {id} but customer {:?} was sent at that position",
            customer.identifier_value
        ))),
        _ => Ok(()),
    }
}

/// What a bulk revoke did, one item per customer sent, in the order sent.
///
/// Serialised with the API's names: `{"response":[...],"totalCount":2,"failureCount":0,
/// "http":{"status":200,"requestId":"..."}}`.
///
/// ```
/// # fn show(report: capillary_sdk::RevokeReport) {
/// use capillary_sdk::{ApiMessages, ErrorCode};
/// for (customer, result) in report.iter() {
///     match result {
///         Ok(revoked) => println!("{}: earns {:?}", customer.identifier_value, revoked.revoked_earn_ids),
///         Err(errors) if errors.has_code(ErrorCode::CustomerNotFound) => println!("no such customer"),
///         Err(errors) => println!("{}: {errors:?}", customer.identifier_value),
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeReport {
    /// One item per customer, in request order.
    #[serde(rename = "response")]
    pub items: Vec<RevokeItem>,
    /// The server's `totalCount`.
    pub total_count: Option<u64>,
    /// The server's `failureCount`.
    pub failure_count: Option<u64>,
    /// Status (200, or 207 for a partial success) and request id.
    #[serde(rename = "http")]
    pub meta: ResponseMeta,
}

impl RevokeReport {
    /// The customers and their results, in request order.
    pub fn iter(
        &self,
    ) -> impl Iterator<Item = (&RevokeCustomer, &Result<Revoked, Vec<ApiMessage>>)> {
        self.items.iter().map(|i| (&i.customer, &i.result))
    }

    /// How many customers were revoked.
    pub fn revoked(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_ok()).count()
    }

    /// How many customers failed.
    pub fn failed(&self) -> usize {
        self.items.len() - self.revoked()
    }
}

/// One customer's result in a [`RevokeReport`].
///
/// Serialised as the customer sent (`identifierValue`, `source`, `earnIds`), a `status` of
/// `revoked` or `failed`, what was revoked (the API's names) or `errors`, and `warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeItem {
    /// The customer as sent.
    pub customer: RevokeCustomer,
    /// What was revoked, or the server's errors for this customer.
    pub result: Result<Revoked, Vec<ApiMessage>>,
    /// Warnings for this customer.
    pub warnings: Vec<ApiMessage>,
    /// `true` when the errors concern the whole request (e.g. 1101 invalid program), which
    /// the server reports once for all customers.
    pub request_level: bool,
}

/// What was revoked for one customer; serialised with the API's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revoked {
    /// `entityType` (`CUSTOMER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// `entityId`: the customer id.
    #[serde(rename = "entityId", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// `programId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program_id: Option<ProgramId>,
    /// `promotionId`, when the promotion has no external identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<PromotionId>,
    /// `promoIdentifier`, when the promotion has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promo_identifier: Option<String>,
    /// The revoked enrolment (REVOKE_ENROL), read from `revokedIssualId` or `issualId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_issual_id: Option<IssualId>,
    /// The revoked earns (REVOKE_EARN).
    pub revoked_earn_ids: Vec<EarnId>,
}

impl Serialize for RevokeItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Item<'a> {
            #[serde(flatten)]
            customer: &'a RevokeCustomer,
            status: &'static str,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            revoked: Option<&'a Revoked>,
            #[serde(skip_serializing_if = "Option::is_none")]
            errors: Option<&'a [ApiMessage]>,
            warnings: &'a [ApiMessage],
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            request_level: bool,
        }
        let (status, revoked, errors) = match &self.result {
            Ok(revoked) => ("revoked", Some(revoked), None),
            Err(errors) => ("failed", None, Some(errors.as_slice())),
        };
        Item {
            customer: &self.customer,
            status,
            revoked,
            errors,
            warnings: &self.warnings,
            request_level: self.request_level,
        }
        .serialize(serializer)
    }
}
