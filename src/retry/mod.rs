//! What may be sent again, when, and how often: [`RetryPolicy`] and [`RetryBudget`].
//!
//! A call that changes state (a POST) is sent again only when the server certainly did not act
//! on it; a read (a GET) changes nothing, so it is sent again whenever another attempt may help
//! (every "no (opt-in)" row below is "yes" for a read, but a 2xx whose body cannot be read: the
//! same answer would come back):
//!
//! | answer or fault | retried by default | why |
//! |---|---|---|
//! | connection failed before the request was written | yes | nothing reached the server |
//! | credentials could not be obtained (token endpoint unreachable, 5xx, 429) | yes | nothing of the call was sent |
//! | 429 Too Many Requests | yes, after its `Retry-After` | refused before any work |
//! | Capillary's 503 (code 4001, authorization status unavailable, or a `Retry-After`) | yes | refused before any work |
//! | a gateway's 503 (no 4001, no `Retry-After`) | no (opt-in) | the backend may have acted before the gateway failed |
//! | 461 (search engine busy) | yes | refused before any work |
//! | 521 (another action running for this customer; Cloudflare's origin refused the connection) | yes | refused before any work |
//! | 401 / 498 with OAuth | replayed once with a new token (counts as an attempt) | the token was refused, not the action |
//! | timeout after sending, connection lost mid-answer | no (opt-in) | the server may have acted |
//! | 500, 502, 504 | no (opt-in) | the server may have acted before failing |
//! | 2xx whose body cannot be read | no (opt-in) | the server acted; its answer was lost |
//! | 303 See Other | no (opt-in) | the action was done |
//! | any other answer (4xx refusals, documented errors) | never | retrying cannot change it |
//!
//! Which row an answer falls in is decided in one place, [`Verdict`](crate::Verdict); the
//! "no (opt-in)" rows come back as errors for which [`Error::maybe_applied`] is `true`;
//! [`RetryPolicy::replay_maybe_applied`] replays them anyway, for callers who know the action
//! is harmless to repeat.
//!
//! [`Error::maybe_applied`]: crate::Error::maybe_applied

mod attempts;
mod backoff;
mod budget;
mod policy;
mod retry_after;
mod wording;

pub(crate) use self::attempts::{Attempts, Decision, GiveUp};
pub use self::budget::RetryBudget;
pub use self::policy::{
    RetryPolicy, DEFAULT_DEADLINE, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRY_AFTER,
};
pub(crate) use self::retry_after::parse_retry_after;
pub(crate) use self::wording::{describe, human};
