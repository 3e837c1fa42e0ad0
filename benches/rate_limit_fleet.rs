//! A fleet of four processes against one loopback server enforcing 600 calls a minute (429
//! past it), sharing one Redis (feature `redis`; needs `redis-server` installed):
//! - the shared limit: each process revokes 1,500 customers (15 requests) through one
//!   `RedisRateLimiter` at 600/min;
//! - the shared token cache: four cold processes make one call each at once, with OAuth and
//!   one `RedisTokenStore`.
//!
//! `cargo bench --features redis --bench rate_limit_fleet` (targets: zero 429s and a combined
//! rate within 10% of the limit; exactly one token request).

mod rate_limit_server;
#[path = "../tests/support/redis_server/mod.rs"]
mod redis_server;

use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use capillary_sdk::auth::{Basic, OAuth, RedisTokenStore};
use capillary_sdk::rate_limit::{RateLimit, RedisRateLimiter};
use capillary_sdk::{
    Client, CustomerRef, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, Source,
};
use futures_util::StreamExt as _;

const PROCESSES: usize = 4;
const CUSTOMERS_EACH: usize = 1_500;
const SERVER_LIMIT: u32 = 600;

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// One process of the fleet: `--worker MODE SERVER REDIS START_AT_UNIX_MS`, MODE one of
/// `limit` (the shared limiter), `local` (its own limiter at the whole limit), `token` (the
/// shared token store), `token-own` (its own token cache only).
async fn worker(args: &[String]) {
    let (mode, server, redis, start_at) = (&args[0], &args[1], &args[2], &args[3]);
    let start_at: u64 = start_at.parse().unwrap();
    let builder = Client::builder().base_url(server.as_str());
    let revoking = mode == "limit" || mode == "local";
    let client = if mode == "local" {
        builder
            .auth(Basic::new("store.server", "server123"))
            .rate_limit(RateLimit::per_minute(SERVER_LIMIT))
    } else if mode == "token-own" {
        builder.auth(OAuth::new("key", "secret"))
    } else if mode == "limit" {
        let limiter = RedisRateLimiter::connect(
            redis,
            RateLimit::per_minute(SERVER_LIMIT),
            "store.server",
            server,
        )
        .await
        .unwrap();
        builder
            .auth(Basic::new("store.server", "server123"))
            .rate_limiter(limiter)
    } else {
        let store = RedisTokenStore::connect(redis).await.unwrap();
        builder.auth(OAuth::new("key", "secret").token_store(store))
    }
    .build()
    .unwrap();
    // Every process starts at the same instant, whenever its own start-up ended.
    tokio::time::sleep(Duration::from_millis(
        start_at.saturating_sub(unix_millis()),
    ))
    .await;
    if revoking {
        let revoked = client
            .promotions()
            .revoke_all(
                RevokeAction::Earn,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
                rate_limit_server::ids(CUSTOMERS_EACH)
                    .into_iter()
                    .map(RevokeCustomer::new),
            )
            .concurrency(8)
            .stream()
            .filter(|o| std::future::ready(o.is_revoked()))
            .count()
            .await;
        if mode == "limit" {
            assert_eq!(revoked, CUSTOMERS_EACH);
        }
    } else {
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
            .unwrap();
    }
}

/// Runs the fleet in `mode` and returns its wall time and the server's counts.
async fn fleet(mode: &str, redis: &str) -> (Duration, rate_limit_server::Stats) {
    let (server, stats) = rate_limit_server::start(SERVER_LIMIT).await;
    let start_at = unix_millis() + 1_000;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--worker",
                    mode,
                    &server.uri(),
                    redis,
                    &start_at.to_string(),
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    let started = Instant::now();
    let statuses = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|mut c| c.wait().unwrap().success())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(statuses.iter().all(|ok| *ok), "a worker failed");
    let wall = started.elapsed().saturating_sub(Duration::from_millis(
        start_at.saturating_sub(unix_millis()),
    ));
    (wall, stats)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--worker") {
        worker(&args[at + 1..]).await;
        return;
    }
    let Some(redis) = redis_server::RedisServer::start() else {
        return;
    };
    let requests = PROCESSES * CUSTOMERS_EACH.div_ceil(100);
    let limit = f64::from(SERVER_LIMIT) / 60.0;
    println!(
        "{PROCESSES} processes, {requests} bulk revoke requests in all (concurrency 8 each); \
         server limit {SERVER_LIMIT}/min (429 + Retry-After: 1 past it)"
    );
    println!(
        "  {:<44} {:>6} {:>16} {:>9}",
        "each process", "429s", "accepted rate", "vs limit"
    );
    for (mode, label) in [
        (
            "limit",
            format!("one RedisRateLimiter at {SERVER_LIMIT}/min"),
        ),
        ("local", format!("its own --rate-limit {SERVER_LIMIT}/min")),
    ] {
        let (_, stats) = fleet(mode, &redis.url).await;
        println!(
            "  {label:<44} {:>6} {:>16} {:>+8.1}%",
            stats.throttled(),
            format!("{:.1}/min", stats.rate() * 60.0),
            (stats.rate() / limit - 1.0) * 100.0
        );
    }
    println!("{PROCESSES} cold processes, one call each at once, OAuth");
    for (mode, label) in [
        ("token", "one RedisTokenStore"),
        ("token-own", "each its own token cache"),
    ] {
        let (_, stats) = fleet(mode, &redis.url).await;
        println!("  {label:<44} token requests: {}", stats.token_requests());
    }
}
