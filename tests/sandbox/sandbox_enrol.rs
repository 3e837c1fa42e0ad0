//! Bulk enrol and earn (`POST /v2/promotion/bulk/enrolAndEarn`) on the demo sandbox, driven
//! with the page's raw JSON: the exact answers, every code of the page, and the state issue
//! and revoke share.

use capillary_sdk::sandbox::{demo, Fault, Sandbox};
use capillary_sdk::{
    EarnId, IssueOutcome, ProgramId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind,
};
use serde_json::{json, Value};

use crate::sandbox_common::enrol_raw;

fn body(action: &str, details: Value, customers: &[&str]) -> Value {
    let customers: Vec<Value> = customers
        .iter()
        .map(|c| json!({"identifierValue": c, "source": "INSTORE"}))
        .collect();
    json!({"type": "CUSTOMER", "bulkAction": action, "promotionDetails": details,
           "identifierName": "id", "customers": customers})
}

fn by_id(program: u64, promotion: u64) -> Value {
    json!({"programId": program, "promotionId": promotion})
}

fn already_enrolled(customer: u64, issual: &str) -> Value {
    json!({"result": {"entityType": "CUSTOMER", "entityId": customer, "programId": 2714,
                      "promotionId": 202188, "issualId": issual},
           "errors": [],
           "warnings": [{"status": false, "code": 8890,
                         "message": "promotion not issued: the customer is already enrolled in this promotion"}]})
}

#[tokio::test]
async fn enrol_creates_the_issual_issue_creates_once_then_answers_already_enrolled() {
    let sandbox = Sandbox::demo();
    // The page's ENROL example: both customers are enrolled in the demo (the revoke page's
    // issuals 847 and 848), so each item keeps its issual and warns 8890; nothing is created.
    let example = body("ENROL", by_id(2714, 202188), &["423926198", "423926199"]);
    let before = sandbox.issuals().len();
    let (status, answer) = enrol_raw(&sandbox, example.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({"response": [already_enrolled(423926198, "848"), already_enrolled(423926199, "847")],
               "totalCount": 2, "failureCount": 0})
    );
    assert_eq!(sandbox.issuals().len(), before);

    // A customer not enrolled is enrolled: the same issual /v2/promotion/issue makes.
    let (status, answer) =
        enrol_raw(&sandbox, body("ENROL", by_id(469, 65777), &["345651201"])).await;
    assert_eq!(status, 200);
    let issual = sandbox
        .active_issual(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL)
        .unwrap();
    assert_eq!(
        answer,
        json!({"response": [{"result": {"entityType": "CUSTOMER", "entityId": 345651201, "programId": 469,
                                        "promotionId": 65777, "issualId": issual.to_string()},
                             "errors": [], "warnings": []}],
               "totalCount": 1, "failureCount": 0})
    );
    // The issue page's request names the same customer and promotion.
    let again = crate::common::issue(&sandbox.client().unwrap())
        .await
        .unwrap();
    assert!(matches!(again, IssueOutcome::NotIssued { .. }), "{again:?}");
    let (_, answer) = enrol_raw(&sandbox, body("ENROL", by_id(469, 65777), &["345651201"])).await;
    assert_eq!(
        answer["response"][0]["result"]["issualId"],
        issual.to_string()
    );
    assert_eq!(answer["response"][0]["warnings"][0]["code"], 8890);
}

#[tokio::test]
async fn earn_creates_an_earn_every_time_that_revoke_then_revokes() {
    let sandbox = Sandbox::demo();
    // The page's EARN example: Direct Issue by promo identifier; issualId is a placeholder.
    let example = json!({"type": "CUSTOMER", "bulkAction": "EARN",
        "promotionDetails": {"programId": 2714, "promoIdentifier": demo::IDENTIFIER_DIRECT},
        "identifierName": "id", "customers": [{"identifierValue": "423927848", "source": "INSTORE"}]});
    let (status, first) = enrol_raw(&sandbox, example.clone()).await;
    assert_eq!(status, 200);
    let earned: u64 = first["response"][0]["result"]["earnedId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        first,
        json!({"response": [{"result": {"entityType": "CUSTOMER", "entityId": 423927848, "programId": 2714,
                                        "promoIdentifier": demo::IDENTIFIER_DIRECT, "promotionId": 202780,
                                        "issualId": "0", "earnedId": earned.to_string()},
                             "errors": [], "warnings": []}],
               "totalCount": 1, "failureCount": 0})
    );
    // Not idempotent: the same EARN again is a second earn.
    let (_, second) = enrol_raw(&sandbox, example).await;
    let again: u64 = second["response"][0]["result"]["earnedId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(again, earned);
    let live: Vec<EarnId> = sandbox
        .earns()
        .iter()
        .filter(|e| !e.revoked && e.promotion == demo::PROMOTION_DIRECT)
        .map(|e| e.id)
        .collect();
    assert!(live.contains(&EarnId(earned)) && live.contains(&EarnId(again)));

    // Bulk revoke revokes the earn by the id EARN returned.
    let report = sandbox
        .client()
        .unwrap()
        .promotions()
        .revoke(
            RevokeAction::Earn,
            ProgramId(2714),
            PromotionRef::identifier(demo::IDENTIFIER_DIRECT),
            RevokeIdentifierKind::Id,
        )
        .customer(RevokeCustomer::new("423927848").earn_ids([EarnId(earned)]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        report.items[0].result.as_ref().unwrap().revoked_earn_ids,
        [EarnId(earned)]
    );

    // On Enrol & Issue, EARN names the customer's enrolment.
    let (_, enrolled) =
        enrol_raw(&sandbox, body("EARN", by_id(2714, 202188), &["423926199"])).await;
    assert_eq!(enrolled["response"][0]["result"]["issualId"], "847");
    assert!(enrolled["response"][0]["result"]["earnedId"].is_string());
}

#[tokio::test]
async fn earn_without_enrolment_on_enrol_and_issue_is_that_customers_8896() {
    let sandbox = Sandbox::demo();
    let before = sandbox.earns().len();
    let (status, answer) = enrol_raw(
        &sandbox,
        body("EARN", by_id(2714, 202188), &["423927848", "423926199"]),
    )
    .await;
    assert_eq!(status, 207);
    assert_eq!(
        answer["response"][0],
        json!({"errors": [{"status": false, "code": 8896,
            "message": "Error occurred while issuing promotion to the customer: the customer is not enrolled in this Enrol & Issue promotion (ENROL first)"}],
            "warnings": []})
    );
    assert!(answer["response"][1]["result"]["earnedId"].is_string());
    assert_eq!(
        (answer["totalCount"].clone(), answer["failureCount"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(sandbox.earns().len(), before + 1);
}

#[tokio::test]
async fn request_level_refusals_answer_200_with_one_errors_only_item() {
    let sandbox = Sandbox::demo();
    let many = ["423926198", "423926199"];
    let hundred_and_one: Vec<String> = (0..101).map(|i| (423926000 + i).to_string()).collect();
    let hundred_and_one: Vec<&str> = hundred_and_one.iter().map(String::as_str).collect();
    let mut no_promotion = body("ENROL", json!({"programId": 2714}), &many);
    let mut wrong_type = body("ENROL", by_id(2714, 202188), &many);
    wrong_type["type"] = json!("STORE");
    let mut user_group = wrong_type.clone();
    user_group["type"] = json!("USER_GROUP");
    let mut external = body("ENROL", by_id(2714, 202188), &many);
    external["identifierName"] = json!("externalId");
    no_promotion["customers"] = json!(many.map(|c| json!({"identifierValue": c})));
    let cases = [
        (body("EARN", by_id(753, 74231), &many), 8892, "promotion is inactive"),
        (body("ENROL", by_id(1, 202188), &many), 1101, "invalid programId passed"),
        (body("ENROL", by_id(2714, 1), &many), 8874, "promotion id passed is invalid"),
        (no_promotion, 8881, "Insufficient parameters passed; program ID and one of the promotion ID/identifiers are required"),
        (wrong_type, 8901, "invalid entity type passed"),
        (user_group, 8899, "Cannot enrol/issue to the user group"),
        (body("ENROL", by_id(753, 74230), &many), 8902, "bulk action passed not supported for loyalty/generic promotion type"),
        (body("REVOKE_ENROL", by_id(2714, 202188), &many), 8902, "bulk action passed not supported for loyalty/generic promotion type"),
        (body("ENROL", by_id(2714, 202188), &[]), 8881, "customers: between 1 and 100 customers are required"),
        (body("ENROL", by_id(2714, 202188), &hundred_and_one), 8881, "customers: between 1 and 100 customers are required"),
        (external, 8881, "identifierName must be id, mobile or email"),
    ];
    let before = (sandbox.issuals(), sandbox.earns());
    for (request, code, message) in cases {
        let (status, answer) = enrol_raw(&sandbox, request).await;
        assert_eq!(status, 200, "{code}");
        assert_eq!(
            answer,
            json!({"response": [{"errors": [{"status": false, "code": code, "message": message}], "warnings": []}],
                   "totalCount": 1, "failureCount": 1}),
            "{code}"
        );
    }
    assert_eq!(
        (sandbox.issuals(), sandbox.earns()),
        before,
        "a refused request changes nothing"
    );
}

#[tokio::test]
async fn per_customer_codes_keep_one_item_per_customer() {
    let sandbox = Sandbox::demo();
    let mut request = body("ENROL", by_id(2714, 202188), &["1", "abc", "", "423927848"]);
    request["customers"][3]["source"] = json!("");
    let (status, answer) = enrol_raw(&sandbox, request).await;
    assert_eq!(status, 400, "every customer failed");
    let codes: Vec<i64> = answer["response"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["errors"][0]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [8015, 8896, 11013, 11013]);
    assert_eq!(answer["failureCount"], 4);

    // No identifierName: each customer's 11013, paired by position.
    let mut unnamed = body("ENROL", by_id(2714, 202188), &["423927848", "423927855"]);
    unnamed.as_object_mut().unwrap().remove("identifierName");
    let (_, answer) = enrol_raw(&sandbox, unnamed).await;
    assert_eq!(answer["response"].as_array().unwrap().len(), 2);
    assert_eq!(answer["response"][1]["errors"][0]["code"], 11013);

    // By mobile and email too.
    let mut by_mobile = body("ENROL", by_id(469, 65777), &[demo::ANA_MOBILE]);
    by_mobile["identifierName"] = json!("mobile");
    let (status, answer) = enrol_raw(&sandbox, by_mobile).await;
    assert_eq!(
        (status, answer["response"][0]["result"]["entityId"].clone()),
        (200, json!(345651201))
    );
}

#[tokio::test]
async fn faults_apply_to_enrol() {
    let sandbox = Sandbox::demo();
    let before = sandbox.issuals().len();
    sandbox.fail_next_on("/v2/promotion/bulk/enrolAndEarn", 1, Fault::Status(500));
    let (status, _) = enrol_raw(&sandbox, body("ENROL", by_id(2714, 202188), &["423927848"])).await;
    assert_eq!(status, 500);
    assert_eq!(
        sandbox.issuals().len(),
        before,
        "an injected status acts on nothing"
    );
    let (status, _) = enrol_raw(&sandbox, body("ENROL", by_id(2714, 202188), &["423927848"])).await;
    assert_eq!(status, 200);
    assert_eq!(
        sandbox.issuals().last().map(|i| i.id),
        sandbox.active_issual(capillary_sdk::CustomerId(423927848), demo::PROMOTION_202188)
    );
}
