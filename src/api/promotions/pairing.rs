//! The envelope both bulk endpoints answer with, and how its items are paired with the
//! customers sent: by position, one item per customer, or the whole request refused.

use serde::de::DeserializeOwned;
use serde::Deserialize;

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

/// One customer's part of a bulk answer, at its position.
pub(crate) struct PairedItem<R> {
    /// The result, or the server's errors for this customer.
    pub result: Result<R, Vec<ApiMessage>>,
    /// Warnings for this customer.
    pub warnings: Vec<ApiMessage>,
}

/// A bulk answer paired one item per customer sent.
pub(crate) struct Paired<R> {
    pub items: Vec<PairedItem<R>>,
    pub total_count: Option<u64>,
    pub failure_count: Option<u64>,
}

/// Decodes a bulk answer (a success, or a refusal: the engine handles every other status) and
/// pairs it with the customers sent, given by their identifier values. `by_id` says the
/// values are customer ids: each result must then name the customer sent at its position.
///
/// A request-level refusal becomes [`Error::Api`] whether the server shaped it as top-level
/// `errors` or as one bulk item; any other answer that is not one item per customer is an
/// [`Error::UnexpectedResponse`] that may have been applied.
pub(crate) fn pair<R: DeserializeOwned + NamesCustomer>(
    sent: &[&str],
    by_id: bool,
    response: &RawResponse,
) -> Result<Paired<R>, Error> {
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
    for (i, (item, value)) in items.into_iter().zip(sent).enumerate() {
        let result = match (item.result, item.errors.is_empty()) {
            (Some(result), true) => {
                if by_id {
                    check_entity(i, value, result.entity_id(), response)?;
                }
                Ok(result)
            }
            // A result and errors together: the server may have acted; never read as failed.
            (Some(_), false) => {
                return Err(response.unexpected(format!("result {i} has both a result and errors")))
            }
            (None, false) => Err(item.errors),
            (None, true) => {
                return Err(
                    response.unexpected(format!("result {i} has neither a result nor errors"))
                )
            }
        };
        paired.push(PairedItem {
            result,
            warnings: item.warnings,
        });
    }
    Ok(Paired {
        items: paired,
        total_count: envelope.total_count,
        failure_count: envelope.failure_count,
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
