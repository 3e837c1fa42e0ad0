//! Seeding and simulating: add data, enrol and earn without the API, move targets forward.

use super::state::{Customer, Promotion, PromotionKind, TargetGroup, TargetKind};
use super::Sandbox;
use crate::model::{
    CustomerId, EarnId, IssualId, OrgId, ProgramId, PromotionId, TargetGroupId, TargetId,
};

/// Why a seeding or simulation call of the [`Sandbox`] could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// No customer with this id.
    #[error("no customer {0} in the sandbox")]
    UnknownCustomer(CustomerId),
    /// No promotion with this id.
    #[error("no promotion {0} in the sandbox")]
    UnknownPromotion(PromotionId),
    /// The promotion is inactive.
    #[error("promotion {0} is inactive")]
    InactivePromotion(PromotionId),
    /// Enrol & Issue promotions are earned only by enrolled customers.
    #[error("customer {customer} is not enrolled in promotion {promotion}")]
    NotEnrolled {
        /// The customer.
        customer: CustomerId,
        /// The promotion.
        promotion: PromotionId,
    },
    /// The customer already has a live enrolment in the promotion.
    #[error("customer {customer} is already enrolled in promotion {promotion}")]
    AlreadyEnrolled {
        /// The customer.
        customer: CustomerId,
        /// The promotion.
        promotion: PromotionId,
    },
    /// No such target group, or no such target in it.
    #[error("no target {target} in target group {group}")]
    UnknownTarget {
        /// The target group.
        group: TargetGroupId,
        /// The target.
        target: TargetId,
    },
    /// The target is not of the kind the call needs (milestone or streak), or the milestone
    /// has no such period.
    #[error("target {0} has no such period, or is not of the kind this call needs")]
    WrongTarget(TargetId),
    /// The customer is not enrolled in the target (or the milestone period).
    #[error("customer {customer} is not enrolled in target {target}")]
    NotEnrolledInTarget {
        /// The customer.
        customer: CustomerId,
        /// The target.
        target: TargetId,
    },
}

impl Sandbox {
    /// Adds a loyalty program.
    pub fn add_program(&self, program: ProgramId) {
        self.state().programs.insert(program);
    }

    /// Adds (or replaces) a promotion, and its program.
    ///
    /// ```
    /// use capillary_sdk::sandbox::{Promotion, PromotionKind, Sandbox};
    /// use capillary_sdk::{ProgramId, PromotionId};
    ///
    /// let sandbox = Sandbox::empty();
    /// sandbox.add_promotion(
    ///     Promotion::new(ProgramId(1), PromotionId(10), PromotionKind::DirectIssue).identifier("summer"),
    /// );
    /// ```
    pub fn add_promotion(&self, promotion: Promotion) {
        let mut state = self.state();
        state.programs.insert(promotion.program);
        state.promotions.insert(promotion.id, promotion);
    }

    /// Adds (or replaces) a customer.
    pub fn add_customer(&self, customer: Customer) {
        let mut state = self.state();
        state.customers.retain(|c| c.id != customer.id);
        state.customers.push(customer);
    }

    /// Adds a target group; `org` is the connected org it lives in (calls then need
    /// `DATA-SCOPE: OTHER` and that org in `DATA-SCOPE-ORG`), `None` the caller's own org.
    pub fn add_target_group(&self, group: TargetGroupId, org: Option<OrgId>) {
        self.state()
            .groups
            .entry(group)
            .or_insert_with(|| TargetGroup {
                org,
                targets: Default::default(),
            })
            .org = org;
    }

    /// Adds (or replaces) a milestone or streak target in a target group.
    pub fn add_target(
        &self,
        group: TargetGroupId,
        target: TargetId,
        kind: TargetKind,
    ) -> Result<(), SandboxError> {
        let mut state = self.state();
        let found = state
            .groups
            .get_mut(&group)
            .ok_or(SandboxError::UnknownTarget { group, target })?;
        found.targets.insert(target, kind);
        Ok(())
    }

    /// Enrols a customer into an Enrol & Issue promotion without going through the API.
    pub fn enrol(
        &self,
        customer: CustomerId,
        promotion: PromotionId,
    ) -> Result<IssualId, SandboxError> {
        let mut state = self.state();
        check_customer_and_promotion(&state, customer, promotion)?;
        if state.live_issual(customer, promotion).is_some() {
            return Err(SandboxError::AlreadyEnrolled {
                customer,
                promotion,
            });
        }
        Ok(state.add_issual(customer, promotion))
    }

    /// Simulates a customer earning a promotion (meeting its criteria), and returns the new
    /// earn id, which bulk revoke's REVOKE_EARN can then revoke. An Enrol & Issue promotion
    /// is earned only by an enrolled customer; a Direct Issue one by anyone.
    ///
    /// ```
    /// use capillary_sdk::sandbox::{demo, Sandbox};
    ///
    /// let sandbox = Sandbox::demo();
    /// let earn = sandbox.earn(demo::CUSTOMER_ANA, demo::PROMOTION_74230).unwrap();
    /// assert!(sandbox.earns().iter().any(|e| e.id == earn && !e.revoked));
    /// ```
    pub fn earn(
        &self,
        customer: CustomerId,
        promotion: PromotionId,
    ) -> Result<EarnId, SandboxError> {
        let mut state = self.state();
        let kind = check_customer_and_promotion(&state, customer, promotion)?;
        if kind == PromotionKind::EnrolAndIssue && state.live_issual(customer, promotion).is_none()
        {
            return Err(SandboxError::NotEnrolled {
                customer,
                promotion,
            });
        }
        Ok(state.add_earn(customer, promotion))
    }

    /// Adds to an enrolled customer's achieved value in a milestone period, and returns the
    /// new balance.
    pub fn add_milestone_progress(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
        period: &str,
        amount: i64,
    ) -> Result<i64, SandboxError> {
        let mut state = self.state();
        match target_kind(&state, group, target)? {
            TargetKind::Milestone { periods } if periods.iter().any(|p| p == period) => {}
            _ => return Err(SandboxError::WrongTarget(target)),
        }
        let s = state
            .enrollments
            .get_mut(&(group, target, customer))
            .filter(|s| s.periods.contains(period))
            .ok_or(SandboxError::NotEnrolledInTarget { customer, target })?;
        let balance = s.balances.entry(period.to_string()).or_insert(0);
        *balance = balance.saturating_add(amount);
        Ok(*balance)
    }

    /// Extends an enrolled customer's streak by `by` consecutive actions, and returns the new
    /// streak value.
    pub fn extend_streak(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
        by: u64,
    ) -> Result<u64, SandboxError> {
        let mut state = self.state();
        if target_kind(&state, group, target)? != TargetKind::Streak {
            return Err(SandboxError::WrongTarget(target));
        }
        let s = state
            .enrollments
            .get_mut(&(group, target, customer))
            .filter(|s| s.enrolled)
            .ok_or(SandboxError::NotEnrolledInTarget { customer, target })?;
        s.streak = s.streak.saturating_add(by);
        Ok(s.streak)
    }
}

fn check_customer_and_promotion(
    state: &super::state::State,
    customer: CustomerId,
    promotion: PromotionId,
) -> Result<PromotionKind, SandboxError> {
    if !state.customers.iter().any(|c| c.id == customer) {
        return Err(SandboxError::UnknownCustomer(customer));
    }
    let found = state
        .promotions
        .get(&promotion)
        .ok_or(SandboxError::UnknownPromotion(promotion))?;
    if !found.active {
        return Err(SandboxError::InactivePromotion(promotion));
    }
    Ok(found.kind)
}

fn target_kind(
    state: &super::state::State,
    group: TargetGroupId,
    target: TargetId,
) -> Result<TargetKind, SandboxError> {
    state
        .groups
        .get(&group)
        .and_then(|g| g.targets.get(&target))
        .cloned()
        .ok_or(SandboxError::UnknownTarget { group, target })
}
