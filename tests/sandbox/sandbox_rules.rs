//! The rules the demo sandbox keeps, driven through the SDK's
//! client in process, with the state asserted through the sandbox's own API.

use bytes::Bytes;
use capillary_sdk::sandbox::{demo, Sandbox, SandboxError};
use capillary_sdk::transport::Transport;
use capillary_sdk::{
    Client, CustomerId, CustomerRef, DataScope, EarnId, Error, ErrorCode, IssualId, IssueOutcome,
    OrgId, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind, Source, TargetGroupId, TargetId,
};
use serde_json::{json, Value};

use crate::sandbox_common::{raw, BASIC, JSON};

fn codes(e: &Error) -> Vec<i64> {
    e.codes().iter().map(|c| c.as_i64()).collect()
}

fn item_codes(r: &Result<capillary_sdk::Revoked, Vec<capillary_sdk::ApiMessage>>) -> Vec<i64> {
    match r {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.code.as_i64()).collect(),
    }
}

async fn issue(
    client: &Client,
    who: CustomerRef,
    program: u64,
    promotion: u64,
) -> Result<IssueOutcome, Error> {
    client
        .promotions()
        .issue(
            who,
            Source::Instore,
            ProgramId(program),
            PromotionId(promotion),
        )
        .send()
        .await
}

#[tokio::test]
async fn issue_enrols_once_by_any_identifier_then_answers_8890() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let outcome = issue(&client, CustomerRef::mobile(demo::ANA_MOBILE), 469, 65777)
        .await
        .unwrap();
    let IssueOutcome::Issued(issual) = outcome else {
        panic!("not issued: {outcome:?}")
    };
    assert_eq!(
        (issual.program_id, issual.promotion_id),
        (ProgramId(469), PromotionId(65777))
    );
    assert_eq!(issual.meta.status, 200);
    assert_eq!(
        sandbox.active_issual(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL),
        Some(issual.issual_id)
    );

    // The request on the wire, as the sandbox received it.
    let logged = sandbox.requests().pop().unwrap();
    assert_eq!(logged.path, "/v2/promotion/issue");
    assert_eq!(
        logged.query.as_deref(),
        Some("identifierName=mobile&identifierValue=18767431754&source=INSTORE")
    );
    assert_eq!(
        logged.json().unwrap(),
        json!({"programId": 469, "promotionId": 65777})
    );
    assert_eq!(logged.header("authorization"), Some("[redacted]"));
    assert_eq!(
        issual.meta.request_id.as_deref(),
        Some(logged.request_id.as_str())
    );

    for who in [
        CustomerRef::mobile(demo::ANA_MOBILE),
        CustomerRef::email(demo::ANA_EMAIL),
        CustomerRef::external_id(demo::ANA_EXTERNAL_ID),
        CustomerRef::id(demo::CUSTOMER_ANA),
    ] {
        match issue(&client, who.clone(), 469, 65777).await.unwrap() {
            IssueOutcome::NotIssued { warnings, meta } => {
                assert_eq!(warnings[0].code, ErrorCode::PromotionNotIssued, "{who:?}");
                assert_eq!(meta.status, 200);
            }
            other => panic!("{who:?}: {other:?}"),
        }
    }
    assert_eq!(
        sandbox
            .issuals()
            .iter()
            .filter(|i| i.customer == demo::CUSTOMER_ANA)
            .count(),
        1
    );
}

#[tokio::test]
async fn issue_refusals_carry_the_documented_codes() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let ana = || CustomerRef::mobile(demo::ANA_MOBILE);
    let cases = [
        (CustomerRef::mobile("10000000000"), 469, 65777, 8015),
        (ana(), 1, 65777, 1101),
        (ana(), 469, 1, 8874),
        (ana(), 469, 202779, 8874),  // a promotion of another program
        (ana(), 2714, 202780, 8874), // Direct Issue: nothing to enrol into
        (ana(), 753, 74231, 8892),
    ];
    for (who, program, promotion, code) in cases {
        let err = issue(&client, who, program, promotion).await.unwrap_err();
        assert_eq!(codes(&err), [code], "{program}/{promotion}: {err}");
        assert_eq!(err.status().unwrap(), 400);
        assert!(err.request_id().unwrap().starts_with("sandbox-"));
    }
    assert!(sandbox
        .issuals()
        .iter()
        .all(|i| i.customer != demo::CUSTOMER_ANA));
}

#[tokio::test]
async fn enrolment_is_revoked_only_after_its_earns() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let revoke = |action| {
        client
            .promotions()
            .revoke(
                action,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
            )
            .customer(RevokeCustomer::new("423927867").source(Source::Instore))
    };
    let early = revoke(RevokeAction::Enrol).send().await.unwrap();
    assert_eq!(item_codes(&early.items[0].result), [8896]);
    assert_eq!(
        sandbox.active_issual(CustomerId(423927867), PromotionId(202779)),
        Some(IssualId(851))
    );

    let earns = revoke(RevokeAction::Earn).send().await.unwrap();
    assert_eq!(
        earns.items[0].result.as_ref().unwrap().revoked_earn_ids,
        [EarnId(974)]
    );
    assert!(sandbox
        .earns()
        .iter()
        .any(|e| e.id == EarnId(974) && e.revoked));
    let again = revoke(RevokeAction::Earn).send().await.unwrap();
    assert_eq!(item_codes(&again.items[0].result), [8903]);

    let enrol = revoke(RevokeAction::Enrol).send().await.unwrap();
    let revoked = enrol.items[0].result.as_ref().unwrap();
    assert_eq!(revoked.revoked_issual_id, Some(IssualId(851)));
    assert_eq!(revoked.promotion_id, Some(PromotionId(202779)));
    assert_eq!(
        sandbox.active_issual(CustomerId(423927867), PromotionId(202779)),
        None
    );
    assert!(sandbox
        .issuals()
        .iter()
        .any(|i| i.id == IssualId(851) && i.revoked));
}

#[tokio::test]
async fn simulated_earns_can_be_revoked_by_id() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    assert_eq!(
        sandbox.earn(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL),
        Err(SandboxError::NotEnrolled {
            customer: demo::CUSTOMER_ANA,
            promotion: demo::PROMOTION_ENROL
        })
    );
    assert_eq!(
        sandbox.earn(CustomerId(1), demo::PROMOTION_ENROL),
        Err(SandboxError::UnknownCustomer(CustomerId(1)))
    );
    issue(&client, CustomerRef::mobile(demo::ANA_MOBILE), 469, 65777)
        .await
        .unwrap();
    let first = sandbox
        .earn(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL)
        .unwrap();
    let second = sandbox
        .earn(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL)
        .unwrap();
    assert_ne!(first, second);
    assert!(first.0 > 977, "new earn ids stay above the seeded ones");

    let by_mobile = |ids: Vec<EarnId>| {
        client
            .promotions()
            .revoke(
                RevokeAction::Earn,
                ProgramId(469),
                PromotionRef::id(PromotionId(65777)),
                RevokeIdentifierKind::Mobile,
            )
            .customer(RevokeCustomer::new(demo::ANA_MOBILE).earn_ids(ids))
            .send()
    };
    let report = by_mobile(vec![second]).await.unwrap();
    let revoked = report.items[0].result.as_ref().unwrap();
    assert_eq!(revoked.revoked_earn_ids, [second]);
    assert_eq!(revoked.customer_id, Some(demo::CUSTOMER_ANA));
    let earns = sandbox.earns();
    assert!(earns.iter().any(|e| e.id == first && !e.revoked));
    assert!(earns.iter().any(|e| e.id == second && e.revoked));
    // Unknown or revoked ids fail the whole customer, and revoke nothing.
    let report = by_mobile(vec![first, EarnId(424242)]).await.unwrap();
    assert_eq!(item_codes(&report.items[0].result), [8903]);
    assert!(sandbox.earns().iter().any(|e| e.id == first && !e.revoked));
}

#[tokio::test]
async fn bulk_answers_request_level_and_partial_failures() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let error = client
        .promotions()
        .revoke(
            RevokeAction::Enrol,
            ProgramId(2714),
            PromotionRef::identifier(demo::IDENTIFIER_DIRECT),
            RevokeIdentifierKind::Id,
        )
        .customers([
            RevokeCustomer::new("423927848"),
            RevokeCustomer::new("423927855"),
        ])
        .send()
        .await
        .unwrap_err();
    // Refused whole: one error for the request, not one failure per customer.
    assert_eq!(error.codes(), [ErrorCode::RevokeActionNotSupported]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));

    let report = client
        .promotions()
        .revoke(
            RevokeAction::Earn,
            ProgramId(753),
            PromotionRef::id(PromotionId(74230)),
            RevokeIdentifierKind::Id,
        )
        .customers(["555567088", "1", "2"].map(RevokeCustomer::new))
        .send()
        .await
        .unwrap();
    assert_eq!(report.meta.status, 207);
    assert_eq!(
        (report.total_count, report.failure_count),
        (Some(3), Some(2))
    );
    assert_eq!(
        report.items[0].result.as_ref().unwrap().revoked_earn_ids,
        [EarnId(111)]
    );
    assert_eq!(item_codes(&report.items[1].result), [8015]);
    assert_eq!(item_codes(&report.items[2].result), [8015]);
}

fn targets(client: &Client) -> capillary_sdk::Targets {
    client.targets()
}

const ORG: [OrgId; 1] = [demo::CONNECTED_ORG];

#[tokio::test]
async fn milestone_reenroll_keeps_the_balance_unless_an_initial_one_is_given() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let (g, t, ana) = (demo::TARGET_GROUP, demo::MILESTONE, demo::CUSTOMER_ANA);
    let period = demo::PERIODS[0];
    let enroll = |balance: Option<i64>| {
        let request = targets(&client)
            .enroll_milestone(g, t, ana, period)
            .data_scope(DataScope::Other, ORG);
        match balance {
            Some(b) => request.initial_balance(b),
            None => request,
        }
        .send()
    };
    let unenroll = || {
        targets(&client)
            .unenroll(g, t, ana)
            .data_scope(DataScope::Other, ORG)
            .send()
    };

    let enrolled = enroll(Some(100)).await.unwrap();
    assert_eq!(enrolled.customer_id, ana);
    let logged = sandbox.requests().pop().unwrap();
    assert_eq!(logged.path, "/v3.1/targetGroups/7/targets/12/enroll");
    assert_eq!(logged.header("data-scope"), Some("OTHER"));
    assert_eq!(logged.header("data-scope-org"), Some("50123"));
    assert_eq!(
        logged.json().unwrap(),
        json!([{"customerId": 345651201, "periodName": period, "initialBalance": 100}])
    );
    let state = sandbox.target_state(g, t, ana).unwrap();
    assert!(state.enrolled && state.periods.contains(period));
    assert_eq!(state.balances[period], 100);

    assert_eq!(codes(&enroll(None).await.unwrap_err()), [310119]);
    assert_eq!(
        sandbox.add_milestone_progress(g, t, ana, period, 20),
        Ok(120)
    );

    assert_eq!(unenroll().await.unwrap().customer_id, ana);
    let state = sandbox.target_state(g, t, ana).unwrap();
    assert!(!state.enrolled && state.periods.is_empty());
    assert_eq!(state.balances[period], 120, "unenroll keeps the balance");
    assert_eq!(codes(&unenroll().await.unwrap_err()), [300004]);

    enroll(None).await.unwrap();
    assert_eq!(
        sandbox.target_state(g, t, ana).unwrap().balances[period],
        120,
        "re-enroll resumes"
    );
    unenroll().await.unwrap();
    enroll(Some(5)).await.unwrap();
    assert_eq!(
        sandbox.target_state(g, t, ana).unwrap().balances[period],
        5,
        "initialBalance wins"
    );
}

#[tokio::test]
async fn streak_reenroll_keeps_the_streak_unless_reset() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let (g, t, ana) = (demo::TARGET_GROUP, demo::STREAK, demo::CUSTOMER_ANA);
    let enroll = |reset: bool| {
        targets(&client)
            .enroll_streak(g, t, ana)
            .reset_streak(reset)
            .data_scope(DataScope::Other, ORG)
            .send()
    };
    let unenroll = || {
        targets(&client)
            .unenroll(g, t, ana)
            .data_scope(DataScope::Other, ORG)
            .send()
    };

    assert_eq!(
        sandbox.extend_streak(g, t, ana, 1),
        Err(SandboxError::NotEnrolledInTarget {
            customer: ana,
            target: t
        })
    );
    enroll(false).await.unwrap();
    assert_eq!(codes(&enroll(false).await.unwrap_err()), [310119]);
    assert_eq!(sandbox.extend_streak(g, t, ana, 3), Ok(3));
    unenroll().await.unwrap();
    assert!(!sandbox.target_state(g, t, ana).unwrap().enrolled);
    enroll(false).await.unwrap();
    assert_eq!(
        sandbox.target_state(g, t, ana).unwrap().streak,
        3,
        "resetStreakStatus false continues"
    );
    unenroll().await.unwrap();
    enroll(true).await.unwrap();
    let state = sandbox.target_state(g, t, ana).unwrap();
    assert!(state.enrolled);
    assert_eq!(state.streak, 0, "resetStreakStatus true starts afresh");
}

#[tokio::test]
async fn target_refusals_carry_the_documented_codes() {
    let sandbox = Sandbox::demo();
    let client = sandbox.client().unwrap();
    let ana = demo::CUSTOMER_ANA;
    let g = demo::TARGET_GROUP;
    let p1 = demo::PERIODS[0];
    let cases = [
        (
            targets(&client).enroll_milestone(g, TargetId(12), ana, p1),
            310144,
        ), // no org header
        (
            targets(&client)
                .enroll_milestone(g, TargetId(12), ana, p1)
                .data_scope(DataScope::Other, [OrgId(999)]),
            310144,
        ),
        (
            targets(&client)
                .enroll_milestone(g, TargetId(12), ana, p1)
                .data_scope(DataScope::SelfOrg, ORG),
            310144,
        ),
        (
            targets(&client)
                .enroll_milestone(TargetGroupId(8), TargetId(12), ana, p1)
                .data_scope(DataScope::Other, ORG),
            310017,
        ),
        (
            targets(&client)
                .enroll_milestone(g, TargetId(99), ana, p1)
                .data_scope(DataScope::Other, ORG),
            310018,
        ),
        (
            targets(&client)
                .enroll_milestone(g, TargetId(12), ana, "PERIOD_X")
                .data_scope(DataScope::Other, ORG),
            310019,
        ),
        (
            targets(&client)
                .enroll_milestone(g, TargetId(12), CustomerId(1), p1)
                .data_scope(DataScope::Other, ORG),
            310011,
        ),
    ];
    for (i, (request, code)) in cases.into_iter().enumerate() {
        let err = request.send().await.unwrap_err();
        assert_eq!(codes(&err), [code], "case {i}: {err}");
        assert_eq!(err.status().unwrap(), 400);
    }
    // A milestone target enrolled in the streak shape (no period) is the server's 300004.
    let err = targets(&client)
        .enroll_streak(g, TargetId(12), ana)
        .data_scope(DataScope::Other, ORG)
        .send()
        .await
        .unwrap_err();
    assert_eq!(codes(&err), [300004], "{err}");
    assert_eq!(err.status().unwrap(), 400);
    assert_eq!(sandbox.target_state(g, TargetId(12), ana), None);

    // DATA-SCOPE ALL: the SDK's DataScope cannot say it; the sandbox refuses it too (310141).
    let (status, body, _) = raw(
        &sandbox,
        "http://127.0.0.1/v3.1/targetGroups/7/targets/12/enroll",
        &[
            BASIC,
            JSON,
            ("data-scope", "ALL"),
            ("data-scope-org", "50123"),
        ],
        r#"[{"customerId":345651201,"periodName":"PERIOD_G_29463_1"}]"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], 310141);
    assert_eq!(body["data"], Value::Null);
}

#[tokio::test]
async fn raw_requests_get_the_documented_envelopes_and_a_request_id_each() {
    let sandbox = Sandbox::demo();
    let issue_uri = "https://any.host/v2/promotion/issue";
    let mut ids = Vec::new();
    let mut check = |(status, body, id): (u16, Value, String), want_status: u16, code: i64| {
        assert_eq!(status, want_status, "{body}");
        // v2 single and v3.1 answers list errors at the top, bulk answers per item.
        let errors = if body["response"].is_array() {
            &body["response"][0]["errors"]
        } else {
            &body["errors"]
        };
        assert_eq!(errors[0]["code"], code, "{body}");
        assert!(!ids.contains(&id), "request ids are unique");
        ids.push(id);
    };
    let body = r#"{"programId":469,"promotionId":65777}"#;
    check(
        raw(
            &sandbox,
            &format!("{issue_uri}?identifierName=mobile&identifierValue=&source=INSTORE"),
            &[BASIC, JSON],
            body,
        )
        .await,
        400,
        11013,
    );
    check(
        raw(
            &sandbox,
            &format!("{issue_uri}?identifierName=mobile&identifierValue=1"),
            &[BASIC, JSON],
            body,
        )
        .await,
        400,
        11013,
    );
    check(raw(&sandbox, &format!("{issue_uri}?identifierName=mobile&identifierValue=18767431754&source=INSTORE&type=STORE"), &[BASIC, JSON], body).await, 400, 1212);
    // Ids as strings are read too, as the pages send some.
    let (status, ok, _) = raw(
        &sandbox,
        &format!("{issue_uri}?identifierName=mobile&identifierValue=18767431754&source=instore"),
        &[BASIC, JSON],
        r#"{"programId":"469","promotionId":"65777"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ok["sideEffects"][0]["type"], "Points promotion");
    check(raw(&sandbox, issue_uri, &[BASIC], body).await, 415, 415);
    check(
        raw(
            &sandbox,
            "https://any.host/v2/nothing",
            &[BASIC, JSON],
            body,
        )
        .await,
        404,
        404,
    );

    let revoke_uri = "https://any.host/prefix/v2/promotion/bulk/revokeEnrolAndEarn";
    let revoke = |t: &str, details: &str| {
        format!(
            r#"{{"type":"{t}","bulkAction":"REVOKE_EARN","promotionDetails":{details},"identifierName":"id","customers":[{{"identifierValue":"555567088"}}]}}"#
        )
    };
    check(
        raw(
            &sandbox,
            revoke_uri,
            &[BASIC, JSON],
            &revoke("STORE", r#"{"programId":753,"promotionId":74230}"#),
        )
        .await,
        400,
        8901,
    );
    check(
        raw(
            &sandbox,
            revoke_uri,
            &[BASIC, JSON],
            &revoke("CUSTOMER", r#"{"programId":753}"#),
        )
        .await,
        400,
        8881,
    );
    check(
        raw(
            &sandbox,
            revoke_uri,
            &[BASIC, JSON],
            &revoke("CUSTOMER", r#"{"programId":753,"promotionId":74231}"#),
        )
        .await,
        400,
        8892,
    );
    let (status, ok, _) = raw(
        &sandbox,
        revoke_uri,
        &[BASIC, JSON],
        &revoke("CUSTOMER", r#"{"programId":753,"promotionId":"74230"}"#),
    )
    .await;
    assert_eq!(status, 200, "a base URL path prefix is fine: {ok}");
    assert_eq!(ok["response"][0]["result"]["revokedEarnIds"], json!([111]));

    let get = sandbox
        .send(http::Request::get(issue_uri).body(Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    assert!(get.headers().contains_key("x-cap-requestid"));
}

#[tokio::test]
async fn seeded_data_works_like_demo_data() {
    use capillary_sdk::sandbox::{Customer, Promotion, PromotionKind, TargetKind};
    let sandbox = Sandbox::empty();
    let client = sandbox.client().unwrap();
    assert_eq!(
        codes(
            &issue(&client, CustomerRef::email("bo@example.com"), 1, 10)
                .await
                .unwrap_err()
        ),
        [1101]
    );
    sandbox.add_promotion(Promotion::new(
        ProgramId(1),
        PromotionId(10),
        PromotionKind::EnrolAndIssue,
    ));
    sandbox.add_customer(Customer::new(CustomerId(5)).email("bo@example.com"));
    assert!(issue(&client, CustomerRef::email("BO@example.com"), 1, 10)
        .await
        .unwrap()
        .is_issued());

    sandbox.add_target_group(TargetGroupId(1), None);
    sandbox
        .add_target(TargetGroupId(1), TargetId(2), TargetKind::Streak)
        .unwrap();
    let own_org = client
        .targets()
        .enroll_streak(TargetGroupId(1), TargetId(2), CustomerId(5))
        .send()
        .await
        .unwrap();
    assert_eq!(own_org.customer_id, CustomerId(5));
    assert!(
        sandbox
            .target_state(TargetGroupId(1), TargetId(2), CustomerId(5))
            .unwrap()
            .enrolled
    );
}

#[tokio::test]
async fn the_request_log_keeps_the_newest_requests_only() {
    let sandbox = Sandbox::demo();
    let total = capillary_sdk::sandbox::MAX_LOGGED_REQUESTS + 5;
    for i in 0..total {
        let request = http::Request::post(format!("https://x/v2/none/{i}"))
            .body(Bytes::new())
            .unwrap();
        assert_eq!(sandbox.send(request).await.unwrap().status(), 404);
    }
    let log = sandbox.requests();
    assert_eq!(log.len(), capillary_sdk::sandbox::MAX_LOGGED_REQUESTS);
    assert_eq!(log[0].path, "/v2/none/5");
    assert_eq!(sandbox.request_count(), total);
}
