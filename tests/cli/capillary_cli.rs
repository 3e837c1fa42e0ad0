//! The `capillary` example CLI end to end against a mock server: output lines and exit codes.

use std::path::PathBuf;

use crate::common::*;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Run {
    code: i32,
    lines: Vec<Value>,
    stderr: String,
}

fn binary() -> PathBuf {
    // Integration tests live in target/<profile>/deps; cargo builds examples next door.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("examples")
        .join(format!("capillary{}", std::env::consts::EXE_SUFFIX))
}

async fn run(base_url: Option<&str>, args: &[&str], credentials: bool) -> Run {
    let mut command = tokio::process::Command::new(binary());
    command
        .env_remove("CAPILLARY_BASE_URL")
        .env_remove("CAPILLARY_CLUSTER")
        .env_remove("CAPILLARY_RATE_LIMIT")
        .env_remove("CAPILLARY_OAUTH_KEY")
        .env_remove("CAPILLARY_OAUTH_SECRET")
        .env_remove("RUST_LOG");
    if credentials {
        command
            .env("CAPILLARY_USERNAME", "till")
            .env("CAPILLARY_PASSWORD", "secret123");
    } else {
        command
            .env_remove("CAPILLARY_USERNAME")
            .env_remove("CAPILLARY_PASSWORD");
    }
    if let Some(url) = base_url {
        command.args(["--base-url", url]);
    }
    let output = command.args(args).output().await.unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    Run {
        code: output.status.code().unwrap(),
        lines: stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

async fn server(route: &str, response: ResponseTemplate) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

const ISSUE: &[&str] = &[
    "issue",
    "--program",
    "469",
    "--promotion",
    "65777",
    "--identifier-name",
    "mobile",
    "--identifier-value",
    "18767431754",
    "--source",
    "INSTORE",
];

#[tokio::test]
async fn issue_prints_an_issued_line_and_exits_0() {
    let body = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":"3","promotionId":65777}]}"#;
    let server = self::server("/v2/promotion/issue", answer(200, body, "req-1")).await;
    let run = self::run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines,
        vec![
            serde_json::json!({"status":"issued","programId":469,"promotionId":65777,"issualId":3,"errors":[],"warnings":[],"requestId":"req-1"})
        ]
    );
    let request = only_request(&server).await;
    assert_common_headers(&request);
}

#[tokio::test]
async fn not_issued_and_refusals_exit_1() {
    let body = r#"{"warnings":[{"status":false,"code":8890,"message":"limits"}],"errors":[],"sideEffects":[]}"#;
    let server = self::server("/v2/promotion/issue", answer(200, body, "req-2")).await;
    let run = self::run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.lines[0]["status"], "not_issued");
    assert_eq!(
        run.lines[0]["warnings"],
        serde_json::json!([{"code":8890,"message":"limits"}])
    );

    let body = r#"{"warnings":[],"errors":[{"status":false,"code":8015,"message":"Customer not found for the given identifiers"}]}"#;
    let server = self::server("/v2/promotion/issue", answer(200, body, "req-3")).await;
    let run = self::run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.lines[0]["status"], "failed");
    assert_eq!(run.lines[0]["errors"][0]["code"], 8015);
    assert_eq!(run.lines[0]["requestId"], "req-3");
    assert_eq!(run.lines[0]["identifierValue"], "18767431754");
}

#[tokio::test]
async fn revoke_prints_one_line_per_customer_in_order() {
    let body = r#"{"response":[
        {"result":{"entityType":"CUSTOMER","entityId":555567088,"promotionId":74230,"programId":753,"revokedEarnIds":[111]},"errors":[],"warnings":[]},
        {"errors":[{"status":false,"message":"Customer not found for the given identifiers","code":8015}],"warnings":[]}
    ],"totalCount":2,"failureCount":1}"#;
    let server = self::server(
        "/v2/promotion/bulk/revokeEnrolAndEarn",
        answer(207, body, "req-4"),
    )
    .await;
    let args = [
        "revoke",
        "--action",
        "earn",
        "--program",
        "753",
        "--promotion",
        "74230",
        "--identifier-name",
        "id",
        "--customer",
        "555567088",
        "--customer",
        "1",
        "--source",
        "INSTORE",
    ];
    let run = self::run(Some(&server.uri()), &args, true).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.lines,
        vec![
            serde_json::json!({"status":"revoked","identifierValue":"555567088","entityId":555567088,"programId":753,"promotionId":74230,"revokedEarnIds":[111],"errors":[],"warnings":[],"requestId":"req-4"}),
            serde_json::json!({"status":"failed","identifierValue":"1","errors":[{"code":8015,"message":"Customer not found for the given identifiers"}],"warnings":[],"requestId":"req-4"}),
        ]
    );
    let body = body_json(&only_request(&server).await);
    assert_eq!(
        body["customers"][1],
        serde_json::json!({"identifierValue":"1","source":"INSTORE"})
    );
}

#[tokio::test]
async fn enroll_and_unenroll_print_their_lines() {
    let server = self::server(
        "/v3.1/targetGroups/7/targets/12/enroll",
        answer(
            200,
            r#"{"data":345651201,"errors":null,"warnings":null}"#,
            "req-5",
        ),
    )
    .await;
    let args = [
        "enroll",
        "--target-group",
        "7",
        "--target",
        "12",
        "--customer",
        "345651201",
        "--period",
        "PERIOD_G_29463_1",
        "--initial-balance",
        "100",
        "--data-scope",
        "OTHER",
        "--org",
        "50123",
    ];
    let run = self::run(Some(&server.uri()), &args, true).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.lines,
        vec![
            serde_json::json!({"status":"enrolled","customerId":345651201,"errors":[],"warnings":[],"requestId":"req-5"})
        ]
    );
    let request = only_request(&server).await;
    assert_eq!(request.headers["data-scope-org"], "50123");

    let server = self::server(
        "/v3.1/targetGroups/7/targets/12/unEnroll",
        answer(
            200,
            r#"{"data":345651201,"errors":null,"warnings":null}"#,
            "req-6",
        ),
    )
    .await;
    let args = [
        "unenroll",
        "--target-group",
        "7",
        "--target",
        "12",
        "--customer",
        "345651201",
        "--data-scope",
        "SELF",
    ];
    let run = self::run(Some(&server.uri()), &args, true).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines[0]["status"], "unenrolled");
}

#[tokio::test]
async fn invalid_input_exits_2_and_sends_nothing() {
    let server = strict_server().await;
    let uri = server.uri();
    let enroll_all = [
        "enroll",
        "--target-group",
        "7",
        "--target",
        "12",
        "--customer",
        "1",
        "--data-scope",
        "ALL",
    ];
    let bad_flag = ["issue", "--program", "x"];
    let no_promotion = [
        "revoke",
        "--action",
        "earn",
        "--program",
        "1",
        "--identifier-name",
        "id",
        "--customer",
        "1",
    ];
    for args in [&enroll_all[..], &bad_flag[..], &no_promotion[..]] {
        let run = self::run(Some(&uri), args, true).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.lines.is_empty());
    }
    let run = self::run(Some(&uri), ISSUE, false).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no credentials"), "{}", run.stderr);
    let run = self::run(Some("http://eu.api.capillarytech.com"), ISSUE, true).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("plain http"), "{}", run.stderr);
}

#[tokio::test]
async fn an_answer_that_may_have_been_applied_exits_3_and_says_so() {
    let response = ResponseTemplate::new(502)
        .insert_header("X-Cap-Requestid", "req-7")
        .set_body_raw("<html>bad gateway</html>", "text/html");
    let server = self::server("/v2/promotion/issue", response).await;
    let run = self::run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 3);
    assert!(run.lines.is_empty());
    for needle in ["HTTP 502", "req-7", "MAY HAVE BEEN APPLIED"] {
        assert!(
            run.stderr.contains(needle),
            "{needle} missing from {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn refused_credentials_exit_3_with_the_request_id() {
    let server = self::server("/v2/promotion/issue", answer(401, "", "req-8")).await;
    let run = self::run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("authentication failed") && run.stderr.contains("req-8"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("MAY HAVE BEEN APPLIED"));
}

#[tokio::test]
async fn without_a_server_the_embedded_sandbox_answers_and_says_so() {
    let run = run(None, ISSUE, false).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("embedded sandbox"), "{}", run.stderr);
    assert_eq!(run.lines[0]["status"], "issued");
    assert!(run.lines[0]["requestId"]
        .as_str()
        .unwrap()
        .starts_with("sandbox-"));
}

#[tokio::test]
async fn each_retry_shows_one_line_on_stderr() {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(answer(
            503,
            r#"{"errors":[{"code":4001,"message":"authorization status unavailable"}]}"#,
            "req-busy",
        ))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    let body = r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":65777}]}"#;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/issue"))
        .respond_with(answer(200, body, "req-ok"))
        .expect(1)
        .mount(&server)
        .await;
    let run = run(Some(&server.uri()), ISSUE, true).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines[0]["requestId"], "req-ok");
    let retries: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("retrying"))
        .collect();
    assert_eq!(retries.len(), 2, "{}", run.stderr);
    assert!(
        retries[0].contains("HTTP 503") && retries[0].contains("req-busy"),
        "{}",
        retries[0]
    );
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal"
    );
    assert_eq!(
        run.stderr.lines().count(),
        2,
        "nothing else on stderr: {}",
        run.stderr
    );
}
