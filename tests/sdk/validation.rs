//! Bad input is refused with `Error::InvalidRequest` naming the field, and nothing is sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use capillary_sdk::auth::Basic;
use capillary_sdk::transport::{from_fn, TransportError};
use capillary_sdk::{
    Client, CustomerId, CustomerRef, DataScope, EarnId, Error, ProgramId, PromotionId,
    PromotionRef, RevokeAction, RevokeCustomer, RevokeIdentifierKind, Source, TargetGroupId,
    TargetId,
};

fn counting_client() -> (Client, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let transport = from_fn(move |_request: http::Request<Bytes>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Err::<http::Response<Bytes>, _>(TransportError::new(
                capillary_sdk::transport::TransportErrorKind::Other,
                "must not be called",
            ))
        }
    });
    let client = Client::builder()
        .base_url("https://eu.api.capillarytech.com")
        .auth(Basic::new("till", "pw"))
        .transport(transport)
        .build()
        .unwrap();
    (client, sent)
}

fn field_of(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
    match result {
        Err(Error::InvalidRequest { field, .. }) => field,
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn issue_refuses_bad_input_before_sending() {
    let (client, sent) = counting_client();
    let issue = |customer: CustomerRef, source: Source| {
        client
            .promotions()
            .issue(customer, source, ProgramId(469), PromotionId(65777))
    };
    assert_eq!(
        field_of(issue(CustomerRef::mobile(""), Source::Instore).send().await),
        "identifierValue"
    );
    assert_eq!(
        field_of(
            issue(CustomerRef::email("  "), Source::Instore)
                .send()
                .await
        ),
        "identifierValue"
    );
    assert_eq!(
        field_of(issue(CustomerRef::mobile("1"), Source::All).send().await),
        "source"
    );
    assert_eq!(
        field_of(
            issue(CustomerRef::mobile("1"), Source::Other(String::new()))
                .send()
                .await
        ),
        "source"
    );
    assert_eq!(
        field_of(
            issue(CustomerRef::mobile("1"), Source::Instore)
                .account_id("")
                .send()
                .await
        ),
        "accountId"
    );
    assert_eq!(sent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn revoke_refuses_bad_input_before_sending() {
    let (client, sent) = counting_client();
    let revoke = |action, promotion| {
        client
            .promotions()
            .revoke(action, ProgramId(2714), promotion, RevokeIdentifierKind::Id)
    };
    let id = PromotionRef::id(PromotionId(202779));

    assert_eq!(
        field_of(revoke(RevokeAction::Earn, id.clone()).send().await),
        "customers"
    );
    let too_many = (0..101).map(|i| RevokeCustomer::new(i.to_string()));
    let error = revoke(RevokeAction::Earn, id.clone())
        .customers(too_many)
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("101 customers"), "{error}");
    let hundred = (0..100).map(|i| RevokeCustomer::new(i.to_string()));
    assert!(revoke(RevokeAction::Earn, id.clone())
        .customers(hundred)
        .validate()
        .is_ok());

    assert_eq!(
        field_of(
            revoke(RevokeAction::Earn, PromotionRef::identifier(" "))
                .customer(RevokeCustomer::new("1"))
                .send()
                .await
        ),
        "promotionDetails.promoIdentifier"
    );
    for bad in [
        RevokeCustomer::new(""),
        RevokeCustomer::new("1").earn_ids([]),
        RevokeCustomer::new("1").source(Source::Other(" ".into())),
    ] {
        let result = revoke(RevokeAction::Earn, id.clone())
            .customer(bad)
            .send()
            .await;
        assert_eq!(field_of(result), "customers");
    }
    let enrol_with_earns = revoke(RevokeAction::Enrol, id.clone())
        .customer(RevokeCustomer::new("1").earn_ids([EarnId(1)]))
        .send()
        .await;
    assert_eq!(field_of(enrol_with_earns), "customers");
    let error = revoke(RevokeAction::Earn, id.clone())
        .customers([
            RevokeCustomer::new("1"),
            RevokeCustomer::new("ana@example.com"),
        ])
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("customer 1"),
        "names the position: {error}"
    );
    assert_eq!(sent.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn enroll_refuses_bad_input_before_sending() {
    let (client, sent) = counting_client();
    let enroll = || {
        client
            .targets()
            .enroll_streak(TargetGroupId(7), TargetId(12), CustomerId(345651201))
    };
    assert_eq!(
        field_of(enroll().data_scope(DataScope::Other, []).send().await),
        "DATA-SCOPE-ORG"
    );
    let milestone = |period: &str| {
        client.targets().enroll_milestone(
            TargetGroupId(7),
            TargetId(12),
            CustomerId(345651201),
            period,
        )
    };
    assert_eq!(field_of(milestone(" ").send().await), "periodName");
    assert_eq!(
        field_of(milestone("P").initial_balance(-1).send().await),
        "initialBalance"
    );
    // DATA-SCOPE ALL, which every target call refuses (310141), cannot be written: `DataScope`
    // has no such value, and parsing one says where ALL is taken.
    let all = "ALL".parse::<DataScope>().unwrap_err();
    assert!(all.expected().contains("LookupScope::All"), "{all}");
    // A milestone without a period, a streak with a balance or a period: these no longer
    // compile (separate constructors), so there is nothing to refuse at run time.
    let unenroll = client
        .targets()
        .unenroll(TargetGroupId(7), TargetId(12), CustomerId(1));
    assert_eq!(
        field_of(unenroll.data_scope(DataScope::Other, []).send().await),
        "DATA-SCOPE-ORG"
    );
    assert_eq!(sent.load(Ordering::SeqCst), 0);
}

#[test]
fn the_builder_refuses_bad_configuration() {
    let config_error = |b: capillary_sdk::ClientBuilder| match b.build() {
        Err(Error::Config { reason }) => reason,
        other => panic!("expected Config, got {other:?}"),
    };
    assert!(config_error(Client::builder().auth(Basic::new("u", "p"))).contains("no server"));
    assert!(
        config_error(Client::builder().base_url("https://x.example")).contains("no credentials")
    );
    assert!(config_error(
        Client::builder()
            .base_url("http://eu.api.capillarytech.com")
            .auth(Basic::new("u", "p"))
    )
    .contains("plain http"));
    assert!(config_error(
        Client::builder()
            .base_url("https://x.example")
            .auth(Basic::new("u", "p"))
            .request_timeout(std::time::Duration::ZERO)
    )
    .contains("timeout"));
}
