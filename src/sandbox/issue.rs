//! `POST /v2/promotion/issue`: enrol a customer into an Enrol & Issue promotion.

use serde::Deserialize;
use serde_json::{json, Value};

use super::incoming::Incoming;
use super::reply::{msg, v2_error, v2_message, Reply};
use super::state::{PromotionKind, State};
use crate::model::{IdentifierKind, ProgramId, PromotionId, Source};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    program_id: Option<Value>,
    #[serde(default)]
    promotion_id: Option<Value>,
}

pub(super) fn handle(state: &mut State, req: &Incoming<'_>) -> Reply {
    let (Some(name), Some(value), Some(source)) = (
        req.query("identifierName"),
        req.query("identifierValue"),
        req.query("source"),
    ) else {
        return v2_error(11013, msg::MISSING_IDENTIFIER);
    };
    let Ok(kind) = name.parse::<IdentifierKind>() else {
        return v2_error(
            11013,
            "identifierName must be one of email, mobile, externalId, id",
        );
    };
    if matches!(Source::parse(source), Source::All | Source::Other(_)) {
        return v2_error(11013, "source is not one of the supported sources");
    }
    if req
        .query("type")
        .is_some_and(|t| !t.eq_ignore_ascii_case("CUSTOMER"))
    {
        return v2_error(1212, msg::ENTITY_TYPE_INVALID);
    }
    let Ok(body) = serde_json::from_slice::<Body>(req.body) else {
        return v2_error(
            1101,
            "the body must be {\"programId\": .., \"promotionId\": ..}",
        );
    };
    let program = body
        .program_id
        .and_then(|v| serde_json::from_value::<ProgramId>(v).ok())
        .filter(|p| state.programs.contains(p));
    let Some(program) = program else {
        return v2_error(1101, msg::INVALID_PROGRAM);
    };
    let promotion = body
        .promotion_id
        .and_then(|v| serde_json::from_value::<PromotionId>(v).ok())
        .and_then(|id| state.promotions.get(&id))
        .filter(|p| p.program == program)
        .cloned();
    let Some(promotion) = promotion else {
        return v2_error(8874, msg::INVALID_PROMOTION);
    };
    if !promotion.active {
        return v2_error(8892, msg::INACTIVE);
    }
    if promotion.kind != PromotionKind::EnrolAndIssue {
        return v2_error(
            8874,
            "promotion id passed is invalid: not an Enrol & Issue (LOYALTY_EARNING) promotion",
        );
    }
    let Some(customer) = state.customer(kind, value) else {
        return v2_error(8015, msg::CUSTOMER_NOT_FOUND);
    };
    if state.live_issual(customer, promotion.id).is_some() {
        return Reply::ok(json!({
            "warnings": [v2_message(8890, msg::NOT_ISSUED)],
            "errors": [],
            "sideEffects": [],
        }));
    }
    let issual = state.add_issual(customer, promotion.id);
    Reply::ok(json!({
        "warnings": [],
        "errors": [],
        "sideEffects": [{
            "programId": program,
            "issualId": issual,
            "promotionId": promotion.id,
            "type": "Points promotion",
        }],
    }))
}
