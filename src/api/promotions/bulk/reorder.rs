//! The output of a bulk revoke: requests settle in any order, the consumer gets their
//! outcomes in input order. Answered requests wait here for their turn; each holds a place
//! that is given back once its outcomes are taken, which is what bounds memory.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::{mpsc, OwnedSemaphorePermit};

/// The outcomes of one request, numbered in input order.
pub(super) struct Settled<T> {
    seq: u64,
    outcomes: std::vec::IntoIter<T>,
    /// Given back when these outcomes have all been taken (or dropped).
    _place: Option<OwnedSemaphorePermit>,
}

impl<T> Settled<T> {
    pub(super) fn new(seq: u64, outcomes: Vec<T>, place: Option<OwnedSemaphorePermit>) -> Self {
        Self {
            seq,
            outcomes: outcomes.into_iter(),
            _place: place,
        }
    }
}

/// One outcome per customer, in input order, as soon as it and every one before it are known.
pub(super) struct Reorder<T> {
    rx: mpsc::UnboundedReceiver<Settled<T>>,
    waiting: BTreeMap<u64, Settled<T>>,
    next: u64,
    current: Option<Settled<T>>,
}

impl<T> Reorder<T> {
    pub(super) fn new(rx: mpsc::UnboundedReceiver<Settled<T>>) -> Self {
        Self {
            rx,
            waiting: BTreeMap::new(),
            next: 0,
            current: None,
        }
    }
}

// Nothing in it is pinned: the receiver and the buffers move freely.
impl<T> Unpin for Reorder<T> {}

impl<T> Stream for Reorder<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        loop {
            if let Some(current) = &mut this.current {
                let outcome = current.outcomes.next();
                if current.outcomes.len() == 0 {
                    // Its place goes back as soon as its last outcome is out.
                    this.current = None;
                }
                if outcome.is_some() {
                    return Poll::Ready(outcome);
                }
            }
            if let Some(settled) = this.waiting.remove(&this.next) {
                this.next += 1;
                this.current = Some(settled);
                continue;
            }
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(settled)) => {
                    this.waiting.insert(settled.seq, settled);
                }
                // Every sender is gone: nothing more will settle. Every request settles, even
                // one whose task died (see `Flight`), so a gap here would be a defect: what
                // settled after it still comes out rather than being held forever.
                Poll::Ready(None) => match this.waiting.pop_first() {
                    Some((seq, settled)) => {
                        this.next = seq + 1;
                        this.current = Some(settled);
                    }
                    None => return Poll::Ready(None),
                },
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
