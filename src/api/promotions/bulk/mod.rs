//! Bulk requests at any size, one driver for both bulk endpoints: a [`BulkRun`] cuts any
//! number of customers into requests of at most the endpoint's maximum (100), runs a bounded
//! number of them at once apart from the consumer, and streams one [`BulkOutcome`] per
//! customer in input order. [`RevokeAll`] runs bulk revoke on it, [`EnrolAll`] bulk enrol &
//! earn.

mod batch;
mod driver;
mod enrol_all;
mod operation;
mod outcome;
mod reorder;
mod revoke_all;
mod revoke_enrolments_all;
mod settle;
mod summary;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, BoxStream, Stream, StreamExt};

use self::batch::{Batcher, Halt};
use self::driver::{Job, Limits, Outcome};
pub use self::enrol_all::{check_enrol_customer, EnrolAll, EnrolOp};
pub use self::operation::{BulkAnswer, BulkOperation};
pub use self::outcome::{
    BulkItem, BulkOutcome, EnrolOutcome, EnrolmentRevokeOutcome, RevokeOutcome,
};
pub use self::revoke_all::{check_revoke_customer, RevokeAll, RevokeOp};
pub use self::revoke_enrolments_all::{RevokeEnrolmentsAll, RevokeEnrolmentsOp};
pub use self::settle::SettleHandle;
pub use self::summary::{EnrolSummary, RevokeSummary};
use crate::error::Error;

/// How many requests a [`BulkRun`] has in flight at once unless told otherwise.
pub const DEFAULT_REVOKE_CONCURRENCY: usize = 4;

/// How long a [`BulkRun`] waits for an input that has nothing more for now before sending a
/// partial request, unless told otherwise.
pub const DEFAULT_REVOKE_LINGER: Duration = Duration::from_millis(50);

/// How many answered requests may wait for their turn in the output, per request in flight,
/// unless told otherwise.
const DEFAULT_WAITING_PER_SLOT: usize = 4;

type SettledHook<Op> = Arc<dyn Fn(&[Outcome<Op>]) + Send + Sync>;
type SendingHook<Op> =
    Arc<dyn Fn(&[(usize, <Op as BulkOperation>::Customer)]) -> Result<(), String> + Send + Sync>;

/// A bulk run of any number of customers: [`RevokeAll`] (see [`Promotions::revoke_all`]) or
/// [`EnrolAll`] (see [`Promotions::enrol_all`]); run it with [`stream`](Self::stream),
/// [`summary`](Self::summary) or [`collect_outcomes`](Self::collect_outcomes).
///
/// [`Promotions::revoke_all`]: crate::Promotions::revoke_all
/// [`Promotions::enrol_all`]: crate::Promotions::enrol_all
#[must_use = "a bulk run does nothing until its stream is polled"]
pub struct BulkRun<Op: BulkOperation, S> {
    op: Op,
    customers: S,
    concurrency: usize,
    max_waiting: Option<usize>,
    linger: Duration,
    stop: Option<Halt>,
    on_settled: Option<SettledHook<Op>>,
    on_sending: Option<SendingHook<Op>>,
    settle: SettleHandle,
    alive: tokio::sync::watch::Receiver<()>,
}

impl<Op: BulkOperation + std::fmt::Debug, S> std::fmt::Debug for BulkRun<Op, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkRun")
            .field("op", &self.op)
            .field("concurrency", &self.concurrency)
            .field("max_waiting", &self.waiting())
            .field("linger", &self.linger)
            .finish_non_exhaustive()
    }
}

impl<Op: BulkOperation, S> BulkRun<Op, S> {
    fn waiting(&self) -> usize {
        self.max_waiting
            .unwrap_or(DEFAULT_WAITING_PER_SLOT.saturating_mul(self.concurrency))
    }
}

impl<Op, S> BulkRun<Op, S>
where
    Op: BulkOperation,
    S: Stream<Item = Op::Customer> + Send + 'static,
{
    pub(crate) fn with_op(op: Op, customers: S) -> Self {
        let (settle, alive) = SettleHandle::new();
        Self {
            op,
            customers,
            concurrency: DEFAULT_REVOKE_CONCURRENCY,
            max_waiting: None,
            linger: DEFAULT_REVOKE_LINGER,
            stop: None,
            on_settled: None,
            on_sending: None,
            settle,
            alive,
        }
    }

    /// At most this many requests in flight at once (default 4; 0 counts as 1). An answered
    /// request frees its slot at once, even while it waits for its turn in the output, so one
    /// slow request does not idle the others.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// At most this many answered requests wait for their turn in the output, behind an
    /// earlier one still in flight or a consumer busy elsewhere (default 4 x concurrency).
    /// When they are all waiting, no new request starts until the consumer takes outcomes,
    /// so memory stays bounded by (concurrency + max waiting) x 100 customers.
    pub fn max_waiting(mut self, requests: usize) -> Self {
        self.max_waiting = Some(requests);
        self
    }

    /// How long to wait for more customers when the input has nothing more for now (a
    /// channel kept open) before sending a partial request (default 50 ms, counted from the
    /// request's first customer). An input that is always ready, like an iterator, fills
    /// every request but the last.
    pub fn linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// Stops taking customers from the input once `signal` completes (e.g.
    /// `tokio::signal::ctrl_c()`). Customers already taken are sent, even those of a partial
    /// request still filling; no further customer is taken from the input. Requests in
    /// flight finish and their outcomes are yielded, then the stream ends early.
    pub fn stop_when(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.stop = Some(Box::pin(signal));
        self
    }

    /// Calls `hook` with each request's outcomes as soon as its answer is read, whatever the
    /// consumer is doing: before an earlier request finishes, before the stream yields them,
    /// and even after the stream is dropped. This is where a journal records what is known:
    /// a crash then loses nothing that the server had answered.
    ///
    /// The hook runs in the request's task on the runtime's threads, so keep it short and
    /// non-blocking (an appended line, a counter). A hook that panics is logged and its
    /// request's outcomes are still yielded.
    pub fn on_settled(mut self, hook: impl Fn(&[Outcome<Op>]) + Send + Sync + 'static) -> Self {
        self.on_settled = Some(Arc::new(hook));
        self
    }

    /// Calls `hook` with each request's customers (with their 0-based input positions) just
    /// before the request is sent: what a write-ahead journal needs to record "about to send"
    /// first.
    ///
    /// - It is called exactly once per request, before the request's first byte (before its
    ///   credentials and its rate-limit permit too), with the customers that request carries
    ///   (invalid customers are refused before and never given to it). It is not called for a
    ///   batch with nothing valid to send.
    /// - It runs in the request's task, on the runtime's threads, one call at a time across
    ///   the run: keep it short (an appended, flushed line).
    /// - When it returns `Err` (or panics), that request is not sent: its customers are
    ///   [`NotApplied`](RevokeOutcome::NotApplied) with an [`Error::Config`] quoting the
    ///   error, and the run stops as [`stop_when`](Self::stop_when) does. The hook is never
    ///   called again and no further request is sent: customers taken after the failure are
    ///   `NotApplied` with the same error. Requests it allowed before the failure still
    ///   finish and are reported.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client, journal: std::sync::Mutex<std::fs::File>) {
    /// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer};
    /// use std::io::Write as _;
    ///
    /// let customers = ["423927867", "423927868"].map(RevokeCustomer::new);
    /// let summary = client
    ///     .promotions()
    ///     .revoke_all(RevokeAction::Earn, ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
    ///     .on_sending(move |batch: &[(usize, RevokeCustomer)]| {
    ///         let mut journal = journal.lock().map_err(|_| "journal poisoned".to_string())?;
    ///         for (position, customer) in batch {
    ///             writeln!(journal, "sending {position} {}", customer.identifier_value).map_err(|e| e.to_string())?;
    ///         }
    ///         journal.sync_data().map_err(|e| e.to_string())
    ///     })
    ///     .summary()
    ///     .await;
    /// # let _ = summary; }
    /// ```
    pub fn on_sending<E>(
        mut self,
        hook: impl Fn(&[(usize, Op::Customer)]) -> Result<(), E> + Send + Sync + 'static,
    ) -> Self
    where
        E: std::fmt::Display,
    {
        self.on_sending = Some(Arc::new(move |batch: &[(usize, Op::Customer)]| {
            hook(batch).map_err(|e| e.to_string())
        }));
        self
    }

    /// A handle that waits until this run has settled; see [`SettleHandle`].
    pub fn settled_handle(&self) -> SettleHandle {
        self.settle.clone()
    }

    /// Runs the requests: one outcome per customer, in input order, each yielded as soon as it
    /// and every customer before it are known.
    ///
    /// The requests run in tasks of their own, spawned on the current tokio runtime at the
    /// first poll, not inside the consumer's polling: every request sent is read to its end
    /// and reported to [`on_settled`](Self::on_settled) as its answer arrives, however slowly
    /// the consumer takes the outcomes (on a current-thread runtime, as long as the consumer
    /// awaits rather than blocks its thread). With no tokio runtime, nothing is sent and
    /// every customer is [`NotApplied`](RevokeOutcome::NotApplied) with [`Error::Config`].
    ///
    /// - **Dropping the stream** stops the run the way [`stop_when`](Self::stop_when) does:
    ///   no further customer is taken, but customers already taken are sent and every request
    ///   in flight finishes and reaches `on_settled` (as long as the runtime runs); only the
    ///   hook sees those outcomes.
    /// - **The runtime going away** (shut down while requests are in flight, or a request's
    ///   task dying): every customer taken from the input still gets exactly one outcome,
    ///   [`MaybeApplied`](RevokeOutcome::MaybeApplied) when its request had been started
    ///   (it may have been written) and [`NotApplied`](RevokeOutcome::NotApplied) when it
    ///   was taken but never sent; the stream, read on another runtime, then ends.
    /// - **An input that panics** counts as ended: customers taken before the panic are
    ///   sent, every answer is yielded and reaches the hook, then the stream ends normally,
    ///   short of the input (the last position tells how far it got). The panic is logged.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) {
    /// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer, RevokeOutcome};
    /// use futures_util::StreamExt as _;
    ///
    /// let customers = (0..40_000u64).map(|i| RevokeCustomer::new((423_900_000 + i).to_string()));
    /// let mut outcomes = client
    ///     .promotions()
    ///     .revoke_all(RevokeAction::Earn, ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
    ///     .concurrency(8)
    ///     .stream();
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome {
    ///         RevokeOutcome::Answered { item, .. } => println!("{}: {:?}", item.customer.identifier_value, item.result),
    ///         RevokeOutcome::NotApplied { customer, error, .. } => println!("{}: not applied: {error}", customer.identifier_value),
    ///         RevokeOutcome::MaybeApplied { customer, error, .. } => println!("{}: MAY HAVE BEEN APPLIED: {error}", customer.identifier_value),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Outcome<Op>> {
        self.start()
    }

    /// Runs the requests to their end and returns every outcome, in input order: for inputs small
    /// enough to hold (memory grows with the input; use [`stream`](Self::stream) or
    /// [`summary`](Self::summary) for large ones). No `StreamExt` needed.
    pub async fn collect_outcomes(self) -> Vec<Outcome<Op>> {
        self.start().collect().await
    }

    /// Runs the requests to their end and counts its outcomes, in bounded memory whatever the
    /// input size. Combine with [`on_settled`](Self::on_settled) to record each customer.
    pub async fn summary(self) -> Op::Summary {
        let mut summary = Op::Summary::default();
        let mut outcomes = self.start();
        while let Some(outcome) = outcomes.next().await {
            Op::count(&mut summary, &outcome);
        }
        summary
    }

    fn start(self) -> BoxStream<'static, Outcome<Op>> {
        let limits = Limits {
            in_flight: self.concurrency,
            waiting: self.waiting(),
        };
        let job = Job {
            op: self.op,
            hook: self.on_settled,
            sending: self.on_sending,
            refused: std::sync::Mutex::new(None),
            refusal: tokio::sync::Notify::new(),
        };
        let alive = self.alive;
        let customers = self.customers;
        let linger = self.linger;
        let stop = self.stop;
        // Started at the first poll, where the consumer's runtime is at hand.
        stream::once(async move {
            if tokio::runtime::Handle::try_current().is_err() {
                return not_applied_without_runtime::<Op, S>(customers);
            }
            let batcher = Batcher::new(customers, linger, Op::MAX_CUSTOMERS);
            driver::start(job, batcher, limits, stop, alive).boxed()
        })
        .flatten()
        .boxed()
    }
}

/// Every customer, not applied: without a runtime no request can run.
fn not_applied_without_runtime<Op, S>(customers: S) -> BoxStream<'static, Outcome<Op>>
where
    Op: BulkOperation,
    S: Stream<Item = Op::Customer> + Send + 'static,
{
    let error = Arc::new(Error::config(
        "a bulk run needs a tokio runtime with timers to run its requests",
    ));
    customers
        .enumerate()
        .map(move |(position, customer)| BulkOutcome::NotApplied {
            position,
            customer,
            error: Arc::clone(&error),
        })
        .boxed()
}
