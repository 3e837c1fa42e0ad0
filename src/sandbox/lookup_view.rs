//! How the lookup shows one promotion to one customer: its state for the customer, its
//! restrictions and usage, and the timeline of the live enrolment and earns.
//!
//! The sandbox keeps no calendar: dates are the promotion's (enrolments and earns carry its
//! start date, expiries its end date), and event log ids are derived from the record ids.

use serde_json::{json, Value};

use super::state::{Promotion, PromotionKind, State};
use crate::model::{CustomerId, EarnId, IssualId};

const START_DATE: &str = "2024-01-01T00:00:00.000Z";
const END_DATE: &str = "2099-12-31T23:59:59.000Z";
const EXPIRED_END_DATE: &str = "2024-06-30T23:59:59.000Z";
/// Added to a record id to make its event log id.
const EVENT_LOG_BASE: u64 = 12_400_000;

/// One customer's side of the state.
pub(super) struct CustomerView<'a> {
    pub state: &'a State,
    pub customer: CustomerId,
}

impl CustomerView<'_> {
    fn enrolment(&self, promotion: &Promotion) -> Option<IssualId> {
        self.state
            .issuals
            .iter()
            .find(|i| i.customer == self.customer && i.promotion == promotion.id && !i.revoked)
            .map(|i| i.id)
    }

    fn earns(&self, promotion: &Promotion) -> Vec<EarnId> {
        self.state.live_earns(self.customer, promotion.id)
    }
}

/// The `promotionStatusForCustomer` values a promotion has for the customer: `EXPIRED` once
/// expired; none while inactive; otherwise `AVAILABLE_TO_ENROL` (Enrol & Issue, not
/// enrolled) or `AVAILABLE_TO_EARN` (Direct Issue, or enrolled), and `AVAILABLE_TO_REDEEM`
/// with live earns.
pub(super) fn status_of(promotion: &Promotion, view: &CustomerView<'_>) -> Vec<&'static str> {
    if promotion.expired {
        return vec!["EXPIRED"];
    }
    if !promotion.active {
        return Vec::new();
    }
    let mut statuses = Vec::new();
    match (promotion.kind, view.enrolment(promotion)) {
        (PromotionKind::EnrolAndIssue, None) => statuses.push("AVAILABLE_TO_ENROL"),
        _ => statuses.push("AVAILABLE_TO_EARN"),
    }
    if !view.earns(promotion).is_empty() {
        statuses.push("AVAILABLE_TO_REDEEM");
    }
    statuses
}

/// The promotion as the page's example shows one (amounts as strings, counts as numbers).
pub(super) fn promotion_json(
    promotion: &Promotion,
    view: &CustomerView<'_>,
    all_usage: bool,
) -> Value {
    let enrolment = view.enrolment(promotion);
    let earns = view.earns(promotion);
    let end = if promotion.expired {
        EXPIRED_END_DATE
    } else {
        END_DATE
    };
    let (offer, description) = match promotion.kind {
        PromotionKind::EnrolAndIssue => ("LOYALTY_EARNING", "Enrol and Issue"),
        PromotionKind::DirectIssue => ("LOYALTY", "Direct Issue"),
    };
    let earned = earns.len();
    let restriction = |kpi: &str, max: &str, used: usize| json!({ "kpi": kpi, "maxLimit": max, "currentCustomerUsage": used.to_string(), "limitOn": "CUSTOMER" });
    // One enrolment per customer is the only enabled restriction; the others are disabled
    // (`-1`, unlimited) and listed only with fetchAllUsage.
    let mut issual_restrictions = Vec::new();
    if promotion.kind == PromotionKind::EnrolAndIssue {
        issual_restrictions.push(restriction(
            "NUMBER_OF_ISSUALS",
            "1",
            usize::from(enrolment.is_some()),
        ));
    }
    let (mut earn_restrictions, mut redemption_restrictions) = (Vec::new(), Vec::new());
    if all_usage {
        earn_restrictions.push(restriction("NUMBER_OF_EARNS", "-1", earned));
        let mut redemption = restriction("NUMBER_OF_REDEMPTIONS_PER_EARN", "-1", 0);
        redemption["type"] = json!("NON_PERIOD_BASED");
        redemption_restrictions.push(redemption);
    }
    let issued: Vec<Value> = earns
        .iter()
        .map(|earn| {
            json!({ "issualId": earn, "issualDate": START_DATE, "issualExpiryDate": end,
                    "issualEventLogId": EVENT_LOG_BASE + earn.0, "redeemedCount": 0 })
        })
        .collect();
    let timelines = match enrolment {
        Some(id) => vec![json!({
            "enrollmentDate": START_DATE, "enrollmentExpiryDate": end,
            "enrollmentId": id, "enrollEventLogId": EVENT_LOG_BASE + id.0,
            "issuedDetails": issued,
        })],
        // Earns without an enrolment (Direct Issue): a timeline of issues only.
        None if !issued.is_empty() => vec![json!({ "issuedDetails": issued })],
        None => Vec::new(),
    };
    json!({
        "promotionId": promotion.id,
        "promotionName": promotion.name.clone().unwrap_or_else(|| format!("Promotion {}", promotion.id)),
        "programId": promotion.program,
        "startDate": START_DATE,
        "endDate": end,
        "identifier": promotion.identifier.clone().unwrap_or_else(|| promotion.id.to_string()),
        "description": description,
        "active": promotion.active,
        "eventName": "TransactionAdd",
        "limits": { "maxPointsPerEvent": "0", "pointsPerCustomer": "0",
                    "numberOFTimesPerCustomer": 0, "totalPointsInPromotion": "0" },
        "customerUsage": { "currentPointsPerCustomer": "0", "currentNumberOfTimesPerCustomer": earned,
                           "currentTotalPointsInPromotion": "0" },
        "pointsOfferType": offer,
        "promotionRestriction": { "issualRestrictions": issual_restrictions,
                                  "earnRestrictions": earn_restrictions,
                                  "redemptionRestrictions": redemption_restrictions },
        "customerPromotionTimelines": timelines,
    })
}
