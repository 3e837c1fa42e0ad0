//! [`RevokeSummary`] and [`EnrolSummary`]: a bulk run counted to its end, for callers that
//! want the totals, not the stream.

use serde::Serialize;

use super::outcome::{BulkOutcome, EnrolOutcome, RevokeOutcome};
use crate::api::promotions::Enrolled;

/// How a whole bulk revoke ended, customer by customer counted into the four cases an
/// operator acts on. Serialised with camelCase names
/// (`{"revoked":98,"refused":1,"notApplied":0,"maybeApplied":1}`).
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
    pub refused: usize,
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
            RevokeOutcome::Answered { .. } => self.refused += 1,
            RevokeOutcome::NotApplied { .. } => self.not_applied += 1,
            RevokeOutcome::MaybeApplied { .. } => self.maybe_applied += 1,
        }
    }

    /// Every customer counted.
    pub fn total(&self) -> usize {
        self.revoked + self.refused + self.not_applied + self.maybe_applied
    }

    /// Whether every customer was revoked.
    pub fn all_revoked(&self) -> bool {
        self.revoked == self.total()
    }
}

/// How a whole bulk enrol & earn ended, customer by customer counted into the cases an
/// operator acts on. Serialised with camelCase names
/// (`{"created":97,"alreadyEnrolled":1,"notEarned":0,"refused":1,"notApplied":0,"maybeApplied":1}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolSummary {
    /// The server enrolled these customers (`ENROL`) or gave them an earn (`EARN`).
    pub created: usize,
    /// `ENROL` of customers already enrolled: nothing created, nothing to resend.
    pub already_enrolled: usize,
    /// `EARN` answered with warning 8890: nothing earned.
    pub not_earned: usize,
    /// The server answered for these customers and refused them (e.g. 8015).
    pub refused: usize,
    /// Nothing was applied for these customers: safe to send again.
    pub not_applied: usize,
    /// The request carrying these customers may have been applied: look before sending
    /// again (an `EARN` sent again may create a second earn).
    pub maybe_applied: usize,
}

impl EnrolSummary {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &EnrolOutcome) {
        match outcome {
            BulkOutcome::Answered { item, .. } => match &item.result {
                Ok(Enrolled::Created(_)) => self.created += 1,
                Ok(Enrolled::AlreadyEnrolled(_)) => self.already_enrolled += 1,
                Ok(Enrolled::NotEarned(_)) => self.not_earned += 1,
                Err(_) => self.refused += 1,
            },
            BulkOutcome::NotApplied { .. } => self.not_applied += 1,
            BulkOutcome::MaybeApplied { .. } => self.maybe_applied += 1,
        }
    }

    /// Every customer counted.
    pub fn total(&self) -> usize {
        self.created
            + self.already_enrolled
            + self.not_earned
            + self.refused
            + self.not_applied
            + self.maybe_applied
    }
}
