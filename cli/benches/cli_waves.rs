//! The `capillary` CLI is not the bottleneck: 4,000 customers revoked at concurrency 8 against
//! a loopback server answering in 100 ms take 40 requests / 8 = 5 waves of 100 ms, 0.5 s
//! ideally. Prints the wall time of the debug and release builds of the binary and their
//! ratio to that ideal.
//!
//! `cargo build -p capillary-cli && cargo build --release -p capillary-cli &&
//! cargo bench -p capillary-cli --bench cli_waves` (a build that is missing is skipped).

#[path = "../../tests/support/bulk_common/mod.rs"]
mod bulk_common;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

const CUSTOMERS: usize = 4_000;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(100);
const RUNS: usize = 5;

async fn run(binary: &Path, base_url: &str, csv: &Path) -> Duration {
    let started = Instant::now();
    let output = support::revoke(binary, base_url, CONCURRENCY, csv)
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
    let server = support::serve(bulk_common::Revoker {
        delay: LATENCY,
        ..bulk_common::Revoker::default()
    })
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
        let binary = support::binary(profile);
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
