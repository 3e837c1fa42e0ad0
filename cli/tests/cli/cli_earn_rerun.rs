//! Reruns of an `EARN` killed in flight, against journals and lookups that could make the
//! resolution resend an applied earn or report an unapplied one as earned.

use serde_json::json;

use crate::bulk_common::Enroller;
use crate::cli_enrol::{enrol_2714, mount_lookup, Killed};
use crate::support::{self, lines, scratch, stderr};

/// The rerun's lines and requests after the kill, once the lookup lists, for every customer,
/// the promotion with `timelines`; the journal is first passed through `edit`.
async fn rerun_earn_after(
    name: &str,
    timelines: serde_json::Value,
    edit: impl Fn(&str) -> String,
) -> (std::process::Output, Vec<Vec<String>>) {
    let killed = Killed::new(name, "earn").await;
    let journal = std::path::PathBuf::from(&killed.args[3]);
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, edit(&text)).unwrap();
    mount_lookup(&killed.server, None, timelines).await;
    let rerun = killed.command("earn", &[]).output().await.unwrap();
    (rerun, killed.slow.requests())
}

/// The journal `text` with the time of each `sending` entry replaced by `at`.
fn with_time(text: &str, at: &str) -> String {
    text.lines()
        .map(|l| match l.find(r#","at":"#) {
            Some(i) => format!("{}{at}}}\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect()
}

/// Each line of the rerun is a `failed` line that may have been applied, and nothing was
/// sent again.
fn assert_left_unknown(rerun: &std::process::Output, requests: &[Vec<String>]) {
    let err = stderr(rerun);
    assert_eq!(rerun.status.code(), Some(3), "{err}");
    let lines = lines(rerun);
    assert_eq!(lines.len(), 4, "{lines:?}");
    for line in &lines {
        assert_eq!(line["status"], "failed", "{line}");
        assert_eq!(line["maybeApplied"], true, "{line}");
    }
    assert_eq!(requests.len(), 1, "never sent again: {requests:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earn_journaled_as_sending_without_a_time_is_not_taken_for_an_old_earn() {
    // A journal whose `sending` entries lost their time: an earn of last year is not
    // this attempt's, so the customer is neither reported earned nor sent again.
    let old = json!([{"enrollmentId": 7, "issuedDetails": [{"issualId": 4000, "issualDate": "2024-01-01T00:00:00.000Z"}]}]);
    let (rerun, requests) = rerun_earn_after("earn-no-at", old, |text| with_time(text, "")).await;
    assert_left_unknown(&rerun, &requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earn_the_lookup_lists_with_an_unreadable_date_is_not_sent_again() {
    // The lookup lists an earn whose date does not read (another format, or none): it may
    // be this attempt's, so it is not sent again.
    let unreadable = json!([{"enrollmentId": 7, "issuedDetails": [
        {"issualId": 5000, "issualDate": "25/06/2099 12:44"},
        {"issualId": 5001}
    ]}]);
    let (rerun, requests) = rerun_earn_after("earn-bad-date", unreadable, str::to_owned).await;
    assert_left_unknown(&rerun, &requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_entry_of_another_shape_refuses_the_rerun_rather_than_being_ignored() {
    // Whole lines that are not entries of this CLI (an edited journal: a time as text) are
    // not a torn tail: ignoring them would send their customers as if never tried.
    let earlier = json!([{"enrollmentId": 7, "issuedDetails": []}]);
    let (rerun, requests) = rerun_earn_after("earn-bad-shape", earlier, |text| {
        with_time(text, r#","at":"soon""#)
    })
    .await;
    let err = stderr(&rerun);
    assert_eq!(rerun.status.code(), Some(2), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(lines(&rerun).is_empty());
    assert_eq!(requests.len(), 1, "nothing sent again: {requests:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earn_sent_without_a_source_is_looked_up_when_rerun_with_one() {
    // The first run sent them without a source, and the rerun is told to give one to look
    // them up: with it, they are the same customers, whose EARN may have been applied.
    let earned = json!([{"enrollmentId": 7, "issuedDetails": [{"issualId": 5000, "issualDate": "2099-01-01T00:00:00.000Z"}]}]);
    let (rerun, requests) = rerun_earn_after("earn-new-source", earned, |text| {
        text.replace(",\"source\":\"INSTORE\"", "")
    })
    .await;
    let err = stderr(&rerun);
    assert_eq!(rerun.status.code(), Some(0), "{err}");
    for line in lines(&rerun) {
        assert_eq!(line["status"], "earned", "{line}");
        assert_eq!(
            line["resolvedBy"], "lookup after an unknown attempt",
            "{line}"
        );
    }
    assert_eq!(requests.len(), 1, "never sent again: {requests:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earn_journaled_at_a_time_still_to_come_is_not_sent_again() {
    // The first run's clock was ahead (journaled in 2100): the earn its attempt made, of
    // 2099, looks older than the attempt, yet is the attempt's.
    let earned = json!([{"enrollmentId": 7, "issuedDetails": [{"issualId": 5000, "issualDate": "2099-01-01T00:00:00.000Z"}]}]);
    let (rerun, requests) = rerun_earn_after("earn-future-at", earned, |text| {
        with_time(text, r#","at":4102444800000"#)
    })
    .await;
    assert_left_unknown(&rerun, &requests);
    let reason = lines(&rerun)[0]["reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("clock"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_earned_without_a_source_is_not_earned_again_by_a_rerun_with_one() {
    // The rerun that adds the source the lookup needs (for the customers left unknown) must
    // not earn again the customers the first run earned.
    let enroller = Enroller::default();
    let server =
        crate::bulk_wire::server_with("/v2/promotion/bulk/enrolAndEarn", enroller.clone()).await;
    let journal = scratch("earn-then-source").join("journal.jsonl");
    let url = server.uri();
    let earn = |extra: &[&str]| {
        let customers = ["--customer", "423900000", "--customer", "423900001"];
        let journal = ["--journal", journal.to_str().unwrap()];
        enrol_2714(&url, "earn", &[&customers[..], &journal, extra].concat())
    };
    let first = support::run(earn(&[])).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let rerun = support::run(earn(&["--source", "INSTORE"])).await;
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert!(rerun.lines.is_empty(), "{:?}", rerun.lines);
    assert!(
        rerun.stderr.contains("skipping 2 customers"),
        "{}",
        rerun.stderr
    );
    assert_eq!(enroller.requests.lock().unwrap().len(), 1);
}
