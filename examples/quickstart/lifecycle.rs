//! The promotion lifecycle: bulk enrol, earn, look up, revoke the earns then the enrolment,
//! look up again; and, on the sandbox, an EARN whose answer is lost, settled with the lookup
//! instead of being sent again.

use capillary_sdk::sandbox::{demo, Fault};
use capillary_sdk::{
    CustomerPromotionList as _, CustomerPromotionsPage, CustomerRef, EnrolAction, EnrolCustomer,
    EnrolReport, Enrolled, Enrolment, Error, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, Source,
};

use crate::lines::{brief, revoke_line};
use crate::Story;

/// Enrol & Issue promotion 1119990 of program 1085, which customer 345854020 may enrol in.
fn promotion() -> PromotionRef {
    PromotionRef::id(demo::PROMOTION_LOOKUP)
}

/// The first customer's result, whatever it was.
fn first(report: &EnrolReport) -> Option<&Enrolment> {
    report
        .items
        .first()
        .and_then(|i| i.result.as_ref().ok())
        .map(Enrolled::enrolment)
}

fn enrol_line(report: &EnrolReport) -> String {
    let ids = |e: &Enrolment| {
        let issual = e.issual_id.map(|i| format!(", issualId {i}"));
        let earn = e.earned_id.map(|i| format!(", earnedId {i}"));
        format!("{}{}", issual.unwrap_or_default(), earn.unwrap_or_default())
    };
    let line = match report.items.first().map(|i| &i.result) {
        Some(Ok(Enrolled::Created(e))) => format!("created{}", ids(e)),
        Some(Ok(Enrolled::AlreadyEnrolled(e))) => format!("already enrolled (8890){}", ids(e)),
        Some(Ok(Enrolled::NotEarned(_))) => "nothing earned (8890)".to_string(),
        Some(Err(errors)) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!("failed, {}", errors.join("; "))
        }
        None => "no result".to_string(),
    };
    format!("{line} [{}]", report.meta)
}

fn lookup_line(page: &CustomerPromotionsPage, promotion: &PromotionRef) -> String {
    let earns: Vec<u64> = page
        .promotions
        .active_earn_ids(promotion)
        .iter()
        .map(|e| e.0)
        .collect();
    let state = match page.promotions.enrolment_id(promotion) {
        Some(issual) => format!("enrolled (enrolment {issual}), active earns {earns:?}"),
        None if earns.is_empty() => "not enrolled, no active earns".to_string(),
        None => format!("not enrolled, active earns {earns:?}"),
    };
    format!("{state} [{}]", page.meta)
}

impl Story {
    async fn bulk(&self, action: EnrolAction) -> Result<EnrolReport, Error> {
        let customer = EnrolCustomer::new(demo::CUSTOMER_TO_ENROL.to_string());
        self.client
            .promotions()
            .enrol(
                action,
                demo::PROGRAM_LOOKUP,
                promotion(),
                RevokeIdentifierKind::Id,
            )
            .customer(customer.source(Source::Instore))
            .send()
            .await
    }

    async fn look_up(&self) -> Result<CustomerPromotionsPage, String> {
        self.client
            .customers()
            .promotions(CustomerRef::id(demo::CUSTOMER_TO_ENROL), Source::Instore)
            .programs([demo::PROGRAM_LOOKUP])
            .send()
            .await
            .map_err(|e| format!("lookup failed: {e}"))
    }

    /// A bulk ENROL or EARN the story expects to create, said as one line.
    async fn enrol_step(&mut self, action: EnrolAction, what: &str) -> Result<EnrolReport, String> {
        let report = self
            .bulk(action)
            .await
            .map_err(|e| format!("{what} failed: {e}"))?;
        self.say(format!("{what}: {}", enrol_line(&report)));
        self.check(report.created() == 1, what)?;
        Ok(report)
    }

    /// A revoke of the customer in the lifecycle's promotion, said as one line.
    async fn revoke_step(
        &mut self,
        action: RevokeAction,
        who: RevokeCustomer,
        what: &str,
    ) -> Result<(), String> {
        let target = (demo::PROGRAM_LOOKUP, promotion());
        let report = self
            .revoke(action, target, who)
            .await
            .map_err(|e| format!("{what} failed: {e}"))?;
        self.say(format!("{what}: {}", revoke_line(&report)));
        self.check(report.refused() == 0, what)
    }

    pub async fn lifecycle(&mut self) -> Result<(), String> {
        let customer = demo::CUSTOMER_TO_ENROL;
        let promotion = promotion();
        let page = self.look_up().await?;
        self.say(format!(
            "Look up customer {customer} in program 1085 (GET /v2/customers/lookup/promotionData): {}",
            lookup_line(&page, &promotion)
        ));
        let enrolled = self
            .enrol_step(
                EnrolAction::Enrol,
                "Bulk ENROL into promotion 1119990 (POST /v2/promotion/bulk/enrolAndEarn)",
            )
            .await?;
        let earned = self.enrol_step(EnrolAction::Earn, "Bulk EARN").await?;

        let page = self.look_up().await?;
        self.say(format!("Look up: {}", lookup_line(&page, &promotion)));
        let mut earns = page.promotions.active_earn_ids(&promotion);
        self.check(
            page.promotions.enrolment_id(&promotion) == first(&enrolled).and_then(|e| e.issual_id)
                && earns == Vec::from_iter(first(&earned).and_then(|e| e.earned_id)),
            "the lookup shows the enrolment and its earn",
        )?;

        if let Some(sandbox) = self.sandbox.clone() {
            sandbox.fail_next(1, Fault::Truncate);
            self.say("(sandbox) the next answer is lost after the server applied the request (Fault::Truncate)");
            match self.bulk(EnrolAction::Earn).await {
                Err(e) if e.maybe_applied() => self.say(format!(
                    "Bulk EARN again: may have been applied, and EARN is not idempotent, so the SDK did not send it again: {}",
                    brief(&e)
                )),
                other => return Err(format!("a lost EARN must be maybe applied: {other:?}")),
            }
            let page = self.look_up().await?;
            self.say(format!(
                "Look up to settle it: the EARN was applied (do not send it again): {}",
                lookup_line(&page, &promotion)
            ));
            let before = earns.len();
            earns = page.promotions.active_earn_ids(&promotion);
            self.check(earns.len() == before + 1, "the lost EARN's earn listed")?;
        }

        let id = customer.to_string();
        let who = match earns.is_empty() {
            true => RevokeCustomer::new(&id),
            false => RevokeCustomer::new(&id).earn_ids(earns),
        };
        self.revoke_step(RevokeAction::Earn, who, "Revoke the earns (REVOKE_EARN)")
            .await?;
        let who = RevokeCustomer::new(&id);
        self.revoke_step(
            RevokeAction::Enrol,
            who,
            "Revoke the enrolment (REVOKE_ENROL)",
        )
        .await?;

        let page = self.look_up().await?;
        self.say(format!("Look up again: {}", lookup_line(&page, &promotion)));
        self.check(
            !page.promotions.is_enrolled(&promotion)
                && page.promotions.active_earn_ids(&promotion).is_empty(),
            "nothing left after the revokes",
        )
    }
}
