//! A loopback HTTP server that reads each request's head and never answers.

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A server on its own threads (no tokio runtime), so that it outlives any runtime a test
/// shuts down. Connections are held open, unanswered, until the process ends.
#[derive(Clone)]
pub struct HangingServer {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl HangingServer {
    /// Listens on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let held: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let counter = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counter = Arc::clone(&counter);
                let held = Arc::clone(&held);
                std::thread::spawn(move || read_heads(stream, &counter, &held));
            }
        });
        Self { url, requests }
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// How many request heads it has read.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Waits until it has read `n` request heads.
    pub async fn wait_for(&self, n: usize) {
        while self.requests() < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Counts every request head on the connection; keeps the connection once it closes its side.
fn read_heads(mut stream: TcpStream, counter: &AtomicUsize, held: &Mutex<Vec<TcpStream>>) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        while let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            counter.fetch_add(1, Ordering::SeqCst);
            seen.drain(..end + 4);
        }
    }
    held.lock().unwrap().push(stream);
}
