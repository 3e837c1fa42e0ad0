//! The 0.1 names still compile, through deprecated aliases that send what their replacements
//! send. The only place deprecation warnings are allowed (see `main.rs`).

use crate::common::*;
use capillary_sdk::api::bulk::{
    check_revoke_customer, RevokeAll, RevokeOutcome, DEFAULT_REVOKE_CONCURRENCY,
};
use capillary_sdk::{
    parse_base_url, CustomerId, EnrollRequest, Error, IdentifierName, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, TargetGroupId, TargetId,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

async fn enroll_server() -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v3.1/targetGroups/7/targets/12/enroll"))
        .respond_with(answer(200, r#"{"data":345651201}"#, "req-0-1"))
        .mount(&server)
        .await;
    server
}

fn old_enroll(server: &MockServer) -> EnrollRequest {
    basic_client(server)
        .targets()
        .enroll(TargetGroupId(7), TargetId(12), CustomerId(345651201))
}

#[tokio::test]
async fn the_0_1_enroll_with_a_period_sends_the_milestone_body() {
    let server = enroll_server().await;
    let outcome = old_enroll(&server)
        .period("PERIOD_G_29463_1")
        .initial_balance(100)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.customer_id, CustomerId(345651201));
    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(
        body_json(&request),
        json!([{"customerId":345651201,"periodName":"PERIOD_G_29463_1","initialBalance":100}])
    );
}

#[tokio::test]
async fn the_0_1_enroll_without_a_period_sends_the_streak_body() {
    let server = enroll_server().await;
    old_enroll(&server).reset_streak(true).send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        body_json(&request),
        json!([{"customerId":345651201,"resetStreakStatus":true}])
    );
}

#[tokio::test]
async fn the_0_1_rules_refuse_before_sending() {
    let server = strict_server().await;
    let balance_without_period = old_enroll(&server).initial_balance(5).send().await;
    assert!(matches!(
        balance_without_period,
        Err(Error::InvalidRequest {
            field: "initialBalance",
            ..
        })
    ));
    let reset_with_period = old_enroll(&server)
        .period("P")
        .reset_streak(true)
        .validate();
    assert!(matches!(
        reset_with_period,
        Err(Error::InvalidRequest {
            field: "resetStreakStatus",
            ..
        })
    ));
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        0
    );
}

#[test]
fn the_0_1_names_are_the_new_items() {
    let kind: IdentifierName = IdentifierName::Id;
    assert_eq!(kind, RevokeIdentifierKind::Id);
    let customer = RevokeCustomer::new("not-a-number");
    assert!(check_revoke_customer(RevokeAction::Earn, kind, &customer).is_err());
    assert_eq!(
        DEFAULT_REVOKE_CONCURRENCY,
        capillary_sdk::DEFAULT_REVOKE_CONCURRENCY
    );
    assert_eq!(capillary_sdk::api::REQUEST_ID_HEADER, "x-cap-requestid");
    assert!(parse_base_url("http://api.example.com").is_err());
    assert!(parse_base_url("https://eu.api.capillarytech.com").is_ok());
    fn same_types(_: Option<RevokeAll<Vec<RevokeCustomer>>>, _: Option<RevokeOutcome>) {}
    same_types(
        None::<capillary_sdk::RevokeAll<Vec<RevokeCustomer>>>,
        None::<capillary_sdk::RevokeOutcome>,
    );
}

#[tokio::test]
async fn the_0_1_identifier_name_setter_still_sets_it() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(answer(
            200,
            r#"{"response":[{"result":{"entityType":"CUSTOMER","programId":2714,"revokedEarnIds":[5]},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#,
            "req-0-1",
        ))
        .mount(&server)
        .await;
    basic_client(&server)
        .promotions()
        .revoke(
            RevokeAction::Earn,
            capillary_sdk::ProgramId(2714),
            capillary_sdk::PromotionRef::id(capillary_sdk::PromotionId(1)),
            RevokeIdentifierKind::Id,
        )
        .identifier_name(IdentifierName::Mobile)
        .customer(RevokeCustomer::new("18767431754"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        body_json(&only_request(&server).await)["identifierName"],
        "mobile"
    );
}

#[test]
fn the_0_1_transport_error_question_answers_as_the_verdict() {
    use capillary_sdk::transport::{TransportError, TransportErrorKind};
    let connect = TransportError::new(TransportErrorKind::Connect, "refused");
    let lost = TransportError::new(TransportErrorKind::AnswerLost, "reset");
    assert!(!connect.maybe_applied());
    assert!(lost.maybe_applied());
}
