//! The `capillary` CLI end to end against a mock server: output lines and exit codes.

use crate::common::*;
use crate::support::{self, command, till, Run, ISSUE};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn run(base_url: Option<&str>, args: &[&str], credentials: bool) -> Run {
    let mut cmd = if credentials { till() } else { command() };
    if let Some(url) = base_url {
        cmd.args(["--base-url", url]);
    }
    cmd.args(args);
    support::run(cmd).await
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

const TARGET: &[&str] = &[
    "--target-group",
    "7",
    "--target",
    "12",
    "--customer",
    "345651201",
];

/// A server answering `route` of target 12 of group 7 with customer 345651201's data.
async fn target_server(route: &str, request_id: &str) -> MockServer {
    let body = r#"{"data":345651201,"errors":null,"warnings":null}"#;
    let route = format!("/v3.1/targetGroups/7/targets/12/{route}");
    self::server(&route, answer(200, body, request_id)).await
}

#[tokio::test]
async fn enroll_and_unenroll_print_their_lines() {
    let server = target_server("enroll", "req-5").await;
    let milestone = ["--period", "PERIOD_G_29463_1", "--initial-balance", "100"];
    let scope = ["--data-scope", "OTHER", "--org", "50123"];
    let args = [&["enroll"][..], TARGET, &milestone, &scope].concat();
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

    let server = target_server("unEnroll", "req-6").await;
    let args = [&["unenroll"][..], TARGET, &["--data-scope", "SELF"]].concat();
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
