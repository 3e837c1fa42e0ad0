//! The write-ahead journal: customers are journaled as being sent before their request is
//! sent, so a crash, a torn line or a full disk leaves no customer unknown, and a rerun
//! resolves the customers in flight instead of reporting them failed.

use std::time::Duration;

use crate::bulk_common::ids;
use crate::support::{journal_entries, lines, stderr, wait_until, Job, Ledger};

fn kill_9(pid: u32) {
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

/// Sends 400 customers to a server that applies them and never answers, kills the run
/// with -9 once all four requests arrived, and makes the server answer at once.
async fn killed_in_flight(name: &str) -> (Ledger, Job) {
    let (ledger, server) = Ledger::serve().await;
    ledger.answer_after(Duration::from_secs(600));
    let job = Job::on(server, name, &ids(400));
    let mut child = job.spawn(&["--concurrency", "4"]);
    let pid = child.id().unwrap();
    wait_until("the four requests arrive", || ledger.applied() == 400).await;
    kill_9(pid);
    let _ = child.wait().await;
    ledger.answer_after(Duration::ZERO);
    (ledger, job)
}

fn assert_resolved_as_revoked(out: &std::process::Output, ledger: &Ledger) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let lines = lines(out);
    assert_eq!(lines.len(), 400, "{err}");
    for line in &lines {
        assert_eq!(line["status"], "revoked", "{line}");
        assert_eq!(
            line["resolvedBy"], "8903 after an unknown attempt",
            "{line}"
        );
    }
    assert!(
        err.contains("400 customers of the journal may have been applied"),
        "{err}"
    );
    assert_eq!(ledger.twice().len(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_in_flight_at_a_kill_9_are_journaled_and_resolved_by_the_rerun() {
    let (ledger, job) = killed_in_flight("kill-9").await;
    let sending = journal_entries(&job.journal, "sending");
    assert_eq!(
        sending.len(),
        400,
        "every customer sent was journaled first"
    );
    assert!(sending.iter().all(|e| e["at"].as_u64().unwrap() > 0));

    let rerun = job.run(&[]).await;
    assert_resolved_as_revoked(&rerun, &ledger);
    assert_eq!(journal_entries(&job.journal, "revoked").len(), 400);
    assert!(journal_entries(&job.journal, "failed").is_empty());

    // The journal now knows them: a third run sends nothing.
    let third = job.run(&[]).await;
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert!(lines(&third).is_empty());
    assert_eq!(ledger.twice().len(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_last_line_leaves_its_customer_in_flight_not_unknown() {
    let (ledger, job) = killed_in_flight("torn").await;
    // The kill cut the outcome line of the first customer in half.
    let mut text = std::fs::read(&job.journal).unwrap();
    text.extend_from_slice(br#"{"identifierValue":"423900000","status":"rev"#);
    std::fs::write(&job.journal, text).unwrap();

    let rerun = job.run(&[]).await;
    assert!(stderr(&rerun).contains("ignored 1 unreadable journal line"));
    assert_resolved_as_revoked(&rerun, &ledger);
    assert_eq!(lines(&rerun)[0]["identifierValue"], "423900000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_journal_is_refused_naming_its_format() {
    let (ledger, server) = Ledger::serve().await;
    let job = Job::on(server, "older", &ids(3));
    let first = job.run(&[]).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = std::fs::read_to_string(&job.journal).unwrap();
    let older = text.replacen("\"capillaryJournal\":3", "\"capillaryJournal\":2", 1);
    assert_ne!(older, text);
    std::fs::write(&job.journal, older).unwrap();
    let rerun = job.run(&[]).await;
    let err = stderr(&rerun);
    assert_eq!(rerun.status.code(), Some(2), "{err}");
    assert!(err.contains("journal format 2"), "{err}");
    assert_eq!(ledger.applied(), 3);
    assert!(ledger.twice().is_empty());
}

/// A tmpfs of `size` mounted on `dir`, unmounted when dropped.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(dir: std::path::PathBuf, size: &str) -> Option<Self> {
        std::fs::create_dir_all(&dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        Some(Self(dir))
    }

    fn grow(&self, size: &str) {
        let out = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(out.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stops_the_run_before_a_request_it_could_not_journal() {
    let (ledger, server) = Ledger::serve().await;
    let mut job = Job::on(server, "full-disk", &ids(3000));
    let Some(disk) = SmallDisk::mount(job.dir.join("disk"), "64k") else {
        return;
    };
    job.journal = disk.0.join("journal.jsonl");
    let first = job.run(&["--concurrency", "8"]).await;
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(3), "{err}");
    assert!(err.contains("cannot write the journal"), "{err}");
    assert!(err.contains(job.journal.to_str().unwrap()), "{err}");
    assert!(
        err.contains("No request was sent that it could not journal first"),
        "{err}"
    );
    let applied = ledger.applied();
    assert!(applied > 0 && applied < 3000, "{applied} applied: {err}");
    // Every customer the server received was journaled as being sent first.
    let sending = journal_entries(&job.journal, "sending");
    let journaled: std::collections::HashSet<String> = sending
        .iter()
        .map(|e| e["identifierValue"].as_str().unwrap().to_string())
        .collect();
    for customer in ledger.received.lock().unwrap().keys() {
        assert!(journaled.contains(customer), "{customer} sent unjournaled");
    }
    let known: std::collections::HashSet<String> = journal_entries(&job.journal, "revoked")
        .iter()
        .map(|e| e["identifierValue"].as_str().unwrap().to_string())
        .collect();

    disk.grow("8m");
    let rerun = job.run(&["--concurrency", "8"]).await;
    let err = stderr(&rerun);
    assert_eq!(rerun.status.code(), Some(0), "{err}");
    let lines = lines(&rerun);
    assert!(lines.iter().all(|l| l["status"] == "revoked"), "{err}");
    assert_eq!(ledger.applied(), 3000, "nothing lost");
    // Sent twice: only customers the journal had as in flight, none it knew as revoked.
    for customer in ledger.twice() {
        assert!(journaled.contains(&customer) && !known.contains(&customer));
    }
}
