//! Property tests for the lookup's decoder, in the style of `decode_props`: generated and
//! mutated answers never panic, come back typed with the answer's status and request id, a
//! page only from a success, and a refusal never says the lookup may have been applied.

use capillary_sdk::{CustomerPromotionsPage, CustomerRef, Error, Source};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

use crate::decode_props::{
    any_json, check_error_meta, check_meta, id_value, list_of, messages, object, run_checked,
    Answer,
};

fn amount() -> BoxedStrategy<Value> {
    prop_oneof![
        2 => "-?[0-9]{1,6}(\\.[0-9]{0,3})?".prop_map(Value::String),
        2 => (-10i64..100_000).prop_map(Value::from),
        1 => any_json(),
    ]
    .boxed()
}

fn text() -> BoxedStrategy<Value> {
    prop_oneof![3 => "[ -~]{0,30}".prop_map(Value::String), 1 => any_json()].boxed()
}

fn lookup_envelope() -> BoxedStrategy<Value> {
    let issued = object(vec![
        ("issualId", id_value().boxed()),
        ("issualDate", text()),
        ("issualEventLogId", id_value().boxed()),
        ("redeemedCount", id_value().boxed()),
    ]);
    let timeline = object(vec![
        ("enrollmentDate", text()),
        ("enrollmentId", id_value().boxed()),
        ("enrollEventLogId", id_value().boxed()),
        ("issuedDetails", list_of(issued, 3)),
    ]);
    let restriction = object(vec![
        ("kpi", text()),
        ("maxLimit", amount()),
        ("currentCustomerUsage", amount()),
        ("limitOn", text()),
        ("type", text()),
    ])
    .boxed();
    let restrictions = object(vec![
        ("issualRestrictions", list_of(restriction.clone(), 2)),
        ("earnRestrictions", list_of(restriction, 2)),
    ]);
    let limits = object(vec![
        ("maxPointsPerEvent", amount()),
        ("numberOFTimesPerCustomer", amount()),
    ]);
    let promotion = object(vec![
        ("promotionId", id_value().boxed()),
        ("promotionName", text()),
        ("programId", id_value().boxed()),
        ("identifier", text()),
        (
            "active",
            prop_oneof![Just(Value::Bool(true)), any_json()].boxed(),
        ),
        ("limits", limits.boxed()),
        ("pointsOfferType", text()),
        ("promotionRestriction", restrictions.boxed()),
        ("customerPromotionTimelines", list_of(timeline, 2)),
    ]);
    let page_details = object(vec![
        ("pageNumber", id_value().boxed()),
        ("totalEntries", id_value().boxed()),
    ]);
    object(vec![
        ("pageDetails", page_details.boxed()),
        ("customerId", id_value().boxed()),
        ("promotions", list_of(promotion, 3)),
        ("errors", messages()),
        ("warnings", messages()),
    ])
    .boxed()
}

const LOOKUP_SEEDS: &[&str] = &[
    r#"{"pageDetails":{"pageNumber":0,"pageSize":10,"totalEntries":6,"pageCount":1},"customerId":345854019,"promotions":[{"promotionId":1119990,"programId":1085,"limits":{"maxPointsPerEvent":"0","numberOFTimesPerCustomer":0},"pointsOfferType":"LOYALTY_EARNING","promotionRestriction":{"issualRestrictions":[{"kpi":"NUMBER_OF_ISSUALS","maxLimit":"10","currentCustomerUsage":"1","limitOn":"CUSTOMER"}]},"customerPromotionTimelines":[{"enrollmentId":1580,"enrollEventLogId":12413589,"issuedDetails":[{"issualId":1583,"issualEventLogId":12413647,"redeemedCount":0}]}]}],"warnings":[]}"#,
    r#"{"errors":[{"status":false,"code":8015,"message":"Customer not found for the given identifiers"}]}"#,
];

fn check(
    result: Result<CustomerPromotionsPage, Error>,
    answer: &Answer,
) -> Result<(), TestCaseError> {
    match result {
        Ok(page) => {
            check_meta(&page.meta, answer)?;
            prop_assert!(
                page.meta.status.is_success(),
                "a page from HTTP {}",
                answer.status
            );
            for promotion in &page.promotions {
                // The helpers answer from what was decoded, whatever it was.
                let _ = (promotion.is_enrolled(), promotion.active_earn_ids());
            }
        }
        Err(error) => {
            check_error_meta(&error, answer)?;
            // A refusal the decoder reads never says "maybe applied".
            if (400..500).contains(&answer.status) {
                prop_assert!(!error.maybe_applied(), "HTTP {}: {}", answer.status, error);
            }
        }
    }
    Ok(())
}

#[test]
fn lookup_answers_never_break_the_client() {
    run_checked(
        lookup_envelope(),
        LOOKUP_SEEDS,
        |client| async move {
            client
                .customers()
                .promotions(CustomerRef::mobile("000003873354"), Source::Instore)
                .send()
                .await
        },
        check,
    );
}
