//! Fake bulk revoke servers shared by the bulk and CLI tests: they read the customers of each
//! request and answer one result per customer, in order, as the real endpoint does.
#![allow(dead_code, unused_imports)]

mod enroller;
mod handoff;
mod hanging;
mod run;

pub use enroller::Enroller;
pub use handoff::Handoff;
pub use hanging::HangingServer;
pub use run::{channel, customers, revoke, revoke_all, revoke_all_outcomes, SettledLog};

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// The identifier values a request body carries, in order.
pub fn customers_of(body: &[u8]) -> Vec<String> {
    let body: Value = serde_json::from_slice(body).expect("request body is JSON");
    body["customers"]
        .as_array()
        .expect("customers is a list")
        .iter()
        .map(|c| {
            c["identifierValue"]
                .as_str()
                .expect("identifierValue")
                .to_string()
        })
        .collect()
}

/// The answer to a bulk revoke body: customers listed in `refuse` get that error code,
/// the others are revoked (their earn ids echoed, or earn 1).
pub fn answer(body: &[u8], refuse: &HashMap<String, i64>) -> Value {
    let request: Value = serde_json::from_slice(body).expect("request body is JSON");
    let program = request["promotionDetails"]["programId"].clone();
    let items: Vec<Value> = request["customers"]
        .as_array()
        .expect("customers is a list")
        .iter()
        .map(|c| {
            let value = c["identifierValue"].as_str().unwrap_or_default();
            match refuse.get(value) {
                Some(code) => json!({
                    "errors": [{"status": false, "code": code, "message": "Customer not found for the given identifiers"}],
                    "warnings": []
                }),
                None => json!({
                    "result": {
                        "entityType": "CUSTOMER",
                        "entityId": value.parse::<u64>().unwrap_or(0),
                        "promotionId": 202779,
                        "programId": program,
                        "revokedEarnIds": c.get("earnIds").cloned().unwrap_or(json!([1]))
                    },
                    "errors": [],
                    "warnings": []
                }),
            }
        })
        .collect();
    let failures = items.iter().filter(|i| i.get("result").is_none()).count();
    json!({ "response": items, "totalCount": items.len(), "failureCount": failures })
}

/// A wiremock responder that records every customer it is sent and answers per customer.
#[derive(Clone, Default)]
pub struct Revoker {
    /// Every customer received, in arrival order.
    pub seen: Arc<Mutex<Vec<String>>>,
    /// Customers refused with an error code.
    pub refuse: HashMap<String, i64>,
    /// A request whose first customer is here gets an HTTP 500 HTML page, once.
    pub fail_once: Arc<Mutex<HashSet<String>>>,
    /// Time before each answer.
    pub delay: Duration,
    /// A request whose first customer is here waits this long instead, once.
    pub slow_once: Arc<Mutex<HashMap<String, Duration>>>,
}

impl Revoker {
    /// How many times each customer was received.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for c in self.seen.lock().unwrap().iter() {
            *counts.entry(c.clone()).or_insert(0) += 1;
        }
        counts
    }
}

impl wiremock::Respond for Revoker {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let customers = customers_of(&request.body);
        let first = customers.first().cloned().unwrap_or_default();
        let mut seen = self.seen.lock().unwrap();
        let n = seen.len();
        seen.extend(customers);
        let template = if self.fail_once.lock().unwrap().remove(&first) {
            wiremock::ResponseTemplate::new(500)
                .insert_header("X-Cap-Requestid", format!("req-{n}").as_str())
                .set_body_raw("<html>Internal Server Error</html>", "text/html")
        } else {
            wiremock::ResponseTemplate::new(200)
                .insert_header("X-Cap-Requestid", format!("req-{n}").as_str())
                .set_body_json(answer(&request.body, &self.refuse))
        };
        let delay = self.slow_once.lock().unwrap().remove(&first);
        template.set_delay(delay.unwrap_or(self.delay))
    }
}

/// `n` customer ids starting at 423900000.
pub fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| (423_900_000 + i).to_string()).collect()
}
