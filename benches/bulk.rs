//! Bulk throughput: 10,000 customers through `revoke_all` against a loopback server that
//! takes 20 ms per request, at concurrency 8 (against the ideal of 13 waves x 20 ms) and at
//! concurrency 1 (for the speedup).
//!
//! `cargo bench --bench bulk` prints the wall times and ratios (targets: <= 1.15x ideal,
//! >= 7x speedup).

#[path = "../tests/support/bulk_common/mod.rs"]
mod bulk_common;

use std::time::{Duration, Instant};

use capillary_sdk::auth::Basic;
use capillary_sdk::{
    Client, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind,
};
use futures_util::StreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const CUSTOMERS: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(20);
const RUNS: usize = 5;

async fn revoke_all(client: &Client, concurrency: usize) -> Duration {
    let started = Instant::now();
    let revoked = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            bulk_common::ids(CUSTOMERS)
                .into_iter()
                .map(RevokeCustomer::new),
        )
        .concurrency(concurrency)
        .stream()
        .filter(|o| std::future::ready(o.is_revoked()))
        .count()
        .await;
    assert_eq!(revoked, CUSTOMERS);
    started.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let revoker = bulk_common::Revoker {
        delay: LATENCY,
        ..bulk_common::Revoker::default()
    };
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(revoker)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("store.server", "server123"))
        .build()
        .expect("client");
    revoke_all(&client, 8).await; // warm the connection pool

    let mut c8 = Vec::new();
    for _ in 0..RUNS {
        c8.push(revoke_all(&client, 8).await);
    }
    let c8 = median(c8);
    let mut c1 = Vec::new();
    for _ in 0..3 {
        c1.push(revoke_all(&client, 1).await);
    }
    let c1 = median(c1);
    let requests = CUSTOMERS.div_ceil(100);
    let ideal = LATENCY * requests.div_ceil(8) as u32;
    println!("bulk revoke of {CUSTOMERS} customers ({requests} requests), {LATENCY:?} per request");
    println!(
        "  concurrency 8: median {c8:?} over {RUNS} runs; ideal {ideal:?} ({} waves)",
        requests.div_ceil(8)
    );
    println!(
        "  wall / ideal: {:.3}x (target <= 1.15x)",
        c8.as_secs_f64() / ideal.as_secs_f64()
    );
    println!("  concurrency 1: median {c1:?}");
    println!(
        "  speedup 8 vs 1: {:.2}x (target >= 7x)",
        c1.as_secs_f64() / c8.as_secs_f64()
    );
}
