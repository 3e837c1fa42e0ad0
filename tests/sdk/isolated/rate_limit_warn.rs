//! The WARN lines of the rate limit say when the client pauses and by how much the rate is
//! lowered, once per push-back rather than once per call that saw it.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::rate_limit::RateLimit;
use capillary_sdk::transport::from_fn;
use capillary_sdk::{Client, CustomerRef, ProgramId, PromotionId, Source};

const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn one_warn_for_the_pause_and_one_for_the_lower_rate() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // The first four requests (in flight together) are all answered 429.
    let answered = Arc::new(Mutex::new(0));
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "till-password"))
        .rate_limit(RateLimit::per_second(10).burst(4))
        .transport(from_fn(move |_request: http::Request<Bytes>| {
            let answered = answered.clone();
            async move {
                let n = {
                    let mut n = answered.lock().unwrap();
                    *n += 1;
                    *n
                };
                tokio::time::sleep(Duration::from_millis(50)).await;
                let response = if n <= 4 {
                    http::Response::builder()
                        .status(429)
                        .header("retry-after", "3")
                        .body(Bytes::new())
                } else {
                    http::Response::builder().body(Bytes::from_static(ISSUED.as_bytes()))
                };
                Ok(response.unwrap())
            }
        }))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .promotions()
                    .issue(
                        CustomerRef::mobile("18767431754"),
                        Source::Instore,
                        ProgramId(469),
                        PromotionId(65777),
                    )
                    .send()
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let pauses: Vec<_> = logs
        .lines()
        .filter(|l| l.contains("every call of this client waits"))
        .collect();
    assert_eq!(pauses.len(), 1, "{logs}");
    assert!(
        pauses[0].contains("HTTP 429") && pauses[0].contains("3.0s"),
        "{logs}"
    );
    let lowered: Vec<_> = logs
        .lines()
        .filter(|l| l.contains("lowering the rate"))
        .collect();
    assert_eq!(lowered.len(), 1, "{logs}");
    assert!(lowered[0].contains("WARN"), "{logs}");
    assert!(
        lowered[0].contains("from 600.0/min to 300.0/min (limit 10/s (burst 4))"),
        "{logs}"
    );
    assert!(
        lowered[0].contains("raising it by 60.0/min every 5s"),
        "{logs}"
    );
}
