//! What every CLI test shares: the built `capillary` binary in a hermetic environment, the
//! fake bulk revoke server, input files in a scratch directory, and readers of what a run
//! printed and journaled.
#![allow(dead_code)]

mod flags;
mod job;
mod journal;
mod ledger;

pub use flags::REVOKE;
pub use job::{interrupt, revoke_csv, revoke_csv_as, wait_until, Job};
pub use journal::{journal_entries, journal_values, marked};
pub use ledger::Ledger;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tokio::process::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::bulk_common::Revoker;

/// The binary cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capillary"))
}

/// The binary with no CAPILLARY_* variable, no RUST_LOG and no standard input: what a test
/// does not set, the developer's shell cannot set either.
pub fn command() -> Command {
    let mut cmd = Command::new(binary());
    for name in [
        "CAPILLARY_OAUTH_KEY",
        "CAPILLARY_OAUTH_SECRET",
        "CAPILLARY_USERNAME",
        "CAPILLARY_PASSWORD",
        "CAPILLARY_BASE_URL",
        "CAPILLARY_CLUSTER",
        "CAPILLARY_RATE_LIMIT",
        "RUST_LOG",
    ] {
        cmd.env_remove(name);
    }
    cmd.stdin(std::process::Stdio::null()).kill_on_drop(true);
    cmd
}

/// [`command`] with the sandbox's Basic credentials.
pub fn bare() -> Command {
    with_user(command(), "sandbox", "sandbox")
}

/// [`command`] with Basic user `till`, password `secret123` (see `common::basic_header`).
pub fn till() -> Command {
    with_user(command(), "till", "secret123")
}

fn with_user(mut cmd: Command, user: &str, password: &str) -> Command {
    cmd.env("CAPILLARY_USERNAME", user)
        .env("CAPILLARY_PASSWORD", password);
    cmd
}

/// The issue page's documented request: mobile 18767431754, INSTORE, program 469, promotion
/// 65777.
pub const ISSUE: &[&str] = &[
    "issue",
    "--program",
    "469",
    "--promotion",
    "65777",
    "--identifier-name",
    "mobile",
    "--identifier-value",
    "18767431754",
    "--source",
    "INSTORE",
];

/// A finished run: its exit status, stdout's JSON lines and stderr.
#[derive(Debug)]
pub struct Run {
    /// The exit status.
    pub code: i32,
    /// One JSON value per stdout line.
    pub lines: Vec<Value>,
    /// stderr as text.
    pub stderr: String,
}

/// Runs `cmd` to its end.
pub async fn run(mut cmd: Command) -> Run {
    let output = cmd.output().await.unwrap();
    Run {
        code: output.status.code().unwrap(),
        lines: lines(&output),
        stderr: stderr(&output),
    }
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capillary-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server answering bulk revokes with `revoker`.
pub async fn serve(revoker: &Revoker) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(revoker.clone())
        .mount(&server)
        .await;
    server
}

/// The revoke of earns of program 2714, promotion 202779, by customer id, against `url`.
pub fn revoke(url: &str, extra: &[&str]) -> Command {
    let mut cmd = bare();
    cmd.args(["--base-url", url, "revoke"])
        .args(REVOKE)
        .args(extra);
    cmd
}

/// [`revoke`] of customer 423927848 alone, run to its end.
pub async fn revoke_one(url: &str) -> Output {
    revoke(url, &["--customer", "423927848"])
        .output()
        .await
        .unwrap()
}

/// Writes `customers.csv` with the full header and these rows.
pub fn write_csv(dir: &Path, rows: &[String]) -> PathBuf {
    let mut text = String::from("identifierValue,source,earnIds\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    write_file(dir, "customers.csv", text)
}

/// Writes `name` in `dir` as given.
pub fn write_file(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// The JSON lines of stdout.
pub fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The identifier values of stdout's lines, in order.
pub fn identifiers(output: &Output) -> Vec<String> {
    lines(output)
        .iter()
        .map(|l| l["identifierValue"].as_str().unwrap().to_string())
        .collect()
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `values`, sorted.
pub fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}
