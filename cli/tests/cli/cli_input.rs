//! Input as operators produce it: a file that changes while it is sent or cannot be read
//! twice, duplicate rows, and what Excel writes.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt as _;

use crate::bulk_common::{ids, Revoker};
use crate::support::{
    identifiers, revoke, revoke_csv, revoke_csv_as, serve, sorted, stderr, wait_until, Job, REVOKE,
};

/// The customers of every request the server received, in arrival order.
async fn sent(server: &wiremock::MockServer) -> Vec<serde_json::Value> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .flat_map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            body["customers"].as_array().unwrap().clone()
        })
        .collect()
}

/// The customers sent for a CSV file of `text`, which must succeed.
async fn accepted(text: &str) -> Vec<serde_json::Value> {
    let (out, _revoker, server) = revoke_csv(text).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    sent(&server).await
}

/// The file is rewritten in place while the first request hangs: the rows sent are the rows
/// that were checked, not what the file says by the time they are read again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_rewritten_during_the_run_sends_only_the_rows_checked() {
    let values = ids(3_000);
    let revoker = Revoker::default();
    let slow = Duration::from_secs(2);
    revoker
        .slow_once
        .lock()
        .unwrap()
        .insert(values[0].clone(), slow);
    let job = Job::new("rewritten", &revoker, &values).await;
    let child = job.spawn(&["--concurrency", "1"]);
    let first = || !revoker.seen.lock().unwrap().is_empty();
    wait_until("the first request never arrived", first).await;
    // Same length, other customers from row 1,500 on: rows the validation never saw.
    let swapped: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i < 1_500 {
                v.clone()
            } else {
                v.replacen("4239", "5239", 1)
            }
        })
        .collect();
    crate::support::write_csv(&job.dir, &swapped);
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let counts = revoker.counts();
    let unchecked = counts.keys().filter(|v| v.starts_with("5239")).count();
    assert_eq!(unchecked, 0, "customers sent that were never checked");
    assert!(sorted(counts.keys().cloned().collect()) == values);
    assert!(counts.values().all(|&n| n == 1));
    assert!(
        identifiers(&out) == values,
        "one line per checked row, in order"
    );
}

/// `--csv /dev/stdin`: a pipe cannot be read twice, so it is kept for the second pass.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_from_standard_input_is_sent_whole() {
    let values = ids(250);
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let mut child = revoke(&server.uri(), &["--csv", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = format!("identifierValue\n{}\n", values.join("\n"));
    stdin.write_all(text.as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(identifiers(&out), values);
    assert_eq!(sorted(revoker.counts().keys().cloned().collect()), values);
    assert!(!err.contains("stopped early"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_customers_are_refused_citing_both_lines() {
    let v = ids(3);
    let text = format!(
        "identifierValue,source,earnIds\n{},,5\n{},,6\n{},,7\n{},INSTORE,5\n",
        v[0], v[1], v[2], v[0]
    );
    let (out, revoker, _server) = revoke_csv(&text).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("in.csv line 5"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains(&v[0]), "{err}");
    assert!(revoker.seen.lock().unwrap().is_empty());

    // The same customer with other earn ids is another revoke: sent.
    let text = format!("identifierValue,earnIds\n{},5\n{},6\n", v[0], v[0]);
    assert_eq!(accepted(&text).await.len(), 2);

    // Flags too.
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let out = revoke(&server.uri(), &["--customer", &v[1], "--customer", &v[1]])
        .output()
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--customer #2") && err.contains("#1"), "{err}");
    assert!(revoker.seen.lock().unwrap().is_empty());
}

/// What Excel writes: CRLF, rows of empty fields, a trailing empty column, earn ids ending
/// in `;`, a BOM and quoted headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excel_habits_are_accepted() {
    let v = ids(2);
    let text = format!(
        "\u{feff}\"identifierValue\",\"source\",\"earnIds\",\r\n{},INSTORE,5;6;,\r\n,,,\r\n{},,,\r\n,,,\r\n",
        v[0], v[1]
    );
    assert_eq!(
        accepted(&text).await,
        vec![
            json!({"identifierValue": v[0], "source": "INSTORE", "earnIds": [5, 6]}),
            json!({"identifierValue": v[1]}),
        ]
    );
}

/// The European locale: `;` between fields (earn ids quoted, as Excel quotes them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_semicolon_delimited_file_is_read_by_its_header() {
    let v = ids(3);
    let text = format!(
        "identifierValue;source;earnIds\r\n{};INSTORE;\"5;6\"\r\n{};;7\r\n{};;\r\n",
        v[0], v[1], v[2]
    );
    assert_eq!(
        accepted(&text).await,
        vec![
            json!({"identifierValue": v[0], "source": "INSTORE", "earnIds": [5, 6]}),
            json!({"identifierValue": v[1], "earnIds": [7]}),
            json!({"identifierValue": v[2]}),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mobile_number_excel_turned_into_scientific_notation_is_refused() {
    let mut flags = REVOKE.to_vec();
    flags[7] = "mobile";
    let text = "identifierValue,earnIds\n18767431754,5\n1.87674E+10,6\n";
    let (out, revoker, _server) = revoke_csv_as(text, &flags).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("in.csv line 3"), "{err}");
    assert!(
        err.contains("scientific notation") && err.contains("Excel"),
        "{err}"
    );
    assert!(revoker.seen.lock().unwrap().is_empty());
}
