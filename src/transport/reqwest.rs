//! The default transport, on reqwest with rustls.

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::{BoxFuture, Transport, TransportError, TransportErrorKind, MAX_BODY_BYTES};

/// The default [`Transport`]: a pooled reqwest client with rustls (no OpenSSL).
///
/// It sets the connect timeout; the per-attempt timeout is the client's job, so that it holds
/// for every transport.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with the given connect timeout.
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            // Redirects would replay a POST to a place the caller did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                TransportError::with_source(
                    TransportErrorKind::Other,
                    "could not build the HTTP client",
                    e,
                )
            })?;
        Ok(Self { client })
    }

    /// Wraps a reqwest client you configured yourself (proxies, pool sizes, certificates).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
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

fn failure(e: reqwest::Error) -> TransportError {
    let kind = classify(&e);
    let message = match kind {
        TransportErrorKind::Connect => "connection failed before the request was sent",
        TransportErrorKind::Timeout => "timed out",
        TransportErrorKind::AnswerLost => "connection failed after the request was sent",
        _ => "HTTP failure",
    };
    // reqwest's error text includes the URL, never headers or bodies.
    TransportError::with_source(kind, message, e)
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|e| {
                TransportError::with_source(
                    TransportErrorKind::Connect,
                    "request could not be built",
                    e,
                )
            })?;
            let mut response = self.client.execute(request).await.map_err(failure)?;
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(failure)? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_BODY_BYTES {
                    // Keep one byte over the cap, so the client can tell, and stop reading:
                    // the status and request id still make a typed error.
                    body.truncate(MAX_BODY_BYTES + 1);
                    break;
                }
            }
            builder.body(body.freeze()).map_err(|e| {
                TransportError::with_source(
                    TransportErrorKind::AnswerLost,
                    "answer could not be read",
                    e,
                )
            })
        })
    }
}
