//! Soak of the write-ahead journal: 20,000 customers revoked through a loopback server that
//! keeps a ledger of what it applied and misbehaves (5% of requests Capillary's 503, retried, 3%
//! applied and their answer lost, 2% applied and answered 500), while the CLI is killed with
//! -9 three times and resumed with its journal, then rerun until it exits 0 (at most 11 runs in all).
//! Prints customers lost, customers sent again that the journal knew as done, false
//! failures (a last line `failed` for a customer the server revoked) and the last exit status.
//!
//! `cargo build -p capillary-cli && cargo bench -p capillary-cli --bench soak`

#[path = "../../tests/support/bulk_common/mod.rs"]
mod bulk_common;
mod support;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use wiremock::{Request, Respond, ResponseTemplate};

const CUSTOMERS: usize = 20_000;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(20);

/// The server's ledger: how many times each customer was applied or received.
#[derive(Clone, Default)]
struct Chaos {
    received: Arc<Mutex<HashMap<String, usize>>>,
    applied: Arc<Mutex<HashSet<String>>>,
    seed: Arc<Mutex<u64>>,
}

impl Chaos {
    fn roll(&self) -> u64 {
        let mut seed = self.seed.lock().unwrap();
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) % 100
    }
}

impl Respond for Chaos {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let roll = self.roll();
        if roll < 5 {
            // Capillary's own 503 (it names when to come back): retried by the SDK.
            return ResponseTemplate::new(503)
                .insert_header("Retry-After", "0")
                .set_delay(LATENCY);
        }
        let customers = bulk_common::customers_of(&request.body);
        let mut refuse = HashMap::new();
        {
            let mut received = self.received.lock().unwrap();
            let mut applied = self.applied.lock().unwrap();
            for c in &customers {
                *received.entry(c.clone()).or_insert(0) += 1;
                if !applied.insert(c.clone()) {
                    refuse.insert(c.clone(), 8903);
                }
            }
        }
        match roll {
            // Applied; the answer is lost (cut short).
            5..=7 => ResponseTemplate::new(200)
                .set_body_raw("{\"response\":[{\"res", "application/json")
                .set_delay(LATENCY),
            // Applied; answered 500.
            8..=9 => ResponseTemplate::new(500)
                .set_body_raw("<html>Internal Server Error</html>", "text/html")
                .set_delay(LATENCY),
            _ => ResponseTemplate::new(207)
                .set_body_json(bulk_common::answer(&request.body, &refuse))
                .set_delay(LATENCY),
        }
    }
}

fn binary() -> PathBuf {
    support::binary("debug")
}

fn command(url: &str, csv: &Path, journal: &Path) -> tokio::process::Command {
    let mut cmd = support::revoke(&binary(), url, CONCURRENCY, csv);
    cmd.arg("--journal")
        .arg(journal)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// The customers the journal records as done (revoked or failed), last entry winning.
fn journal_done(journal: &Path) -> HashSet<String> {
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    let mut last = HashMap::new();
    for line in text.lines().skip(1) {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            if let (Some(c), Some(s)) = (v["identifierValue"].as_str(), v["status"].as_str()) {
                last.insert(c.to_string(), s.to_string());
            }
        }
    }
    last.into_iter()
        .filter(|(_, s)| s == "revoked" || s == "failed")
        .map(|(c, _)| c)
        .collect()
}

fn read_lines(stdout: &[u8], last: &mut HashMap<String, String>) {
    for line in String::from_utf8_lossy(stdout).lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            if let (Some(c), Some(s)) = (v["identifierValue"].as_str(), v["status"].as_str()) {
                last.insert(c.to_string(), s.to_string());
            }
        }
    }
}

#[tokio::main]
async fn main() {
    if !binary().exists() {
        println!(
            "soak: {} missing: cargo build -p capillary-cli first",
            binary().display()
        );
        return;
    }
    let chaos = Chaos::default();
    let server = support::serve(chaos.clone()).await;
    let dir = std::env::temp_dir().join(format!("capillary-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("customers.csv");
    let journal = dir.join("journal.jsonl");
    let mut text = String::from("identifierValue\n");
    for id in bulk_common::ids(CUSTOMERS) {
        text.push_str(&id);
        text.push('\n');
    }
    std::fs::write(&csv, text).unwrap();

    let mut last_line = HashMap::new();
    let mut sent_twice_known = 0usize;
    let mut code = None;
    let mut runs = 0;
    for run in 0..11 {
        runs += 1;
        let done = journal_done(&journal);
        let before = chaos.received.lock().unwrap().clone();
        let mut child = command(&server.uri(), &csv, &journal).spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let reader = tokio::spawn(async move {
            let mut buf = Vec::new();
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut stdout, &mut buf).await;
            buf
        });
        if run < 3 {
            // Kill -9 once another quarter of the customers reached the server.
            let target = chaos.applied.lock().unwrap().len() + CUSTOMERS / 4;
            while chaos.applied.lock().unwrap().len() < target {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let _ = child.start_kill();
        }
        let status = child.wait().await.unwrap();
        read_lines(&reader.await.unwrap(), &mut last_line);
        let received = chaos.received.lock().unwrap().clone();
        sent_twice_known += done
            .iter()
            .filter(|c| received.get(*c) > before.get(*c))
            .count();
        code = status.code();
        if run >= 3 && code == Some(0) {
            break;
        }
    }
    let applied = chaos.applied.lock().unwrap().clone();
    let lost = bulk_common::ids(CUSTOMERS)
        .iter()
        .filter(|c| !applied.contains(*c))
        .count();
    let resent = chaos
        .received
        .lock()
        .unwrap()
        .values()
        .filter(|n| **n > 1)
        .count();
    let false_failures = last_line
        .iter()
        .filter(|(c, s)| s.as_str() == "failed" && applied.contains(*c))
        .count();
    println!(
        "soak: {CUSTOMERS} customers, 3 kill -9, {runs} runs: lost {lost}, sent twice that the journal knew about {sent_twice_known}, sent twice in all {resent} (in flight or unanswered, resolved by 8903), false failures {false_failures}, last exit status {code:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
