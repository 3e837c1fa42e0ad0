//! A call's query holds the customer (an issue call's mobile or email): no error, its `Debug`,
//! its sources, or any log line (the SDK's spans and WARN lines, the HTTP stack's `log` records)
//! may carry it. And a connect cut by the attempt's timeout sent nothing: it is `Connect`.

#[path = "../../support/common/mod.rs"]
mod common;

use std::error::Error as _;
use std::time::{Duration, Instant};

use capillary_sdk::auth::Basic;
use capillary_sdk::transport::TransportErrorKind;
use capillary_sdk::{Client, Error, RetryPolicy};
use common::{issue, Captured};

/// The mobile `common::issue` sends in its query.
const MOBILE: &str = "18767431754";

/// Every log line at every level, the HTTP stack's `log` records included.
fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    captured
}

/// The error of an issue call to `base_url` with this per-attempt timeout and policy.
async fn failed_issue(base_url: &str, request_timeout: Duration, policy: RetryPolicy) -> Error {
    let client = Client::builder()
        .base_url(base_url)
        .auth(Basic::new("till", "secret123"))
        .request_timeout(request_timeout)
        .retry_policy(policy.initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    issue(&client).await.unwrap_err()
}

/// The error in every form a program prints it, its sources included.
fn every_text(error: &Error) -> String {
    let causes = std::iter::successors(error.source(), |&cause| cause.source());
    causes.fold(
        format!("{error}\n{error:?}\n{error:#?}\n"),
        |text, cause| format!("{text}{cause}\n{cause:?}\n"),
    )
}

fn assert_no_mobile(what: &str, text: &str) {
    assert!(!text.contains(MOBILE), "{what} quotes the query:\n{text}");
    assert!(!text.contains("identifierValue"), "{what}:\n{text}");
}

/// One test, as the subscriber is process-wide.
#[tokio::test]
async fn no_error_or_log_line_carries_the_query_and_a_cut_connect_sent_nothing() {
    let logs = capture_logs();

    // A closed port: refused, retried, then an error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = failed_issue(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(5),
        RetryPolicy::default().max_attempts(2),
    )
    .await;
    assert!(
        matches!(
            refused,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_no_mobile("a refused connection", &every_text(&refused));

    // A server that reads the request and never answers.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_port = hanging.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hanging.accept().await {
            held.push(socket);
        }
    });
    let timed_out = failed_issue(
        &format!("http://127.0.0.1:{hanging_port}"),
        Duration::from_millis(300),
        RetryPolicy::none(),
    )
    .await;
    assert!(timed_out.maybe_applied(), "{timed_out:?}");
    assert_no_mobile("a timeout", &every_text(&timed_out));

    // A listener that never accepts, its backlog full: the connect hangs until the attempt's
    // timeout (shorter than the connect timeout) cuts it. Nothing was sent.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let full = socket.listen(0).unwrap();
    let full_addr = full.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(stream)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(full_addr),
        )
        .await
        {
            fillers.push(stream);
        }
    }
    // Cut by a per-attempt timeout shorter than the connect timeout, or by the call's deadline.
    let deadline_near = RetryPolicy::default().deadline(Duration::from_millis(400));
    for (timeout, policy) in [
        (Duration::from_millis(400), RetryPolicy::none()),
        (Duration::from_secs(30), deadline_near),
    ] {
        let started = Instant::now();
        let cut = failed_issue(&format!("http://{full_addr}"), timeout, policy).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(
                cut,
                Error::Transport {
                    kind: TransportErrorKind::Connect,
                    ..
                }
            ),
            "a connect cut by the attempt timeout: {cut:?}"
        );
        assert!(!cut.maybe_applied(), "{cut:?}");
        assert_no_mobile("a cut connect", &every_text(&cut));
    }
    drop((full, fillers));

    let logs = logs.text();
    assert!(
        logs.contains("retrying"),
        "the retry's WARN line is captured:\n{logs}"
    );
    assert_no_mobile("the logs", &logs);
}
