//! The one [`Error`] type of the SDK and the typed API [`ErrorCode`]s.

use std::fmt;

use crate::model::{ApiMessage, ResponseMeta};
use crate::transport::{TransportError, TransportErrorKind};

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $desc:literal; )*) => {
        /// Every error and warning code documented for the endpoints this SDK covers.
        ///
        /// A code the SDK does not know decodes to [`ErrorCode::Unknown`], so a new server code
        /// never breaks parsing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
            /// A code this version of the SDK does not know.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every known code, in documentation order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The typed code for a number.
            pub fn from_i64(code: i64) -> Self {
                match code {
                    $( $code => Self::$name, )*
                    other => Self::Unknown(other),
                }
            }

            /// The number on the wire.
            pub fn as_i64(self) -> i64 {
                match self {
                    $( Self::$name => $code, )*
                    Self::Unknown(code) => code,
                }
            }

            /// What Capillary's documentation says the code means.
            pub fn description(self) -> &'static str {
                match self {
                    $( Self::$name => $desc, )*
                    Self::Unknown(_) => "code not documented for these endpoints",
                }
            }
        }
    };
}

error_codes! {
    /// 8890 (a warning): promotion not issued due to config issues or customer exhausted limits.
    PromotionNotIssued = 8890, "promotion not issued due to config issues or customer exhausted limits";
    /// 11013: mandatory parameters identifierName, identifierValue or source missing.
    MissingIdentifier = 11013, "mandatory parameters identifierName, identifierValue, or source missing";
    /// 1212: entity type invalid.
    InvalidEntityType = 1212, "entity type invalid";
    /// 8874: promotion id is invalid.
    InvalidPromotionId = 8874, "promotion id is invalid";
    /// 1101: program id is invalid.
    InvalidProgramId = 1101, "program id is invalid";
    /// 8015: customer not found for the given identifiers.
    CustomerNotFound = 8015, "customer not found for the given identifiers";
    /// 8892: promotion is inactive.
    PromotionInactive = 8892, "promotion is inactive";
    /// 8899: a user group cannot be enrolled to a promotion.
    UserGroupNotAllowed = 8899, "cannot enrol/issue to the user group";
    /// 8902: the revoke action is not supported for this promotion type (REVOKE_ENROL on Direct Issue).
    RevokeActionNotSupported = 8902, "revoke bulk action not supported for loyalty/generic promotion type";
    /// 8881: program id and one of promotion id / promo identifier are required.
    InsufficientParameters = 8881, "insufficient parameters: program id and one of promotion id/identifier are required";
    /// 8903: earn ids are invalid or already revoked.
    EarnIdsInvalidOrRevoked = 8903, "earn ids passed are either invalid or already revoked";
    /// 8896: error occurred while issuing promotion to the customer.
    IssueFailed = 8896, "error occurred while issuing promotion to the customer";
    /// 8901: invalid entity type passed.
    InvalidEntityTypePassed = 8901, "invalid entity type passed";
    /// 310119: user already enrolled for the target.
    AlreadyEnrolled = 310119, "user already enrolled for the target";
    /// 310011: invalid user id.
    InvalidUserId = 310011, "invalid userId: check that the customerId is valid";
    /// 310019: target period not found.
    TargetPeriodNotFound = 310019, "target period not found";
    /// 310017: target group not found or deactivated.
    TargetGroupNotFound = 310017, "target group not found or deactivated";
    /// 310018: target rule not found.
    TargetRuleNotFound = 310018, "target rule not found";
    /// 300004: invalid input.
    InvalidInput = 300004, "invalid input";
    /// 310141: data scope ALL is not supported for this API.
    DataScopeAllNotSupported = 310141, "data scope ALL is not supported for this API";
    /// 310144: connected orgs not set properly in headers.
    ConnectedOrgsNotSet = 310144, "connected orgs not set properly in headers";
    /// 320001: invalid OAuth client key and secret.
    InvalidClientCredentials = 320001, "invalid client key and secret";
    /// 4000: access denied.
    AccessDenied = 4000, "access denied";
    /// 4001: authorization status unavailable (retry later).
    AuthorizationUnavailable = 4001, "authorization status unavailable";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_i64())
    }
}

/// Everything that can go wrong with a call.
///
/// Match on the variant to decide what to do; [`Error::maybe_applied`] tells whether the
/// server may have acted on the request (reconcile before sending it again), and
/// [`Error::request_id`] gives the `X-Cap-Requestid` to quote to Capillary support.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent.
    #[error("invalid request: {field}: {reason}")]
    InvalidRequest {
        /// The field (wire name) that is wrong.
        field: &'static str,
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
    #[error("{}", transport_message(*.kind, *.maybe_applied))]
    Transport {
        /// Connect failure, timeout, or an answer lost after sending.
        kind: TransportErrorKind,
        /// `true` when the request may have reached the server, so the action may have been
        /// applied: look before you send it again.
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
        /// The first 200 bytes of the body (lossy UTF-8).
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

fn transport_message(kind: TransportErrorKind, maybe_applied: bool) -> String {
    let what = match kind {
        TransportErrorKind::Connect => "could not connect",
        TransportErrorKind::Timeout => "timed out waiting for the answer",
        TransportErrorKind::AnswerLost => "the request was sent but its answer was lost",
        TransportErrorKind::Other => "transport failure",
    };
    if maybe_applied {
        format!("{what}: the action may have been applied")
    } else {
        format!("{what}: nothing was applied")
    }
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
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }

    /// The same error for a call whose request was never sent (it failed while obtaining
    /// credentials), so that it does not claim the action may have been applied.
    pub(crate) fn never_sent(self) -> Self {
        match self {
            Self::Transport { kind, source, .. } => Self::Transport {
                kind,
                maybe_applied: false,
                source,
            },
            Self::UnexpectedResponse {
                meta,
                content_type,
                snippet,
                reason,
                ..
            } => Self::UnexpectedResponse {
                meta,
                content_type,
                snippet,
                reason,
                maybe_applied: false,
            },
            other => other,
        }
    }

    /// The status and request id of the answer this error came from, if there was one.
    pub fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Self::Auth { meta, .. } => meta.as_ref(),
            Self::Api { meta, .. } | Self::UnexpectedResponse { meta, .. } => Some(meta),
            _ => None,
        }
    }

    /// The `X-Cap-Requestid` of the answer, if there was one.
    pub fn request_id(&self) -> Option<&str> {
        self.meta().and_then(|m| m.request_id.as_deref())
    }

    /// The HTTP status of the answer, if there was one.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.meta().map(|m| m.status)
    }

    /// The typed API error codes, empty unless the server listed some.
    pub fn codes(&self) -> Vec<ErrorCode> {
        match self {
            Self::Api { errors, .. } | Self::Auth { errors, .. } => {
                errors.iter().map(|e| e.code).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the server may have acted on the request although the call failed.
    ///
    /// `false` means it certainly did not (refused before sending, connection never made, or
    /// an explicit refusal); `true` means look before sending again.
    pub fn maybe_applied(&self) -> bool {
        match self {
            Self::Transport { maybe_applied, .. }
            | Self::UnexpectedResponse { maybe_applied, .. } => *maybe_applied,
            // The server listed errors: it refused, unless it failed mid-way (a 5xx).
            Self::Api { meta, .. } => {
                meta.status.is_server_error() && status_maybe_applied(meta.status)
            }
            _ => false,
        }
    }
}

/// Whether an answer with this status and an unreadable body may come from a server that acted.
///
/// A 2xx did act; a 5xx failed while handling the request and may have acted before failing,
/// except 503 (Capillary's "authorization status unavailable") and 521 ("another action is
/// running for this customer"), which are refusals before any work.
pub(crate) fn status_maybe_applied(status: http::StatusCode) -> bool {
    status.is_success() || (status.is_server_error() && !matches!(status.as_u16(), 503 | 521))
}

impl From<TransportError> for Error {
    fn from(source: TransportError) -> Self {
        Self::Transport {
            kind: source.kind(),
            maybe_applied: source.maybe_applied(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_i64(code.as_i64()), *code);
        }
        assert_eq!(ErrorCode::ALL.len(), 24);
        assert_eq!(ErrorCode::from_i64(42), ErrorCode::Unknown(42));
    }
}
