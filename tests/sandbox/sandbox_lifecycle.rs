//! One state for the whole lifecycle: enrol, earn, look up, revoke the earn, look up, revoke
//! the enrolment, look up; each lookup shows exactly what the steps left.

use capillary_sdk::sandbox::{demo, Sandbox};
use capillary_sdk::{
    Client, CustomerId, CustomerPromotionList as _, CustomerPromotionsPage, CustomerRef, EarnId,
    IssualId, PromotionRef, RevokeAction, RevokeCustomer, RevokeIdentifierKind, Source,
};
use serde_json::json;

use crate::sandbox_common::enrol_raw;

const CUSTOMER: CustomerId = CustomerId(423927848);

async fn look_up(client: &Client) -> CustomerPromotionsPage {
    client
        .customers()
        .promotions(CustomerRef::id(CUSTOMER), Source::Instore)
        .programs([demo::PROGRAM_REVOKE])
        .send()
        .await
        .unwrap()
}

async fn revoke(client: &Client, action: RevokeAction, customer: RevokeCustomer) {
    let report = client
        .promotions()
        .revoke(
            action,
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202188),
            RevokeIdentifierKind::Id,
        )
        .customer(customer)
        .send()
        .await
        .unwrap();
    assert_eq!(report.revoked(), 1, "{report:?}");
}

#[tokio::test]
async fn enrol_earn_look_up_revoke_look_up_again() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let promotion = PromotionRef::id(demo::PROMOTION_202188);
    let step = |action: &str| {
        json!({"type": "CUSTOMER", "bulkAction": action,
               "promotionDetails": {"programId": 2714, "promotionId": 202188},
               "identifierName": "id", "customers": [{"identifierValue": "423927848", "source": "INSTORE"}]})
    };
    assert!(!look_up(&client).await.promotions.is_enrolled(&promotion));

    let (_, enrolled) = enrol_raw(&sandbox, step("ENROL")).await;
    let issual: u64 = enrolled["response"][0]["result"]["issualId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (_, earned) = enrol_raw(&sandbox, step("EARN")).await;
    let earn: u64 = earned["response"][0]["result"]["earnedId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        earned["response"][0]["result"]["issualId"],
        issual.to_string()
    );

    let page = look_up(&client).await;
    assert_eq!(
        page.promotions.enrolment_id(&promotion),
        Some(IssualId(issual))
    );
    assert_eq!(page.promotions.active_earn_ids(&promotion), [EarnId(earn)]);

    revoke(
        &client,
        RevokeAction::Earn,
        RevokeCustomer::new("423927848").earn_ids([EarnId(earn)]),
    )
    .await;
    let page = look_up(&client).await;
    assert_eq!(
        page.promotions.enrolment_id(&promotion),
        Some(IssualId(issual)),
        "the enrolment stays"
    );
    assert!(
        page.promotions.active_earn_ids(&promotion).is_empty(),
        "the revoked earn is gone"
    );

    revoke(
        &client,
        RevokeAction::Enrol,
        RevokeCustomer::new("423927848"),
    )
    .await;
    let page = look_up(&client).await;
    assert!(
        !page.promotions.is_enrolled(&promotion),
        "the revoked enrolment is gone"
    );
    assert!(page
        .promotions
        .promotion(&promotion)
        .unwrap()
        .timelines
        .is_empty());

    // Enrolled again, it is a new enrolment.
    let (_, again) = enrol_raw(&sandbox, step("ENROL")).await;
    let second: u64 = again["response"][0]["result"]["issualId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(second, issual);
    assert_eq!(
        look_up(&client).await.promotions.enrolment_id(&promotion),
        Some(IssualId(second))
    );
}

#[tokio::test]
async fn a_direct_issue_earn_is_listed_without_an_enrolment() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let direct = PromotionRef::id(demo::PROMOTION_DIRECT);
    let before = look_up(&client).await.promotions.active_earn_ids(&direct);
    let (_, earned) = enrol_raw(
        &sandbox,
        json!({"type": "CUSTOMER", "bulkAction": "EARN",
               "promotionDetails": {"programId": 2714, "promoIdentifier": demo::IDENTIFIER_DIRECT},
               "identifierName": "id", "customers": [{"identifierValue": "423927848"}]}),
    )
    .await;
    let earn: u64 = earned["response"][0]["result"]["earnedId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let page = look_up(&client).await;
    assert!(!page.promotions.is_enrolled(&direct));
    let after = page.promotions.active_earn_ids(&direct);
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last(), Some(&EarnId(earn)));
}
