//! The story's one-line forms of outcomes and errors.

use capillary_sdk::{Error, RevokeReport};

use crate::Story;

/// A short form of an error for one line: the codes and the request id.
pub fn brief(e: &Error) -> String {
    match e {
        Error::Api { errors, meta, .. } => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!("refused, {} [{meta}]", errors.join("; "))
        }
        other => other.to_string(),
    }
}

/// An API refusal as a line; on the sandbox, or when the call got no answer, an error.
pub fn refusal(e: Error, story: &Story) -> Result<String, String> {
    match e {
        Error::Api { .. } if story.sandbox.is_none() => Ok(brief(&e)),
        other => Err(other.to_string()),
    }
}

pub fn revoke_line(report: &RevokeReport) -> String {
    let item = report.items.first();
    match item.map(|i| &i.result) {
        Some(Ok(r)) if r.revoked_issual_id.is_some() => {
            format!(
                "revoked issual {} [{}]",
                r.revoked_issual_id.map(|i| i.0).unwrap_or_default(),
                report.meta
            )
        }
        Some(Ok(r)) => format!(
            "revoked earns {:?} [{}]",
            r.revoked_earn_ids.iter().map(|e| e.0).collect::<Vec<_>>(),
            report.meta
        ),
        Some(Err(errors)) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!("failed, {} [{}]", errors.join("; "), report.meta)
        }
        None => format!("no result [{}]", report.meta),
    }
}
