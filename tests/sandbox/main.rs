//! The sandbox: its rules, auth, faults, parity with the documented answers, its HTTP server.
//!
//! One binary per area; tests that change process-wide state (the environment, the global
//! tracing subscriber) have their own, declared in Cargo.toml.

#[path = "../support/bulk_common/mod.rs"]
mod bulk_common;
#[path = "../support/common/mod.rs"]
mod common;
#[path = "../support/sandbox_common/mod.rs"]
mod sandbox_common;

mod parity;
mod sandbox_auth;
mod sandbox_enrol;
mod sandbox_faults;
mod sandbox_lifecycle;
mod sandbox_lookup;
mod sandbox_quickstart;
mod sandbox_rules;
mod security_header_timeout;
