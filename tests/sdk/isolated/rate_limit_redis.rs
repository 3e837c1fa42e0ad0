//! The fleet features against a real `redis-server` on a loopback port (feature `redis`):
//! one rate limit shared by several clients as if they were separate processes, one token
//! request for a fleet of cold processes, what Redis holds checked before use, and a restart.
#![cfg(feature = "redis")]

#[path = "../../support/common/mod.rs"]
mod common;
#[path = "../../support/redis_server/mod.rs"]
mod redis_server;
#[path = "redis/restart.rs"]
mod restart;
#[path = "redis/tokens.rs"]
mod tokens;
#[path = "../../support/redis_server/wire.rs"]
mod wire;

use std::sync::atomic::Ordering;
use std::time::Duration;

use capillary_sdk::auth::{OAuth, RedisTokenStore};
use capillary_sdk::rate_limit::{RateLimit, RedisRateLimiter};
use capillary_sdk::transport::TransportErrorKind;
use capillary_sdk::{Error, RetryPolicy, Verdict};
use common::issue;
use redis_server::RedisServer;
use tokio::time::Instant;
use wire::{limiter, Wire, BASE_URL};

#[tokio::test]
async fn four_clients_share_one_limit() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limit = RateLimit::per_second(20);
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(wire.limited_client(&redis, limit).await);
    }
    let started = std::time::Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| {
            tokio::spawn(async move {
                for _ in 0..10 {
                    issue(&client).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .unwrap()
            .unwrap();
    }
    // 40 requests at 20 a second, burst 1: the last one no sooner than 39 intervals in.
    // Four separate limiters would each allow 20 a second, and finish in half a second.
    let mut at: Vec<_> = wire
        .issues
        .lock()
        .unwrap()
        .iter()
        .map(|(at, _)| at.duration_since(started))
        .collect();
    at.sort();
    assert_eq!(at.len(), 40);
    assert!(at[39] >= Duration::from_millis(1900), "{at:?}");
    // No second holds more than the limit (and one for the second's edges).
    for (i, first) in at.iter().enumerate() {
        let within = at[i..]
            .iter()
            .take_while(|&&t| t < *first + Duration::from_secs(1))
            .count();
        assert!(
            within <= 21,
            "{within} requests within a second of {first:?}"
        );
    }
}

#[tokio::test]
async fn no_shared_permit_before_the_deadline_fails_the_call_unsent() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limit = RateLimit::per_minute(1);
    let first = wire.limited_client(&redis, limit).await;
    issue(&first).await.unwrap();
    let limiter = limiter(&redis, limit).await;
    let second = wire
        .builder()
        .rate_limiter(limiter)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = issue(&second).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert_ne!(error.verdict(), Verdict::MaybeApplied);
    assert!(error.to_string().contains("nothing was applied"), "{error}");
    assert_eq!(wire.issues.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn another_key_or_server_has_its_own_limit() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let limit = RateLimit::per_minute(1);
    let a = limiter(&redis, limit).await;
    let b = RedisRateLimiter::connect(&redis.url, limit, "other", BASE_URL)
        .await
        .unwrap();
    let c = RedisRateLimiter::connect(
        &redis.url,
        limit,
        "till",
        "https://apac2.api.capillarytech.com",
    )
    .await
    .unwrap();
    assert_ne!(a.key(), b.key());
    assert_ne!(a.key(), c.key());
    let wire = Wire::default();
    for limiter in [a, b, c] {
        let client = wire.builder().rate_limiter(limiter).build().unwrap();
        issue(&client).await.unwrap();
    }
    assert_eq!(wire.issues.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn redis_out_of_reach_sends_nothing() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let client = wire.limited_client(&redis, RateLimit::per_second(10)).await;
    redis.stop();
    let error = tokio::time::timeout(Duration::from_secs(10), issue(&client))
        .await
        .unwrap()
        .unwrap_err();
    assert!(!error.maybe_applied(), "{error:?}");
    // The message itself says why, not only its source chain.
    let message = error.to_string();
    assert!(
        message.starts_with("the shared rate limit (Redis) is out of reach"),
        "{message}"
    );
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(wire.issues.lock().unwrap().is_empty());
}

/// The token request waits for the shared limit too: held back, it says so, not "could not
/// connect to the token endpoint".
#[tokio::test]
async fn redis_out_of_reach_holds_the_token_request_back_and_says_so() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limiter = limiter(&redis, RateLimit::per_second(10)).await;
    let client = wire
        .builder()
        .auth(OAuth::new("k", "secret"))
        .rate_limiter(limiter)
        .build()
        .unwrap();
    redis.stop();
    let error = issue(&client).await.unwrap_err();
    assert!(matches!(error, Error::TokenEndpoint { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(
            "the token request was not sent: the shared rate limit (Redis) is out of reach"
        ),
        "{message}"
    );
    assert_eq!(wire.token_requests(), 0);
    assert!(wire.issues.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_cold_fleet_makes_one_token_request() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let mut clients = Vec::new();
    for _ in 0..4 {
        // Each its own OAuth (its own in-process cache) and Redis connection: four processes.
        let store = RedisTokenStore::connect(&redis.url).await.unwrap();
        let auth = OAuth::new("key", "secret").token_store(store);
        clients.push(wire.builder().auth(auth).build().unwrap());
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| tokio::spawn(async move { issue(&client).await }))
        .collect();
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 1);
    let issues = wire.issues.lock().unwrap();
    assert_eq!(issues.len(), 4);
    assert!(
        issues.iter().all(|(_, t)| t.as_deref() == Some("jwt-1")),
        "{:?}",
        issues.iter().map(|(_, t)| t).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_later_process_takes_the_stored_token_and_another_key_fetches_its_own() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let store = RedisTokenStore::connect(&redis.url).await.unwrap();
    let first = wire
        .builder()
        .auth(OAuth::new("key", "secret").token_store(store))
        .build()
        .unwrap();
    issue(&first).await.unwrap();
    // A later process finds the stored token and requests none.
    let store = RedisTokenStore::connect(&redis.url).await.unwrap();
    let later = wire
        .builder()
        .auth(OAuth::new("key", "secret").token_store(store))
        .build()
        .unwrap();
    issue(&later).await.unwrap();
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 1);
    // Another client key is another token.
    let store = RedisTokenStore::connect(&redis.url).await.unwrap();
    let other = wire
        .builder()
        .auth(OAuth::new("other-key", "secret").token_store(store))
        .build()
        .unwrap();
    issue(&other).await.unwrap();
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn without_the_store_each_process_fetches_its_own() {
    let wire = Wire::default();
    let clients: Vec<_> = (0..4)
        .map(|_| {
            wire.builder()
                .auth(OAuth::new("key", "secret"))
                .build()
                .unwrap()
        })
        .collect();
    for client in &clients {
        issue(client).await.unwrap();
    }
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_refused_stored_token_is_replaced_by_one_new_request() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let client = |store| {
        wire.builder()
            .auth(OAuth::new("key", "secret").token_store(store))
            .retry_policy(RetryPolicy::default().max_attempts(2))
            .build()
            .unwrap()
    };
    let first = client(RedisTokenStore::connect(&redis.url).await.unwrap());
    issue(&first).await.unwrap();
    // The server stops accepting jwt-1: the replay must not take it from the store again.
    *wire.refuse.lock().unwrap() = Some("jwt-1".into());
    let second = client(RedisTokenStore::connect(&redis.url).await.unwrap());
    issue(&second).await.unwrap();
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 2);
    let tokens: Vec<_> = wire
        .issues
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(
        tokens,
        vec![
            Some("jwt-1".into()),
            Some("jwt-1".into()),
            Some("jwt-2".into())
        ]
    );
    // The first process's replay after its own 401 takes the new shared token: no request.
    issue(&first).await.unwrap();
    assert_eq!(wire.token_requests.load(Ordering::SeqCst), 2);
    let tokens: Vec<_> = wire
        .issues
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(tokens[3..], [Some("jwt-1".into()), Some("jwt-2".into())]);
}

#[tokio::test]
async fn a_429_seen_by_one_process_pauses_the_fleet() {
    use capillary_sdk::rate_limit::RateLimiter as _;
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limit = RateLimit::per_second(100);
    let saw_429 = limiter(&redis, limit).await;
    let other = wire.limited_client(&redis, limit).await;
    let started = std::time::Instant::now();
    saw_429.throttled(Some(Duration::from_secs(2)));
    // The pause is written by a task of its own: give it a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;
    issue(&other).await.unwrap();
    let sent = wire.issues.lock().unwrap()[0].0.duration_since(started);
    assert!(sent >= Duration::from_secs(2), "{sent:?}");
    assert!(sent < Duration::from_secs(3), "{sent:?}");
}

/// A limit key holding a time far in the future, or no number (written by hand or by a bug),
/// must not stop the fleet for as long as the key lives: the limit starts afresh.
#[tokio::test]
async fn a_limit_key_no_limit_could_have_written_is_started_afresh() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let limit = RateLimit::per_second(10);
    let limiter = limiter(&redis, limit).await;
    let client = wire
        .builder()
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    for held in ["1e30", "9000000000000000000", "inf", "not a time"] {
        let () = redis
            .query(redis::cmd("SET").arg(limiter.key()).arg(held))
            .await;
        let started = Instant::now();
        issue(&client).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(1), "{held}");
    }
    assert_eq!(wire.issues.lock().unwrap().len(), 4);
}
