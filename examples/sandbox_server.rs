//! Serves the demo sandbox over HTTP on 127.0.0.1, so any HTTP client (curl, the `capillary`
//! CLI with `--base-url`, another language's tests) can talk to it.
//!
//! ```text
//! cargo run --example sandbox_server -- --port 8080
//! ```
//!
//! The first line on stdout is the base URL (`--port 0` picks a free port). Credentials:
//! Basic `sandbox`/`sandbox`, or OAuth key `sandbox` and secret `sandbox`.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use capillary_sdk::sandbox::{self, Sandbox};
use clap::Parser;

/// Serve the Capillary sandbox (demo data) over HTTP on 127.0.0.1.
#[derive(Parser)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seconds a connection may take to send a request's headers before it is closed.
    #[arg(long, default_value_t = Sandbox::HEADER_READ_TIMEOUT.as_secs_f64())]
    header_timeout: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let header_timeout = match Duration::try_from_secs_f64(args.header_timeout) {
        Ok(timeout) if !timeout.is_zero() => timeout,
        _ => {
            eprintln!("error: --header-timeout must be a positive number of seconds");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::from(2);
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!("http://{addr}");
    eprintln!(
        "Capillary sandbox with the demo data on http://{addr} (Basic {}/{}, or OAuth key {} secret {}). Ctrl-C stops it.",
        sandbox::USER,
        sandbox::PASSWORD,
        sandbox::OAUTH_KEY,
        sandbox::OAUTH_SECRET
    );
    tokio::select! {
        served = Sandbox::demo().serve_with_header_timeout(listener, header_timeout) => match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: the server stopped: {e}");
                ExitCode::from(3)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
