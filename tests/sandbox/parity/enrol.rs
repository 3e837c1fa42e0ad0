//! The bulk enrol & earn page's rows: its two request examples, its answer examples (success
//! after ENROL and after EARN, a customer that failed, the request-level failure), and a
//! request that provokes each documented code the typed call can meet.
//!
//! The page leaves undocumented what a second ENROL answers and the HTTP status of a
//! request-level failure: there the stub answers what the sandbox chose (a result with the
//! existing `issualId` and warning 8890; HTTP 200 with the one errors-only item). Codes the
//! typed call cannot provoke (8899 and 8901 need another `type`, 8881 a promotion left out or
//! another `identifierName`) are on the raw wire in `sandbox_enrol.rs`.

use capillary_sdk::{
    Client, CustomerId, EarnId, EnrolAction, EnrolCustomer, EnrolReport, Enrolled, Enrolment,
    Error, IssualId, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, Source,
};
use serde_json::{json, Value};

use super::{bulk_seen, seen_error, Case, Fut, Seen, Wire, ID_DIRECT};

const ENROL: &str = "/v2/promotion/bulk/enrolAndEarn";
/// The ENROL request example's customers; the demo holds issuals 848 and 847 for them.
const PAIR: &[&str] = &["423926198", "423926199"];
/// A customer of program 2714 with no issual in 202188.
const FRESH: &str = "423927848";
const WARN_8890: &str = r#"{"status":false,"code":8890,"message":"promotion not issued due to config issues or customer exhausted limits"}"#;

fn seen_enrol(r: Result<EnrolReport, Error>) -> Seen {
    r.map_or_else(seen_error, |report| {
        let (status, items) = bulk_seen(&report.meta, report.items.into_iter().map(|i| i.result));
        Seen::Enrol { status, items }
    })
}

/// One bulk enrol & earn of `customers` by id, each sent with source `INSTORE`.
fn enrol(
    c: Client,
    action: EnrolAction,
    program: u64,
    promotion: PromotionRef,
    customers: &[&str],
) -> Fut<Seen> {
    let customers: Vec<EnrolCustomer> = customers
        .iter()
        .map(|v| EnrolCustomer::new(*v).source(Source::Instore))
        .collect();
    let request = c.promotions().enrol(
        action,
        ProgramId(program),
        promotion,
        RevokeIdentifierKind::Id,
    );
    Box::pin(async move { seen_enrol(request.customers(customers).send().await) })
}

fn enrol_202188(c: Client, action: EnrolAction, customers: &[&str]) -> Fut<Seen> {
    enrol(
        c,
        action,
        2714,
        PromotionRef::id(PromotionId(202188)),
        customers,
    )
}

/// The body the SDK sends for [`enrol`].
fn enrol_wire(action: &str, details: Value, customers: &[&str]) -> Option<Wire> {
    let customers: Vec<Value> = customers
        .iter()
        .map(|v| json!({"identifierValue": v, "source": "INSTORE"}))
        .collect();
    Some(Wire {
        path: ENROL,
        query: &[],
        headers: &[],
        body: json!({"type": "CUSTOMER", "bulkAction": action, "promotionDetails": details,
                     "identifierName": "id", "customers": customers}),
    })
}

/// A result item of program 2714: `promotion` is `(promotionId, promoIdentifier)` as sent
/// back; ids as strings, as the page sends them.
fn result_item(
    customer: &str,
    promotion: (Option<u64>, Option<&str>),
    issual: &str,
    earn: Option<u64>,
    warnings: &str,
) -> String {
    let mut result = json!({"entityType": "CUSTOMER", "entityId": customer.parse::<u64>().ok(),
                            "programId": 2714, "issualId": issual});
    if let Some(id) = promotion.0 {
        result["promotionId"] = json!(id);
    }
    if let Some(identifier) = promotion.1 {
        result["promoIdentifier"] = json!(identifier);
    }
    if let Some(earn) = earn {
        result["earnedId"] = json!(earn.to_string());
    }
    format!(r#"{{"result":{result},"errors":[],"warnings":[{warnings}]}}"#)
}

/// The page's envelope around these items, leaked for the stub.
fn envelope(items: &[String], failures: usize) -> &'static str {
    let body = format!(
        r#"{{"response":[{}],"totalCount":{},"failureCount":{failures}}}"#,
        items.join(","),
        items.len()
    );
    Box::leak(body.into_boxed_str())
}

/// The typed result the SDK reads from [`result_item`].
fn enrolment(
    customer: &str,
    promotion: (Option<u64>, Option<&str>),
    issual: Option<u64>,
    earn: Option<u64>,
) -> Enrolment {
    Enrolment {
        entity_type: Some("CUSTOMER".into()),
        customer_id: customer.parse().ok().map(CustomerId),
        program_id: Some(ProgramId(2714)),
        promotion_id: promotion.0.map(PromotionId),
        promo_identifier: promotion.1.map(str::to_string),
        issual_id: issual.map(IssualId),
        earned_id: earn.map(EarnId),
    }
}

const BY_ID: (Option<u64>, Option<&str>) = (Some(202188), None);

/// Setup: REVOKE_ENROL of the ENROL example's customers, so that ENROL creates anew.
fn revoke_pair(c: Client) -> Fut<()> {
    Box::pin(async move {
        let (program, promotion) = (ProgramId(2714), PromotionRef::id(PromotionId(202188)));
        let report = c
            .promotions()
            .revoke(
                RevokeAction::Enrol,
                program,
                promotion,
                RevokeIdentifierKind::Id,
            )
            .customers(PAIR.iter().map(|v| RevokeCustomer::new(*v)))
            .send()
            .await
            .unwrap();
        assert_eq!(report.revoked(), 2, "{report:?}");
    })
}

/// Setup: ENROL of [`FRESH`] into 202188 (issual 853), so that EARN can earn.
fn enrol_fresh(c: Client) -> Fut<()> {
    Box::pin(async move {
        let seen = enrol_202188(c, EnrolAction::Enrol, &[FRESH]).await;
        let created = enrolment(FRESH, BY_ID, Some(853), None);
        let want = Seen::Enrol {
            status: 200,
            items: vec![Ok(Enrolled::Created(created))],
        };
        assert_eq!(seen, want);
    })
}

/// One customer, `CUSTOMER`, in promotion `PROMOTION` of `PROGRAM` (`0`: the Direct Issue
/// promotion, by its identifier), for ENROL or (`EARN`) EARN. Constants, so that each row's
/// call is a plain function and its wire body is built from the same values.
fn enrol_one<const EARN: bool, const PROGRAM: u64, const PROMOTION: u64, const CUSTOMER: u64>(
    c: Client,
) -> Fut<Seen> {
    let action = [EnrolAction::Enrol, EnrolAction::Earn][usize::from(EARN)];
    let promotion = match PROMOTION {
        0 => PromotionRef::identifier(ID_DIRECT),
        id => PromotionRef::id(PromotionId(id)),
    };
    enrol(c, action, PROGRAM, promotion, &[&CUSTOMER.to_string()])
}

/// An [`enrol_one`] row the server answers with one errors-only item: a code of the whole
/// request is refused whole (under HTTP 200, the sandbox's choice: the page states no status,
/// and its request-level example is this one item); any other is that customer's failure
/// (HTTP 400: nobody succeeded).
fn error_case<const EARN: bool, const PROGRAM: u64, const PROMOTION: u64, const CUSTOMER: u64>(
    what: &str,
    code: i64,
) -> Case {
    let message = match code {
        8015 => "Customer not found for the given identifiers",
        8896 => "Error occurred while issuing promotion to the customer",
        1101 => "invalid programId passed",
        8874 => "promotion id passed is invalid",
        8892 => "promotion is inactive",
        _ => "bulk action passed not supported for this promotion type",
    };
    let details = match PROMOTION {
        0 => json!({"programId": PROGRAM, "promoIdentifier": ID_DIRECT}),
        id => json!({"programId": PROGRAM, "promotionId": id}),
    };
    let action = ["ENROL", "EARN"][usize::from(EARN)];
    let error = json!({"status": false, "code": code, "message": message});
    let body = json!({"response": [{"errors": [error], "warnings": []}], "totalCount": 1, "failureCount": 1});
    let request_level = [1101, 8874, 8892, 8902].contains(&code);
    Case {
        name: Box::leak(format!("enrol: {what} ({code})").into_boxed_str()),
        setup: None,
        call: enrol_one::<EARN, PROGRAM, PROMOTION, CUSTOMER>,
        wire: enrol_wire(action, details, &[&CUSTOMER.to_string()]),
        answer: (
            if request_level { 200 } else { 400 },
            Box::leak(body.to_string().into_boxed_str()),
        ),
        expect: match request_level {
            true => Seen::Refused {
                status: 200,
                codes: vec![code],
            },
            false => Seen::Enrol {
                status: 400,
                items: vec![Err(vec![code])],
            },
        },
    }
}

/// Customer 423927867, the one the request-level rows send.
const ANY: u64 = 423927867;
/// [`FRESH`] as a number.
const FRESH_ID: u64 = 423927848;

pub(super) fn cases() -> Vec<Case> {
    let enrolled = |customer, issual| enrolment(customer, BY_ID, Some(issual), None);
    let already = |customer, issual| Ok(Enrolled::AlreadyEnrolled(enrolled(customer, issual)));
    let created = |customer, issual| Ok(Enrolled::Created(enrolled(customer, issual)));
    vec![
        Case {
            name: "enrol: request example 1, ENROL of two enrolled customers (848, 847; 8890)",
            setup: None,
            call: |c| enrol_202188(c, EnrolAction::Enrol, PAIR),
            wire: Some(Wire {
                path: ENROL,
                query: &[],
                headers: &[],
                body: json!({"type":"CUSTOMER","bulkAction":"ENROL","promotionDetails":{"programId":2714,"promotionId":202188},"identifierName":"id","customers":[{"identifierValue":"423926198","source":"INSTORE"},{"identifierValue":"423926199","source":"INSTORE"}]}),
            }),
            // The page's success item (423926199, issual 847) and its neighbour, each with
            // warning 8890: enrolled already, nothing created.
            answer: (
                200,
                envelope(
                    &[
                        result_item("423926198", BY_ID, "848", None, WARN_8890),
                        result_item("423926199", BY_ID, "847", None, WARN_8890),
                    ],
                    0,
                ),
            ),
            expect: Seen::Enrol {
                status: 200,
                items: vec![already("423926198", 848), already("423926199", 847)],
            },
        },
        Case {
            name: "enrol: request example 1 after REVOKE_ENROL, enrolled anew (853, 854)",
            setup: Some(revoke_pair),
            call: |c| enrol_202188(c, EnrolAction::Enrol, PAIR),
            wire: enrol_wire("ENROL", json!({"programId":2714,"promotionId":202188}), PAIR),
            answer: (
                200,
                envelope(
                    &[
                        result_item("423926198", BY_ID, "853", None, ""),
                        result_item("423926199", BY_ID, "854", None, ""),
                    ],
                    0,
                ),
            ),
            expect: Seen::Enrol {
                status: 200,
                items: vec![created("423926198", 853), created("423926199", 854)],
            },
        },
        Case {
            name: "enrol: request example 2, EARN by promoIdentifier (Direct Issue: issualId placeholder)",
            setup: None,
            call: |c| {
                enrol(
                    c,
                    EnrolAction::Earn,
                    2714,
                    PromotionRef::identifier(ID_DIRECT),
                    &["423927848"],
                )
            },
            wire: Some(Wire {
                path: ENROL,
                query: &[],
                headers: &[],
                body: json!({"type":"CUSTOMER","bulkAction":"EARN","promotionDetails":{"programId":2714,"promoIdentifier":ID_DIRECT},"identifierName":"id","customers":[{"identifierValue":"423927848","source":"INSTORE"}]}),
            }),
            // The page's EARN success ("earnedId" beside "issualId"), with the sandbox's ids:
            // the placeholder "0" and the next earn, 978.
            answer: (
                200,
                envelope(
                    &[result_item(
                        "423927848",
                        (Some(202780), Some(ID_DIRECT)),
                        "0",
                        Some(978),
                        "",
                    )],
                    0,
                ),
            ),
            // The placeholder "0" is no enrolment: `issual_id` is `None`.
            expect: Seen::Enrol {
                status: 200,
                items: vec![Ok(Enrolled::Created(enrolment(
                    "423927848",
                    (Some(202780), Some(ID_DIRECT)),
                    None,
                    Some(978),
                )))],
            },
        },
        Case {
            name: "enrol: EARN on Enrol & Issue after ENROL names the enrolment (853, earn 978)",
            setup: Some(enrol_fresh),
            call: |c| enrol_202188(c, EnrolAction::Earn, &[FRESH]),
            wire: enrol_wire("EARN", json!({"programId":2714,"promotionId":202188}), &[FRESH]),
            answer: (
                200,
                envelope(&[result_item(FRESH, BY_ID, "853", Some(978), "")], 0),
            ),
            expect: Seen::Enrol {
                status: 200,
                items: vec![Ok(Enrolled::Created(enrolment(
                    FRESH,
                    BY_ID,
                    Some(853),
                    Some(978),
                )))],
            },
        },
        Case {
            name: "enrol: a customer that failed (8015) beside one enrolled (207)",
            setup: None,
            call: |c| enrol_202188(c, EnrolAction::Enrol, &[FRESH, "1"]),
            wire: enrol_wire(
                "ENROL",
                json!({"programId":2714,"promotionId":202188}),
                &[FRESH, "1"],
            ),
            // The page's failed item, verbatim, after a success.
            answer: (
                207,
                envelope(
                    &[
                        result_item(FRESH, BY_ID, "853", None, ""),
                        r#"{ "errors": [ { "status": false, "code": 8015, "message": "Customer not found for the given identifiers" } ], "warnings": [] }"#.into(),
                    ],
                    1,
                ),
            ),
            expect: Seen::Enrol {
                status: 207,
                items: vec![created(FRESH, 853), Err(vec![8015])],
            },
        },
        error_case::<false, 2714, 202188, 1>("every customer failed, HTTP 400", 8015),
        error_case::<true, 2714, 202188, FRESH_ID>("EARN without an enrolment", 8896),
        error_case::<false, 1, 202188, ANY>("the request-level example: invalid program", 1101),
        error_case::<false, 2714, 1, ANY>("invalid promotion", 8874),
        error_case::<true, 753, 74231, ANY>("inactive promotion", 8892),
        error_case::<false, 2714, 0, ANY>("ENROL on Direct Issue", 8902),
        Case {
            name: "enrol: an empty identifier (11013) is refused before sending",
            setup: None,
            call: |c| enrol_202188(c, EnrolAction::Enrol, &[""]),
            wire: None,
            answer: (
                400,
                r#"{"response":[{"errors":[{"status":false,"code":11013,"message":"identifierName, identifierValue, source can not be empty"}],"warnings":[]}],"totalCount":1,"failureCount":1}"#,
            ),
            expect: Seen::NotSent("customers"),
        },
        Case {
            name: "enrol: an id that is not a number (8896) is refused before sending",
            setup: None,
            call: |c| enrol_202188(c, EnrolAction::Enrol, &["abc"]),
            wire: None,
            answer: (
                400,
                r#"{"response":[{"errors":[{"status":false,"code":8896,"message":"Error occurred while issuing promotion to the customer"}],"warnings":[]}],"totalCount":1,"failureCount":1}"#,
            ),
            expect: Seen::NotSent("customers"),
        },
        Case {
            name: "enrol: 101 customers (8881) are refused before sending",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_enrol(
                        c.promotions()
                            .enrol(
                                EnrolAction::Enrol,
                                ProgramId(2714),
                                PromotionRef::id(PromotionId(202188)),
                                RevokeIdentifierKind::Id,
                            )
                            .customers((0..101u64).map(|i| EnrolCustomer::new(i.to_string())))
                            .send()
                            .await,
                    )
                })
            },
            wire: None,
            answer: (
                200,
                r#"{"response":[{"errors":[{"status":false,"code":8881,"message":"customers: between 1 and 100 customers are required"}],"warnings":[]}],"totalCount":1,"failureCount":1}"#,
            ),
            expect: Seen::NotSent("customers"),
        },
    ]
}
