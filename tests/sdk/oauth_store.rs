//! OAuth through a `TokenStore` (an in-memory one here; Redis has its own binary): what the
//! store holds is checked before it is sent as a credential.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use capillary_sdk::auth::{OAuth, SharedToken, StoreError, TokenStore};
use capillary_sdk::transport::BoxFuture;
use capillary_sdk::Client;
use secrecy::{ExposeSecret, SecretString};

/// A store that holds `garbage` for every key until a token is saved over it.
#[derive(Debug, Clone)]
struct MemoryStore {
    garbage: String,
    saved: Arc<Mutex<HashMap<String, String>>>,
}

impl MemoryStore {
    fn holding(garbage: String) -> Self {
        Self {
            garbage,
            saved: Arc::default(),
        }
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<SharedToken>, StoreError>> {
        let token = self.saved.lock().unwrap().get(key).cloned();
        let token = token.unwrap_or_else(|| self.garbage.clone());
        Box::pin(async move {
            Ok(Some(SharedToken {
                token: SecretString::from(token),
                valid_for: Duration::from_secs(600),
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
