//! A revoke of a CSV file with a journal, against the fake server: the set-up of every test
//! that runs, interrupts or reruns a job.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use wiremock::MockServer;

use crate::bulk_common::Revoker;

/// A server answering with a revoker, a scratch directory holding `customers.csv` and the
/// place of `journal.jsonl`.
pub struct Job {
    /// The fake bulk revoke server.
    pub server: MockServer,
    /// The scratch directory.
    pub dir: PathBuf,
    /// The input file.
    pub csv: PathBuf,
    /// The journal (not created until a run creates it).
    pub journal: PathBuf,
}

impl Job {
    /// A job over `rows` (below the full header), in a scratch directory named `name`.
    pub async fn new(name: &str, revoker: &Revoker, rows: &[String]) -> Self {
        Self::on(super::serve(revoker).await, name, rows)
    }

    /// A job over `rows` sent to `server`.
    pub fn on(server: MockServer, name: &str, rows: &[String]) -> Self {
        let dir = super::scratch(name);
        let csv = super::write_csv(&dir, rows);
        let journal = dir.join("journal.jsonl");
        Self {
            server,
            dir,
            csv,
            journal,
        }
    }

    /// `--csv` and `--journal` of this job, then `extra`.
    pub fn args<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "--csv",
            self.csv.to_str().unwrap(),
            "--journal",
            self.journal.to_str().unwrap(),
        ];
        args.extend(extra);
        args
    }

    /// The revoke of this job, with `extra` flags.
    pub fn command(&self, extra: &[&str]) -> Command {
        super::revoke(&self.server.uri(), &self.args(extra))
    }

    /// Runs the revoke to its end.
    pub async fn run(&self, extra: &[&str]) -> Output {
        self.command(extra).output().await.unwrap()
    }

    /// Starts the revoke with stdout and stderr piped.
    pub fn spawn(&self, extra: &[&str]) -> Child {
        self.command(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

/// The revoke of a CSV file holding `text` (as `in.csv`), run to its end.
pub async fn revoke_csv(text: &str) -> (Output, Revoker, MockServer) {
    revoke_csv_as(text, super::REVOKE).await
}

/// [`revoke_csv`] with these revoke flags instead of [`super::REVOKE`].
pub async fn revoke_csv_as(text: &str, flags: &[&str]) -> (Output, Revoker, MockServer) {
    let revoker = Revoker::default();
    let server = super::serve(&revoker).await;
    let dir = super::scratch(&format!(
        "csv-{:x}",
        text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
    ));
    let csv = super::write_file(&dir, "in.csv", text);
    let out = super::bare()
        .args(["--base-url", &server.uri(), "revoke"])
        .args(flags)
        .args(["--csv", csv.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    (out, revoker, server)
}

/// Waits up to 20 s for `done`; fails the test naming `what` otherwise.
pub async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let waited = tokio::time::timeout(Duration::from_secs(20), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "{what}");
}

/// Ctrl-C, as a terminal sends it.
pub fn interrupt(pid: u32) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}
