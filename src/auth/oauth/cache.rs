//! The token cache: one fetch at a time, run on its own task, shared by every waiter.
//!
//! The fetch does not live in any caller's future: a caller that times out or is dropped
//! stops waiting, and the fetch still completes into the cache for the next one. A failed
//! fetch answers everyone who waited for it, and the next fetch starts only after a pause
//! that doubles with each failure in a row, so that an outage is not multiplied by the
//! number of callers.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tracing::Instrument as _;

use super::failure::Failure;
use super::token_answer::Token;
use crate::error::Error;

/// The pause after a first failed fetch.
pub(super) const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// The longest pause between two failed fetches.
pub(super) const MAX_PAUSE: Duration = Duration::from_secs(5);

/// How a fetch ended, as every waiter sees it; `None` while it runs.
type Outcome = Option<Result<Arc<Token>, Arc<Failure>>>;

pub(super) struct Cache {
    state: Mutex<State>,
    fetches: AtomicU64,
}

struct State {
    token: Option<Arc<Token>>,
    /// The last token the server refused, so that it is not taken from a shared store again.
    refused: Option<http::HeaderValue>,
    flight: Option<Flight>,
    /// The last fetch's failure, given at once to callers who cannot wait out the pause.
    failure: Option<Arc<Failure>>,
    /// No fetch starts before this, after a failure.
    next_fetch: Option<Instant>,
    /// The pause after the next failure.
    pause: Duration,
    flights_started: u64,
}

struct Flight {
    id: u64,
    outcome: watch::Receiver<Outcome>,
}

impl Cache {
    pub(super) fn new() -> Self {
        Self {
            state: Mutex::new(State {
                token: None,
                refused: None,
                flight: None,
                failure: None,
                next_fetch: None,
                pause: FIRST_PAUSE,
                flights_started: 0,
            }),
            fetches: AtomicU64::new(0),
        }
    }

    /// How many fetches were started.
    pub(super) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh token: the cached one, the one being fetched, or a new fetch's; waiting at most
    /// until `deadline`. `fetch` makes the future of a new fetch, run on its own task.
    pub(super) async fn token<F, Fut>(
        self: &Arc<Self>,
        deadline: Instant,
        fetch: F,
    ) -> Result<Arc<Token>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Token, Failure>> + Send + 'static,
    {
        let outcome = loop {
            let pause_until = {
                let mut state = self.state();
                let now = Instant::now();
                if let Some(token) = state.token.as_ref().filter(|t| now < t.refresh_at) {
                    return Ok(Arc::clone(token));
                }
                match (&state.flight, state.next_fetch, &state.failure) {
                    (Some(flight), _, _) => break flight.outcome.clone(),
                    (None, Some(at), Some(failure)) if now < at => {
                        // Waiting out the pause only helps if a fetch can start before the
                        // deadline; otherwise the last failure is the answer.
                        if at >= deadline {
                            return Err(failure.to_error());
                        }
                        at
                    }
                    _ => break self.start(&mut state, fetch())?,
                }
            };
            tokio::time::sleep_until(pause_until).await;
        };
        wait(outcome, deadline).await
    }

    /// Spawns a fetch and records it as the one in flight.
    fn start<Fut>(
        self: &Arc<Self>,
        state: &mut State,
        fetch: Fut,
    ) -> Result<watch::Receiver<Outcome>, Error>
    where
        Fut: Future<Output = Result<Token, Failure>> + Send + 'static,
    {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::config("the OAuth token fetch needs a tokio runtime (with timers enabled)")
        })?;
        state.flights_started += 1;
        let id = state.flights_started;
        let (sender, receiver) = watch::channel(None);
        state.flight = Some(Flight {
            id,
            outcome: receiver.clone(),
        });
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let guard = FlightGuard {
            cache: Arc::clone(self),
            id,
        };
        // Not a child of the caller's span: the fetch belongs to no one call and may outlive it.
        let span = tracing::debug_span!(parent: None, "capillary.oauth_token", fetch = id);
        span.follows_from(tracing::Span::current());
        runtime.spawn(
            async move {
                let result = fetch.await.map(Arc::new).map_err(Arc::new);
                guard.finish(result, &sender);
            }
            .instrument(span),
        );
        Ok(receiver)
    }

    /// Drops the cached token if it is the one `sent` (another caller may have a new one), and
    /// remembers it as refused.
    pub(super) fn reject(&self, sent: &http::HeaderValue) {
        let mut state = self.state();
        if state.token.as_ref().is_some_and(|t| t.header == sent) {
            state.token = None;
            state.refused = Some(sent.clone());
        }
    }

    /// The last token of this cache a server refused.
    pub(super) fn refused(&self) -> Option<http::HeaderValue> {
        self.state().refused.clone()
    }
}

/// Waits for a fetch's outcome until `deadline`.
async fn wait(
    mut outcome: watch::Receiver<Outcome>,
    deadline: Instant,
) -> Result<Arc<Token>, Error> {
    let ended = tokio::time::timeout_at(deadline, outcome.wait_for(Option::is_some)).await;
    match ended {
        Ok(Ok(ended)) => match ended.as_ref() {
            Some(Ok(token)) => Ok(Arc::clone(token)),
            Some(Err(failure)) => Err(failure.to_error()),
            None => Err(abandoned()),
        },
        Ok(Err(_)) => Err(abandoned()),
        Err(_) => Err(Failure::no_answer(
            "no token before the call's deadline (the token request goes on for the next call)",
        )
        .to_error()),
    }
}

fn abandoned() -> Error {
    Failure::no_answer("the token request was abandoned (its runtime is shutting down)").to_error()
}

/// Owned by a fetch's task: records its outcome, and frees the slot if the task is dropped
/// unfinished (its runtime shut down), so that the next caller starts a new fetch.
struct FlightGuard {
    cache: Arc<Cache>,
    id: u64,
}

impl FlightGuard {
    fn finish(self, result: Result<Arc<Token>, Arc<Failure>>, sender: &watch::Sender<Outcome>) {
        let mut state = self.cache.state();
        match &result {
            Ok(token) => {
                state.token = Some(Arc::clone(token));
                state.failure = None;
                state.next_fetch = None;
                state.pause = FIRST_PAUSE;
            }
            Err(failure) => {
                tracing::debug!(reason = failure_reason(failure), "no oauth token");
                state.failure = Some(Arc::clone(failure));
                state.next_fetch = Some(Instant::now() + state.pause);
                state.pause = (state.pause * 2).min(MAX_PAUSE);
            }
        }
        if state.flight.as_ref().is_some_and(|f| f.id == self.id) {
            state.flight = None;
        }
        // Sent under the lock: whoever sees no flight any more finds the outcome in the state.
        sender.send_replace(Some(result));
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let mut state = self.cache.state();
        if state.flight.as_ref().is_some_and(|f| f.id == self.id) {
            state.flight = None;
        }
    }
}

fn failure_reason(failure: &Failure) -> &str {
    match failure {
        Failure::Endpoint { reason, .. }
        | Failure::Refused { reason, .. }
        | Failure::Config { reason } => reason,
    }
}
