//! Cutting the input into requests: at most the endpoint's maximum of customers each, and a
//! partial one as soon as the input has had nothing more for a short linger, so that a live
//! input (a channel kept open) never holds customers back waiting for a batch to fill.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{FutureExt as _, Stream, StreamExt as _};
use tokio::time::Instant;

/// Completes when no more customers may be taken from the input.
pub(super) type Halt = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Customers with their 0-based positions in the input.
pub(super) type Batch<C> = Vec<(usize, C)>;

/// Takes batches of at most `max` customers from the input.
pub(super) struct Batcher<S, C> {
    input: Pin<Box<S>>,
    next_position: usize,
    linger: Duration,
    max: usize,
    /// The batch being filled: kept here, not in `next`'s future, so that customers taken
    /// are never lost with a future dropped mid-batch (its runtime shutting down).
    filling: Batch<C>,
}

/// Why a batch ended.
enum Step<C> {
    Customer(C),
    /// The input ended, or panicked: it is never polled again.
    InputDone,
    Halted,
    Lingered,
}

impl<S, C> Batcher<S, C> {
    /// The customers of a batch still filling, taken from the input but not handed out.
    pub(super) fn take_filling(&mut self) -> Batch<C> {
        std::mem::take(&mut self.filling)
    }
}

impl<S, C> Batcher<S, C>
where
    S: Stream<Item = C> + Send,
{
    pub(super) fn new(input: S, linger: Duration, max: usize) -> Self {
        Self {
            input: Box::pin(input),
            next_position: 0,
            linger,
            max: max.max(1),
            filling: Vec::new(),
        }
    }

    /// The next batch, and whether more may follow. The batch ends when it is full, when the
    /// input has had nothing more for `linger` since its first customer, when the input ends
    /// or panics, or when `halt` completes. Customers already taken are always returned, so
    /// none is lost; after `false`, neither the input nor `halt` is polled again.
    pub(super) async fn next(&mut self, halt: &mut Halt) -> (Batch<C>, bool) {
        let mut deadline = None;
        while self.filling.len() < self.max {
            let step = self.step(halt, deadline).await;
            match step {
                Step::Customer(customer) => {
                    deadline.get_or_insert_with(|| Instant::now() + self.linger);
                    self.filling.push((self.next_position, customer));
                    self.next_position += 1;
                }
                Step::Lingered => return (std::mem::take(&mut self.filling), true),
                Step::InputDone | Step::Halted => {
                    return (std::mem::take(&mut self.filling), false)
                }
            }
        }
        (std::mem::take(&mut self.filling), true)
    }

    async fn step(&mut self, halt: &mut Halt, deadline: Option<Instant>) -> Step<C> {
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
