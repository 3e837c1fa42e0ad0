//! Parity: every documented request example (and a request that provokes each documented
//! answer) runs against (a) a wiremock stub answering the page's example body, (b) the demo
//! sandbox in process and (c) the demo sandbox over HTTP, and must give the same typed
//! outcome. The request on the wire is asserted too: by the stub's matchers, and against the
//! sandbox's request log. So the sandbox cannot drift from the pages, nor the SDK from either.
//!
//! Where a page's answer example does not match its own request example (other ids), the
//! stub answers the documented example with the request's ids, and says so.

use std::future::Future;
use std::pin::Pin;

mod enrol;

use capillary_sdk::auth::Basic;
use capillary_sdk::sandbox::{self, Sandbox};
use capillary_sdk::{
    ApiMessage, Client, CustomerId, CustomerPromotionsPage, CustomerRef, DataScope, EarnId,
    Enrolled, Error, IssueOutcome, LookupScope, OrgId, ProgramId, PromotionId, PromotionRef,
    ResponseMeta, RevokeAction, RevokeCustomer, RevokeIdentifierKind, RevokeReport, Revoked,
    Source, TargetGroupId, TargetId, TargetOutcome,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Fut<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A lookup timeline: the enrolment id and the earn ids.
type Timeline = (Option<u64>, Vec<u64>);

/// The typed outcome, without what legitimately differs per backend (request ids).
#[derive(Debug, PartialEq)]
enum Seen {
    Issued {
        program: ProgramId,
    },
    NotIssued(Vec<i64>),
    Refused {
        status: u16,
        codes: Vec<i64>,
    },
    Report {
        status: u16,
        items: Vec<Result<Revoked, Vec<i64>>>,
    },
    Target(CustomerId),
    /// A bulk enrol & earn report: each customer's result, or its error codes.
    Enrol {
        status: u16,
        items: Vec<Result<Enrolled, Vec<i64>>>,
    },
    /// A lookup page: the customer, and each promotion with its timelines (enrolment id and
    /// earn ids).
    Lookup {
        customer: Option<CustomerId>,
        promotions: Vec<(u64, Vec<Timeline>)>,
    },
    /// Refused by the SDK before sending.
    NotSent(&'static str),
    Other(String),
}

fn seen_error(e: Error) -> Seen {
    match e {
        Error::InvalidRequest { field, .. } => Seen::NotSent(field),
        Error::Api { meta, errors, .. } => Seen::Refused {
            status: meta.status.as_u16(),
            codes: errors.iter().map(|e| e.code.as_i64()).collect(),
        },
        other => Seen::Other(other.to_string()),
    }
}

fn seen_issue(r: Result<IssueOutcome, Error>) -> Seen {
    match r {
        Ok(IssueOutcome::Issued(i)) => Seen::Issued {
            program: i.program_id,
        },
        Ok(IssueOutcome::NotIssued { warnings, .. }) => {
            Seen::NotIssued(warnings.iter().map(|w| w.code.as_i64()).collect())
        }
        Err(e) => seen_error(e),
    }
}

/// A bulk report's status, and each customer's result or its error codes.
fn bulk_seen<T>(
    meta: &ResponseMeta,
    results: impl IntoIterator<Item = Result<T, Vec<ApiMessage>>>,
) -> (u16, Vec<Result<T, Vec<i64>>>) {
    let codes = |e: Vec<ApiMessage>| e.iter().map(|m| m.code.as_i64()).collect();
    let items = results.into_iter().map(|r| r.map_err(codes)).collect();
    (meta.status.as_u16(), items)
}

fn seen_report(r: Result<RevokeReport, Error>) -> Seen {
    r.map_or_else(seen_error, |report| {
        let (status, items) = bulk_seen(&report.meta, report.items.into_iter().map(|i| i.result));
        Seen::Report { status, items }
    })
}

fn seen_target(r: Result<TargetOutcome, Error>) -> Seen {
    r.map_or_else(seen_error, |t| Seen::Target(t.customer_id))
}

fn seen_lookup(r: Result<CustomerPromotionsPage, Error>) -> Seen {
    r.map_or_else(seen_error, |page| Seen::Lookup {
        customer: page.customer_id,
        promotions: page
            .promotions
            .iter()
            .map(|p| {
                let timelines = p
                    .timelines
                    .iter()
                    .map(|t| {
                        let earns = t
                            .issued_details
                            .iter()
                            .filter_map(|d| d.earn_id)
                            .map(|e| e.0);
                        (t.enrollment_id.map(|i| i.0), earns.collect())
                    })
                    .collect();
                (p.promotion_id.0, timelines)
            })
            .collect(),
    })
}

/// What the SDK must put on the wire: a POST of `body`, or a GET without a body when `body`
/// is `Value::Null`.
struct Wire {
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    headers: &'static [(&'static str, &'static str)],
    body: Value,
}

struct Case {
    name: &'static str,
    /// Steps run first on the sandboxes only (the stub needs none).
    setup: Option<fn(Client) -> Fut<()>>,
    call: fn(Client) -> Fut<Seen>,
    /// `None`: the SDK must refuse before sending.
    wire: Option<Wire>,
    /// The documented answer the stub gives: status and body.
    answer: (u16, &'static str),
    expect: Seen,
}

fn revoked(
    customer: u64,
    program: u64,
    promotion: Result<u64, &str>,
    issual: Option<u64>,
    earns: &[u64],
) -> Result<Revoked, Vec<i64>> {
    Ok(Revoked {
        entity_type: Some("CUSTOMER".into()),
        customer_id: Some(CustomerId(customer)),
        program_id: Some(ProgramId(program)),
        promotion_id: promotion.ok().map(PromotionId),
        promo_identifier: promotion.err().map(str::to_string),
        revoked_issual_id: issual.map(capillary_sdk::IssualId),
        revoked_earn_ids: earns.iter().copied().map(EarnId).collect(),
    })
}

const ISSUE_QUERY: &[(&str, &str)] = &[
    ("identifierName", "mobile"),
    ("identifierValue", "18767431754"),
    ("source", "INSTORE"),
];
const REVOKE: &str = "/v2/promotion/bulk/revokeEnrolAndEarn";
const ID_202779: &str = "95c77d88-470c-4dd3-bde4-606ae1b64277";
const ID_DIRECT: &str = "1d9e540d-ae2c-443f-9d0d-7ac146bf93f2";
const SCOPE: &[(&str, &str)] = &[("data-scope", "OTHER"), ("data-scope-org", "50123")];

fn issue_ana(c: Client, program: u64, promotion: u64) -> Fut<Seen> {
    Box::pin(async move {
        seen_issue(
            c.promotions()
                .issue(
                    CustomerRef::mobile("18767431754"),
                    Source::Instore,
                    ProgramId(program),
                    PromotionId(promotion),
                )
                .send()
                .await,
        )
    })
}

fn issue_wire(program: u64, promotion: u64) -> Option<Wire> {
    Some(Wire {
        path: "/v2/promotion/issue",
        query: ISSUE_QUERY,
        headers: &[],
        body: json!({"programId": program, "promotionId": promotion}),
    })
}

fn revoke_wire(body: Value) -> Option<Wire> {
    Some(Wire {
        path: REVOKE,
        query: &[],
        headers: &[],
        body,
    })
}

/// REVOKE_EARN of every earn of the customers of 202779, so that their enrolment can go.
fn revoke_202779_earns(c: Client) -> Fut<()> {
    Box::pin(async move {
        let report = c
            .promotions()
            .revoke(
                RevokeAction::Earn,
                ProgramId(2714),
                PromotionRef::identifier(ID_202779),
                RevokeIdentifierKind::Id,
            )
            .customers([
                RevokeCustomer::new("423927867"),
                RevokeCustomer::new("423927868"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(report.revoked(), 2);
    })
}

fn cases() -> Vec<Case> {
    vec![
        // ---- the issue page
        Case {
            name: "issue: the request example is issued",
            setup: None,
            call: |c| issue_ana(c, 469, 65777),
            wire: issue_wire(469, 65777),
            // The page's answer names promotion 57099, not the 65777 its request sends.
            answer: (
                200,
                r#"{"warnings":[],"errors":[],"sideEffects":[{"programId":469,"issualId":3,"promotionId":57099,"type":"Points promotion"}]}"#,
            ),
            expect: Seen::Issued {
                program: ProgramId(469),
            },
        },
        Case {
            name: "issue: again, not issued (8890)",
            setup: Some(|c| {
                Box::pin(async move {
                    assert_eq!(
                        issue_ana(c, 469, 65777).await,
                        Seen::Issued {
                            program: ProgramId(469)
                        }
                    )
                })
            }),
            call: |c| issue_ana(c, 469, 65777),
            wire: issue_wire(469, 65777),
            answer: (
                200,
                r#"{"warnings":[{"status":false,"code":8890,"message":"promotion not issued due to config issues or customer exhausted limits"}],"errors":[],"sideEffects":[]}"#,
            ),
            expect: Seen::NotIssued(vec![8890]),
        },
        Case {
            name: "issue: invalid program (1101)",
            setup: None,
            call: |c| issue_ana(c, 1, 65777),
            wire: issue_wire(1, 65777),
            answer: (
                400,
                r#"{"warnings":[],"errors":[{"status":false,"message":"invalid programId passed","code":1101}]}"#,
            ),
            expect: Seen::Refused {
                status: 400,
                codes: vec![1101],
            },
        },
        Case {
            name: "issue: invalid promotion (8874)",
            setup: None,
            call: |c| issue_ana(c, 469, 1),
            wire: issue_wire(469, 1),
            answer: (
                400,
                r#"{"warnings":[],"errors":[{"status":false,"message":"promotion id passed is invalid","code":8874}]}"#,
            ),
            expect: Seen::Refused {
                status: 400,
                codes: vec![8874],
            },
        },
        Case {
            name: "issue: empty identifier (11013) is refused before sending",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_issue(
                        c.promotions()
                            .issue(
                                CustomerRef::mobile(""),
                                Source::Instore,
                                ProgramId(469),
                                PromotionId(65777),
                            )
                            .send()
                            .await,
                    )
                })
            },
            wire: None,
            answer: (
                400,
                r#"{"warnings":[],"errors":[{"message":"identifierName, identifierValue, source can not be empty","code":11013,"status":false}]}"#,
            ),
            expect: Seen::NotSent("identifierValue"),
        },
        Case {
            name: "issue: unknown customer (8015)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_issue(
                        c.promotions()
                            .issue(
                                CustomerRef::mobile("10000000000"),
                                Source::Instore,
                                ProgramId(469),
                                PromotionId(65777),
                            )
                            .send()
                            .await,
                    )
                })
            },
            wire: Some(Wire {
                path: "/v2/promotion/issue",
                query: &[
                    ("identifierName", "mobile"),
                    ("identifierValue", "10000000000"),
                    ("source", "INSTORE"),
                ],
                headers: &[],
                body: json!({"programId": 469, "promotionId": 65777}),
            }),
            answer: (
                400,
                r#"{"warnings":[],"errors":[{"status":false,"code":8015,"message":"Customer not found for the given identifiers"}]}"#,
            ),
            expect: Seen::Refused {
                status: 400,
                codes: vec![8015],
            },
        },
        // ---- the bulk revoke page: the four request examples
        Case {
            name: "revoke: request example 1, REVOKE_ENROL by promotionId (earns revoked first)",
            setup: Some(revoke_202779_earns),
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Enrol,
                                ProgramId(2714),
                                PromotionRef::id(PromotionId(202779)),
                                RevokeIdentifierKind::Id,
                            )
                            .customer(
                                RevokeCustomer::new("423927867").source(Source::parse("instore")),
                            )
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_ENROL","promotionDetails":{"programId":2714,"promotionId":202779},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"}]}),
            ),
            // The page's REVOKE_ENROL answer example, with this request's customer and promotion.
            answer: (
                200,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927867,"promotionId":202779,"programId":2714,"issualId":"851"},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![revoked(423927867, 2714, Ok(202779), Some(851), &[])],
            },
        },
        Case {
            name: "revoke: request example 2, REVOKE_ENROL of two customers",
            setup: Some(revoke_202779_earns),
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Enrol,
                                ProgramId(2714),
                                PromotionRef::id(PromotionId(202779)),
                                RevokeIdentifierKind::Id,
                            )
                            .customers(
                                ["423927867", "423927868"]
                                    .map(|v| RevokeCustomer::new(v).source(Source::Instore)),
                            )
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_ENROL","promotionDetails":{"programId":2714,"promotionId":202779},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"},{"identifierValue":"423927868","source":"INSTORE"}]}),
            ),
            answer: (
                200,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927867,"promotionId":202779,"programId":2714,"issualId":"851"},"errors":[],"warnings":[]},{"result":{"entityType":"CUSTOMER","entityId":423927868,"promotionId":202779,"programId":2714,"issualId":"852"},"errors":[],"warnings":[]}],"totalCount":2,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![
                    revoked(423927867, 2714, Ok(202779), Some(851), &[]),
                    revoked(423927868, 2714, Ok(202779), Some(852), &[]),
                ],
            },
        },
        Case {
            name: "revoke: request example 3, REVOKE_EARN by promoIdentifier",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Earn,
                                ProgramId(2714),
                                PromotionRef::identifier(ID_202779),
                                RevokeIdentifierKind::Id,
                            )
                            .customer(RevokeCustomer::new("423927867").source(Source::Instore))
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":ID_202779},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"INSTORE"}]}),
            ),
            // The first item of the page's REVOKE_EARN answer example.
            answer: (
                200,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927867,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277","programId":2714,"revokedEarnIds":[974]},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![revoked(423927867, 2714, Err(ID_202779), None, &[974])],
            },
        },
        Case {
            name: "revoke: request example 4, REVOKE_EARN of given earn ids (Direct Issue)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Earn,
                                ProgramId(2714),
                                PromotionRef::identifier(ID_DIRECT),
                                RevokeIdentifierKind::Id,
                            )
                            .customer(
                                RevokeCustomer::new("423927848")
                                    .source(Source::Instore)
                                    .earn_ids([EarnId(959)]),
                            )
                            .customer(
                                RevokeCustomer::new("423927855")
                                    .source(Source::Instore)
                                    .earn_ids([EarnId(960), EarnId(963)]),
                            )
                            .customer(RevokeCustomer::new("423927856").source(Source::Instore))
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":ID_DIRECT},"identifierName":"id","customers":[
                {"identifierValue":"423927848","source":"INSTORE","earnIds":[959]},
                {"identifierValue":"423927855","source":"INSTORE","earnIds":[960,963]},
                {"identifierValue":"423927856","source":"INSTORE"}]}),
            ),
            answer: (
                200,
                r#"{"response":[
                {"result":{"entityType":"CUSTOMER","entityId":423927848,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2","programId":2714,"revokedEarnIds":[959]},"errors":[],"warnings":[]},
                {"result":{"entityType":"CUSTOMER","entityId":423927855,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2","programId":2714,"revokedEarnIds":[960,963]},"errors":[],"warnings":[]},
                {"result":{"entityType":"CUSTOMER","entityId":423927856,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2","programId":2714,"revokedEarnIds":[961]},"errors":[],"warnings":[]}],
                "totalCount":3,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![
                    revoked(423927848, 2714, Err(ID_DIRECT), None, &[959]),
                    revoked(423927855, 2714, Err(ID_DIRECT), None, &[960, 963]),
                    revoked(423927856, 2714, Err(ID_DIRECT), None, &[961]),
                ],
            },
        },
        // ---- the bulk revoke page: the answer examples, verbatim
        Case {
            name: "revoke: REVOKE_ENROL answer example (issuals 847 to 850)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Enrol,
                                ProgramId(2714),
                                PromotionRef::id(PromotionId(202188)),
                                RevokeIdentifierKind::Id,
                            )
                            .customers(
                                ["423926199", "423926198", "423926200", "423926201"]
                                    .map(RevokeCustomer::new),
                            )
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_ENROL","promotionDetails":{"programId":2714,"promotionId":202188},"identifierName":"id","customers":[
                {"identifierValue":"423926199"},{"identifierValue":"423926198"},{"identifierValue":"423926200"},{"identifierValue":"423926201"}]}),
            ),
            answer: (
                200,
                r#"{"response":[
                {"result":{"entityType":"CUSTOMER","entityId":423926199,"promotionId":202188,"programId":2714,"issualId":"847"},"errors":[],"warnings":[]},
                {"result":{"entityType":"CUSTOMER","entityId":423926198,"promotionId":202188,"programId":2714,"issualId":"848"},"errors":[],"warnings":[]},
                {"result":{"entityType":"CUSTOMER","entityId":423926200,"promotionId":202188,"programId":2714,"issualId":"849"},"errors":[],"warnings":[]},
                {"result":{"entityType":"CUSTOMER","entityId":423926201,"promotionId":202188,"programId":2714,"issualId":"850"},"errors":[],"warnings":[]}],
                "totalCount":4,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![
                    revoked(423926199, 2714, Ok(202188), Some(847), &[]),
                    revoked(423926198, 2714, Ok(202188), Some(848), &[]),
                    revoked(423926200, 2714, Ok(202188), Some(849), &[]),
                    revoked(423926201, 2714, Ok(202188), Some(850), &[]),
                ],
            },
        },
        Case {
            name: "revoke: REVOKE_EARN answer example (974; 975 and 977)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Earn,
                                ProgramId(2714),
                                PromotionRef::identifier(ID_202779),
                                RevokeIdentifierKind::Id,
                            )
                            .customers(["423927867", "423927868"].map(RevokeCustomer::new))
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":ID_202779},"identifierName":"id","customers":[{"identifierValue":"423927867"},{"identifierValue":"423927868"}]}),
            ),
            answer: (
                200,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927867,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277","programId":2714,"revokedEarnIds":[974]},"errors":[],"warnings":[]},{"result":{"entityType":"CUSTOMER","entityId":423927868,"promoIdentifier":"95c77d88-470c-4dd3-bde4-606ae1b64277","programId":2714,"revokedEarnIds":[975,977]},"errors":[],"warnings":[]}],"totalCount":2,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![
                    revoked(423927867, 2714, Err(ID_202779), None, &[974]),
                    revoked(423927868, 2714, Err(ID_202779), None, &[975, 977]),
                ],
            },
        },
        Case {
            name: "revoke: Direct Issue answer example (957)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Earn,
                                ProgramId(2714),
                                PromotionRef::identifier(ID_DIRECT),
                                RevokeIdentifierKind::Id,
                            )
                            .customer(RevokeCustomer::new("423927848").earn_ids([EarnId(957)]))
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promoIdentifier":ID_DIRECT},"identifierName":"id","customers":[{"identifierValue":"423927848","earnIds":[957]}]}),
            ),
            answer: (
                200,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":423927848,"promoIdentifier":"1d9e540d-ae2c-443f-9d0d-7ac146bf93f2","programId":2714,"revokedEarnIds":[957]},"errors":[],"warnings":[]}],"totalCount":1,"failureCount":0}"#,
            ),
            expect: Seen::Report {
                status: 200,
                items: vec![revoked(423927848, 2714, Err(ID_DIRECT), None, &[957])],
            },
        },
        Case {
            name: "revoke: partial success answer example (111; 8015, 8015)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_report(
                        c.promotions()
                            .revoke(
                                RevokeAction::Earn,
                                ProgramId(753),
                                PromotionRef::id(PromotionId(74230)),
                                RevokeIdentifierKind::Id,
                            )
                            .customers(["555567088", "1", "2"].map(RevokeCustomer::new))
                            .send()
                            .await,
                    )
                })
            },
            wire: revoke_wire(
                json!({"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":753,"promotionId":74230},"identifierName":"id","customers":[{"identifierValue":"555567088"},{"identifierValue":"1"},{"identifierValue":"2"}]}),
            ),
            answer: (
                207,
                r#"{"response":[{"result":{"entityType":"CUSTOMER","entityId":555567088,"promotionId":74230,"programId":753,"revokedEarnIds":[111]},"errors":[],"warnings":[]},{"errors":[{"status":false,"message":"Customer not found for the given identifiers","code":8015}],"warnings":[]},{"errors":[{"status":false,"message":"Customer not found for the given identifiers","code":8015}],"warnings":[]}],"totalCount":3,"failureCount":2}"#,
            ),
            expect: Seen::Report {
                status: 207,
                items: vec![
                    revoked(555567088, 753, Ok(74230), None, &[111]),
                    Err(vec![8015]),
                    Err(vec![8015]),
                ],
            },
        },
        errors_only_case(
            "revoke: REVOKE_ENROL on Direct Issue (8902)",
            |c| {
                revoke_one(
                    c,
                    RevokeAction::Enrol,
                    2714,
                    PromotionRef::identifier(ID_DIRECT),
                )
            },
            json!({"programId":2714,"promoIdentifier":ID_DIRECT}),
            "REVOKE_ENROL",
            r#"{"status":false,"message":"revoke bulk action passed not supported for loyalty/generic promotion type","code":8902}"#,
            8902,
        ),
        errors_only_case(
            "revoke: invalid program (1101)",
            |c| {
                revoke_one(
                    c,
                    RevokeAction::Earn,
                    1,
                    PromotionRef::id(PromotionId(74230)),
                )
            },
            json!({"programId":1,"promotionId":74230}),
            "REVOKE_EARN",
            r#"{"status":false,"message":"invalid programId passed","code":1101}"#,
            1101,
        ),
        errors_only_case(
            "revoke: inactive promotion (8892)",
            |c| {
                revoke_one(
                    c,
                    RevokeAction::Earn,
                    753,
                    PromotionRef::id(PromotionId(74231)),
                )
            },
            json!({"programId":753,"promotionId":74231}),
            "REVOKE_EARN",
            r#"{"status":false,"message":"promotion is inactive","code":8892}"#,
            8892,
        ),
        errors_only_case(
            "revoke: invalid promotion (8874)",
            |c| {
                revoke_one(
                    c,
                    RevokeAction::Earn,
                    2714,
                    PromotionRef::id(PromotionId(1)),
                )
            },
            json!({"programId":2714,"promotionId":1}),
            "REVOKE_EARN",
            r#"{"status":false,"code":8874,"message":"promotion id passed is invalid"}"#,
            8874,
        ),
        errors_only_case(
            "revoke: enrolment with earns left (8896)",
            |c| {
                revoke_one(
                    c,
                    RevokeAction::Enrol,
                    2714,
                    PromotionRef::id(PromotionId(202779)),
                )
            },
            json!({"programId":2714,"promotionId":202779}),
            "REVOKE_ENROL",
            r#"{"status":false,"message":"Error occurred while issuing promotion to the customer","code":8896}"#,
            8896,
        ),
        // ---- the customer promotion lookup page (it shows no request: each row sends one that
        // the demo answers with the example's shape; the stub answers the example with the
        // row's ids)
        lookup_case(
            "lookup: the example (enrolled once, issued once)",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::mobile("000003873354"),
                    Source::Instore,
                    None,
                )
            },
            LOOKUP_BY_MOBILE,
            &[],
            345854019,
            &[(
                1119990,
                json!([{"enrollmentId": 1580, "issuedDetails": [{"issualId": 1583}]}]),
            )],
        ),
        lookup_case(
            "lookup: available to enrol (no timelines)",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::id(CustomerId(345854020)),
                    Source::Instore,
                    None,
                )
            },
            &[
                ("identifierName", "id"),
                ("identifierValue", "345854020"),
                ("source", "INSTORE"),
                ("programs", "1085"),
            ],
            &[],
            345854020,
            &[(1119990, json!([]))],
        ),
        lookup_case(
            "lookup: enrolled, not yet issued (issuedDetails [])",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::id(CustomerId(345854021)),
                    Source::Instore,
                    None,
                )
            },
            &[
                ("identifierName", "id"),
                ("identifierValue", "345854021"),
                ("source", "INSTORE"),
                ("programs", "1085"),
            ],
            &[],
            345854021,
            &[(
                1119990,
                json!([{"enrollmentId": 1581, "issuedDetails": []}]),
            )],
        ),
        lookup_case(
            "lookup: connected org at v2.1 (DATA-SCOPE OTHER)",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::mobile("000003873354"),
                    Source::Instore,
                    Some((LookupScope::Other, vec![OrgId(50123)])),
                )
            },
            LOOKUP_BY_MOBILE,
            SCOPE,
            345854019,
            &[(1119995, json!([]))],
        ),
        lookup_case(
            "lookup: DATA-SCOPE ALL is accepted at v2.1",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::mobile("000003873354"),
                    Source::Instore,
                    Some((LookupScope::All, vec![])),
                )
            },
            LOOKUP_BY_MOBILE,
            &[("data-scope", "ALL")],
            345854019,
            &[
                (
                    1119990,
                    json!([{"enrollmentId": 1580, "issuedDetails": [{"issualId": 1583}]}]),
                ),
                (1119995, json!([])),
            ],
        ),
        lookup_error_case(
            "lookup: customer not found (8015)",
            |c| lookup_for(c, CustomerRef::mobile("19999999999"), Source::Instore, None),
            &[
                ("identifierName", "mobile"),
                ("identifierValue", "19999999999"),
                ("source", "INSTORE"),
                ("programs", "1085"),
            ],
            8015,
            "Customer not found for the given identifiers",
        ),
        lookup_error_case(
            "lookup: invalid source (8003)",
            |c| {
                lookup_for(
                    c,
                    CustomerRef::mobile("000003873354"),
                    Source::MobileApp,
                    None,
                )
            },
            &[
                ("identifierName", "mobile"),
                ("identifierValue", "000003873354"),
                ("source", "MOBILE_APP"),
                ("programs", "1085"),
            ],
            8003,
            "Invalid source",
        ),
        Case {
            name: "lookup: a page over 100 is refused before sending",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_lookup(
                        c.customers()
                            .promotions(CustomerRef::mobile("000003873354"), Source::Instore)
                            .limit(101)
                            .send()
                            .await,
                    )
                })
            },
            wire: None,
            answer: (400, r#"{"errors":[]}"#),
            expect: Seen::NotSent("limit"),
        },
        // ---- the target enroll page (and the unenroll example)
        Case {
            name: "enroll: the request example (milestone, initial balance 100)",
            setup: None,
            call: |c| {
                Box::pin(async move {
                    seen_target(
                        c.targets()
                            .enroll_milestone(
                                TargetGroupId(7),
                                TargetId(12),
                                CustomerId(345651201),
                                "PERIOD_G_29463_1",
                            )
                            .initial_balance(100)
                            .data_scope(DataScope::Other, [OrgId(50123)])
                            .send()
                            .await,
                    )
                })
            },
            wire: Some(Wire {
                path: "/v3.1/targetGroups/7/targets/12/enroll",
                query: &[],
                headers: SCOPE,
                // The page's example also sends the streak-only `"resetStreakStatus": false`,
                // which the milestone shape has no way to send.
                body: json!([{"customerId":345651201,"periodName":"PERIOD_G_29463_1","initialBalance":100}]),
            }),
            answer: (
                200,
                r#"{"data": 345651201, "errors": null, "warnings": null}"#,
            ),
            expect: Seen::Target(CustomerId(345651201)),
        },
        Case {
            name: "unenroll: the documented example (after enrolling into the streak)",
            setup: Some(|c| {
                Box::pin(async move {
                    c.targets()
                        .enroll_streak(TargetGroupId(7), TargetId(13), CustomerId(423789336))
                        .data_scope(DataScope::Other, [OrgId(50123)])
                        .send()
                        .await
                        .unwrap();
                })
            }),
            call: |c| {
                Box::pin(async move {
                    seen_target(
                        c.targets()
                            .unenroll(TargetGroupId(7), TargetId(13), CustomerId(423789336))
                            .data_scope(DataScope::Other, [OrgId(50123)])
                            .send()
                            .await,
                    )
                })
            },
            wire: Some(Wire {
                path: "/v3.1/targetGroups/7/targets/13/unEnroll",
                query: &[],
                headers: SCOPE,
                body: json!([{"customerId": 423789336}]),
            }),
            answer: (
                200,
                r#"{"data": 423789336, "errors": null, "warnings": null}"#,
            ),
            expect: Seen::Target(CustomerId(423789336)),
        },
    ]
}

fn revoke_one(c: Client, action: RevokeAction, program: u64, promotion: PromotionRef) -> Fut<Seen> {
    Box::pin(async move {
        seen_report(
            c.promotions()
                .revoke(
                    action,
                    ProgramId(program),
                    promotion,
                    RevokeIdentifierKind::Id,
                )
                .customer(RevokeCustomer::new("423927867"))
                .send()
                .await,
        )
    })
}

/// A request-level refusal: the page's one errors-only item.
fn errors_only_case(
    name: &'static str,
    call: fn(Client) -> Fut<Seen>,
    details: Value,
    action: &str,
    error: &'static str,
    code: i64,
) -> Case {
    let answer = format!(
        r#"{{"response":[{{"errors":[{error}],"warnings":[]}}],"totalCount":1,"failureCount":1}}"#
    );
    Case {
        name,
        setup: None,
        call,
        wire: revoke_wire(
            json!({"type":"CUSTOMER","bulkAction":action,"promotionDetails":details,"identifierName":"id","customers":[{"identifierValue":"423927867"}]}),
        ),
        answer: (400, Box::leak(answer.into_boxed_str())),
        // A code that concerns the whole request refuses it whole, even as one bulk item.
        expect: if [1101, 8874, 8881, 8892, 8901, 8902].contains(&code) {
            Seen::Refused {
                status: 400,
                codes: vec![code],
            }
        } else {
            Seen::Report {
                status: 400,
                items: vec![Err(vec![code])],
            }
        },
    }
}

const LOOKUP_BY_MOBILE: &[(&str, &str)] = &[
    ("identifierName", "mobile"),
    ("identifierValue", "000003873354"),
    ("source", "INSTORE"),
    ("programs", "1085"),
];

/// A lookup in program 1085 (the page's example program), optionally in connected orgs.
fn lookup_for(
    c: Client,
    customer: CustomerRef,
    source: Source,
    scope: Option<(LookupScope, Vec<OrgId>)>,
) -> Fut<Seen> {
    Box::pin(async move {
        let mut request = c
            .customers()
            .promotions(customer, source)
            .programs([ProgramId(1085)]);
        if let Some((scope, orgs)) = scope {
            request = request.data_scope(scope, orgs);
        }
        seen_lookup(request.send().await)
    })
}

/// A lookup answered with the page's example, its promotion and timelines replaced by the
/// row's (`(promotion id, customerPromotionTimelines)`).
fn lookup_case(
    name: &'static str,
    call: fn(Client) -> Fut<Seen>,
    query: &'static [(&'static str, &'static str)],
    headers: &'static [(&'static str, &'static str)],
    customer: u64,
    promotions: &[(u64, Value)],
) -> Case {
    let listed: Vec<Value> = promotions
        .iter()
        .map(|(id, timelines)| {
            json!({"promotionId": id, "promotionName": "Enrol & issue | LOYALTY EARNING PROMO",
                   "programId": 1085, "startDate": "2024-05-01T00:00:00.000Z",
                   "endDate": "2024-06-30T23:59:59.000Z",
                   "identifier": "7ff82c46-dd7e-45d7-b09a-eb58aed3d714", "description": "Enrol and Issue",
                   "active": true, "eventName": "TransactionAdd",
                   "limits": {"maxPointsPerEvent": "0", "pointsPerCustomer": "0",
                              "numberOFTimesPerCustomer": 0, "totalPointsInPromotion": "0"},
                   "pointsOfferType": "LOYALTY_EARNING", "customerPromotionTimelines": timelines})
        })
        .collect();
    let body = json!({"pageDetails": {"pageNumber": 0, "pageSize": 10, "totalEntries": 6, "pageCount": 1},
                      "customerId": customer, "promotions": listed, "warnings": []});
    let path = if headers.is_empty() {
        "/v2/customers/lookup/promotionData"
    } else {
        "/v2.1/customers/lookup/promotionData"
    };
    let expect = Seen::Lookup {
        customer: Some(CustomerId(customer)),
        promotions: promotions
            .iter()
            .map(|(id, timelines)| {
                let timelines = timelines.as_array().into_iter().flatten().map(|t| {
                    let earns = t["issuedDetails"].as_array().into_iter().flatten();
                    (
                        t["enrollmentId"].as_u64(),
                        earns.filter_map(|d| d["issualId"].as_u64()).collect(),
                    )
                });
                (*id, timelines.collect())
            })
            .collect(),
    };
    Case {
        name,
        setup: None,
        call,
        wire: Some(Wire {
            path,
            query,
            headers,
            body: Value::Null,
        }),
        answer: (200, Box::leak(body.to_string().into_boxed_str())),
        expect,
    }
}

/// A lookup the page's error example answers (HTTP 400: the sandbox's choice, the reference
/// states none).
fn lookup_error_case(
    name: &'static str,
    call: fn(Client) -> Fut<Seen>,
    query: &'static [(&'static str, &'static str)],
    code: i64,
    message: &str,
) -> Case {
    let body = json!({"errors": [{"status": false, "code": code, "message": message}]});
    Case {
        name,
        setup: None,
        call,
        wire: Some(Wire {
            path: "/v2/customers/lookup/promotionData",
            query,
            headers: &[],
            body: Value::Null,
        }),
        answer: (400, Box::leak(body.to_string().into_boxed_str())),
        expect: Seen::Refused {
            status: 400,
            codes: vec![code],
        },
    }
}

fn basic() -> Basic {
    Basic::new(sandbox::USER, sandbox::PASSWORD)
}

async fn against_stub(case: &Case) -> Seen {
    let server = MockServer::start().await;
    let (status, body) = case.answer;
    let respond = ResponseTemplate::new(status)
        .insert_header("x-cap-requestid", "doc-example")
        .set_body_raw(body, "application/json");
    match &case.wire {
        Some(wire) if wire.body.is_null() => {
            let mut mock = Mock::given(method("GET")).and(path(wire.path));
            for (name, value) in wire.query {
                mock = mock.and(query_param(*name, *value));
            }
            for (name, value) in wire.headers {
                mock = mock.and(header(*name, *value));
            }
            mock.respond_with(respond).expect(1).mount(&server).await;
        }
        Some(wire) => {
            let mut mock = Mock::given(method("POST"))
                .and(path(wire.path))
                .and(header("content-type", "application/json"))
                .and(body_json(&wire.body));
            for (name, value) in wire.query {
                mock = mock.and(query_param(*name, *value));
            }
            for (name, value) in wire.headers {
                mock = mock.and(header(*name, *value));
            }
            mock.respond_with(respond).expect(1).mount(&server).await;
        }
        None => {
            Mock::given(wiremock::matchers::any())
                .respond_with(respond)
                .expect(0)
                .mount(&server)
                .await
        }
    }
    let client = Client::builder()
        .base_url(server.uri())
        .auth(basic())
        .build()
        .unwrap();
    let seen = (case.call)(client).await;
    server.verify().await;
    seen
}

async fn against_sandbox(case: &Case, sandbox: &Sandbox, client: Client) -> Seen {
    if let Some(setup) = case.setup {
        setup(client.clone()).await;
    }
    let before = sandbox.request_count();
    let seen = (case.call)(client).await;
    let log = sandbox.requests();
    match &case.wire {
        None => assert_eq!(log.len(), before, "{}: nothing may be sent", case.name),
        Some(wire) => {
            let sent = log.last().unwrap();
            assert_eq!(log.len(), before + 1, "{}", case.name);
            assert_eq!(sent.path, wire.path, "{}", case.name);
            if wire.body.is_null() {
                assert_eq!(sent.method, http::Method::GET, "{}", case.name);
                assert!(sent.body.is_empty(), "{}", case.name);
            } else {
                assert_eq!(sent.json().as_ref(), Some(&wire.body), "{}", case.name);
            }
            let query: Vec<(String, String)> =
                url::form_urlencoded::parse(sent.query.as_deref().unwrap_or("").as_bytes())
                    .into_owned()
                    .collect();
            let want: Vec<(String, String)> = wire
                .query
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            assert_eq!(query, want, "{}", case.name);
            for (name, value) in wire.headers {
                assert_eq!(sent.header(name), Some(*value), "{}", case.name);
            }
        }
    }
    seen
}

#[tokio::test]
async fn documented_examples_give_the_same_outcome_on_stub_and_sandboxes() {
    let mut cases = cases();
    cases.extend(enrol::cases());
    assert!(cases.len() >= 30);
    for case in &cases {
        let stub = against_stub(case).await;
        assert_eq!(stub, case.expect, "stub: {}", case.name);

        let in_process = Sandbox::demo();
        let seen = against_sandbox(case, &in_process, in_process.client().unwrap()).await;
        assert_eq!(seen, case.expect, "sandbox in process: {}", case.name);

        let over_http = Sandbox::demo();
        let server = over_http.serve_http().await.unwrap();
        let client = Client::builder()
            .base_url(server.base_url())
            .auth(basic())
            .build()
            .unwrap();
        let seen = against_sandbox(case, &over_http, client).await;
        assert_eq!(seen, case.expect, "sandbox over HTTP: {}", case.name);
    }
}

#[tokio::test]
async fn the_sandbox_reads_ids_sent_as_strings_like_the_pages_do() {
    // The page's request examples send "promotionId": "202779" (a string).
    let sandbox = Sandbox::demo();
    let body = r#"{"type":"CUSTOMER","bulkAction":"REVOKE_EARN","promotionDetails":{"programId":2714,"promotionId":"202779"},"identifierName":"id","customers":[{"identifierValue":"423927867","source":"instore"}]}"#;
    let request = http::Request::post(
        "https://eu.api.capillarytech.com/v2/promotion/bulk/revokeEnrolAndEarn",
    )
    .header("content-type", "application/json")
    .header(
        "authorization",
        "Basic c2FuZGJveDo5M2JjNjNlMGI0ZjQ4ZmJiZmY1NjhkOWZjMGRjM2RlZg==",
    )
    .body(bytes::Bytes::from_static(body.as_bytes()))
    .unwrap();
    let response = capillary_sdk::transport::Transport::send(&sandbox, request)
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        answer["response"][0]["result"]["revokedEarnIds"],
        json!([974])
    );
    assert_eq!(answer["response"][0]["result"]["promotionId"], 202779);
}
