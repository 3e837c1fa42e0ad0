//! What an attempt's result means: the one classifier every other part reads.
//!
//! The engine's retry decision, [`Error::maybe_applied`](crate::Error::maybe_applied),
//! [`Error::is_retryable`](crate::Error::is_retryable) and the CLI's journal all come from
//! [`Verdict`]. The status of an answer decides first, whatever its body says: a 429 shaped like
//! a bulk answer is still a refusal to retry, a 500 carrying per-customer errors still may have
//! been applied. Only a 2xx is read for results.

use crate::transport::TransportErrorKind;

/// Statuses with which Capillary refuses a request before doing any work: 429 Too Many
/// Requests, 461 search engine busy, 503 authorization status unavailable (code 4001), 521
/// another action running for this customer.
const REFUSED_BEFORE_WORK: [u16; 4] = [429, 461, 503, 521];

/// Statuses that say the credentials were refused, not the action: 401, and 498 (token expired).
const CREDENTIALS_REFUSED: [u16; 2] = [401, 498];

/// What the result of one attempt means for the action it carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// A 2xx: the server acted; its body holds the results.
    Success,
    /// The server refused the request and did not act; sending it again cannot change that
    /// (4xx refusals, documented error codes, a request that cannot be built, credentials the
    /// token endpoint refused).
    Refused,
    /// The server certainly did not act and a later attempt may succeed: a connection that was
    /// never made, 429/461/503/521, or credentials that could not be obtained.
    RetrySafe,
    /// The request may have reached the server and been applied, but no readable answer says
    /// so: a timeout or lost connection after sending, any other 5xx, or a 2xx whose body cannot
    /// be read. Look before sending it again.
    MaybeApplied,
    /// The server refused the credentials (401, or 498 for an expired token): the action was
    /// not applied; one replay with renewed credentials may succeed.
    CredentialsRejected,
}

impl Verdict {
    /// The verdict for an HTTP answer, from its status alone.
    pub fn of_status(status: http::StatusCode) -> Verdict {
        let code = status.as_u16();
        if status.is_success() {
            Verdict::Success
        } else if CREDENTIALS_REFUSED.contains(&code) {
            Verdict::CredentialsRejected
        } else if REFUSED_BEFORE_WORK.contains(&code) {
            Verdict::RetrySafe
        } else if status.is_server_error() {
            Verdict::MaybeApplied
        } else {
            // 1xx as a final answer, 3xx (redirects are never followed) and 4xx: the server
            // answered without acting.
            Verdict::Refused
        }
    }

    /// The verdict for a request that got no HTTP answer, from how far it got.
    pub fn of_transport(kind: TransportErrorKind) -> Verdict {
        match kind {
            TransportErrorKind::Connect => Verdict::RetrySafe,
            TransportErrorKind::InvalidRequest => Verdict::Refused,
            TransportErrorKind::Timeout
            | TransportErrorKind::AnswerLost
            | TransportErrorKind::Other => Verdict::MaybeApplied,
        }
    }

    /// The verdict for credentials that could not be obtained. Nothing of the call was sent,
    /// so it is never "maybe applied": a token endpoint that could not be reached, failed
    /// (5xx) or asked to slow down (429) is worth another attempt; one that answered something
    /// that is not a token (`token_status` a 2xx or another 4xx) is not.
    pub fn of_token_endpoint(token_status: Option<http::StatusCode>) -> Verdict {
        match token_status {
            None => Verdict::RetrySafe,
            Some(s) if s.is_server_error() || s.as_u16() == 429 => Verdict::RetrySafe,
            Some(_) => Verdict::Refused,
        }
    }

    /// A 2xx answer whose body could not be read: the server acted and its answer is lost.
    pub fn of_unreadable_answer(status: http::StatusCode) -> Verdict {
        match Self::of_status(status) {
            Verdict::Success => Verdict::MaybeApplied,
            other => other,
        }
    }

    /// Whether the action may have been applied.
    pub fn maybe_applied(self) -> bool {
        self == Verdict::MaybeApplied
    }

    /// Whether the client sends the call again under the default [`RetryPolicy`]
    /// (`MaybeApplied` only with
    /// [`replay_maybe_applied`](crate::retry::RetryPolicy::replay_maybe_applied);
    /// `CredentialsRejected` once, with renewed credentials).
    ///
    /// [`RetryPolicy`]: crate::retry::RetryPolicy
    pub fn retried_by_default(self) -> bool {
        matches!(self, Verdict::RetrySafe)
    }

    /// The verdict's name as the README and logs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::Refused => "refused",
            Verdict::RetrySafe => "retry-safe",
            Verdict::MaybeApplied => "maybe-applied",
            Verdict::CredentialsRejected => "credentials-rejected",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Verdict {
        Verdict::of_status(http::StatusCode::from_u16(code).unwrap())
    }

    #[test]
    fn every_status_has_one_verdict() {
        for code in 100..=599u16 {
            let expected = match code {
                200..=299 => Verdict::Success,
                401 | 498 => Verdict::CredentialsRejected,
                429 | 461 | 503 | 521 => Verdict::RetrySafe,
                500..=599 => Verdict::MaybeApplied,
                _ => Verdict::Refused,
            };
            assert_eq!(status(code), expected, "HTTP {code}");
        }
    }

    #[test]
    fn transport_failures_by_how_far_they_got() {
        use TransportErrorKind::*;
        let table = [
            (Connect, Verdict::RetrySafe),
            (InvalidRequest, Verdict::Refused),
            (Timeout, Verdict::MaybeApplied),
            (AnswerLost, Verdict::MaybeApplied),
            (Other, Verdict::MaybeApplied),
        ];
        for (kind, verdict) in table {
            assert_eq!(Verdict::of_transport(kind), verdict, "{kind:?}");
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
    fn an_unreadable_2xx_may_have_been_applied() {
        let ok = http::StatusCode::OK;
        assert_eq!(Verdict::of_unreadable_answer(ok), Verdict::MaybeApplied);
        let bad = http::StatusCode::BAD_REQUEST;
        assert_eq!(Verdict::of_unreadable_answer(bad), Verdict::Refused);
    }
}
