//! A stateful in-process Capillary for tests and demos (feature `sandbox`).
//!
//! [`Sandbox`] keeps programs, promotions (Enrol & Issue, Direct Issue, active or not,
//! expired, in the caller's org or a connected one), customers with all four identifier kinds
//! (and a `cuid`), issuals, earns, and milestone and streak targets in connected orgs. It
//! answers the documented endpoints (issue, bulk enrol and earn, bulk revoke, the customer
//! promotion lookup, target enroll and unenroll) and the OAuth token endpoint with the
//! documented envelopes, error codes and an `X-Cap-Requestid` header, checks credentials like
//! the server (401 wrong, 498 expired token), and can fail on purpose ([`Fault`], which
//! applies to every endpoint, and [`Sandbox::set_latency`]).
//!
//! # One state for the whole lifecycle
//!
//! - `POST /v2/promotion/issue` and a bulk `ENROL` (`POST /v2/promotion/bulk/enrolAndEarn`)
//!   create the same issual, one per customer and promotion. Enrolling an enrolled customer
//!   creates nothing: issue answers warning 8890 with no `sideEffects`; the bulk ENROL item
//!   keeps its `result` with the existing `issualId` and warns 8890.
//! - A bulk `EARN` creates an earn every time (it is not idempotent): on an Enrol & Issue
//!   promotion only for an enrolled customer (that customer's item is 8896 otherwise), on a
//!   Direct Issue promotion directly, with the placeholder `issualId` `"0"`. `issualId` and
//!   `earnedId` are sent as strings. `ENROL` on Direct Issue is 8902.
//! - Bulk revoke revokes those earns by id (`REVOKE_EARN`), then the enrolment
//!   (`REVOKE_ENROL`, refused with 8896 while earns are live).
//! - The lookup (`GET /v2/customers/lookup/promotionData`) lists, for a customer, every
//!   promotion of the caller's org with `customerPromotionTimelines` built from that state:
//!   the live enrolment (`enrollmentId` = its issual id) and its live earns
//!   (`issuedDetails[].issualId` = the earn ids); a revoked earn or enrolment is gone.
//!   `promotionStatusForCustomer`: `AVAILABLE_TO_ENROL` (Enrol & Issue, not enrolled),
//!   `AVAILABLE_TO_EARN` (Direct Issue, or enrolled), `AVAILABLE_TO_REDEEM` (live earns),
//!   `EXPIRED`; inactive promotions are listed only without that filter. `programs`,
//!   `promotionType`, `sourceType`, `fetchAllUsage` (adds the disabled restrictions,
//!   `maxLimit` `"-1"`), and `limit` (default 10, at most 100) / `offset` with `pageDetails`.
//!   At `/v2.1`, `DATA-SCOPE` `SELF` (or none) lists the caller's org, `OTHER` the connected
//!   orgs named in `DATA-SCOPE-ORG` (none: 310144), `ALL` both.
//! - Request-level refusals of the bulk enrol (8892, 1101, 8874, 8881, 8899 for `type`
//!   `USER_GROUP`, 8901, 8902) answer HTTP 200 with one errors-only item; per-customer
//!   failures (8015; 8896 for an `id` that is not a number, or EARN without enrolment; 11013
//!   for an empty identifier name, value or source) keep one item per customer, with 207 when
//!   some customers succeeded and 400 when none did. The lookup answers 8013
//!   (`identifierName`), 8015 (`identifierValue`, or no such customer) and 8003 (`source`)
//!   as `{"errors": [...]}` with HTTP 400, and 400 naming the parameter for a filter value
//!   the page does not list.
//!
//! It is a [`Transport`](crate::transport::Transport), so a client can talk to it in process
//! ([`Sandbox::client`]), and it serves HTTP too ([`Sandbox::serve_http`], [`serve`], and
//! `cargo run --example sandbox_server -- --port 8080`). Clones share one state.
//!
//! [`Sandbox::demo`] starts with the ids of the API pages' examples (see [`demo`]) and the
//! credentials [`USER`]/[`PASSWORD`] (Basic) and [`OAUTH_KEY`]/[`OAUTH_SECRET`] (OAuth).
//!
//! # Testing your service
//!
//! ```
//! use capillary_sdk::sandbox::{demo, Fault, Sandbox};
//! use capillary_sdk::{Client, CustomerRef, Error, ProgramId, PromotionId, Source};
//!
//! /// Your service's code: enrols a shopper at checkout; `true` if newly enrolled.
//! async fn enrol_at_checkout(client: &Client, mobile: &str) -> Result<bool, Error> {
//!     let outcome = client
//!         .promotions()
//!         .issue(CustomerRef::mobile(mobile), Source::Instore, ProgramId(469), PromotionId(65777))
//!         .send()
//!         .await?;
//!     Ok(outcome.is_issued())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::demo();
//! let client = sandbox.client()?;
//!
//! assert!(enrol_at_checkout(&client, demo::ANA_MOBILE).await?);
//! // The second time the server answers warning 8890: not issued.
//! assert!(!enrol_at_checkout(&client, demo::ANA_MOBILE).await?);
//! assert!(sandbox.active_issual(demo::CUSTOMER_ANA, demo::PROMOTION_ENROL).is_some());
//!
//! // Unknown customers are refused with 8015.
//! let refused = enrol_at_checkout(&client, "19999999999").await.unwrap_err();
//! assert_eq!(refused.codes(), [capillary_sdk::ErrorCode::CustomerNotFound]);
//!
//! // And your service copes when Capillary fails.
//! sandbox.fail_next(1, Fault::Status(500));
//! let failed = enrol_at_checkout(&client, demo::ANA_MOBILE).await.unwrap_err();
//! assert_eq!(failed.status().map(|s| s.as_u16()), Some(500));
//! # Ok(()) }
//! ```

mod auth;
mod bulk;
pub mod demo;
mod enrol;
mod faults;
mod incoming;
mod inspect;
mod issue;
mod log;
mod lookup;
mod lookup_view;
mod reply;
mod revoke;
mod router;
mod seed;
mod server;
mod state;
mod targets;
mod transport;

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use self::auth::{DEFAULT_TOKEN_TTL, OAUTH_KEY, OAUTH_SECRET, PASSWORD, USER};
pub use self::faults::Fault;
pub use self::log::LoggedRequest;
pub use self::seed::SandboxError;
pub use self::server::{serve, SandboxServer};
pub use self::state::{
    Customer, EarnRecord, IssualRecord, Promotion, PromotionKind, TargetKind, TargetState,
};

use self::faults::FaultRule;
use self::state::State;
use crate::auth::Basic;
use crate::client::{Client, ClientBuilder};
use crate::error::Error;

/// The base URL [`Sandbox::client_builder`] uses. The in-process transport ignores the host,
/// and `.invalid` never resolves, so a client that lost its transport cannot reach anything.
pub const BASE_URL: &str = "https://sandbox.invalid";

/// How many requests [`Sandbox::requests`] keeps (the newest), so that a long-running
/// sandbox server does not grow without bound.
pub const MAX_LOGGED_REQUESTS: usize = 10_000;

static NEXT_SANDBOX: AtomicU64 = AtomicU64::new(1);

/// A stateful in-process Capillary; see the [module docs](self).
///
/// Cheap to clone: clones share the state, so keep one to inspect what a client did.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    id: u64,
    state: Mutex<State>,
    control: Mutex<Control>,
}

/// How the sandbox behaves, apart from its data.
struct Control {
    faults: Vec<FaultRule>,
    latency: Duration,
    token_ttl: Duration,
    log: VecDeque<LoggedRequest>,
    next_request: u64,
}

impl Control {
    /// Counts a request in and names it.
    fn new_request_id(&mut self, sandbox_id: u64) -> String {
        self.next_request += 1;
        format!("sandbox-{sandbox_id}-{:06}", self.next_request)
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("id", &self.inner.id)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::demo()
    }
}

impl Sandbox {
    /// A sandbox with nothing in it but the credentials; add data with the `add_*` methods.
    pub fn empty() -> Self {
        Self::with_state(State::default())
    }

    /// A sandbox with the demo data of the API pages' examples (see [`demo`]).
    ///
    /// ```
    /// use capillary_sdk::sandbox::{demo, Sandbox};
    ///
    /// let sandbox = Sandbox::demo();
    /// assert!(sandbox.earns().iter().any(|e| e.id.0 == 974 && e.promotion == demo::PROMOTION_202779));
    /// ```
    pub fn demo() -> Self {
        let mut state = State::default();
        demo::seed(&mut state);
        Self::with_state(state)
    }

    fn with_state(state: State) -> Self {
        Self {
            inner: Arc::new(Inner {
                id: NEXT_SANDBOX.fetch_add(1, Ordering::Relaxed),
                state: Mutex::new(state),
                control: Mutex::new(Control {
                    faults: Vec::new(),
                    latency: Duration::ZERO,
                    token_ttl: DEFAULT_TOKEN_TTL,
                    log: VecDeque::new(),
                    next_request: 0,
                }),
            }),
        }
    }

    /// A [`ClientBuilder`] preset to talk to this sandbox in process: base URL [`BASE_URL`],
    /// this sandbox as transport, and Basic auth with [`USER`]/[`PASSWORD`]. Override any of
    /// them, e.g. `.auth(OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET))`.
    ///
    /// ```
    /// use capillary_sdk::{auth::OAuth, sandbox::{self, Sandbox}};
    ///
    /// let sandbox = Sandbox::demo();
    /// let client = sandbox
    ///     .client_builder()
    ///     .auth(OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), capillary_sdk::Error>(())
    /// ```
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(BASE_URL)
            .transport(self.clone())
            .auth(Basic::new(USER, PASSWORD))
    }

    /// A client for this sandbox, as [`client_builder`](Self::client_builder) presets it.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// Delays every answer by `latency` (on tokio's clock, so paused-clock tests work).
    pub fn set_latency(&self, latency: Duration) {
        self.control().latency = latency;
    }

    /// Makes the next `n` API calls (not token requests) fail with `fault`. Rules queue up:
    /// the next call takes the first rule that still has calls left.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use capillary_sdk::sandbox::{demo, Fault, Sandbox};
    /// use capillary_sdk::{transport::TransportErrorKind, CustomerRef, Error, Source};
    ///
    /// let sandbox = Sandbox::demo();
    /// sandbox.fail_next(1, Fault::Drop);
    /// let client = sandbox.client()?;
    /// let err = client
    ///     .promotions()
    ///     .issue(CustomerRef::mobile(demo::ANA_MOBILE), Source::Instore, demo::PROGRAM_ISSUE, demo::PROMOTION_ENROL)
    ///     .send()
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::Transport { kind: TransportErrorKind::AnswerLost, .. }));
    /// # Ok(()) }
    /// ```
    pub fn fail_next(&self, n: u32, fault: Fault) {
        self.push_fault(None, n, fault);
    }

    /// Makes the next `n` requests whose path starts with `path_prefix` fail with `fault`
    /// (e.g. `"/v3.1/"` for the target calls, or `"/v3/oauth/token/generate"`).
    pub fn fail_next_on(&self, path_prefix: impl Into<String>, n: u32, fault: Fault) {
        self.push_fault(Some(path_prefix.into()), n, fault);
    }

    fn push_fault(&self, path_prefix: Option<String>, n: u32, fault: Fault) {
        if n > 0 {
            self.control().faults.push(FaultRule {
                path_prefix,
                remaining: n,
                fault,
            });
        }
    }

    /// Forgets every fault not used up yet.
    pub fn clear_faults(&self) {
        self.control().faults.clear();
    }

    /// The lifetime of tokens generated from now on (default [`DEFAULT_TOKEN_TTL`]); the
    /// answer's `ttlSeconds` says it in whole seconds.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.control().token_ttl = ttl;
    }

    /// Expires every token generated so far: calls with them get HTTP 498.
    pub fn expire_tokens(&self) {
        let now = tokio::time::Instant::now();
        for token in self.state().tokens.values_mut() {
            token.expires_at = now;
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the sandbox down with it.
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn control(&self) -> MutexGuard<'_, Control> {
        self.inner.control.lock().unwrap_or_else(|p| p.into_inner())
    }
}
