//! A read is safe to send again: the engine retries a read's timeout, lost answer and 5xx, and
//! no error of a read says "may have been applied". Driven with an endpoint of its own, a GET.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::{ApiRequest, CallOptions, Config, Endpoint, Engine};
use crate::auth::Basic;
use crate::error::Error;
use crate::rate_limit::Gate;
use crate::response::RawResponse;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::{from_fn, TransportError, TransportErrorKind};
use crate::verdict::Verdict;

/// A GET whose outcome is its status; any other answer is read like the engine's callers do.
struct Lookup {
    options: CallOptions,
    method: http::Method,
}

impl Endpoint for Lookup {
    type Output = u16;
    const OPERATION: &'static str = "test.lookup";
    const PATH_TEMPLATE: &'static str = "/v2/test/lookup";

    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    fn request(&self) -> Result<ApiRequest, Error> {
        let mut request = ApiRequest::get(
            "/v2/test/lookup".into(),
            vec![("mobile", "918767431754".into())],
        );
        request.method = self.method.clone();
        Ok(request)
    }

    fn decode(&self, response: &RawResponse) -> Result<u16, Error> {
        if response.meta.status.is_success() && response.body.starts_with(b"{") {
            Ok(response.meta.status.as_u16())
        } else if response.meta.status.is_success() {
            Err(response.unexpected("not JSON"))
        } else {
            Err(response.refusal())
        }
    }

    fn options(&self) -> &CallOptions {
        &self.options
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}

type Reply = Result<(u16, &'static str), TransportErrorKind>;

/// Sends one call with `method`; every attempt gets `reply`. Returns the outcome and how many
/// requests the server saw.
async fn call(method: http::Method, reply: Reply, attempts: u32) -> (Result<u16, Error>, usize) {
    let sent = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&sent);
    let transport = from_fn(move |request: http::Request<Bytes>| {
        seen.fetch_add(1, Ordering::SeqCst);
        assert_eq!(request.uri().query(), Some("mobile=918767431754"));
        async move {
            match reply {
                Ok((status, body)) => Ok(http::Response::builder()
                    .status(status)
                    .body(Bytes::from_static(body.as_bytes()))
                    .unwrap()),
                Err(TransportErrorKind::Timeout) => {
                    tokio::time::sleep(Duration::from_secs(3_600)).await;
                    unreachable!("the attempt timeout ends it first")
                }
                Err(kind) => Err(TransportError::new(kind, "scripted")),
            }
        }
    });
    let policy = RetryPolicy::default().max_attempts(attempts);
    let engine = Engine::new(Config {
        base_url: url::Url::parse("https://eu.api.capillarytech.com").unwrap(),
        auth: Arc::new(Basic::new("till", "secret123")),
        transport: Arc::new(transport),
        user_agent: http::HeaderValue::from_static("test"),
        request_timeout: Duration::from_secs(5),
        retry_policy: policy.clone(),
        retry_budget: RetryBudget::unlimited(),
        rate: Arc::new(Gate::new(None, policy.max_retry_after)),
    });
    let endpoint = Lookup {
        options: CallOptions::new(engine.clone()),
        method,
    };
    let result = engine.execute(&endpoint).await;
    (result, sent.load(Ordering::SeqCst))
}

/// What a POST may have applied, a GET retries; the final error of a GET is never "maybe".
#[tokio::test(start_paused = true)]
async fn a_reads_timeout_lost_answer_and_5xx_are_retried_and_never_maybe_applied() {
    let gateway = "upstream connect error or disconnect/reset before headers";
    let cases: [(&str, Reply); 6] = [
        ("timeout", Err(TransportErrorKind::Timeout)),
        ("answer lost", Err(TransportErrorKind::AnswerLost)),
        ("other", Err(TransportErrorKind::Other)),
        (
            "500",
            Ok((500, r#"{"errors":[{"code":500,"message":"x"}]}"#)),
        ),
        ("502 html", Ok((502, "<html>Bad Gateway</html>"))),
        ("gateway 503", Ok((503, gateway))),
    ];
    for (name, reply) in cases {
        let (write, sent) = call(http::Method::POST, reply, 3).await;
        let write = write.unwrap_err();
        assert_eq!(sent, 1, "POST {name} is not sent again");
        assert_eq!(write.verdict(), Verdict::MaybeApplied, "POST {name}");

        let (read, sent) = call(http::Method::GET, reply, 3).await;
        let read = read.unwrap_err();
        assert_eq!(sent, 3, "GET {name} is retried: {read:?}");
        assert_eq!(read.verdict(), Verdict::RetrySafe, "GET {name}: {read:?}");
        assert!(!read.maybe_applied(), "GET {name}");
        assert!(read.is_retryable(), "GET {name}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_read_that_is_refused_or_answered_is_not_retried() {
    let (ok, sent) = call(http::Method::GET, Ok((200, "{}")), 3).await;
    assert_eq!((ok.unwrap(), sent), (200, 1));
    // The same unreadable answer would come back: a read's is not sent again, a write's may
    // have been applied.
    let unreadable = Ok((200, "<html>ok</html>"));
    let (error, sent) = call(http::Method::GET, unreadable, 3).await;
    let error = error.unwrap_err();
    assert_eq!(sent, 1);
    assert_eq!(error.verdict(), Verdict::Refused, "{error:?}");
    let (error, sent) = call(http::Method::POST, unreadable, 3).await;
    assert_eq!(sent, 1);
    assert_eq!(error.unwrap_err().verdict(), Verdict::MaybeApplied);
    for (status, verdict) in [
        (400, Verdict::Refused),
        (404, Verdict::Refused),
        (303, Verdict::Refused),
    ] {
        let body = r#"{"errors":[{"code":8015,"message":"Customer not found"}]}"#;
        let (error, sent) = call(http::Method::GET, Ok((status, body)), 3).await;
        let error = error.unwrap_err();
        assert_eq!(sent, 1, "GET {status}");
        assert_eq!(error.verdict(), verdict, "GET {status}");
    }
    let (error, sent) = call(
        http::Method::GET,
        Err(TransportErrorKind::InvalidRequest),
        3,
    )
    .await;
    assert_eq!(sent, 1);
    assert_eq!(error.unwrap_err().verdict(), Verdict::Refused);
}
