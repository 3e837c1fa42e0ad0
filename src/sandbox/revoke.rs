//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: revoke enrolments or earns of up to 100
//! customers, one answer item per customer in request order.

use http::StatusCode;
use serde_json::{json, Value};

use super::bulk::{self, bulk_identifier_kind, item_error, result_head};
use super::incoming::Incoming;
use super::reply::{msg, Reply};
use super::state::{Promotion, PromotionKind, State};
use crate::model::{CustomerId, EarnId};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Enrol,
    Earn,
}

pub(super) fn handle(state: &mut State, req: &Incoming<'_>) -> Reply {
    let request = match bulk::parse(
        state,
        req.body,
        ["REVOKE_ENROL", "REVOKE_EARN"],
        msg::ACTION_NOT_SUPPORTED,
    ) {
        Ok(request) => request,
        Err(refusal) => return request_error(refusal),
    };
    let action = if request.action == 0 {
        Action::Enrol
    } else {
        Action::Earn
    };
    let promotion = request.promotion;
    if action == Action::Enrol && promotion.kind == PromotionKind::DirectIssue {
        return request_error((8902, msg::ACTION_NOT_SUPPORTED));
    }
    let kind = match bulk_identifier_kind(request.identifier_name.as_deref().unwrap_or("id")) {
        Some(kind) => kind,
        None => return request_error((8881, "identifierName must be id, mobile or email")),
    };
    let customers = request.customers;
    if let Err(refusal) = bulk::check_count(&customers) {
        return request_error(refusal);
    }
    let (program, named) = (request.program, request.named);

    let items: Vec<Value> = customers
        .iter()
        .map(|c| {
            let Some(customer) = state.customer(kind, &c.value()) else {
                return item_error(8015, msg::CUSTOMER_NOT_FOUND);
            };
            let outcome = match action {
                Action::Earn => revoke_earns(state, customer, &promotion, c.earn_ids.as_deref()),
                Action::Enrol => revoke_enrol(state, customer, &promotion),
            };
            match outcome {
                Ok(revoked) => {
                    let mut result = result_head(customer, program, &named);
                    match revoked {
                        // The page's REVOKE_ENROL example names it `issualId`, as a string.
                        Revoked::Issual(id) => result["issualId"] = json!(id.to_string()),
                        Revoked::Earns(ids) => result["revokedEarnIds"] = json!(ids),
                    }
                    json!({ "result": result, "errors": [], "warnings": [] })
                }
                Err((code, message)) => item_error(code, message),
            }
        })
        .collect();
    bulk::answer(items)
}

enum Revoked {
    Issual(crate::model::IssualId),
    Earns(Vec<EarnId>),
}

fn revoke_earns(
    state: &mut State,
    customer: CustomerId,
    promotion: &Promotion,
    asked: Option<&[Value]>,
) -> Result<Revoked, (i64, &'static str)> {
    let live = |e: &&super::state::EarnRecord| {
        e.customer == customer && e.promotion == promotion.id && !e.revoked
    };
    let chosen: Vec<EarnId> = match asked {
        Some(ids) => {
            let ids: Option<Vec<EarnId>> = ids
                .iter()
                .map(|v| serde_json::from_value::<EarnId>(v.clone()).ok())
                .collect();
            let ids = ids.ok_or((8903, msg::EARNS_INVALID))?;
            let all_live = ids
                .iter()
                .all(|id| state.earns.iter().filter(live).any(|e| e.id == *id));
            if ids.is_empty() || !all_live {
                return Err((8903, msg::EARNS_INVALID));
            }
            ids
        }
        None => state.earns.iter().filter(live).map(|e| e.id).collect(),
    };
    if chosen.is_empty() {
        return Err((8903, msg::EARNS_INVALID));
    }
    for earn in state.earns.iter_mut().filter(|e| chosen.contains(&e.id)) {
        earn.revoked = true;
    }
    Ok(Revoked::Earns(chosen))
}

fn revoke_enrol(
    state: &mut State,
    customer: CustomerId,
    promotion: &Promotion,
) -> Result<Revoked, (i64, &'static str)> {
    // The page: an Enrol & Issue enrolment can be revoked only once its earns are.
    let earns_left = state
        .earns
        .iter()
        .any(|e| e.customer == customer && e.promotion == promotion.id && !e.revoked);
    let issual = state
        .live_issual(customer, promotion.id)
        .ok_or((8896, "customer has no active enrolment in this promotion"))?;
    if earns_left {
        return Err((
            8896,
            "revoke the customer's earns (REVOKE_EARN) before the enrolment",
        ));
    }
    issual.revoked = true;
    Ok(Revoked::Issual(issual.id))
}

/// A refusal of the whole request: the sandbox answers revoke's with HTTP 400.
fn request_error(refusal: bulk::Refusal) -> Reply {
    Reply::new(StatusCode::BAD_REQUEST, bulk::request_level(refusal))
}
