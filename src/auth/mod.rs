//! Authentication: the [`Auth`] trait and its two implementations, [`Basic`] and [`OAuth`].
//!
//! Credentials are kept in redacting types: no `Debug` output, `Display` or log line of this
//! crate shows a password, secret, token or `Authorization` header.

mod basic;
mod oauth;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use url::Url;

use crate::error::Error;
use crate::rate_limit::Gate;
use crate::transport::{BoxFuture, Transport, TransportError, TransportErrorKind};

pub use self::basic::Basic;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::oauth::RedisTokenStore;
pub use self::oauth::{OAuth, SharedToken, StoreError, TokenStore};

/// Adds credentials to requests.
///
/// The client calls [`authorize`](Self::authorize) before every attempt, and
/// [`reject`](Self::reject) when the server answers 401 or 498 to learn whether one replay
/// with fresh credentials may succeed.
pub trait Auth: Send + Sync + fmt::Debug {
    /// Adds the credential headers to `headers` (fetching a token first if needed).
    fn authorize<'a>(
        &'a self,
        ctx: &'a AuthContext,
        headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Called when the server refused the credentials in `sent` (HTTP 401 or 498). Returns
    /// `true` if new credentials were obtained or can be, so that one replay is worthwhile.
    fn reject(&self, sent: &http::HeaderMap) -> bool {
        let _ = sent;
        false
    }
}

impl<T: Auth + ?Sized> Auth for std::sync::Arc<T> {
    fn authorize<'a>(
        &'a self,
        ctx: &'a AuthContext,
        headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        (**self).authorize(ctx, headers)
    }

    fn reject(&self, sent: &http::HeaderMap) -> bool {
        (**self).reject(sent)
    }
}

/// What an [`Auth`] may use to obtain credentials: the client's server and transport, the
/// time one request may take, and the deadline of the call waiting for the credentials.
///
/// It is owned and cheap to clone, so that a credential fetch can run on its own task and
/// outlive the call that started it.
#[derive(Clone)]
pub struct AuthContext {
    pub(crate) base_url: Url,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) user_agent: http::HeaderValue,
    pub(crate) request_timeout: Duration,
    pub(crate) deadline: Instant,
    /// The client's rate limit, which token requests honour too.
    pub(crate) rate: Option<Arc<Gate>>,
}

impl fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("base_url", &self.base_url.as_str())
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl AuthContext {
    /// The base URL of the server the client talks to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The time one request may take (the client's request timeout).
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The deadline of the call waiting for credentials: waiting past it fails the call.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// POSTs a JSON body to `path` on the client's server with its transport, without
    /// credentials, within the request timeout, and returns the whole answer. It waits for
    /// the client's rate limit first, until the deadline at most.
    pub async fn post_json(&self, path: &str, body: Bytes) -> Result<http::Response<Bytes>, Error> {
        if let Some(rate) = &self.rate {
            rate.permit(self.deadline).await.map_err(Error::from)?;
        }
        let url = crate::base_url::join_url(&self.base_url, path, &[]);
        let request = http::Request::post(url.as_str())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, self.user_agent.clone())
            .body(body)
            .map_err(|e| Error::config(format!("could not build the request for {path}: {e}")))?;
        let result =
            match tokio::time::timeout(self.request_timeout, self.transport.send(request)).await {
                Ok(result) => result.map_err(Error::from),
                Err(_) => Err(Error::from(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no answer within {:?}", self.request_timeout),
                ))),
            };
        // A token endpoint over the key's limit pauses the client's calls as the API would.
        if let (Some(rate), Ok(response)) = (&self.rate, &result) {
            let retry_after = response
                .headers()
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::retry::parse_retry_after);
            rate.observe(response.status(), retry_after);
        }
        result
    }
}
