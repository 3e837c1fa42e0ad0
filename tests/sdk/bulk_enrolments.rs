//! `revoke_enrolments_with_earns_all`: enrolments revoked with their earns for any number of
//! customers, on the bulk driver: each batch of 100 is one REVOKE_EARN then one REVOKE_ENROL.

use std::collections::HashMap;

use crate::bulk_common::{ids, Revoker};
use crate::bulk_wire::server_with;
use crate::common::{basic_client, body_json};
use capillary_sdk::{
    EnrolmentRevokeOutcome, EnrolmentStep, ProgramId, PromotionId, PromotionRef, RevokeCustomer,
    RevokeIdentifierKind, RevokeSummary,
};

#[tokio::test]
async fn each_batch_revokes_its_earns_then_its_enrolments() {
    let values = ids(150);
    let revoker = Revoker {
        refuse: HashMap::from([(values[120].clone(), 8015)]),
        ..Revoker::default()
    };
    let server = server_with("/v2/promotion/bulk/revokeEnrolAndEarn", revoker).await;
    let client = basic_client(&server);
    let customers = || {
        values
            .iter()
            .cloned()
            .map(RevokeCustomer::new)
            .collect::<Vec<_>>()
    };
    let run = |customers| {
        client.promotions().revoke_enrolments_with_earns_all(
            ProgramId(2714),
            PromotionRef::id(PromotionId(202779)),
            RevokeIdentifierKind::Id,
            customers,
        )
    };
    let outcomes = run(customers()).concurrency(1).collect_outcomes().await;
    assert_eq!(outcomes.len(), 150);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        let EnrolmentRevokeOutcome::Answered { item, .. } = outcome else {
            panic!("{i}: {outcome:?}")
        };
        match (i, &item.enrolment) {
            (120, EnrolmentStep::Skipped) => assert!(item.earns.is_err()),
            (_, EnrolmentStep::Revoked(_)) => assert!(outcome.succeeded()),
            other => panic!("{i}: {other:?}"),
        }
    }
    let requests = server.received_requests().await.unwrap();
    let steps: Vec<(String, usize)> = requests
        .iter()
        .map(body_json)
        .map(|b| {
            let action = b["bulkAction"].as_str().unwrap_or_default().to_string();
            (action, b["customers"].as_array().map_or(0, Vec::len))
        })
        .collect();
    let step = |action: &str, n| (action.to_string(), n);
    assert_eq!(
        steps,
        [
            step("REVOKE_EARN", 100),
            step("REVOKE_ENROL", 100),
            step("REVOKE_EARN", 50),
            step("REVOKE_ENROL", 49),
        ]
    );

    let summary = run(customers()).summary().await;
    assert_eq!(
        summary,
        RevokeSummary {
            revoked: 149,
            refused: 1,
            not_applied: 0,
            maybe_applied: 0,
        }
    );
}
