//! The JSON lines on stdout, one per outcome, under the API's own field names.

use capillary_sdk::{
    ApiMessage, Error, IssueOutcome, ResponseMeta, RevokeItem, RevokeOutcome, TargetOutcome,
};
use serde_json::{json, Map, Value};

/// Whether an outcome line counts as a success for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// issued, revoked, enrolled, unenrolled
    Ok,
    /// failed or not_issued
    Failed,
    /// could not complete: an outcome is unknown, or the run stopped early (exit 3)
    Incomplete,
}

fn messages(list: &[ApiMessage]) -> Value {
    serde_json::to_value(list).unwrap_or(Value::Array(Vec::new()))
}

fn line(
    status: &str,
    fields: Value,
    errors: &[ApiMessage],
    warnings: &[ApiMessage],
    meta: Option<&ResponseMeta>,
) -> String {
    let mut map = Map::new();
    map.insert("status".into(), json!(status));
    if let Value::Object(fields) = fields {
        map.extend(fields.into_iter().filter(|(_, v)| !v.is_null()));
    }
    map.insert("errors".into(), messages(errors));
    map.insert("warnings".into(), messages(warnings));
    map.insert(
        "requestId".into(),
        json!(meta.and_then(|m| m.request_id.as_deref())),
    );
    Value::Object(map).to_string()
}

/// The line for an issue outcome.
pub fn issue(outcome: &IssueOutcome) -> (String, Verdict) {
    match outcome {
        IssueOutcome::Issued(issual) => (
            line(
                "issued",
                json!({
                    "programId": issual.program_id.0,
                    "promotionId": issual.promotion_id.0,
                    "issualId": issual.issual_id.0,
                }),
                &[],
                &issual.warnings,
                Some(&issual.meta),
            ),
            Verdict::Ok,
        ),
        IssueOutcome::NotIssued { warnings, meta } => (
            line("not_issued", json!({}), &[], warnings, Some(meta)),
            Verdict::Failed,
        ),
    }
}

/// The line for one customer of a revoke.
pub fn revoke(item: &RevokeItem, meta: &ResponseMeta) -> (String, Verdict) {
    let value = &item.customer.identifier_value;
    match &item.result {
        Ok(r) => (
            line(
                "revoked",
                json!({
                    "identifierValue": value,
                    "entityId": r.customer_id.map(|c| c.0),
                    "programId": r.program_id.map(|p| p.0),
                    "promotionId": r.promotion_id.map(|p| p.0),
                    "promoIdentifier": r.promo_identifier,
                    "revokedIssualId": r.revoked_issual_id.map(|i| i.0),
                    "revokedEarnIds": if r.revoked_earn_ids.is_empty() { Value::Null } else { json!(r.revoked_earn_ids.iter().map(|e| e.0).collect::<Vec<_>>()) },
                }),
                &[],
                &item.warnings,
                Some(meta),
            ),
            Verdict::Ok,
        ),
        Err(errors) => (
            line(
                "failed",
                json!({ "identifierValue": value }),
                errors,
                &item.warnings,
                Some(meta),
            ),
            Verdict::Failed,
        ),
    }
}

/// The line for a revoke customer whose request got no per-customer answer: refused as a
/// whole (`maybeApplied: false`, safe to resend) or unanswered (`maybeApplied: true`).
pub fn revoke_unsettled(
    identifier_value: &str,
    error: &Error,
    maybe_applied: bool,
) -> (String, Verdict) {
    let (errors, warnings): (&[ApiMessage], &[ApiMessage]) = match error {
        Error::Api {
            errors, warnings, ..
        } => (errors, warnings),
        _ => (&[], &[]),
    };
    let verdict = if matches!(error, Error::Api { .. }) && !maybe_applied {
        Verdict::Failed
    } else {
        Verdict::Incomplete
    };
    (
        line(
            "failed",
            json!({
                "identifierValue": identifier_value,
                "maybeApplied": maybe_applied,
                "reason": error.to_string(),
            }),
            errors,
            warnings,
            error.meta(),
        ),
        verdict,
    )
}

/// Whether a revoke outcome is one whose request may have reached the server without a
/// readable answer. The only place that names that variant of the library's enum.
pub fn maybe_applied(outcome: &RevokeOutcome) -> bool {
    matches!(outcome, RevokeOutcome::Unknown { .. })
}

/// The line for a customer whose request was abandoned in flight (a second Ctrl-C).
pub fn abandoned(identifier_value: &str) -> (String, Verdict) {
    (
        line(
            "failed",
            json!({
                "identifierValue": identifier_value,
                "maybeApplied": true,
                "reason": "abandoned in flight (interrupted): the request was sent and its answer not awaited",
            }),
            &[],
            &[],
            None,
        ),
        Verdict::Incomplete,
    )
}

/// The line for an enroll or unenroll outcome.
pub fn target(status: &str, outcome: &TargetOutcome) -> (String, Verdict) {
    (
        line(
            status,
            json!({ "customerId": outcome.customer_id.0 }),
            &[],
            &outcome.warnings,
            Some(&outcome.meta),
        ),
        Verdict::Ok,
    )
}

/// The line for a call the server refused with API errors (exit 1, not 3: the server answered
/// and nothing was applied). `fields` names what the call was about.
pub fn refused(error: &Error, fields: Value) -> Option<(String, Verdict)> {
    match error {
        Error::Api {
            meta,
            errors,
            warnings,
        } if !error.maybe_applied() => Some((
            line("failed", fields, errors, warnings, Some(meta)),
            Verdict::Failed,
        )),
        _ => None,
    }
}
