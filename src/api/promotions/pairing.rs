//! The envelope both bulk endpoints answer with, and how its items are paired with the
//! customers sent: by position, one item per customer, or the whole request refused.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::bulk_report::BulkReport;
use crate::error::Error;
use crate::model::{deserialize_messages, ApiMessage, CustomerId, ErrorCode};
use crate::response::RawResponse;

/// The codes the bulk pages give as concerning the whole request, never one customer.
pub(crate) const REQUEST_LEVEL_CODES: [ErrorCode; 6] = [
    ErrorCode::InvalidProgramId,
    ErrorCode::InvalidPromotionId,
    ErrorCode::InsufficientParameters,
    ErrorCode::PromotionInactive,
    ErrorCode::InvalidEntityTypePassed,
    ErrorCode::RevokeActionNotSupported,
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound = "R: DeserializeOwned")]
struct Envelope<R> {
    #[serde(default)]
    response: Option<Vec<ItemWire<R>>>,
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
#[serde(bound = "R: DeserializeOwned")]
struct ItemWire<R> {
    #[serde(default = "Option::default")]
    result: Option<R>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    errors: Vec<ApiMessage>,
    #[serde(default, deserialize_with = "deserialize_messages")]
    warnings: Vec<ApiMessage>,
}

/// A result of a bulk answer that names the customer it is for (`entityId`).
pub(crate) trait NamesCustomer {
    /// The customer id the result names, if any.
    fn entity_id(&self) -> Option<CustomerId>;
}

/// A customer as a bulk request sends it.
pub(crate) trait SentCustomer {
    /// Its `identifierValue`.
    fn identifier_value(&self) -> &str;
}

/// Decodes a bulk answer (a success, or a refusal: the engine handles every other status) and
/// pairs it with the customers sent: `item` makes each customer's item of the report from
/// the customer, its result or errors, and its warnings. `by_id` says the identifier values
/// are customer ids: each result must then name the customer sent at its position.
///
/// A request-level refusal becomes [`Error::Api`] whether the server shaped it as top-level
/// `errors` or as one bulk item; any other answer that is not one item per customer is an
/// [`Error::UnexpectedResponse`] that may have been applied.
pub(crate) fn pair<R, C, I>(
    sent: &[C],
    by_id: bool,
    response: &RawResponse,
    item: impl Fn(&C, Result<R, Vec<ApiMessage>>, Vec<ApiMessage>) -> I,
) -> Result<BulkReport<I>, Error>
where
    R: DeserializeOwned + NamesCustomer,
    C: SentCustomer,
{
    let envelope: Envelope<R> = response.json()?;
    let Some(mut items) = envelope.response else {
        if !envelope.errors.is_empty() {
            return Err(Error::Api {
                meta: response.meta.clone(),
                errors: envelope.errors,
                warnings: envelope.warnings,
            });
        }
        return Err(response.unexpected("no `response` list in the bulk answer"));
    };
    // A refusal that claims results contradicts itself: never a report. The status decides
    // what it means, as it does for every answer.
    if !response.meta.status.is_success() && items.iter().any(|i| i.result.is_some()) {
        return Err(response.unexpected("results in an answer with an error status"));
    }
    if is_request_level(
        &items,
        &envelope.total_count,
        &envelope.failure_count,
        sent.len(),
        response,
    ) {
        if let Some(item) = items.pop() {
            return Err(Error::Api {
                meta: response.meta.clone(),
                errors: item.errors,
                warnings: item.warnings,
            });
        }
    }
    if items.len() != sent.len() {
        return Err(response.unexpected(format!(
            "{} customers sent but {} results received; results cannot be paired with customers",
            sent.len(),
            items.len()
        )));
    }
    let mut paired = Vec::with_capacity(items.len());
    for (i, (wire, customer)) in items.into_iter().zip(sent).enumerate() {
        let result = match (wire.result, wire.errors.is_empty()) {
            (Some(result), true) => {
                if by_id {
                    check_entity(i, customer.identifier_value(), result.entity_id(), response)?;
                }
                Ok(result)
            }
            // A result and errors together: the server may have acted; never read as failed.
            (Some(_), false) => {
                return Err(response.unexpected(format!("result {i} has both a result and errors")))
            }
            (None, false) => Err(wire.errors),
            (None, true) => {
                return Err(
                    response.unexpected(format!("result {i} has neither a result nor errors"))
                )
            }
        };
        paired.push(item(customer, result, wire.warnings));
    }
    Ok(BulkReport {
        items: paired,
        total_count: envelope.total_count,
        failure_count: envelope.failure_count,
        meta: response.meta.clone(),
    })
}

/// One errors-only item whose every code concerns the whole request, not under a 207 (a
/// partial success answers per customer), with counts that say everything answered failed.
/// Anything less is not trusted to speak for customers it does not answer.
fn is_request_level<R>(
    items: &[ItemWire<R>],
    total: &Option<u64>,
    failures: &Option<u64>,
    sent: usize,
    response: &RawResponse,
) -> bool {
    let [item] = items else {
        return false;
    };
    let sent = u64::try_from(sent).unwrap_or(u64::MAX);
    let counts_agree = total.is_none_or(|t| t == 1 || t == sent)
        && failures.is_none_or(|f| match total {
            Some(t) => f == *t,
            None => f == 1 || f == sent,
        });
    item.result.is_none()
        && !item.errors.is_empty()
        && item
            .errors
            .iter()
            .all(|e| REQUEST_LEVEL_CODES.contains(&e.code))
        && response.meta.status.as_u16() != 207
        && counts_agree
}

/// A result that names another customer than the one sent at its position means the pairing
/// is wrong: no item of this answer can be trusted, and the server did act on the request.
fn check_entity(
    position: usize,
    sent: &str,
    entity_id: Option<CustomerId>,
    response: &RawResponse,
) -> Result<(), Error> {
    let sent_id = sent.trim().parse::<u64>().ok();
    match entity_id {
        Some(id) if Some(id.0) != sent_id => Err(response.unexpected(format!(
            "result {position} names customer {id} but customer {sent:?} was sent at that position"
        ))),
        _ => Ok(()),
    }
}
