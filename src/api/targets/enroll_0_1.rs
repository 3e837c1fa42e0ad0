//! The 0.1 shape of `POST /v3.1/targetGroups/{g}/targets/{t}/enroll`, kept for one minor
//! release so that code written against 0.1 compiles with a deprecation warning that names
//! its replacement. It sends exactly what the two typed shapes send.

#![allow(deprecated)]

use super::call::{data_scope_method, TargetCall, TargetOutcome};
use super::enroll::{MilestoneEnrollRequest, StreakEnrollRequest};
use crate::error::Error;

/// The 0.1 enroll request, which took a milestone's period and a streak's reset as optional
/// setters of one type; see [`Targets::enroll`](super::Targets::enroll).
#[deprecated(
    since = "0.2.0",
    note = "use Targets::enroll_milestone(group, target, customer, period) (MilestoneEnrollRequest) or Targets::enroll_streak(group, target, customer) (StreakEnrollRequest)"
)]
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct EnrollRequest {
    pub(super) call: TargetCall,
    pub(super) period: Option<String>,
    pub(super) initial_balance: Option<i64>,
    pub(super) reset_streak: Option<bool>,
}

/// Which of the two typed requests a 0.1 request stands for.
enum Shape {
    Milestone(MilestoneEnrollRequest),
    Streak(StreakEnrollRequest),
}

impl EnrollRequest {
    /// The milestone period (`periodName`): with it the request is
    /// [`Targets::enroll_milestone`](super::Targets::enroll_milestone).
    #[deprecated(
        since = "0.2.0",
        note = "pass the period to Targets::enroll_milestone(group, target, customer, period)"
    )]
    pub fn period(mut self, name: impl Into<String>) -> Self {
        self.period = Some(name.into());
        self
    }

    /// A milestone's starting value (`initialBalance`).
    #[deprecated(
        since = "0.2.0",
        note = "use MilestoneEnrollRequest::initial_balance (from Targets::enroll_milestone)"
    )]
    pub fn initial_balance(mut self, balance: i64) -> Self {
        self.initial_balance = Some(balance);
        self
    }

    /// A streak's reset on re-enroll (`resetStreakStatus`).
    #[deprecated(
        since = "0.2.0",
        note = "use StreakEnrollRequest::reset_streak (from Targets::enroll_streak)"
    )]
    pub fn reset_streak(mut self, reset: bool) -> Self {
        self.reset_streak = Some(reset);
        self
    }

    data_scope_method!();

    /// Overrides the client's [`RetryPolicy`](crate::RetryPolicy) for this request.
    pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
        self.call.options.retry = Some(policy);
        self
    }

    /// Checks the request as [`send`](Self::send) would, without sending it: the 0.1 rules
    /// (a balance needs a period; a reset needs no period), then the typed request's.
    pub fn validate(&self) -> Result<(), Error> {
        match self.clone().shape()? {
            Shape::Milestone(request) => request.validate(),
            Shape::Streak(request) => request.validate(),
        }
    }

    /// Sends the request as the typed request it stands for.
    pub async fn send(self) -> Result<TargetOutcome, Error> {
        match self.shape()? {
            Shape::Milestone(request) => request.send().await,
            Shape::Streak(request) => request.send().await,
        }
    }

    fn shape(self) -> Result<Shape, Error> {
        match self.period {
            Some(period) => {
                if self.reset_streak == Some(true) {
                    return Err(Error::invalid(
                        "resetStreakStatus",
                        "applies to streaks only, which take no periodName",
                    ));
                }
                Ok(Shape::Milestone(MilestoneEnrollRequest {
                    call: self.call,
                    period,
                    initial_balance: self.initial_balance,
                }))
            }
            None if self.initial_balance.is_some() => Err(Error::invalid(
                "initialBalance",
                "applies to milestones only, which need a periodName",
            )),
            None => Ok(Shape::Streak(StreakEnrollRequest {
                call: self.call,
                reset_streak: self.reset_streak,
            })),
        }
    }
}
