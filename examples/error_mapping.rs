//! How a service maps every `capillary_sdk::Error` to its own answer, in one `match`: an
//! HTTP status for its caller and a JSON body, as an axum or actix handler would return them.
//!
//! ```sh
//! cargo run --example error_mapping
//! ```
//!
//! It runs a few failing calls against the embedded sandbox and prints what a handler would
//! answer for each.

use capillary_sdk::sandbox::{demo, Fault, Sandbox};
use capillary_sdk::{CustomerRef, Error, ErrorCode, RetryPolicy, Source};
use serde_json::{json, Value};

/// What the handler answers its own caller.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: Value,
    /// Seconds for a `Retry-After` header of our own, when the caller should come back later.
    retry_after: Option<u64>,
}

/// Every variant, in one match: what our caller did wrong (4xx), what is our or Capillary's
/// trouble (5xx), and what may have happened anyway (a 502 that says so).
fn reply(error: &Error) -> Reply {
    let request_id = error.request_id().map(str::to_string);
    let (status, kind) = match error {
        // Our caller's input was wrong; nothing was sent.
        Error::InvalidRequest { field, .. } => (422, format!("invalid_{field}")),
        // Our own configuration; nothing our caller can change.
        Error::Config { .. } => (500, "misconfigured".into()),
        // Our credentials for Capillary were refused.
        Error::Auth { .. } => (502, "upstream_auth".into()),
        // No token: Capillary's token endpoint is down or busy; nothing was sent.
        Error::TokenEndpoint { .. } => (503, "upstream_unavailable".into()),
        // Capillary refused with codes: the ones a caller can act on map to 4xx.
        Error::Api { .. } if error.has_code(ErrorCode::CustomerNotFound) => {
            (404, "customer_not_found".into())
        }
        Error::Api { .. } if error.has_code(ErrorCode::PromotionInactive) => {
            (409, "promotion_inactive".into())
        }
        Error::Api { .. } if error.is_retryable() => (503, "upstream_busy".into()),
        Error::Api { .. } => (422, "refused".into()),
        // No answer, or one that could not be read: what matters is whether it may have
        // been applied.
        Error::Transport { .. } | Error::UnexpectedResponse { .. } if error.maybe_applied() => {
            (502, "outcome_unknown".into())
        }
        Error::Transport { .. } | Error::UnexpectedResponse { .. } => {
            (503, "upstream_unavailable".into())
        }
        // `Error` is non-exhaustive: a variant added later is an upstream failure until mapped.
        _ => (502, "upstream_error".into()),
    };
    Reply {
        status,
        body: json!({
            "error": kind,
            "message": error.to_string(),
            "codes": error.codes(),
            "maybeApplied": error.maybe_applied(),
            "capillaryRequestId": request_id,
        }),
        retry_after: error
            .retry_after()
            .map(|d| d.as_secs())
            .or_else(|| error.is_retryable().then_some(1)),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::demo();
    let client = sandbox.client()?;
    let issue = |mobile: &'static str| {
        client
            .promotions()
            .issue(
                CustomerRef::mobile(mobile),
                Source::Instore,
                demo::PROGRAM_ISSUE,
                demo::PROMOTION_ENROL,
            )
            .retry_policy(RetryPolicy::none())
    };
    let mut cases = Vec::new();
    cases.push(("unknown customer", issue("999").send().await));
    cases.push(("empty identifier", issue(" ").send().await));
    sandbox.fail_next(1, Fault::Status(503));
    cases.push(("Capillary busy", issue(demo::ANA_MOBILE).send().await));
    sandbox.fail_next(1, Fault::Drop);
    cases.push(("answer lost", issue(demo::ANA_MOBILE).send().await));
    for (name, result) in cases {
        match result {
            Ok(outcome) => println!("{name}: 200 {}", serde_json::to_string(&outcome)?),
            Err(error) => {
                let reply = reply(&error);
                println!(
                    "{name}: {} {} (Retry-After: {:?})",
                    reply.status, reply.body, reply.retry_after
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_case_maps_to_the_status_a_handler_needs() {
        let sandbox = Sandbox::demo();
        let client = sandbox.client().unwrap();
        let issue = |mobile: &'static str| {
            client
                .promotions()
                .issue(
                    CustomerRef::mobile(mobile),
                    Source::Instore,
                    demo::PROGRAM_ISSUE,
                    demo::PROMOTION_ENROL,
                )
                .retry_policy(RetryPolicy::none())
        };
        let status = |r: Result<_, Error>| reply(&r.unwrap_err()).status;
        assert_eq!(status(issue("999").send().await), 404);
        assert_eq!(status(issue("").send().await), 422);
        sandbox.fail_next(1, Fault::Status(503));
        let busy = reply(&issue(demo::ANA_MOBILE).send().await.unwrap_err());
        assert_eq!((busy.status, busy.retry_after), (503, Some(1)));
        sandbox.fail_next(1, Fault::Drop);
        let lost = reply(&issue(demo::ANA_MOBILE).send().await.unwrap_err());
        assert_eq!(lost.status, 502);
        assert_eq!(lost.body["maybeApplied"], true);
    }
}
