//! OAuth through a `TokenStore` (an in-memory one here; Redis has its own binary): what the
//! store holds is checked before it is sent as a credential.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use capillary_sdk::auth::{OAuth, SharedToken, StoreError, TokenStore};
use capillary_sdk::transport::{from_fn, BoxFuture};
use capillary_sdk::Client;
use secrecy::{ExposeSecret, SecretString};

/// A store that holds `initial` for every key, valid for `valid_for`, until a token is saved
/// over it; counts its loads.
#[derive(Debug, Clone)]
struct MemoryStore {
    initial: String,
    valid_for: Duration,
    saved: Arc<Mutex<HashMap<String, String>>>,
    loads: Arc<AtomicU64>,
}

impl MemoryStore {
    fn holding(initial: String) -> Self {
        Self {
            initial,
            valid_for: Duration::from_secs(600),
            saved: Arc::default(),
            loads: Arc::default(),
        }
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SharedToken>, StoreError>> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        let token = self.saved.lock().unwrap().get(key).cloned();
        let token = token.unwrap_or_else(|| self.initial.clone());
        let valid_for = self.valid_for;
        Box::pin(async move {
            Ok(Some(SharedToken {
                token: SecretString::from(token),
                valid_for,
            }))
        })
    }

    fn try_lock<'a>(&'a self, _: &'a str, _: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async { Ok(true) })
    }

    fn save_and_unlock<'a>(
        &'a self,
        key: &'a str,
        token: Option<SharedToken>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        if let Some(token) = token {
            let token = token.token.expose_secret().to_string();
            self.saved.lock().unwrap().insert(key.to_string(), token);
        }
        Box::pin(async { Ok(()) })
    }
}

/// A stored value that is no header value, or far longer than any token, is not a token: the
/// process requests one under the lock and saves it over the bad one.
#[tokio::test]
async fn a_stored_token_that_cannot_be_sent_is_replaced() {
    for garbage in ["jwt\r\nx-injected: 1".to_string(), "x".repeat(8 * 1024 + 1)] {
        let server = strict_server().await;
        mount_oauth_issue(&server, "jwt-new", 2).await;
        let store = MemoryStore::holding(garbage);
        let client = Client::builder()
            .base_url(server.uri())
            .auth(OAuth::new("k1", "s1").token_store(store.clone()))
            .build()
            .unwrap();
        for _ in 0..2 {
            assert!(issue(&client).await.unwrap().is_issued());
        }
        let saved: Vec<_> = store.saved.lock().unwrap().values().cloned().collect();
        assert_eq!(saved, ["jwt-new"]);
    }
}

/// A stored token said to be valid for ten years (a key someone gave a long expiry) is used no
/// longer than any token endpoint's ttl is: a day, then the store is asked again.
#[tokio::test(start_paused = true)]
async fn a_stored_token_is_kept_a_day_at_most() {
    let mut store = MemoryStore::holding("jwt-stored".into());
    store.valid_for = Duration::from_secs(10 * 365 * 86_400);
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(OAuth::new("k1", "s1").token_store(store.clone()))
        .transport(from_fn(|request: http::Request<Bytes>| async move {
            assert_eq!(request.uri().path(), "/v2/promotion/issue", "no token request");
            assert_eq!(request.headers()["x-cap-api-oauth-token"], "jwt-stored");
            Ok(http::Response::new(Bytes::from_static(
                br#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#,
            )))
        }))
        .build()
        .unwrap();
    issue(&client).await.unwrap();
    tokio::time::advance(Duration::from_secs(86_400 - 60)).await;
    issue(&client).await.unwrap();
    assert_eq!(store.loads.load(Ordering::SeqCst), 1, "still fresh");
    tokio::time::advance(Duration::from_secs(120)).await;
    issue(&client).await.unwrap();
    assert_eq!(
        store.loads.load(Ordering::SeqCst),
        2,
        "asked again after a day"
    );
}
