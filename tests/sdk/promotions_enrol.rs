//! `POST /v2/promotion/bulk/enrolAndEarn`: the exact request for each documented example,
//! every documented answer paired with the customers sent, and an EARN that may have been
//! applied never sent twice.

use std::time::Duration;

use capillary_sdk::{
    Client, CustomerId, EarnId, EnrolAction, EnrolCustomer, EnrolOutcome, EnrolReport, Enrolled,
    Error, ErrorCode, IssualId, ProgramId, PromotionId, PromotionRef, RetryPolicy,
    RevokeIdentifierKind, Source, Verdict,
};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::bulk_wire::{customers_json, server_answering, server_with, single_error};
use crate::common::*;

const PATH: &str = "/v2/promotion/bulk/enrolAndEarn";
const PROMO: &str = "1d9e540d-ae2c-443f-9d0d-7ac146bf93f2";

fn instore(values: &[&str]) -> Vec<EnrolCustomer> {
    values
        .iter()
        .map(|v| EnrolCustomer::new(*v).source(Source::Instore))
        .collect()
}

async fn enrol_with(
    client: &Client,
    action: EnrolAction,
    promotion: PromotionRef,
    customers: Vec<EnrolCustomer>,
) -> Result<EnrolReport, Error> {
    client
        .promotions()
        .enrol(action, ProgramId(2714), promotion, RevokeIdentifierKind::Id)
        .customers(customers)
        .send()
        .await
}

async fn enrol(server: &MockServer, customers: &[&str]) -> Result<EnrolReport, Error> {
    let promotion = PromotionRef::id(PromotionId(202188));
    enrol_with(
        &basic_client(server),
        EnrolAction::Enrol,
        promotion,
        instore(customers),
    )
    .await
}

fn created(report: &EnrolReport, i: usize) -> &capillary_sdk::Enrolment {
    match &report.items[i].result {
        Ok(Enrolled::Created(e)) => e,
        other => panic!("{i}: {other:?}"),
    }
}

const ENROL_2: &str = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":423926198,"promotionId":202188,"programId":2714,"issualId":"847"},"errors":[],"warnings":[]},
 {"result":{"entityType":"CUSTOMER","entityId":423926199,"promotionId":202188,"programId":2714,"issualId":848},"errors":[],"warnings":[]}
],"totalCount":2,"failureCount":0}"#;

#[tokio::test]
async fn documented_request_examples_go_out_exactly() {
    let cases = [
        (
            EnrolAction::Enrol,
            PromotionRef::id(PromotionId(202188)),
            instore(&["423926198", "423926199"]),
            ENROL_2.to_string(),
            json!({"type":"CUSTOMER","bulkAction":"ENROL","promotionDetails":{"programId":2714,"promotionId":202188},"identifierName":"id","customers":[{"identifierValue":"423926198","source":"INSTORE"},{"identifierValue":"423926199","source":"INSTORE"}]}),
        ),
        (
            EnrolAction::Earn,
            PromotionRef::identifier(PROMO),
            instore(&["423927848"]),
            r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927848,"programId":2714,"issualId":"851","earnedId":"840"},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#.to_string(),
            json!({"type":"CUSTOMER","bulkAction":"EARN","promotionDetails":{"programId":2714,"promoIdentifier":PROMO},"identifierName":"id","customers":[{"identifierValue":"423927848","source":"INSTORE"}]}),
        ),
    ];
    for (action, promotion, customers, answer, expected) in cases {
        let server = server_answering(PATH, 200, &answer).await;
        let report = enrol_with(&basic_client(&server), action, promotion, customers)
            .await
            .unwrap();
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), PATH);
        assert_eq!(request.url.query(), None);
        assert_common_headers(&request);
        assert_eq!(body_json(&request), expected);
        assert_eq!(report.created(), report.items.len());
        assert_eq!(report.meta.request_id.as_deref(), Some("req-bulk"));
    }
}

#[tokio::test]
async fn enrol_answers_read_issual_ids_from_strings_or_numbers() {
    let server = server_answering(PATH, 200, ENROL_2).await;
    let report = enrol(&server, &["423926198", "423926199"]).await.unwrap();
    let first = created(&report, 0);
    assert_eq!(first.customer_id, Some(CustomerId(423926198)));
    assert_eq!(first.promotion_id, Some(PromotionId(202188)));
    assert_eq!(first.program_id, Some(ProgramId(2714)));
    assert_eq!(first.issual_id, Some(IssualId(847)));
    assert_eq!(first.earned_id, None);
    assert_eq!(created(&report, 1).issual_id, Some(IssualId(848)));
    assert_eq!(
        (report.total_count, report.failure_count),
        (Some(2), Some(0))
    );
    assert_eq!(report.items[1].customer.identifier_value, "423926199");
}

#[tokio::test]
async fn earn_answers_read_the_earn_id_and_tolerate_a_placeholder_issual() {
    // After EARN on a Direct Issue promotion the server puts a placeholder in issualId.
    for (issual, expected) in [
        (json!("851"), Some(IssualId(851))),
        (json!("NA"), None),
        (json!(""), None),
        (json!(-1), None),
        (json!("0"), None),
        (json!(0), None),
        (json!(null), None),
    ] {
        let body = json!({"response":[{"result":{"entityType":"CUSTOMER","entityId":423927848,"programId":2714,"issualId":issual,"earnedId":"840"},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0});
        let server = server_answering(PATH, 200, &body.to_string()).await;
        let client = basic_client(&server);
        let promotion = PromotionRef::identifier(PROMO);
        let report = enrol_with(
            &client,
            EnrolAction::Earn,
            promotion,
            instore(&["423927848"]),
        )
        .await
        .unwrap();
        let earn = created(&report, 0);
        assert_eq!(earn.earned_id, Some(EarnId(840)));
        assert_eq!(earn.issual_id, expected, "{issual}");
    }
}

#[tokio::test]
async fn a_customer_already_enrolled_is_not_a_failure() {
    let body = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":423926198,"promotionId":202188,"programId":2714,"issualId":"847"},"errors":[],"warnings":[{"status":false,"code":8890,"message":"promotion not issued due to config issues or customer exhausted limits"}]},
 {"result":{"entityType":"CUSTOMER","entityId":423926199,"promotionId":202188,"programId":2714,"issualId":"848"},"errors":[],"warnings":[]}
],"totalCount":2,"failureCount":0}"#;
    let server = server_answering(PATH, 200, body).await;
    let report = enrol(&server, &["423926198", "423926199"]).await.unwrap();
    match &report.items[0].result {
        Ok(Enrolled::AlreadyEnrolled(e)) => assert_eq!(e.issual_id, Some(IssualId(847))),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.items[0].warnings[0].code,
        ErrorCode::PromotionNotIssued
    );
    assert_eq!((report.created(), report.refused()), (1, 0));
}

#[tokio::test]
async fn partial_failures_pair_by_position() {
    let body = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":423926198,"promotionId":202188,"programId":2714,"issualId":"847"},"errors":[],"warnings":[]},
 {"errors":[{"status":false,"code":8015,"message":"Customer not found for the given identifiers"}],"warnings":[]}
],"totalCount":2,"failureCount":1}"#;
    let server = server_answering(PATH, 207, body).await;
    let report = enrol(&server, &["423926198", "1"]).await.unwrap();
    assert_eq!(created(&report, 0).issual_id, Some(IssualId(847)));
    let errors = report.items[1].result.as_ref().unwrap_err();
    assert_eq!(errors[0].code, ErrorCode::CustomerNotFound);
    assert_eq!(report.meta.status, 207);
}

#[tokio::test]
async fn every_documented_code_is_typed() {
    let codes = [
        (8892, ErrorCode::PromotionInactive, true),
        (1101, ErrorCode::InvalidProgramId, true),
        (8874, ErrorCode::InvalidPromotionId, true),
        (8881, ErrorCode::InsufficientParameters, true),
        (8901, ErrorCode::InvalidEntityTypePassed, true),
        (8902, ErrorCode::RevokeActionNotSupported, true),
        (8015, ErrorCode::CustomerNotFound, false),
        (8899, ErrorCode::UserGroupNotAllowed, false),
        (8896, ErrorCode::IssueFailed, false),
        (11013, ErrorCode::MissingIdentifier, false),
    ];
    for (code, typed, request_level) in codes {
        let server = server_answering(PATH, 200, &single_error(code, "documented")).await;
        let result = enrol(&server, &["423926198"]).await;
        if request_level {
            // Refused whole, nothing applied, whatever its shape.
            let error = result.unwrap_err();
            assert!(matches!(error, Error::Api { .. }), "{code}: {error:?}");
            assert_eq!(error.codes(), vec![typed]);
            assert_eq!(error.verdict(), Verdict::Refused);
        } else {
            let report = result.unwrap();
            let errors = report.items[0].result.as_ref().unwrap_err();
            assert_eq!(errors[0].code, typed, "{code}");
        }
    }
}

#[tokio::test]
async fn the_documented_request_level_failure_refuses_every_customer() {
    let server = server_answering(PATH, 200, &single_error(1101, "invalid programId passed")).await;
    let error = enrol(&server, &["1", "2", "3"]).await.unwrap_err();
    assert_eq!(error.codes(), vec![ErrorCode::InvalidProgramId]);
    assert!(!error.maybe_applied());
    // A per-customer code alone for several customers cannot be paired: it may have applied.
    let server = server_answering(PATH, 200, &single_error(8015, "not found")).await;
    let error = enrol(&server, &["1", "2", "3"]).await.unwrap_err();
    assert!(
        matches!(error, Error::UnexpectedResponse { .. }),
        "{error:?}"
    );
    assert!(error.maybe_applied());
}

#[tokio::test]
async fn a_result_naming_another_customer_is_never_paired() {
    let server = server_answering(PATH, 200, ENROL_2).await;
    let error = enrol(&server, &["423926199", "423926198"])
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::UnexpectedResponse { .. }),
        "{error:?}"
    );
    assert!(error.maybe_applied(), "the server acted on the request");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = strict_server().await;
    let client = basic_client(&server);
    let enrol_of = |promotion: PromotionRef, customers: Vec<EnrolCustomer>| {
        client
            .promotions()
            .enrol(
                EnrolAction::Enrol,
                ProgramId(2714),
                promotion,
                RevokeIdentifierKind::Id,
            )
            .customers(customers)
    };
    let id = PromotionRef::id(PromotionId(202188));
    let too_many: Vec<EnrolCustomer> = (0..101)
        .map(|i| EnrolCustomer::new(i.to_string()))
        .collect();
    for (request, why) in [
        (enrol_of(id.clone(), Vec::new()), "at least one customer"),
        (enrol_of(id.clone(), too_many), "the limit is 100"),
        (
            enrol_of(id.clone(), instore(&["ana@example.com"])),
            "not a customer id",
        ),
        (enrol_of(id.clone(), instore(&["  "])), "must not be empty"),
        (
            enrol_of(
                id.clone(),
                vec![EnrolCustomer::new("1").source(Source::Other(" ".into()))],
            ),
            "source must not be empty",
        ),
        (
            enrol_of(PromotionRef::identifier(" "), instore(&["1"])),
            "must not be empty",
        ),
    ] {
        let error = request.send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains(why), "{error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A client whose policy would replay anything that may have been applied, quickly.
fn replaying_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .auth(capillary_sdk::auth::Basic::new("till", "secret123"))
        .retry_policy(replaying())
        .build()
        .unwrap()
}

fn replaying() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .jitter(false)
        .replay_maybe_applied(true)
}

fn gateway_error() -> ResponseTemplate {
    ResponseTemplate::new(500).set_body_raw("<html>Internal Server Error</html>", "text/html")
}

#[tokio::test]
async fn a_maybe_applied_earn_is_never_sent_again() {
    let customers = instore(&["423927848"]);
    // Set on the client, and on the request: EARN ignores both.
    for per_request in [false, true] {
        let server = server_with(PATH, gateway_error()).await;
        let client = replaying_client(&server);
        let mut request = client
            .promotions()
            .enrol(
                EnrolAction::Earn,
                ProgramId(2714),
                PromotionRef::identifier(PROMO),
                RevokeIdentifierKind::Id,
            )
            .customers(customers.clone());
        if per_request {
            request = request.retry_policy(replaying());
        }
        let error = request.send().await.unwrap_err();
        assert!(error.maybe_applied(), "{error}");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(
            requests.len(),
            1,
            "an EARN that may have applied was sent again"
        );
        assert_eq!(
            customers_json(&requests[0])[0]["identifierValue"],
            "423927848"
        );
    }
    // ENROL creates nothing twice: the policy is followed as given.
    let server = server_with(PATH, gateway_error()).await;
    let client = replaying_client(&server);
    let promotion = PromotionRef::id(PromotionId(202188));
    let error = enrol_with(&client, EnrolAction::Enrol, promotion, customers)
        .await
        .unwrap_err();
    assert!(error.maybe_applied());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn enrol_all_never_sends_a_maybe_applied_earn_again() {
    let server = server_with(PATH, gateway_error()).await;
    let client = replaying_client(&server);
    let customers = (0..150).map(|i| EnrolCustomer::new((423_900_000 + i).to_string()));
    let outcomes = client
        .promotions()
        .enrol_all(
            EnrolAction::Earn,
            ProgramId(2714),
            PromotionRef::identifier(PROMO),
            RevokeIdentifierKind::Id,
            customers,
        )
        .collect_outcomes()
        .await;
    assert_eq!(outcomes.len(), 150);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, EnrolOutcome::MaybeApplied { .. })));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "one request per batch, once"
    );
}
