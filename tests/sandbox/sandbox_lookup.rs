//! The customer promotion lookup on the demo sandbox, through the SDK's typed call: what it
//! lists for each customer, its filters, paging, connected orgs, codes and faults.

use capillary_sdk::sandbox::{demo, Fault, Sandbox};
use capillary_sdk::{
    Client, CustomerPromotionList as _, CustomerPromotionStatus, CustomerPromotionsRequest,
    CustomerRef, EarnId, Error, ErrorCode, IssualId, LookupCustomer, LookupScope, OrgId,
    PromotionId, PromotionRef, PromotionType, RetryPolicy, Source,
};
use futures_util::TryStreamExt as _;
use serde_json::json;

use crate::sandbox_common::{lookup_raw, send_raw, BASIC};

fn lookup(client: &Client, customer: impl Into<LookupCustomer>) -> CustomerPromotionsRequest {
    client.customers().promotions(customer, Source::Instore)
}

async fn ids(request: CustomerPromotionsRequest) -> Vec<u64> {
    let page = request.send().await.unwrap();
    page.promotions.iter().map(|p| p.promotion_id.0).collect()
}

#[tokio::test]
async fn the_page_example_customer_by_mobile_or_cuid() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    for customer in [
        LookupCustomer::mobile(demo::LOOKUP_MOBILE),
        LookupCustomer::cuid(demo::LOOKUP_CUID),
        LookupCustomer::id(demo::CUSTOMER_LOOKUP),
    ] {
        let page = lookup(&client, customer.clone())
            .programs([demo::PROGRAM_LOOKUP])
            .send()
            .await
            .unwrap();
        assert_eq!(
            page.customer_id,
            Some(demo::CUSTOMER_LOOKUP),
            "{customer:?}"
        );
        assert_eq!(page.promotions.len(), 1);
        let promotion = PromotionRef::identifier(demo::IDENTIFIER_LOOKUP);
        assert_eq!(
            page.promotions.enrolment_id(&promotion),
            Some(IssualId(1580))
        );
        assert_eq!(page.promotions.active_earn_ids(&promotion), [EarnId(1583)]);
        let d = page.page_details;
        assert_eq!(
            (d.page_number, d.page_size, d.total_entries, d.page_count),
            (Some(0), Some(10), Some(1), Some(1))
        );
    }
    let logged = sandbox.requests().pop().unwrap();
    assert_eq!(
        (logged.method.as_str(), logged.path.as_str()),
        ("GET", "/v2/customers/lookup/promotionData")
    );
    assert_eq!(
        logged.query.as_deref(),
        Some("identifierName=id&identifierValue=345854019&source=INSTORE&programs=1085")
    );
    assert!(logged.body.is_empty());
}

#[tokio::test]
async fn status_for_customer_filters_by_the_state() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let status = |customer, status| {
        lookup(&client, CustomerRef::id(customer))
            .programs([demo::PROGRAM_LOOKUP])
            .status_for_customer(status)
    };
    use CustomerPromotionStatus::*;
    assert_eq!(
        ids(status(demo::CUSTOMER_TO_ENROL, AvailableToEnrol)).await,
        [1119990]
    );
    assert_eq!(
        ids(status(demo::CUSTOMER_TO_ENROL, AvailableToEarn)).await,
        Vec::<u64>::new()
    );
    assert_eq!(
        ids(status(demo::CUSTOMER_ENROLLED, AvailableToEarn)).await,
        [1119990]
    );
    assert_eq!(
        ids(status(demo::CUSTOMER_ENROLLED, AvailableToRedeem)).await,
        Vec::<u64>::new()
    );
    assert_eq!(
        ids(status(demo::CUSTOMER_LOOKUP, AvailableToRedeem)).await,
        [1119990]
    );
    let expired = lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA)).status_for_customer(Expired);
    assert_eq!(ids(expired).await, [demo::PROMOTION_EXPIRED.0]);
    let direct = lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA))
        .programs([demo::PROGRAM_DIRECT])
        .promotion_type(PromotionType::DirectIssue);
    assert_eq!(ids(direct).await, [74230, 74231, 74232]);

    // The timelines the page describes: none to enrol, an enrolment without issues.
    let page = status(demo::CUSTOMER_TO_ENROL, AvailableToEnrol)
        .send()
        .await
        .unwrap();
    assert!(page.promotions[0].timelines.is_empty());
    let page = status(demo::CUSTOMER_ENROLLED, AvailableToEarn)
        .send()
        .await
        .unwrap();
    let timeline = &page.promotions[0].timelines[0];
    assert_eq!(
        (timeline.enrollment_id, timeline.issued_details.len()),
        (Some(IssualId(1581)), 0)
    );
}

#[tokio::test]
async fn pages_follow_limit_and_offset_to_the_end() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let every = ids(lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA)).limit(100)).await;
    assert_eq!(every.len(), 8, "every own-org promotion: {every:?}");
    let before = sandbox.request_count();
    let streamed: Vec<u64> = lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA))
        .limit(2)
        .stream()
        .map_ok(|p| p.promotion_id.0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, every);
    assert_eq!(
        sandbox.request_count() - before,
        4,
        "four pages of 2, then totalEntries says done"
    );
    let all = lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA))
        .limit(4)
        .offset(3)
        .all()
        .await
        .unwrap();
    assert_eq!(all.promotions.len(), 5);
    let page = lookup(&client, CustomerRef::id(demo::CUSTOMER_ANA))
        .limit(4)
        .offset(4)
        .send()
        .await
        .unwrap();
    let d = page.page_details;
    assert_eq!(
        (d.page_number, d.page_size, d.total_entries, d.page_count),
        (Some(1), Some(4), Some(8), Some(2))
    );
    assert_eq!(page.promotions.len(), 4);
}

#[tokio::test]
async fn connected_orgs_are_listed_at_v2_1_by_data_scope() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let scoped = |scope: LookupScope, orgs: Vec<OrgId>| {
        lookup(&client, CustomerRef::id(demo::CUSTOMER_LOOKUP))
            .programs([demo::PROGRAM_LOOKUP])
            .data_scope(scope, orgs)
    };
    assert_eq!(
        ids(scoped(LookupScope::Other, vec![demo::CONNECTED_ORG])).await,
        [demo::PROMOTION_CONNECTED.0]
    );
    assert_eq!(
        ids(scoped(LookupScope::All, vec![])).await,
        [1119990, demo::PROMOTION_CONNECTED.0]
    );
    assert_eq!(ids(scoped(LookupScope::SelfOrg, vec![])).await, [1119990]);
    assert_eq!(
        ids(scoped(LookupScope::Other, vec![OrgId(1)])).await,
        Vec::<u64>::new()
    );
    let logged = sandbox.requests().pop().unwrap();
    assert_eq!(logged.path, "/v2.1/customers/lookup/promotionData");
    assert_eq!(
        (logged.header("data-scope"), logged.header("data-scope-org")),
        (Some("OTHER"), Some("1"))
    );
    // Without the v2.1 path the connected org's promotion is not listed.
    assert_eq!(
        ids(lookup(&client, CustomerRef::id(demo::CUSTOMER_LOOKUP))
            .programs([demo::PROGRAM_LOOKUP]))
        .await,
        [1119990]
    );
}

#[tokio::test]
async fn every_code_of_the_page_is_reachable() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let refused = |e: Error| (e.status().map(|s| s.as_u16()), e.codes());
    let unknown = lookup(&client, CustomerRef::mobile("19999999999"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused(unknown),
        (Some(400), vec![ErrorCode::CustomerNotFound])
    );
    let source = client
        .customers()
        .promotions(CustomerRef::id(demo::CUSTOMER_ANA), Source::MobileApp)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused(source), (Some(400), vec![ErrorCode::InvalidSource]));
    for (query, code, message) in [
        (
            "identifierName=phone&identifierValue=1&source=INSTORE",
            8013,
            "Invalid identifierName",
        ),
        (
            "identifierValue=1&source=INSTORE",
            8013,
            "Invalid identifierName",
        ),
        (
            "identifierName=mobile&source=INSTORE",
            8015,
            "Customer not found for the given identifiers",
        ),
        (
            "identifierName=mobile&identifierValue=18767431754",
            8003,
            "Invalid source",
        ),
        (
            "identifierName=mobile&identifierValue=18767431754&source=KIOSK",
            8003,
            "Invalid source",
        ),
    ] {
        let (status, answer) = lookup_raw(&sandbox, query).await;
        assert_eq!(
            (status, answer),
            (
                400,
                json!({"errors": [{"status": false, "code": code, "message": message}]})
            ),
            "{query}"
        );
    }
    let (status, answer) = lookup_raw(
        &sandbox,
        "identifierName=mobile&identifierValue=18767431754&source=INSTORE&limit=101",
    )
    .await;
    assert_eq!(
        (status, answer["errors"][0]["message"].clone()),
        (400, json!("invalid limit"))
    );
    // A read is a GET; the writes stay POSTs.
    let post = send_raw(
        &sandbox,
        http::Method::POST,
        "https://sandbox.invalid/v2/customers/lookup/promotionData",
        &[BASIC],
        "",
    )
    .await;
    assert_eq!(post.0, 405);
    let get = send_raw(
        &sandbox,
        http::Method::GET,
        "https://sandbox.invalid/v2/promotion/bulk/enrolAndEarn",
        &[BASIC],
        "",
    )
    .await;
    assert_eq!(get.0, 405);
    let (status, _, _) = send_raw(&sandbox, http::Method::GET, "https://sandbox.invalid/v2/customers/lookup/promotionData?identifierName=id&identifierValue=1&source=INSTORE", &[], "").await;
    assert_eq!(status, 401, "credentials are checked like every call");
}

#[tokio::test]
async fn faults_apply_to_the_lookup() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    sandbox.fail_next_on(
        "/v2/customers/lookup",
        1,
        Fault::Respond {
            status: 200,
            body: "{}".into(),
        },
    );
    let error = lookup(&client, CustomerRef::id(demo::CUSTOMER_LOOKUP))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::UnexpectedResponse { .. }),
        "{error:?}"
    );
    sandbox.fail_next_on("/v2/customers/lookup", 1, Fault::Status(503));
    let page = lookup(&client, CustomerRef::id(demo::CUSTOMER_LOOKUP))
        .retry_policy(
            RetryPolicy::default()
                .jitter(false)
                .initial_backoff(std::time::Duration::ZERO),
        )
        .send()
        .await
        .unwrap();
    assert!(page
        .promotions
        .promotion(&PromotionRef::id(PromotionId(1119990)))
        .is_some());
    let statuses: Vec<Option<u16>> = sandbox
        .requests()
        .iter()
        .rev()
        .take(2)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(200), Some(503)]);
}

#[tokio::test]
async fn source_type_and_fetch_all_usage_filter_and_widen() {
    use capillary_sdk::sandbox::{Customer, Promotion, PromotionKind};
    use capillary_sdk::{CustomerId, ProgramId, PromotionSourceType};

    let sandbox = Sandbox::empty();
    sandbox.add_customer(Customer::new(CustomerId(1)));
    sandbox.add_promotion(Promotion::new(
        ProgramId(9),
        PromotionId(90),
        PromotionKind::EnrolAndIssue,
    ));
    sandbox.add_promotion(
        Promotion::new(ProgramId(9), PromotionId(91), PromotionKind::DirectIssue)
            .source_type(PromotionSourceType::Ui)
            .name("from the UI"),
    );
    let client = sandbox.client().unwrap();
    let from_ui =
        lookup(&client, CustomerRef::id(CustomerId(1))).source_type(PromotionSourceType::Ui);
    assert_eq!(ids(from_ui).await, [91]);
    let page = lookup(&client, CustomerRef::id(CustomerId(1)))
        .send()
        .await
        .unwrap();
    let restrictions = page.promotions[0].promotion_restriction.clone().unwrap();
    assert_eq!(restrictions.issual_restrictions.len(), 1);
    assert!(restrictions.earn_restrictions.is_empty());
    assert_eq!(
        page.promotions[1].promotion_name.as_deref(),
        Some("from the UI")
    );
    let page = lookup(&client, CustomerRef::id(CustomerId(1)))
        .fetch_all_usage(true)
        .send()
        .await
        .unwrap();
    let restrictions = page.promotions[0].promotion_restriction.clone().unwrap();
    assert!(restrictions.earn_restrictions[0]
        .max_limit
        .as_ref()
        .unwrap()
        .is_unlimited());
    assert_eq!(
        restrictions.redemption_restrictions[0]
            .restriction_type
            .as_deref(),
        Some("NON_PERIOD_BASED")
    );
}
