//! [`SettleHandle`]: waiting until a bulk run has nothing in flight, for a service shutting
//! down.

use std::sync::Arc;

use tokio::sync::watch;

/// Waits until a bulk run has settled; get one from
/// [`BulkRun::settled_handle`](super::BulkRun::settled_handle) before starting the run.
///
/// Once [`wait`](Self::wait) returns, the run has nothing in flight and never will again:
/// every request it sent has been read to its end (or has failed), its outcomes have been
/// given to `on_settled` and handed to the stream (kept there if the stream is still alive),
/// and no further customer will be taken from the input. It returns when the run ended (the
/// input done, [`stop_when`](super::BulkRun::stop_when), an `on_sending` failure, the
/// stream dropped and what it had in flight finished), when the run is dropped without being
/// started, or when the runtime running it shut down (its requests then settle as maybe
/// applied or not applied, as the stream reports). It does not stop the run: drop the stream
/// or signal `stop_when` first.
///
/// ```no_run
/// # async fn run(client: capillary_sdk::Client, shutdown: tokio::sync::oneshot::Receiver<()>) {
/// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer};
///
/// let customers = (0..40_000u64).map(|i| RevokeCustomer::new((423_900_000 + i).to_string()));
/// let run = client
///     .promotions()
///     .revoke_all(RevokeAction::Earn, ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
///     .stop_when(async move { let _ = shutdown.await; });
/// let settled = run.settled_handle();
/// let summary = run.summary().await;
/// // Every request sent has been answered and recorded: safe to exit.
/// settled.wait().await;
/// # let _ = summary; }
/// ```
#[derive(Debug, Clone)]
pub struct SettleHandle {
    run: Arc<watch::Sender<()>>,
}

impl SettleHandle {
    /// A handle, and the token the run holds (and hands to each request) while unsettled.
    pub(super) fn new() -> (Self, watch::Receiver<()>) {
        let (tx, rx) = watch::channel(());
        (Self { run: Arc::new(tx) }, rx)
    }

    /// Completes once the run has settled (see the type's guarantees). Cancel-safe; any
    /// number of tasks may wait.
    pub async fn wait(&self) {
        self.run.closed().await;
    }

    /// Whether the run has settled, without waiting.
    pub fn is_settled(&self) -> bool {
        self.run.is_closed()
    }
}
