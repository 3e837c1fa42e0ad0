//! A Redis restart mid-run: the limiter and the token store reconnect by themselves; the
//! restart costs a few calls, then the fleet shares its limit and its token again.

use std::time::Duration;

use capillary_sdk::auth::{OAuth, RedisTokenStore};
use capillary_sdk::rate_limit::RateLimit;
use capillary_sdk::Client;

use crate::common::issue;
use crate::redis_server::RedisServer;
use crate::wire::Wire;

/// How many rounds until `round` succeeds, at most `limit`, a little apart.
async fn rounds_until<F, Fut>(limit: usize, mut round: F) -> Option<usize>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for n in 1..=limit {
        if round().await {
            return Some(n);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test]
async fn the_limiter_reconnects_after_a_restart() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let client = wire.limited_client(&redis, RateLimit::per_second(50)).await;
    issue(&client).await.unwrap();
    redis.restart();
    let failed_first = issue(&client).await.is_err();
    let rounds = rounds_until(30, || async { issue(&client).await.is_ok() }).await;
    assert!(
        rounds.is_some_and(|n| n <= 3),
        "calls after the restart: {rounds:?} rounds (failed first: {failed_first})"
    );
    // The permits come from the new Redis again: the limit is shared, not skipped.
    let keys = redis.keys("capillary:rate:*").await;
    assert_eq!(keys.len(), 1, "{keys:?}");
}

#[tokio::test]
async fn the_token_store_reconnects_after_a_restart() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    // Two processes, each its own connection to Redis; a fresh OAuth (an empty in-process
    // cache) for each call, so that every call goes to the store.
    let stores = [
        RedisTokenStore::connect(&redis.url).await.unwrap(),
        RedisTokenStore::connect(&redis.url).await.unwrap(),
    ];
    let client = |store: &RedisTokenStore| -> Client {
        wire.builder()
            .auth(OAuth::new("key", "secret").token_store(store.clone()))
            .build()
            .unwrap()
    };
    let shared_round = || async {
        let before = wire.token_requests();
        for store in &stores {
            issue(&client(store)).await.unwrap();
        }
        wire.token_requests() == before
    };
    assert_eq!(rounds_until(2, shared_round).await, Some(2));
    assert_eq!(wire.token_requests(), 1);
    redis.restart();
    let rounds = rounds_until(10, shared_round).await;
    assert!(rounds.is_some_and(|n| n <= 3), "rounds: {rounds:?}");
    // Both took the one token the new Redis holds.
    let tokens = wire.tokens();
    assert_eq!(tokens[tokens.len() - 1], tokens[tokens.len() - 2]);
}

/// A Redis that hangs (its connections open, no answers) fails the call closed within its
/// deadline, nothing sent; once it answers again, so do the permits.
#[tokio::test]
async fn a_hung_redis_fails_closed_then_recovers() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limiter = crate::wire::limiter(&redis, RateLimit::per_second(50)).await;
    let client = wire
        .builder()
        .rate_limiter(limiter)
        .retry_policy(
            capillary_sdk::RetryPolicy::default()
                .max_attempts(1)
                .deadline(Duration::from_secs(2)),
        )
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    redis.hang(true);
    let started = std::time::Instant::now();
    let error = issue(&client).await.unwrap_err();
    redis.hang(false);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(!error.maybe_applied(), "{error:?}");
    assert_eq!(
        wire.issues.lock().unwrap().len(),
        1,
        "nothing sent while hung"
    );
    let rounds = rounds_until(30, || async { issue(&client).await.is_ok() }).await;
    assert!(rounds.is_some_and(|n| n <= 3), "rounds: {rounds:?}");
}
