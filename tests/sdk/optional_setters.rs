//! `set_*` setters take an `Option`: `Some` sends what the plain setter sends, `None` leaves
//! the field out, on the wire.

use crate::common::*;
use capillary_sdk::{
    CustomerId, EarnId, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, Source, TargetGroupId, TargetId,
};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

async fn answering(body: &str) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .respond_with(answer(200, body, "req-opt"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_milestone_balance_given_or_not() {
    for (balance, want) in [
        (
            Some(100),
            json!([{"customerId":1,"periodName":"P","initialBalance":100}]),
        ),
        (None, json!([{"customerId":1,"periodName":"P"}])),
    ] {
        let server = answering(r#"{"data":1}"#).await;
        basic_client(&server)
            .targets()
            .enroll_milestone(TargetGroupId(7), TargetId(12), CustomerId(1), "P")
            .set_initial_balance(balance)
            .send()
            .await
            .unwrap();
        assert_eq!(body_json(&only_request(&server).await), want, "{balance:?}");
    }
}

#[tokio::test]
async fn a_streak_reset_and_an_account_id_given_or_not() {
    let server = answering(r#"{"data":1}"#).await;
    basic_client(&server)
        .targets()
        .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(1))
        .set_reset_streak(None)
        .send()
        .await
        .unwrap();
    assert_eq!(
        body_json(&only_request(&server).await),
        json!([{"customerId":1}])
    );

    let server = answering(r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#).await;
    issue_request(&basic_client(&server))
        .set_account_id(Some("acc-1".into()))
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    let query = request.url.query().unwrap_or_default().to_string();
    assert!(query.contains("accountId=acc-1"), "{query}");
}

#[tokio::test]
async fn a_customer_source_and_earn_ids_given_or_not() {
    let server = answering(
        r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":1,"programId":2714,"revokedEarnIds":[5]},"errors":[],"warnings":[]},{"result":{"entityType":"CUSTOMER","entityId":2,"programId":2714,"revokedEarnIds":[6]},"errors":[],"warnings":[]}],"totalCount":2,"failureCount":0}"#,
    )
    .await;
    basic_client(&server)
        .promotions()
        .revoke(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(1)),
            RevokeIdentifierKind::Id,
        )
        .customer(
            RevokeCustomer::new("1")
                .set_source(Some(Source::Instore))
                .set_earn_ids(Some(vec![EarnId(5)])),
        )
        .customer(RevokeCustomer::new("2").set_source(None).set_earn_ids(None))
        .send()
        .await
        .unwrap();
    let body = body_json(&only_request(&server).await);
    assert_eq!(
        body["customers"],
        json!([{"identifierValue":"1","source":"INSTORE","earnIds":[5]},{"identifierValue":"2"}])
    );
}
