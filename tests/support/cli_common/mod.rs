//! Running the built `capillary` example against a wiremock bulk revoke server.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::bulk_common::Revoker;

/// The example binary, built next to the test binaries.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/<test>-<hash> -> target/debug/examples/capillary
    let debug = exe.parent().unwrap().parent().unwrap();
    let binary = debug
        .join("examples")
        .join(format!("capillary{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds it (a single `--test` does not; run `cargo build --example capillary` first)",
        binary.display()
    );
    binary
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

/// The binary with credentials and no other CAPILLARY_* variable.
pub fn bare() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(binary());
    cmd.env_remove("CAPILLARY_OAUTH_KEY")
        .env_remove("CAPILLARY_OAUTH_SECRET")
        .env_remove("CAPILLARY_BASE_URL")
        .env_remove("CAPILLARY_CLUSTER")
        .env_remove("CAPILLARY_RATE_LIMIT")
        .env_remove("RUST_LOG")
        .env("CAPILLARY_USERNAME", "sandbox")
        .env("CAPILLARY_PASSWORD", "sandbox")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// The revoke of earns of program 2714, promotion 202779, by customer id, against `url`.
pub fn revoke(url: &str, extra: &[&str]) -> tokio::process::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", url, "revoke"])
        .args(REVOKE)
        .args(extra);
    cmd
}

/// The flags of the revoke every test runs, less input and options.
pub const REVOKE: &[&str] = &[
    "--action",
    "earn",
    "--program",
    "2714",
    "--promotion",
    "202779",
    "--identifier-name",
    "id",
];

/// Writes `customers.csv` with the full header and these rows.
pub fn write_csv(dir: &Path, rows: &[String]) -> PathBuf {
    let file = dir.join("customers.csv");
    let mut text = String::from("identifierValue,source,earnIds\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
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

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The journal's entries (not its header) whose status is `status`.
pub fn journal_entries(file: &Path, status: &str) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["status"] == status)
        .collect()
}

/// The identifier values the journal records as known (revoked or failed).
pub fn journal_values(file: &Path) -> Vec<String> {
    ["revoked", "failed"]
        .iter()
        .flat_map(|s| journal_entries(file, s))
        .map(|e| e["identifierValue"].as_str().unwrap().to_string())
        .collect()
}
