//! Which server a run talks to, and which CSV files it accepts: mistakes that would otherwise
//! report work as done that was never done.

use crate::bulk_common::ids;
use crate::support::{bare, lines, revoke_csv, stderr, ISSUE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_without_a_server_are_refused_not_sent_to_the_sandbox() {
    for (name, value) in [
        ("CAPILLARY_USERNAME", "till"),
        ("CAPILLARY_OAUTH_KEY", "key"),
    ] {
        let mut cmd = bare();
        cmd.env_remove("CAPILLARY_USERNAME")
            .env_remove("CAPILLARY_PASSWORD")
            .env(name, value)
            .args(ISSUE);
        let out = cmd.output().await.unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("name a server"), "{err}");
        assert!(err.contains(name) && !err.contains(value), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_answers_when_asked_for() {
    let out = bare().arg("--sandbox").args(ISSUE).output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let line = &lines(&out)[0];
    assert_eq!(line["status"], "issued");
    assert!(line["requestId"].as_str().unwrap().starts_with("sandbox-"));

    let out = bare()
        .args(["--sandbox", "--cluster", "eu"])
        .args(ISSUE)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--sandbox names no server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_without_a_header_is_refused_citing_line_1() {
    for text in [
        "423927848\n423927849\n",
        "423927848,INSTORE\n",
        "identifierValue,sauce\n1\n",
    ] {
        let (out, revoker, _server) = revoke_csv(text).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {err}");
        assert!(err.contains("in.csv line 1"), "{err}");
        assert!(err.contains("header naming identifierValue"), "{err}");
        assert!(revoker.seen.lock().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_without_customers_is_refused() {
    for text in ["", "identifierValue,source\n", "identifierValue\n\n"] {
        let (out, revoker, _server) = revoke_csv(text).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {err}");
        assert!(err.contains("no customers"), "{err}");
        assert!(revoker.seen.lock().unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_columns_come_in_any_order() {
    let values = ids(2);
    let text = format!(
        "earnIds,identifierValue,source\n7;8,{},instore\n,{},\n",
        values[0], values[1]
    );
    let (out, _revoker, server) = revoke_csv(&text).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body["customers"],
        serde_json::json!([
            {"identifierValue": values[0], "source": "INSTORE", "earnIds": [7, 8]},
            {"identifierValue": values[1]}
        ])
    );
}
