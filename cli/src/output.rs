//! The JSON lines on stdout, one per outcome, under the API's own field names.

use capillary_sdk::{
    ApiMessage, BulkOutcome, CustomerId, EarnId, Error, IssualId, IssueOutcome, ProgramId,
    PromotionId, ResponseMeta, RevokeItem, TargetOutcome,
};
use serde::Serialize;
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

/// A revoke line, serialised straight to text: a bulk revoke prints one per customer, and
/// building a `serde_json::Value` map for each cost more CPU than the request itself.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RevokeLine<'a> {
    status: &'a str,
    identifier_value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_id: Option<CustomerId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    program_id: Option<ProgramId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    promotion_id: Option<PromotionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    promo_identifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_issual_id: Option<IssualId>,
    #[serde(skip_serializing_if = "<[EarnId]>::is_empty")]
    revoked_earn_ids: &'a [EarnId],
    #[serde(skip_serializing_if = "Option::is_none")]
    maybe_applied: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_by: Option<&'a str>,
    errors: &'a [ApiMessage],
    warnings: &'a [ApiMessage],
    request_id: Option<&'a str>,
}

impl<'a> RevokeLine<'a> {
    fn new(status: &'a str, identifier_value: &'a str) -> Self {
        Self {
            status,
            identifier_value,
            entity_id: None,
            program_id: None,
            promotion_id: None,
            promo_identifier: None,
            revoked_issual_id: None,
            revoked_earn_ids: &[],
            maybe_applied: None,
            reason: None,
            resolved_by: None,
            errors: &[],
            warnings: &[],
            request_id: None,
        }
    }

    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The line for one customer of a revoke.
pub fn revoke(item: &RevokeItem, meta: &ResponseMeta) -> (String, Verdict) {
    let mut line = RevokeLine::new("failed", &item.customer.identifier_value);
    line.warnings = &item.warnings;
    line.request_id = meta.request_id.as_deref();
    match &item.result {
        Ok(r) => {
            line.status = "revoked";
            line.entity_id = r.customer_id;
            line.program_id = r.program_id;
            line.promotion_id = r.promotion_id;
            line.promo_identifier = r.promo_identifier.as_deref();
            line.revoked_issual_id = r.revoked_issual_id;
            line.revoked_earn_ids = &r.revoked_earn_ids;
            (line.text(), Verdict::Ok)
        }
        Err(errors) => {
            line.errors = errors;
            (line.text(), Verdict::Failed)
        }
    }
}

/// The line for a customer revoked by an earlier attempt whose outcome was unknown: its
/// resend was answered 8903 (kept in the line's warnings).
pub fn revoked_earlier(item: &RevokeItem, meta: &ResponseMeta) -> (String, Verdict) {
    let mut warnings = item.warnings.clone();
    if let Err(errors) = &item.result {
        warnings.extend(errors.iter().cloned());
    }
    let mut line = RevokeLine::new("revoked", &item.customer.identifier_value);
    line.warnings = &warnings;
    line.resolved_by = Some(crate::resolve::REVOKED_EARLIER);
    line.request_id = meta.request_id.as_deref();
    (line.text(), Verdict::Ok)
}

/// The line for a revoke customer whose request got no per-customer answer: refused as a
/// whole (`maybeApplied: false`, safe to resend) or unanswered (`maybeApplied: true`).
pub fn revoke_unsettled(
    identifier_value: &str,
    error: &Error,
    maybe_applied: bool,
) -> (String, Verdict) {
    let verdict = if matches!(error, Error::Api { .. }) && !maybe_applied {
        Verdict::Failed
    } else {
        Verdict::Incomplete
    };
    let reason = error.to_string();
    let mut line = RevokeLine::new("failed", identifier_value);
    line.maybe_applied = Some(maybe_applied);
    line.reason = Some(&reason);
    if let Error::Api {
        errors, warnings, ..
    } = error
    {
        line.errors = errors;
        line.warnings = warnings;
    }
    line.request_id = error.meta().and_then(|m| m.request_id.as_deref());
    (line.text(), verdict)
}

/// The line for a customer whose request was abandoned in flight (a second Ctrl-C).
pub fn abandoned(identifier_value: &str) -> (String, Verdict) {
    let mut line = RevokeLine::new("failed", identifier_value);
    line.maybe_applied = Some(true);
    line.reason =
        Some("abandoned in flight (interrupted): the request was sent and its answer not awaited");
    (line.text(), Verdict::Incomplete)
}

/// Whether a revoke outcome is one whose request may have reached the server without a
/// readable answer. The only place that names that variant of the library's enum.
pub fn maybe_applied<I, C>(outcome: &BulkOutcome<I, C>) -> bool {
    matches!(outcome, BulkOutcome::MaybeApplied { .. })
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
