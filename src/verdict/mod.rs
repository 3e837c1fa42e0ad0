//! What an attempt's result means: the one classifier every other part reads.
//!
//! The engine's retry decision, [`Error::maybe_applied`](crate::Error::maybe_applied),
//! [`Error::is_retryable`](crate::Error::is_retryable) and the CLI's journal all come from
//! [`Verdict`]. The status of an answer decides first, with what [`AnswerSignals`] says of the
//! request (a read or a write) and of the answer (a 503 marked as Capillary's), whatever else its
//! body says: a 429 shaped like a bulk answer is still a refusal to retry, a 500 carrying
//! per-customer errors still may have been applied. Only a 2xx is read for results.

pub use crate::model::AnswerSignals;
use crate::transport::TransportErrorKind;

/// Statuses with which a request is refused before any work, whoever answers them:
/// - 429 Too Many Requests: Capillary's, or a gateway's rate limiter, which refuses before
///   forwarding (a limiter that forwarded first would have nothing left to limit);
/// - 461 search engine busy: Capillary's own status, which no gateway sends;
/// - 521: Capillary's "another action running for this customer", or Cloudflare's "web server
///   is down" (the origin refused the connection, so nothing reached it).
const REFUSED_BEFORE_WORK: [u16; 3] = [429, 461, 521];

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
    /// The server certainly did not act (or the request was a read, which changes nothing) and
    /// a later attempt may succeed: a connection that was never made, 429/461/521, Capillary's
    /// 503 (code 4001 or a `Retry-After`), credentials that could not be obtained, or a read's
    /// timeout, lost answer or 5xx.
    RetrySafe,
    /// The write may have reached the server and been applied, but no readable answer says so:
    /// a timeout or lost connection after sending, a gateway's 503, any other 5xx, a 303 See
    /// Other, or a 2xx whose body cannot be read. Look before sending it again.
    MaybeApplied,
    /// The server refused the credentials (401, or 498 for an expired token): the action was
    /// not applied; one replay with renewed credentials may succeed.
    CredentialsRejected,
}

impl Verdict {
    /// The verdict for an HTTP answer: its status, read with what `signals` says of the request
    /// and of the answer.
    ///
    /// | status | write (`POST`) | read (`GET`) |
    /// |---|---|---|
    /// | 2xx | success | success |
    /// | 401, 498 | credentials-rejected | credentials-rejected |
    /// | 429, 461, 521 | retry-safe | retry-safe |
    /// | 503 with code 4001 or `Retry-After` | retry-safe | retry-safe |
    /// | 503 otherwise (a gateway's), every other 5xx | maybe-applied | retry-safe |
    /// | 303 See Other (the action was done elsewhere) | maybe-applied | refused |
    /// | 1xx, every other 3xx and 4xx | refused | refused |
    pub fn of_answer(status: http::StatusCode, signals: &AnswerSignals) -> Verdict {
        let code = status.as_u16();
        let verdict = if status.is_success() {
            Verdict::Success
        } else if CREDENTIALS_REFUSED.contains(&code) {
            Verdict::CredentialsRejected
        } else if REFUSED_BEFORE_WORK.contains(&code)
            || (status == http::StatusCode::SERVICE_UNAVAILABLE && signals.capillary_refusal())
        {
            Verdict::RetrySafe
        } else if status.is_server_error() || status == http::StatusCode::SEE_OTHER {
            // A 303 answers a write whose action was done: "see the result there".
            if signals.is_read() && !status.is_server_error() {
                Verdict::Refused
            } else {
                Verdict::MaybeApplied
            }
        } else {
            // 1xx as a final answer, other 3xx (redirects are never followed) and 4xx: the
            // server answered without acting.
            Verdict::Refused
        };
        if signals.is_read() {
            verdict.for_read()
        } else {
            verdict
        }
    }

    /// The verdict of a write's answer from its status alone.
    ///
    /// Without the answer's signals a 503 cannot be told apart from a gateway's, so it is read
    /// as one: maybe-applied.
    #[deprecated(
        since = "0.2.0",
        note = "a 503 needs the answer's headers and body: use `Verdict::of_answer(status, &AnswerSignals::from_answer(..))`"
    )]
    pub fn of_status(status: http::StatusCode) -> Verdict {
        Self::of_answer(status, &AnswerSignals::write())
    }

    /// What this verdict becomes for a read, which changes nothing on the server: what may have
    /// been applied is safe to send again.
    pub fn for_read(self) -> Verdict {
        match self {
            Verdict::MaybeApplied => Verdict::RetrySafe,
            other => other,
        }
    }

    /// The verdict for a write that got no HTTP answer, from how far it got (for a read, see
    /// [`for_read`](Self::for_read)).
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

    /// An answer whose body could not be read: after a 2xx to a write the server acted and its
    /// answer is lost (maybe-applied); after a 2xx to a read nothing was applied and the same
    /// answer would come back (refused); any other status keeps its verdict.
    pub fn of_unreadable_answer(status: http::StatusCode, signals: &AnswerSignals) -> Verdict {
        match Self::of_answer(status, signals) {
            Verdict::Success if signals.is_read() => Verdict::Refused,
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
mod tests;
