//! Answers the property tests found or that matter most, pinned as examples: each becomes a
//! typed error with the status, the request id and a short snippet.

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::from_fn;
use capillary_sdk::{
    Client, CustomerId, Error, ProgramId, PromotionId, PromotionRef, RetryPolicy, RevokeAction,
    RevokeCustomer, RevokeIdentifierKind, TargetGroupId, TargetId,
};

fn client(status: u16, body: impl Into<Bytes>) -> Client {
    let body: Bytes = body.into();
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "password"))
        .retry_policy(RetryPolicy::none())
        .transport(from_fn(move |_request: http::Request<Bytes>| {
            let body = body.clone();
            async move {
                Ok(http::Response::builder()
                    .status(status)
                    .header("content-type", "text/html")
                    .header("X-Cap-Requestid", "req-9")
                    .body(body)
                    .unwrap())
            }
        }))
        .build()
        .unwrap()
}

fn unexpected(error: Error) -> (u16, String, String, bool) {
    match error {
        Error::UnexpectedResponse {
            meta,
            snippet,
            reason,
            maybe_applied,
            ..
        } => {
            assert_eq!(meta.request_id.as_deref(), Some("req-9"));
            (meta.status.as_u16(), snippet, reason, maybe_applied)
        }
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}

#[tokio::test]
async fn results_in_an_error_answer_are_not_a_report() {
    let body = r#"{"response":[{"result":{"entityId":423927867,"issualId":847},"errors":[]}]}"#;
    // The status decides first: a 503 that is not Capillary's (no 4001, no Retry-After) and a
    // 500 may have been applied, a 400 is a refusal, whatever the body claims.
    for (status, maybe_applied, why) in [
        (503, true, "without errors"),
        (500, true, "without errors"),
        (400, false, "error status"),
    ] {
        let error = client(status, body)
            .promotions()
            .revoke(
                RevokeAction::Enrol,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
            )
            .customer(RevokeCustomer::new("423927867"))
            .send()
            .await
            .unwrap_err();
        let (got, _, reason, maybe) = unexpected(error);
        assert_eq!(got, status);
        assert!(reason.contains(why), "{reason}");
        assert_eq!(maybe, maybe_applied, "{status}");
    }
}

#[tokio::test]
async fn a_long_wrong_value_is_not_kept_whole() {
    let body = format!(r#"{{"data":"{}","errors":null}}"#, "9x".repeat(5_000));
    let error = client(200, body)
        .targets()
        .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(345651201))
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    let (status, snippet, reason, maybe) = unexpected(error);
    assert_eq!(status, 200);
    assert!(maybe, "an unreadable 200 may have been applied");
    assert_eq!(snippet.len(), 200);
    assert!(reason.len() <= 303, "{} bytes", reason.len());
    assert!(text.len() < 800, "{} bytes", text.len());
}

#[tokio::test]
async fn an_html_error_page_keeps_its_start() {
    let page = "<html><head><title>504 Gateway Time-out</title></head></html>";
    let error = client(504, page)
        .targets()
        .unenroll(TargetGroupId(7), TargetId(13), CustomerId(345651201))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("504"), "{error}");
    let (status, snippet, _, maybe) = unexpected(error);
    assert_eq!(status, 504);
    assert_eq!(snippet, page);
    assert!(maybe);
}
