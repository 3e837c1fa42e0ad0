//! What an answer says is kept bounded, whatever its size: a request id keeps its first
//! `ResponseMeta::MAX_REQUEST_ID_BYTES`, a message its first `ApiMessage::MAX_MESSAGE_BYTES`
//! (marked as cut), and one errors or warnings list its first `ApiMessage::MAX_MESSAGES`, in
//! every outcome: a success, a refusal, an unreadable answer, every customer of a bulk revoke.

use std::collections::HashMap;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::from_fn;
use capillary_sdk::{ApiMessage, Client, Error, ResponseMeta, RetryPolicy, RevokeOutcome};

use crate::bulk_common::{answer, revoke_all_outcomes};
use crate::common::issue;

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

/// A request id of 350 KB, as a hostile or broken server may send.
fn long_request_id() -> String {
    "r".repeat(350 * 1024)
}

/// A client whose server answers `status` and `body(request body)` with `request_id`.
fn client(
    status: u16,
    request_id: String,
    body: impl Fn(&[u8]) -> String + Send + Sync + 'static,
) -> Client {
    let body = std::sync::Arc::new(body);
    Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "secret123"))
        .retry_policy(RetryPolicy::none())
        .transport(from_fn(move |request: http::Request<Bytes>| {
            let answer = http::Response::builder()
                .status(status)
                .header("X-Cap-Requestid", request_id.as_str())
                .body(Bytes::from(body(request.body())))
                .unwrap();
            async move { Ok(answer) }
        }))
        .build()
        .unwrap()
}

fn assert_bounded(what: &str, id: Option<&str>, full: &str) {
    let id = id.unwrap_or_else(|| panic!("{what}: no request id"));
    assert_eq!(id.len(), ResponseMeta::MAX_REQUEST_ID_BYTES, "{what}");
    assert!(full.starts_with(id), "{what}: a prefix of the header");
}

#[tokio::test]
async fn a_350_kb_request_id_is_kept_as_its_first_128_bytes_in_every_outcome() {
    let full = long_request_id();
    let ok = issue(&client(200, full.clone(), |_| ISSUED.into()))
        .await
        .unwrap();
    assert_bounded("a success", ok.meta().request_id.as_deref(), &full);
    let refused = r#"{"errors":[{"code":8015,"message":"Customer not found"}]}"#;
    let error = issue(&client(400, full.clone(), |_| refused.into()))
        .await
        .unwrap_err();
    assert_bounded("a refusal", error.request_id(), &full);
    let error = issue(&client(500, full.clone(), |_| "<html>oops</html>".into()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UnexpectedResponse { .. }));
    assert_bounded("an unreadable answer", error.request_id(), &full);

    // Every customer of a bulk revoke, answered or refused as a request.
    let answered = client(200, full.clone(), |body| {
        answer(body, &HashMap::new()).to_string()
    });
    let refused_whole = client(400, full.clone(), |_| refused.into());
    for client in [answered, refused_whole] {
        let outcomes = revoke_all_outcomes(&client, 250, 4).await;
        assert_eq!(outcomes.len(), 250);
        for outcome in &outcomes {
            let id = match outcome {
                RevokeOutcome::Answered { meta, .. } => meta.request_id.as_deref(),
                other => other.error().and_then(Error::request_id),
            };
            assert_bounded("a bulk outcome", id, &full);
        }
    }
}

#[tokio::test]
async fn a_megabyte_message_is_cut_on_a_character_boundary() {
    for unit in ["x", "é", "日本"] {
        let text = unit.repeat(1024 * 1024 / unit.len());
        let body = format!(r#"{{"errors":[{{"code":8015,"message":"{text}"}}]}}"#);
        let error = issue(&client(400, "req-1".into(), move |_| body.clone()))
            .await
            .unwrap_err();
        let message = &error.errors()[0].message;
        let kept = message
            .strip_suffix(ApiMessage::CUT_MARK)
            .unwrap_or_else(|| panic!("marked as cut: {}", &message[message.len() - 20..]));
        assert!(
            kept.len() <= ApiMessage::MAX_MESSAGE_BYTES,
            "{}",
            kept.len()
        );
        assert!(
            kept.len() > ApiMessage::MAX_MESSAGE_BYTES - 4,
            "{}",
            kept.len()
        );
        assert!(text.starts_with(kept), "{unit}");
    }
    // A message within the bound is kept verbatim.
    let body = r#"{"errors":[{"code":8015,"message":"Customer not found"}]}"#;
    let error = issue(&client(400, "req-1".into(), |_| body.into()))
        .await
        .unwrap_err();
    assert_eq!(error.errors()[0].message, "Customer not found");
}

#[tokio::test]
async fn a_list_of_100k_messages_keeps_its_first_32() {
    // Under the 4 MiB cap: 100,000 errors and 40,000 warnings.
    let list = |n: usize| {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"code":{},"message":"m{}"}}"#, 8000 + i % 900, i % 100))
            .collect();
        format!("[{}]", items.join(","))
    };
    let body = format!(
        r#"{{"errors":{},"warnings":{}}}"#,
        list(100_000),
        list(40_000)
    );
    let error = issue(&client(400, "req-1".into(), move |_| body.clone()))
        .await
        .unwrap_err();
    let Error::Api {
        errors, warnings, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(errors.len(), ApiMessage::MAX_MESSAGES);
    assert_eq!(warnings.len(), ApiMessage::MAX_MESSAGES);
    assert_eq!(errors[31].message, "m31");

    // One customer's errors in a bulk answer: the same bound.
    let item = format!(
        r#"{{"response":[{{"errors":{}}}],"totalCount":1,"failureCount":1}}"#,
        list(100_000)
    );
    let client = client(200, "req-2".into(), move |_| item.clone());
    let outcomes = revoke_all_outcomes(&client, 1, 1).await;
    let RevokeOutcome::Answered { item, .. } = &outcomes[0] else {
        panic!("{:?}", outcomes[0])
    };
    let errors = item.result.as_ref().unwrap_err();
    assert_eq!(errors.len(), ApiMessage::MAX_MESSAGES);
}
