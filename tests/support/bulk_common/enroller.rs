//! A fake bulk enrol & earn server: one item per customer, in order, as the page documents.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::customers_of;

/// A wiremock responder for `POST /v2/promotion/bulk/enrolAndEarn`: customers in `already`
/// are answered with their enrolment and warning 8890, those in `missing` with 8015, the
/// others enrolled (issual id = customer id + 1) or, for `EARN`, given earn 1000 + position.
#[derive(Clone, Default)]
pub struct Enroller {
    /// Every request's customers, in arrival order.
    pub requests: Arc<Mutex<Vec<Vec<String>>>>,
    /// Customers already enrolled.
    pub already: HashSet<String>,
    /// Customers the server does not know.
    pub missing: HashSet<String>,
}

impl Enroller {
    fn item(&self, earn: bool, position: usize, value: &str) -> Value {
        if self.missing.contains(value) {
            return json!({"errors": [{"status": false, "code": 8015, "message": "Customer not found for the given identifiers"}], "warnings": []});
        }
        let id = value.parse::<u64>().unwrap_or(0);
        let mut result = json!({"entityType": "CUSTOMER", "entityId": id, "promotionId": 202188, "programId": 2714, "issualId": (id + 1).to_string()});
        if earn {
            result["earnedId"] = json!((1000 + position).to_string());
        }
        let warnings = if self.already.contains(value) {
            json!([{"status": false, "code": 8890, "message": "promotion not issued due to config issues or customer exhausted limits"}])
        } else {
            json!([])
        };
        json!({"result": result, "errors": [], "warnings": warnings})
    }
}

impl wiremock::Respond for Enroller {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).expect("request body is JSON");
        let earn = body["bulkAction"] == "EARN";
        let customers = customers_of(&request.body);
        let items: Vec<Value> = customers
            .iter()
            .enumerate()
            .map(|(i, value)| self.item(earn, i, value))
            .collect();
        self.requests.lock().unwrap().push(customers);
        let failures = items.iter().filter(|i| i.get("result").is_none()).count();
        wiremock::ResponseTemplate::new(200)
            .insert_header("X-Cap-Requestid", "req-enrol")
            .set_body_json(
                json!({"response": items, "totalCount": items.len(), "failureCount": failures}),
            )
    }
}
