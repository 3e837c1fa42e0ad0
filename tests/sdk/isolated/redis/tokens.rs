//! The shared token in Redis: one entry per server and client key, and what Redis holds is
//! checked before it is sent as a credential.

use crate::common::issue;
use crate::redis_server::RedisServer;
use crate::wire::{Wire, BASE_URL};

/// Overwrites every stored token with `value`, keeping its expiry: what a bug, an operator or
/// an attacker with access to Redis could leave there.
async fn overwrite_stored_tokens(redis: &RedisServer, value: &[u8]) -> Vec<String> {
    let keys = redis.keys("capillary:token:*").await;
    for key in &keys {
        let () = redis
            .query(redis::cmd("SET").arg(key).arg(value).arg("KEEPTTL"))
            .await;
    }
    keys
}

/// `<base URL>|<key>` names the same entry for base `.../x|b` with key `c` and base `.../x`
/// with key `b|c`: the second client would be handed the first one's token.
#[tokio::test]
async fn a_bar_in_the_base_url_and_in_the_key_names_two_entries() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let wire = Wire::default();
    let a = wire
        .oauth_client(&redis, &format!("{BASE_URL}/x|b"), "c")
        .await;
    let b = wire
        .oauth_client(&redis, &format!("{BASE_URL}/x"), "b|c")
        .await;
    issue(&a).await.unwrap();
    issue(&b).await.unwrap();
    assert_eq!(wire.token_requests(), 2);
    assert_eq!(wire.tokens(), [Some("jwt-1".into()), Some("jwt-2".into())]);
    let keys = redis.keys("capillary:token:*").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
}

/// A stored value that is not a header value, not text, or far longer than any token: the next
/// process requests a token under the lock, sends it, and saves it over the bad one.
#[tokio::test]
async fn a_stored_token_that_cannot_be_sent_is_replaced() {
    let garbage: [&[u8]; 3] = [
        b"jwt\r\nx-injected: 1",
        &[0xff, 0xfe, 0x00],
        &[b'x'; 8 << 20],
    ];
    for value in garbage {
        let Some(redis) = RedisServer::start() else {
            return;
        };
        let wire = Wire::default();
        issue(&wire.oauth_client(&redis, BASE_URL, "key").await)
            .await
            .unwrap();
        let keys = overwrite_stored_tokens(&redis, value).await;
        assert_eq!(keys.len(), 1);
        let later = wire.oauth_client(&redis, BASE_URL, "key").await;
        issue(&later).await.unwrap();
        assert_eq!(wire.token_requests(), 2);
        assert_eq!(wire.tokens(), [Some("jwt-1".into()), Some("jwt-2".into())]);
        let stored: Option<Vec<u8>> = redis.query(redis::cmd("GET").arg(&keys[0])).await;
        assert_eq!(stored.as_deref(), Some(&b"jwt-2"[..]));
        // And a third process takes the good one.
        issue(&wire.oauth_client(&redis, BASE_URL, "key").await)
            .await
            .unwrap();
        assert_eq!(wire.token_requests(), 2);
    }
}

/// A token lock without an expiry (a restored dump, a hand-made key) would hold every replica
/// back until its deadline, for good: it is not a lock any replica holds, so the replica
/// fetches its own token and gives the lock the expiry a lock has.
#[tokio::test]
async fn a_token_lock_without_expiry_does_not_stop_the_fleet() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let lock = format!("capillary:token-lock:{}:{BASE_URL}|key", BASE_URL.len());
    let () = redis.query(redis::cmd("SET").arg(&lock).arg("gone")).await;
    let wire = Wire::default();
    let store = capillary_sdk::auth::RedisTokenStore::connect(&redis.url)
        .await
        .unwrap();
    let client = wire
        .builder()
        .auth(capillary_sdk::auth::OAuth::new("key", "secret").token_store(store))
        .retry_policy(
            capillary_sdk::RetryPolicy::default()
                .max_attempts(1)
                .deadline(std::time::Duration::from_secs(2)),
        )
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    assert_eq!(wire.token_requests(), 1);
    let ttl: i64 = redis.query(redis::cmd("PTTL").arg(&lock)).await;
    assert!((1..=10_000).contains(&ttl), "the lock expires now: {ttl}");
}
