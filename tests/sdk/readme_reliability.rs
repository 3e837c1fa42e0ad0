//! The README's Reliability table is checked against the classifier, row by row: a row that
//! names a status or a transport failure must carry the verdict `Verdict` gives it.

use capillary_sdk::transport::TransportErrorKind;
use capillary_sdk::Verdict;

fn verdict_named(name: &str) -> Verdict {
    match name.trim().trim_matches('`') {
        "retry-safe" => Verdict::RetrySafe,
        "maybe-applied" => Verdict::MaybeApplied,
        "refused" => Verdict::Refused,
        "credentials-rejected" => Verdict::CredentialsRejected,
        "success" => Verdict::Success,
        other => panic!("unknown verdict {other:?} in the README"),
    }
}

fn statuses(text: &str) -> Vec<u16> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 3)
        .filter_map(|w| w.parse().ok())
        .filter(|s| (100..=599).contains(s))
        .collect()
}

#[test]
fn every_row_of_the_reliability_table_matches_the_classifier() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Reliability")
        .nth(1)
        .expect("a Reliability section");
    let rows: Vec<Vec<&str>> = section
        .lines()
        .skip_while(|l| !l.starts_with("| What happened | Verdict |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split(" | ").collect())
        .collect();
    assert!(rows.len() >= 10, "{rows:?}");
    let mut checked = 0;
    for row in &rows {
        let (what, verdict, retried, maybe) = (row[0], verdict_named(row[1]), row[2], row[5]);
        assert_eq!(
            maybe.trim().trim_matches('`'),
            verdict.maybe_applied().to_string(),
            "{what}"
        );
        let retried_yes = retried.starts_with("yes");
        assert_eq!(retried_yes, verdict.retried_by_default(), "{what}");
        if what.starts_with("Token endpoint") {
            for status in statuses(what).into_iter().chain([500, 502, 503]) {
                let s = http::StatusCode::from_u16(status).unwrap();
                assert_eq!(Verdict::of_token_endpoint(Some(s)), verdict, "{what}");
            }
            assert_eq!(Verdict::of_token_endpoint(None), verdict, "{what}");
            checked += 1;
            continue;
        }
        if what.contains("2xx") {
            for status in [200, 201, 207] {
                let s = http::StatusCode::from_u16(status).unwrap();
                assert_eq!(Verdict::of_unreadable_answer(s), verdict, "{what}");
            }
            checked += 1;
        }
        for (name, kind) in [
            ("`Connect`", TransportErrorKind::Connect),
            ("`Timeout`", TransportErrorKind::Timeout),
            ("`AnswerLost`", TransportErrorKind::AnswerLost),
            ("`InvalidRequest`", TransportErrorKind::InvalidRequest),
        ] {
            if what.contains(name) {
                assert_eq!(Verdict::of_transport(kind), verdict, "{what}");
                checked += 1;
            }
        }
        for status in statuses(what) {
            let s = http::StatusCode::from_u16(status).unwrap();
            assert_eq!(Verdict::of_status(s), verdict, "HTTP {status} in {what}");
            checked += 1;
        }
        if what.contains("every other 5xx") {
            for status in 500..=599u16 {
                if ![503, 521].contains(&status) {
                    let s = http::StatusCode::from_u16(status).unwrap();
                    assert_eq!(Verdict::of_status(s), verdict, "HTTP {status}");
                }
            }
        }
    }
    assert!(checked >= 15, "{checked}");
}
