//! The one [`Error`] type of the SDK.

use crate::model::{ApiMessage, ApiMessages, ErrorCode, ResponseMeta};
use crate::transport::{TransportError, TransportErrorKind};
use crate::verdict::Verdict;

/// Everything that can go wrong with a call.
///
/// Match on the variant to decide what to do; [`Error::maybe_applied`] tells whether the
/// server may have acted on the request (reconcile before sending it again), and
/// [`Error::request_id`] gives the `X-Cap-Requestid` to quote to Capillary support.
///
/// | variant | meaning | what to do |
/// |---|---|---|
/// | [`InvalidRequest`](Self::InvalidRequest) | refused before sending | fix the input |
/// | [`Config`](Self::Config) | the client could not be built, or no tokio runtime | fix the configuration |
/// | [`Auth`](Self::Auth) | credentials refused (e.g. 320001), or a token refused again after one renewal | check the credentials |
/// | [`TokenEndpoint`](Self::TokenEndpoint) | no OAuth token could be obtained; nothing of the call was sent | retry later |
/// | [`Api`](Self::Api) | the server refused with typed [`ErrorCode`]s | act on the code ([`has_code`](Self::has_code)) |
/// | [`Transport`](Self::Transport) | no answer: `Connect` (nothing sent), `Timeout` or `AnswerLost` (may have been applied) | reconcile before resending when [`maybe_applied`](Self::maybe_applied) |
/// | [`UnexpectedResponse`](Self::UnexpectedResponse) | an answer that is not the documented envelope | quote [`request_id`](Self::request_id) to support |
///
/// Every error is `Clone`, and [`verdict`](Self::verdict) says what it means for the action:
/// [`is_retryable`](Self::is_retryable) (the server did not act; a later call may succeed,
/// after [`retry_after`](Self::retry_after) if the server said so) and
/// [`maybe_applied`](Self::maybe_applied) (look before sending again).
///
/// ```
/// use capillary_sdk::{Error, ErrorCode};
///
/// /// What a handler answers its own caller.
/// fn status_for(error: &Error) -> u16 {
///     match error {
///         Error::InvalidRequest { .. } => 422,
///         Error::Api { .. } if error.has_code(ErrorCode::CustomerNotFound) => 404,
///         _ if error.maybe_applied() => 502, // the outcome is unknown: say so
///         _ if error.is_retryable() => 503,
///         _ => 500,
///     }
/// }
/// # let _ = status_for;
/// ```
///
/// `examples/error_mapping.rs` maps every variant in one `match`, with a JSON body.
///
/// # Matching so that new variants are noticed
///
/// `Error` is `#[non_exhaustive]`: a minor release may add a variant (0.2 added
/// [`TokenEndpoint`](Self::TokenEndpoint)), and a `match` outside this crate must have a
/// wildcard arm, which a new variant falls into without a compiler error. So that such a
/// variant is still handled by what it means, decide the wildcard arm by
/// [`verdict`](Self::verdict) (or [`maybe_applied`](Self::maybe_applied) and
/// [`is_retryable`](Self::is_retryable)), which every variant, present and future, answers;
/// never by a fixed "internal error". Every new variant is listed in the CHANGELOG's upgrade
/// section.
///
/// ```
/// use capillary_sdk::{Error, Verdict};
///
/// fn retry_later(error: &Error) -> bool {
///     match error {
///         Error::InvalidRequest { .. } | Error::Config { .. } => false,
///         Error::Api { .. } => error.is_retryable(),
///         // Any other variant, including one a later release adds: what it means.
///         other => matches!(other.verdict(), Verdict::RetrySafe),
///     }
/// }
/// # let _ = retry_later;
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent.
    #[error("invalid request: {field}: {reason}")]
    InvalidRequest {
        /// The field (wire name) that is wrong.
        field: &'static str,
        /// The SDK call that set it, e.g. `IssueRequest::account_id`, so that a service can
        /// name its own field; the same as `field` for values the SDK did not set.
        method: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The client could not be built from its configuration.
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },

    /// Credentials were refused: bad OAuth key/secret, bad Basic credentials, or a token the
    /// server rejected again after one refresh.
    #[error("authentication failed ({}): {reason}", display_meta(.meta))]
    Auth {
        /// Status and request id of the answer, when there was one.
        meta: Option<ResponseMeta>,
        /// The errors the server listed (e.g. 320001).
        errors: Vec<ApiMessage>,
        /// What failed, in words.
        reason: String,
    },

    /// The OAuth token endpoint gave no token: it could not be reached, timed out, failed, or
    /// answered something that is not a token. Nothing of the call itself was sent, so it is
    /// safe to send again. `status` is the token endpoint's, not the API's; the message says
    /// what was wrong in words and never quotes the token endpoint's body.
    #[error("could not obtain an OAuth token (token endpoint: {}): {reason}", token_status_text(.status))]
    TokenEndpoint {
        /// The token endpoint's HTTP status, when it answered.
        status: Option<http::StatusCode>,
        /// The token endpoint's `X-Cap-Requestid`, when it answered.
        request_id: Option<String>,
        /// What was wrong, in words.
        reason: String,
        /// The transport failure, when it did not answer.
        #[source]
        source: Option<TransportError>,
    },

    /// The request did not get an HTTP answer.
    #[error("{}", transport_message(*.kind, *.maybe_applied, .source))]
    Transport {
        /// Connect failure, timeout, or an answer lost after sending.
        kind: TransportErrorKind,
        /// `true` when the request may have reached the server, so the action may have been
        /// applied: look before you send it again. Never for a read (a `GET` changes nothing)
        /// nor a connection that was never made.
        maybe_applied: bool,
        /// The underlying failure.
        #[source]
        source: TransportError,
    },

    /// The server answered with errors in its documented envelope.
    #[error("Capillary refused the request ({}): {}", .meta, join_messages(.errors))]
    Api {
        /// Status and request id.
        meta: ResponseMeta,
        /// The errors, typed.
        errors: Vec<ApiMessage>,
        /// Any warnings that came with them.
        warnings: Vec<ApiMessage>,
    },

    /// The server answered something that is not the documented envelope (an HTML error
    /// page, an empty or truncated body, a count of results that does not match).
    #[error("unexpected response ({}, content type {}): {reason}; body starts {snippet:?}", .meta, .content_type.as_deref().unwrap_or("none"))]
    UnexpectedResponse {
        /// Status and request id.
        meta: ResponseMeta,
        /// The `Content-Type` of the answer.
        content_type: Option<String>,
        /// The first 200 bytes of the body (lossy UTF-8); a placeholder instead when the body
        /// mentions a credential (authorization, token, secret, password), which an error page
        /// echoing the request could hold.
        snippet: String,
        /// Why it could not be read.
        reason: String,
        /// `true` when the server may have acted on the request anyway.
        maybe_applied: bool,
    },
}

fn display_meta(meta: &Option<ResponseMeta>) -> String {
    meta.as_ref()
        .map_or_else(|| "no answer".to_string(), ToString::to_string)
}

fn token_status_text(status: &Option<http::StatusCode>) -> String {
    status.map_or_else(
        || "no answer".to_string(),
        |s| format!("HTTP {}", s.as_u16()),
    )
}

fn transport_message(
    kind: TransportErrorKind,
    maybe_applied: bool,
    source: &TransportError,
) -> String {
    // The client's own refusal to send says why in its own words: no connection was tried.
    if let Some(reason) = held_back(source) {
        return format!("{reason}: nothing was sent, nothing was applied");
    }
    let what = match kind {
        TransportErrorKind::Connect => "could not connect",
        TransportErrorKind::Timeout => "timed out waiting for the answer",
        TransportErrorKind::AnswerLost => "the request was sent but its answer was lost",
        TransportErrorKind::InvalidRequest => "the request could not be built",
        TransportErrorKind::Other => "transport failure",
    };
    if maybe_applied {
        format!("{what}: the action may have been applied")
    } else {
        format!("{what}: nothing was applied")
    }
}

/// The source of a [`TransportError`] of kind `Connect` the client made itself for a request it
/// held back (its rate limit gave no permit), so that the error's own message gives the reason
/// (the transport error's message) rather than "could not connect".
#[derive(Debug)]
pub(crate) struct HeldBack;

impl std::fmt::Display for HeldBack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("held back by the client before it was sent")
    }
}

impl std::error::Error for HeldBack {}

/// Why the client held the request back, when it did (see [`HeldBack`]).
pub(crate) fn held_back(error: &TransportError) -> Option<String> {
    use std::error::Error as _;
    error
        .source()
        .is_some_and(|s| s.is::<HeldBack>())
        .then(|| error.to_string())
}

fn join_messages(errors: &[ApiMessage]) -> String {
    if errors.is_empty() {
        return "no error details".to_string();
    }
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            field,
            method: builder_method(field),
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }

    /// What this error means for the action the call carried; every other question about an
    /// error ([`maybe_applied`](Self::maybe_applied), [`is_retryable`](Self::is_retryable),
    /// the client's retry decision) is answered from it.
    pub fn verdict(&self) -> Verdict {
        match self {
            Self::InvalidRequest { .. } | Self::Config { .. } => Verdict::Refused,
            Self::Auth { meta, .. } => {
                match meta
                    .as_ref()
                    .map(|m| Verdict::of_answer(m.status, &m.signals))
                {
                    Some(Verdict::CredentialsRejected) => Verdict::CredentialsRejected,
                    _ => Verdict::Refused,
                }
            }
            Self::TokenEndpoint { status, .. } => Verdict::of_token_endpoint(*status),
            // `maybe_applied` is set when the error is made: `false` for a read, which changes
            // nothing however far it got.
            Self::Transport {
                maybe_applied: true,
                ..
            } => Verdict::MaybeApplied,
            Self::Transport { kind, .. } => Verdict::of_transport(*kind).for_read(),
            // Errors listed in a 2xx envelope are a refusal the server made without acting.
            Self::Api { meta, .. } => match Verdict::of_answer(meta.status, &meta.signals) {
                Verdict::Success => Verdict::Refused,
                other => other,
            },
            // Set from the answer when the error is made, or by a decoder that found an answer
            // contradicting itself.
            Self::UnexpectedResponse {
                maybe_applied: true,
                ..
            } => Verdict::MaybeApplied,
            Self::UnexpectedResponse { meta, .. } => {
                Verdict::of_unreadable_answer(meta.status, &meta.signals)
            }
        }
    }

    /// The status and request id of the API answer this error came from, if there was one.
    /// The token endpoint's status is not the API's: see [`Error::TokenEndpoint`].
    pub fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Self::Auth { meta, .. } => meta.as_ref(),
            Self::Api { meta, .. } | Self::UnexpectedResponse { meta, .. } => Some(meta),
            _ => None,
        }
    }

    /// The `X-Cap-Requestid` of the answer, if there was one (the token endpoint's, for
    /// [`Error::TokenEndpoint`]).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::TokenEndpoint { request_id, .. } => request_id.as_deref(),
            _ => self.meta().and_then(|m| m.request_id.as_deref()),
        }
    }

    /// The HTTP status of the answer, if there was one.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.meta().map(|m| m.status)
    }

    /// The errors the server listed, empty unless it listed some. HTTP statuses are in
    /// [`status`](Self::status), never here.
    pub fn errors(&self) -> &[ApiMessage] {
        match self {
            Self::Api { errors, .. } | Self::Auth { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The typed API error codes, empty unless the server listed some (the same question
    /// [`ApiMessages::codes`] answers for one bulk customer's errors).
    pub fn codes(&self) -> Vec<ErrorCode> {
        self.errors().codes()
    }

    /// Whether the server listed `code`.
    ///
    /// ```
    /// # fn handle(error: capillary_sdk::Error) {
    /// use capillary_sdk::ErrorCode;
    /// if error.has_code(ErrorCode::CustomerNotFound) {
    ///     // 404 to our own caller
    /// }
    /// # }
    /// ```
    pub fn has_code(&self, code: ErrorCode) -> bool {
        self.errors().has_code(code)
    }

    /// Whether the server listed any of `codes`, e.g. every code that means "fix the
    /// promotion's configuration".
    ///
    /// ```
    /// # fn handle(error: capillary_sdk::Error) {
    /// use capillary_sdk::ErrorCode;
    /// if error.has_any_code(&[ErrorCode::InvalidProgramId, ErrorCode::InvalidPromotionId]) {
    ///     // 422 to our own caller: the request names no promotion that exists
    /// }
    /// # }
    /// ```
    pub fn has_any_code(&self, codes: &[ErrorCode]) -> bool {
        self.errors().has_any_code(codes)
    }

    /// The `Retry-After` the server sent with this answer, e.g. to pass on with a 503 of your
    /// own. The client has already waited for it where its retry policy allowed.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.meta().and_then(ResponseMeta::retry_after)
    }

    /// Whether the server may have acted on the request although the call failed.
    ///
    /// `false` means it certainly did not (refused before sending, connection never made, or
    /// an explicit refusal); `true` means look before sending again.
    pub fn maybe_applied(&self) -> bool {
        self.verdict().maybe_applied()
    }

    /// Whether the server certainly did not act and a later call may succeed (a connection
    /// never made, 429, 461, 521, Capillary's 503 with code 4001 or a `Retry-After`, a token
    /// endpoint that failed, or a read's timeout, lost answer or 5xx). The client has already
    /// retried these as its policy allows.
    pub fn is_retryable(&self) -> bool {
        self.verdict() == Verdict::RetrySafe
    }
}

/// The SDK call through which a caller sets a wire field.
fn builder_method(field: &'static str) -> &'static str {
    match field {
        "identifierValue" => "CustomerRef (the customer of Promotions::issue)",
        "source" => "Promotions::issue (source)",
        "accountId" => "IssueRequest::account_id",
        "promotionDetails.promoIdentifier" => "PromotionRef::identifier",
        "customers" => "RevokeRequest::customers (RevokeCustomer)",
        "DATA-SCOPE" | "DATA-SCOPE-ORG" => "data_scope",
        "periodName" => "Targets::enroll_milestone (period)",
        "initialBalance" => "MilestoneEnrollRequest::initial_balance",
        other => other,
    }
}

impl Error {
    /// The transport failure of a request that was a read (`read`), which changes nothing
    /// however far it got, or a write.
    pub(crate) fn transport(source: TransportError, read: bool) -> Self {
        Self::Transport {
            kind: source.kind(),
            maybe_applied: !read && Verdict::of_transport(source.kind()).maybe_applied(),
            source,
        }
    }
}

impl From<TransportError> for Error {
    fn from(source: TransportError) -> Self {
        Self::transport(source, false)
    }
}
