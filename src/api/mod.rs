//! The endpoints, one area each: [`customers`] (the promotion lookup), [`promotions`] (issue,
//! bulk enrol & earn, bulk revoke) and [`targets`] (enroll, unenroll in connected orgs);
//! [`promotions::bulk`] streams either bulk call at any size.
//!
//! Each request builder validates itself before anything is sent, describes itself to the
//! engine (method, path, query, headers, body) and decodes the answer into a typed outcome.
//! Adding an endpoint is one new file under its area: see `ARCHITECTURE.md`.

mod compat;
pub mod customers;
pub mod promotions;
pub mod targets;

#[allow(deprecated)]
pub use self::compat::{bulk, REQUEST_ID_HEADER};
