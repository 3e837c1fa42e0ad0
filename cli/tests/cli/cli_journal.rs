//! The revoke journal belongs to one server and one request, is locked while in use, is never
//! the input, is private to its owner, and refuses lines no run could have written.

use std::time::Duration;

use crate::bulk_common::{ids, Revoker};
use crate::support::{
    journal_entries, journal_values, lines, revoke, scratch, serve, stderr, wait_until, write_csv,
    Job, REVOKE,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_is_refused_by_a_run_of_another_request_or_server() {
    let values = ids(150);
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("identity");
    let csv = write_csv(&dir, &values);
    let journal = dir.join("journal.jsonl");
    let (csv, journal_arg) = (csv.to_str().unwrap(), journal.to_str().unwrap());
    let first = revoke(&server.uri(), &["--csv", csv, "--journal", journal_arg])
        .output()
        .await
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(journal_values(&journal).len(), 150);
    let header: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&journal)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["baseUrl"], format!("{}/", server.uri()));
    assert_eq!(header["bulkAction"], "REVOKE_EARN");
    assert_eq!(header["promotionId"], 202779);
    revoker.seen.lock().unwrap().clear();

    // Another promotion, on the same server.
    let mut other_promotion = crate::support::bare();
    let mut flags: Vec<&str> = REVOKE.to_vec();
    flags[5] = "999";
    other_promotion
        .args(["--base-url", &server.uri(), "revoke"])
        .args(&flags)
        .args(["--csv", csv, "--journal", journal_arg]);
    let out = other_promotion.output().await.unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("promotion: journal 202779, this run 999"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // The same request against another server.
    let other = serve(&revoker).await;
    let out = revoke(&other.uri(), &["--csv", csv, "--journal", journal_arg])
        .output()
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("server (base URL): journal http://127.0.0.1"),
        "{err}"
    );
    assert!(revoker.seen.lock().unwrap().is_empty(), "nothing is sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_sent_with_other_earn_ids_is_sent_again() {
    let values = ids(2);
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("earns");
    let journal = dir.join("journal.jsonl");
    let journal_arg = journal.to_str().unwrap();
    for earn in ["1001", "1003"] {
        let csv = write_csv(
            &dir,
            &[format!("{},INSTORE,{earn}", values[0]), values[1].clone()],
        );
        let out = revoke(
            &server.uri(),
            &["--csv", csv.to_str().unwrap(), "--journal", journal_arg],
        )
        .output()
        .await
        .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let second: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(
        second["customers"],
        serde_json::json!([{"identifierValue": values[0], "source": "INSTORE", "earnIds": [1003]}])
    );
    let entries = journal_entries(&journal, "revoked");
    assert_eq!(entries[0]["earnIds"], serde_json::json!([1001]));
    assert_eq!(entries[0]["source"], "INSTORE");
    assert_eq!(entries[2]["earnIds"], serde_json::json!([1003]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_cannot_be_the_input_file() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("same-file");
    let csv = write_csv(&dir, &ids(3));
    let before = std::fs::read(&csv).unwrap();
    let out = revoke(
        &server.uri(),
        &[
            "--csv",
            csv.to_str().unwrap(),
            "--journal",
            dir.join(".").join("customers.csv").to_str().unwrap(),
        ],
    )
    .output()
    .await
    .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the journal is the input file"), "{err}");
    assert_eq!(std::fs::read(&csv).unwrap(), before);
    assert!(revoker.seen.lock().unwrap().is_empty());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_is_created_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("mode");
    let journal = dir.join("journal.jsonl");
    let out = revoke(
        &server.uri(),
        &[
            "--customer",
            "423927848",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .output()
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = std::fs::metadata(&journal).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_longer_than_any_the_cli_writes_is_an_error() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("long-line");
    let journal = dir.join("journal.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let first = revoke(
        &server.uri(),
        &["--customer", "423927848", "--journal", journal_arg],
    )
    .output()
    .await
    .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // 8 MiB without a newline.
    let mut text = std::fs::read(&journal).unwrap();
    text.extend(std::iter::repeat_n(b'x', 8 << 20));
    std::fs::write(&journal, text).unwrap();
    let out = revoke(
        &server.uri(),
        &["--customer", "423927849", "--journal", journal_arg],
    )
    .output()
    .await
    .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 4 is longer than 65536 bytes"), "{err}");
    assert_eq!(
        revoker.seen.lock().unwrap().len(),
        1,
        "nothing more is sent"
    );
}

/// Two runs on one journal at once: the second is refused before it sends anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_in_use_by_another_run_is_refused() {
    let values = ids(300);
    let revoker = Revoker {
        delay: Duration::from_millis(500),
        ..Revoker::default()
    };
    let job = Job::new("lock", &revoker, &values).await;
    let args = ["--concurrency", "1"];
    let first = job.spawn(&args);
    let arrived = || !revoker.seen.lock().unwrap().is_empty();
    wait_until("the first run sent nothing", arrived).await;

    let second = job.command(&args).output().await.unwrap();
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(err.contains("in use by another run"), "{err}");
    assert!(second.stdout.is_empty());

    let first = tokio::time::timeout(Duration::from_secs(30), first.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(lines(&first).len(), 300);
    let counts = revoker.counts();
    assert_eq!(counts.len(), 300);
    assert!(
        counts.values().all(|&n| n == 1),
        "a customer was sent twice"
    );
}
