//! Peak memory of the client over hostile answers that stay inside the 4 MiB body cap, beside
//! the bound each must stay under. Not a timed bench: it prints the peak RSS (the kernel's
//! VmHWM) of a client process per shape, each served by a hostile loopback server run as
//! another process (this binary, re-executed), so that the server's memory is not counted.
//!
//! `cargo bench --bench memory` runs every shape; `-- --shape NAME` one of them.
//!
//! | shape | what the server answers | goal |
//! |---|---|---|
//! | `request-level-4mib` | one `revoke()` of 100 customers, one errors-only item of 4 MiB | < 32 MB |
//! | `request-id-350kb` | `revoke_all` of 4,000 customers, concurrency 8, a 350 KB `X-Cap-Requestid` on every answer | < 64 MB |
//! | `message-1mib` | `revoke_all` of 1,000 customers, concurrency 4, one request-level item with a 1 MiB message per answer | < 64 MB |

#[path = "../tests/support/bulk_common/mod.rs"]
mod bulk_common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use capillary_sdk::auth::Basic;
use capillary_sdk::{Client, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REVOKE_PATH: &str = "/v2/promotion/bulk/revokeEnrolAndEarn";

/// Each shape and the peak RSS it must stay under, in MB.
const SHAPES: [(&str, u64); 3] = [
    ("request-level-4mib", 32),
    ("request-id-350kb", 64),
    ("message-1mib", 64),
];

/// What the hostile server answers each request with.
struct Hostile {
    shape: String,
}

impl wiremock::Respond for Hostile {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let customers = bulk_common::customers_of(&request.body).len();
        let (request_id, body) = match self.shape.as_str() {
            // One errors-only item for the whole request, 4 MiB of messages.
            "request-level-4mib" => {
                let message = "m".repeat(4 * 1024);
                let errors: Vec<String> = (0..1_000)
                    .map(|_| format!(r#"{{"code":8892,"message":"{message}"}}"#))
                    .collect();
                let body = format!(
                    r#"{{"response":[{{"errors":[{}]}}],"totalCount":{customers},"failureCount":{customers}}}"#,
                    errors.join(",")
                );
                ("req-4mib".to_string(), body)
            }
            // Every customer revoked, under a 350 KB request id.
            "request-id-350kb" => (
                "r".repeat(350 * 1024),
                bulk_common::answer(&request.body, &HashMap::new()).to_string(),
            ),
            // One request-level item with a 1 MiB message.
            _ => {
                let message = "m".repeat(1024 * 1024);
                let body = format!(
                    r#"{{"response":[{{"errors":[{{"code":8892,"message":"{message}"}}]}}],"totalCount":{customers},"failureCount":{customers}}}"#
                );
                ("req-1mib".to_string(), body)
            }
        };
        ResponseTemplate::new(200)
            .insert_header("X-Cap-Requestid", request_id.as_str())
            .set_body_raw(body, "application/json")
    }
}

/// Serves `shape` on a loopback port, printing its base URL, until killed.
async fn serve(shape: String) {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .and(path(REVOKE_PATH))
        .respond_with(Hostile { shape })
        .mount(&server)
        .await;
    println!("{}", server.uri());
    std::future::pending::<()>().await;
}

/// Runs `shape` against `base_url` and prints this process's peak RSS in kB.
async fn client(shape: &str, base_url: &str) {
    let client = Client::builder()
        .base_url(base_url)
        .auth(Basic::new("till", "secret123"))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    // The report is held while the peak is read, as a caller holds the report it reads.
    let (outcomes, _report) = match shape {
        "request-level-4mib" => {
            let report = bulk_common::revoke(&client, bulk_common::customers(100)).await;
            (report.as_ref().map_or(0, |r| r.items.len()), Some(report))
        }
        "request-id-350kb" => (
            bulk_common::revoke_all_outcomes(&client, 4_000, 8)
                .await
                .len(),
            None,
        ),
        _ => (
            bulk_common::revoke_all_outcomes(&client, 1_000, 4)
                .await
                .len(),
            None,
        ),
    };
    println!("{outcomes} {}", peak_rss_kb());
}

/// The kernel's high-water mark of this process's resident set.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

/// One shape: the server process, then the client process, whose peak is the result.
fn measure(shape: &str, goal_mb: u64) -> bool {
    let me = std::env::current_exe().expect("the bench binary");
    let mut server = Command::new(&me)
        .args(["--serve", shape])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process");
    let mut url = String::new();
    let stdout = server.stdout.take().expect("its stdout");
    BufReader::new(stdout).read_line(&mut url).expect("its URL");
    let output = Command::new(&me)
        .args(["--client", shape, url.trim()])
        .output()
        .expect("the client process");
    let _ = server.kill();
    let _ = server.wait();
    let text = String::from_utf8_lossy(&output.stdout);
    let mut words = text.split_whitespace();
    let outcomes: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let peak_kb: u64 = words
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or(u64::MAX);
    let peak_mb = peak_kb as f64 / 1024.0;
    let ok = peak_kb < goal_mb * 1024;
    println!(
        "{shape:<20} {outcomes:>5} outcomes  peak RSS {peak_mb:>7.1} MB  goal < {goal_mb} MB  {}",
        if ok { "ok" } else { "OVER" }
    );
    ok
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let after = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    };
    if let Some(shape) = after("--serve") {
        runtime().block_on(serve(shape));
        return;
    }
    if let Some(shape) = after("--client") {
        let url = after(&shape).unwrap_or_default();
        runtime().block_on(client(&shape, &url));
        return;
    }
    let only = after("--shape");
    let mut all_ok = true;
    for (shape, goal) in SHAPES {
        if only.as_deref().is_none_or(|o| o == shape) {
            all_ok &= measure(shape, goal);
        }
    }
    if !all_ok {
        std::process::exit(1);
    }
}
