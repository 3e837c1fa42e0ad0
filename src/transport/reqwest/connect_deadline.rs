//! The attempt's deadline, handed to the connector: a connect still under way when it passes
//! fails as a connect (nothing was sent) rather than being cut as a timeout of a request that
//! may have been written.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

tokio::task_local! {
    /// When the attempt that is sending ends. The connector is called from the sending task, so
    /// a connect it starts reads its own attempt's deadline.
    static DEADLINE: Instant;
}

/// Runs `send` with `deadline` visible to the connects it starts.
pub(super) async fn within<F: Future>(deadline: Option<Instant>, send: F) -> F::Output {
    match deadline {
        Some(at) => DEADLINE.scope(at, send).await,
        None => send.await,
    }
}

/// The connector layer that ends a connect at its attempt's deadline.
#[derive(Clone, Copy, Debug)]
pub(super) struct ConnectDeadline;

impl<S> tower_layer::Layer<S> for ConnectDeadline {
    type Service = Cut<S>;

    fn layer(&self, inner: S) -> Cut<S> {
        Cut(inner)
    }
}

/// A connector whose connects end at their attempt's deadline.
#[derive(Clone, Debug)]
pub(super) struct Cut<S>(S);

impl<S, R> tower_service::Service<R> for Cut<S>
where
    S: tower_service::Service<R>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, destination: R) -> Self::Future {
        let deadline = DEADLINE.try_with(|at| *at).ok();
        let connecting = self.0.call(destination);
        Box::pin(async move {
            match deadline {
                Some(at) => match tokio::time::timeout_at(at, connecting).await {
                    Ok(connected) => connected.map_err(Into::into),
                    Err(_) => Err("the attempt's timeout passed while connecting".into()),
                },
                None => connecting.await.map_err(Into::into),
            }
        })
    }
}
