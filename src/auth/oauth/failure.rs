//! A failed token fetch, kept once and handed to every caller that waited for it.
//!
//! [`Error`] is not `Clone` (its transport failure owns a boxed source), so the failure is
//! kept in this form and each waiter gets a fresh `Error` with the same variant, status,
//! request id, reason and transport cause.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use crate::error::{held_back, Error};
use crate::model::{ApiMessage, ResponseMeta};
use crate::transport::{TransportError, TransportErrorKind};

/// Why a token fetch gave no token. Holds nothing of the token endpoint's body but the error
/// codes and messages it listed when it refused the credentials.
#[derive(Debug)]
pub(super) enum Failure {
    /// [`Error::TokenEndpoint`]: unreachable, failing, or not a token.
    Endpoint {
        status: Option<http::StatusCode>,
        request_id: Option<String>,
        reason: String,
        transport: Option<Arc<TransportError>>,
    },
    /// [`Error::Auth`]: the token endpoint refused the key and secret.
    Refused {
        meta: Option<ResponseMeta>,
        errors: Vec<ApiMessage>,
        reason: String,
    },
    /// [`Error::Config`]: the token request could not even be built.
    Config { reason: String },
}

impl Failure {
    /// A token-endpoint failure with no answer and no transport cause.
    pub(super) fn no_answer(reason: impl Into<String>) -> Self {
        Self::Endpoint {
            status: None,
            request_id: None,
            reason: reason.into(),
            transport: None,
        }
    }

    /// The error of a token request that got no answer (or could not be built).
    pub(super) fn from_request_error(error: Error) -> Self {
        match error {
            Error::Transport { source, .. } => {
                let reason = match (held_back(&source), source.kind()) {
                    (Some(why), _) => format!("the token request was not sent: {why}"),
                    (None, TransportErrorKind::Connect) => {
                        "could not connect to the token endpoint".into()
                    }
                    (None, TransportErrorKind::Timeout) => {
                        "the token endpoint did not answer in time".into()
                    }
                    (None, TransportErrorKind::AnswerLost) => {
                        "the token endpoint's answer was lost".into()
                    }
                    (None, _) => "the token request failed".into(),
                };
                Self::Endpoint {
                    status: None,
                    request_id: None,
                    reason,
                    transport: Some(Arc::new(source)),
                }
            }
            Error::Config { reason } => Self::Config { reason },
            // The context only fails with the two above; anything else is kept in words.
            other => Self::no_answer(format!("the token request failed: {other}")),
        }
    }

    /// A fresh [`Error`] for one caller.
    pub(super) fn to_error(&self) -> Error {
        match self {
            Self::Endpoint {
                status,
                request_id,
                reason,
                transport,
            } => Error::TokenEndpoint {
                status: *status,
                request_id: request_id.clone(),
                reason: reason.clone(),
                source: transport.as_ref().map(copy_transport_error),
            },
            Self::Refused {
                meta,
                errors,
                reason,
            } => Error::Auth {
                meta: meta.clone(),
                errors: errors.clone(),
                reason: reason.clone(),
            },
            Self::Config { reason } => Error::config(reason.clone()),
        }
    }
}

/// The same kind and message, with the original's cause shared rather than moved.
fn copy_transport_error(original: &Arc<TransportError>) -> TransportError {
    let message = original.to_string();
    if original.source().is_some() {
        TransportError::with_source(original.kind(), message, SharedCause(Arc::clone(original)))
    } else {
        TransportError::new(original.kind(), message)
    }
}

/// The cause of a shared transport failure: shows and chains as that failure's own source.
struct SharedCause(Arc<TransportError>);

impl SharedCause {
    fn cause(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

impl fmt::Display for SharedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause() {
            Some(cause) => fmt::Display::fmt(cause, f),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for SharedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause() {
            Some(cause) => fmt::Debug::fmt(cause, f),
            None => f.write_str("None"),
        }
    }
}

impl StdError for SharedCause {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.cause().and_then(StdError::source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Refused;

    impl fmt::Display for Refused {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("connection refused")
        }
    }

    impl StdError for Refused {}

    #[test]
    fn every_waiter_gets_the_same_transport_failure_with_its_cause() {
        let source = TransportError::with_source(TransportErrorKind::Connect, "connect", Refused);
        let failure = Failure::from_request_error(Error::from(source));
        for _ in 0..2 {
            let error = failure.to_error();
            let Error::TokenEndpoint {
                status: None,
                source: Some(transport),
                ..
            } = &error
            else {
                panic!("expected TokenEndpoint without status, got {error:?}");
            };
            assert_eq!(transport.kind(), TransportErrorKind::Connect);
            assert_eq!(transport.to_string(), "connect");
            let cause = transport.source().map(ToString::to_string);
            assert_eq!(cause.as_deref(), Some("connection refused"));
            assert!(error.to_string().contains("could not connect"), "{error}");
        }
    }

    #[test]
    fn a_refusal_stays_an_auth_error_with_its_codes() {
        let failure = Failure::Refused {
            meta: Some(ResponseMeta {
                status: http::StatusCode::UNAUTHORIZED,
                request_id: Some("r".into()),
                retry_after_secs: None,
                signals: crate::AnswerSignals::write(),
            }),
            errors: vec![ApiMessage {
                code: crate::ErrorCode::InvalidClientCredentials,
                message: "Invalid client key and secret".into(),
            }],
            reason: "refused".into(),
        };
        let error = failure.to_error();
        assert_eq!(
            error.codes(),
            vec![crate::ErrorCode::InvalidClientCredentials]
        );
        assert_eq!(error.request_id(), Some("r"));
    }
}
