//! `capillary lookup`: every page of one customer's promotions, one line each, filtered.

use crate::common::*;
use crate::support::{self, command, till};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn lookup(args: &[&str]) -> tokio::process::Command {
    let mut cmd = command();
    cmd.args(["--sandbox", "lookup"]).args(args);
    cmd
}

const HER: &[&str] = &[
    "--identifier-name",
    "mobile",
    "--identifier-value",
    "000003873354",
    "--source",
    "INSTORE",
];

#[tokio::test]
async fn lists_every_promotion_with_its_timeline_as_numbers() {
    let run = support::run(lookup(HER)).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.lines.len() > 1, "{:?}", run.lines);
    let line = run
        .lines
        .iter()
        .find(|l| l["promotionId"] == 1119990)
        .unwrap();
    assert_eq!(line["status"], "listed");
    assert_eq!(line["programId"], 1085);
    assert_eq!(line["customerId"], 345854019);
    assert_eq!(line["identifier"], "7ff82c46-dd7e-45d7-b09a-eb58aed3d714");
    let timeline = &line["customerPromotionTimelines"][0];
    assert_eq!(timeline["enrollmentId"], json!(1580));
    assert_eq!(timeline["issuedDetails"][0]["issualId"], json!(1583));
    assert!(line["requestId"].is_string());
}

#[tokio::test]
async fn promotion_keeps_its_line_only_and_status_filters() {
    let mut args = HER.to_vec();
    args.extend(["--promotion", "1119990", "--status", "AVAILABLE_TO_EARN"]);
    let run = support::run(lookup(&args)).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines.len(), 1, "{:?}", run.lines);
    assert_eq!(run.lines[0]["promotionId"], 1119990);

    let mut args = HER.to_vec();
    args.extend(["--program", "753", "--program", "2714"]);
    let run = support::run(lookup(&args)).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.lines.is_empty());
    assert!(run
        .lines
        .iter()
        .all(|l| l["programId"] == 753 || l["programId"] == 2714));
}

#[tokio::test]
async fn an_unknown_customer_is_a_failed_line_and_exit_1() {
    let run = support::run(lookup(&[
        "--identifier-name",
        "id",
        "--identifier-value",
        "1",
        "--source",
        "INSTORE",
    ]))
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.lines.len(), 1);
    assert_eq!(run.lines[0]["status"], "failed");
    assert_eq!(run.lines[0]["errors"][0]["code"], 8015);
    assert_eq!(run.lines[0]["identifierValue"], "1");
}

#[tokio::test]
async fn sends_the_filters_and_follows_every_page() {
    let server = strict_server().await;
    let page = |offset: &str, body: serde_json::Value| {
        Mock::given(method("GET"))
            .and(path("/v2/customers/lookup/promotionData"))
            .and(query_param("identifierName", "cuid"))
            .and(query_param("identifierValue", "c-1"))
            .and(query_param("source", "INSTORE"))
            .and(query_param("programs", "1085,753"))
            .and(query_param(
                "promotionStatusForCustomer",
                "AVAILABLE_TO_REDEEM",
            ))
            .and(query_param("offset", offset))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    let promotion = |id: u64| {
        json!({"promotionId": id, "programId": "1085",
        "customerPromotionTimelines": [{"enrollmentId": "7", "issuedDetails": [{"issualId": "9"}]}]})
    };
    page(
        "0",
        json!({"pageDetails": {"totalEntries": 101}, "promotions": (0..100).map(|i| promotion(1000 + i)).collect::<Vec<_>>()}),
    )
    .expect(1)
    .mount(&server)
    .await;
    page(
        "100",
        json!({"pageDetails": {"totalEntries": 101}, "promotions": [promotion(5)]}),
    )
    .expect(1)
    .mount(&server)
    .await;
    let mut cmd = till();
    cmd.args(["--base-url", &server.uri(), "lookup"])
        .args(["--identifier-name", "cuid", "--identifier-value", "c-1"])
        .args([
            "--source",
            "INSTORE",
            "--program",
            "1085",
            "--program",
            "753",
        ])
        .args(["--status", "AVAILABLE_TO_REDEEM"]);
    let run = support::run(cmd).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.lines.len(), 101);
    let last = &run.lines[100];
    assert_eq!(last["promotionId"], 5);
    assert_eq!(last["programId"], 1085);
    assert_eq!(
        last["customerPromotionTimelines"][0]["enrollmentId"],
        json!(7)
    );
    assert_eq!(
        last["customerPromotionTimelines"][0]["issuedDetails"][0]["issualId"],
        json!(9)
    );
}

#[tokio::test]
async fn no_answer_is_exit_3_and_prints_nothing() {
    let mut cmd = till();
    cmd.args(["--base-url", "http://127.0.0.1:9", "lookup"])
        .args(HER);
    let run = support::run(cmd).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.lines.is_empty());
    assert!(run.stderr.contains("could not complete"), "{}", run.stderr);
}
