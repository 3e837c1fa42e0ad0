//! The sandbox's HTTP server closes a connection that sends half a request and stops, as real
//! servers do, so that idle half-open connections cannot pile up.

use std::time::{Duration, Instant};

use capillary_sdk::sandbox::Sandbox;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT: Duration = Duration::from_millis(300);
const BOUND: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sandbox = Sandbox::demo();
    let server = sandbox.clone();
    let task =
        tokio::spawn(async move { server.serve_with_header_timeout(listener, TIMEOUT).await });

    let started = Instant::now();
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /v2/promotion/issue?identifierName=mob HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz")
            .await
            .unwrap();
        stalled.push(stream);
    }
    let closed = stalled.into_iter().map(|mut stream| async move {
        let mut buf = Vec::new();
        // End of stream (or a reset) means the server closed it.
        tokio::time::timeout(BOUND, stream.read_to_end(&mut buf))
            .await
            .is_ok()
    });
    let closed = futures_util::future::join_all(closed).await;
    let elapsed = started.elapsed();
    assert!(
        closed.iter().all(|c| *c),
        "{} of 50 half-open connections still open after {BOUND:?}",
        closed.iter().filter(|c| !**c).count()
    );
    assert!(elapsed >= TIMEOUT, "closed before the timeout: {elapsed:?}");
    assert!(sandbox.requests().is_empty(), "a half request was handled");

    // A whole request on a fresh connection is still answered.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 "), "{answer:?}");
    task.abort();
}

// Virtual time: the server's own timer fires once every task waits, so the default timeout
// is exercised without waiting for it.
#[tokio::test(start_paused = true)]
async fn serve_http_closes_half_sent_headers_after_the_default_timeout() {
    let sandbox = Sandbox::demo();
    let server = sandbox.serve_http().await.unwrap();
    let started = tokio::time::Instant::now();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"POST /v2/promo").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(120), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "still open after 120 s");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Sandbox::HEADER_READ_TIMEOUT && elapsed <= Sandbox::HEADER_READ_TIMEOUT * 2,
        "closed after {elapsed:?}"
    );
}

/// The `sandbox_server` example that `cargo test` builds next to the test binaries.
fn sandbox_server_example() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples");
    dir.join(format!("sandbox_server{}", std::env::consts::EXE_SUFFIX))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_server_example_closes_half_sent_headers() {
    use std::process::Stdio;
    use tokio::io::AsyncBufReadExt as _;

    let path = sandbox_server_example();
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds the examples",
        path.display()
    );
    let mut child = tokio::process::Command::new(path)
        .args(["--port", "0", "--header-timeout", "0.3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let url = tokio::time::timeout(BOUND, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .expect("the example printed no URL: an old build without --header-timeout?");
    let addr = url.trim_start_matches("http://").to_string();

    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        stream.write_all(b"GET /v2/promo").await.unwrap();
        stalled.push(stream);
    }
    let closed = stalled.into_iter().map(|mut stream| async move {
        let mut buf = Vec::new();
        tokio::time::timeout(BOUND, stream.read_to_end(&mut buf))
            .await
            .is_ok()
    });
    let closed = futures_util::future::join_all(closed).await;
    assert!(
        closed.iter().all(|c| *c),
        "{} of 50 half-open connections still open after {BOUND:?}",
        closed.iter().filter(|c| !**c).count()
    );
    child.kill().await.unwrap();
}
