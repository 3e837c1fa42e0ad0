//! The requests of a bulk run, driven apart from whoever consumes the outcomes: one task
//! takes batches from the input, each request runs in a task of its own under a semaphore,
//! and its outcomes go to the hook as soon as they are read, then to the reorder buffer.
//! A slow, busy or vanished consumer therefore never leaves an answer unread, and a task that
//! dies (its runtime shut down, a panic) still settles every customer it held.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::{FutureExt as _, Stream};
use tokio::sync::{mpsc, watch, Notify, OwnedSemaphorePermit, Semaphore};

use super::batch::{Batch, Batcher, Halt};
use super::operation::BulkOperation;
use super::outcome::{merge_by_position, BulkOutcome};
use super::reorder::{Reorder, Settled};
use super::{SendingHook, SettledHook};
use crate::error::Error;
use crate::transport::{TransportError, TransportErrorKind};

/// One customer's outcome in a run of `Op`.
pub(super) type Outcome<Op> =
    BulkOutcome<<Op as BulkOperation>::Item, <Op as BulkOperation>::Customer>;

/// What every request of one run shares.
pub(super) struct Job<Op: BulkOperation> {
    pub op: Op,
    pub hook: Option<SettledHook<Op>>,
    pub sending: Option<SendingHook<Op>>,
    /// Set once `on_sending` failed: no request is sent after it.
    pub refused: Mutex<Option<Arc<Error>>>,
    /// Wakes the driver to stop taking customers once `on_sending` failed.
    pub refusal: Notify,
}

/// How many requests run at once, and how many answered ones may wait for their turn.
pub(super) struct Limits {
    pub in_flight: usize,
    pub waiting: usize,
}

/// Starts the run in the current tokio runtime and returns its outcomes in input order.
/// `alive` is held until every request has settled.
pub(super) fn start<Op, S>(
    job: Job<Op>,
    batcher: Batcher<S, Op::Customer>,
    limits: Limits,
    stop: Option<Halt>,
    alive: watch::Receiver<()>,
) -> Reorder<Outcome<Op>>
where
    Op: BulkOperation,
    S: Stream<Item = Op::Customer> + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let driver = Driver {
        job: Arc::new(job),
        batcher,
        tx,
        seq: 0,
        alive,
    };
    tokio::spawn(driver.drive(limits, stop));
    Reorder::new(rx)
}

/// The task that takes batches. Dropped mid-batch (its runtime shutting down), it settles
/// the customers it had taken as not applied.
struct Driver<Op: BulkOperation, S> {
    job: Arc<Job<Op>>,
    batcher: Batcher<S, Op::Customer>,
    tx: mpsc::UnboundedSender<Settled<Outcome<Op>>>,
    seq: u64,
    alive: watch::Receiver<()>,
}

impl<Op: BulkOperation, S> Drop for Driver<Op, S> {
    fn drop(&mut self) {
        let batch = self.batcher.take_filling();
        if batch.is_empty() {
            return;
        }
        let error = Error::config("not sent: the runtime running this bulk run shut down first");
        let outcomes = self.job.never_sent(batch, Arc::new(error));
        self.job.settled(&outcomes);
        let _ = self.tx.send(Settled::new(self.seq, outcomes, None));
    }
}

impl<Op, S> Driver<Op, S>
where
    Op: BulkOperation,
    S: Stream<Item = Op::Customer> + Send + 'static,
{
    /// Takes batches while there is room, and starts a request for each.
    ///
    /// Room is two permits: one of the `in_flight` slots, released as soon as the request's
    /// answer is read, and one of the `in_flight + waiting` places of the output, released
    /// once the consumer has taken the outcomes. No batch is taken without both, so a stop or
    /// a dropped output never strands customers taken from the input.
    async fn drive(mut self, limits: Limits, stop: Option<Halt>) {
        // Beyond what a semaphore can count, a limit is as good as none.
        let in_flight = limits.in_flight.clamp(1, Semaphore::MAX_PERMITS);
        let places = in_flight
            .saturating_add(limits.waiting)
            .min(Semaphore::MAX_PERMITS);
        let places = Arc::new(Semaphore::new(places));
        let slots = Arc::new(Semaphore::new(in_flight));
        let closed = self.tx.clone();
        let job = Arc::clone(&self.job);
        // The run halts when told to, when `on_sending` fails, or when nobody reads its
        // outcomes any more.
        let mut halt: Halt = Box::pin(async move {
            let stop = async move {
                match stop {
                    Some(stop) => stop.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = stop => {}
                () = job.refusal.notified() => {}
                () = closed.closed() => {}
            }
        });
        loop {
            let Some(place) = acquire(&places, &mut halt).await else {
                break;
            };
            let Some(slot) = acquire(&slots, &mut halt).await else {
                break;
            };
            let (batch, more) = self.batcher.next(&mut halt).await;
            if !batch.is_empty() {
                let flight = Flight {
                    seq: self.seq,
                    batch: Some(batch),
                    sent: false,
                    job: Arc::clone(&self.job),
                    tx: self.tx.clone(),
                    place: Some(place),
                    slot: Some(slot),
                    _alive: self.alive.clone(),
                };
                tokio::spawn(flight.fly());
                self.seq += 1;
            }
            if !more {
                break;
            }
        }
    }
}

/// A permit, or `None` once `halt` completes first.
async fn acquire(semaphore: &Arc<Semaphore>, halt: &mut Halt) -> Option<OwnedSemaphorePermit> {
    tokio::select! {
        biased;
        () = &mut *halt => None,
        permit = Arc::clone(semaphore).acquire_owned() => permit.ok(),
    }
}

/// One request, from the batch taken to its outcomes handed over. It keeps its customers
/// until then: dropped before (its runtime shutting down, a panic), it settles them as maybe
/// applied once the request was started, as not applied before.
struct Flight<Op: BulkOperation> {
    seq: u64,
    batch: Option<Batch<Op::Customer>>,
    sent: bool,
    job: Arc<Job<Op>>,
    tx: mpsc::UnboundedSender<Settled<Outcome<Op>>>,
    place: Option<OwnedSemaphorePermit>,
    slot: Option<OwnedSemaphorePermit>,
    // Dropped last: once every flight is gone, the run has settled.
    _alive: watch::Receiver<()>,
}

impl<Op: BulkOperation> Flight<Op> {
    async fn fly(mut self) {
        let outcomes = match &self.batch {
            Some(batch) => self.job.run(batch, &mut self.sent).await,
            None => Vec::new(),
        };
        self.settle(outcomes);
    }

    fn settle(&mut self, outcomes: Vec<Outcome<Op>>) {
        self.batch = None;
        self.job.settled(&outcomes);
        drop(self.slot.take());
        // Fails only when the output is gone; the hook has seen the outcomes.
        let _ = self
            .tx
            .send(Settled::new(self.seq, outcomes, self.place.take()));
    }
}

impl<Op: BulkOperation> Drop for Flight<Op> {
    fn drop(&mut self) {
        let Some(batch) = self.batch.take() else {
            return;
        };
        let outcomes = if self.sent {
            let error = Error::from(TransportError::new(
                TransportErrorKind::Other,
                "the task sending this request stopped before its answer was read",
            ));
            let (positions, customers, refused) = self.job.split(batch);
            merge_by_position(BulkOutcome::failed(positions, customers, error), refused)
        } else {
            let error = Error::config("not sent: the task of this request stopped first");
            self.job.never_sent(batch, Arc::new(error))
        };
        self.settle(outcomes);
    }
}

impl<Op: BulkOperation> Job<Op> {
    /// Hands a request's outcomes to `on_settled`; a panicking hook must not cost the stream
    /// these outcomes.
    fn settled(&self, outcomes: &[Outcome<Op>]) {
        if let Some(hook) = &self.hook {
            if std::panic::catch_unwind(AssertUnwindSafe(|| hook(outcomes))).is_err() {
                tracing::error!(target: "capillary_sdk::bulk", "the on_settled hook panicked");
            }
        }
    }

    /// Splits a batch into the customers to send (positions and customers) and the outcomes
    /// of the invalid ones, refused with their positions.
    #[allow(clippy::type_complexity)]
    fn split(
        &self,
        batch: Batch<Op::Customer>,
    ) -> (Vec<usize>, Vec<Op::Customer>, Vec<Outcome<Op>>) {
        let mut refused = Vec::new();
        let mut positions = Vec::with_capacity(batch.len());
        let mut valid = Vec::with_capacity(batch.len());
        for (position, customer) in batch {
            match self.op.check(&customer) {
                Ok(()) => {
                    positions.push(position);
                    valid.push(customer);
                }
                Err(reason) => refused.push(BulkOutcome::NotApplied {
                    position,
                    customer,
                    error: Arc::new(Error::invalid(
                        "customers",
                        format!("customer {position}: {reason}"),
                    )),
                }),
            }
        }
        (positions, valid, refused)
    }

    /// Every customer of a batch that was not sent: the valid ones with `error`.
    fn never_sent(&self, batch: Batch<Op::Customer>, error: Arc<Error>) -> Vec<Outcome<Op>> {
        let (positions, customers, refused) = self.split(batch);
        let skipped = positions
            .into_iter()
            .zip(customers)
            .map(|(position, customer)| BulkOutcome::NotApplied {
                position,
                customer,
                error: Arc::clone(&error),
            })
            .collect();
        merge_by_position(skipped, refused)
    }

    /// Sends the valid customers of one batch as one request and returns every customer's
    /// outcome, invalid ones included, in input order. `sent` is set once the request may
    /// have left.
    async fn run(&self, batch: &Batch<Op::Customer>, sent: &mut bool) -> Vec<Outcome<Op>> {
        let (positions, valid, refused) = self.split(batch.clone());
        if valid.is_empty() {
            return refused;
        }
        if let Err(error) = self.may_send(&positions, &valid) {
            let skipped = positions
                .into_iter()
                .zip(valid)
                .map(|(position, customer)| BulkOutcome::NotApplied {
                    position,
                    customer,
                    error: Arc::clone(&error),
                })
                .collect();
            return merge_by_position(skipped, refused);
        }
        *sent = true;
        merge_by_position(self.send(positions, valid).await, refused)
    }

    /// Asks `on_sending` whether this request may go. The calls are one at a time, so that
    /// once one fails, no later one is made and no later request is sent.
    fn may_send(&self, positions: &[usize], customers: &[Op::Customer]) -> Result<(), Arc<Error>> {
        let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(error) = &*refused {
            return Err(Arc::clone(error));
        }
        let Some(hook) = &self.sending else {
            return Ok(());
        };
        let batch: Vec<(usize, Op::Customer)> = positions
            .iter()
            .copied()
            .zip(customers.iter().cloned())
            .collect();
        let reason = match std::panic::catch_unwind(AssertUnwindSafe(|| hook(&batch))) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(reason)) => reason,
            Err(_) => "it panicked".to_string(),
        };
        let error = Arc::new(Error::config(format!(
            "not sent: the on_sending hook failed: {reason}"
        )));
        *refused = Some(Arc::clone(&error));
        self.refusal.notify_one();
        Err(error)
    }

    async fn send(&self, positions: Vec<usize>, customers: Vec<Op::Customer>) -> Vec<Outcome<Op>> {
        let request = self.op.send(customers.clone());
        // A transport that panics has perhaps written the request: its customers are
        // reported as maybe applied rather than lost with the task.
        let sent = AssertUnwindSafe(request).catch_unwind().await;
        let sent = sent.unwrap_or_else(|_| {
            Err(Error::from(TransportError::new(
                TransportErrorKind::Other,
                "the request panicked while being sent",
            )))
        });
        match sent {
            Ok((items, meta)) => positions
                .into_iter()
                .zip(items)
                .map(|(position, item)| BulkOutcome::Answered {
                    position,
                    item,
                    meta: meta.clone(),
                })
                .collect(),
            Err(error) => BulkOutcome::failed(positions, customers, error),
        }
    }
}
