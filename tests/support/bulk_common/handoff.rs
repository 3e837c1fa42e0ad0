//! A server that, like hyper's connection task, lives in a task of its own.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::Client;
use tokio::sync::oneshot;

use super::{answer, customers_of};

/// A server that, like hyper's connection task, lives in a task of its own: a request's future
/// gets the answer's head from it, then must ask it for the body. An answer is therefore read
/// only while the request's future is polled; a request left unpolled past its attempt
/// timeout loses an answer that had already arrived.
#[derive(Clone, Default)]
pub struct Handoff {
    /// Every customer received, in arrival order (recorded as the request arrives).
    pub received: Arc<Mutex<Vec<String>>>,
    /// How many requests were being answered at once, at most.
    pub max_in_flight: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
}

impl Handoff {
    /// A client of this server, which answers every customer revoked after `delay(first
    /// customer of the request)`.
    pub fn client(&self, delay: impl Fn(&str) -> Duration + Send + Sync + 'static) -> Client {
        let server = self.clone();
        let delay = Arc::new(delay);
        let transport = from_fn(move |request: http::Request<Bytes>| {
            let server = server.clone();
            let body = request.body().clone();
            let customers = customers_of(&body);
            let delay = delay(customers.first().map(String::as_str).unwrap_or_default());
            let (head_tx, head_rx) = oneshot::channel::<usize>();
            let (want_tx, want_rx) = oneshot::channel::<()>();
            let (body_tx, body_rx) = oneshot::channel::<String>();
            tokio::spawn(async move {
                let number = {
                    let mut received = server.received.lock().unwrap();
                    received.extend(customers);
                    received.len()
                };
                let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                server.max_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = head_tx.send(number);
                if want_rx.await.is_ok() {
                    let _ = body_tx.send(answer(&body, &HashMap::new()).to_string());
                }
            });
            async move {
                let lost = |_| TransportError::new(TransportErrorKind::AnswerLost, "closed");
                let number = head_rx.await.map_err(lost)?;
                let _ = want_tx.send(());
                let body = body_rx.await.map_err(lost)?;
                Ok(http::Response::builder()
                    .status(200)
                    .header("X-Cap-Requestid", format!("req-{number}"))
                    .body(Bytes::from(body))
                    .unwrap())
            }
        });
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .auth(Basic::new("store.server", "server123"))
            .transport(transport)
            .build()
            .unwrap()
    }

    /// The customers received, sorted.
    pub fn received_sorted(&self) -> Vec<String> {
        let mut received = self.received.lock().unwrap().clone();
        received.sort();
        received
    }
}
