//! A bulk revoke server with a ledger of what it applied: a customer is revoked the first
//! time it is received and answered 8903 (already revoked) every time after, as the real
//! endpoint answers a second revoke of the same earns.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::bulk_common::{answer, customers_of};

/// The responder; clones share the ledger.
#[derive(Clone, Default)]
pub struct Ledger {
    /// How many times each customer was received.
    pub received: Arc<Mutex<HashMap<String, usize>>>,
    /// Time before each answer (the revoke is applied when the request arrives).
    pub delay: Arc<Mutex<Duration>>,
}

impl Ledger {
    /// A server answering bulk revokes from a new ledger.
    pub async fn serve() -> (Self, MockServer) {
        let ledger = Self::default();
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
            .respond_with(ledger.clone())
            .mount(&server)
            .await;
        (ledger, server)
    }

    /// Customers received at all.
    pub fn applied(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Customers received more than once.
    pub fn twice(&self) -> Vec<String> {
        let mut twice: Vec<String> = self
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(c, _)| c.clone())
            .collect();
        twice.sort();
        twice
    }

    /// Answers from now on after `delay`.
    pub fn answer_after(&self, delay: Duration) {
        *self.delay.lock().unwrap() = delay;
    }
}

impl Respond for Ledger {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut received = self.received.lock().unwrap();
        let mut refuse = HashMap::new();
        for customer in customers_of(&request.body) {
            let n = received.entry(customer.clone()).or_insert(0);
            if *n > 0 {
                refuse.insert(customer, 8903);
            }
            *n += 1;
        }
        ResponseTemplate::new(207)
            .set_body_json(answer(&request.body, &refuse))
            .set_delay(*self.delay.lock().unwrap())
    }
}
