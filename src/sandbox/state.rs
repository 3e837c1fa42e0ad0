//! What the sandbox remembers: programs, promotions, customers, issuals, earns, targets and
//! enrollments, plus the records it exposes for assertions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tokio::time::Instant;

use crate::api::customers::PromotionSourceType;

use crate::model::{
    CustomerId, EarnId, IdentifierKind, IssualId, LookupIdentifierKind, OrgId, ProgramId,
    PromotionId, TargetGroupId, TargetId,
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
///
/// Build one with [`Promotion::new`] and the builder methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Its name in the lookup (`promotionName`); `Promotion <id>` unless set.
    pub name: Option<String>,
    /// Past its end date: the lookup lists it as `EXPIRED` (enrol, earn and issue still
    /// follow [`active`](Self::active)).
    pub expired: bool,
    /// The connected org it lives in; `None` is the caller's own org. The lookup lists it
    /// only under `DATA-SCOPE` `OTHER` (naming the org) or `ALL`, at `/v2.1`.
    pub org: Option<OrgId>,
    /// Where it was created, for the lookup's `sourceType` filter: `UI`, `API` (the default)
    /// or `CAMPAIGN`.
    pub source_type: PromotionSourceType,
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
            name: None,
            expired: false,
            org: None,
            source_type: PromotionSourceType::Api,
        }
    }

    /// Names it (`promotionName` in the lookup).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Makes it expired (the lookup's `EXPIRED`).
    #[must_use]
    pub fn expired(mut self) -> Self {
        self.expired = true;
        self
    }

    /// Puts it in a connected org.
    #[must_use]
    pub fn org(mut self, org: OrgId) -> Self {
        self.org = Some(org);
        self
    }

    /// Says where it was created (`sourceType`; `API` unless set).
    #[must_use]
    pub fn source_type(mut self, source_type: PromotionSourceType) -> Self {
        self.source_type = source_type;
        self
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

/// A customer, findable by any of the four identifier kinds (and by `cuid` in the lookup).
///
/// Build one with [`Customer::new`] and the builder methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Customer {
    /// The customer id (identifier name `id`).
    pub id: CustomerId,
    /// `mobile`
    pub mobile: Option<String>,
    /// `email`
    pub email: Option<String>,
    /// `externalId`
    pub external_id: Option<String>,
    /// `cuid` (the lookup only)
    pub cuid: Option<String>,
}

impl Customer {
    /// A customer known by id only.
    pub fn new(id: CustomerId) -> Self {
        Self {
            id,
            mobile: None,
            email: None,
            external_id: None,
            cuid: None,
        }
    }

    /// Adds a `cuid`, which only the lookup takes.
    #[must_use]
    pub fn cuid(mut self, cuid: impl Into<String>) -> Self {
        self.cuid = Some(cuid.into());
        self
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

    pub(crate) fn matches_lookup(&self, kind: LookupIdentifierKind, value: &str) -> bool {
        match kind {
            LookupIdentifierKind::Cuid => self.cuid.as_deref() == Some(value),
            LookupIdentifierKind::Id => self.matches(IdentifierKind::Id, value),
            LookupIdentifierKind::Mobile => self.matches(IdentifierKind::Mobile, value),
            LookupIdentifierKind::Email => self.matches(IdentifierKind::Email, value),
            LookupIdentifierKind::ExternalId => self.matches(IdentifierKind::ExternalId, value),
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

    /// The customer's live (not revoked) earns of a promotion, oldest first.
    pub fn live_earns(&self, customer: CustomerId, promotion: PromotionId) -> Vec<EarnId> {
        self.earns
            .iter()
            .filter(|e| e.customer == customer && e.promotion == promotion && !e.revoked)
            .map(|e| e.id)
            .collect()
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

    /// A new enrolment, with the next id no record holds.
    pub fn add_issual(&mut self, customer: CustomerId, promotion: PromotionId) -> IssualId {
        let mut id = self.next_issual.saturating_add(1);
        while self.issuals.iter().any(|i| i.id.0 == id) {
            id = id.saturating_add(1);
        }
        self.seed_issual(id, customer, promotion)
    }

    /// A new earn, with the next id no record holds.
    pub fn add_earn(&mut self, customer: CustomerId, promotion: PromotionId) -> EarnId {
        let mut id = self.next_earn.saturating_add(1);
        while self.earns.iter().any(|e| e.id.0 == id) {
            id = id.saturating_add(1);
        }
        self.seed_earn(id, customer, promotion)
    }

    /// Records an issual and an earn with ids far above the others (the lookup page's), without
    /// moving where new ids start: those ids are skipped when reached.
    pub fn seed_aside(
        &mut self,
        customer: CustomerId,
        promotion: PromotionId,
        issual: u64,
        earns: &[u64],
    ) {
        let (next_issual, next_earn) = (self.next_issual, self.next_earn);
        self.seed_issual(issual, customer, promotion);
        for earn in earns {
            self.seed_earn(*earn, customer, promotion);
        }
        (self.next_issual, self.next_earn) = (next_issual, next_earn);
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
