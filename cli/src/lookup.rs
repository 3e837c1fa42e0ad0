//! `capillary lookup`: one customer's promotions, every page, one line each.
//!
//! The pages are collected before anything is printed: a lookup that fails on its third
//! page prints no line rather than a partial list that reads as the whole one.

use capillary_sdk::{
    Client, CustomerPromotion, CustomerPromotions, Error, LookupCustomer, ProgramId, PromotionId,
};
use serde_json::{json, Map, Value};

use crate::args::LookupArgs;
use crate::output::Verdict;

/// Runs the command: exit 0 with the lines, a `failed` line for an API refusal (exit 1), or
/// the error that ended it (exit 3).
pub async fn run(client: &Client, a: LookupArgs) -> Result<Verdict, Error> {
    let customer = LookupCustomer::new(a.identifier_name, a.identifier_value.clone());
    let mut request = client.customers().promotions(customer, a.source.clone());
    if !a.program.is_empty() {
        request = request.programs(a.program.iter().copied().map(ProgramId));
    }
    if let Some(status) = a.status {
        request = request.status_for_customer(status);
    }
    match request.all().await {
        Ok(all) => {
            let wanted = a.promotion.map(PromotionId);
            for promotion in all
                .promotions
                .iter()
                .filter(|p| wanted.is_none_or(|id| p.promotion_id == id))
            {
                crate::print(&line(promotion, &all));
            }
            Ok(Verdict::Ok)
        }
        Err(e) => crate::refused_or(
            e,
            json!({
                "identifierName": a.identifier_name.as_str(),
                "identifierValue": a.identifier_value,
                "promotionId": a.promotion,
            }),
        ),
    }
}

/// The promotion under the API's field names, with the customer and the request id.
fn line(promotion: &CustomerPromotion, all: &CustomerPromotions) -> String {
    let mut map = Map::new();
    map.insert("status".into(), json!("listed"));
    if let Ok(Value::Object(fields)) = serde_json::to_value(promotion) {
        map.extend(fields);
    }
    if let Some(customer) = all.customer_id {
        map.insert("customerId".into(), json!(customer.0));
    }
    map.insert(
        "warnings".into(),
        serde_json::to_value(&all.warnings).unwrap_or(Value::Array(Vec::new())),
    );
    map.insert(
        "requestId".into(),
        json!(all.meta.as_ref().and_then(|m| m.request_id.as_deref())),
    );
    Value::Object(map).to_string()
}
