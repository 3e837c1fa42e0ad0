//! The engine's decisions where an answer or a credential fetch is broken: each test here
//! failed before the engine decided everything from one classifier under one deadline.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::transport::{from_fn, TransportError, TransportErrorKind};
use capillary_sdk::{
    Client, CustomerRef, Error, ProgramId, PromotionId, PromotionRef, RetryBudget, RetryPolicy,
    RevokeAction, RevokeCustomer, RevokeIdentifierKind, RevokeOutcome, Source, Verdict,
};
use futures_util::StreamExt as _;
use tokio::time::Instant;

const TOKEN_PATH: &str = "/v3/oauth/token/generate";
const REVOKE_PATH: &str = "/v2/promotion/bulk/revokeEnrolAndEarn";
const TOKEN: &str = r#"{"data":{"accessToken":"tok-1","ttlSeconds":3600},"errors":[]}"#;

/// A bulk answer that reads as "every customer failed" (8015), whatever its status.
const BULK_FAILURES: &str = r#"{"response":[{"errors":[{"code":8015,"message":"Customer not found"}]},{"errors":[{"code":8015,"message":"Customer not found"}]}],"totalCount":2,"failureCount":2}"#;

#[derive(Clone)]
enum Reply {
    Answer(u16, &'static str),
    /// An answer with this `Retry-After`.
    AnswerWith(u16, &'static str, &'static str),
    After(Duration, u16, &'static str),
    Fail(TransportErrorKind),
    Hang,
}

/// A server by path: each path answers its scripted replies in turn (the last for ever), and
/// every request is counted by path.
#[derive(Clone, Default)]
struct Server {
    script: Arc<HashMap<&'static str, Vec<Reply>>>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn new(script: Vec<(&'static str, Vec<Reply>)>) -> Self {
        Self {
            script: Arc::new(script.into_iter().collect()),
            seen: Arc::default(),
        }
    }

    fn count(&self, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    fn client(&self, auth_oauth: bool, policy: RetryPolicy) -> Client {
        self.builder(auth_oauth, policy).build().unwrap()
    }

    fn builder(&self, auth_oauth: bool, policy: RetryPolicy) -> capillary_sdk::ClientBuilder {
        let server = self.clone();
        let builder = Client::builder()
            .base_url("https://eu.api.capillarytech.com")
            .retry_policy(policy.jitter(false))
            .retry_budget(RetryBudget::unlimited())
            .transport(from_fn(move |request: http::Request<Bytes>| {
                let path = request.uri().path().to_string();
                let reply = {
                    let mut seen = server.seen.lock().unwrap();
                    let n = seen.iter().filter(|p| **p == path).count();
                    seen.push(path.clone());
                    let replies = &server.script[path.as_str()];
                    replies[n.min(replies.len() - 1)].clone()
                };
                async move {
                    let answer = |status: u16, body: &'static str| {
                        Ok(http::Response::builder()
                            .status(status)
                            .header("X-Cap-Requestid", "req-e")
                            .body(Bytes::from_static(body.as_bytes()))
                            .unwrap())
                    };
                    match reply {
                        Reply::Answer(status, body) => answer(status, body),
                        Reply::AnswerWith(status, body, retry_after) => {
                            Ok(http::Response::builder()
                                .status(status)
                                .header("Retry-After", retry_after)
                                .body(Bytes::from_static(body.as_bytes()))
                                .unwrap())
                        }
                        Reply::After(wait, status, body) => {
                            tokio::time::sleep(wait).await;
                            answer(status, body)
                        }
                        Reply::Fail(kind) => Err(TransportError::new(kind, "scripted")),
                        Reply::Hang => std::future::pending().await,
                    }
                }
            }));
        if auth_oauth {
            builder.auth(OAuth::new("key", "secret"))
        } else {
            builder.auth(Basic::new("till", "secret123"))
        }
    }
}

fn two_customers() -> [RevokeCustomer; 2] {
    [
        RevokeCustomer::new("423927867"),
        RevokeCustomer::new("423927868"),
    ]
}

async fn revoke(client: &Client) -> Result<capillary_sdk::RevokeReport, Error> {
    crate::bulk_common::revoke(client, two_customers()).await
}

#[tokio::test(start_paused = true)]
async fn a_refusal_before_work_shaped_like_bulk_results_is_retried_not_reported() {
    // A 503 is Capillary's refusal when it carries its Retry-After.
    let refusals = [
        (429, Reply::Answer(429, BULK_FAILURES)),
        (461, Reply::Answer(461, BULK_FAILURES)),
        (503, Reply::AnswerWith(503, BULK_FAILURES, "1")),
        (521, Reply::Answer(521, BULK_FAILURES)),
    ];
    for (status, reply) in refusals {
        let server = Server::new(vec![(REVOKE_PATH, vec![reply])]);
        let error = revoke(&server.client(false, RetryPolicy::default()))
            .await
            .unwrap_err();
        assert_eq!(server.count(REVOKE_PATH), 4, "HTTP {status} is retried");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.verdict(), Verdict::RetrySafe, "{status}");
        assert!(!error.maybe_applied());
        assert!(error.is_retryable());
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_failure_shaped_like_bulk_results_may_have_been_applied() {
    for status in [500, 502, 504, 507] {
        let server = Server::new(vec![(
            REVOKE_PATH,
            vec![Reply::Answer(status, BULK_FAILURES)],
        )]);
        let error = revoke(&server.client(false, RetryPolicy::default()))
            .await
            .unwrap_err();
        assert_eq!(
            server.count(REVOKE_PATH),
            1,
            "HTTP {status} is not replayed"
        );
        assert!(error.maybe_applied(), "HTTP {status}: {error:?}");
        assert!(matches!(error, Error::Api { .. }), "{error:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn revoke_all_reports_capillarys_503_as_not_applied_a_gateways_503_and_a_500_as_maybe_applied(
) {
    let answers = [
        (503, false, Reply::AnswerWith(503, BULK_FAILURES, "1")),
        (503, true, Reply::Answer(503, BULK_FAILURES)),
        (500, true, Reply::Answer(500, BULK_FAILURES)),
    ];
    for (status, maybe, reply) in answers {
        let server = Server::new(vec![(REVOKE_PATH, vec![reply])]);
        let outcomes: Vec<RevokeOutcome> = server
            .client(false, RetryPolicy::none())
            .promotions()
            .revoke_all(
                RevokeAction::Earn,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
                two_customers(),
            )
            .stream()
            .collect()
            .await;
        assert_eq!(outcomes.len(), 2);
        for outcome in &outcomes {
            assert!(!outcome.is_known(), "HTTP {status}: {outcome:?}");
            assert_eq!(
                outcome.error().map(|e| e.maybe_applied()),
                Some(maybe),
                "HTTP {status}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn one_deadline_covers_the_token_fetch_and_the_send() {
    let server = Server::new(vec![
        (
            TOKEN_PATH,
            vec![Reply::After(Duration::from_secs(9), 200, TOKEN)],
        ),
        (REVOKE_PATH, vec![Reply::Hang]),
    ]);
    let client = server.client(
        true,
        RetryPolicy::default().deadline(Duration::from_secs(10)),
    );
    let started = Instant::now();
    let error = revoke(&client).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(10), "{error:?}");
    assert!(error.maybe_applied(), "the API request hung after sending");
}

#[tokio::test(start_paused = true)]
async fn a_silent_token_endpoint_ends_the_call_at_its_deadline() {
    let server = Server::new(vec![(TOKEN_PATH, vec![Reply::Hang]), (REVOKE_PATH, vec![])]);
    let client = server.client(
        true,
        RetryPolicy::default().deadline(Duration::from_secs(10)),
    );
    let started = Instant::now();
    let error = revoke(&client).await.unwrap_err();
    assert!(
        started.elapsed() <= Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::TokenEndpoint { .. }), "{error:?}");
    assert!(!error.maybe_applied());
    assert_eq!(server.count(REVOKE_PATH), 0);
}

#[tokio::test(start_paused = true)]
async fn a_failing_token_endpoint_is_retried_like_any_refusal_before_work() {
    for status in [500, 502, 503, 429] {
        let server = Server::new(vec![
            (
                TOKEN_PATH,
                vec![Reply::Answer(status, "{}"), Reply::Answer(200, TOKEN)],
            ),
            (
                REVOKE_PATH,
                vec![Reply::Answer(
                    200,
                    r#"{"response":[{"result":{"entityId":423927867}},{"result":{"entityId":423927868}}]}"#,
                )],
            ),
        ]);
        let report = revoke(&server.client(true, RetryPolicy::default()))
            .await
            .unwrap_or_else(|e| panic!("token HTTP {status}: {e:?}"));
        assert_eq!(report.revoked(), 2);
        assert_eq!(server.count(REVOKE_PATH), 1);
    }
    let server = Server::new(vec![
        (TOKEN_PATH, vec![Reply::Answer(500, "{}")]),
        (REVOKE_PATH, vec![]),
    ]);
    let error = revoke(&server.client(true, RetryPolicy::default().max_attempts(2)))
        .await
        .unwrap_err();
    match &error {
        Error::TokenEndpoint { status, .. } => assert_eq!(status.map(|s| s.as_u16()), Some(500)),
        other => panic!("{other:?}"),
    }
    // The token endpoint's status is not the API's.
    assert_eq!(error.status(), None);
    assert!(error.to_string().contains("token endpoint"), "{error}");
    assert!(!error.maybe_applied());
    assert_eq!(server.count(REVOKE_PATH), 0);
}

#[tokio::test(start_paused = true)]
async fn a_request_that_cannot_be_built_is_never_retried() {
    let server = Server::new(vec![(
        "/v2/promotion/issue",
        vec![Reply::Fail(TransportErrorKind::InvalidRequest)],
    )]);
    let error = server
        .client(false, RetryPolicy::default())
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.count("/v2/promotion/issue"), 1);
    assert_eq!(error.verdict(), Verdict::Refused);
    assert!(!error.maybe_applied());
    assert!(!error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn bulk_results_that_name_another_customer_are_not_revoked() {
    // Results in the wrong order: the pairing by position would credit each customer with
    // the other's revoke.
    let swapped = r#"{"response":[{"result":{"entityId":423927868,"revokedEarnIds":[2]},"errors":[]},{"result":{"entityId":423927867,"revokedEarnIds":[1]},"errors":[]}],"totalCount":2,"failureCount":0}"#;
    let server = Server::new(vec![(REVOKE_PATH, vec![Reply::Answer(200, swapped)])]);
    let client = server.client(false, RetryPolicy::default());
    let error = revoke(&client).await.unwrap_err();
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
    assert!(error.to_string().contains("423927868"), "{error}");
    assert_eq!(server.count(REVOKE_PATH), 1);

    let outcomes: Vec<RevokeOutcome> = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            two_customers(),
        )
        .stream()
        .collect()
        .await;
    assert!(outcomes.iter().all(|o| !o.is_revoked()), "{outcomes:?}");
    assert!(outcomes
        .iter()
        .all(|o| o.error().is_some_and(|e| e.maybe_applied())));
}

#[tokio::test(start_paused = true)]
async fn a_result_for_the_right_customer_by_string_id_is_accepted() {
    let ok = r#"{"response":[{"result":{"entityId":"423927867"},"errors":[]},{"errors":[{"code":8015,"message":"x"}]}],"totalCount":2,"failureCount":1}"#;
    let server = Server::new(vec![(REVOKE_PATH, vec![Reply::Answer(207, ok)])]);
    let report = revoke(&server.client(false, RetryPolicy::default()))
        .await
        .unwrap();
    assert_eq!((report.revoked(), report.refused()), (1, 1));
}

#[test]
fn an_error_is_small_enough_to_return_everywhere() {
    // Clippy's result_large_err fires at 128 bytes in every user function returning
    // `Result<_, Error>`.
    assert!(
        std::mem::size_of::<Error>() < 128,
        "{}",
        std::mem::size_of::<Error>()
    );
}

#[tokio::test(start_paused = true)]
async fn a_hostile_retry_after_neither_panics_nor_stops_the_client() {
    let server = Server::new(vec![(
        REVOKE_PATH,
        vec![
            Reply::AnswerWith(429, BULK_FAILURES, "18446744073709551615"),
            Reply::Answer(
                200,
                r#"{"response":[{"result":{"entityId":423927867}},{"result":{"entityId":423927868}}]}"#,
            ),
        ],
    )]);
    let client = server.client(false, RetryPolicy::default());
    let started = Instant::now();
    let error = revoke(&client).await.unwrap_err();
    // Past the policy's longest Retry-After: returned at once, not retried, not applied.
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(error.is_retryable());
    assert!(!error.maybe_applied());
    // The client-wide pause is capped by the same policy: the next call waits 30 s, not years.
    let report = revoke(&client).await.unwrap();
    assert_eq!(report.revoked(), 2);
    assert!(
        started.elapsed() <= Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_replayed_call_that_may_have_been_applied_stays_maybe_applied() {
    // Attempt 1 is lost after sending; the opt-in replay is then refused (e.g. "already
    // revoked"): the first attempt may have revoked, so the call must say so.
    let server = Server::new(vec![(
        REVOKE_PATH,
        vec![
            Reply::Fail(TransportErrorKind::AnswerLost),
            Reply::Answer(
                400,
                r#"{"errors":[{"code":8903,"message":"already revoked"}]}"#,
            ),
        ],
    )]);
    let client = server.client(false, RetryPolicy::default().replay_maybe_applied(true));
    let error = revoke(&client).await.unwrap_err();
    assert_eq!(server.count(REVOKE_PATH), 2);
    assert!(error.maybe_applied(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_bulk_item_with_a_result_and_errors_may_have_been_applied() {
    let both = r#"{"response":[{"result":{"entityId":423927867,"revokedEarnIds":[1]},"errors":[{"code":8015,"message":"x"}]},{"result":{"entityId":423927868}}]}"#;
    let server = Server::new(vec![(REVOKE_PATH, vec![Reply::Answer(200, both)])]);
    let error = revoke(&server.client(false, RetryPolicy::default()))
        .await
        .unwrap_err();
    assert!(error.maybe_applied(), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_rate_limiter_that_never_answers_ends_the_call_at_its_deadline() {
    use capillary_sdk::rate_limit::{NoPermit, RateLimiter};
    #[derive(Debug)]
    struct Hung;
    impl RateLimiter for Hung {
        fn acquire(
            &self,
            _deadline: Instant,
        ) -> capillary_sdk::transport::BoxFuture<'_, Result<(), NoPermit>> {
            Box::pin(std::future::pending())
        }
    }
    let server = Server::new(vec![(REVOKE_PATH, vec![Reply::Answer(200, "{}")])]);
    let client = server
        .builder(
            false,
            RetryPolicy::default().deadline(Duration::from_secs(5)),
        )
        .rate_limiter(Hung)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = revoke(&client).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert!(!error.maybe_applied());
    assert_eq!(server.count(REVOKE_PATH), 0);
}
