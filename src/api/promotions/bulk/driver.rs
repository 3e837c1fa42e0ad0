//! The requests of a bulk revoke, driven apart from whoever consumes the outcomes: one task
//! takes batches from the input, each request runs in a task of its own under a semaphore,
//! and its outcomes go to the hook as soon as they are read, then to the reorder buffer.
//! A slow, busy or vanished consumer therefore never leaves an answer unread.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::{FutureExt as _, Stream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::super::revoke::{
    validate_revoke_customer, PromotionRef, RevokeAction, RevokeCustomer, RevokeRequest,
};
use super::batch::{Batch, Batcher, Halt};
use super::outcome::{merge_by_position, RevokeOutcome};
use super::reorder::{Reorder, Settled};
use super::SettledHook;
use crate::engine::Engine;
use crate::error::Error;
use crate::model::{ProgramId, RevokeIdentifierKind};
use crate::transport::{TransportError, TransportErrorKind};

/// What every request of one run shares.
pub(super) struct Job {
    pub engine: Engine,
    pub action: RevokeAction,
    pub program: ProgramId,
    pub promotion: PromotionRef,
    pub identifier_name: RevokeIdentifierKind,
    pub hook: Option<SettledHook>,
}

/// How many requests run at once, and how many answered ones may wait for their turn.
pub(super) struct Limits {
    pub in_flight: usize,
    pub waiting: usize,
}

/// Starts the run in the current tokio runtime and returns its outcomes in input order.
pub(super) fn start<S>(job: Job, batcher: Batcher<S>, limits: Limits, stop: Option<Halt>) -> Reorder
where
    S: Stream<Item = RevokeCustomer> + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(drive(Arc::new(job), batcher, limits, stop, tx));
    Reorder::new(rx)
}

/// Takes batches while there is room, and starts a request for each.
///
/// Room is two permits: one of the `in_flight` slots, released as soon as the request's
/// answer is read, and one of the `in_flight + waiting` places of the output, released once
/// the consumer has taken the outcomes. No batch is taken without both, so a stop or a
/// dropped output never strands customers taken from the input.
async fn drive<S>(
    job: Arc<Job>,
    mut batcher: Batcher<S>,
    limits: Limits,
    stop: Option<Halt>,
    tx: mpsc::UnboundedSender<Settled>,
) where
    S: Stream<Item = RevokeCustomer> + Send + 'static,
{
    // Beyond what a semaphore can count, a limit is as good as none.
    let in_flight = limits.in_flight.clamp(1, Semaphore::MAX_PERMITS);
    let places = in_flight
        .saturating_add(limits.waiting)
        .min(Semaphore::MAX_PERMITS);
    let places = Arc::new(Semaphore::new(places));
    let slots = Arc::new(Semaphore::new(in_flight));
    let closed = tx.clone();
    // The run halts when told to, or when nobody reads its outcomes any more.
    let mut halt: Halt = Box::pin(async move {
        match stop {
            Some(stop) => tokio::select! {
                () = stop => {}
                () = closed.closed() => {}
            },
            None => closed.closed().await,
        }
    });
    let mut seq = 0;
    loop {
        let Some(place) = acquire(&places, &mut halt).await else {
            break;
        };
        let Some(slot) = acquire(&slots, &mut halt).await else {
            break;
        };
        let (batch, more) = batcher.next(&mut halt).await;
        if !batch.is_empty() {
            let job = Arc::clone(&job);
            let tx = tx.clone();
            tokio::spawn(async move {
                let outcomes = job.run(batch).await;
                if let Some(hook) = &job.hook {
                    // A panicking hook must not cost the stream these outcomes.
                    if std::panic::catch_unwind(AssertUnwindSafe(|| hook(&outcomes))).is_err() {
                        tracing::error!(target: "capillary_sdk::bulk", "the on_settled hook panicked");
                    }
                }
                drop(slot);
                // Once the output ends, no task holds the hook (nor what it owns, such as a
                // journal's file) any more.
                drop(job);
                // Fails only when the output is gone; the hook has seen the outcomes.
                let _ = tx.send(Settled::new(seq, outcomes, place));
            });
            seq += 1;
        }
        if !more {
            break;
        }
    }
    drop(job);
    drop(halt);
    drop(tx);
}

/// A permit, or `None` once `halt` completes first.
async fn acquire(semaphore: &Arc<Semaphore>, halt: &mut Halt) -> Option<OwnedSemaphorePermit> {
    tokio::select! {
        biased;
        () = &mut *halt => None,
        permit = Arc::clone(semaphore).acquire_owned() => permit.ok(),
    }
}

impl Job {
    /// Sends the valid customers of one batch as one request and returns every customer's
    /// outcome, invalid ones included, in input order.
    async fn run(&self, batch: Batch) -> Vec<RevokeOutcome> {
        let mut refused = Vec::new();
        let mut positions = Vec::with_capacity(batch.len());
        let mut valid = Vec::with_capacity(batch.len());
        for (position, customer) in batch {
            match validate_revoke_customer(self.action, self.identifier_name, &customer) {
                Ok(()) => {
                    positions.push(position);
                    valid.push(customer);
                }
                Err(reason) => refused.push(RevokeOutcome::NotApplied {
                    position,
                    customer,
                    error: Arc::new(Error::invalid(
                        "customers",
                        format!("customer {position}: {reason}"),
                    )),
                }),
            }
        }
        let sent = if valid.is_empty() {
            Vec::new()
        } else {
            self.send(positions, valid).await
        };
        merge_by_position(sent, refused)
    }

    async fn send(
        &self,
        positions: Vec<usize>,
        customers: Vec<RevokeCustomer>,
    ) -> Vec<RevokeOutcome> {
        let request = RevokeRequest::new(
            self.engine.clone(),
            self.action,
            self.program,
            self.promotion.clone(),
            self.identifier_name,
        )
        .customers(customers.iter().cloned());
        // A transport that panics has perhaps written the request: its customers are
        // reported as maybe applied rather than lost with the task.
        let sent = AssertUnwindSafe(request.send()).catch_unwind().await;
        let sent = sent.unwrap_or_else(|_| {
            Err(Error::from(TransportError::new(
                TransportErrorKind::Other,
                "the request panicked while being sent",
            )))
        });
        match sent {
            Ok(report) => {
                let meta = report.meta;
                positions
                    .into_iter()
                    .zip(report.items)
                    .map(|(position, item)| RevokeOutcome::Answered {
                        position,
                        item,
                        meta: meta.clone(),
                    })
                    .collect()
            }
            Err(error) => RevokeOutcome::failed(positions, customers, error),
        }
    }
}
