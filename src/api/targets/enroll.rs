//! `POST /v3.1/targetGroups/{g}/targets/{t}/enroll`, in its two shapes: a milestone needs a
//! period (and may start from a balance), a streak takes none (and may start afresh). Each
//! shape is its own type, so a milestone without a period does not compile.

use serde::Serialize;

use super::call::{data_scope_method, TargetCall, TargetOutcome};
use crate::engine::{request_methods, ApiRequest, CallOptions, Endpoint};
use crate::error::Error;
use crate::model::CustomerId;
use crate::response::RawResponse;

/// Enrolls a customer into one period of a milestone; see
/// [`Targets::enroll_milestone`](super::Targets::enroll_milestone).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct MilestoneEnrollRequest {
    pub(super) call: TargetCall,
    pub(super) period: String,
    pub(super) initial_balance: Option<i64>,
}

impl MilestoneEnrollRequest {
    /// Starts the period with this achieved value (`initialBalance`); without it a re-enroll
    /// resumes from the value at unenrollment.
    pub fn initial_balance(mut self, balance: i64) -> Self {
        self.initial_balance = Some(balance);
        self
    }

    /// The same as [`initial_balance`](Self::initial_balance), or none, for a value that is
    /// optional in the caller's own data.
    ///
    /// ```no_run
    /// # fn run(client: capillary_sdk::Client, balance: Option<i64>) {
    /// use capillary_sdk::{CustomerId, TargetGroupId, TargetId};
    ///
    /// let request = client
    ///     .targets()
    ///     .enroll_milestone(TargetGroupId(7), TargetId(12), CustomerId(345651201), "PERIOD_G_29463_1")
    ///     .set_initial_balance(balance);
    /// # let _ = request; }
    /// ```
    pub fn set_initial_balance(mut self, balance: Option<i64>) -> Self {
        self.initial_balance = balance;
        self
    }

    data_scope_method!();

    request_methods!(TargetOutcome);
}

/// Enrolls (or re-enrolls) a customer into a streak; see
/// [`Targets::enroll_streak`](super::Targets::enroll_streak).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct StreakEnrollRequest {
    pub(super) call: TargetCall,
    pub(super) reset_streak: Option<bool>,
}

impl StreakEnrollRequest {
    /// On re-enroll, `true` starts the streak afresh and `false` continues it
    /// (`resetStreakStatus`).
    pub fn reset_streak(mut self, reset: bool) -> Self {
        self.reset_streak = Some(reset);
        self
    }

    /// The same as [`reset_streak`](Self::reset_streak), or none (the server's default).
    pub fn set_reset_streak(mut self, reset: Option<bool>) -> Self {
        self.reset_streak = reset;
        self
    }

    data_scope_method!();

    request_methods!(TargetOutcome);
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnrollRecord<'a> {
    customer_id: CustomerId,
    #[serde(skip_serializing_if = "Option::is_none")]
    period_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_balance: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reset_streak_status: Option<bool>,
}

const OPERATION: &str = "targets.enroll";
const PATH_TEMPLATE: &str = "/v3.1/targetGroups/{group}/targets/{target}/enroll";

impl Endpoint for MilestoneEnrollRequest {
    type Output = TargetOutcome;
    const OPERATION: &'static str = OPERATION;
    const PATH_TEMPLATE: &'static str = PATH_TEMPLATE;

    fn validate(&self) -> Result<(), Error> {
        if self.period.trim().is_empty() {
            return Err(Error::invalid("periodName", "must not be empty"));
        }
        if matches!(self.initial_balance, Some(b) if b < 0) {
            return Err(Error::invalid("initialBalance", "must not be negative"));
        }
        self.call.validate()
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        // The endpoint takes a list, of exactly one record.
        let record = [EnrollRecord {
            customer_id: self.call.customer,
            period_name: Some(&self.period),
            initial_balance: self.initial_balance,
            reset_streak_status: None,
        }];
        self.call.request("enroll", &record)
    }

    fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
        self.call.decode(response)
    }

    fn options(&self) -> &CallOptions {
        &self.call.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.call.options
    }
}

impl Endpoint for StreakEnrollRequest {
    type Output = TargetOutcome;
    const OPERATION: &'static str = OPERATION;
    const PATH_TEMPLATE: &'static str = PATH_TEMPLATE;

    fn validate(&self) -> Result<(), Error> {
        self.call.validate()
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        let record = [EnrollRecord {
            customer_id: self.call.customer,
            period_name: None,
            initial_balance: None,
            reset_streak_status: self.reset_streak,
        }];
        self.call.request("enroll", &record)
    }

    fn decode(&self, response: &RawResponse) -> Result<TargetOutcome, Error> {
        self.call.decode(response)
    }

    fn options(&self) -> &CallOptions {
        &self.call.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.call.options
    }
}
