//! The [`Transport`] trait: how a request reaches a server.
//!
//! The client hands a finished `http::Request<Bytes>` to its transport and gets an
//! `http::Response<Bytes>` back. The default is `ReqwestTransport` (with a TLS feature:
//! `rustls`, `rustls-ring` or `native-tls`); a test can pass a closure through [`from_fn`], the
//! `tower` feature makes one from any `tower::Service`, and the `sandbox` feature's `Sandbox`
//! is a transport too.

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
mod reqwest;
#[cfg(feature = "tower")]
mod tower;

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))
)]
pub use self::reqwest::{ReqwestTransport, ReqwestTransportBuilder};
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use self::tower::TowerTransport;

/// The largest answer body the client reads. Capillary's answers are a few kilobytes (a bulk
/// answer for 100 customers is about 25 KiB); anything far larger is not a Capillary answer.
///
/// A transport may stop reading once a body is longer than this (the default transport keeps
/// `MAX_BODY_BYTES + 1` bytes); the client turns any body longer than this into
/// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) with the answer's status
/// and request id, without decoding it.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Default time allowed to open a connection (used by the default transport). Defined here,
/// below the client, because the transport's own builder starts from it.
pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// When the attempt carrying a request ends, set by the client on the request's extensions, so
/// that the default transport can end a connect still under way as a connect failure.
#[derive(Debug, Clone, Copy)]
// Without a TLS feature there is no default transport to read it.
#[cfg_attr(
    not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")),
    allow(dead_code)
)]
pub(crate) struct AttemptDeadline(pub tokio::time::Instant);

/// A boxed, sendable future, as returned by [`Transport::send`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and returns the whole answer.
///
/// Object safe: the client holds an `Arc<dyn Transport>`. An implementation must report
/// precisely how far a failed request got (see [`TransportErrorKind`]), because that decides
/// whether the call may be retried without applying an action twice.
///
/// The client's per-attempt timeout ends a send that has not finished as a `Timeout` (the
/// request may have been written). The default transport ends a connect still under way at
/// that moment itself, as a `Connect` failure, since nothing was sent. An error's text should
/// not quote the request's query, which holds the customer (e.g. a mobile number).
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the answer, whatever its status.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        (**self).send(request)
    }
}

/// A [`Transport`] made from a closure; see [`from_fn`].
pub struct FnTransport<F>(F);

impl<F> fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTransport")
    }
}

/// Makes a [`Transport`] from an async closure, for tests.
///
/// ```
/// use bytes::Bytes;
/// use capillary_sdk::transport::from_fn;
///
/// let transport = from_fn(|request: http::Request<Bytes>| async move {
///     assert_eq!(request.uri().path(), "/v2/promotion/issue");
///     Ok(http::Response::builder()
///         .status(200)
///         .header("X-Cap-Requestid", "req-1")
///         .body(Bytes::from_static(br#"{"warnings":[],"errors":[],"sideEffects":[]}"#))
///         .unwrap())
/// });
/// # let _ = transport;
/// ```
pub fn from_fn<F, Fut>(f: F) -> FnTransport<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'static,
{
    FnTransport(f)
}

impl<F, Fut> Transport for FnTransport<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'static,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin((self.0)(request))
    }
}

/// How far a failed request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made (refused, DNS, TLS handshake, connect timeout): the request was
    /// certainly not sent, so it is safe to send again.
    Connect,
    /// No answer in time after the request may have been sent.
    Timeout,
    /// The request was sent but the answer was cut off or unreadable (reset, truncated body).
    AnswerLost,
    /// The request could not be built (e.g. a URL or header the HTTP client refuses): nothing
    /// was sent and sending it again cannot help.
    InvalidRequest,
    /// Anything else; treated as "may have been sent".
    Other,
}

/// A transport failure: its [`kind`](Self::kind) and the underlying error.
///
/// Cheap to clone: the underlying error is shared.
#[derive(Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// A failure of the given kind with a message and no underlying error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A failure of the given kind caused by `source`.
    pub fn with_source(
        kind: TransportErrorKind,
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source: Some(Arc::from(source.into())),
        }
    }

    /// How far the request got.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
