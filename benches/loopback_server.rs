//! A loopback stand-in for the bulk revoke endpoint, for measuring the CLI (see
//! `cli/benches/cli_memory.sh`): answers every customer of every request as revoked.
//!
//! `cargo bench --bench loopback_server -- --port 8088` serves until killed; without
//! `--port` it exits at once, so `cargo bench` over every target does not hang.

#[path = "../tests/support/bulk_common/mod.rs"]
mod bulk_common;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(port) = args
        .windows(2)
        .find(|w| w[0] == "--port")
        .and_then(|w| w[1].parse::<u16>().ok())
    else {
        println!("loopback_server: pass `-- --port N` to serve");
        return;
    };
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("port free");
    let server = MockServer::builder()
        .listener(listener)
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(bulk_common::Revoker::default())
        .mount(&server)
        .await;
    println!("serving bulk revoke at {}", server.uri());
    std::future::pending::<()>().await;
}
