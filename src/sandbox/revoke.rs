//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: revoke enrolments or earns of up to 100
//! customers, one answer item per customer in request order.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::incoming::Incoming;
use super::reply::{msg, v2_message, Reply};
use super::state::{Promotion, PromotionKind, State};
use crate::model::{CustomerId, EarnId, IdentifierKind, ProgramId, PromotionId};

const MAX_CUSTOMERS: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default, rename = "type")]
    entity_type: Option<String>,
    #[serde(default)]
    bulk_action: Option<String>,
    #[serde(default)]
    promotion_details: Option<Details>,
    #[serde(default)]
    identifier_name: Option<String>,
    #[serde(default)]
    customers: Option<Vec<CustomerWire>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    #[serde(default)]
    program_id: Option<Value>,
    #[serde(default)]
    promotion_id: Option<Value>,
    #[serde(default)]
    promo_identifier: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomerWire {
    #[serde(default)]
    identifier_value: Option<Value>,
    #[serde(default)]
    earn_ids: Option<Vec<Value>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Enrol,
    Earn,
}

/// How the answer names the promotion: the way the request did.
enum Named {
    Id(PromotionId),
    Identifier(String),
}

pub(super) fn handle(state: &mut State, req: &Incoming<'_>) -> Reply {
    let Ok(body) = serde_json::from_slice::<Body>(req.body) else {
        return request_error(8881, "the body is not the documented JSON object");
    };
    if !body
        .entity_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("CUSTOMER"))
    {
        return request_error(8901, msg::INVALID_ENTITY_TYPE);
    }
    let action = match body.bulk_action.as_deref() {
        Some("REVOKE_ENROL") => Action::Enrol,
        Some("REVOKE_EARN") => Action::Earn,
        _ => return request_error(8902, msg::ACTION_NOT_SUPPORTED),
    };
    let details = body.promotion_details.unwrap_or(Details {
        program_id: None,
        promotion_id: None,
        promo_identifier: None,
    });
    let program = details
        .program_id
        .map(|v| serde_json::from_value::<ProgramId>(v).ok());
    let promotion_id = details
        .promotion_id
        .map(|v| serde_json::from_value::<PromotionId>(v).ok());
    let identifier = details.promo_identifier.filter(|s| !s.trim().is_empty());
    let (Some(program), true) = (program, promotion_id.is_some() || identifier.is_some()) else {
        return request_error(8881, msg::INSUFFICIENT);
    };
    let Some(program) = program.filter(|p| state.programs.contains(p)) else {
        return request_error(1101, msg::INVALID_PROGRAM);
    };
    let (promotion, named) = match (promotion_id, identifier) {
        (Some(id), _) => (
            id.and_then(|id| state.promotions.get(&id)).cloned(),
            id.map(Named::Id),
        ),
        (None, Some(s)) => (
            state.promotion_by_identifier(&s).cloned(),
            Some(Named::Identifier(s)),
        ),
        (None, None) => (None, None),
    };
    let (Some(promotion), Some(named)) = (promotion.filter(|p| p.program == program), named) else {
        return request_error(8874, msg::INVALID_PROMOTION);
    };
    if !promotion.active {
        return request_error(8892, msg::INACTIVE);
    }
    if action == Action::Enrol && promotion.kind == PromotionKind::DirectIssue {
        return request_error(8902, msg::ACTION_NOT_SUPPORTED);
    }
    let kind = match body.identifier_name.as_deref().unwrap_or("id") {
        "id" => IdentifierKind::Id,
        "mobile" => IdentifierKind::Mobile,
        "email" => IdentifierKind::Email,
        _ => return request_error(8881, "identifierName must be id, mobile or email"),
    };
    let customers = body.customers.unwrap_or_default();
    if customers.is_empty() || customers.len() > MAX_CUSTOMERS {
        return request_error(8881, "customers: between 1 and 100 customers are required");
    }

    let items: Vec<Value> = customers
        .iter()
        .map(|c| {
            let value = match &c.identifier_value {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            let Some(customer) = state.customer(kind, &value) else {
                return item_error(8015, msg::CUSTOMER_NOT_FOUND);
            };
            let outcome = match action {
                Action::Earn => revoke_earns(state, customer, &promotion, c.earn_ids.as_deref()),
                Action::Enrol => revoke_enrol(state, customer, &promotion),
            };
            match outcome {
                Ok(revoked) => {
                    let mut result = json!({
                        "entityType": "CUSTOMER",
                        "entityId": customer,
                        "programId": program,
                    });
                    match &named {
                        Named::Id(id) => result["promotionId"] = json!(id),
                        Named::Identifier(s) => result["promoIdentifier"] = json!(s),
                    }
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
    let failures = items.iter().filter(|i| i.get("result").is_none()).count();
    let status = match failures {
        0 => StatusCode::OK,
        f if f == items.len() => StatusCode::BAD_REQUEST,
        _ => StatusCode::MULTI_STATUS,
    };
    Reply::new(
        status,
        json!({ "response": items, "totalCount": items.len(), "failureCount": failures }),
    )
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

fn item_error(code: i64, message: &str) -> Value {
    json!({ "errors": [v2_message(code, message)], "warnings": [] })
}

/// A refusal of the whole request: one errors-only item, as in the page's examples.
fn request_error(code: i64, message: &str) -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        json!({ "response": [item_error(code, message)], "totalCount": 1, "failureCount": 1 }),
    )
}
