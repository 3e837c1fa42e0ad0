//! [`RevokeSummary`]: a bulk revoke counted to its end, for callers that want the totals, not
//! the stream.

use serde::Serialize;

use super::outcome::RevokeOutcome;

/// How a whole bulk revoke ended, customer by customer counted into the four cases an
/// operator acts on. Serialised with camelCase names
/// (`{"revoked":98,"failed":1,"notApplied":0,"maybeApplied":1}`).
///
/// ```no_run
/// # async fn run(client: capillary_sdk::Client) {
/// use capillary_sdk::{RevokeIdentifierKind, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer};
///
/// let customers = ["423927867", "423927868"].map(RevokeCustomer::new);
/// let summary = client
///     .promotions()
///     .revoke_all(RevokeAction::Enrol, ProgramId(2714), PromotionRef::id(PromotionId(202779)), RevokeIdentifierKind::Id, customers)
///     .summary()
///     .await;
/// if summary.maybe_applied > 0 {
///     eprintln!("{} customers may have been revoked: reconcile before re-running", summary.maybe_applied);
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeSummary {
    /// The server revoked these customers.
    pub revoked: usize,
    /// The server answered for these customers and refused them (e.g. 8015, 8903).
    pub failed: usize,
    /// Nothing was applied for these customers (invalid input, a request refused as a whole,
    /// no connection): safe to send again.
    pub not_applied: usize,
    /// The request carrying these customers may have been applied: look before sending again.
    pub maybe_applied: usize,
}

impl RevokeSummary {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &RevokeOutcome) {
        match outcome {
            RevokeOutcome::Answered { item, .. } if item.result.is_ok() => self.revoked += 1,
            RevokeOutcome::Answered { .. } => self.failed += 1,
            RevokeOutcome::NotApplied { .. } => self.not_applied += 1,
            RevokeOutcome::MaybeApplied { .. } => self.maybe_applied += 1,
        }
    }

    /// Every customer counted.
    pub fn total(&self) -> usize {
        self.revoked + self.failed + self.not_applied + self.maybe_applied
    }

    /// Whether every customer was revoked.
    pub fn all_revoked(&self) -> bool {
        self.revoked == self.total()
    }
}
