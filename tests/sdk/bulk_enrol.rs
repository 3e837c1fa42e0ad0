//! `enrol_all`: bulk enrol & earn at any size on the bulk driver, with everything
//! `revoke_all` has (chunks of 100 in input order, the hooks, the summary, the settle wait).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::bulk_common::{ids, Enroller};
use crate::bulk_wire::server_with;
use crate::common::basic_client;
use capillary_sdk::{
    EnrolAction, EnrolCustomer, EnrolOutcome, EnrolSummary, Enrolled, ErrorCode, IssualId,
    ProgramId, PromotionId, PromotionRef, RevokeIdentifierKind,
};

#[tokio::test]
async fn enrol_all_chunks_keeps_order_and_reports_each_case() {
    let values = ids(250);
    let enroller = Enroller {
        already: HashSet::from([values[7].clone()]),
        missing: HashSet::from([values[120].clone()]),
        ..Enroller::default()
    };
    let server = server_with("/v2/promotion/bulk/enrolAndEarn", enroller.clone()).await;
    let client = basic_client(&server);
    let sending: Arc<Mutex<Vec<usize>>> = Arc::default();
    let settled: Arc<Mutex<usize>> = Arc::default();
    let run = {
        let (sending, settled) = (Arc::clone(&sending), Arc::clone(&settled));
        client
            .promotions()
            .enrol_all(
                EnrolAction::Enrol,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202188)),
                RevokeIdentifierKind::Id,
                values
                    .iter()
                    .cloned()
                    .map(EnrolCustomer::new)
                    .collect::<Vec<_>>(),
            )
            .concurrency(2)
            .on_sending(move |batch: &[(usize, EnrolCustomer)]| {
                sending.lock().unwrap().push(batch.len());
                Ok::<(), String>(())
            })
            .on_settled(move |outcomes: &[EnrolOutcome]| {
                *settled.lock().unwrap() += outcomes.len();
            })
    };
    let handle = run.settled_handle();
    let outcomes = run.collect_outcomes().await;
    handle.wait().await;
    assert_eq!(outcomes.len(), 250);
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        assert_eq!(outcome.customer().identifier_value, values[i]);
        let EnrolOutcome::Answered { item, meta, .. } = outcome else {
            panic!("{i}: {outcome:?}")
        };
        assert_eq!(meta.request_id.as_deref(), Some("req-enrol"));
        match (i, &item.result) {
            (7, Ok(Enrolled::AlreadyEnrolled(_))) => assert!(outcome.succeeded()),
            (120, Err(errors)) => assert_eq!(errors[0].code, ErrorCode::CustomerNotFound),
            (_, Ok(Enrolled::Created(e))) => {
                let id = values[i].parse::<u64>().unwrap();
                assert_eq!(e.issual_id, Some(IssualId(id + 1)));
            }
            other => panic!("{i}: {other:?}"),
        }
    }
    let mut sizes = sending.lock().unwrap().clone();
    sizes.sort_unstable();
    assert_eq!(sizes, [50, 100, 100], "on_sending once per request");
    assert_eq!(*settled.lock().unwrap(), 250);
    let requests = enroller.requests.lock().unwrap().clone();
    let mut sent: Vec<String> = requests.into_iter().flatten().collect();
    sent.sort();
    assert_eq!(sent, values, "each customer sent once");
}

#[tokio::test]
async fn enrol_all_summary_counts_every_case() {
    let values = ids(120);
    let enroller = Enroller {
        already: HashSet::from([values[1].clone()]),
        missing: HashSet::from([values[2].clone(), values[3].clone()]),
        ..Enroller::default()
    };
    let server = server_with("/v2/promotion/bulk/enrolAndEarn", enroller).await;
    let mut customers: Vec<EnrolCustomer> = values.into_iter().map(EnrolCustomer::new).collect();
    customers.push(EnrolCustomer::new("not-an-id"));
    let summary = basic_client(&server)
        .promotions()
        .enrol_all(
            EnrolAction::Earn,
            ProgramId(2714),
            PromotionRef::id(PromotionId(202188)),
            RevokeIdentifierKind::Id,
            customers,
        )
        .summary()
        .await;
    assert_eq!(
        summary,
        EnrolSummary {
            created: 117,
            already_enrolled: 0,
            not_earned: 1,
            refused: 2,
            not_applied: 1,
            maybe_applied: 0,
        }
    );
    assert_eq!(summary.total(), 121);
}
