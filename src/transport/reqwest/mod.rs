//! The default transport, on reqwest with the TLS library the crate's features choose.

mod body;
mod builder;
mod connect_deadline;

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use super::{
    AttemptDeadline, BoxFuture, Transport, TransportError, TransportErrorKind, MAX_BODY_BYTES,
};

use self::body::CappedBody;
use self::builder::ProxySetting;
pub use self::builder::ReqwestTransportBuilder;

/// The default [`Transport`]: a pooled reqwest client. Its TLS is the crate feature's:
/// `rustls-ring` (ring, the default), `rustls` (aws-lc-rs) or `native-tls` (the system's; it
/// wins when several are enabled).
///
/// It never follows a redirect (a redirect would replay the request, credentials included, to
/// a place the caller did not choose) and never sends plain `http://` through a proxy. An
/// `https://` request goes through the proxy named by `HTTPS_PROXY` / `https_proxy` /
/// `ALL_PROXY` / `all_proxy` unless `NO_PROXY` / `no_proxy` exempts its host; the TLS session
/// is tunnelled through the proxy end to end. [`builder`](Self::builder) sets a proxy
/// explicitly or turns proxies off.
///
/// It sets the connect timeout; the per-attempt timeout is the client's job, so that it holds
/// for every transport. A connect still under way when the attempt's timeout passes fails as
/// a connect (`TransportErrorKind::Connect`: nothing was sent).
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    proxy: ProxySetting,
}

impl fmt::Debug for ReqwestTransport {
    // reqwest's own Debug prints its proxy list; a proxy URL may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("proxy", &self.proxy)
            .field("redirects", &"never followed")
            .finish()
    }
}

impl ReqwestTransport {
    /// A transport with the given connect timeout and the default proxy rules.
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        Self::builder().connect_timeout(connect_timeout).build()
    }

    /// Configures a transport: proxy, root certificates, timeouts, pool. Whatever is
    /// configured, the transport never follows redirects and never proxies plain `http://`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use capillary_sdk::transport::ReqwestTransport;
    ///
    /// # fn run() -> Result<(), capillary_sdk::transport::TransportError> {
    /// let transport = ReqwestTransport::builder()
    ///     .connect_timeout(Duration::from_secs(3))
    ///     .proxy("http://proxy.internal:3128")
    ///     .pool_max_idle_per_host(8)
    ///     .build()?;
    /// # let _ = transport; Ok(()) }
    /// ```
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }
}

fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_body() || e.is_decode() || e.is_request() {
        TransportErrorKind::AnswerLost
    } else {
        TransportErrorKind::Other
    }
}

/// reqwest's error quotes the request's URL: its query holds the customer (an issue call's
/// mobile or email), so only the scheme, host and path are kept.
fn without_query(mut e: reqwest::Error) -> reqwest::Error {
    if let Some(url) = e.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
    }
    e
}

fn failure(e: reqwest::Error) -> TransportError {
    let e = without_query(e);
    let kind = classify(&e);
    let message = match kind {
        TransportErrorKind::Connect => "connection failed before the request was sent",
        TransportErrorKind::Timeout => "timed out",
        TransportErrorKind::AnswerLost => "connection failed after the request was sent",
        _ => "HTTP failure",
    };
    // reqwest's error text includes the URL without its query (never headers or bodies); the
    // client refuses a base URL with user info, so that URL holds no credential.
    TransportError::with_source(kind, message, e)
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let deadline = request.extensions().get::<AttemptDeadline>().map(|d| d.0);
            let request = reqwest::Request::try_from(request).map_err(|e| {
                let e = without_query(e);
                TransportError::with_source(
                    TransportErrorKind::InvalidRequest,
                    "the request could not be built; nothing was sent",
                    e,
                )
            })?;
            let mut response = connect_deadline::within(deadline, self.client.execute(request))
                .await
                .map_err(failure)?;
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            // One byte over the cap is kept, so the client can tell, then reading stops: the
            // status and request id still make a typed error.
            let mut body = CappedBody::new(response.content_length(), MAX_BODY_BYTES + 1);
            while let Some(chunk) = response.chunk().await.map_err(failure)? {
                if !body.push(&chunk) {
                    break;
                }
            }
            builder.body(body.into_bytes()).map_err(|e| {
                TransportError::with_source(
                    TransportErrorKind::AnswerLost,
                    "answer could not be read",
                    e,
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whichever TLS feature is on, reqwest has a crypto provider (with `rustls-ring` alone it
    /// would panic while building its client) and a failed handshake is a connect failure.
    #[tokio::test]
    async fn the_chosen_tls_builds_and_a_failed_handshake_is_a_connect_failure() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            // Accept, then hang up before any TLS answer.
            let (socket, _) = listener.accept().await.unwrap();
            drop(socket);
        });
        let transport = ReqwestTransport::builder().no_proxy().build().unwrap();
        let request = http::Request::post(format!("https://127.0.0.1:{port}/v2/promotion/issue"))
            .body(Bytes::new())
            .unwrap();
        let error = tokio::time::timeout(Duration::from_secs(10), transport.send(request))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
        server.await.unwrap();
    }
}
