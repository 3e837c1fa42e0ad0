use super::*;

/// What a POST's 503 answer with `headers` and `body` says.
fn post_503(headers: &http::HeaderMap, body: &[u8]) -> AnswerSignals {
    AnswerSignals::from_answer(
        &http::Method::POST,
        http::StatusCode::SERVICE_UNAVAILABLE,
        headers,
        body,
    )
}

fn verdict(code: u16, signals: AnswerSignals) -> Verdict {
    Verdict::of_answer(http::StatusCode::from_u16(code).unwrap(), &signals)
}

/// Every status's verdict for a write, for the answers that carry Capillary's marks, and for a
/// read.
#[test]
fn every_status_has_one_verdict_for_writes_and_reads() {
    let capillary = [
        AnswerSignals::write().with_authorization_unavailable(),
        AnswerSignals::write().with_retry_after(),
    ];
    for code in 100..=599u16 {
        let write = match code {
            200..=299 => Verdict::Success,
            401 | 498 => Verdict::CredentialsRejected,
            429 | 461 | 521 => Verdict::RetrySafe,
            303 | 500..=599 => Verdict::MaybeApplied,
            _ => Verdict::Refused,
        };
        assert_eq!(verdict(code, AnswerSignals::write()), write, "HTTP {code}");
        for signals in capillary {
            let expected = if code == 503 {
                Verdict::RetrySafe
            } else {
                write
            };
            assert_eq!(verdict(code, signals), expected, "HTTP {code} {signals:?}");
        }
        let read = match code {
            303 => Verdict::Refused,
            _ if write == Verdict::MaybeApplied => Verdict::RetrySafe,
            _ => write,
        };
        assert_eq!(
            verdict(code, AnswerSignals::read()),
            read,
            "read HTTP {code}"
        );
        assert!(!read.maybe_applied(), "read HTTP {code}");
    }
}

#[test]
fn a_gateways_503_may_have_been_applied_capillarys_is_refused_before_work() {
    let none = http::HeaderMap::new();
    let envoy = post_503(
        &none,
        b"upstream connect error or disconnect/reset before headers. reset reason: connection termination",
    );
    assert_eq!(verdict(503, envoy), Verdict::MaybeApplied);
    let other_code = post_503(
        &none,
        br#"{"errors":[{"code":500,"message":"Internal Server Error"}]}"#,
    );
    assert_eq!(verdict(503, other_code), Verdict::MaybeApplied);
    let busy = post_503(
        &none,
        br#"{"errors":[{"code":"4001","message":"authorization status unavailable"}]}"#,
    );
    assert_eq!(verdict(503, busy), Verdict::RetrySafe);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from_static("3"),
    );
    let later = post_503(&headers, b"");
    assert_eq!(verdict(503, later), Verdict::RetrySafe);
    let read = AnswerSignals::from_answer(
        &http::Method::GET,
        http::StatusCode::SERVICE_UNAVAILABLE,
        &none,
        b"",
    );
    assert!(read.is_read());
    assert_eq!(verdict(503, read), Verdict::RetrySafe);
}

#[test]
fn transport_failures_by_how_far_they_got() {
    use TransportErrorKind::*;
    let table = [
        (Connect, Verdict::RetrySafe, Verdict::RetrySafe),
        (InvalidRequest, Verdict::Refused, Verdict::Refused),
        (Timeout, Verdict::MaybeApplied, Verdict::RetrySafe),
        (AnswerLost, Verdict::MaybeApplied, Verdict::RetrySafe),
        (Other, Verdict::MaybeApplied, Verdict::RetrySafe),
    ];
    for (kind, write, read) in table {
        assert_eq!(Verdict::of_transport(kind), write, "{kind:?}");
        assert_eq!(Verdict::of_transport(kind).for_read(), read, "{kind:?}");
    }
}

#[test]
fn the_token_endpoint_never_makes_a_call_maybe_applied() {
    assert_eq!(Verdict::of_token_endpoint(None), Verdict::RetrySafe);
    for code in 100..=599u16 {
        let s = http::StatusCode::from_u16(code).unwrap();
        let v = Verdict::of_token_endpoint(Some(s));
        assert!(!v.maybe_applied(), "{code}");
        assert_eq!(
            v == Verdict::RetrySafe,
            code >= 500 || code == 429,
            "{code}"
        );
    }
}

#[test]
fn an_unreadable_2xx_may_have_been_applied_and_is_refused_after_a_read() {
    let ok = http::StatusCode::OK;
    let write = AnswerSignals::write();
    assert_eq!(
        Verdict::of_unreadable_answer(ok, &write),
        Verdict::MaybeApplied
    );
    assert_eq!(
        Verdict::of_unreadable_answer(ok, &AnswerSignals::read()),
        Verdict::Refused
    );
    let gateway = http::StatusCode::BAD_GATEWAY;
    assert_eq!(
        Verdict::of_unreadable_answer(gateway, &AnswerSignals::read()),
        Verdict::RetrySafe
    );
    let bad = http::StatusCode::BAD_REQUEST;
    assert_eq!(Verdict::of_unreadable_answer(bad, &write), Verdict::Refused);
}
