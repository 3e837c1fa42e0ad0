//! What the CLI writes when its output streams fail, and what it does with server text.

use crate::bulk_common::{ids, Revoker};
use crate::support::{lines, revoke, revoke_one, serve, stderr};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Runs `cmd` with `2>/dev/full`. (Not `output()`: it would pipe stderr.)
#[cfg(target_os = "linux")]
async fn with_full_stderr(mut cmd: tokio::process::Command) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let child = cmd.stderr(full).stdout(std::process::Stdio::piped());
    child.spawn().unwrap().wait_with_output().await.unwrap()
}

/// `2>/dev/full`: every write to stderr fails. The run still ends with its own status.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_stderr_is_not_a_panic() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let values = ids(150);
    let mut args = Vec::new();
    for v in &values {
        args.extend(["--customer", v.as_str()]);
    }
    let out = with_full_stderr(revoke(&server.uri(), &args)).await;
    assert_eq!(out.status.code(), Some(0), "exit 101 is a panic");
    assert_eq!(lines(&out).len(), 150, "stdout lines stay");

    // A failed request with a full stderr: still exit 3, not 101.
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>bad gateway</html>", "text/html"),
        )
        .mount(&failing)
        .await;
    let out = with_full_stderr(revoke(&failing.uri(), &["--customer", "423927848"])).await;
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(lines(&out)[0]["maybeApplied"], true);
}

/// A closed stderr (`2>&-`), and a stdout closed by its reader: still no panic.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_streams_are_not_a_panic() {
    let revoker = Revoker::default();
    let server = serve(&revoker).await;
    let binary = crate::support::binary();
    let script = format!(
        "exec 2>&- ; \"{}\" --base-url {} revoke {} --customer 423927848 | true; echo \"${{PIPESTATUS[0]}}\"",
        binary.display(),
        server.uri(),
        crate::support::REVOKE.join(" ")
    );
    let out = tokio::process::Command::new("bash")
        .args(["-c", &script])
        .env("CAPILLARY_USERNAME", "sandbox")
        .env("CAPILLARY_PASSWORD", "sandbox")
        .env_remove("CAPILLARY_BASE_URL")
        .output()
        .await
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(status, "0", "exit status of the CLI");
}

/// Text from the server never reaches the terminal raw: no escape sequence, no forged line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_text_on_stderr_is_escaped() {
    let server = MockServer::start().await;
    let message = "bad\u{1b}[2J\u{1b}[31m\r\nrevoke: 1 revoked, 0 failed\u{202e}";
    let body = serde_json::json!({"errors": [{"code": 1101, "message": message}], "warnings": []});
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("X-Cap-Requestid", "req-9")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let out = revoke_one(&server.uri()).await;
    let err = stderr(&out);
    assert!(matches!(out.status.code(), Some(1 | 3)), "{err}");
    assert!(err.contains("bad\\u{1b}[2J"), "{err}");
    for raw in ['\u{1b}', '\r', '\u{202e}'] {
        assert!(!err.contains(raw), "{raw:?} reached stderr: {err:?}");
    }
    assert!(
        err.lines().all(|l| !l.starts_with("revoke: 1 revoked")),
        "a forged summary line: {err}"
    );
    // stdout is JSON: the same text, escaped by JSON, reads back as sent.
    assert_eq!(lines(&out)[0]["errors"][0]["message"], message);
}

/// A log line quoting a server's message (a retry) cannot be split into a forged second line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_text_in_log_lines_is_escaped() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"errors": [{"code": 4001, "message": "busy\u{1b}[31m\nrevoke: 1 revoked"}]});
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(ResponseTemplate::new(503).set_body_json(body))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let answer = serde_json::json!({"response": [{"result": {"entityType": "CUSTOMER", "entityId": 423927848, "programId": 2714, "promotionId": 202779, "revokedEarnIds": [1]}, "errors": [], "warnings": []}], "totalCount": 1, "failureCount": 0});
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let out = revoke_one(&server.uri()).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let retries: Vec<&str> = err.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 1, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    let summaries = err
        .lines()
        .filter(|l| l.starts_with("revoke: 1 revoked"))
        .count();
    assert_eq!(summaries, 1, "a forged summary line: {err}");
}
