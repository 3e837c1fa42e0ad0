//! `POST /v2/promotion/bulk/revokeEnrolAndEarn`: the exact request for each documented example,
//! and every documented answer paired with the customers sent.

use crate::bulk_wire::single_error;
use crate::common::*;
use capillary_sdk::{
    CustomerId, EarnId, Error, ErrorCode, IssualId, ProgramId, PromotionId, PromotionRef,
    RevokeAction, RevokeCustomer, RevokeIdentifierKind, RevokeReport, Source, Verdict,
};
use serde_json::json;
use wiremock::MockServer;

const PATH: &str = "/v2/promotion/bulk/revokeEnrolAndEarn";

async fn server_answering(status: u16, body: &str) -> MockServer {
    crate::bulk_wire::server_answering(PATH, status, body).await
}

fn ids(values: &[&str]) -> Vec<RevokeCustomer> {
    values
        .iter()
        .map(|v| RevokeCustomer::new(*v).source(Source::Instore))
        .collect()
}

async fn revoke(
    server: &MockServer,
    action: RevokeAction,
    program: u64,
    promotion: PromotionRef,
    customers: Vec<RevokeCustomer>,
) -> Result<RevokeReport, Error> {
    basic_client(server)
        .promotions()
        .revoke(
            action,
            ProgramId(program),
            promotion,
            RevokeIdentifierKind::Id,
        )
        .customers(customers)
        .send()
        .await
}

const ENROL_4: &str = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":423926199,"promotionId":202188,"programId":2714,"issualId":"847"},"errors":[],"warnings":[]},
 {"result":{"entityType":"CUSTOMER","entityId":423926198,"promotionId":202188,"programId":2714,"issualId":"848"},"errors":[],"warnings":[]},
 {"result":{"entityType":"CUSTOMER","entityId":423926200,"promotionId":202188,"programId":2714,"issualId":"849"},"errors":[],"warnings":[]},
 {"result":{"entityType":"CUSTOMER","entityId":423926201,"promotionId":202188,"programId":2714,"issualId":"850"},"errors":[],"warnings":[]}
],"totalCount":4,"failureCount":0}"#;

const EARN_2: &str = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":423927867,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277","programId":2714,"revokedEarnIds":[974]},"errors":[],"warnings":[]},
 {"result":{"entityType":"CUSTOMER","entityId":423927868,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277","programId":2714,"revokedEarnIds":[975,977]},"errors":[],"warnings":[]}
],"totalCount":2,"failureCount":0}"#;

const EARN_1: &str = r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927848,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2","programId":2714,"revokedEarnIds":[957]},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#;

const MIXED_3: &str = r#"{"response":[
 {"result":{"entityType":"CUSTOMER","entityId":555567088,"promotionId":74230,"programId":753,"revokedEarnIds":[111]},"errors":[],"warnings":[]},
 {"errors":[{"status":false,"message":"Customer not found for the given identifiers","code":8015}],"warnings":[]},
 {"errors":[{"status":false,"message":"Customer not found for the given identifiers","code":8015}],"warnings":[]}
],"totalCount":3,"failureCount":2}"#;

#[tokio::test]
async fn documented_request_examples_go_out_exactly() {
    // The four request examples of the page, as the SDK writes them: ids as numbers and
    // sources upper-case, which is what the page's parameter table documents.
    let cases = vec![
        (
            RevokeAction::Enrol,
            PromotionRef::id(PromotionId(202779)),
            ids(&["423927867"]),
            json!({"type":"CUSTOMER","bulkAction":"REVOKE_ENROL","promotionDetails":{"programId":2714,"promotionId":202779},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"}]}),
        ),
        (
            RevokeAction::Enrol,
            PromotionRef::id(PromotionId(202779)),
            ids(&["423927867", "423927868"]),
            json!({"type":"CUSTOMER","bulkAction":"REVOKE_ENROL","promotionDetails":{"programId":2714,"promotionId":202779},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"},{"identifierValue":"423927868","source":"INSTORE"}]}),
        ),
        (
            RevokeAction::Earn,
            PromotionRef::identifier("95c77d88-470c-4dd3-bde4-606ae1b64277"),
            ids(&["423927867"]),
            json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277"},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"}]}),
        ),
        (
            RevokeAction::Earn,
            PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"),
            vec![
                RevokeCustomer::new("423927848")
                    .source(Source::Instore)
                    .earn_ids([EarnId(959)]),
                RevokeCustomer::new("423927855")
                    .source(Source::Instore)
                    .earn_ids([EarnId(960), EarnId(963)]),
                RevokeCustomer::new("423927856").source(Source::Instore),
            ],
            json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"},"identifierName":"id","customers":[
                {"identifierValue":"423927848","source":"INSTORE","earnIds":[959]},
                {"identifierValue":"423927855","source":"INSTORE","earnIds":[960,963]},
                {"identifierValue":"423927856","source":"INSTORE"}]}),
        ),
    ];
    for (action, promotion, customers, expected) in cases {
        let n = customers.len();
        let items = vec![r#"{"errors":[{"code":8015,"message":"x"}]}"#; n].join(",");
        let server = server_answering(200, &format!(r#"{{"response":[{items}]}}"#)).await;
        let report = revoke(&server, action, 2714, promotion, customers)
            .await
            .unwrap();
        assert_eq!(report.items.len(), n);
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), PATH);
        assert_eq!(request.url.query(), None);
        assert_common_headers(&request);
        assert_eq!(body_json(&request), expected);
    }
}

#[tokio::test]
async fn identifier_name_is_always_sent() {
    // It is a required argument (no undocumented default): the body always names it.
    let server = server_answering(200, EARN_1).await;
    basic_client(&server)
        .promotions()
        .revoke(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::identifier("p"),
            RevokeIdentifierKind::Mobile,
        )
        .customer(RevokeCustomer::new("423927848"))
        .send()
        .await
        .unwrap();
    let body = body_json(&only_request(&server).await);
    assert_eq!(
        body,
        json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":"p"},"identifierName":"mobile","customers":[{"identifierValue":"423927848"}]})
    );
}

#[tokio::test]
async fn revoke_enrol_answer_reads_issual_ids_given_as_strings() {
    let server = server_answering(200, ENROL_4).await;
    let customers = ids(&["423926199", "423926198", "423926200", "423926201"]);
    let report = revoke(
        &server,
        RevokeAction::Enrol,
        2714,
        PromotionRef::id(PromotionId(202188)),
        customers,
    )
    .await
    .unwrap();
    assert_eq!(
        (report.total_count, report.failure_count),
        (Some(4), Some(0))
    );
    assert_eq!(report.meta.request_id.as_deref(), Some("req-bulk"));
    let issuals: Vec<_> = report
        .iter()
        .map(|(c, r)| {
            let r = r.as_ref().unwrap();
            assert_eq!(
                r.customer_id.map(|c| c.0.to_string()).as_deref(),
                Some(c.identifier_value.as_str())
            );
            assert_eq!(r.promotion_id, Some(PromotionId(202188)));
            assert_eq!(r.program_id, Some(ProgramId(2714)));
            assert_eq!(r.entity_type.as_deref(), Some("CUSTOMER"));
            r.revoked_issual_id.unwrap()
        })
        .collect();
    assert_eq!(
        issuals,
        vec![IssualId(847), IssualId(848), IssualId(849), IssualId(850)]
    );
    assert_eq!(report.revoked(), 4);
}

#[tokio::test]
async fn revoked_issual_id_is_read_under_its_table_name_too() {
    let body = r#"{"response":[{"result":{"entityId":"423927867","revokedIssualId":12},"errors":null,"warnings":null}]}"#;
    let server = server_answering(200, body).await;
    let report = revoke(
        &server,
        RevokeAction::Enrol,
        2714,
        PromotionRef::id(PromotionId(202779)),
        ids(&["423927867"]),
    )
    .await
    .unwrap();
    let revoked = report.items[0].result.as_ref().unwrap();
    assert_eq!(revoked.revoked_issual_id, Some(IssualId(12)));
    assert_eq!(revoked.customer_id, Some(CustomerId(423927867)));
}

#[tokio::test]
async fn revoke_earn_answers_list_the_revoked_earns() {
    let server = server_answering(200, EARN_2).await;
    let report = revoke(
        &server,
        RevokeAction::Earn,
        2714,
        PromotionRef::identifier("95c77d88-470c-4dd3-bde4-606ae1b64277"),
        ids(&["423927867", "423927868"]),
    )
    .await
    .unwrap();
    let earns: Vec<Vec<EarnId>> = report
        .iter()
        .map(|(_, r)| r.as_ref().unwrap().revoked_earn_ids.clone())
        .collect();
    assert_eq!(
        earns,
        vec![vec![EarnId(974)], vec![EarnId(975), EarnId(977)]]
    );
    assert_eq!(
        report.items[0]
            .result
            .as_ref()
            .unwrap()
            .promo_identifier
            .as_deref(),
        Some("95c77d88-470c-4dd3-bde4-606ae1b64277")
    );

    let server = server_answering(200, EARN_1).await;
    let report = revoke(
        &server,
        RevokeAction::Earn,
        2714,
        PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"),
        ids(&["423927848"]),
    )
    .await
    .unwrap();
    assert_eq!(
        report.items[0].result.as_ref().unwrap().revoked_earn_ids,
        vec![EarnId(957)]
    );
}

#[tokio::test]
async fn partial_success_pairs_results_by_position() {
    let server = server_answering(207, MIXED_3).await;
    let report = revoke(
        &server,
        RevokeAction::Earn,
        753,
        PromotionRef::id(PromotionId(74230)),
        ids(&["555567088", "1", "2"]),
    )
    .await
    .unwrap();
    assert_eq!(report.meta.status.as_u16(), 207);
    assert_eq!((report.revoked(), report.refused()), (1, 2));
    let (first, ok) = report.iter().next().unwrap();
    assert_eq!(first.identifier_value, "555567088");
    assert_eq!(ok.as_ref().unwrap().revoked_earn_ids, vec![EarnId(111)]);
    for (customer, result) in report.iter().skip(1) {
        let errors = result.as_ref().unwrap_err();
        assert_eq!(
            errors[0].code,
            ErrorCode::CustomerNotFound,
            "{}",
            customer.identifier_value
        );
    }
}

#[tokio::test]
async fn every_documented_per_customer_error_is_typed() {
    for (code, message, typed) in [
        (
            8902,
            "revoke bulk action passed not supported for loyalty/generic promotion type",
            ErrorCode::RevokeActionNotSupported,
        ),
        (
            1101,
            "invalid programId passed",
            ErrorCode::InvalidProgramId,
        ),
        (8892, "promotion is inactive", ErrorCode::PromotionInactive),
        (
            8874,
            "promotion id passed is invalid",
            ErrorCode::InvalidPromotionId,
        ),
        (
            8896,
            "Error occurred while issuing promotion to the customer",
            ErrorCode::IssueFailed,
        ),
        (
            8901,
            "invalid entity type passed",
            ErrorCode::InvalidEntityTypePassed,
        ),
        (
            8015,
            "Customer not found for the given identifiers",
            ErrorCode::CustomerNotFound,
        ),
        (
            8899,
            "Cannot enrol/issue to the user group.",
            ErrorCode::UserGroupNotAllowed,
        ),
        (
            8881,
            "Insufficient parameters passed",
            ErrorCode::InsufficientParameters,
        ),
        (
            8903,
            "Earn IDs passed are either invalid or already revoked",
            ErrorCode::EarnIdsInvalidOrRevoked,
        ),
    ] {
        let server = server_answering(200, &single_error(code, message)).await;
        let report = revoke(
            &server,
            RevokeAction::Enrol,
            2714,
            PromotionRef::identifier("1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"),
            ids(&["423927848"]),
        )
        .await;
        // The codes the page gives as request-level refuse the request whole, even when it
        // carried one customer: one meaning, one outcome.
        if [1101, 8874, 8881, 8892, 8901, 8902].contains(&code) {
            let error = report.unwrap_err();
            assert_refused_whole(&error, typed);
            assert_eq!(error.errors()[0].message, message);
            continue;
        }
        let report = report.unwrap();
        let errors = report.items[0].result.as_ref().unwrap_err();
        assert_eq!(errors[0].code, typed);
        assert_eq!(errors[0].message, message);
        assert_eq!(
            (report.total_count, report.failure_count),
            (Some(1), Some(1))
        );
    }
}

/// The refusal a request-level answer must decode to, whatever its shape.
fn assert_refused_whole(error: &Error, code: ErrorCode) {
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    assert_eq!(error.codes(), vec![code]);
    assert_eq!(error.verdict(), Verdict::Refused);
    assert!(!error.maybe_applied());
}

/// A count mismatch: the server may have acted on the customers it did not answer.
fn assert_mismatch(error: &Error) {
    match error {
        Error::UnexpectedResponse {
            reason,
            maybe_applied,
            ..
        } => {
            assert!(reason.contains("cannot be paired"), "{reason}");
            assert!(
                maybe_applied,
                "customers left unanswered may have been applied"
            );
        }
        other => panic!("expected a count mismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn a_request_level_error_refuses_the_whole_request() {
    let server = server_answering(200, &single_error(1101, "invalid programId passed")).await;
    let error = revoke(
        &server,
        RevokeAction::Earn,
        9,
        PromotionRef::id(PromotionId(1)),
        ids(&["1", "2", "3"]),
    )
    .await
    .unwrap_err();
    assert_refused_whole(&error, ErrorCode::InvalidProgramId);
}

/// A `REVOKE_EARN` of customers 1, 2 and 3 answered with `body`: its error.
async fn three_customers_answered(status: u16, body: &str) -> Error {
    let server = server_answering(status, body).await;
    revoke(
        &server,
        RevokeAction::Earn,
        2714,
        PromotionRef::identifier("x"),
        ids(&["1", "2", "3"]),
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn a_request_level_item_and_top_level_errors_mean_the_same() {
    let item = single_error(8892, "promotion is inactive");
    let top = r#"{"errors":[{"status":false,"message":"promotion is inactive","code":8892}]}"#;
    for body in [item.as_str(), top] {
        let error = three_customers_answered(200, body).await;
        assert_refused_whole(&error, ErrorCode::PromotionInactive);
        assert_eq!(error.request_id(), Some("req-bulk"));
    }
}

#[tokio::test]
async fn a_single_item_that_cannot_speak_for_every_customer_is_a_count_mismatch() {
    // 8015, 8903 and 8896 name one customer, a 207 is a partial success, and counts of 3 and 1
    // say two customers succeeded: customers 2 and 3 may have been revoked.
    let counts_3_1 = r#"{"response":[{"errors":[{"status":false,"message":"promotion is inactive","code":8892}],"warnings":[]}],"totalCount":3,"failureCount":1}"#;
    let cases = [
        (207, single_error(8015, "x")),
        (200, single_error(8015, "x")),
        (200, single_error(8903, "x")),
        (200, single_error(8896, "x")),
        (207, single_error(8892, "promotion is inactive")),
        (200, counts_3_1.to_string()),
    ];
    for (status, body) in cases {
        let error = three_customers_answered(status, &body).await;
        assert_mismatch(&error);
    }
}

#[tokio::test]
async fn a_count_mismatch_is_an_error_not_a_silent_zip() {
    let error = three_customers_answered(200, EARN_2).await;
    match &error {
        Error::UnexpectedResponse {
            reason,
            maybe_applied,
            meta,
            ..
        } => {
            assert!(
                reason.contains("3 customers sent but 2 results"),
                "{reason}"
            );
            assert!(maybe_applied, "the server acted on some customers");
            assert_eq!(meta.request_id.as_deref(), Some("req-bulk"));
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_top_level_error_envelope_is_an_api_error() {
    let server = server_answering(
        403,
        r#"{"errors":[{"code":4000,"message":"access denied"}]}"#,
    )
    .await;
    let error = revoke(
        &server,
        RevokeAction::Earn,
        2714,
        PromotionRef::identifier("x"),
        ids(&["1"]),
    )
    .await
    .unwrap_err();
    assert_eq!(error.codes(), vec![ErrorCode::AccessDenied]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
}
