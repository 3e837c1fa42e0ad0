//! Bulk revoke at any size: [`RevokeAll`] chunks any number of customers into requests of at
//! most [`MAX_REVOKE_CUSTOMERS`], runs a bounded number of them at once, and streams one
//! [`RevokeOutcome`] per customer in input order.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::{self, BoxStream, Stream, StreamExt};

use super::promotions::{
    validate_revoke_customer, PromotionRef, Promotions, RevokeAction, RevokeCustomer, RevokeItem,
    MAX_REVOKE_CUSTOMERS,
};
use crate::error::Error;
use crate::model::{IdentifierName, ProgramId, ResponseMeta};

/// How many requests [`RevokeAll`] runs at once unless told otherwise.
pub const DEFAULT_REVOKE_CONCURRENCY: usize = 4;

/// What happened to one customer of a [`RevokeAll`] run.
///
/// The three cases answer the question an operator has after a run: *was this customer
/// revoked?* `Answered` is a definite answer from the server; `NotApplied` is a definite "no,
/// nothing happened" (safe to send again); `Unknown` means the request may have reached the
/// server, so look before sending it again.
#[derive(Debug, Clone)]
pub enum RevokeOutcome {
    /// The server answered for this customer: revoked, or refused with API errors
    /// (`item.result`). The outcome is known.
    Answered {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer and what the server said about it.
        item: RevokeItem,
        /// Status and request id of the answer to this customer's request.
        meta: ResponseMeta,
    },
    /// Nothing was applied for this customer: it was refused before sending (invalid input),
    /// its connection was never made, or the server refused its whole request (e.g.
    /// credentials, a 4xx with errors). Sending it again is safe.
    NotApplied {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer.
        customer: RevokeCustomer,
        /// Why; shared by every customer of the same request.
        error: Arc<Error>,
    },
    /// The request carrying this customer may have reached the server but got no readable
    /// answer ([`Error::maybe_applied`]): the customer may or may not have been revoked.
    Unknown {
        /// The customer's 0-based position in the input.
        position: usize,
        /// The customer.
        customer: RevokeCustomer,
        /// Why; shared by every customer of the same request.
        error: Arc<Error>,
    },
}

impl RevokeOutcome {
    /// The customer's 0-based position in the input.
    pub fn position(&self) -> usize {
        match self {
            Self::Answered { position, .. }
            | Self::NotApplied { position, .. }
            | Self::Unknown { position, .. } => *position,
        }
    }

    /// The customer, as given.
    pub fn customer(&self) -> &RevokeCustomer {
        match self {
            Self::Answered { item, .. } => &item.customer,
            Self::NotApplied { customer, .. } | Self::Unknown { customer, .. } => customer,
        }
    }

    /// `true` when the server answered for this customer (revoked or refused).
    pub fn is_known(&self) -> bool {
        matches!(self, Self::Answered { .. })
    }

    /// `true` when the customer was revoked.
    pub fn is_revoked(&self) -> bool {
        matches!(self, Self::Answered { item, .. } if item.result.is_ok())
    }

    /// The request-level error, for `NotApplied` and `Unknown`.
    pub fn error(&self) -> Option<&Arc<Error>> {
        match self {
            Self::Answered { .. } => None,
            Self::NotApplied { error, .. } | Self::Unknown { error, .. } => Some(error),
        }
    }
}

/// Checks one customer as [`RevokeAll`] will before sending it, so a whole input can be
/// validated up front (e.g. a CSV file, row by row) and refused before anything is sent.
///
/// ```
/// use capillary_sdk::{check_revoke_customer, IdentifierName, RevokeAction, RevokeCustomer};
///
/// let ok = RevokeCustomer::new("423927848");
/// assert!(check_revoke_customer(RevokeAction::Earn, IdentifierName::Id, &ok).is_ok());
/// let bad = RevokeCustomer::new("ana@example.com");
/// assert!(check_revoke_customer(RevokeAction::Earn, IdentifierName::Id, &bad).is_err());
/// ```
pub fn check_revoke_customer(
    action: RevokeAction,
    identifier_name: IdentifierName,
    customer: &RevokeCustomer,
) -> Result<(), Error> {
    validate_revoke_customer(action, Some(identifier_name), customer)
        .map_err(|reason| Error::invalid("customers", reason))
}

type Signal = Pin<Box<dyn Future<Output = ()> + Send>>;
type SettledHook = Arc<dyn Fn(&[RevokeOutcome]) + Send + Sync>;

/// A bulk revoke of any number of customers; see [`Promotions::revoke_all`].
///
/// [`Promotions::revoke_all`]: crate::Promotions::revoke_all
#[must_use = "a bulk revoke does nothing until its stream is polled"]
pub struct RevokeAll<S> {
    promotions: Promotions,
    action: RevokeAction,
    program: ProgramId,
    promotion: PromotionRef,
    identifier_name: IdentifierName,
    customers: S,
    concurrency: usize,
    stop: Option<Signal>,
    on_settled: Option<SettledHook>,
}

impl<S> std::fmt::Debug for RevokeAll<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevokeAll")
            .field("action", &self.action)
            .field("program", &self.program)
            .field("promotion", &self.promotion)
            .field("identifier_name", &self.identifier_name)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<S> RevokeAll<S>
where
    S: Stream<Item = RevokeCustomer> + Send + 'static,
{
    pub(crate) fn new(
        promotions: Promotions,
        action: RevokeAction,
        program: ProgramId,
        promotion: PromotionRef,
        identifier_name: IdentifierName,
        customers: S,
    ) -> Self {
        Self {
            promotions,
            action,
            program,
            promotion,
            identifier_name,
            customers,
            concurrency: DEFAULT_REVOKE_CONCURRENCY,
            stop: None,
            on_settled: None,
        }
    }

    /// At most this many requests in flight at once (default 4; 0 counts as 1). Memory is
    /// bounded by `concurrency` x 100 customers whatever the input size.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stops taking new requests once `signal` completes (e.g. `tokio::signal::ctrl_c()`):
    /// requests in flight finish and their outcomes are yielded; customers not yet sent get
    /// no outcome, so the stream ends early.
    pub fn stop_when(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.stop = Some(Box::pin(signal));
        self
    }

    /// Calls `hook` with each request's outcomes as soon as its answer arrives, even while an
    /// earlier request is still in flight (the stream itself waits for it to keep input
    /// order). This is where a journal records what is known: a crash then loses nothing that
    /// the server had answered.
    ///
    /// The hook runs inside the stream's polling, so keep it short (an appended line, a
    /// counter).
    pub fn on_settled(mut self, hook: impl Fn(&[RevokeOutcome]) + Send + Sync + 'static) -> Self {
        self.on_settled = Some(Arc::new(hook));
        self
    }

    /// Runs the revoke: one outcome per customer, in input order, each yielded as soon as it
    /// and every customer before it are known.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{IdentifierName, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer, RevokeOutcome};
    /// use futures_util::StreamExt as _;
    ///
    /// let customers = (0..40_000u64).map(|i| RevokeCustomer::new((423_900_000 + i).to_string()));
    /// let mut outcomes = client
    ///     .promotions()
    ///     .revoke_all(RevokeAction::Earn, ProgramId(2714), PromotionRef::id(PromotionId(202779)), IdentifierName::Id, customers)
    ///     .concurrency(8)
    ///     .stream();
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome {
    ///         RevokeOutcome::Answered { item, .. } => println!("{}: {:?}", item.customer.identifier_value, item.result),
    ///         RevokeOutcome::NotApplied { customer, error, .. } => println!("{}: not applied: {error}", customer.identifier_value),
    ///         RevokeOutcome::Unknown { customer, error, .. } => println!("{}: UNKNOWN: {error}", customer.identifier_value),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn stream(self) -> BoxStream<'static, RevokeOutcome> {
        let job = Arc::new(Job {
            promotions: self.promotions,
            action: self.action,
            program: self.program,
            promotion: self.promotion,
            identifier_name: self.identifier_name,
        });
        // `chunks` pulls from the input only when `buffered` has room for another request, so
        // at most `concurrency` chunks (plus the one being yielded) are ever held.
        let chunks = self
            .customers
            .enumerate()
            .chunks(MAX_REVOKE_CUSTOMERS)
            .boxed();
        let chunks = match self.stop {
            Some(signal) => chunks.take_until(signal).boxed(),
            None => chunks,
        };
        let hook = self.on_settled;
        chunks
            .map(move |chunk| {
                let job = Arc::clone(&job);
                let hook = hook.clone();
                async move {
                    let outcomes = job.run(chunk).await;
                    if let Some(hook) = hook {
                        hook(&outcomes);
                    }
                    outcomes
                }
            })
            .buffered(self.concurrency)
            .flat_map(stream::iter)
            .boxed()
    }
}

/// What every chunk of one run shares.
struct Job {
    promotions: Promotions,
    action: RevokeAction,
    program: ProgramId,
    promotion: PromotionRef,
    identifier_name: IdentifierName,
}

impl Job {
    /// Sends the valid customers of one chunk as one request and returns every customer's
    /// outcome, invalid ones included, in input order.
    async fn run(&self, chunk: Vec<(usize, RevokeCustomer)>) -> Vec<RevokeOutcome> {
        let mut refused = Vec::new();
        let mut positions = Vec::with_capacity(chunk.len());
        let mut valid = Vec::with_capacity(chunk.len());
        for (position, customer) in chunk {
            match validate_revoke_customer(self.action, Some(self.identifier_name), &customer) {
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
        let request = self
            .promotions
            .revoke(self.action, self.program, self.promotion.clone())
            .identifier_name(self.identifier_name)
            .customers(customers.iter().cloned());
        match request.send().await {
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
            Err(error) => {
                let unknown = error.maybe_applied();
                let error = Arc::new(error);
                positions
                    .into_iter()
                    .zip(customers)
                    .map(|(position, customer)| {
                        let error = Arc::clone(&error);
                        if unknown {
                            RevokeOutcome::Unknown {
                                position,
                                customer,
                                error,
                            }
                        } else {
                            RevokeOutcome::NotApplied {
                                position,
                                customer,
                                error,
                            }
                        }
                    })
                    .collect()
            }
        }
    }
}

/// Merges two lists already sorted by position.
fn merge_by_position(a: Vec<RevokeOutcome>, b: Vec<RevokeOutcome>) -> Vec<RevokeOutcome> {
    if b.is_empty() {
        return a;
    }
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.position() <= y.position() => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        merged.extend(next);
    }
    merged
}
