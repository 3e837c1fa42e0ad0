//! The SDK: the engine, every endpoint on the wire, auth, retries, bulk revoke, security.
//!
//! One binary per area; tests that change process-wide state (the environment, the global
//! tracing subscriber) have their own, declared in Cargo.toml.

#[path = "../support/bulk_common/mod.rs"]
mod bulk_common;
#[path = "../support/bulk_common/wire.rs"]
mod bulk_wire;
#[path = "../support/common/mod.rs"]
mod common;

mod architecture;
mod auth;
mod bounded_answers;
mod bulk_driver;
mod bulk_enrol;
mod bulk_enrolments;
mod bulk_hooks;
mod bulk_live_input;
mod bulk_loopback;
mod bulk_memory;
mod bulk_revoke;
mod bulk_runtime;
mod classify_table;
// The 0.1 names through their deprecated aliases: the one place deprecation is allowed.
#[allow(deprecated)]
mod compat_0_1;
mod customers_lookup;
mod customers_lookup_props;
mod decode_edge_cases;
mod decode_props;
mod engine_defects;
mod gateway_answers;
mod oauth_fetch;
mod oauth_store;
mod optional_setters;
mod promotions_enrol;
mod promotions_issue;
mod promotions_revoke;
mod rate_limit_local;
mod readme_reliability;
mod retry_policy;
mod retry_timing;
mod security_base_url;
mod security_redirect;
mod service_api;
mod targets;
mod tower_transport;
mod validation;
