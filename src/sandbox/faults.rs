//! Fault injection: answers that go wrong on purpose, for users' own tests.

use bytes::Bytes;

/// What the sandbox does instead of answering normally; see
/// [`Sandbox::fail_next`](super::Sandbox::fail_next).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use capillary_sdk::sandbox::{demo, Fault, Sandbox};
/// use capillary_sdk::{CustomerRef, RetryPolicy, Source};
///
/// let sandbox = Sandbox::demo();
/// let client = sandbox.client()?;
/// // Capillary busy twice, then fine: the client retries a 503 by itself.
/// sandbox.fail_next(2, Fault::Status(503));
/// let outcome = client
///     .promotions()
///     .issue(CustomerRef::mobile(demo::ANA_MOBILE), Source::Instore, demo::PROGRAM_ISSUE, demo::PROMOTION_ENROL)
///     .retry_policy(RetryPolicy::default().jitter(false).initial_backoff(std::time::Duration::ZERO))
///     .send()
///     .await?;
/// assert!(outcome.is_issued());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answers this HTTP status without acting on the request. The body is an error envelope
    /// with code 4001 for 503, 4000 for 403, and the status number otherwise; a 429 carries
    /// `Retry-After: 0`.
    Status(u16),
    /// Answers this status and body verbatim (e.g. an HTML error page), without acting.
    Respond {
        /// The HTTP status.
        status: u16,
        /// The body, sent as is.
        body: Bytes,
    },
    /// Answers normally, but only after this extra delay (on tokio's clock), e.g. to make one
    /// call time out. A client that gives up first cancels the call in process (nothing is
    /// applied); over HTTP the server may still apply it.
    Delay(std::time::Duration),
    /// Reads the request, does not act on it, and closes the connection without an answer.
    /// In process, the client sees [`TransportErrorKind::AnswerLost`](crate::transport::TransportErrorKind::AnswerLost):
    /// it cannot know that nothing was applied.
    Drop,
    /// Acts on the request, then cuts the answer's body off halfway (over HTTP: announces the
    /// full `Content-Length`, sends half and closes). In process, the client sees
    /// [`TransportErrorKind::AnswerLost`](crate::transport::TransportErrorKind::AnswerLost).
    Truncate,
}

#[derive(Debug, Clone)]
pub(crate) struct FaultRule {
    /// `None`: any API call (not the token endpoint); `Some(p)`: paths starting with `p`.
    pub path_prefix: Option<String>,
    pub remaining: u32,
    pub fault: Fault,
}

impl FaultRule {
    fn applies_to(&self, api_path: &str, is_token_call: bool) -> bool {
        match &self.path_prefix {
            None => !is_token_call,
            Some(prefix) => api_path.starts_with(prefix.as_str()),
        }
    }
}

/// Takes the fault for this request, if a rule applies, and uses up one of its requests.
pub(crate) fn take(
    rules: &mut Vec<FaultRule>,
    api_path: &str,
    is_token_call: bool,
) -> Option<Fault> {
    let index = rules
        .iter()
        .position(|r| r.remaining > 0 && r.applies_to(api_path, is_token_call))?;
    let rule = &mut rules[index];
    rule.remaining -= 1;
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        rules.remove(index);
    }
    Some(fault)
}
