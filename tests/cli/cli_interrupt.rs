//! Ctrl-C during a revoke whose requests hang: the first stops sending at once, the second
//! abandons the requests in flight and says they may have been applied.
#![cfg(unix)]

use std::time::Duration;

use crate::bulk_common::{ids, Revoker};
use crate::cli_common::{journal_entries, lines, revoke, scratch, serve, write_csv};
use tokio::io::{AsyncBufReadExt as _, BufReader};

fn interrupt(pid: u32) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_abandons_hung_requests_as_maybe_applied() {
    let values = ids(500);
    let revoker = Revoker {
        delay: Duration::from_secs(60),
        ..Revoker::default()
    };
    let server = serve(&revoker).await;
    let dir = scratch("interrupt-twice");
    let csv = write_csv(&dir, &values);
    let journal = dir.join("journal.jsonl");
    let args = [
        "--csv",
        csv.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        "2",
    ];
    let mut child = revoke(&server.uri(), &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let both_sent = tokio::time::timeout(Duration::from_secs(20), async {
        while revoker.seen.lock().unwrap().len() < 200 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(both_sent.is_ok(), "two requests of 100 should be in flight");

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

    // The journal is valid and says the same; those customers are not skipped by a rerun.
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    let mut marked: Vec<String> = journal_entries(&journal, "maybeApplied")
        .iter()
        .map(|e| e["identifierValue"].as_str().unwrap().to_string())
        .collect();
    marked.sort();
    assert_eq!(marked, values[..200].to_vec());
    assert!(crate::cli_common::journal_values(&journal).is_empty());
}
