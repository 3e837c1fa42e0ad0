//! What tests assert on: the records the sandbox holds and the requests it received.

use super::log::LoggedRequest;
use super::state::{EarnRecord, IssualRecord, TargetState};
use super::Sandbox;
use crate::model::{CustomerId, IssualId, PromotionId, TargetGroupId, TargetId};

impl Sandbox {
    /// Every enrolment ever made, revoked ones included, oldest first.
    pub fn issuals(&self) -> Vec<IssualRecord> {
        self.state().issuals.clone()
    }

    /// The customer's live (not revoked) enrolment in a promotion.
    pub fn active_issual(&self, customer: CustomerId, promotion: PromotionId) -> Option<IssualId> {
        self.state().live_issual(customer, promotion).map(|i| i.id)
    }

    /// Every earn, revoked ones included, oldest first.
    pub fn earns(&self) -> Vec<EarnRecord> {
        self.state().earns.clone()
    }

    /// A customer's state in a milestone or streak target: enrolled or not, milestone balance
    /// per period, streak value. `None` if the customer never enrolled in it.
    ///
    /// ```
    /// use capillary_sdk::sandbox::{demo, Sandbox};
    ///
    /// let sandbox = Sandbox::demo();
    /// assert_eq!(sandbox.target_state(demo::TARGET_GROUP, demo::MILESTONE, demo::CUSTOMER_ANA), None);
    /// ```
    pub fn target_state(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> Option<TargetState> {
        self.state()
            .enrollments
            .get(&(group, target, customer))
            .cloned()
    }

    /// The requests received (the newest [`MAX_LOGGED_REQUESTS`](super::MAX_LOGGED_REQUESTS)),
    /// oldest first, credentials redacted.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.control().log.iter().cloned().collect()
    }

    /// How many requests were received since the sandbox was made (token requests included,
    /// and any no longer in [`requests`](Self::requests)).
    pub fn request_count(&self) -> usize {
        usize::try_from(self.control().next_request).unwrap_or(usize::MAX)
    }
}
