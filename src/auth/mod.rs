//! Authentication: the [`Auth`] trait and its two implementations, [`Basic`] and [`OAuth`].
//!
//! Credentials are kept in redacting types: no `Debug` output, `Display` or log line of this
//! crate shows a password, secret, token or `Authorization` header.

mod basic;
mod oauth;

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use url::Url;

use crate::error::Error;
use crate::transport::{BoxFuture, Transport, TransportError, TransportErrorKind};

pub use self::basic::Basic;
pub use self::oauth::OAuth;

/// Adds credentials to requests.
///
/// The client calls [`authorize`](Self::authorize) before every attempt, and
/// [`reject`](Self::reject) when the server answers 401 or 498 to learn whether one replay
/// with fresh credentials may succeed.
pub trait Auth: Send + Sync + fmt::Debug {
    /// Adds the credential headers to `headers` (fetching a token first if needed).
    fn authorize<'a>(
        &'a self,
        ctx: &'a AuthContext<'a>,
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
        ctx: &'a AuthContext<'a>,
        headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        (**self).authorize(ctx, headers)
    }

    fn reject(&self, sent: &http::HeaderMap) -> bool {
        (**self).reject(sent)
    }
}

/// What an [`Auth`] may use to obtain credentials: the client's server and transport.
pub struct AuthContext<'a> {
    pub(crate) base_url: &'a Url,
    pub(crate) transport: &'a dyn Transport,
    pub(crate) user_agent: &'a http::HeaderValue,
    pub(crate) timeout: Duration,
}

impl fmt::Debug for AuthContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl AuthContext<'_> {
    /// The base URL of the server the client talks to.
    pub fn base_url(&self) -> &Url {
        self.base_url
    }

    /// POSTs a JSON body to `path` on the client's server with its transport and timeout,
    /// without credentials, and returns the whole answer.
    pub async fn post_json(&self, path: &str, body: Bytes) -> Result<http::Response<Bytes>, Error> {
        let url = crate::client::join_url(self.base_url, path, &[])?;
        let request = http::Request::post(url.as_str())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, self.user_agent.clone())
            .body(body)
            .map_err(|e| Error::config(format!("could not build the request for {path}: {e}")))?;
        match tokio::time::timeout(self.timeout, self.transport.send(request)).await {
            Ok(result) => result.map_err(Error::from),
            Err(_) => Err(Error::from(TransportError::new(
                TransportErrorKind::Timeout,
                format!("no answer within {:?}", self.timeout),
            ))),
        }
    }
}

/// No credentials at all (for servers in front of which something else authenticates).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

impl Auth for NoAuth {
    fn authorize<'a>(
        &'a self,
        _ctx: &'a AuthContext<'a>,
        _headers: &'a mut http::HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async { Ok(()) })
    }
}
