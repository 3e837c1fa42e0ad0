//! Milestones and streaks in connected orgs (v3.1): enroll
//! (`POST /v3.1/targetGroups/{g}/targets/{t}/enroll`) and unenroll (`.../unEnroll`), one file
//! per request.

mod call;
mod enroll;
mod enroll_0_1;
mod unenroll;

use self::call::TargetCall;
use crate::engine::Engine;
use crate::model::{CustomerId, TargetGroupId, TargetId};

pub use self::call::TargetOutcome;
pub use self::enroll::{MilestoneEnrollRequest, StreakEnrollRequest};
#[allow(deprecated)]
pub use self::enroll_0_1::EnrollRequest;
pub use self::unenroll::UnenrollRequest;

/// The target calls; get one from [`Client::targets`](crate::Client::targets).
#[derive(Debug, Clone)]
pub struct Targets {
    engine: Engine,
}

impl Targets {
    pub(crate) fn new(engine: Engine) -> Self {
        Self { engine }
    }

    /// Enrolls (or re-enrolls) a customer into one period of a milestone (one call per
    /// period), optionally from an
    /// [`initial_balance`](MilestoneEnrollRequest::initial_balance).
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerId, DataScope, OrgId, TargetGroupId, TargetId};
    ///
    /// let enrolled = client
    ///     .targets()
    ///     .enroll_milestone(TargetGroupId(7), TargetId(12), CustomerId(345651201), "PERIOD_G_29463_1")
    ///     .initial_balance(100)
    ///     .data_scope(DataScope::Other, [OrgId(50123)])
    ///     .send()
    ///     .await?;
    /// assert_eq!(enrolled.customer_id, CustomerId(345651201));
    /// # Ok(()) }
    /// ```
    pub fn enroll_milestone(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
        period: impl Into<String>,
    ) -> MilestoneEnrollRequest {
        MilestoneEnrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
            period: period.into(),
            initial_balance: None,
        }
    }

    /// Enrolls (or re-enrolls) a customer into a streak; on re-enroll,
    /// [`reset_streak`](StreakEnrollRequest::reset_streak) says whether it starts afresh.
    ///
    /// ```no_run
    /// # async fn run(client: capillary_sdk::Client) -> Result<(), capillary_sdk::Error> {
    /// use capillary_sdk::{CustomerId, TargetGroupId, TargetId};
    ///
    /// client
    ///     .targets()
    ///     .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201))
    ///     .reset_streak(true)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn enroll_streak(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> StreakEnrollRequest {
        StreakEnrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
            reset_streak: None,
        }
    }

    /// The 0.1 enroll, with the period and the streak reset as optional setters: it sends
    /// what [`enroll_milestone`](Self::enroll_milestone) (with a period) or
    /// [`enroll_streak`](Self::enroll_streak) (without) sends.
    #[deprecated(
        since = "0.2.0",
        note = "use enroll_milestone(group, target, customer, period) for a milestone, or enroll_streak(group, target, customer) for a streak"
    )]
    #[allow(deprecated)]
    pub fn enroll(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> EnrollRequest {
        EnrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
            period: None,
            initial_balance: None,
            reset_streak: None,
        }
    }

    /// Unenrolls a customer from a milestone or streak; a later enroll re-enrolls them.
    pub fn unenroll(
        &self,
        group: TargetGroupId,
        target: TargetId,
        customer: CustomerId,
    ) -> UnenrollRequest {
        UnenrollRequest {
            call: TargetCall::new(self.engine.clone(), group, target, customer),
        }
    }
}
