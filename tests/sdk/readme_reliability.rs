//! The README's Reliability table is checked against the classifier, row by row: a row that
//! names a status or a transport failure must carry the verdict `Verdict` gives it, for the
//! answers the row describes (a read's, Capillary's 503, a gateway's).

use capillary_sdk::transport::TransportErrorKind;
use capillary_sdk::{AnswerSignals, Verdict};

/// The answers a row describes: a read's (it says GET), Capillary's own (code 4001 or a
/// `Retry-After`), or else a write's with nothing more known.
fn signals_of(what: &str) -> Vec<AnswerSignals> {
    let base = if what.contains("(GET)") {
        AnswerSignals::read()
    } else {
        AnswerSignals::write()
    };
    if what.contains("Capillary's 503") {
        vec![
            base.with_authorization_unavailable(),
            base.with_retry_after(),
        ]
    } else {
        vec![base]
    }
}

fn status(code: u16) -> http::StatusCode {
    http::StatusCode::from_u16(code).unwrap()
}

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
        let signals = signals_of(what);
        let read = signals[0].is_read();
        if what.contains("2xx") {
            for code in [200, 201, 207] {
                for s in &signals {
                    assert_eq!(
                        Verdict::of_unreadable_answer(status(code), s),
                        verdict,
                        "{what}"
                    );
                }
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
                let of_kind = Verdict::of_transport(kind);
                let of_kind = if read { of_kind.for_read() } else { of_kind };
                assert_eq!(of_kind, verdict, "{what}");
                checked += 1;
            }
        }
        for code in statuses(what) {
            for s in &signals {
                let got = Verdict::of_answer(status(code), s);
                assert_eq!(got, verdict, "HTTP {code} {s:?} in {what}");
            }
            checked += 1;
        }
        if what.contains("every other 5xx") {
            for code in 500..=599u16 {
                if ![503, 521].contains(&code) {
                    let got = Verdict::of_answer(status(code), &AnswerSignals::write());
                    assert_eq!(got, verdict, "HTTP {code}");
                }
            }
        }
    }
    assert!(checked >= 22, "{checked}");
    for needed in [
        "Capillary's 503",
        "A gateway's 503",
        "303 See Other",
        "A read (GET)",
    ] {
        assert!(
            rows.iter().any(|r| r[0].contains(needed)),
            "no row for {needed}"
        );
    }
}
