//! `capillary revoke --csv/--journal`, run from the built binary against a wiremock
//! server that records every customer it is sent.

use std::collections::{HashMap, HashSet};
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use wiremock::MockServer;

use crate::bulk_common::{customers_of, ids, Revoker};
use crate::support::{
    identifiers, interrupt, journal_values, lines, marked, revoke, scratch, serve, sorted, stderr,
    wait_until, write_csv, Job,
};

async fn run(server: &MockServer, extra: &[&str]) -> Output {
    revoke(&server.uri(), extra).output().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_rows_are_revoked_and_printed_in_input_order() {
    let values = ids(250);
    let revoker = Revoker {
        refuse: HashMap::from([(values[42].clone(), 8015)]),
        ..Revoker::default()
    };
    let server = serve(&revoker).await;
    let dir = scratch("order");
    let rows: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| match i {
            0 => format!("{v},instore,11;12"),
            1 => format!("{v},,13"),
            _ => v.clone(),
        })
        .collect();
    let csv = write_csv(&dir, &rows);
    let output = run(
        &server,
        &["--csv", csv.to_str().unwrap(), "--concurrency", "3"],
    )
    .await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");

    let lines = lines(&output);
    assert_eq!(lines.len(), 250);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["identifierValue"], values[i].as_str());
        if i == 42 {
            assert_eq!(line["status"], "failed");
            assert_eq!(line["errors"][0]["code"], 8015);
        } else {
            assert_eq!(line["status"], "revoked", "{line}");
            assert_eq!(line["entityId"].as_u64().unwrap().to_string(), values[i]);
        }
        assert!(line["requestId"].as_str().unwrap().starts_with("req-"));
    }
    assert_eq!(lines[0]["revokedEarnIds"], serde_json::json!([11, 12]));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let first = requests
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .find(|b| b["customers"][0]["identifierValue"] == values[0].as_str())
        .unwrap();
    assert_eq!(
        first["customers"][0],
        serde_json::json!({"identifierValue": values[0], "source": "INSTORE", "earnIds": [11, 12]})
    );
    assert_eq!(
        first["customers"][1],
        serde_json::json!({"identifierValue": values[1], "earnIds": [13]})
    );
    assert_eq!(first["bulkAction"], "REVOKE_EARN");
    assert_eq!(first["promotionDetails"]["promotionId"], 202779);

    assert!(
        err.contains("revoke: 249 revoked, 1 failed, 0 unknown"),
        "{err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "no progress bar when stderr is not a terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_row_is_named_by_its_line_and_nothing_is_sent() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("bad-rows");
    // Header on line 1, three good rows, then the bad one on line 5.
    let good = ids(3);
    for (bad_row, line, needle) in [
        ("ana@example.com".to_string(), 5, "not a customer id"),
        (format!("{},SPACESHIP", good[0]), 5, "unknown source"),
        (format!("{},INSTORE,5;x", good[0]), 5, "earn id \"x\""),
        (format!("{},INSTORE,5,extra", good[0]), 5, "4 fields"),
        (",INSTORE".to_string(), 5, "identifierValue is empty"),
    ] {
        let mut rows = good.clone();
        rows.push(bad_row.clone());
        rows.extend(ids(300).into_iter().skip(10));
        let csv = write_csv(&dir, &rows);
        let output = run(&server, &["--csv", csv.to_str().unwrap()]).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{bad_row}: {err}");
        assert!(err.contains(&format!("line {line}")), "{bad_row}: {err}");
        assert!(err.contains(needle), "{bad_row}: {err}");
        assert!(output.stdout.is_empty());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_sends_nothing() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("dry-run");
    let csv = write_csv(&dir, &ids(250));
    let output = run(
        &server,
        &[
            "--csv",
            csv.to_str().unwrap(),
            "--dry-run",
            "--concurrency",
            "8",
        ],
    )
    .await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("plan: 250 customers in 3 requests of at most 100, concurrency 8"),
        "{err}"
    );
    assert!(output.stdout.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_outcomes_exit_3_stay_out_of_the_journal_and_are_resent() {
    let values = ids(300);
    let revoker = Revoker {
        fail_once: std::sync::Arc::new(std::sync::Mutex::new(HashSet::from([values[100].clone()]))),
        ..Revoker::default()
    };
    let job = Job::new("unknown", &revoker, &values).await;
    let args: [&str; 0] = [];

    let first = job.run(&args).await;
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(3), "{err}");
    assert!(err.contains("MAY HAVE BEEN APPLIED"), "{err}");
    assert!(err.contains("HTTP 500"), "{err}");
    let lines = lines(&first);
    assert_eq!(lines.len(), 300);
    for (i, line) in lines.iter().enumerate() {
        if (100..200).contains(&i) {
            assert_eq!(line["status"], "failed");
            assert_eq!(line["maybeApplied"], true);
        } else {
            assert_eq!(line["status"], "revoked");
        }
    }
    let expected = values[..100].iter().chain(&values[200..]).cloned();
    assert_eq!(
        sorted(journal_values(&job.journal)),
        sorted(expected.collect())
    );
    // Recorded for the operator as maybe applied, and not skipped by the rerun below.
    assert_eq!(marked(&job.journal), values[100..200].to_vec());

    let second = job.run(&args).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(stderr(&second).contains("skipping 200 customers already in the journal"));
    let resent: Vec<String> = identifiers(&second);
    assert_eq!(resent, values[100..200].to_vec());
    assert_eq!(journal_values(&job.journal).len(), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_journal_is_still_read_and_keyed_by_what_was_sent() {
    let values = ids(250);
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let dir = scratch("torn");
    let journal = dir.join("journal.jsonl");
    let journal_arg = journal.to_str().unwrap().to_string();
    // A first run journals the first 150 customers, and customer 200 with earn 5.
    let mut first_rows = values[..150].to_vec();
    first_rows.push(format!("{},,5", values[200]));
    let csv = write_csv(&dir, &first_rows);
    let first = run(
        &server,
        &["--csv", csv.to_str().unwrap(), "--journal", &journal_arg],
    )
    .await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // The torn tail of a crashed run.
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str(&format!(
        "{{\"identifierValue\":\"{}\",\"status\":\"rev",
        values[150]
    ));
    std::fs::write(&journal, text).unwrap();
    revoker.seen.lock().unwrap().clear();

    // Customer 200 is now sent without earn ids: not what the journal records, so it is sent.
    let csv = write_csv(&dir, &values);
    let output = run(
        &server,
        &["--csv", csv.to_str().unwrap(), "--journal", &journal_arg],
    )
    .await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("ignored 1 unreadable journal line"), "{err}");
    assert!(err.contains("skipping 150 customers"), "{err}");
    assert_eq!(identifiers(&output), values[150..].to_vec());
    let mut sent = revoker.seen.lock().unwrap().clone();
    sent.sort();
    assert_eq!(sent, values[150..].to_vec());

    // The journal stays readable: one torn line, and every customer recorded once as sent now.
    let text = std::fs::read_to_string(&journal).unwrap();
    let unreadable = text
        .lines()
        .filter(|l| serde_json::from_str::<Value>(l).is_err())
        .count();
    assert_eq!(unreadable, 1);
    let mut recorded = journal_values(&journal);
    recorded.sort();
    let mut expected = values.clone();
    expected.push(values[200].clone());
    expected.sort();
    assert_eq!(recorded, expected);

    // A rerun has nothing left to send.
    let again = run(
        &server,
        &["--csv", csv.to_str().unwrap(), "--journal", &journal_arg],
    )
    .await;
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("nothing to send"));
    assert_eq!(revoker.seen.lock().unwrap().len(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_flags_go_through_the_same_path() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let output = run(
        &server,
        &[
            "--customer",
            "423927867",
            "--customer",
            "423927868",
            "--source",
            "INSTORE",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(identifiers(&output), ["423927867", "423927868"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["customers"][1]["source"], "INSTORE");
    assert_eq!(customers_of(&requests[0].body).len(), 2);

    let bad = run(&server, &["--customer", "423927867", "--customer", "x@y"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--customer #2"), "{}", stderr(&bad));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Ctrl-C half-way, then a rerun with the same journal: the server sees every customer
/// exactly once.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_and_revokes_everyone_exactly_once() {
    let values = ids(1_000);
    let revoker = Revoker {
        delay: Duration::from_millis(300),
        ..Revoker::default()
    };
    let job = Job::new("interrupt", &revoker, &values).await;
    let args = ["--concurrency", "2"];

    let child = job.spawn(&args);
    let seen = || !revoker.seen.lock().unwrap().is_empty();
    wait_until("the first request never arrived", seen).await;
    interrupt(child.id().unwrap());
    let first = child.wait_with_output().await.unwrap();
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(3), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(err.contains("rerun with the same --journal"), "{err}");
    let sent_first = identifiers(&first);
    assert!(
        !sent_first.is_empty() && sent_first.len() < 1_000,
        "{} sent before the interrupt",
        sent_first.len()
    );
    assert_eq!(sent_first, values[..sent_first.len()].to_vec());
    // The job.journal is in the order answers arrived; it holds exactly what was printed.
    assert_eq!(
        sorted(journal_values(&job.journal)),
        sorted(sent_first.clone())
    );

    let second = job.run(&args).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(identifiers(&second), values[sent_first.len()..].to_vec());

    let counts = revoker.counts();
    assert_eq!(counts.len(), 1_000);
    assert!(
        counts.values().all(|&n| n == 1),
        "a customer was sent twice"
    );
    assert_eq!(sorted(journal_values(&job.journal)), values);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_keeps_every_answered_request_in_the_journal() {
    let values = ids(300);
    let revoker = Revoker::default();
    // The first request hangs; the two after it are answered at once.
    revoker
        .slow_once
        .lock()
        .unwrap()
        .insert(values[0].clone(), Duration::from_secs(30));
    let job = Job::new("crash", &revoker, &values).await;
    let args = ["--concurrency", "3"];
    let mut child = job.spawn(&args);
    let answered = || job.journal.exists() && journal_values(&job.journal).len() >= 200;
    let what = "the answered requests were not journaled while the first hung";
    wait_until(what, answered).await;
    // A crash, not Ctrl-C: nothing gets to clean up.
    child.kill().await.unwrap();
    assert_eq!(sorted(journal_values(&job.journal)), values[100..].to_vec());

    let second = job.run(&args).await;
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        identifiers(&second),
        values[..100].to_vec(),
        "only the unanswered request is resent"
    );
    let counts = revoker.counts();
    assert!(
        values[100..].iter().all(|v| counts[v] == 1),
        "an answered customer was sent twice"
    );
    // The hung request reached the server without an answer: its customers are sent again.
    assert!(values[..100].iter().all(|v| counts[v] == 2));
}
