//! How a failure and a delay read in the one WARN line each retry writes.

use std::time::Duration;

use crate::error::Error;
use crate::transport::TransportErrorKind;

/// How a failure reads in a log line: the status, request id and codes of an answer, or the
/// transport failure.
pub(crate) fn describe(error: &Error) -> String {
    match (error, error.meta()) {
        (_, Some(meta)) => {
            let codes = error.codes();
            if codes.is_empty() {
                meta.to_string()
            } else {
                let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
                format!("{meta}, code {}", codes.join(", "))
            }
        }
        // A call the shared rate limit held back was never sent: say why, not "could not connect".
        (Error::Transport { source, .. }, None) if crate::error::held_back(source).is_some() => {
            crate::error::held_back(source).unwrap_or_default()
        }
        (Error::Transport { kind, .. }, None) => match kind {
            TransportErrorKind::Connect => "could not connect".to_string(),
            TransportErrorKind::Timeout => "timed out".to_string(),
            TransportErrorKind::AnswerLost => "answer lost".to_string(),
            _ => "transport failure".to_string(),
        },
        (other, None) => other.to_string(),
    }
}

/// A delay as a person reads it: `850ms`, `2.5s`.
pub(crate) fn human(delay: Duration) -> String {
    if delay < Duration::from_secs(1) {
        format!("{}ms", delay.as_millis())
    } else {
        format!("{:.1}s", delay.as_secs_f64())
    }
}
