//! `POST /v2/promotion/issue`: the exact request, and every documented answer's typed outcome.

use crate::common::*;
use capillary_sdk::{
    CustomerId, CustomerRef, EntityType, Error, ErrorCode, IssualId, IssueOutcome, ProgramId,
    PromotionId, Source,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":57099,"type":"Points promotion"}]}"#;
const NOT_ISSUED: &str = r#"{"warnings":[{"status":false,"code":8890,"message":"promotion not issued due to config issues or customer exhausted limits"}],"errors":[],"sideEffects":[]}"#;
const BAD_PROGRAM: &str = r#"{"warnings":[],"errors":[{"status":false,"message":"invalid programId passed","code":1101}]}"#;
const BAD_PROMOTION: &str = r#"{"warnings":[],"errors":[{"status":false,"message":"promotion id passed is invalid","code":8874}]}"#;
const MISSING: &str = r#"{"warnings":[],"errors":[{"message":"identifierName, identifierValue, source can not be empty","code":11013,"status":false}]}"#;
const NOT_FOUND: &str = r#"{"warnings":[],"errors":[{"status":false,"code":8015,"message":"Customer not found for the given identifiers"}]}"#;

async fn server_answering(status: u16, body: &str) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(answer(status, body, "req-issue"))
        .mount(&server)
        .await;
    server
}

async fn issue_mobile(server: &MockServer) -> Result<IssueOutcome, Error> {
    issue(&basic_client(server)).await
}

#[tokio::test]
async fn sends_the_documented_request() {
    let server = server_answering(200, ISSUED).await;
    issue_mobile(&server).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v2/promotion/issue");
    assert_eq!(
        request.url.query(),
        Some("identifierName=mobile&identifierValue=18767431754&source=INSTORE")
    );
    assert_common_headers(&request);
    assert_eq!(
        body_json(&request),
        json!({"programId": 469, "promotionId": 65777})
    );
}

#[tokio::test]
async fn optional_query_parameters_and_identifier_kinds() {
    let server = server_answering(200, ISSUED).await;
    basic_client(&server)
        .promotions()
        .issue(
            CustomerRef::id(CustomerId(345651201)),
            Source::MobileApp,
            ProgramId(469),
            PromotionId(65777),
        )
        .entity_type(EntityType::Customer)
        .account_id("acc 1+2")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("identifierName=id&identifierValue=345651201&source=MOBILE_APP&type=CUSTOMER&accountId=acc+1%2B2")
    );
    for (kind, expected) in [
        (
            CustomerRef::email("ana@example.com"),
            "identifierName=email&identifierValue=ana%40example.com",
        ),
        (
            CustomerRef::external_id("EXT-1"),
            "identifierName=externalId&identifierValue=EXT-1",
        ),
    ] {
        let server = server_answering(200, ISSUED).await;
        basic_client(&server)
            .promotions()
            .issue(kind, Source::Website, ProgramId(1), PromotionId(2))
            .send()
            .await
            .unwrap();
        let query = only_request(&server).await.url.query().unwrap().to_string();
        assert_eq!(query, format!("{expected}&source=WEBSITE"));
    }
}

#[tokio::test]
async fn issued_answer_is_issued() {
    let server = server_answering(200, ISSUED).await;
    match issue_mobile(&server).await.unwrap() {
        IssueOutcome::Issued(issual) => {
            assert_eq!(issual.issual_id, IssualId(3));
            assert_eq!(issual.program_id, ProgramId(469));
            assert_eq!(issual.promotion_id, PromotionId(57099));
            assert_eq!(issual.effect_type.as_deref(), Some("Points promotion"));
            assert_eq!(issual.meta.status.as_u16(), 200);
            assert_eq!(issual.meta.request_id.as_deref(), Some("req-issue"));
        }
        other => panic!("expected Issued, got {other:?}"),
    }
}

#[tokio::test]
async fn warning_8890_with_empty_side_effects_is_not_issued() {
    let server = server_answering(200, NOT_ISSUED).await;
    let outcome = issue_mobile(&server).await.unwrap();
    assert!(!outcome.is_issued());
    assert_eq!(outcome.meta().request_id.as_deref(), Some("req-issue"));
    match outcome {
        IssueOutcome::NotIssued { warnings, .. } => {
            assert_eq!(warnings.len(), 1);
            assert_eq!(warnings[0].code, ErrorCode::PromotionNotIssued);
            assert!(warnings[0].message.contains("exhausted limits"));
        }
        other => panic!("expected NotIssued, got {other:?}"),
    }
}

#[tokio::test]
async fn documented_errors_are_typed() {
    for (status, body, code) in [
        (200, BAD_PROGRAM, ErrorCode::InvalidProgramId),
        (400, BAD_PROGRAM, ErrorCode::InvalidProgramId),
        (400, BAD_PROMOTION, ErrorCode::InvalidPromotionId),
        (400, MISSING, ErrorCode::MissingIdentifier),
        (200, NOT_FOUND, ErrorCode::CustomerNotFound),
        (
            400,
            r#"{"warnings":[],"errors":[{"code":1212,"message":"entity type invalid"}]}"#,
            ErrorCode::InvalidEntityType,
        ),
    ] {
        let server = server_answering(status, body).await;
        let error = issue_mobile(&server).await.unwrap_err();
        assert_eq!(error.codes(), vec![code], "{body}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.request_id(), Some("req-issue"));
        assert!(!error.maybe_applied(), "a refusal applied nothing");
        assert!(matches!(error, Error::Api { .. }));
    }
}

#[tokio::test]
async fn unknown_codes_and_fields_still_decode() {
    let body =
        r#"{"warnings":null,"errors":[{"code":"999999","message":"new","extra":1}],"more":true}"#;
    let server = server_answering(400, body).await;
    let error = issue_mobile(&server).await.unwrap_err();
    assert_eq!(error.codes(), vec![ErrorCode::Unknown(999_999)]);
}

#[tokio::test]
async fn a_non_envelope_answer_is_unexpected_with_a_snippet() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(502)
                .insert_header("X-Cap-Requestid", "req-issue")
                .set_body_raw("<html><body>Bad gateway</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    match issue_mobile(&server).await.unwrap_err() {
        Error::UnexpectedResponse {
            meta,
            snippet,
            maybe_applied,
            content_type,
            ..
        } => {
            assert_eq!(meta.status.as_u16(), 502);
            assert_eq!(meta.request_id.as_deref(), Some("req-issue"));
            assert!(snippet.starts_with("<html>"));
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(maybe_applied, "a 502 may come after the server acted");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}
