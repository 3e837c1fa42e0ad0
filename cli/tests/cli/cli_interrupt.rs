//! Ctrl-C during a revoke whose requests hang: the first stops sending at once, the second
//! abandons the requests in flight and says they may have been applied.
#![cfg(unix)]

use std::time::Duration;

use crate::bulk_common::{ids, Revoker};
use crate::support::{interrupt, journal_values, lines, marked, wait_until, Job};
use tokio::io::{AsyncBufReadExt as _, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_abandons_hung_requests_as_maybe_applied() {
    let values = ids(500);
    let revoker = Revoker {
        delay: Duration::from_secs(60),
        ..Revoker::default()
    };
    let job = Job::new("interrupt-twice", &revoker, &values).await;
    let args = ["--concurrency", "2"];
    let mut child = job.spawn(&args);
    let pid = child.id().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let both_sent = || revoker.seen.lock().unwrap().len() >= 200;
    wait_until("two requests of 100 should be in flight", both_sent).await;

    // First Ctrl-C: noticed at once, although no request slot frees for a minute.
    interrupt(pid);
    let noticed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(line) = err.next_line().await.unwrap() {
            if line.contains("interrupted") {
                return line;
            }
        }
        panic!("stderr ended");
    })
    .await
    .expect("the first Ctrl-C was not noticed within 5 s");
    assert!(noticed.contains("200 customers in flight"), "{noticed}");

    // Second Ctrl-C: the hung requests are abandoned.
    interrupt(pid);
    let mut rest = String::new();
    let out = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(line) = err.next_line().await.unwrap() {
            rest.push_str(&line);
            rest.push('\n');
        }
        child.wait_with_output().await.unwrap()
    })
    .await
    .expect("the second Ctrl-C did not end the run within 10 s");
    assert_eq!(out.status.code(), Some(3), "{rest}");
    assert!(rest.contains("MAY HAVE BEEN APPLIED"), "{rest}");

    let lines = lines(&out);
    assert_eq!(lines.len(), 200, "one line per customer in flight");
    for (line, value) in lines.iter().zip(&values) {
        assert_eq!(line["identifierValue"], value.as_str());
        assert_eq!(line["status"], "failed");
        assert_eq!(line["maybeApplied"], true);
    }
    assert_eq!(
        revoker.seen.lock().unwrap().len(),
        200,
        "nothing sent after Ctrl-C"
    );

    // The job.journal is valid and says the same; those customers are not skipped by a rerun.
    let text = std::fs::read_to_string(&job.journal).unwrap();
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    assert_eq!(marked(&job.journal), values[..200].to_vec());
    assert!(journal_values(&job.journal).is_empty());
}
