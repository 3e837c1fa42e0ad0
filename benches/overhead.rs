//! Per-call overhead: the SDK's issue call against a hand-written reqwest + serde_json request
//! for the same call, on the same loopback server, interleaved so both see the same noise.
//!
//! `cargo bench --bench overhead` prints both medians and their ratio (target <= 1.05).

use std::time::{Duration, Instant};

use capillary_sdk::auth::Basic;
use capillary_sdk::{Client, CustomerRef, IssueOutcome, ProgramId, PromotionId, Source};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WARMUP: usize = 300;
const ROUNDS: usize = 3_000;
// Basic store.server / server123, the documented check vector.
const AUTHORIZATION: &str = "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

async fn sdk_call(client: &Client) {
    let outcome = client
        .promotions()
        .issue(
            CustomerRef::mobile("18767431754"),
            Source::Instore,
            ProgramId(469),
            PromotionId(65777),
        )
        .send()
        .await
        .expect("issue succeeds");
    assert!(matches!(outcome, IssueOutcome::Issued(_)));
}

/// What a careful hand-written call does: same URL, query, headers and body, and reads the
/// issual id and request id out of the answer.
async fn raw_call(http: &reqwest::Client, base: &str) {
    let url = url::Url::parse_with_params(
        &format!("{base}/v2/promotion/issue"),
        [
            ("identifierName", "mobile"),
            ("identifierValue", "18767431754"),
            ("source", "INSTORE"),
        ],
    )
    .expect("url");
    let body = serde_json::to_vec(&json!({"programId": 469, "promotionId": 65777})).expect("body");
    let response = http
        .post(url)
        .header("authorization", AUTHORIZATION)
        .header("user-agent", "hand-written/1")
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("sent");
    let request_id = response
        .headers()
        .get("x-cap-requestid")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let body: Value = serde_json::from_slice(&response.bytes().await.expect("body")).expect("json");
    let issual = body["sideEffects"][0]["issualId"].as_u64();
    assert!(issual.is_some() && request_id.is_some());
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Cap-Requestid", "req-bench")
                .set_body_json(json!({
                    "warnings": [],
                    "errors": [],
                    "sideEffects": [{"id": 1, "type": "Points promotion", "issualId": 847, "programId": 469, "promotionId": 65777}]
                })),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("store.server", "server123"))
        .build()
        .expect("client");
    let http = reqwest::Client::builder().build().expect("reqwest");
    let base = server.uri();

    for _ in 0..WARMUP {
        sdk_call(&client).await;
        raw_call(&http, &base).await;
    }
    let (mut sdk, mut raw) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    for round in 0..ROUNDS {
        // Alternate which goes first so neither always follows the other.
        let sdk_first = round % 2 == 0;
        for is_sdk in [sdk_first, !sdk_first] {
            let started = Instant::now();
            if is_sdk {
                sdk_call(&client).await;
                sdk.push(started.elapsed());
            } else {
                raw_call(&http, &base).await;
                raw.push(started.elapsed());
            }
        }
    }
    let (sdk, raw) = (median(sdk), median(raw));
    println!("per-call overhead, {ROUNDS} interleaved calls each against a loopback server");
    println!("  SDK issue().send()        median {sdk:?}");
    println!("  hand-written reqwest+json median {raw:?}");
    println!(
        "  ratio SDK / hand-written: {:.3} (target <= 1.05)",
        sdk.as_secs_f64() / raw.as_secs_f64()
    );
}
