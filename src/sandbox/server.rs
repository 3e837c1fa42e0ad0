//! The sandbox over HTTP/1.1 (hyper): the same [`Sandbox`], so any HTTP client, the
//! `capillary` CLI and other languages' tests can talk to it.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http_body_util::{combinators::BoxBody, BodyExt as _, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::router::Handled;
use super::Sandbox;

/// The largest request body the server reads (a bulk revoke of 100 customers is ~10 KiB).
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

type Body = BoxBody<Bytes, io::Error>;

/// Serves `sandbox` on `listener` until the returned future is dropped; connections are
/// closed with it. A connection that has not sent a request's headers within
/// [`Sandbox::HEADER_READ_TIMEOUT`] is closed.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use capillary_sdk::sandbox::{serve, Sandbox};
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// serve(listener, Sandbox::demo()).await
/// # }
/// ```
pub async fn serve(listener: TcpListener, sandbox: Sandbox) -> io::Result<()> {
    serve_with(listener, sandbox, Sandbox::HEADER_READ_TIMEOUT).await
}

async fn serve_with(
    listener: TcpListener,
    sandbox: Sandbox,
    header_read_timeout: Duration,
) -> io::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Per-connection failures (e.g. reset before accept, too many open files) must not
            // stop the server.
            Err(e) if is_transient(&e) => {
                tracing::warn!(error = %e, "sandbox: accept failed");
                // Out of file descriptors does not heal at once: do not spin.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        while connections.try_join_next().is_some() {}
        let sandbox = sandbox.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| answer(sandbox.clone(), request));
            // Without a deadline on the headers, a client that sends half a request holds
            // its connection (and a file descriptor) forever.
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "sandbox: connection ended");
            }
        });
    }
}

fn is_transient(e: &io::Error) -> bool {
    !matches!(
        e.kind(),
        io::ErrorKind::InvalidInput | io::ErrorKind::PermissionDenied
    )
}

/// The service's error: tells hyper to close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sandbox fault: connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

async fn answer(
    sandbox: Sandbox,
    request: http::Request<Incoming>,
) -> Result<http::Response<Body>, DropConnection> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(sandbox.too_large(&parts).map(full)),
    };
    match sandbox.handle(http::Request::from_parts(parts, body)).await {
        Handled::Answer(response) => Ok(response.map(full)),
        Handled::Drop => Err(DropConnection),
        Handled::Truncate(response) => Ok(truncated(response)),
    }
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|e: Infallible| match e {}).boxed()
}

/// Announces the whole body's length, sends half of it, then fails the body so that hyper
/// closes the connection: the client sees a body cut off mid-way.
fn truncated(response: http::Response<Bytes>) -> http::Response<Body> {
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(body.len()),
    );
    let half = body.slice(..body.len() / 2);
    let frames: Vec<Result<Frame<Bytes>, io::Error>> = vec![
        Ok(Frame::data(half)),
        Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "sandbox fault: body truncated on purpose",
        )),
    ];
    let body = StreamBody::new(stream::iter(frames)).boxed();
    http::Response::from_parts(parts, body)
}

/// A sandbox served over HTTP on a loopback port; see [`Sandbox::serve_http`]. Dropping it
/// stops the server.
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    task: JoinHandle<io::Result<()>>,
}

impl SandboxServer {
    /// The address it listens on (`127.0.0.1` and a free port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:40123`, for `Client::builder().base_url(..)`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sandbox {
    /// How long the HTTP server waits for the whole headers of a request, counted from the
    /// moment it is ready to read one (a new connection, or the end of the previous answer);
    /// then it closes the connection.
    pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

    /// Serves this sandbox (shared state: a clone) on `listener` as [`serve`] does, closing a
    /// connection that has not sent a request's headers within `header_read_timeout`.
    /// The future owns its clone, so it can be spawned.
    pub fn serve_with_header_timeout(
        &self,
        listener: TcpListener,
        header_read_timeout: Duration,
    ) -> impl std::future::Future<Output = io::Result<()>> + Send + 'static {
        serve_with(listener, self.clone(), header_read_timeout)
    }

    /// Serves this sandbox (shared state: a clone) over HTTP on `127.0.0.1` and a free port,
    /// until the returned [`SandboxServer`] is dropped. Needs a tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use capillary_sdk::{auth::Basic, sandbox::{self, Sandbox}, Client};
    ///
    /// let sandbox = Sandbox::demo();
    /// let server = sandbox.serve_http().await?;
    /// let client = Client::builder()
    ///     .base_url(server.base_url())
    ///     .auth(Basic::new(sandbox::USER, sandbox::PASSWORD))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(()) }
    /// ```
    pub async fn serve_http(&self) -> io::Result<SandboxServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(serve(listener, self.clone()));
        Ok(SandboxServer { addr, task })
    }
}
