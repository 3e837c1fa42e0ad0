//! The `capillary` binary, run for real (cargo builds it for its integration tests).
//!
//! One binary: the helpers every test shares are in `tests/support/`; the fake bulk revoke
//! server and the strict mock server are the SDK's own test helpers.

#[path = "../../../tests/support/bulk_common/mod.rs"]
mod bulk_common;
#[path = "../../../tests/support/bulk_common/wire.rs"]
mod bulk_wire;
#[path = "../../../tests/support/common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod capillary_cli;
mod cli_earn_rerun;
mod cli_enrol;
mod cli_input;
mod cli_interrupt;
mod cli_journal;
mod cli_lookup;
mod cli_output;
mod cli_revoke;
mod cli_secrets;
mod cli_setup;
mod cli_write_ahead;
mod installed;
mod rate_limit_cli;
