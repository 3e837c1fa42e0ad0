//! `capillary revoke`: bulk revoke of enrolments or earns on the bulk runner.
//!
//! Ctrl-C stops taking customers from the input at once; the requests in flight finish and
//! are printed. A second Ctrl-C abandons them: each of their customers gets a `failed` line
//! with `"maybeApplied": true` (and a journal entry saying so), and the run exits 3.

use std::sync::Arc;

use capillary_sdk::api::promotions::bulk::RevokeOp;
use capillary_sdk::{
    check_revoke_customer, Client, Error, ProgramId, PromotionRef, ResponseMeta, RevokeAction,
    RevokeCustomer, RevokeIdentifierKind, RevokeItem,
};

use crate::args::RevokeArgs;
use crate::bulk::{self, Bulk, Customers};
use crate::journal::{Identity, Known, Status};
use crate::output::{self, Verdict};

struct Revoke {
    action: RevokeAction,
    program: ProgramId,
    promotion: PromotionRef,
    identifier_name: RevokeIdentifierKind,
}

impl Bulk for Revoke {
    type Op = RevokeOp;
    type Customer = RevokeCustomer;
    const NAME: &'static str = "revoke";

    fn done_word(&self) -> &'static str {
        "revoked"
    }

    fn by_earn_ids(&self) -> bool {
        self.action == RevokeAction::Earn
    }

    fn customer(&self, row: RevokeCustomer) -> Result<RevokeCustomer, String> {
        Ok(row)
    }

    fn check(&self, customer: &RevokeCustomer) -> Result<(), Error> {
        check_revoke_customer(self.action, self.identifier_name, customer)
    }

    fn value(customer: &RevokeCustomer) -> &str {
        &customer.identifier_value
    }

    fn start(
        &self,
        client: &Client,
        customers: Customers<RevokeCustomer>,
    ) -> capillary_sdk::RevokeAll<Customers<RevokeCustomer>> {
        client.promotions().revoke_all_stream(
            self.action,
            self.program,
            self.promotion.clone(),
            self.identifier_name,
            customers,
        )
    }

    fn status(&self, item: &RevokeItem, known: &Known) -> Status {
        if item.result.is_ok() || crate::resolve::revoked_earlier(item, known) {
            Status::Revoked
        } else {
            Status::Failed
        }
    }

    fn line(&self, item: &RevokeItem, meta: &ResponseMeta, known: &Known) -> (String, Verdict) {
        if crate::resolve::revoked_earlier(item, known) {
            output::revoked_earlier(item, meta)
        } else {
            output::revoke(item, meta)
        }
    }
}

/// Runs `capillary revoke`.
pub async fn run(
    client: &Client,
    a: RevokeArgs,
    rate_limit: Option<capillary_sdk::rate_limit::RateLimit>,
) -> Result<Verdict, Error> {
    let promotion = bulk::promotion(&a.bulk)?;
    let revoke = Revoke {
        action: a.action,
        program: ProgramId(a.bulk.program),
        promotion,
        identifier_name: a.bulk.identifier_name,
    };
    let identity = Identity::new(
        client.base_url().as_str(),
        a.action.as_str(),
        revoke.program,
        &revoke.promotion,
        a.bulk.identifier_name,
    );
    bulk::run(client, Arc::new(revoke), &a.bulk, identity, rate_limit).await
}
