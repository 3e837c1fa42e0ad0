//! The customer promotion lookup on the wire: exact method, path, query and headers; every
//! example of the page decoded; validation before sending; paging that always ends.

use capillary_sdk::{
    CustomerId, CustomerPromotionList as _, CustomerPromotionStatus, CustomerPromotionsRequest,
    CustomerRef, DataScope, EarnId, Error, ErrorCode, IssualId, LookupCustomer, LookupScope, OrgId,
    PointsOfferType, ProgramId, PromotionId, PromotionRef, PromotionSourceType, PromotionType,
    Source, MAX_LOOKUP_PAGES,
};
use futures_util::StreamExt as _;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::{answer, basic_client, basic_header, only_request, strict_server};

const LOOKUP: &str = "/v2/customers/lookup/promotionData";

/// The page's example answer, whole.
const EXAMPLE: &str = r#"{
  "pageDetails": { "pageNumber": 0, "pageSize": 10, "totalEntries": 6, "pageCount": 1 },
  "customerId": 345854019,
  "promotions": [
    {
      "promotionId": 1119990,
      "promotionName": "Enrol & issue | LOYALTY EARNING PROMO",
      "programId": 1085,
      "startDate": "2024-05-01T00:00:00.000Z",
      "endDate": "2024-06-30T23:59:59.000Z",
      "identifier": "7ff82c46-dd7e-45d7-b09a-eb58aed3d714",
      "description": "Enrol and Issue",
      "active": true,
      "eventName": "TransactionAdd",
      "limits": { "maxPointsPerEvent": "0", "pointsPerCustomer": "0",
                  "numberOFTimesPerCustomer": 0, "totalPointsInPromotion": "0" },
      "customerUsage": { "currentPointsPerCustomer": "0", "currentNumberOfTimesPerCustomer": 0,
                         "currentTotalPointsInPromotion": "0" },
      "pointsOfferType": "LOYALTY_EARNING",
      "promotionRestriction": {
        "issualRestrictions": [ { "kpi": "NUMBER_OF_ISSUALS", "maxLimit": "10",
                                  "currentCustomerUsage": "1", "limitOn": "CUSTOMER" } ],
        "earnRestrictions": [ { "kpi": "NUMBER_OF_EARNS", "maxLimit": "7",
                                "currentCustomerUsage": "1", "limitOn": "CUSTOMER" } ],
        "redemptionRestrictions": [ { "kpi": "NUMBER_OF_REDEMPTIONS_PER_EARN", "maxLimit": "10",
                                      "currentCustomerUsage": "0", "limitOn": "CUSTOMER",
                                      "type": "NON_PERIOD_BASED" } ]
      },
      "customerPromotionTimelines": [
        {
          "enrollmentDate": "2024-06-25T12:41:55.000Z",
          "enrollmentExpiryDate": "2024-06-30T12:41:55.000Z",
          "enrollmentId": 1580,
          "enrollEventLogId": 12413589,
          "issuedDetails": [
            { "issualId": 1583, "issualDate": "2024-06-25T12:44:13.000Z",
              "issualExpiryDate": "2024-06-30T12:41:55.000Z", "issualEventLogId": 12413647,
              "redeemedCount": 0 }
          ]
        }
      ]
    }
  ],
  "warnings": []
}"#;

/// The example with its one promotion's timelines replaced.
fn example_with_timelines(timelines: Value) -> String {
    let mut body: Value = serde_json::from_str(EXAMPLE).unwrap();
    body["promotions"][0]["customerPromotionTimelines"] = timelines;
    body.to_string()
}

async fn serve(server: &MockServer, status: u16, body: &str) {
    Mock::given(method("GET"))
        .and(path(LOOKUP))
        .respond_with(answer(status, body, "req-lookup"))
        .expect(1)
        .mount(server)
        .await;
}

/// A lookup of `customer` (source INSTORE) from `server`.
fn lookup_of(
    server: &MockServer,
    customer: impl Into<LookupCustomer>,
) -> CustomerPromotionsRequest {
    basic_client(server)
        .customers()
        .promotions(customer, Source::Instore)
}

/// A lookup of customer mobile `1` from `server`.
fn lookup(server: &MockServer) -> CustomerPromotionsRequest {
    lookup_of(server, CustomerRef::mobile("1"))
}

/// A server that answers one lookup with `body`, HTTP 200.
async fn answering(body: &str) -> MockServer {
    let server = strict_server().await;
    serve(&server, 200, body).await;
    server
}

/// Sends `request` and hands back what the server received.
async fn sent(server: &MockServer, request: CustomerPromotionsRequest) -> wiremock::Request {
    request.send().await.unwrap();
    only_request(server).await
}

/// An amount's integer value, if there is one.
fn int(amount: &Option<capillary_sdk::Amount>) -> Option<i64> {
    amount.as_ref().and_then(capillary_sdk::Amount::as_i64)
}

fn promotion_1119990() -> PromotionRef {
    PromotionRef::id(PromotionId(1119990))
}

#[tokio::test]
async fn every_filter_goes_on_the_query_of_a_get_without_body() {
    let server = answering(EXAMPLE).await;
    let page = lookup_of(&server, CustomerRef::mobile("000003873354"))
        .status_for_customer(CustomerPromotionStatus::AvailableToEarn)
        .programs([ProgramId(1085), ProgramId(1086)])
        .promotion_type(PromotionType::EnrolAndIssue)
        .source_type(PromotionSourceType::Api)
        .fetch_all_usage(true)
        .limit(10)
        .offset(20)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), LOOKUP);
    assert_eq!(
        request.url.query(),
        Some(
            "identifierName=mobile&identifierValue=000003873354&source=INSTORE\
             &promotionStatusForCustomer=AVAILABLE_TO_EARN&programs=1085%2C1086\
             &promotionType=ENROL_AND_ISSUE&sourceType=API&fetchAllUsage=true&limit=10&offset=20"
        )
    );
    assert!(request.body.is_empty());
    let h = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(h("user-agent"), Some(capillary_sdk::USER_AGENT));
    assert_eq!(h("accept"), Some("application/json"));
    // No body, so no Content-Type.
    assert_eq!(h("content-type"), None);
    assert_eq!(h("authorization"), Some(basic_header().as_str()));
    assert_eq!(h("data-scope"), None);
    assert_eq!(page.meta.request_id.as_deref(), Some("req-lookup"));
}

#[tokio::test]
async fn the_page_example_decodes_whole() {
    let server = answering(EXAMPLE).await;
    let page = lookup_of(&server, LookupCustomer::id(CustomerId(345854019)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.customer_id, Some(CustomerId(345854019)));
    let d = page.page_details;
    assert_eq!(
        (d.page_number, d.page_size, d.total_entries, d.page_count),
        (Some(0), Some(10), Some(6), Some(1))
    );
    let p = &page.promotions[0];
    assert_eq!(p.promotion_id, PromotionId(1119990));
    assert_eq!(p.program_id, Some(ProgramId(1085)));
    assert_eq!(
        p.promotion_name.as_deref(),
        Some("Enrol & issue | LOYALTY EARNING PROMO")
    );
    assert_eq!(p.start_date.as_deref(), Some("2024-05-01T00:00:00.000Z"));
    assert_eq!(p.end_date.as_deref(), Some("2024-06-30T23:59:59.000Z"));
    assert_eq!(
        p.identifier.as_deref(),
        Some("7ff82c46-dd7e-45d7-b09a-eb58aed3d714")
    );
    assert_eq!(
        (p.active, p.event_name.as_deref()),
        (Some(true), Some("TransactionAdd"))
    );
    assert_eq!(p.points_offer_type, Some(PointsOfferType::LoyaltyEarning));
    let limits = p.limits.as_ref().unwrap();
    assert_eq!(limits.max_points_per_event.as_ref().unwrap().as_str(), "0");
    assert_eq!(int(&limits.number_of_times_per_customer), Some(0));
    let usage = p.customer_usage.as_ref().unwrap();
    assert_eq!(
        usage
            .current_number_of_times_per_customer
            .as_ref()
            .unwrap()
            .as_i64(),
        Some(0)
    );
    let r = p.promotion_restriction.as_ref().unwrap();
    assert_eq!(
        r.issual_restrictions[0].kpi.as_deref(),
        Some("NUMBER_OF_ISSUALS")
    );
    assert_eq!(
        r.earn_restrictions[0].max_limit.as_ref().unwrap().as_i64(),
        Some(7)
    );
    assert_eq!(
        r.redemption_restrictions[0].restriction_type.as_deref(),
        Some("NON_PERIOD_BASED")
    );
    let t = &p.timelines[0];
    assert_eq!(t.enrollment_id, Some(IssualId(1580)));
    assert_eq!(t.enroll_event_log_id, Some(12413589));
    assert_eq!(
        t.enrollment_date.as_deref(),
        Some("2024-06-25T12:41:55.000Z")
    );
    let issued = &t.issued_details[0];
    assert_eq!(issued.earn_id, Some(EarnId(1583)));
    assert_eq!(
        (issued.issual_event_log_id, issued.redeemed_count),
        (Some(12413647), Some(0))
    );
    // The questions the lookup answers, by id and by external identifier.
    for promotion in [
        promotion_1119990(),
        PromotionRef::identifier("7ff82c46-dd7e-45d7-b09a-eb58aed3d714"),
    ] {
        assert!(page.promotions.is_enrolled(&promotion));
        assert_eq!(
            page.promotions.enrolment_id(&promotion),
            Some(IssualId(1580))
        );
        assert_eq!(page.promotions.active_earn_ids(&promotion), [EarnId(1583)]);
    }
    let absent = PromotionRef::id(PromotionId(1));
    assert!(!page.promotions.is_enrolled(&absent));
    assert!(page.promotions.active_earn_ids(&absent).is_empty());
    // Serialised with the API's names.
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(
        json["promotions"][0]["customerPromotionTimelines"][0]["issuedDetails"][0]["issualId"],
        1583
    );
    assert_eq!(
        json["promotions"][0]["limits"]["numberOFTimesPerCustomer"],
        "0"
    );
    assert_eq!(json["http"]["requestId"], "req-lookup");
}

#[tokio::test]
async fn available_to_enrol_and_enrolled_but_not_issued_read_as_the_page_says() {
    for (timelines, enrolled, enrolment, earns) in [
        (json!([]), false, None, vec![]),
        (
            json!([{"enrollmentDate":"2024-06-25T12:41:55.000Z","enrollmentId":1580,"issuedDetails":[]}]),
            true,
            Some(IssualId(1580)),
            vec![],
        ),
    ] {
        let server = answering(&example_with_timelines(timelines)).await;
        let page = lookup_of(&server, CustomerRef::mobile("000003873354"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.promotions.is_enrolled(&promotion_1119990()), enrolled);
        assert_eq!(
            page.promotions.enrolment_id(&promotion_1119990()),
            enrolment
        );
        assert_eq!(page.promotions.active_earn_ids(&promotion_1119990()), earns);
    }
}

#[tokio::test]
async fn connected_orgs_go_to_v2_1_with_the_data_scope_headers_all_included() {
    for (scope, orgs, want_orgs) in [
        (LookupScope::All, vec![], None),
        (
            LookupScope::Other,
            vec![OrgId(50123), OrgId(50124)],
            Some("50123,50124"),
        ),
        (LookupScope::SelfOrg, vec![], None),
    ] {
        let server = strict_server().await;
        Mock::given(method("GET"))
            .and(path("/v2.1/customers/lookup/promotionData"))
            .and(header("data-scope", scope.as_str()))
            .and(query_param("identifierName", "cuid"))
            .respond_with(answer(200, EXAMPLE, "r"))
            .expect(1)
            .mount(&server)
            .await;
        basic_client(&server)
            .customers()
            .promotions(LookupCustomer::cuid("c-1"), Source::All)
            .data_scope(scope, orgs)
            .send()
            .await
            .unwrap();
        let request = only_request(&server).await;
        let orgs = request
            .headers
            .get("data-scope-org")
            .map(|v| v.to_str().unwrap());
        assert_eq!(orgs, want_orgs, "{scope}");
    }
    // A target call's DataScope converts.
    let server = strict_server().await;
    Mock::given(header("data-scope", "OTHER"))
        .respond_with(answer(200, EXAMPLE, "r"))
        .expect(1)
        .mount(&server)
        .await;
    sent(
        &server,
        lookup(&server).data_scope(DataScope::Other, [OrgId(1)]),
    )
    .await;
}

#[tokio::test]
async fn query_values_are_percent_encoded() {
    let server = answering(EXAMPLE).await;
    let request = basic_client(&server).customers().promotions(
        LookupCustomer::email("a+b&c=d@example.com"),
        Source::Other("WEB SHOP".into()),
    );
    let request = sent(&server, request).await;
    assert_eq!(
        request.url.query(),
        Some("identifierName=email&identifierValue=a%2Bb%26c%3Dd%40example.com&source=WEB+SHOP")
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let server = strict_server().await;
    let client = basic_client(&server);
    let lookup = || {
        client
            .customers()
            .promotions(CustomerRef::mobile("18767431754"), Source::Instore)
    };
    let cases = [
        (
            client
                .customers()
                .promotions(CustomerRef::mobile(" "), Source::Instore),
            "identifierValue",
        ),
        (
            client.customers().promotions(
                LookupCustomer::new(capillary_sdk::LookupIdentifierKind::Id, "12a"),
                Source::Instore,
            ),
            "identifierValue",
        ),
        (
            client
                .customers()
                .promotions(CustomerRef::mobile("1"), Source::Other(String::new())),
            "source",
        ),
        (lookup().limit(101), "limit"),
        (lookup().programs([]), "programs"),
        (
            lookup().data_scope(LookupScope::Other, []),
            "DATA-SCOPE-ORG",
        ),
    ];
    for (request, field) in cases {
        match request.send().await {
            Err(Error::InvalidRequest {
                field: f, method, ..
            }) => {
                assert_eq!(f, field);
                assert!(
                    method.contains("promotions") || method.contains("CustomerPromotionsRequest"),
                    "{method}"
                );
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    lookup().limit(100).validate().unwrap();
    lookup().limit(0).validate().unwrap();
}

#[tokio::test]
async fn the_documented_errors_are_typed_whatever_the_status() {
    for (status, code, message, typed) in [
        (
            400,
            8015,
            "Customer not found for the given identifiers",
            ErrorCode::CustomerNotFound,
        ),
        (
            400,
            8013,
            "Invalid identifierName",
            ErrorCode::InvalidIdentifierName,
        ),
        (200, 8003, "Invalid source", ErrorCode::InvalidSource),
    ] {
        let server = strict_server().await;
        let body = format!(
            r#"{{ "errors": [ {{ "status": false, "code": {code}, "message": "{message}" }} ] }}"#
        );
        serve(&server, status, &body).await;
        let error = lookup_of(&server, CustomerRef::mobile("1"))
            .send()
            .await
            .unwrap_err();
        assert!(error.has_code(typed), "{error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(!error.maybe_applied());
    }
}

#[tokio::test]
async fn drift_is_read_leniently_and_unknown_values_are_kept() {
    let server = strict_server().await;
    let body = json!({
        "pageDetails": {"pageNumber": "0", "pageSize": "2", "totalEntries": "1", "pageCount": null},
        "customerId": "345854019",
        "promotions": [{
            "promotionId": "7", "programId": 1085, "active": "false", "promotionName": 12,
            "limits": {"maxPointsPerEvent": 4990.5, "numberOFTimesPerCustomer": "3"},
            "customerUsage": {"currentPointsPerCustomer": "4990.000"},
            "pointsOfferType": "LOYALTY_BONANZA",
            "promotionRestriction": {"issualRestrictions": [{"kpi": "NEW_KPI", "maxLimit": -1}, 5]},
            "customerPromotionTimelines": [{"enrollmentId": "1580", "issuedDetails": [{"issualId": "1583", "redeemedCount": "x"}]}],
            "promotionMetadata": [{"key": "k", "value": 1, "brandDefined": true}],
            "someNewField": {"nested": true}
        }],
        "warnings": null
    });
    serve(&server, 200, &body.to_string()).await;
    let page = lookup(&server).send().await.unwrap();
    assert_eq!(page.customer_id, Some(CustomerId(345854019)));
    assert_eq!(page.page_details.total_entries, Some(1));
    let p = &page.promotions[0];
    assert_eq!((p.promotion_id, p.active), (PromotionId(7), Some(false)));
    assert_eq!(p.promotion_name.as_deref(), Some("12"));
    assert_eq!(
        p.points_offer_type,
        Some(PointsOfferType::Other("LOYALTY_BONANZA".into()))
    );
    let limits = p.limits.as_ref().unwrap();
    assert_eq!(
        limits.max_points_per_event.as_ref().unwrap().as_f64(),
        Some(4990.5)
    );
    assert_eq!(int(&limits.number_of_times_per_customer), Some(3));
    let usage = p.customer_usage.as_ref().unwrap();
    assert_eq!(
        usage.current_points_per_customer.as_ref().unwrap().as_i64(),
        Some(4990)
    );
    let issual = &p
        .promotion_restriction
        .as_ref()
        .unwrap()
        .issual_restrictions;
    assert_eq!(
        issual.len(),
        1,
        "the entry that is not an object is dropped"
    );
    assert!(issual[0].max_limit.as_ref().unwrap().is_unlimited());
    assert_eq!(p.enrolment_id(), Some(IssualId(1580)));
    assert_eq!(p.active_earn_ids(), [EarnId(1583)]);
    assert_eq!(p.timelines[0].issued_details[0].redeemed_count, None);
    assert_eq!(p.promotion_metadata[0].value.as_deref(), Some("1"));
}

#[tokio::test]
async fn an_answer_that_says_nothing_about_the_customer_is_never_an_empty_list() {
    for body in [
        r#"{"customerId": 1, "warnings": []}"#,
        r#"{"promotions": null}"#,
        r#"{"promotions": [{"promotionId": "abc"}]}"#,
        r#"{"promotions": [{"promotionId": 1, "customerPromotionTimelines": [{"enrollmentId": "x"}]}]}"#,
        r#"{"promotions": [{"promotionId": 1, "customerPromotionTimelines": [7]}]}"#,
    ] {
        let server = answering(body).await;
        let error = lookup_of(&server, CustomerRef::mobile("1"))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::UnexpectedResponse { .. }),
            "{body}: {error:?}"
        );
        assert_eq!(error.request_id(), Some("req-lookup"));
    }
}

/// One page of `n` promotions with ids from `first`, claiming `total` entries.
fn page_body(first: u64, n: u64, total: Option<u64>) -> String {
    let promotions: Vec<Value> = (first..first + n)
        .map(|id| json!({"promotionId": id}))
        .collect();
    let mut body = json!({"customerId": 1, "promotions": promotions, "warnings": []});
    if let Some(total) = total {
        body["pageDetails"] =
            json!({"pageNumber": 0, "pageSize": n, "totalEntries": total, "pageCount": 1});
    }
    body.to_string()
}

async fn page_at(server: &MockServer, offset: &str, limit: &str, body: String) {
    Mock::given(method("GET"))
        .and(path(LOOKUP))
        .and(query_param("offset", offset))
        .and(query_param("limit", limit))
        .respond_with(answer(200, &body, "p"))
        .expect(1)
        .mount(server)
        .await;
}

async fn streamed(
    server: &MockServer,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Vec<Result<u64, String>> {
    let mut request = lookup(server);
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    if let Some(offset) = offset {
        request = request.offset(offset);
    }
    request
        .stream()
        .map(|r| r.map(|p| p.promotion_id.0).map_err(|e| e.to_string()))
        .collect()
        .await
}

#[tokio::test]
async fn the_stream_follows_limit_and_offset_until_total_entries() {
    let server = strict_server().await;
    page_at(&server, "5", "2", page_body(1, 2, Some(10))).await;
    page_at(&server, "7", "2", page_body(3, 2, Some(10))).await;
    // The server serves fewer than asked: the next offset counts what came.
    page_at(&server, "9", "2", page_body(5, 1, Some(10))).await;
    let ids = streamed(&server, Some(2), Some(5)).await;
    assert_eq!(ids, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
}

#[tokio::test]
async fn the_stream_stops_on_an_empty_page_or_a_short_one_without_page_details() {
    let server = strict_server().await;
    page_at(&server, "0", "100", page_body(1, 100, None)).await;
    page_at(&server, "100", "100", page_body(101, 3, None)).await;
    let ids = streamed(&server, None, None).await;
    assert_eq!(ids.len(), 103);

    let server = strict_server().await;
    page_at(&server, "0", "3", page_body(1, 3, Some(1000))).await;
    page_at(&server, "3", "3", page_body(1, 0, Some(1000))).await;
    assert_eq!(streamed(&server, Some(3), None).await.len(), 3);
}

#[tokio::test]
async fn a_server_that_always_answers_a_full_page_is_stopped_at_the_cap() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path(LOOKUP))
        .respond_with(answer(200, &page_body(1, 1, Some(u64::MAX)), "p"))
        .expect(2 * u64::from(MAX_LOOKUP_PAGES))
        .mount(&server)
        .await;
    let seen = streamed(&server, Some(1), None).await;
    assert_eq!(seen.len(), MAX_LOOKUP_PAGES as usize);
    let last = seen.last().unwrap().as_ref().unwrap_err();
    assert!(last.contains("incomplete"), "{last}");
    let all = lookup(&server).limit(1).all().await;
    assert!(matches!(all, Err(Error::UnexpectedResponse { .. })));
}

#[tokio::test]
async fn all_collects_every_page_and_a_page_size_of_zero_cannot_page() {
    let server = strict_server().await;
    page_at(&server, "0", "2", page_body(1, 2, Some(3))).await;
    page_at(&server, "2", "2", page_body(3, 1, Some(3))).await;
    let all = lookup(&server).limit(2).all().await.unwrap();
    let ids: Vec<u64> = all.promotions.iter().map(|p| p.promotion_id.0).collect();
    assert_eq!((ids, all.customer_id), (vec![1, 2, 3], Some(CustomerId(1))));

    let server = strict_server().await;
    let zero = streamed(&server, Some(0), None).await;
    assert_eq!(zero.len(), 1);
    assert!(zero[0].as_ref().unwrap_err().contains("limit"));
}
