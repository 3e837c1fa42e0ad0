//! Running `revoke_all` in tests: its input (a list, or a live channel) and a hook recorder.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use capillary_sdk::{
    Client, Error, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeAll, RevokeCustomer,
    RevokeIdentifierKind, RevokeOutcome, RevokeReport,
};
use futures_util::{Stream, StreamExt as _};
use tokio::time::Instant;

use super::ids;

/// `n` customers, as `ids(n)`.
pub fn customers(n: usize) -> Vec<RevokeCustomer> {
    ids(n).into_iter().map(RevokeCustomer::new).collect()
}

/// A `REVOKE_EARN` of promotion 202779 in program 2714 for `customers`.
pub fn revoke_all<S>(client: &Client, customers: S) -> RevokeAll<S>
where
    S: Stream<Item = RevokeCustomer> + Send + 'static,
{
    client.promotions().revoke_all_stream(
        RevokeAction::Earn,
        ProgramId(2714),
        PromotionRef::id(PromotionId(202779)),
        RevokeIdentifierKind::Id,
        customers,
    )
}

/// Every outcome of `revoke_all` over `customers(n)`, at `concurrency`.
pub async fn revoke_all_outcomes(
    client: &Client,
    n: usize,
    concurrency: usize,
) -> Vec<RevokeOutcome> {
    revoke_all(client, futures_util::stream::iter(customers(n)))
        .concurrency(concurrency)
        .stream()
        .collect()
        .await
}

/// One `revoke()` request of `customers`: the same promotion as `revoke_all`'s.
pub async fn revoke(
    client: &Client,
    customers: impl IntoIterator<Item = RevokeCustomer>,
) -> Result<RevokeReport, Error> {
    client
        .promotions()
        .revoke(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
        )
        .customers(customers)
        .send()
        .await
}

/// A live input: a channel that stays open, and the sender that feeds it.
pub fn channel() -> (
    tokio::sync::mpsc::UnboundedSender<RevokeCustomer>,
    impl Stream<Item = RevokeCustomer> + Send + 'static,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|customer| (customer, rx))
    });
    (tx, stream)
}

/// One call of an `on_settled` hook: when, and the customers it was given.
pub type HookCall = (Duration, Vec<String>);

/// What an `on_settled` hook was given, call by call.
#[derive(Clone, Default)]
pub struct SettledLog(pub Arc<Mutex<Vec<HookCall>>>);

impl SettledLog {
    /// A hook that records into this log, with times counted from `started`.
    pub fn hook(&self, started: Instant) -> impl Fn(&[RevokeOutcome]) + Send + Sync + 'static {
        let log = Arc::clone(&self.0);
        move |outcomes| {
            let values = outcomes
                .iter()
                .map(|o| o.customer().identifier_value.clone())
                .collect();
            log.lock().unwrap().push((started.elapsed(), values));
        }
    }

    /// Every customer the hook was given, sorted.
    pub fn customers_sorted(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .0
            .lock()
            .unwrap()
            .iter()
            .flat_map(|(_, c)| c.clone())
            .collect();
        all.sort();
        all
    }
}
