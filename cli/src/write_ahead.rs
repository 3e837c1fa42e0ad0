//! Customers handed to the bulk revoke a request's worth at a time, each batch journaled as
//! being sent before the first of them is handed over.
//!
//! The bulk revoke fills each request with the next [`MAX_REVOKE_CUSTOMERS`] customers of an
//! input that is always ready, and sends it only once it is full (or the input ends), so a
//! batch journaled when its first customer is taken is journaled before its request is sent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use capillary_sdk::{RevokeCustomer, MAX_REVOKE_CUSTOMERS};

use crate::in_flight::InFlight;

/// The input, journaled ahead. `stopped` says (once) why it ended early.
pub struct WriteAhead<I> {
    input: I,
    batch: VecDeque<RevokeCustomer>,
    in_flight: InFlight,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    failure: Arc<Mutex<Option<String>>>,
    ended: bool,
}

impl<I: Iterator<Item = RevokeCustomer>> WriteAhead<I> {
    /// Hands out `input`, journaled through `in_flight`; stops when `stopping` is set, and
    /// when the journal cannot be written (saying why in `failure`).
    pub fn new(
        input: I,
        in_flight: InFlight,
        stopping: Arc<std::sync::atomic::AtomicBool>,
        failure: Arc<Mutex<Option<String>>>,
    ) -> Self {
        Self {
            input,
            batch: VecDeque::new(),
            in_flight,
            stopping,
            failure,
            ended: false,
        }
    }

    fn end(&mut self) -> Option<RevokeCustomer> {
        self.ended = true;
        // Journaled as being sent but never handed over: not applied.
        let left: Vec<RevokeCustomer> = self.batch.drain(..).collect();
        if !left.is_empty() {
            self.in_flight.not_sent(&left);
        }
        None
    }
}

impl<I: Iterator<Item = RevokeCustomer>> Iterator for WriteAhead<I> {
    type Item = RevokeCustomer;

    fn next(&mut self) -> Option<RevokeCustomer> {
        if self.ended || self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            return self.end();
        }
        if self.batch.is_empty() {
            self.batch
                .extend(self.input.by_ref().take(MAX_REVOKE_CUSTOMERS));
            if self.batch.is_empty() {
                return self.end();
            }
            let batch: Vec<RevokeCustomer> = self.batch.iter().cloned().collect();
            if let Err(e) = self.in_flight.sending(&batch) {
                if let Ok(mut slot) = self.failure.lock() {
                    *slot = Some(e);
                }
                self.batch.clear();
                return self.end();
            }
        }
        let customer = self.batch.pop_front()?;
        self.in_flight.sent(&customer);
        Some(customer)
    }
}
