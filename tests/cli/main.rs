//! The `capillary` CLI, run as a real binary.
//!
//! One binary per area; tests that change process-wide state (the environment, the global
//! tracing subscriber) have their own, declared in Cargo.toml.

#[path = "../support/bulk_common/mod.rs"]
mod bulk_common;
#[path = "../support/cli_common/mod.rs"]
mod cli_common;
#[path = "../support/common/mod.rs"]
mod common;

mod capillary_cli;
mod cli_interrupt;
mod cli_journal;
mod cli_output;
mod cli_revoke;
mod cli_secrets;
mod cli_setup;
mod rate_limit_cli;
