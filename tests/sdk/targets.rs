//! `POST /v3.1/targetGroups/{g}/targets/{t}/enroll` and `.../unEnroll`.

use crate::common::*;
use capillary_sdk::{
    CustomerId, DataScope, Error, ErrorCode, OrgId, TargetGroupId, TargetId, TargetOutcome,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const ENROLLED: &str = r#"{"data":345651201,"errors":null,"warnings":null}"#;
// Verbatim from the enroll page, single quotes and all: not valid JSON.
const SCOPE_ALL: &str = "{\n\"data\": null,\n\"errors\": [\n{\n\"code\": 310141,\n\"message\": 'Datascope 'ALL' is not supported for this 'API'\n}\n],\n\"warnings\": null\n}";

async fn server_answering(route: &str, status: u16, body: &str) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer(status, body, "req-target"))
        .mount(&server)
        .await;
    server
}

async fn enroll_milestone(server: &MockServer) -> Result<TargetOutcome, Error> {
    basic_client(server)
        .targets()
        .enroll_milestone(
            TargetGroupId(7),
            TargetId(12),
            CustomerId(345651201),
            "PERIOD_G_29463_1",
        )
        .initial_balance(100)
        .data_scope(DataScope::Other, [OrgId(50123), OrgId(50124)])
        .send()
        .await
}

fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn enroll_sends_the_documented_request() {
    let server = server_answering("/v3.1/targetGroups/7/targets/12/enroll", 200, ENROLLED).await;
    let outcome = enroll_milestone(&server).await.unwrap();
    assert_eq!(outcome.customer_id, CustomerId(345651201));
    assert_eq!(outcome.meta.request_id.as_deref(), Some("req-target"));
    assert_eq!(outcome.meta.status.as_u16(), 200);
    assert!(outcome.warnings.is_empty());
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.query(), None);
    assert_common_headers(&request);
    assert_eq!(header(&request, "data-scope").as_deref(), Some("OTHER"));
    assert_eq!(
        header(&request, "data-scope-org").as_deref(),
        Some("50123,50124")
    );
    assert_eq!(
        body_json(&request),
        // The page's example also carries `"resetStreakStatus": false`, a streak-only field
        // the milestone shape has no way to send.
        json!([{"customerId":345651201,"periodName":"PERIOD_G_29463_1","initialBalance":100}])
    );
}

#[tokio::test]
async fn a_streak_enroll_sends_only_the_streak_fields_and_self_scope() {
    let server = server_answering(
        "/v3.1/targetGroups/7/targets/13/enroll",
        200,
        r#"{"data":"345651201"}"#,
    )
    .await;
    let outcome = basic_client(&server)
        .targets()
        .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201))
        .reset_streak(true)
        .data_scope(DataScope::SelfOrg, [])
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.customer_id, CustomerId(345651201));
    let request = only_request(&server).await;
    assert_eq!(header(&request, "data-scope").as_deref(), Some("SELF"));
    assert_eq!(header(&request, "data-scope-org"), None);
    assert_eq!(
        body_json(&request),
        json!([{"customerId":345651201,"resetStreakStatus":true}])
    );
}

#[tokio::test]
async fn unenroll_sends_the_documented_request() {
    let server = server_answering(
        "/v3.1/targetGroups/7/targets/12/unEnroll",
        200,
        r#"{"data": 423789336, "errors": null, "warnings": null}"#,
    )
    .await;
    let outcome = basic_client(&server)
        .targets()
        .unenroll(TargetGroupId(7), TargetId(12), CustomerId(423789336))
        .data_scope(DataScope::Other, [OrgId(50123)])
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.customer_id, CustomerId(423789336));
    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(header(&request, "data-scope-org").as_deref(), Some("50123"));
    assert_eq!(body_json(&request), json!([{"customerId":423789336}]));
}

#[tokio::test]
async fn the_pages_invalid_json_example_keeps_its_code() {
    let server = server_answering("/v3.1/targetGroups/7/targets/12/enroll", 400, SCOPE_ALL).await;
    let error = enroll_milestone(&server).await.unwrap_err();
    assert_eq!(error.codes(), vec![ErrorCode::DataScopeAllNotSupported]);
    assert_eq!(error.request_id(), Some("req-target"));
    assert!(!error.maybe_applied());
}

#[tokio::test]
async fn every_documented_error_code_is_typed() {
    for (code, typed) in [
        (310119, ErrorCode::AlreadyEnrolled),
        (310011, ErrorCode::InvalidUserId),
        (310019, ErrorCode::TargetPeriodNotFound),
        (310017, ErrorCode::TargetGroupNotFound),
        (310018, ErrorCode::TargetRuleNotFound),
        (300004, ErrorCode::InvalidInput),
        (310141, ErrorCode::DataScopeAllNotSupported),
        (310144, ErrorCode::ConnectedOrgsNotSet),
    ] {
        let body = format!(
            r#"{{"data":null,"errors":[{{"code":{code},"message":"m"}}],"warnings":null}}"#
        );
        let server = server_answering("/v3.1/targetGroups/7/targets/12/enroll", 400, &body).await;
        let error = enroll_milestone(&server).await.unwrap_err();
        assert_eq!(error.codes(), vec![typed]);
        assert!(matches!(&error, Error::Api { meta, .. } if meta.status.as_u16() == 400));
    }
}

#[tokio::test]
async fn data_without_a_customer_and_without_errors_is_unexpected() {
    let server = server_answering(
        "/v3.1/targetGroups/7/targets/12/enroll",
        200,
        r#"{"data":null,"errors":null}"#,
    )
    .await;
    let error = enroll_milestone(&server).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::UnexpectedResponse {
                maybe_applied: true,
                ..
            }
        ),
        "{error:?}"
    );
}
