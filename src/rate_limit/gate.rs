//! [`Gate`]: what every request of a client passes before it is sent: the pause after the
//! server's push-back, then the limiter's permit.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::RateLimiter;
use crate::error::{Error, HeldBack};
use crate::transport::{TransportError, TransportErrorKind};

/// Shared by every clone of a client, and by its token requests.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    limiter: Option<Arc<dyn RateLimiter>>,
    /// The longest client-wide pause: the retry policy's `max_retry_after`, so that one
    /// answer cannot stop the client for longer than a call would wait for it.
    max_pause: Duration,
    /// No request is sent before this, after a 429 or a 503 with `Retry-After`.
    paused_until: Mutex<Option<Instant>>,
}

impl Gate {
    pub(crate) fn new(limiter: Option<Arc<dyn RateLimiter>>, max_pause: Duration) -> Self {
        Self {
            limiter,
            max_pause,
            paused_until: Mutex::new(None),
        }
    }

    /// Waits out the pause, then for a permit, within `deadline`; a request that cannot go
    /// before it fails as not sent.
    pub(crate) async fn permit(&self, deadline: Instant) -> Result<(), NotSent> {
        let paused_until = *self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = paused_until.filter(|&u| u > Instant::now()) {
            if until > deadline {
                return Err(NotSent::new(
                    "the server asked this client to pause (429, or 503 with Retry-After) past the call's deadline",
                    Some(until - Instant::now()),
                ));
            }
            tokio::time::sleep_until(until).await;
        }
        match &self.limiter {
            None => Ok(()),
            // A limiter that does not answer (a Redis that hangs) is bounded by the deadline.
            Some(limiter) => {
                match tokio::time::timeout_at(deadline, limiter.acquire(deadline)).await {
                    Ok(permit) => permit.map_err(|no| NotSent::new(no.reason(), no.available_in())),
                    Err(_) => Err(NotSent::new(
                        "the rate limiter gave no permit before the call's deadline",
                        None,
                    )),
                }
            }
        }
    }

    /// Looks at an answer's status: a push-back pauses every call of the client until its
    /// `Retry-After` has passed, and tells the limiter.
    pub(crate) fn observe(&self, status: http::StatusCode, retry_after: Option<Duration>) {
        let pushed_back = status == http::StatusCode::TOO_MANY_REQUESTS
            || (status == http::StatusCode::SERVICE_UNAVAILABLE && retry_after.is_some());
        if !pushed_back {
            return;
        }
        let retry_after = retry_after.map(|w| w.min(self.max_pause));
        if let Some(wait) = retry_after.filter(|w| !w.is_zero()) {
            let now = Instant::now();
            let until = now.checked_add(wait).unwrap_or(now);
            let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
            if paused.is_none_or(|p| p < until) {
                *paused = Some(until);
                tracing::warn!(
                    target: "capillary_sdk::rate_limit",
                    "the server answered HTTP {}: every call of this client waits {} (its Retry-After)",
                    status.as_u16(),
                    crate::retry::human(wait),
                );
            }
        }
        if let Some(limiter) = &self.limiter {
            limiter.throttled(retry_after);
        }
    }
}

/// A request held back by the rate limit: nothing was sent.
#[derive(Debug)]
pub(crate) struct NotSent {
    /// `Error::Transport` of kind `Connect`: retrying is safe.
    pub error: Error,
    /// How long until it could go, when known: a retry sooner than that is in vain.
    pub retry_in: Option<Duration>,
}

impl NotSent {
    fn new(reason: &str, retry_in: Option<Duration>) -> Self {
        Self {
            error: Error::from(TransportError::with_source(
                TransportErrorKind::Connect,
                reason,
                HeldBack,
            )),
            retry_in,
        }
    }
}

impl From<NotSent> for Error {
    fn from(not_sent: NotSent) -> Self {
        not_sent.error
    }
}
