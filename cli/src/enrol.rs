//! `capillary enrol`: bulk enrol (`ENROL`) or earn (`EARN`) on the bulk runner.
//!
//! An `ENROL` of a customer already enrolled is answered with its enrolment and warning 8890:
//! the customer is enrolled (and after an attempt whose outcome was unknown, the line says
//! that this is how it was resolved). An `EARN` can apply twice, so a customer whose earlier
//! `EARN` may have been applied is never sent again blindly (see `earn_check`).

use std::sync::Arc;

use capillary_sdk::api::promotions::bulk::EnrolOp;
use capillary_sdk::{
    check_enrol_customer, ApiMessage, Client, EnrolAction, EnrolCustomer, EnrolItem, Enrolled,
    Enrolment, Error, ProgramId, PromotionRef, ResponseMeta, RevokeCustomer, RevokeIdentifierKind,
};
use serde::Serialize;

use crate::args::BulkEnrolArgs;
use crate::bulk::{self, Bulk, Check, Customers};
use crate::journal::{Identity, Journaled, Key, Known, Prior, Status};
use crate::output::Verdict;

/// The `resolvedBy` of an ENROL resent after an unknown attempt and found enrolled.
pub const ENROLLED_EARLIER: &str = "8890 after an unknown attempt";

pub(crate) struct Enrol {
    pub(crate) action: EnrolAction,
    pub(crate) program: ProgramId,
    pub(crate) promotion: PromotionRef,
    pub(crate) identifier_name: RevokeIdentifierKind,
    /// EARN: resend customers that may have been applied without looking them up.
    pub(crate) resend_unknown: bool,
}

impl Journaled for EnrolCustomer {
    fn with_key<R>(&self, f: impl FnOnce(Key<'_>) -> R) -> R {
        f(Key {
            identifier_value: &self.identifier_value,
            source: self.source.as_ref().map(|s| s.as_str()),
            earn_ids: &[],
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    status: &'a str,
    identifier_value: &'a str,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    result: Option<&'a Enrolment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_by: Option<&'a str>,
    errors: &'a [ApiMessage],
    warnings: &'a [ApiMessage],
    request_id: Option<&'a str>,
}

impl Bulk for Enrol {
    type Op = EnrolOp;
    type Customer = EnrolCustomer;
    const NAME: &'static str = "enrol";

    fn done_word(&self) -> &'static str {
        match self.action {
            EnrolAction::Enrol => "enrolled",
            EnrolAction::Earn => "earned",
        }
    }

    fn by_earn_ids(&self) -> bool {
        false
    }

    fn customer(&self, row: RevokeCustomer) -> Result<EnrolCustomer, String> {
        if row.earn_ids.as_ref().is_some_and(|ids| !ids.is_empty()) {
            return Err("an enrol takes no earn ids: remove the earnIds column or empty it".into());
        }
        let customer = EnrolCustomer::new(row.identifier_value);
        Ok(match row.source {
            Some(source) => customer.source(source),
            None => customer,
        })
    }

    fn check(&self, customer: &EnrolCustomer) -> Result<(), Error> {
        check_enrol_customer(self.identifier_name, customer)
    }

    fn value(customer: &EnrolCustomer) -> &str {
        &customer.identifier_value
    }

    fn start(
        &self,
        client: &Client,
        customers: Customers<EnrolCustomer>,
    ) -> capillary_sdk::EnrolAll<Customers<EnrolCustomer>> {
        client.promotions().enrol_all_stream(
            self.action,
            self.program,
            self.promotion.clone(),
            self.identifier_name,
            customers,
        )
    }

    /// An enrolment or earn is the customer's whatever source it was sent with: one applied
    /// (or maybe applied) with another source is not sent again blindly.
    fn prior(&self, known: &Known, customer: &EnrolCustomer) -> Option<Prior> {
        known.prior_of_customer(customer)
    }

    fn settles_unknown(&self) -> bool {
        self.action == EnrolAction::Earn && !self.resend_unknown
    }

    async fn settle(&self, client: &Client, customer: &EnrolCustomer, since: u64) -> Check {
        crate::earn_check::check(
            client,
            self.identifier_name,
            self.program,
            &self.promotion,
            customer,
            since,
        )
        .await
    }

    fn applied_status(&self) -> Status {
        Status::Earned
    }

    fn status(&self, item: &EnrolItem, _: &Known) -> Status {
        match (&item.result, self.action) {
            (Ok(Enrolled::Created(_)), EnrolAction::Earn) => Status::Earned,
            (Ok(Enrolled::Created(_) | Enrolled::AlreadyEnrolled(_)), _) => Status::Enrolled,
            // Nothing earned (8890) or refused: known; sending it again changes nothing.
            _ => Status::Failed,
        }
    }

    fn line(&self, item: &EnrolItem, meta: &ResponseMeta, known: &Known) -> (String, Verdict) {
        let mut line = Line {
            status: "failed",
            identifier_value: &item.customer.identifier_value,
            result: None,
            resolved_by: None,
            errors: &[],
            warnings: &item.warnings,
            request_id: meta.request_id.as_deref(),
        };
        let verdict = match &item.result {
            Ok(Enrolled::Created(e)) => {
                line.status = self.done_word();
                line.result = Some(e);
                Verdict::Ok
            }
            Ok(Enrolled::AlreadyEnrolled(e)) => {
                line.status = "enrolled";
                line.result = Some(e);
                if matches!(known.prior(&item.customer), Some(Prior::Unknown { .. })) {
                    line.resolved_by = Some(ENROLLED_EARLIER);
                }
                Verdict::Ok
            }
            Ok(Enrolled::NotEarned(e)) => {
                line.result = Some(e);
                Verdict::Failed
            }
            Err(errors) => {
                line.errors = errors;
                Verdict::Failed
            }
        };
        (serde_json::to_string(&line).unwrap_or_default(), verdict)
    }
}

/// Runs `capillary enrol`.
pub async fn run(
    client: &Client,
    a: BulkEnrolArgs,
    rate_limit: Option<capillary_sdk::rate_limit::RateLimit>,
) -> Result<Verdict, Error> {
    let enrol = Enrol {
        action: a.action,
        program: ProgramId(a.bulk.program),
        promotion: bulk::promotion(&a.bulk)?,
        identifier_name: a.bulk.identifier_name,
        resend_unknown: a.resend_unknown,
    };
    if a.resend_unknown && a.action == EnrolAction::Earn {
        crate::terminal::note(
            "--resend-unknown: customers whose EARN may have been applied are sent again WITHOUT being looked up: they may earn twice",
        );
    }
    let identity = Identity::new(
        client.base_url().as_str(),
        a.action.as_str(),
        enrol.program,
        &enrol.promotion,
        a.bulk.identifier_name,
    );
    bulk::run(client, Arc::new(enrol), &a.bulk, identity, rate_limit).await
}
