//! OAuth single flight: 1,000 concurrent calls from a cold token cache must make one token
//! request.
//!
//! `cargo bench --bench oauth` prints the number of token requests the server saw.

use std::time::{Duration, Instant};

use capillary_sdk::auth::OAuth;
use capillary_sdk::{Client, CustomerRef, ProgramId, PromotionId, Source};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CALLS: usize = 1_000;

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/oauth/token/generate"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"accessToken": "eyJ.bench.token", "ttlSeconds": 300}, "errors": null}))
                // A slow token endpoint makes every caller arrive while the fetch is in flight.
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .and(header("x-cap-api-oauth-token", "eyJ.bench.token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "warnings": [], "errors": [],
            "sideEffects": [{"type": "Points promotion", "issualId": 847}]
        })))
        .mount(&server)
        .await;
    let auth = OAuth::new("bench-key", "bench-secret");
    let client = Client::builder()
        .base_url(server.uri())
        .auth(auth.clone())
        .build()
        .expect("client");

    let started = Instant::now();
    let calls = (0..CALLS).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .promotions()
                .issue(
                    CustomerRef::mobile(format!("1876743{i:04}")),
                    Source::Instore,
                    ProgramId(469),
                    PromotionId(65777),
                )
                .send()
                .await
        })
    });
    let results = futures_util::future::join_all(calls).await;
    let elapsed = started.elapsed();
    let ok = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    let token_requests = server
        .received_requests()
        .await
        .expect("recording on")
        .iter()
        .filter(|r| r.url.path() == "/v3/oauth/token/generate")
        .count();
    println!("OAuth cold cache, {CALLS} concurrent issue calls in {elapsed:?}");
    println!("  calls succeeded: {ok}/{CALLS}");
    println!(
        "  token requests seen by the server: {token_requests} (cache counter: {}; target 1)",
        auth.token_requests()
    );
}
