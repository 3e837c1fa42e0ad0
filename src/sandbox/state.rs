//! What the sandbox remembers: programs, promotions, customers, issuals, earns, targets and
//! enrollments, plus the records it exposes for assertions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tokio::time::Instant;

use crate::model::{
    CustomerId, EarnId, IdentifierKind, IssualId, OrgId, ProgramId, PromotionId, TargetGroupId,
    TargetId,
};

/// The two loyalty promotion types the bulk revoke page distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromotionKind {
    /// Enrol & Issue (`LOYALTY_EARNING`): customers enrol first, then earn.
    EnrolAndIssue,
    /// Direct Issue (`LOYALTY`): customers earn without enrolling.
    DirectIssue,
}

/// A promotion the sandbox knows; see [`Sandbox::add_promotion`](super::Sandbox::add_promotion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    /// The program it belongs to.
    pub program: ProgramId,
    /// Its id (`promotionId`).
    pub id: PromotionId,
    /// Enrol & Issue or Direct Issue.
    pub kind: PromotionKind,
    /// Its external identifier (`promoIdentifier`), if it has one.
    pub identifier: Option<String>,
    /// Inactive promotions answer 8892.
    pub active: bool,
}

impl Promotion {
    /// An active promotion without an external identifier.
    pub fn new(program: ProgramId, id: PromotionId, kind: PromotionKind) -> Self {
        Self {
            program,
            id,
            kind,
            identifier: None,
            active: true,
        }
    }

    /// Gives it an external identifier (`promoIdentifier`).
    #[must_use]
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.identifier = Some(identifier.into());
        self
    }

    /// Makes it inactive.
    #[must_use]
    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }
}

/// A customer, findable by any of the four identifier kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The customer id (identifier name `id`).
    pub id: CustomerId,
    /// `mobile`
    pub mobile: Option<String>,
    /// `email`
    pub email: Option<String>,
    /// `externalId`
    pub external_id: Option<String>,
}

impl Customer {
    /// A customer known by id only.
    pub fn new(id: CustomerId) -> Self {
        Self {
            id,
            mobile: None,
            email: None,
            external_id: None,
        }
    }

    /// Adds a mobile number.
    #[must_use]
    pub fn mobile(mut self, mobile: impl Into<String>) -> Self {
        self.mobile = Some(mobile.into());
        self
    }

    /// Adds an email address.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Adds an external id.
    #[must_use]
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    pub(crate) fn matches(&self, kind: IdentifierKind, value: &str) -> bool {
        match kind {
            IdentifierKind::Id => value.trim().parse::<u64>().ok() == Some(self.id.0),
            IdentifierKind::Mobile => self.mobile.as_deref() == Some(value),
            IdentifierKind::Email => self
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(value)),
            IdentifierKind::ExternalId => self.external_id.as_deref() == Some(value),
        }
    }
}

/// One enrolment of a customer into a promotion, as the sandbox holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssualRecord {
    /// `issualId`
    pub id: IssualId,
    /// The customer enrolled.
    pub customer: CustomerId,
    /// The promotion.
    pub promotion: PromotionId,
    /// Whether REVOKE_ENROL revoked it.
    pub revoked: bool,
}

/// One earn of a promotion by a customer, as the sandbox holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarnRecord {
    /// The earn id (`earnIds`, `revokedEarnIds`).
    pub id: EarnId,
    /// The customer who earned.
    pub customer: CustomerId,
    /// The promotion earned.
    pub promotion: PromotionId,
    /// Whether REVOKE_EARN revoked it.
    pub revoked: bool,
}

/// A target inside a target group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// A milestone with named periods (cycles); enrollment is per period.
    Milestone {
        /// The period names (`periodName`).
        periods: Vec<String>,
    },
    /// A streak; enrollment covers every period.
    Streak,
}

#[derive(Debug, Clone)]
pub(crate) struct TargetGroup {
    /// The connected org the group lives in; `None` is the caller's own org.
    pub org: Option<OrgId>,
    pub targets: BTreeMap<TargetId, TargetKind>,
}

/// A customer's state in one milestone or streak target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetState {
    /// Whether the customer is currently enrolled (in at least one period, for a milestone).
    pub enrolled: bool,
    /// The milestone periods the customer is enrolled in now.
    pub periods: BTreeSet<String>,
    /// The milestone's achieved value per period; kept across unenroll and re-enroll.
    pub balances: BTreeMap<String, i64>,
    /// The streak's current value; kept across re-enroll unless `resetStreakStatus` is true.
    pub streak: u64,
}

pub(crate) struct Token {
    pub expires_at: Instant,
}

/// Everything behind the sandbox's lock.
#[derive(Default)]
pub(crate) struct State {
    pub programs: BTreeSet<ProgramId>,
    pub promotions: BTreeMap<PromotionId, Promotion>,
    pub customers: Vec<Customer>,
    pub issuals: Vec<IssualRecord>,
    pub earns: Vec<EarnRecord>,
    pub groups: BTreeMap<TargetGroupId, TargetGroup>,
    pub enrollments: BTreeMap<(TargetGroupId, TargetId, CustomerId), TargetState>,
    pub tokens: HashMap<String, Token>,
    pub next_issual: u64,
    pub next_earn: u64,
    pub next_token: u64,
}

impl State {
    pub fn customer(&self, kind: IdentifierKind, value: &str) -> Option<CustomerId> {
        self.customers
            .iter()
            .find(|c| c.matches(kind, value))
            .map(|c| c.id)
    }

    pub fn promotion_by_identifier(&self, identifier: &str) -> Option<&Promotion> {
        self.promotions
            .values()
            .find(|p| p.identifier.as_deref() == Some(identifier))
    }

    /// The customer's live (not revoked) enrolment in a promotion.
    pub fn live_issual(
        &mut self,
        customer: CustomerId,
        promotion: PromotionId,
    ) -> Option<&mut IssualRecord> {
        self.issuals
            .iter_mut()
            .find(|i| i.customer == customer && i.promotion == promotion && !i.revoked)
    }

    pub fn add_issual(&mut self, customer: CustomerId, promotion: PromotionId) -> IssualId {
        self.seed_issual(self.next_issual.saturating_add(1), customer, promotion)
    }

    pub fn add_earn(&mut self, customer: CustomerId, promotion: PromotionId) -> EarnId {
        self.seed_earn(self.next_earn.saturating_add(1), customer, promotion)
    }

    /// Records an issual with a given id (demo data uses the pages' ids); later ids stay above.
    pub fn seed_issual(
        &mut self,
        id: u64,
        customer: CustomerId,
        promotion: PromotionId,
    ) -> IssualId {
        self.next_issual = self.next_issual.max(id);
        let id = IssualId(id);
        self.issuals.push(IssualRecord {
            id,
            customer,
            promotion,
            revoked: false,
        });
        id
    }

    /// Records an earn with a given id (demo data uses the pages' ids); later ids stay above.
    pub fn seed_earn(&mut self, id: u64, customer: CustomerId, promotion: PromotionId) -> EarnId {
        self.next_earn = self.next_earn.max(id);
        let id = EarnId(id);
        self.earns.push(EarnRecord {
            id,
            customer,
            promotion,
            revoked: false,
        });
        id
    }
}
