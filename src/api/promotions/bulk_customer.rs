//! The identifier rules every customer of a bulk request passes, whatever the endpoint.

use crate::model::{RevokeIdentifierKind, Source};

/// Checks a customer's identifier value (and source, when given) against the request's
/// `identifierName`: never empty, digits only when it names customer ids.
pub(crate) fn check_identifier(
    identifier_name: RevokeIdentifierKind,
    identifier_value: &str,
    source: Option<&Source>,
) -> Result<(), String> {
    let value = identifier_value.trim();
    if value.is_empty() {
        return Err("identifierValue must not be empty".into());
    }
    if identifier_name == RevokeIdentifierKind::Id && !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "identifierValue {value:?} is not a customer id (identifierName is id)"
        ));
    }
    if let Some(Source::Other(s)) = source {
        if s.trim().is_empty() {
            return Err("source must not be empty when given".into());
        }
    }
    Ok(())
}
