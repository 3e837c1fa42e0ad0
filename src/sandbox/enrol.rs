//! `POST /v2/promotion/bulk/enrolAndEarn`: enrol (ENROL) or issue (EARN) a promotion for up
//! to 100 customers, one answer item per customer in request order.
//!
//! ENROL creates the issual `/v2/promotion/issue` creates; an enrolled customer is not
//! enrolled again (their item keeps the existing `issualId` and warns 8890). EARN creates an
//! earn every time it is sent; on an Enrol & Issue promotion only for an enrolled customer
//! (8896 otherwise), on a Direct Issue one directly, with `issualId` `"0"` as placeholder.
//! Request-level refusals answer HTTP 200 with one errors-only item.

use serde_json::{json, Value};

use super::bulk::{self, bulk_identifier_kind, item_error, result_head, CustomerWire};
use super::incoming::Incoming;
use super::reply::{msg, v2_message, Reply};
use super::state::{PromotionKind, State};
use crate::model::{CustomerId, IdentifierKind, Source};

/// What a Direct Issue earn's `issualId` says: there is no enrolment.
const NO_ISSUAL: &str = "0";

pub(super) fn handle(state: &mut State, req: &Incoming<'_>) -> Reply {
    let request = match bulk::parse(state, req.body, ["ENROL", "EARN"], msg::ENROL_NOT_SUPPORTED) {
        Ok(request) => request,
        Err(refusal) => return request_error(refusal),
    };
    let enrol = request.action == 0;
    let promotion = request.promotion;
    if enrol && promotion.kind == PromotionKind::DirectIssue {
        return request_error((8902, msg::ENROL_NOT_SUPPORTED));
    }
    // A missing identifierName is each customer's 11013 (one item per customer), a wrong one
    // the request's 8881, as bulk revoke answers it.
    let kind = match request.identifier_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => match bulk_identifier_kind(name) {
            Some(kind) => Some(kind),
            None => return request_error((8881, "identifierName must be id, mobile or email")),
        },
    };
    if let Err(refusal) = bulk::check_count(&request.customers) {
        return request_error(refusal);
    }
    let items: Vec<Value> = request
        .customers
        .iter()
        .map(|c| {
            let customer = match find_customer(state, kind, c) {
                Ok(customer) => customer,
                Err((code, message)) => return item_error(code, message),
            };
            let mut result = result_head(customer, request.program, &request.named);
            result["promotionId"] = json!(promotion.id);
            let live = state.live_issual(customer, promotion.id).map(|i| i.id);
            if enrol {
                if let Some(existing) = live {
                    result["issualId"] = json!(existing.to_string());
                    return json!({ "result": result, "errors": [],
                        "warnings": [v2_message(8890, msg::ALREADY_ENROLLED_PROMOTION)] });
                }
                let issual = state.add_issual(customer, promotion.id);
                result["issualId"] = json!(issual.to_string());
            } else {
                let issual = match (promotion.kind, live) {
                    (PromotionKind::EnrolAndIssue, None) => {
                        return item_error(8896, msg::NOT_ENROLLED)
                    }
                    (PromotionKind::EnrolAndIssue, Some(issual)) => issual.to_string(),
                    (PromotionKind::DirectIssue, _) => NO_ISSUAL.to_string(),
                };
                let earn = state.add_earn(customer, promotion.id);
                result["issualId"] = json!(issual);
                result["earnedId"] = json!(earn.to_string());
            }
            json!({ "result": result, "errors": [], "warnings": [] })
        })
        .collect();
    bulk::answer(items)
}

/// The customer an entry names: 11013 for an empty identifier name, value or source (or a
/// source not in the page's list), 8896 for an `id` that is not a number, 8015 for no one.
fn find_customer(
    state: &State,
    kind: Option<IdentifierKind>,
    entry: &CustomerWire,
) -> Result<CustomerId, (i64, &'static str)> {
    let value = entry.value();
    let source_ok = match &entry.source {
        None => true,
        Some(Value::String(s)) => !matches!(
            Source::parse(s.trim()),
            Source::Other(_) | Source::MobileApp
        ),
        Some(_) => false,
    };
    let Some(kind) = kind.filter(|_| !value.is_empty() && source_ok) else {
        return Err((11013, msg::MISSING_IDENTIFIER));
    };
    if kind == IdentifierKind::Id && !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err((8896, msg::ISSUE_FAILED));
    }
    state
        .customer(kind, &value)
        .ok_or((8015, msg::CUSTOMER_NOT_FOUND))
}

/// A refusal of the whole request: HTTP 200 and one errors-only item, the answer the page
/// gives for its sibling (the status is not documented for this endpoint).
fn request_error(refusal: bulk::Refusal) -> Reply {
    Reply::ok(bulk::request_level(refusal))
}
