//! Cutting the input into requests: at most [`MAX_REVOKE_CUSTOMERS`] customers each, and a
//! partial one as soon as the input has had nothing more for a short linger, so that a live
//! input (a channel kept open) never holds customers back waiting for a batch to fill.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{FutureExt as _, Stream, StreamExt as _};
use tokio::time::Instant;

use crate::api::promotions::{RevokeCustomer, MAX_REVOKE_CUSTOMERS};

/// Completes when no more customers may be taken from the input.
pub(super) type Halt = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Customers with their 0-based positions in the input.
pub(super) type Batch = Vec<(usize, RevokeCustomer)>;

/// Takes batches from the input.
pub(super) struct Batcher<S> {
    input: Pin<Box<S>>,
    next_position: usize,
    linger: Duration,
}

/// Why a batch ended.
enum Step {
    Customer(RevokeCustomer),
    /// The input ended, or panicked: it is never polled again.
    InputDone,
    Halted,
    Lingered,
}

impl<S> Batcher<S>
where
    S: Stream<Item = RevokeCustomer> + Send,
{
    pub(super) fn new(input: S, linger: Duration) -> Self {
        Self {
            input: Box::pin(input),
            next_position: 0,
            linger,
        }
    }

    /// The next batch, and whether more may follow. The batch ends when it is full, when the
    /// input has had nothing more for `linger` since its first customer, when the input ends
    /// or panics, or when `halt` completes. Customers already taken are always returned, so
    /// none is lost; after `false`, neither the input nor `halt` is polled again.
    pub(super) async fn next(&mut self, halt: &mut Halt) -> (Batch, bool) {
        let mut batch = Vec::new();
        let mut deadline = None;
        while batch.len() < MAX_REVOKE_CUSTOMERS {
            let step = self.step(halt, deadline).await;
            match step {
                Step::Customer(customer) => {
                    deadline.get_or_insert_with(|| Instant::now() + self.linger);
                    batch.push((self.next_position, customer));
                    self.next_position += 1;
                }
                Step::Lingered => return (batch, true),
                Step::InputDone | Step::Halted => return (batch, false),
            }
        }
        (batch, true)
    }

    async fn step(&mut self, halt: &mut Halt, deadline: Option<Instant>) -> Step {
        // A panicking input must not take the customers already taken (and the requests in
        // flight) down with it: it ends the input instead.
        let next = AssertUnwindSafe(self.input.next()).catch_unwind();
        let next = async {
            match next.await {
                Ok(Some(customer)) => Step::Customer(customer),
                Ok(None) => Step::InputDone,
                Err(_) => {
                    tracing::error!(
                        target: "capillary_sdk::bulk",
                        "the customers' input panicked; sending what was taken and ending the run"
                    );
                    Step::InputDone
                }
            }
        };
        match deadline {
            None => tokio::select! {
                biased;
                () = &mut *halt => Step::Halted,
                step = next => step,
            },
            Some(deadline) => tokio::select! {
                biased;
                () = &mut *halt => Step::Halted,
                step = next => step,
                () = tokio::time::sleep_until(deadline) => Step::Lingered,
            },
        }
    }
}
