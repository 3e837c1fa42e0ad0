//! One fake Capillary for every client of a fleet test: notes when each issue arrived and which
//! token it carried, counts the token requests (each answered after 200 ms), and answers 401
//! to a token it is told to refuse.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use capillary_sdk::auth::{Basic, OAuth, RedisTokenStore};
use capillary_sdk::rate_limit::{RateLimit, RedisRateLimiter};
use capillary_sdk::transport::from_fn;
use capillary_sdk::{Client, ClientBuilder, RetryPolicy};

use crate::redis_server::RedisServer;

pub const BASE_URL: &str = "https://eu.api.capillarytech.com";
const ISSUED: &str = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":847,"promotionId":65777}]}"#;

/// When an issue arrived and the token it carried.
pub type Arrival = (std::time::Instant, Option<String>);

#[derive(Clone, Default)]
pub struct Wire {
    pub issues: Arc<Mutex<Vec<Arrival>>>,
    pub token_requests: Arc<AtomicU64>,
    /// A token the server answers 401 to.
    pub refuse: Arc<Mutex<Option<String>>>,
}

impl Wire {
    /// A client of this server at [`BASE_URL`], Basic auth, one attempt per call.
    pub fn builder(&self) -> ClientBuilder {
        self.builder_at(BASE_URL)
    }

    /// A client of this server at `base_url`: every base URL reaches the same fake server.
    pub fn builder_at(&self, base_url: &str) -> ClientBuilder {
        let wire = self.clone();
        Client::builder()
            .base_url(base_url)
            .auth(Basic::new("till", "till-password"))
            .retry_policy(RetryPolicy::default().max_attempts(1))
            .transport(from_fn(move |request: http::Request<Bytes>| {
                let wire = wire.clone();
                async move {
                    if request.uri().path().ends_with("/v3/oauth/token/generate") {
                        let n = wire.token_requests.fetch_add(1, Ordering::SeqCst) + 1;
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        let body =
                            format!(r#"{{"data":{{"accessToken":"jwt-{n}","ttlSeconds":3600}}}}"#);
                        return Ok(http::Response::new(Bytes::from(body)));
                    }
                    let token = request
                        .headers()
                        .get("x-cap-api-oauth-token")
                        .map(|v| v.to_str().unwrap().to_string());
                    wire.issues
                        .lock()
                        .unwrap()
                        .push((std::time::Instant::now(), token.clone()));
                    if token.is_some() && *wire.refuse.lock().unwrap() == token {
                        return Ok(http::Response::builder()
                            .status(401)
                            .body(Bytes::new())
                            .unwrap());
                    }
                    Ok(http::Response::new(Bytes::from_static(ISSUED.as_bytes())))
                }
            }))
    }

    /// A client as a separate process would build it: its own Redis connection and limiter.
    pub async fn limited_client(&self, redis: &RedisServer, limit: RateLimit) -> Client {
        let limiter = limiter(redis, limit).await;
        self.builder().rate_limiter(limiter).build().unwrap()
    }

    /// A client as a separate process would build it: OAuth with client key `key`, its own
    /// in-process cache and its own connection to the shared token store.
    pub async fn oauth_client(&self, redis: &RedisServer, base_url: &str, key: &str) -> Client {
        let store = RedisTokenStore::connect(&redis.url).await.unwrap();
        self.builder_at(base_url)
            .auth(OAuth::new(key, "secret").token_store(store))
            .build()
            .unwrap()
    }

    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::SeqCst)
    }

    /// The token each issue carried, in order.
    pub fn tokens(&self) -> Vec<Option<String>> {
        self.issues
            .lock()
            .unwrap()
            .iter()
            .map(|(_, t)| t.clone())
            .collect()
    }
}

/// A limiter of its own Redis connection, for API key `till` at [`BASE_URL`].
pub async fn limiter(redis: &RedisServer, limit: RateLimit) -> RedisRateLimiter {
    RedisRateLimiter::connect(&redis.url, limit, "till", BASE_URL)
        .await
        .unwrap()
}
