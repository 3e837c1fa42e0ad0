//! `capillary enrol`: bulk enrol and earn on the bulk runner, and a rerun that never sends a
//! maybe-applied EARN again before the lookup says it was not applied.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::bulk_common::Enroller;
use crate::support::{self, bare, command, lines, scratch, stderr, wait_until, write_file};

/// `enrol --action action` of program 2714 by customer id, source INSTORE, on the sandbox.
async fn sandbox_enrol(action: &str, promotion: [&str; 2], customers: &[&str]) -> support::Run {
    let mut cmd = command();
    cmd.args([
        "--sandbox",
        "enrol",
        "--action",
        action,
        "--program",
        "2714",
    ])
    .args(promotion)
    .args(["--identifier-name", "id", "--source", "INSTORE"]);
    for customer in customers {
        cmd.args(["--customer", customer]);
    }
    support::run(cmd).await
}

#[tokio::test]
async fn enrols_in_input_order_with_ids_as_numbers() {
    let run = sandbox_enrol("enrol", ["--promotion", "202188"], &["423926198", "1"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Already enrolled in the demo: enrolled, with its issual and the server's warning.
    let [enrolled, failed] = &run.lines[..] else {
        panic!("{:?}", run.lines)
    };
    assert_eq!(
        (&enrolled["status"], &enrolled["identifierValue"]),
        (&json!("enrolled"), &json!("423926198"))
    );
    assert!(enrolled["issualId"].is_u64());
    assert_eq!(enrolled["warnings"][0]["code"], 8890);
    assert_eq!(
        (&failed["status"], &failed["errors"][0]["code"]),
        (&json!("failed"), &json!(8015))
    );
    assert!(
        run.stderr.contains("enrol: 1 enrolled, 1 failed"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn earn_prints_earned_with_its_earned_id() {
    let promotion = ["--promo-identifier", "1d9e540d-ae2c-443f-9d0d-7ac146bf93f2"];
    let run = sandbox_enrol("earn", promotion, &["423926198"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines[0]["status"], "earned");
    assert!(run.lines[0]["earnedId"].is_u64(), "{:?}", run.lines);
}

/// `enrol --action action` of program 2714, promotion 202188, by id, against `url`.
pub(crate) fn enrol_2714(url: &str, action: &str, extra: &[&str]) -> tokio::process::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", url, "enrol", "--action", action])
        .args([
            "--program",
            "2714",
            "--promotion",
            "202188",
            "--identifier-name",
            "id",
        ])
        .args(extra);
    cmd
}

/// The enroller, answering after a delay set at run time; clones share it.
#[derive(Clone, Default)]
pub(crate) struct Slow {
    enroller: Arc<Mutex<Enroller>>,
    delay: Arc<Mutex<Duration>>,
}

impl Respond for Slow {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.enroller
            .lock()
            .unwrap()
            .respond(request)
            .set_delay(*self.delay.lock().unwrap())
    }
}

impl Slow {
    pub(crate) fn requests(&self) -> Vec<Vec<String>> {
        self.enroller
            .lock()
            .unwrap()
            .requests
            .lock()
            .unwrap()
            .clone()
    }
}

/// An `enrol --action action` of four customers (source INSTORE, in a CSV, with a journal)
/// killed with -9 while its request is in flight; the server then answers at once.
pub(crate) struct Killed {
    pub(crate) server: MockServer,
    pub(crate) slow: Slow,
    pub(crate) args: Vec<String>,
}

impl Killed {
    pub(crate) async fn new(name: &str, action: &str) -> Self {
        let server = MockServer::start().await;
        let slow = Slow::default();
        *slow.delay.lock().unwrap() = Duration::from_secs(600);
        Mock::given(method("POST"))
            .and(path("/v2/promotion/bulk/enrolAndEarn"))
            .respond_with(slow.clone())
            .mount(&server)
            .await;
        let dir = scratch(name);
        let csv = write_file(
            &dir,
            "in.csv",
            "identifierValue,source\n423900000,INSTORE\n423900001,INSTORE\n423900002,INSTORE\n423900003,INSTORE\n",
        );
        let journal = dir.join("journal.jsonl");
        let args = [
            "--csv",
            csv.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec();
        let killed = Self { server, slow, args };
        let mut child = killed
            .command(action, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let slow = killed.slow.clone();
        wait_until("the request arrives", || slow.requests().len() == 1).await;
        std::process::Command::new("kill")
            .args(["-KILL", &child.id().unwrap().to_string()])
            .status()
            .unwrap();
        let _ = child.wait().await;
        *killed.slow.delay.lock().unwrap() = Duration::ZERO;
        killed
    }

    pub(crate) fn command(&self, action: &str, extra: &[&str]) -> tokio::process::Command {
        let mut args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        args.extend(extra);
        enrol_2714(&self.server.uri(), action, &args)
    }
}

/// The line of customer `value`.
fn line_of(lines: &[serde_json::Value], value: &str) -> serde_json::Value {
    lines
        .iter()
        .find(|l| l["identifierValue"] == value)
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_enrol_that_finds_the_customer_enrolled_is_enrolled() {
    let killed = Killed::new("enrol-resent", "enrol").await;
    // The lost request enrolled them all: the resend finds them enrolled (8890).
    killed.slow.enroller.lock().unwrap().already =
        ["423900000", "423900001", "423900002", "423900003"]
            .map(String::from)
            .into();
    let rerun = killed.command("enrol", &[]).output().await.unwrap();
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    for line in lines(&rerun) {
        assert_eq!(line["status"], "enrolled", "{line}");
        assert_eq!(
            line["resolvedBy"], "8890 after an unknown attempt",
            "{line}"
        );
        assert!(line["issualId"].is_u64(), "{line}");
        assert_eq!(line["warnings"][0]["code"], 8890);
    }
    assert_eq!(killed.slow.requests().len(), 2);
}

pub(crate) async fn mount_lookup(
    server: &MockServer,
    customer: Option<&str>,
    timelines: serde_json::Value,
) {
    let mut mock = Mock::given(method("GET"))
        .and(path("/v2/customers/lookup/promotionData"))
        .and(query_param("identifierName", "id"))
        .and(query_param("source", "INSTORE"))
        .and(query_param("programs", "2714"));
    let mut priority = 5;
    if let Some(customer) = customer {
        mock = mock.and(query_param("identifierValue", customer));
        priority = 1;
    }
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "pageDetails": {"totalEntries": 1},
        "promotions": [{"promotionId": 202188, "programId": 2714, "customerPromotionTimelines": timelines}]
    })))
    .with_priority(priority)
    .mount(server)
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maybe_applied_earn_is_looked_up_and_only_the_unapplied_are_sent_again() {
    let killed = Killed::new("earn-settle", "earn").await;
    // Two of the four earned before the kill (issued after the journaled time), two not.
    let earned = json!([{"enrollmentId": 7, "issuedDetails": [{"issualId": 5000, "issualDate": "2099-01-01T00:00:00.000Z"}]}]);
    let earlier = json!([{"enrollmentId": 7, "issuedDetails": [{"issualId": 4000, "issualDate": "2024-01-01T00:00:00.000Z"}]}]);
    let server = &killed.server;
    mount_lookup(server, Some("423900000"), earned.clone()).await;
    mount_lookup(server, Some("423900001"), earned).await;
    mount_lookup(server, None, earlier).await;
    let earn = |extra: &[&str]| killed.command("earn", extra);

    let rerun = earn(&[]).output().await.unwrap();
    let err = stderr(&rerun);
    assert_eq!(rerun.status.code(), Some(0), "{err}");
    assert!(err.contains("2 applied, 2 not applied"), "{err}");
    let lines = lines(&rerun);
    let status = |v: &str| line_of(&lines, v);
    for applied in ["423900000", "423900001"] {
        let line = status(applied);
        assert_eq!(line["status"], "earned", "{line}");
        assert_eq!(line["earnedId"], 5000);
        assert_eq!(line["resolvedBy"], "lookup after an unknown attempt");
    }
    for sent in ["423900002", "423900003"] {
        assert_eq!(status(sent)["status"], "earned");
        assert!(status(sent).get("resolvedBy").is_none());
    }
    let requests = killed.slow.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(
        requests[1],
        ["423900002", "423900003"],
        "never the applied ones again"
    );

    // --resend-unknown sends without looking up, and says so. Nothing is unknown now.
    let third = earn(&["--resend-unknown"]).output().await.unwrap();
    assert!(
        stderr(&third).contains("--resend-unknown"),
        "{}",
        stderr(&third)
    );
    assert_eq!(killed.slow.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_level_refusal_is_sent_again_once_the_cause_is_fixed() {
    let enroller = Enroller::default();
    let server =
        crate::bulk_wire::server_with("/v2/promotion/bulk/enrolAndEarn", enroller.clone()).await;
    // The promotion is inactive (8892) for the first request only.
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/enrolAndEarn"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            crate::bulk_wire::single_error(8892, "promotion is inactive"),
            "application/json",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let dir = scratch("refused-earn");
    let journal = dir.join("journal.jsonl");
    let url = server.uri();
    let customers = ["--customer", "423900000", "--customer", "423900001"];
    let earn = || {
        enrol_2714(
            &url,
            "earn",
            &[
                &customers[..],
                &[
                    "--source",
                    "INSTORE",
                    "--journal",
                    journal.to_str().unwrap(),
                ],
            ]
            .concat(),
        )
    };
    let first = support::run(earn()).await;
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(first.lines.iter().all(|l| l["errors"][0]["code"] == 8892));
    // Sent again, without a lookup (the strict server would refuse one): nothing applied.
    let rerun = support::run(earn()).await;
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert!(
        rerun.lines.iter().all(|l| l["status"] == "earned"),
        "{:?}",
        rerun.lines
    );
    assert_eq!(enroller.requests.lock().unwrap().len(), 1);
}
