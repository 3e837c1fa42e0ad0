//! What a service built on the crate maps and returns: error helpers, one shape for codes,
//! outcomes serialised with the API's field names, a bulk revoke finished without StreamExt.

use std::time::Duration;

use capillary_sdk::sandbox::{demo, Fault, Sandbox};
use capillary_sdk::{
    ApiMessages, Cluster, CustomerRef, DataScope, Error, ErrorCode, IdentifierKind, ParseError,
    PromotionRef, RetryPolicy, RevokeAction, RevokeCustomer, RevokeIdentifierKind, RevokeOutcome,
    Source, Verdict,
};
use serde_json::json;

fn issue(client: &capillary_sdk::Client, mobile: &str) -> capillary_sdk::IssueRequest {
    client.promotions().issue(
        CustomerRef::mobile(mobile),
        Source::Instore,
        demo::PROGRAM_ISSUE,
        demo::PROMOTION_ENROL,
    )
}

#[tokio::test]
async fn an_error_answers_what_a_handler_asks() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let error = issue(&client, "999999").send().await.unwrap_err();
    assert!(error.has_code(ErrorCode::CustomerNotFound), "{error:?}");
    assert!(!error.has_code(ErrorCode::InvalidProgramId));
    assert_eq!(error.codes(), error.errors().codes());
    assert!(!error.is_retryable());
    assert_eq!(error.verdict(), Verdict::Refused);
    assert_eq!(error.retry_after(), None);
    // Errors are values: clone one to keep it.
    let kept = error.clone();
    assert_eq!(kept.to_string(), error.to_string());
}

#[tokio::test(start_paused = true)]
async fn a_refusal_before_work_carries_its_retry_after() {
    let sandbox = Sandbox::demo();
    sandbox.fail_next(
        1,
        Fault::Respond {
            status: 429,
            body: bytes::Bytes::from_static(b"{}"),
        },
    );
    let client = sandbox.client().unwrap();
    let error = issue(&client, demo::ANA_MOBILE)
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    // The sandbox's injected 429 sends no Retry-After; a 503 from `Fault::Status` neither.
    assert_eq!(error.retry_after(), None);
}

#[tokio::test]
async fn retry_after_is_read_from_the_answer() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(
            wiremock::ResponseTemplate::new(503)
                .insert_header("Retry-After", "120")
                .insert_header("X-Cap-Requestid", "req-ra")
                .set_body_raw(
                    r#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let client = capillary_sdk::Client::builder()
        .base_url(server.uri())
        .auth(capillary_sdk::auth::Basic::new("till", "pw"))
        .build()
        .unwrap();
    let error = issue(&client, demo::ANA_MOBILE).send().await.unwrap_err();
    // 120 s is past the policy's longest Retry-After: returned at once, with its wait.
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(error.has_code(ErrorCode::AuthorizationUnavailable));
    assert_eq!(error.request_id(), Some("req-ra"));
    let meta = serde_json::to_value(error.meta().unwrap()).unwrap();
    assert_eq!(
        meta,
        json!({"status": 503, "requestId": "req-ra", "retryAfterSeconds": 120})
    );
}

#[tokio::test]
async fn an_auth_failure_keeps_statuses_out_of_codes() {
    let sandbox = Sandbox::demo();
    let client = sandbox
        .client_builder()
        .auth(capillary_sdk::auth::Basic::new("sandbox", "wrong"))
        .build()
        .unwrap();
    let error = issue(&client, demo::ANA_MOBILE).send().await.unwrap_err();
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(
        error.codes().iter().all(|c| c.as_i64() != 401),
        "{:?}",
        error.codes()
    );
    assert_eq!(error.verdict(), Verdict::CredentialsRejected);
}

#[tokio::test]
async fn outcomes_serialise_with_the_api_field_names() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let issued = issue(&client, demo::ANA_MOBILE).send().await.unwrap();
    let json = serde_json::to_value(&issued).unwrap();
    assert_eq!(json["status"], "issued");
    assert_eq!(json["programId"], 469);
    assert_eq!(json["promotionId"], 65777);
    assert!(json["issualId"].is_u64(), "{json}");
    assert_eq!(json["http"]["status"], 200);
    assert!(json["http"]["requestId"].is_string());

    let again = issue(&client, demo::ANA_MOBILE).send().await.unwrap();
    let json = serde_json::to_value(&again).unwrap();
    assert_eq!(json["status"], "not_issued", "{json}");
    assert_eq!(json["warnings"][0]["code"], 8890);

    let report = client
        .promotions()
        .revoke(
            RevokeAction::Earn,
            demo::PROGRAM_REVOKE,
            PromotionRef::identifier(demo::IDENTIFIER_202779),
            RevokeIdentifierKind::Id,
        )
        .customers([
            RevokeCustomer::new("423927867"),
            RevokeCustomer::new("1").source(Source::Instore),
        ])
        .send()
        .await
        .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let first = &json["response"][0];
    assert_eq!(first["identifierValue"], "423927867");
    assert_eq!(first["status"], "revoked");
    assert_eq!(first["entityId"], 423927867);
    assert_eq!(first["promoIdentifier"], demo::IDENTIFIER_202779);
    assert!(first["revokedEarnIds"].is_array(), "{first}");
    let second = &json["response"][1];
    assert_eq!(second["status"], "refused");
    assert_eq!(second["source"], "INSTORE");
    assert_eq!(second["errors"][0]["code"], 8015);
    assert!(report.items[1]
        .result
        .as_ref()
        .unwrap_err()
        .has_code(ErrorCode::CustomerNotFound));
    assert_eq!(json["totalCount"], 2);
    assert_eq!(json["http"]["status"], 207);

    let enrolled = client
        .targets()
        .enroll_streak(demo::TARGET_GROUP, demo::STREAK, demo::CUSTOMER_ANA)
        .data_scope(DataScope::Other, [demo::CONNECTED_ORG])
        .send()
        .await
        .unwrap();
    let json = serde_json::to_value(&enrolled).unwrap();
    assert_eq!(json["customerId"], 345651201);
    assert_eq!(json["http"]["status"], 200);
    assert_eq!(serde_json::to_value(ErrorCode::Unknown(77)).unwrap(), 77);
    assert_eq!(
        serde_json::to_value(ErrorCode::CustomerNotFound).unwrap(),
        8015
    );
}

#[tokio::test]
async fn a_bulk_revoke_finishes_without_stream_ext() {
    let sandbox = Sandbox::demo();
    sandbox.fail_next(1, Fault::Drop);
    let client = sandbox.client().unwrap();
    let customers = || {
        [
            RevokeCustomer::new("423927867"),
            RevokeCustomer::new("not-a-number"),
        ]
    };
    let revoke = |client: &capillary_sdk::Client| {
        client.promotions().revoke_all(
            RevokeAction::Earn,
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202779),
            RevokeIdentifierKind::Id,
            customers(),
        )
    };
    let outcomes = revoke(&client).collect_outcomes().await;
    assert_eq!(outcomes.len(), 2);
    assert!(matches!(outcomes[0], RevokeOutcome::MaybeApplied { .. }));
    assert!(matches!(outcomes[1], RevokeOutcome::NotApplied { .. }));
    let json = serde_json::to_value(&outcomes).unwrap();
    assert_eq!(json[0]["status"], "maybe_applied");
    assert_eq!(json[0]["identifierValue"], "423927867");
    assert_eq!(json[0]["position"], 0);
    assert_eq!(json[1]["status"], "not_applied");
    assert!(json[1]["error"]
        .as_str()
        .unwrap()
        .contains("not a customer id"));

    let summary = revoke(&client).summary().await;
    assert_eq!(
        (
            summary.revoked,
            summary.refused,
            summary.not_applied,
            summary.maybe_applied
        ),
        (1, 0, 1, 0)
    );
    assert_eq!(summary.total(), 2);
    assert!(!summary.all_revoked());
    assert_eq!(
        serde_json::to_value(summary).unwrap(),
        json!({"revoked": 1, "refused": 0, "notApplied": 1, "maybeApplied": 0})
    );
    let answered = revoke(&client).collect_outcomes().await;
    let json = serde_json::to_value(&answered[0]).unwrap();
    assert_eq!(json["status"], "refused", "{json}");
    assert_eq!(json["errors"][0]["code"], 8903);
}

#[test]
fn parsing_fails_with_a_typed_error() {
    let err: ParseError = "mars".parse::<Cluster>().unwrap_err();
    assert_eq!((err.what(), err.value()), ("cluster", "mars"));
    assert!(err.to_string().contains("eu, india"), "{err}");
    assert!("KIOSK".parse::<Source>().is_err());
    assert!("phone".parse::<IdentifierKind>().is_err());
    assert!("externalId".parse::<RevokeIdentifierKind>().is_err());
    assert!("burn".parse::<RevokeAction>().is_err());
    let boxed: Box<dyn std::error::Error + Send + Sync> =
        "ALL?".parse::<DataScope>().unwrap_err().into();
    assert!(boxed.to_string().contains("data scope"));
}

#[tokio::test]
async fn an_enrolment_is_revoked_with_its_earns_in_one_call() {
    use capillary_sdk::EnrolmentStep;
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    // Alone, REVOKE_ENROL is refused while earns are live.
    let refused = client
        .promotions()
        .revoke(
            RevokeAction::Enrol,
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202779),
            RevokeIdentifierKind::Id,
        )
        .customer(RevokeCustomer::new("423927867"))
        .send()
        .await
        .unwrap();
    assert!(refused.items[0].result.is_err());

    let report = client
        .promotions()
        .revoke_enrolments_with_earns(
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202779),
            RevokeIdentifierKind::Id,
        )
        .customers(["423927867", "423927868", "1"].map(RevokeCustomer::new))
        .send()
        .await
        .unwrap();
    assert_eq!(report.revoked(), 2);
    let first = &report.items[0];
    assert_eq!(first.earns.as_ref().unwrap().revoked_earn_ids.len(), 1);
    assert!(
        matches!(&first.enrolment, EnrolmentStep::Revoked(r) if r.revoked_issual_id.map(|i| i.0) == Some(851))
    );
    // Customer 1 does not exist: its earns step failed, its enrolment was not attempted.
    assert!(report.items[2]
        .earns
        .as_ref()
        .unwrap_err()
        .has_code(ErrorCode::CustomerNotFound));
    assert!(matches!(report.items[2].enrolment, EnrolmentStep::Skipped));
    assert!(sandbox
        .issuals()
        .iter()
        .filter(|i| i.promotion == demo::PROMOTION_202779)
        .all(|i| i.revoked));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["items"][0]["enrolment"]["status"], "revoked");
    assert_eq!(json["items"][0]["enrolment"]["revokedIssualId"], 851);
    assert_eq!(json["items"][2]["enrolment"]["status"], "skipped");
    assert_eq!(json["items"][2]["earns"]["errors"][0]["code"], 8015);

    // Again: no earns left (8903) and no live enrolment (refused), nothing revoked twice.
    let again = client
        .promotions()
        .revoke_enrolments_with_earns(
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202779),
            RevokeIdentifierKind::Id,
        )
        .customer(RevokeCustomer::new("423927867"))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        again.items[0].enrolment,
        EnrolmentStep::Refused { .. }
    ));

    // Earn ids make no sense here: refused before anything is sent.
    let before = sandbox.requests().len();
    let bad = client
        .promotions()
        .revoke_enrolments_with_earns(
            demo::PROGRAM_REVOKE,
            PromotionRef::id(demo::PROMOTION_202779),
            RevokeIdentifierKind::Id,
        )
        .customer(RevokeCustomer::new("423927867").earn_ids([capillary_sdk::EarnId(974)]))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidRequest { .. }));
    assert_eq!(sandbox.requests().len(), before);
}

#[tokio::test]
async fn an_invalid_request_names_the_sdk_call_that_set_the_field() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let error = issue(&client, demo::ANA_MOBILE)
        .account_id(" ")
        .send()
        .await
        .unwrap_err();
    match error {
        Error::InvalidRequest { field, method, .. } => {
            assert_eq!(field, "accountId");
            assert_eq!(method, "IssueRequest::account_id");
        }
        other => panic!("{other:?}"),
    }
    let error = client
        .targets()
        .enroll_milestone(demo::TARGET_GROUP, demo::MILESTONE, demo::CUSTOMER_ANA, "")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidRequest { method, .. } if method.contains("enroll_milestone")),
        "{error:?}"
    );
    assert!(sandbox.requests().is_empty());
}
