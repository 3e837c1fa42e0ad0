//! # capillary-sdk
//!
//! A typed client for the Capillary Loyalty+ APIs: enrol & issue promotions, bulk enrol & earn,
//! bulk revoke enrolments and earns, and enroll customers into milestones and streaks in
//! connected orgs.
//!
//! - A call that compiles is a call the server can accept; bad input is refused by
//!   `validate()` with [`Error::InvalidRequest`] before anything is sent.
//! - One [`Error`] type; every outcome and every error carries the HTTP status and Capillary's
//!   `X-Cap-Requestid`.
//! - A call is sent again only when the server certainly did not act on it (connection
//!   refused, 429, Capillary's 503, 461, 521, a token endpoint that failed); an error after
//!   which it may have acted says so through [`Error::maybe_applied`]. One [`Verdict`]
//!   decides, and one deadline covers the whole call: see [`retry`].
//! - Credentials never reach a log: [`auth::Basic`] and [`auth::OAuth`] redact themselves, and
//!   no error quotes a body that mentions a credential.
//! - The transport is a small trait over `http` types ([`transport::Transport`]), so tests can
//!   pass a closure, and the `sandbox` feature is a stateful Capillary in your test process.
//!
//! ## The first call
//!
//! ```no_run
//! use capillary_sdk::{auth::OAuth, Client, Cluster, CustomerRef, IssueOutcome, ProgramId, PromotionId, Source};
//!
//! # async fn run() -> Result<(), capillary_sdk::Error> {
//! let client = Client::builder()
//!     .cluster(Cluster::Eu)
//!     .auth(OAuth::new("my-key", "my-secret"))
//!     .build()?;
//! let outcome = client
//!     .promotions()
//!     .issue(CustomerRef::mobile("18767431754"), Source::Instore, ProgramId(469), PromotionId(65777))
//!     .send()
//!     .await?;
//! if let IssueOutcome::Issued(issual) = outcome {
//!     println!("enrolled: issual {} (request {:?})", issual.issual_id, issual.meta.request_id);
//! }
//! # Ok(()) }
//! ```
//!
//! Calls are `client.area().operation(required..).optional(..).send().await`:
//! [`Client::promotions`] ([`issue`](Promotions::issue); [`enrol`](Promotions::enrol) and
//! [`revoke`](Promotions::revoke) for up to 100 customers, [`enrol_all`](Promotions::enrol_all)
//! and [`revoke_all`](Promotions::revoke_all) for any number, streamed in input order on one
//! bulk driver, [`BulkRun`]), [`Client::customers`] ([`promotions`](Customers::promotions): the
//! promotion lookup that says whether an enrol, earn or revoke happened; one page or every page)
//! and [`Client::targets`] (enroll, unenroll).
//!
//! ## Errors
//!
//! Match on [`Error`]; its page has the "what to do" table. The questions a handler asks are
//! methods: [`has_code`](Error::has_code), [`is_retryable`](Error::is_retryable),
//! [`retry_after`](Error::retry_after), [`maybe_applied`](Error::maybe_applied),
//! [`request_id`](Error::request_id). Outcomes and [`ResponseMeta`] serialise with the API's
//! field names, so a service can pass them on.
//!
//! ```
//! # async fn run(client: capillary_sdk::Client) {
//! use capillary_sdk::{CustomerRef, ErrorCode, ProgramId, PromotionId, Source};
//!
//! match client.promotions()
//!     .issue(CustomerRef::email("nobody@example.com"), Source::Instore, ProgramId(469), PromotionId(65777))
//!     .send()
//!     .await
//! {
//!     Ok(outcome) => println!("{}", serde_json::to_string(&outcome).unwrap_or_default()),
//!     Err(e) if e.has_code(ErrorCode::CustomerNotFound) => println!("no such customer"),
//!     Err(e) if e.maybe_applied() => eprintln!("may have been applied; check before retrying: {e}"),
//!     Err(e) => eprintln!("failed: {e} (request id {:?})", e.request_id()),
//! }
//! # }
//! ```
//!
//! ## Testing your service
//!
//! The `sandbox` feature is a stateful Capillary that runs in your test process: no account,
//! no network. It holds the demo data the API pages use ([`sandbox::demo`]), keeps the
//! server's rules, checks credentials like the server, and fails on purpose when asked
//! ([`sandbox::Fault`]).
//!
//! ```toml
//! [dev-dependencies]
//! capillary-sdk = { version = "0.1", features = ["sandbox"] }
//! ```
//!
//! ```
//! # #[cfg(feature = "sandbox")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use capillary_sdk::sandbox::{demo, Sandbox};
//! use capillary_sdk::{CustomerRef, Source};
//!
//! let sandbox = Sandbox::demo();
//! let client = sandbox.client()?;
//! let outcome = client.promotions()
//!     .issue(CustomerRef::mobile(demo::ANA_MOBILE), Source::Instore, demo::PROGRAM_ISSUE, demo::PROMOTION_ENROL)
//!     .send()
//!     .await?;
//! assert!(outcome.is_issued());
//! // The sandbox keeps state: the new issual is there for the test to see.
//! assert!(sandbox.issuals().iter().any(|i| i.promotion == demo::PROMOTION_ENROL && i.customer == demo::CUSTOMER_ANA));
//! # Ok(()) }
//! # #[cfg(not(feature = "sandbox"))]
//! # fn main() {}
//! ```
//!
//! ## The promotion lifecycle
//!
//! Enrol, earn, look up, revoke (the earns, then the enrolment), look up again: on the
//! sandbox, one state answers every step. The lookup is also how to settle an outcome the SDK
//! cannot know. Below, an `EARN` is applied but its answer is lost: `EARN` is not idempotent
//! (each one creates an earn), so the SDK does not send it again and its error says it
//! [may have been applied](Error::maybe_applied); the lookup shows the new earn, so the
//! caller does not send it again either.
//!
//! ```
//! # #[cfg(feature = "sandbox")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use capillary_sdk::sandbox::{demo, Fault, Sandbox};
//! use capillary_sdk::{
//!     CustomerPromotionList as _, CustomerRef, EnrolAction, EnrolCustomer, PromotionRef,
//!     RevokeAction, RevokeCustomer, RevokeIdentifierKind, Source,
//! };
//!
//! let sandbox = Sandbox::demo();
//! let client = sandbox.client()?;
//! // Customer 345854020 is not enrolled in Enrol & Issue promotion 1119990 (program 1085).
//! let customer = demo::CUSTOMER_TO_ENROL;
//! let promotion = PromotionRef::id(demo::PROMOTION_LOOKUP);
//! let look_up = || {
//!     client.customers()
//!         .promotions(CustomerRef::id(customer), Source::Instore)
//!         .programs([demo::PROGRAM_LOOKUP])
//!         .send()
//! };
//! let bulk = |action: EnrolAction| {
//!     client.promotions()
//!         .enrol(action, demo::PROGRAM_LOOKUP, promotion.clone(), RevokeIdentifierKind::Id)
//!         .customer(EnrolCustomer::new(customer.to_string()).source(Source::Instore))
//!         .send()
//! };
//! let revoke = |action: RevokeAction, who: RevokeCustomer| {
//!     client.promotions()
//!         .revoke(action, demo::PROGRAM_LOOKUP, promotion.clone(), RevokeIdentifierKind::Id)
//!         .customer(who)
//!         .send()
//! };
//!
//! // Enrol, then earn: each report says what was created.
//! let enrolled = bulk(EnrolAction::Enrol).await?;
//! assert_eq!(enrolled.created(), 1);
//! let issual = enrolled.items[0].result.as_ref().ok().and_then(|r| r.enrolment().issual_id);
//! let earned = bulk(EnrolAction::Earn).await?;
//! let earn = earned.items[0].result.as_ref().ok().and_then(|r| r.enrolment().earned_id);
//!
//! // Look up: the enrolment and its earn.
//! let page = look_up().await?;
//! assert_eq!(page.promotions.enrolment_id(&promotion), issual);
//! assert_eq!(page.promotions.active_earn_ids(&promotion), Vec::from_iter(earn));
//!
//! // An EARN the server applies, but whose answer is lost on the way back.
//! sandbox.fail_next(1, Fault::Truncate);
//! let lost = bulk(EnrolAction::Earn).await.unwrap_err();
//! assert!(lost.maybe_applied());
//! // Settle it with the lookup: a second earn is there, so do not send the EARN again.
//! let earns = look_up().await?.promotions.active_earn_ids(&promotion);
//! assert_eq!(earns.len(), 2);
//!
//! // Revoke the earns, then the enrolment (it cannot go while earns are live).
//! let id = customer.to_string();
//! revoke(RevokeAction::Earn, RevokeCustomer::new(&id).earn_ids(earns)).await?;
//! revoke(RevokeAction::Enrol, RevokeCustomer::new(&id)).await?;
//!
//! // Look up again: nothing is left.
//! let page = look_up().await?;
//! assert!(!page.promotions.is_enrolled(&promotion));
//! assert!(page.promotions.active_earn_ids(&promotion).is_empty());
//! # Ok(()) }
//! # #[cfg(not(feature = "sandbox"))]
//! # fn main() {}
//! ```
//!
//! ## Runtime
//!
//! The crate runs on tokio: a runtime with time and I/O enabled (`#[tokio::main]`,
//! `#[tokio::test]`, or a runtime built with `enable_all()`). A call made outside one fails
//! with [`Error::Config`]. Dropping a call's future cancels it without corrupting anything,
//! but if its request had been written the server may still apply it: treat a dropped call
//! like an error whose [`maybe_applied`](Error::maybe_applied) is `true`. Work that must
//! finish, such as a bulk revoke's requests in flight or a shared token fetch, runs on its own
//! tasks and is not lost with the caller.
//!
//! ## Feature flags
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `sandbox` | off | [`sandbox`]: the stateful in-process Capillary, and `sandbox::serve` to serve it over HTTP |
//!
//! ## The `capillary` CLI
//!
//! The `capillary-cli` package (`cli/` in the repository; `cargo install --path cli`) is the
//! command line for operators built on this crate: issue, bulk revoke from a CSV with a
//! journal, enroll and unenroll. See the README.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The default transport needs a TLS library; a build without one must say it brings its own.
#[cfg(not(any(
    feature = "rustls",
    feature = "rustls-ring",
    feature = "native-tls",
    feature = "custom-transport"
)))]
compile_error!(
    "capillary-sdk needs a TLS feature for its default transport: enable one of `rustls-ring` (the \
     default), `rustls` or `native-tls`; or enable `custom-transport` (or `tower`) and give \
     every client its own with `ClientBuilder::transport(..)`"
);

pub mod api;
pub mod auth;
mod base_url;
mod client;
mod compat;
mod engine;
mod error;
mod model;
pub mod rate_limit;
mod response;
pub mod retry;
#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;
pub mod transport;
mod verdict;

pub use api::customers::{
    CustomerPromotion, CustomerPromotionList, CustomerPromotionStatus, CustomerPromotions,
    CustomerPromotionsPage, CustomerPromotionsRequest, CustomerUsage, Customers, IssuedDetail,
    PageDetails, PointsOfferType, PromotionLimits, PromotionMetadata, PromotionRestrictions,
    PromotionSourceType, PromotionTimeline, PromotionType, Restriction, MAX_LOOKUP_LIMIT,
    MAX_LOOKUP_PAGES,
};
pub use api::promotions::bulk::{
    check_enrol_customer, check_revoke_customer, BulkAnswer, BulkItem, BulkOperation, BulkOutcome,
    BulkRun, EnrolAll, EnrolOp, EnrolOutcome, EnrolSummary, EnrolmentRevokeOutcome, RevokeAll,
    RevokeEnrolmentsAll, RevokeEnrolmentsOp, RevokeOp, RevokeOutcome, RevokeSummary, SettleHandle,
    DEFAULT_REVOKE_CONCURRENCY,
};
pub use api::promotions::{
    BulkReport, BulkRequest, EnrolAction, EnrolCustomer, EnrolItem, EnrolReport, EnrolRequest,
    Enrolled, Enrolment, EnrolmentRevokeItem, EnrolmentRevokeReport, EnrolmentStep, Issual,
    IssueOutcome, IssueRequest, PromotionRef, Promotions, RevokeAction, RevokeCustomer,
    RevokeEnrolmentsRequest, RevokeItem, RevokeReport, RevokeRequest, Revoked, MAX_ENROL_CUSTOMERS,
    MAX_REVOKE_CUSTOMERS,
};
pub use api::targets::{
    MilestoneEnrollRequest, StreakEnrollRequest, TargetOutcome, Targets, UnenrollRequest,
};
pub use client::{
    Client, ClientBuilder, Cluster, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, USER_AGENT,
};
pub use error::Error;
pub use model::{
    Amount, ApiMessage, ApiMessages, CustomerId, CustomerRef, DataScope, EarnId, EntityType,
    ErrorCode, IdentifierKind, IssualId, LookupCustomer, LookupIdentifierKind, LookupScope, OrgId,
    ParseError, ProgramId, PromotionId, ResponseMeta, RevokeIdentifierKind, Source, TargetGroupId,
    TargetId,
};
pub use retry::{RetryBudget, RetryPolicy};
pub use transport::TransportErrorKind;
pub use verdict::{AnswerSignals, Verdict};

// The 0.1 names, deprecated: each names its replacement.
#[allow(deprecated)]
pub use api::targets::EnrollRequest;
#[allow(deprecated)]
pub use compat::{parse_base_url, IdentifierName};

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
