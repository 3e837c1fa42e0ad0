//! [`TowerTransport`]: a [`Transport`] from any `tower::Service`, so the layers a team already
//! runs (concurrency limits, metrics, tracing) wrap the client's requests too.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use tower::{Service, ServiceExt};

use super::{BoxFuture, Transport, TransportError, TransportErrorKind};

/// A [`Transport`] made from a `tower::Service<http::Request<Bytes>>` answering
/// `http::Response<Bytes>` (feature `tower`).
///
/// Each request is sent on its own clone of the service, driven to readiness first
/// (`ServiceExt::oneshot`), as tower asks of a shared service: clones of a concurrency limit
/// share its permits, so the limit holds across the client's concurrent calls.
///
/// How far a failed request got decides whether it is sent again, so a service that knows
/// should fail with a [`TransportError`] of the right [`kind`](TransportError::kind) (it is
/// passed through as is). Any other error counts as [`TransportErrorKind::Other`]: it may have
/// been sent, and is not retried.
///
/// ```
/// use bytes::Bytes;
/// use capillary_sdk::auth::Basic;
/// use capillary_sdk::transport::{TowerTransport, TransportError};
/// use capillary_sdk::Client;
///
/// # fn run() -> Result<(), capillary_sdk::Error> {
/// // Your HTTP stack, under your own layers: here, at most 8 requests in flight.
/// let service = tower::ServiceBuilder::new()
///     .concurrency_limit(8)
///     .service_fn(|request: http::Request<Bytes>| async move {
///         let _ = request; // hand it to your HTTP client
///         http::Response::builder()
///             .status(200)
///             .body(Bytes::from_static(b"{}"))
///             .map_err(|e| TransportError::with_source(
///                 capillary_sdk::TransportErrorKind::Other, "bad answer", e,
///             ))
///     });
/// let client = Client::builder()
///     .base_url("https://eu.api.capillarytech.com")
///     .auth(Basic::new("till", "password"))
///     .transport(TowerTransport::new(service))
///     .build()?;
/// # let _ = client; Ok(()) }
/// # run().unwrap();
/// ```
pub struct TowerTransport<S> {
    // The service itself need not be `Sync`: it is only ever cloned, under the lock.
    service: Mutex<S>,
}

impl<S> TowerTransport<S> {
    /// Wraps `service`.
    pub fn new(service: S) -> Self {
        Self {
            service: Mutex::new(service),
        }
    }
}

impl<S> fmt::Debug for TowerTransport<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TowerTransport")
    }
}

impl<S> Transport for TowerTransport<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>> + Clone + Send + 'static,
    S::Error: Into<Box<dyn StdError + Send + Sync>>,
    S::Future: Send,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        // A panic elsewhere while cloning leaves the service as it was: still usable.
        let service = self
            .service
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Box::pin(async move {
            service
                .oneshot(request)
                .await
                .map_err(|e| failure(e.into()))
        })
    }
}

fn failure(error: Box<dyn StdError + Send + Sync>) -> TransportError {
    match error.downcast::<TransportError>() {
        Ok(error) => *error,
        Err(other) => TransportError::with_source(
            TransportErrorKind::Other,
            "the tower service failed",
            other,
        ),
    }
}
