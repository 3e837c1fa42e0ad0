//! What the two bulk endpoints (`revokeEnrolAndEarn`, `enrolAndEarn`) read alike: the body,
//! the entity type, the action, the program and the promotion, checked in the order the
//! pages give their codes; and the items and counts they answer with.

use serde::Deserialize;
use serde_json::{json, Value};

use http::StatusCode;

use super::reply::{msg, v2_message, Reply};
use super::state::{Promotion, State};
use crate::model::{IdentifierKind, ProgramId, PromotionId};

/// The most customers one bulk request may carry.
pub(super) const MAX_CUSTOMERS: usize = 100;

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

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Details {
    #[serde(default)]
    program_id: Option<Value>,
    #[serde(default)]
    promotion_id: Option<Value>,
    #[serde(default)]
    promo_identifier: Option<String>,
}

/// One customer entry, as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CustomerWire {
    #[serde(default)]
    pub identifier_value: Option<Value>,
    #[serde(default)]
    pub source: Option<Value>,
    #[serde(default)]
    pub earn_ids: Option<Vec<Value>>,
}

impl CustomerWire {
    /// The identifier value as text (the pages send strings; numbers are read too).
    pub fn value(&self) -> String {
        match &self.identifier_value {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

/// How the answer names the promotion: the way the request did.
pub(super) enum Named {
    Id(PromotionId),
    Identifier(String),
}

/// A bulk request whose envelope passed the request-level checks.
pub(super) struct BulkRequest {
    /// The position of the action in the list the endpoint accepts.
    pub action: usize,
    pub program: ProgramId,
    pub promotion: Promotion,
    pub named: Named,
    /// `identifierName` as sent, if it was.
    pub identifier_name: Option<String>,
    pub customers: Vec<CustomerWire>,
}

/// A request-level refusal: its code and message.
pub(super) type Refusal = (i64, &'static str);

/// Reads the body and makes the request-level checks both bulk endpoints make: 8901/8899
/// (entity type; `USER_GROUP` is a user group), 8902 (an action not in `actions`, answered
/// with `unsupported`), 8881
/// (program or promotion missing), 1101, 8874, 8892.
pub(super) fn parse(
    state: &State,
    body: &[u8],
    actions: [&str; 2],
    unsupported: &'static str,
) -> Result<BulkRequest, Refusal> {
    let Ok(body) = serde_json::from_slice::<Body>(body) else {
        return Err((8881, "the body is not the documented JSON object"));
    };
    match body.entity_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("CUSTOMER") => {}
        Some(t) if t.eq_ignore_ascii_case("USER_GROUP") => return Err((8899, msg::USER_GROUP)),
        _ => return Err((8901, msg::INVALID_ENTITY_TYPE)),
    }
    let action = body
        .bulk_action
        .as_deref()
        .and_then(|a| actions.iter().position(|known| *known == a))
        .ok_or((8902, unsupported))?;
    let details = body.promotion_details.unwrap_or_default();
    let program = details
        .program_id
        .map(|v| serde_json::from_value::<ProgramId>(v).ok());
    let promotion_id = details
        .promotion_id
        .map(|v| serde_json::from_value::<PromotionId>(v).ok());
    let identifier = details.promo_identifier.filter(|s| !s.trim().is_empty());
    let (Some(program), true) = (program, promotion_id.is_some() || identifier.is_some()) else {
        return Err((8881, msg::INSUFFICIENT));
    };
    let Some(program) = program.filter(|p| state.programs.contains(p)) else {
        return Err((1101, msg::INVALID_PROGRAM));
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
        return Err((8874, msg::INVALID_PROMOTION));
    };
    if !promotion.active {
        return Err((8892, msg::INACTIVE));
    }
    Ok(BulkRequest {
        action,
        program,
        promotion,
        named,
        identifier_name: body.identifier_name,
        customers: body.customers.unwrap_or_default(),
    })
}

/// The identifier kinds the bulk endpoints take: `id`, `mobile`, `email`.
pub(super) fn bulk_identifier_kind(name: &str) -> Option<IdentifierKind> {
    match name {
        "id" => Some(IdentifierKind::Id),
        "mobile" => Some(IdentifierKind::Mobile),
        "email" => Some(IdentifierKind::Email),
        _ => None,
    }
}

/// Checks the number of customers (8881 outside 1..=100).
pub(super) fn check_count(customers: &[CustomerWire]) -> Result<(), Refusal> {
    if customers.is_empty() || customers.len() > MAX_CUSTOMERS {
        return Err((8881, "customers: between 1 and 100 customers are required"));
    }
    Ok(())
}

/// A result's common fields: the entity, the program and the promotion as the request
/// named it.
pub(super) fn result_head(
    customer: crate::model::CustomerId,
    program: ProgramId,
    named: &Named,
) -> Value {
    let mut result =
        json!({ "entityType": "CUSTOMER", "entityId": customer, "programId": program });
    match named {
        Named::Id(id) => result["promotionId"] = json!(id),
        Named::Identifier(s) => result["promoIdentifier"] = json!(s),
    }
    result
}

/// A customer's failed item.
pub(super) fn item_error(code: i64, message: &str) -> Value {
    json!({ "errors": [v2_message(code, message)], "warnings": [] })
}

/// The answer: the items and their counts; HTTP 200 when every customer succeeded, 400 when
/// none did, 207 otherwise.
pub(super) fn answer(items: Vec<Value>) -> Reply {
    let failures = items.iter().filter(|i| i.get("result").is_none()).count();
    let total = items.len();
    let status = match failures {
        0 => StatusCode::OK,
        f if f == total => StatusCode::BAD_REQUEST,
        _ => StatusCode::MULTI_STATUS,
    };
    Reply::new(
        status,
        json!({ "response": items, "totalCount": total, "failureCount": failures }),
    )
}

/// A refusal of the whole request: one errors-only item, as in the pages' examples.
pub(super) fn request_level((code, message): Refusal) -> Value {
    json!({ "response": [item_error(code, message)], "totalCount": 1, "failureCount": 1 })
}
