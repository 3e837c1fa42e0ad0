//! The `capillary` CLI is not the bottleneck: 4,000 customers revoked at concurrency 8 against
//! a loopback server answering in 100 ms take 40 requests / 8 = 5 waves of 100 ms, 0.5 s
//! ideally. Prints the wall time of the debug and release builds of the binary and their
//! ratio to that ideal.
//!
//! `cargo build -p capillary-cli && cargo build --release -p capillary-cli &&
//! cargo bench -p capillary-cli --bench cli_waves` (a build that is missing is skipped).

#[path = "../../tests/support/bulk_common/mod.rs"]
mod bulk_common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const CUSTOMERS: usize = 4_000;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(100);
const RUNS: usize = 5;

fn binary(profile: &str) -> PathBuf {
    // target/release/deps/cli_waves-<hash> -> target/<profile>/capillary
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap_or(Path::new("target"));
    target
        .join(profile)
        .join(format!("capillary{}", std::env::consts::EXE_SUFFIX))
}

async fn run(binary: &Path, base_url: &str, csv: &Path) -> Duration {
    let started = Instant::now();
    let output = tokio::process::Command::new(binary)
        .env("CAPILLARY_USERNAME", "sandbox")
        .env("CAPILLARY_PASSWORD", "sandbox")
        .env_remove("CAPILLARY_BASE_URL")
        .args([
            "--base-url",
            base_url,
            "revoke",
            "--action",
            "earn",
            "--program",
            "2714",
        ])
        .args([
            "--promotion",
            "202779",
            "--identifier-name",
            "id",
            "--concurrency",
        ])
        .arg(CONCURRENCY.to_string())
        .arg("--csv")
        .arg(csv)
        .output()
        .await
        .expect("the binary runs");
    let elapsed = started.elapsed();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.stdout.iter().filter(|&&b| b == b'\n').count(),
        CUSTOMERS
    );
    elapsed
}

#[tokio::main]
async fn main() {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(bulk_common::Revoker {
            delay: LATENCY,
            ..bulk_common::Revoker::default()
        })
        .mount(&server)
        .await;
    let csv = std::env::temp_dir().join(format!("capillary-cli-waves-{}.csv", std::process::id()));
    let mut text = String::from("identifierValue\n");
    for id in bulk_common::ids(CUSTOMERS) {
        text.push_str(&id);
        text.push('\n');
    }
    std::fs::write(&csv, text).expect("temp file");
    let waves = CUSTOMERS.div_ceil(100).div_ceil(CONCURRENCY) as u32;
    let ideal = LATENCY * waves;
    println!("cli_waves: {CUSTOMERS} customers, concurrency {CONCURRENCY}, {LATENCY:?} server: ideal {ideal:?}");
    for profile in ["debug", "release"] {
        let binary = binary(profile);
        if !binary.exists() {
            println!("{profile:>8}: {} missing, skipped", binary.display());
            continue;
        }
        // Best of RUNS: the machine's other load only ever adds time.
        let mut best = Duration::MAX;
        for _ in 0..RUNS {
            best = best.min(run(&binary, &server.uri(), &csv).await);
        }
        println!(
            "{profile:>8}: best of {RUNS} {best:.3?}, {:.2}x ideal",
            best.as_secs_f64() / ideal.as_secs_f64()
        );
    }
    let _ = std::fs::remove_file(&csv);
}
