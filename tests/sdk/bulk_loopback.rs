//! `revoke_all` over real loopback HTTP with a slow consumer: every request the server
//! answered is reported answered, however long the consumer spends on each outcome.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use capillary_sdk::auth::Basic;
use capillary_sdk::{
    Client, ProgramId, PromotionId, PromotionRef, RevokeAction, RevokeCustomer,
    RevokeIdentifierKind,
};
use futures_util::StreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::bulk_common::{ids, Revoker};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_consumer_gets_every_answer_over_http() {
    let values = ids(400);
    // Every other request answers a little later, while the consumer is busy.
    let slow: HashMap<String, Duration> = [100, 300]
        .into_iter()
        .map(|i| (values[i].clone(), Duration::from_millis(120)))
        .collect();
    let revoker = Revoker {
        delay: Duration::from_millis(40),
        slow_once: Arc::new(Mutex::new(slow)),
        ..Revoker::default()
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/promotion/bulk/revokeEnrolAndEarn"))
        .respond_with(revoker.clone())
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .auth(Basic::new("store.server", "server123"))
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();

    let run = async {
        let mut stream = client
            .promotions()
            .revoke_all(
                RevokeAction::Earn,
                ProgramId(2714),
                PromotionRef::id(PromotionId(202779)),
                RevokeIdentifierKind::Id,
                values.clone().into_iter().map(RevokeCustomer::new),
            )
            .concurrency(2)
            .stream();
        let mut outcomes = Vec::new();
        while let Some(outcome) = stream.next().await {
            // 100 outcomes take 0.5 s to handle, longer than the attempt timeout.
            tokio::time::sleep(Duration::from_millis(5)).await;
            outcomes.push(outcome);
        }
        outcomes
    };
    let outcomes = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the run ends");

    assert_eq!(outcomes.len(), 400);
    let unknown: Vec<usize> = outcomes
        .iter()
        .filter(|o| !o.is_known())
        .map(|o| o.position())
        .collect();
    assert!(
        unknown.is_empty(),
        "{} answered customers reported unknown, from {:?}",
        unknown.len(),
        unknown.first()
    );
    for (i, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.position(), i);
        assert!(outcome.is_revoked(), "{i}: {outcome:?}");
    }
    let counts = revoker.counts();
    assert_eq!(counts.len(), 400);
    assert!(counts.values().all(|&n| n == 1), "each customer sent once");
}
