//! # capillary-sdk
//!
//! A typed client for the Capillary Loyalty+ APIs: enrol & issue promotions, bulk revoke
//! enrolments and earns, and enroll customers into milestones and streaks in connected orgs.
//!
//! - A call that compiles is a call the server can accept; bad input is refused by
//!   `validate()` with [`Error::InvalidRequest`] before anything is sent.
//! - One [`Error`] type; every outcome and every error carries the HTTP status and Capillary's
//!   `X-Cap-Requestid`.
//! - A call is sent again only when the server certainly did not act on it (connection
//!   refused, 429, 503, 461, 521); an error after which it may have acted says so through
//!   [`Error::maybe_applied`]. Timeouts and the retry budget are finite by default: see
//!   [`retry`].
//! - Credentials never reach a log: [`auth::Basic`] and [`auth::OAuth`] redact themselves.
//! - The transport is a small trait over `http` types ([`transport::Transport`]), so tests can
//!   pass a closure.
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
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth;
mod base_url;
mod client;
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

pub use api::bulk::{check_revoke_customer, RevokeAll, RevokeOutcome, DEFAULT_REVOKE_CONCURRENCY};
pub use api::promotions::{
    Issual, IssueOutcome, IssueRequest, PromotionRef, Promotions, RevokeAction, RevokeCustomer,
    RevokeItem, RevokeReport, RevokeRequest, Revoked, MAX_REVOKE_CUSTOMERS,
};
pub use api::targets::{EnrollRequest, TargetOutcome, Targets, UnenrollRequest};
pub use client::{
    Client, ClientBuilder, Cluster, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, USER_AGENT,
};
pub use error::Error;
pub use model::{
    ApiMessage, ApiMessages, CustomerId, CustomerRef, DataScope, EarnId, EntityType, ErrorCode,
    IdentifierKind, IdentifierName, IssualId, OrgId, ProgramId, PromotionId, ResponseMeta, Source,
    TargetGroupId, TargetId,
};
pub use retry::{RetryBudget, RetryPolicy};
pub use transport::TransportErrorKind;
pub use verdict::Verdict;

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
