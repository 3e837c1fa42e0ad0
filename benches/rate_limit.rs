//! One process against a server enforcing 600 calls a minute (429 past it): a bulk revoke of
//! 3,000 customers (30 requests) at concurrency 8, with the client's limit set to the same,
//! and with no limit set.
//!
//! `cargo bench --bench rate_limit` prints both rows side by side (target with the limit:
//! zero 429s, wall within 1.1x of the limit-implied minimum).

mod rate_limit_server;

use std::time::{Duration, Instant};

use capillary_sdk::auth::Basic;
use capillary_sdk::rate_limit::RateLimit;
use capillary_sdk::{
    Client, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind,
};
use futures_util::StreamExt as _;

const CUSTOMERS: usize = 3_000;
const SERVER_LIMIT: u32 = 600;

async fn run(limit: Option<RateLimit>) -> (usize, u64, Duration) {
    let (server, stats) = rate_limit_server::start(SERVER_LIMIT).await;
    let mut builder = Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("store.server", "server123"));
    if let Some(limit) = limit {
        builder = builder.rate_limit(limit);
    }
    let client = builder.build().expect("client");
    let started = Instant::now();
    let revoked = client
        .promotions()
        .revoke_all(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            rate_limit_server::ids(CUSTOMERS)
                .into_iter()
                .map(RevokeCustomer::new),
        )
        .concurrency(8)
        .stream()
        .filter(|o| std::future::ready(o.is_revoked()))
        .count()
        .await;
    (revoked, stats.throttled(), started.elapsed())
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let requests = CUSTOMERS.div_ceil(100);
    // The first request goes at once, each next one an interval later.
    let minimum = RateLimit::per_minute(SERVER_LIMIT).interval() * (requests as u32 - 1);
    println!(
        "bulk revoke of {CUSTOMERS} customers ({requests} requests) at concurrency 8, \
         server limit {SERVER_LIMIT}/min (429 + Retry-After: 1 past it)"
    );
    println!(
        "  {:<24} {:>8} {:>6} {:>10} {:>10} {:>8}",
        "client", "revoked", "429s", "wall", "minimum", "ratio"
    );
    for (label, limit) in [
        (
            format!("--rate-limit {SERVER_LIMIT}/min"),
            Some(RateLimit::per_minute(SERVER_LIMIT)),
        ),
        ("no limit".to_string(), None),
    ] {
        let (revoked, throttled, wall) = run(limit).await;
        println!(
            "  {label:<24} {revoked:>8} {throttled:>6} {:>10} {:>10} {:>7.3}x",
            format!("{:.2}s", wall.as_secs_f64()),
            format!("{:.2}s", minimum.as_secs_f64()),
            wall.as_secs_f64() / minimum.as_secs_f64()
        );
    }
}
